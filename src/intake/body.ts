// Splits a request body into candidate events: one JSON object, a JSON array (a batch) or
// NDJSON (one JSON value per line). Pure code; every item keeps its raw text for the DLQ.

export type BodyItem =
  | { ok: true; value: unknown; raw: string }
  | { ok: false; reason: string; raw: string; rawBase64?: string };

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function splitBody(body: Buffer, contentType: string | undefined): BodyItem[] {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return [{ ok: false, reason: "body is not valid UTF-8 text", raw: "", rawBase64: body.toString("base64") }];
  }
  if (text.trim() === "") return [{ ok: false, reason: "empty body: send a JSON object, a JSON array or NDJSON", raw: text }];
  const ndjson = /^application\/(x-)?ndjson\b/i.test(contentType ?? "");
  if (!ndjson) {
    try {
      const value: unknown = JSON.parse(text);
      if (Array.isArray(value)) {
        if (value.length === 0) return [{ ok: false, reason: "empty batch: the JSON array has no events", raw: text }];
        return value.map((v: unknown) => ({ ok: true, value: v, raw: JSON.stringify(v) }));
      }
      return [{ ok: true, value, raw: text }];
    } catch (e) {
      // more than one line: read it as NDJSON, so one bad line does not sink the others
      if (!text.trim().includes("\n")) return [{ ok: false, reason: `body is not JSON: ${(e as Error).message}`, raw: text }];
    }
  }
  const items: BodyItem[] = [];
  text.split("\n").forEach((l, i) => {
    const line = l.replace(/\r$/, "");
    if (line.trim() === "") return;
    try {
      items.push({ ok: true, value: JSON.parse(line) as unknown, raw: line });
    } catch (e) {
      items.push({ ok: false, reason: `line ${i + 1} is not JSON: ${(e as Error).message}`, raw: line });
    }
  });
  return items;
}
