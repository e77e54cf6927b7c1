import { describe, expect, it } from "vitest";
import { thrownMeshroomError } from "../support/thrown.js";
import { ProductDefinitionSchema } from "../../src/model/schemas.js";
import {
  SECRET_NAME_PATTERN, checkSettingValue, coerceSettingValue, normalizeProduct, normalizeSetting,
  type SettingDef,
} from "../../src/model/index.js";

const def = (type: SettingDef["type"], extra: Partial<SettingDef> = {}): SettingDef => ({ name: "x", type, required: false, secret: false, ...extra });

describe("setting types", () => {
  it("infers the type from the default, properties or items", () => {
    expect(normalizeSetting({ name: "port", default: 8443 }).type).toBe("integer");
    expect(normalizeSetting({ name: "ratio", default: 0.5 }).type).toBe("number");
    expect(normalizeSetting({ name: "on", default: false }).type).toBe("boolean");
    expect(normalizeSetting({ name: "l", default: ["a"] }).type).toBe("array");
    expect(normalizeSetting({ name: "o", default: { a: 1 } }).type).toBe("object");
    expect(normalizeSetting({ name: "region", default: "eu" }).type).toBe("string");
    expect(normalizeSetting({ name: "region" }).type).toBe("string");
    expect(normalizeSetting({ name: "o", properties: [{ name: "a" }] }).type).toBe("object");
    expect(normalizeSetting({ name: "l", items: { name: "i", type: "integer" } }).type).toBe("array");
    // an explicit type wins over the default's
    expect(normalizeSetting({ name: "port", type: "string", default: 1 }).type).toBe("string");
  });

  it("normalizes required to false and keeps nested properties/items", () => {
    const s = normalizeSetting({ name: "o", type: "object", properties: [{ name: "host", required: true }, { name: "port", type: "integer" }] });
    expect(s.required).toBe(false);
    expect(s.properties?.map((p) => [p.name, p.type, p.required])).toEqual([["host", "string", true], ["port", "integer", false]]);
  });
});

describe("secret-name rule", () => {
  it.each(["password", "DB_PASSWORD", "token", "AccessToken", "client_secret", "SECRET", "api_key", "API_KEY", "apikey", "ApiKey", "x_api_key_2"])(
    "%j is secret by name",
    (name) => {
      expect(SECRET_NAME_PATTERN.test(name)).toBe(true);
      expect(normalizeSetting({ name }).secret).toBe(true);
    },
  );
  it.each(["API_URL", "region", "port", "username", "api", "key", "keyring", "api_url", "less"])("%j is not secret by name", (name) => {
    expect(SECRET_NAME_PATTERN.test(name)).toBe(false);
    expect(normalizeSetting({ name }).secret).toBe(false);
  });
  it("secret: true makes any name secret, and secret: false overrides the name rule", () => {
    expect(normalizeSetting({ name: "region", secret: true }).secret).toBe(true);
    expect(normalizeSetting({ name: "token_ttl", secret: false }).secret).toBe(false);
  });
  it("applies inside a loaded product definition", () => {
    const raw = ProductDefinitionSchema.parse({ settings: [{ name: "API_KEY" }, { name: "region", default: "eu" }, { name: "cert", secret: true }] });
    const p = normalizeProduct("p", "/x", raw);
    expect(p.settings.map((s) => [s.name, s.secret])).toEqual([["API_KEY", true], ["region", false], ["cert", true]]);
  });
});

