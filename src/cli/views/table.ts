import { terminalSafeLine } from "../../util/terminal-safe.js";

/** Renders rows as an aligned text table with a header; empty cells show as "-". Control characters in cells are shown escaped. */
export function renderTable(headers: string[], rows: string[][]): string {
  const cells = rows.map((r) => r.map((c) => (c === "" ? "-" : terminalSafeLine(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(headers.map((h) => h.toUpperCase())), ...cells.map(line)].join("\n");
}
