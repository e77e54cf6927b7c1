// A producer's bytes reach the operator's terminal through `meshroom intake dlq`: the rejection
// reason of a line that is not JSON quotes the line. ESC/BEL sequences there could clear the
// screen, set the window title or forge output; the CLI must show them escaped, not raw.
import { describe, expect, it } from "vitest";
import { meshroom } from "../cli/helpers.js";
import { ADMIN, call, createSource, harnessPool } from "../intake/helpers.js";
import { terminalSafe, terminalSafeJson, terminalSafeLine } from "../../src/util/terminal-safe.js";
import { renderTable } from "../../src/cli/views/table.js";
import { formatValue } from "../../src/cli/hook-deps.js";

const ATTACK = "\x1b[2J\x1b]0;pwned\x07";
// C0 controls except newline, DEL, C1 controls (U+009B is CSI on some terminals), bidi overrides
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe("intake dlq: control characters from producers", () => {
  const pool = harnessPool();

  async function poisoned(): Promise<{ dir: string; stop: () => Promise<void> }> {
    const h = await pool.start();
    const token = await createSource(h.base, "web");
    const line2 = `{"summary":"\u009b31m c1 \u202e bidi", "bad": ${"\x1b"}}`;
    const r = await call(h.base, "POST", "/events/web", { token, raw: `${ATTACK}\n${line2}\n`, type: "application/x-ndjson" });
    expect(r.status).toBe(422);
    expect(JSON.stringify(r.body)).toContain("pwned");
    return { dir: h.dir, stop: () => pool.stop(h) };
  }

  it("the table shows ESC and BEL escaped, through the server and offline", async () => {
    const { dir, stop } = await poisoned();
    const served = await meshroom(["intake", "dlq", "--dir", dir], { env: { MESHROOM_INTAKE_ADMIN_TOKEN: ADMIN } });
    expect(served.code).toBe(0);
    expect(served.stdout).toContain("pwned");
    expect(served.stdout).not.toMatch(RAW_CONTROL);
    expect(served.stdout).toContain("\\x1b[2J\\x1b]0;pwned\\x07");
    await stop();
    const offline = await meshroom(["intake", "dlq", "--dir", dir]);
    expect(offline.code).toBe(0);
    expect(offline.stdout).toContain("pwned");
    expect(offline.stdout).not.toMatch(RAW_CONTROL);
  });

  it("--json output stays the same JSON, with no raw control character either", async () => {
    const { dir } = await poisoned();
    const r = await meshroom(["intake", "dlq", "--dir", dir, "--json"], { env: { MESHROOM_INTAKE_ADMIN_TOKEN: ADMIN } });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(RAW_CONTROL);
    const parsed = JSON.parse(r.stdout) as { entries: { raw: string }[] };
    expect(parsed.entries.map((e) => e.raw)).toContain(ATTACK);
  });

  it("terminalSafe keeps newlines and tabs in messages; the line form and JSON form escape the rest", () => {
    expect(terminalSafe(`a\tb\nc${ATTACK}\r\u009b\u202e`)).toBe("a\tb\nc\\x1b[2J\\x1b]0;pwned\\x07\\r\\x9b\\u202e");
    expect(terminalSafeLine("a\tb\nc\x7f")).toBe("a\\tb\\nc\\x7f");
    expect(JSON.parse(terminalSafeJson(JSON.stringify({ s: `x\u009by\u2066` })))).toEqual({ s: "x\u009by\u2066" });
    expect(terminalSafe("plain ünïcode ✓")).toBe("plain ünïcode ✓");
  });

  it("every CLI table, and hook values printed by pull/publish, show control characters escaped", () => {
    const table = renderTable(["name", "value"], [["evil\x1b]0;t\x07", `a\nb${ATTACK}`]]);
    expect(table).not.toMatch(RAW_CONTROL);
    expect(table.split("\n")).toHaveLength(2);
    expect(formatValue(ATTACK)).toBe("\\x1b[2J\\x1b]0;pwned\\x07");
    expect(formatValue({ s: "\u009b2J" })).not.toMatch(RAW_CONTROL);
  });
});