describe("coerceSettingValue (-c key=value)", () => {
  it("integer: `8443` → 8443 (a number, not a string)", () => {
    const v = coerceSettingValue(def("integer", { name: "port" }), "8443");
    expect(v).toBe(8443);
    expect(typeof v).toBe("number");
    expect(coerceSettingValue(def("integer"), "-12")).toBe(-12);
    expect(coerceSettingValue(def("integer"), "+7")).toBe(7);
  });
  it.each(["8443.5", "abc", "", "1e3", "0x10", "12abc", "99999999999999999999"])("integer refuses %j with a clear message", (t) => {
    const e = thrownMeshroomError(() => coerceSettingValue(def("integer", { name: "port" }), t));
    expect(e.code).toBe("E_BAD_VALUE");
    expect(e.message).toContain("setting port");
    expect(e.message).toContain(JSON.stringify(t));
    expect(e.message).toMatch(/integer/);
  });
  it("number accepts decimals and exponents, refuses junk", () => {
    expect(coerceSettingValue(def("number"), "0.25")).toBe(0.25);
    expect(coerceSettingValue(def("number"), "1e3")).toBe(1000);
    for (const t of ["", " ", "NaN", "Infinity", "one"]) expect(thrownMeshroomError(() => coerceSettingValue(def("number"), t)).message).toMatch(/not a number/);
  });
  it("boolean accepts true/false/yes/no/1/0/on/off in any case", () => {
    for (const t of ["true", "TRUE", "yes", "1", "on", " True "]) expect(coerceSettingValue(def("boolean"), t)).toBe(true);
    for (const t of ["false", "No", "0", "off"]) expect(coerceSettingValue(def("boolean"), t)).toBe(false);
    expect(thrownMeshroomError(() => coerceSettingValue(def("boolean", { name: "verify_tls" }), "maybe")).message).toBe(
      'setting verify_tls: "maybe" is not a boolean (true/false)',
    );
  });
  it("string keeps the text as is (including `=` and spaces)", () => {
    expect(coerceSettingValue(def("string"), "a=b c")).toBe("a=b c");
    expect(coerceSettingValue(def("string"), "8443")).toBe("8443");
  });
  it("array takes JSON or a comma list", () => {
    expect(coerceSettingValue(def("array"), '["a", 2]')).toEqual(["a", 2]);
    expect(coerceSettingValue(def("array"), "a, b,,c")).toEqual(["a", "b", "c"]);
    expect(thrownMeshroomError(() => coerceSettingValue(def("array"), '{"a":1}')).message).toMatch(/expected an array/);
  });
  it("array items are checked against `items`", () => {
    const d = def("array", { name: "ports", items: def("integer", { name: "port" }) });
    expect(coerceSettingValue(d, "[1,2]")).toEqual([1, 2]);
    expect(thrownMeshroomError(() => coerceSettingValue(d, '[1,"x"]')).message).toContain("ports[1]");
  });
  it("object takes JSON, checks nested properties and required ones", () => {
    const d = def("object", {
      name: "proxy",
      properties: [def("string", { name: "host", required: true }), def("integer", { name: "port" })],
    });
    expect(coerceSettingValue(d, '{"host":"h","port":3128}')).toEqual({ host: "h", port: 3128 });
    expect(thrownMeshroomError(() => coerceSettingValue(d, "host=h")).message).toMatch(/not a JSON object/);
    expect(thrownMeshroomError(() => coerceSettingValue(d, "[1]")).message).toMatch(/expected an object, got an array/);
    expect(thrownMeshroomError(() => coerceSettingValue(d, '{"host":"h","port":"x"}')).message).toContain("proxy.port");
    const missing = thrownMeshroomError(() => coerceSettingValue(d, '{"port":1}'));
    expect(missing.code).toBe("E_MISSING_VALUE");
    expect(missing.message).toContain("proxy.host");
  });
});

describe("checkSettingValue (values read from YAML)", () => {
  it("accepts matching types and refuses others with what was expected and what was found", () => {
    expect(() => checkSettingValue(def("integer"), 3)).not.toThrow();
    expect(thrownMeshroomError(() => checkSettingValue(def("integer", { name: "port" }), "8443")).message).toBe(
      'setting port: expected an integer, got the string "8443"',
    );
    expect(thrownMeshroomError(() => checkSettingValue(def("integer"), 1.5)).message).toMatch(/expected an integer, got number 1.5/);
    expect(thrownMeshroomError(() => checkSettingValue(def("string"), null)).message).toMatch(/got null/);
    expect(thrownMeshroomError(() => checkSettingValue(def("boolean"), "true")).message).toMatch(/expected a boolean/);
    expect(thrownMeshroomError(() => checkSettingValue(def("object"), [])).message).toMatch(/expected an object/);
    expect(thrownMeshroomError(() => checkSettingValue(def("number"), Number.NaN)).message).toMatch(/expected a number/);
  });
  it("truncates long strings in messages", () => {
    const msg = thrownMeshroomError(() => checkSettingValue(def("integer"), "y".repeat(500))).message;
    expect(msg.length).toBeLessThan(120);
    expect(msg).toContain("…");
  });
});
