import { describe, expect, it } from "vitest";
import type { GraphView } from "../../src/graphview/index.js";
import {
  CHANGE_COLOR, buildHtmlPage, dotString, mermaidText, renderDot, renderMermaid, renderSvg, scriptJson,
} from "../../src/graphview/index.js";

const awkward = 'we"ird\\name\nnext <b>#1</b>';

function view(overrides: Partial<GraphView> = {}): GraphView {
  return {
    kind: "mesh",
    title: "t",
    planOverlay: false,
    nodes: [
      { id: "a", label: awkward, sublabel: "edr", kind: "instance", status: "up", details: [] },
      { id: 'b"2', label: "b", sublabel: "siem", kind: "instance", status: "tainted", details: [] },
    ],
    edges: [{ id: "e", from: "a", to: 'b"2', label: "events · push", status: "not applied" }],
    ...overrides,
  };
}

describe("dot", () => {
  it("escapes quotes, backslashes and line breaks in ids and labels", () => {
    expect(dotString(awkward)).toBe('"we\\"ird\\\\name\\nnext <b>#1</b>"');
    const dot = renderDot(view());
    expect(dot).toContain(`"b\\"2" [id="mr_n_1"`);
    expect(dot).toContain(`"a" -> "b\\"2" [id="mr_e_0"`);
    expect(dot).toContain(`label="we\\"ird\\\\name\\nnext <b>#1</b>\\nedr"`);
  });

  it("is valid DOT: Graphviz lays it out and keeps names and element ids", async () => {
    const svg = await renderSvg(renderDot(view()));
    expect(svg).toContain('<g id="mr_n_0" class="node mr_node mr_instance mr_status_up"');
    expect(svg).toContain('<g id="mr_e_0" class="edge mr_edge"');
    expect(svg).toContain("we&quot;ird\\name");
    expect(svg).toContain("next &lt;b&gt;#1&lt;/b&gt;");
    expect(svg).toContain('<g id="mr_legend"');
  });

  it("styles capability edges by ownership: solid, dashed, dotted; explicit ones thicker", () => {
    const dot = renderDot(view({
      kind: "capabilities",
      nodes: [
        { id: "p", label: "p", kind: "product", details: [] },
        { id: "q", label: "q", kind: "product", details: [] },
      ],
      edges: [
        { id: "1", from: "p", to: "q", label: "both", ownership: "owns both", explicit: true },
        { id: "2", from: "p", to: "q", label: "self", ownership: "owns self", explicit: false },
        { id: "3", from: "p", to: "q", label: "none", ownership: "no hook", explicit: false },
      ],
    }));
    expect(dot).toMatch(/label="both", color="#[0-9a-f]{6}", fontcolor="#[0-9a-f]{6}", penwidth=2, style="solid"/);
    expect(dot).toMatch(/label="self", .*penwidth=1.2, style="dashed"/);
    expect(dot).toMatch(/label="none", .*penwidth=1.2, style="dotted"/);
    expect(dot).toContain("owns both: one side sets up the whole link (solid)");
    expect(dot).toContain("no hook: theoretical only (dotted)");
  });

  it("colours planned changes and marks them, with a plan legend", () => {
    const v = view({
      planOverlay: true,
      nodes: [
        { id: "a", label: "a", kind: "instance", status: "up", change: "create", details: [] },
        { id: "b", label: "b", kind: "instance", status: "up", change: "delete", details: [] },
        { id: "c", label: "c", kind: "instance", status: "up", details: [] },
      ],
      edges: [
        { id: "1", from: "a", to: "c", label: "x", change: "replace" },
        { id: "2", from: "b", to: "c", label: "y", change: "update" },
        { id: "3", from: "c", to: "a", label: "z" },
      ],
    });
    const dot = renderDot(v);
    expect(dot).toContain(`label="+ a", style="rounded,filled", fillcolor="#dcf2e1", color="${CHANGE_COLOR.create}", penwidth=3`);
    expect(dot).toContain(`label="- b", style="rounded,filled,dashed", fillcolor="#dcf2e1", color="${CHANGE_COLOR.delete}"`);
    expect(dot).toContain(`label="-/+ x", color="${CHANGE_COLOR.replace}"`);
    expect(dot).toContain(`label="~ y", color="${CHANGE_COLOR.update}"`);
    expect(dot).toContain(`label="z", color="#b8b8b8"`);
    for (const c of ["create", "update", "replace", "delete"]) expect(dot).toContain(`plan: ${c}`);
    expect(renderDot(view())).not.toContain("plan: create");
  });

  it("is deterministic", () => {
    expect(renderDot(view())).toBe(renderDot(view()));
  });
});

describe("mermaid", () => {
  it("uses positional ids and escapes labels", () => {
    expect(mermaidText(awkward)).toBe("we#quot;ird\\name<br/>next #lt;b#gt;#35;1#lt;/b#gt;");
    const m = renderMermaid(view());
    expect(m).toContain("flowchart LR");
    expect(m).toContain('n0["we#quot;ird\\name<br/>next #lt;b#gt;#35;1#lt;/b#gt;<br/>edr"]');
    expect(m).toContain('n0 -->|"events · push"| n1');
    expect(m).not.toContain('b"2');
  });

  it("styles links by ownership with dash arrays and plan changes with colours", () => {
    const caps = renderMermaid(view({
      kind: "capabilities",
      nodes: [{ id: "p", label: "p", kind: "product", details: [] }, { id: "q", label: "q", kind: "product", details: [] }],
      edges: [
        { id: "1", from: "p", to: "q", label: "both", ownership: "owns both" },
        { id: "2", from: "p", to: "q", label: "self", ownership: "owns self" },
        { id: "3", from: "p", to: "q", label: "none", ownership: "no hook" },
      ],
    }));
    expect(caps).toMatch(/linkStyle 0 stroke:#[0-9a-f]{6},stroke-width:1.2px\n/);
    expect(caps).toMatch(/linkStyle 1 stroke:#[0-9a-f]{6},stroke-width:1.2px,stroke-dasharray:6 4\n/);
    expect(caps).toMatch(/linkStyle 2 stroke:#[0-9a-f]{6},stroke-width:1.2px,stroke-dasharray:2 3\n/);
    const plan = renderMermaid(view({ planOverlay: true, edges: [{ id: "e", from: "a", to: 'b"2', label: "x", change: "delete" }] }));
    expect(plan).toContain(`linkStyle 0 stroke:${CHANGE_COLOR.delete},stroke-width:3px,stroke-dasharray:6 4`);
    expect(plan).toContain('-->|"- x"|');
  });
});

describe("html page", () => {
  it("embeds data safely: no closing script tag can come from a name", () => {
    expect(scriptJson({ n: "</script><script>alert(1)</script>" })).not.toContain("<");
    const page = buildHtmlPage(view({ title: "</title><b>x" }), '<?xml version="1.0"?>\n<!DOCTYPE svg>\n<!-- c -->\n<svg width="1pt"></svg>');
    expect(page).toContain("<title>&lt;/title&gt;&lt;b&gt;x</title>");
    expect(page).toContain('<div id="mr-canvas"><svg width="1pt"></svg></div>');
    expect(page).not.toContain("<?xml");
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\//);
  });
});
