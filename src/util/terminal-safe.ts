/**
 * Text from outside (an intake producer's bytes, a hook's output or error, a manifest value)
 * must not reach the operator's terminal as control sequences: ESC starts ANSI/OSC sequences
 * (clear screen, set title, hyperlinks, on some terminals clipboard writes), BEL/BS/CR can
 * hide or overwrite what was printed before, and C1 codes (U+0080–U+009F, e.g. U+009B CSI)
 * act like ESC on some terminals. Bidi overrides reorder what is shown ("Trojan Source").
 * Each such character is replaced by a visible escape (`\x1b`, `\u202e`); everything else is
 * kept as is. Newlines (and tabs) are kept in messages, escaped in single-line cells.
 */

// C0 controls, DEL, C1 controls, and the Unicode bidi embedding/override/isolate controls
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(ch: string): string {
  const code = ch.charCodeAt(0);
  if (ch === "\n") return "\\n";
  if (ch === "\r") return "\\r";
  if (ch === "\t") return "\\t";
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** A message (may span lines): every control character but newline and tab is shown escaped. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_BUT_LINES, escapeChar);
}

/** One line (a table cell, a name): every control character, newline and tab included, is shown escaped. */
export function terminalSafeLine(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON text (from `JSON.stringify`, which already escapes C0 controls) with DEL, C1 and bidi
 * controls written as `\uXXXX` escapes: still the same JSON value, but safe on a terminal.
 */
export function terminalSafeJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
