/** Longest excerpt of a file's own text that a message shows by default. */
export const EXCERPT_CHARS = 40;

/**
 * A short, printable excerpt of text taken from a file (an unknown key, a refused value) for an
 * error message: control characters (and other invisible ones) escaped, at most `max` characters
 * then `…`. A message must never replay a file's content, nor move the terminal's cursor.
 */
export function excerpt(text: string, max = EXCERPT_CHARS): string {
  const chars = [...text];
  const cut = chars.length > max;
  const shown = (cut ? chars.slice(0, max) : chars).map(escapeChar).join("");
  return cut ? `${shown}…` : shown;
}

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeChar(c: string): string {
  const named = NAMED[c];
  if (named !== undefined) return named;
  // C0/C1 controls, DEL, bidi overrides and zero-width characters
  if (/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/.test(c)) {
    const code = c.codePointAt(0)!;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  }
  return c;
}
