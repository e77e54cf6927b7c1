// Opens the HTML view in real headless Chromium (Debian's `chromium`, driven by playwright-core):
// clicks a node and reads the side panel, searches, pans and zooms, and checks a screenshot is
// not blank. Slow (a browser start); runs in CI with MESHROOM_SLOW=1, where .ci/run installs chromium.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { type BrowserContext, type Page, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildMeshView, renderView } from "../../src/graphview/index.js";
import { generatedMesh, instance, plug, product, setting } from "./fixtures.js";

const CHROMIUM = "/usr/bin/chromium";
const SECRET_VALUE = "hunter2-do-not-show";

/** Chromium is installed by .ci/run; on a root dev machine without it, try to install it once. */
function ensureChromium(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  if (process.getuid?.() === 0) {
    try {
      execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "chromium"], { stdio: "ignore", timeout: 300_000 });
    } catch {
      // reported below
    }
  }
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing and could not be installed (run: apt-get install -y chromium)`;
}

const missing = ensureChromium();
if (missing) console.warn(`[graphview browser test] SKIPPED: ${missing}`);

describe.skipIf(missing !== undefined)("HTML view in headless Chromium", () => {
  let dir: string;
  let context: BrowserContext;
  let page: Page;
  let parisId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "mr-graphview-"));
    const m = generatedMesh(40);
    m.products.set("edr", product("edr", [["producer", "events"]], [setting("region"), setting("API_KEY", { secret: true })]));
    m.instances.push(instance("edr_paris", "edr", { region: "eu-west-3", password: SECRET_VALUE }));
    m.plugs.push(plug({ src: "edr_paris", dst: "fwd0", topic: "events" }));
    const view = buildMeshView({ instances: m.instances, products: m.products, plugs: m.plugs, statuses: m.statuses });
    parisId = `#mr_n_${view.nodes.findIndex((n) => n.id === "edr_paris")}`;
    const file = join(dir, "mesh.html");
    writeFileSync(file, await renderView(view, "html"));

    const t0 = performance.now();
    context = await chromium.launchPersistentContext(join(dir, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
      ],
      viewport: { width: 1280, height: 800 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    const offline: string[] = [];
    page.on("request", (r) => { if (!r.url().startsWith("file://")) offline.push(r.url()); });
    await page.goto(`file://${file}`);
    await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
    expect(offline).toEqual([]);
    console.log(`[graphview timing] chromium start + page ready: ${(performance.now() - t0).toFixed(0)} ms`);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("shows a clicked node's settings, and secrets by name only", async () => {
    await page.click(parisId);
    const panel = page.locator("#mr-panel");
    await expect.poll(() => panel.getAttribute("data-node")).toBe("edr_paris");
    const rows = await panel.locator("tr").evaluateAll((trs) => trs.map((tr) => Array.from((tr as { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> }).querySelectorAll("td"), (td) => td.textContent)));
    expect(rows).toContainEqual(["product", "edr"]);
    expect(rows).toContainEqual(["region", "eu-west-3"]);
    expect(rows).toContainEqual(["password", "(secret)"]);
    expect(rows).toContainEqual(["API_KEY", "(secret)"]);
    expect(await panel.textContent()).not.toContain(SECRET_VALUE);
    expect(await page.content()).not.toContain(SECRET_VALUE);
  });

  it("highlights the nodes a search matches", async () => {
    await page.fill("#mr-search", "paris");
    await expect.poll(() => page.textContent("#mr-count")).toBe("1 match");
    expect(await page.getAttribute(parisId, "class")).toContain("mr-hit");
    expect(await page.locator("g.mr-hit").count()).toBe(1);
    await page.fill("#mr-search", "fwd");
    await expect.poll(() => page.locator("g.mr-hit").count()).toBe(6);
    await page.fill("#mr-search", "");
    expect(await page.locator("g.mr-hit, g.mr-dim").count()).toBe(0);
  });

  it("zooms with the wheel and pans by dragging", async () => {
    const transform = () => page.$eval("#mr-canvas", (e) => (e as unknown as { style: { transform: string } }).style.transform);
    const scale = async () => Number(/scale\(([\d.]+)\)/.exec(await transform())?.[1]);
    const before = await scale();
    await page.mouse.move(400, 400);
    await page.mouse.wheel(0, -400);
    await expect.poll(scale).toBeGreaterThan(before * 1.5);
    const t1 = await transform();
    await page.mouse.move(300, 300);
    await page.mouse.down();
    await page.mouse.move(420, 360, { steps: 5 });
    await page.mouse.up();
    expect(await transform()).not.toBe(t1);
    await page.click("#mr-reset");
  });

  it("takes a screenshot that is not blank", async () => {
    const png = PNG.sync.read(await page.screenshot({ path: process.env.MESHROOM_SHOT ?? join(dir, "shot.png") }));
    let inked = 0;
    let green = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
      if (r < 235 || g < 235 || b < 235) inked++;
      if (r === 0xdc && g === 0xf2 && b === 0xe1) green++; // the fill of "up" instances
    }
    const pixels = png.width * png.height;
    console.log(`[graphview browser] ${png.width}x${png.height}: ${((100 * inked) / pixels).toFixed(1)}% non-white, ${green} "up" fill pixels`);
    expect(inked / pixels).toBeGreaterThan(0.01);
    expect(green).toBeGreaterThan(50);
  });
});
