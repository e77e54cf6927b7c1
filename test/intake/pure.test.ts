import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { splitBody, type BodyItem } from "../../src/intake/body.js";
import { checkBaseEvent, toEnvelope } from "../../src/intake/envelope.js";
import { bearerToken, hashToken, newToken, tokenMatchesHash } from "../../src/intake/tokens.js";

/** The items of a body under the default limits (a body over them fails the test). */
function split(body: Buffer, contentType: string | undefined): BodyItem[] {
  const r = splitBody(body, contentType);
  if (!r.ok) throw new Error(`${r.count} events: over the limit`);
  return r.items;
}

describe("splitBody", () => {
  it("reads one object, an array batch and NDJSON", () => {
    expect(split(Buffer.from('{"a":1}'), "application/json")).toEqual([{ ok: true, value: { a: 1 }, raw: '{"a":1}' }]);
    expect(split(Buffer.from('[{"a":1},{"b":2}]'), undefined).map((i) => i.ok && i.value)).toEqual([{ a: 1 }, { b: 2 }]);
    const nd = split(Buffer.from('{"a":1}\r\n\n{"b":2}\n'), "application/x-ndjson");
    expect(nd.map((i) => i.ok && i.value)).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it("names the bad NDJSON line by its line number and keeps its raw text", () => {
    const items = split(Buffer.from('{"a":1}\n\nnot json\n'), undefined);
    expect(items[1]).toMatchObject({ ok: false, raw: "not json" });
    expect(items[1]?.ok === false && items[1].reason).toMatch(/^line 3 is not JSON/);
  });

  it("rejects empty bodies, empty batches and non-UTF-8 bytes (kept as base64)", () => {
    expect(split(Buffer.from("  "), undefined)[0]).toMatchObject({ ok: false });
    expect(split(Buffer.from("[]"), undefined)[0]).toMatchObject({ ok: false, reason: expect.stringMatching(/empty batch/) });
    const bin = Buffer.from([0xff, 0xfe, 0x00]);
    expect(split(bin, undefined)[0]).toMatchObject({ ok: false, rawBase64: bin.toString("base64") });
  });

  it("never throws and always yields at least one item, whatever the bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const items = split(Buffer.from(bytes), undefined);
        expect(items.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("event checks and envelope", () => {
  it("needs a summary or a payload, and checks the lifted fields' types", () => {
    expect(checkBaseEvent({ summary: "x" }).ok).toBe(true);
    expect(checkBaseEvent({ payload: 0 }).ok).toBe(true);
    expect(checkBaseEvent({ payload: null })).toMatchObject({ ok: false });
    expect(checkBaseEvent({ summary: "" })).toMatchObject({ ok: false });
    expect(checkBaseEvent([{ summary: "x" }])).toMatchObject({ ok: false, reason: expect.stringMatching(/array/) });
    expect(checkBaseEvent({ summary: "x", tags: "a" })).toMatchObject({ ok: false, reason: expect.stringMatching(/`tags`/) });
    expect(checkBaseEvent({ summary: "x", timestamp: "yesterday" })).toMatchObject({ ok: false, reason: expect.stringMatching(/`timestamp`/) });
  });

  it("keeps the original in details and marks reprocessed events", () => {
    const original = { payload: "p".repeat(300), tags: ["t"] };
    const check = checkBaseEvent(original);
    if (!check.ok) throw new Error(check.reason);
    const env = toEnvelope(original, check.event, { source: "s", receivedAt: new Date("2024-01-01T00:00:00Z"), remoteAddress: "10.0.0.1", reprocessedFrom: "id-1" });
    expect(env.details).toBe(original);
    expect(env.summary).toHaveLength(120);
    expect(env.tags).toEqual(["t", "reprocessed"]);
    expect(env.reprocessed_from).toBe("id-1");
    expect(env.utctimestamp).toBe("2024-01-01T00:00:00.000Z");
    expect(original.tags).toEqual(["t"]);
  });
});

describe("tokens", () => {
  it("matches only the right token, by hash", () => {
    const t = newToken();
    expect(tokenMatchesHash(t, hashToken(t))).toBe(true);
    expect(tokenMatchesHash(t + "x", hashToken(t))).toBe(false);
    expect(tokenMatchesHash(t, "not-hex")).toBe(false);
    expect(newToken()).not.toBe(t);
  });

  it("parses Bearer headers strictly", () => {
    expect(bearerToken("Bearer abc")).toBe("abc");
    expect(bearerToken("bearer  abc ")).toBe("abc");
    expect(bearerToken("Basic abc")).toBeUndefined();
    expect(bearerToken("Bearer a b")).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
