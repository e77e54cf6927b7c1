import { describe, expect, it } from "vitest";
import * as D from "../../src/secrets/document.js";
import { formatScope, parseScope } from "../../src/secrets/scope.js";
import { isMeshroomError } from "../../src/errors/index.js";

describe("secrets document", () => {
  it("keeps instance and plug secrets apart even when their names would join to the same string", () => {
    const doc = D.emptyDocument();
    D.setSecret(doc, { instance: "a.b" }, "c", "one");
    D.setSecret(doc, { instance: "a" }, "b.c", "two");
    D.setSecret(doc, { plug: "a.b" }, "c", "three");
    expect(D.getSecret(doc, { instance: "a.b" }, "c")).toBe("one");
    expect(D.getSecret(doc, { instance: "a" }, "b.c")).toBe("two");
    expect(D.getSecret(doc, { plug: "a.b" }, "c")).toBe("three");
    expect(JSON.parse(D.serializeDocument(doc))).toEqual({
      instances: { "a.b": { c: "one" }, a: { "b.c": "two" } },
      plugs: { "a.b": { c: "three" } },
      meta: {},
    });
  });

  it("does not read inherited object properties as secrets", () => {
    const doc = D.emptyDocument();
    expect(D.getSecret(doc, { instance: "constructor" }, "name")).toBeUndefined();
    D.setSecret(doc, { instance: "x" }, "A", "v");
    expect(D.getSecret(doc, { instance: "x" }, "toString")).toBeUndefined();
  });

  it("lists names sorted, instances first, and drops emptied scopes", () => {
    const doc = D.emptyDocument();
    D.setSecret(doc, { plug: "plug.a.b.events.push" }, "intake_key", "k");
    D.setSecret(doc, { instance: "zeta" }, "TOKEN", "t");
    D.setSecret(doc, { instance: "alpha" }, "API_KEY", "a");
    D.setSecret(doc, { instance: "alpha" }, "PASSWORD", "p");
    expect(D.listSecrets(doc)).toEqual([
      { scope: { instance: "alpha" }, name: "API_KEY" },
      { scope: { instance: "alpha" }, name: "PASSWORD" },
      { scope: { instance: "zeta" }, name: "TOKEN" },
      { scope: { plug: "plug.a.b.events.push" }, name: "intake_key" },
    ]);
    expect(D.deleteSecret(doc, { instance: "zeta" }, "TOKEN")).toBe(true);
    expect(D.deleteSecret(doc, { instance: "zeta" }, "TOKEN")).toBe(false);
    expect(doc.instances).not.toHaveProperty("zeta");
    expect(D.deleteScope(doc, { instance: "alpha" })).toBe(true);
    expect(D.listSecrets(doc)).toEqual([{ scope: { plug: "plug.a.b.events.push" }, name: "intake_key" }]);
  });

  it("rejects decrypted content that is not a secrets document", () => {
    expect(() => D.parseDocument("not json", "secrets.gpg")).toThrow(/not JSON/);
    try {
      D.parseDocument(JSON.stringify({ instances: { x: { A: 1 } } }), "secrets.gpg");
      expect.unreachable();
    } catch (e) {
      expect(isMeshroomError(e) && e.code).toBe("E_SECRETS");
    }
    expect(D.parseDocument("{}", "secrets.gpg")).toEqual(D.emptyDocument());
  });
});

describe("secret scopes", () => {
  it("parses and formats instance and plug scopes", () => {
    expect(parseScope("instance:sekoia")).toEqual({ instance: "sekoia" });
    expect(parseScope("plug:edr.siem.events.push")).toEqual({ plug: "plug.edr.siem.events.push" });
    expect(parseScope("plug:plug.edr.siem.events.push")).toEqual({ plug: "plug.edr.siem.events.push" });
    expect(formatScope({ plug: "plug.a.b.t.pull" })).toBe("plug:plug.a.b.t.pull");
    expect(formatScope({ instance: "x" })).toBe("instance:x");
  });

  it("rejects other spellings with a usage error", () => {
    for (const bad of ["sekoia", "instance:", "product:x", ""]) {
      expect(() => parseScope(bad), bad).toThrow(/invalid secret scope/);
    }
  });
});
