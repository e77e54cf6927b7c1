// The hand-written fast path of the event check must never let in what the zod schema refuses,
// and must build the same envelope from what it lets in.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IncomingEventSchema, plainEvent, toEnvelope } from "../../src/intake/envelope.js";

const text = (max: number): fc.Arbitrary<unknown> =>
  fc.oneof(fc.string({ maxLength: 4 }), fc.constant(""), fc.constant("x".repeat(max)), fc.constant("x".repeat(max + 1)), fc.string({ unit: "grapheme", maxLength: 3 }));
const anything: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 5 }),
  fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
);
// mostly absent or plausible, sometimes anything: most events are ones the fast path must judge
const maybe = (a: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: a, weight: 4 }, { arbitrary: anything, weight: 1 });

const event = fc.record(
  {
    summary: maybe(text(8192)),
    payload: maybe(anything),
    category: maybe(text(256)),
    severity: maybe(fc.oneof(fc.constantFrom("info", "Warning", "CRITICAL", "emergency", "warn", "", "İNFO", "ınfo"), fc.string({ maxLength: 8 }))),
    tags: maybe(fc.oneof(fc.array(text(256), { maxLength: 4 }), fc.constant(Array.from({ length: 101 }, () => "t")), fc.constant(["a", 1]))),
    hostname: maybe(text(255)),
    processname: maybe(text(255)),
    processid: maybe(fc.oneof(fc.integer({ min: -5, max: 1 << 30 }), fc.constantFrom(0, -0, 1.5, Number.MAX_SAFE_INTEGER, 2 ** 53, Infinity, NaN))),
    utctimestamp: maybe(fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.constantFrom("yesterday", "2024-02-30", "1", "x".repeat(65)))),
    timestamp: maybe(fc.constantFrom("2024-01-01T00:00:00Z", "Mon, 01 Jan 2024 00:00:00 GMT", "nope")),
    extra: maybe(anything),
  },
  { requiredKeys: [] },
);

const ctx = { source: "s", receivedAt: new Date("2026-12-04T00:00:00Z"), remoteAddress: "10.0.0.1" };

describe("the event check's fast path", () => {
  it("lets in only what the schema lets in, and builds the same envelope", () => {
    let taken = 0;
    fc.assert(
      fc.property(event, (e) => {
        const quick = plainEvent(e);
        if (quick === undefined) return;
        taken++;
        const slow = IncomingEventSchema.safeParse(e);
        expect(slow.success).toBe(true);
        if (!slow.success) return;
        expect(toEnvelope(e, quick, ctx)).toEqual(toEnvelope(e, slow.data, ctx));
      }),
      { numRuns: 5000 },
    );
    expect(taken).toBeGreaterThan(50); // the property did look at events the fast path takes
  });

  it("takes the common events (and leaves the rest to the schema, which words the reason)", () => {
    expect(plainEvent({ summary: "login failed", category: "authentication", severity: "warning", tags: ["a"], details_n: 3 })).toMatchObject({ severity: "WARNING" });
    expect(plainEvent({ payload: { a: 1 }, processid: 42, utctimestamp: "2024-01-01T00:00:00Z" })).toBeDefined();
    for (const bad of [{}, { summary: "" }, { payload: null }, { summary: "x", severity: "loud" }, { summary: "x", tags: "a" }, { summary: "x", processid: -1 }]) {
      expect(plainEvent(bad)).toBeUndefined();
      expect(IncomingEventSchema.safeParse(bad).success).toBe(false);
    }
  });
});
