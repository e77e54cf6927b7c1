import { describe, expect, it } from "vitest";
import { MIN_ENCODED_SECRET_LENGTH, REDACTED, redactText, registerSecretValue, secretForms } from "../../src/util/redact.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("secretForms / redactText", () => {
  it("finds a value inside longer base64 text at each of the 3 byte alignments, standard and URL-safe", () => {
    const v = "k3y/with+base64?chars>>";
    registerSecretValue(v);
    for (const prefix of ["", "a", "ab", "abc", "user:"]) {
      for (const enc of ["base64", "base64url"] as const) {
        const text = Buffer.from(`${prefix}${v}~~tail`).toString(enc);
        const out = redactText(`Authorization: Basic ${text}`);
        expect(out, `${enc}, ${prefix.length} bytes before`).toContain(REDACTED);
        // what is left decodes to at most a few bytes of the value's edges, never the value
        for (const part of out.split(REDACTED)) expect(Buffer.from(part.replace(/^Authorization: Basic /, ""), enc).toString("latin1")).not.toContain(v.slice(2, -2));
      }
    }
  });

  it("redacts hex in either case, and the URL and form encodings", () => {
    const v = "p@ss word&more/=x";
    registerSecretValue(v);
    const hex = Buffer.from(v).toString("hex");
    for (const form of [hex, hex.toUpperCase(), encodeURIComponent(v), new URLSearchParams({ v }).toString().slice(2), encodeURIComponent(v).toLowerCase()]) {
      expect(redactText(`x=${form};`)).toBe(`x=${REDACTED};`);
    }
  });

  it(`skips hex and base64 forms of values shorter than ${MIN_ENCODED_SECRET_LENGTH} characters (ordinary base64 would be shredded)`, () => {
    const short = "Zq9!";
    expect(secretForms(short)).not.toContain(Buffer.from(short).toString("hex"));
    expect(secretForms(short).some((f) => b64(short).includes(f) && f !== short)).toBe(false);
    expect(secretForms("Zq9!xY").length).toBeGreaterThan(secretForms(short).length);
  });

  it("leaves ordinary text alone", () => {
    registerSecretValue("ordinary-secret-1234");
    const text = "apply complete: 3 added, sha256:" + "ab".repeat(32) + " " + b64("hello world, nothing to see");
    expect(redactText(text)).toBe(text);
  });
});
