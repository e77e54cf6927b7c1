import { describe, expect, it } from "vitest";
import { isMeshroomError } from "../../src/errors/index.js";
import { assertName, isValidName } from "../../src/model/index.js";

describe("names", () => {
  it.each(["myedr", "sekoia_2", "Edr.v2", "0day", "a", "events", "ocsf.1_1"])("accepts %j", (n) => {
    expect(isValidName(n)).toBe(true);
    expect(assertName("product", n)).toBe(n);
  });

  it.each([
    ["empty", ""],
    ["dot-dot", ".."],
    ["dot-dot inside", "a..b"],
    ["slash", "a/b"],
    ["traversal", "../etc"],
    ["backslash", "a\\b"],
    ["space", "my edr"],
    ["leading space", " edr"],
    ["trailing newline", "edr\n"],
    ["leading dot", ".hidden"],
    ["leading underscore", "_x"],
    ["dash", "my-edr"],
    ["unicode", "édr"],
    ["NUL", "a\0b"],
  ])("refuses %s (%j) with E_BAD_NAME naming the kind and the value", (_label, n) => {
    expect(isValidName(n)).toBe(false);
    let caught: unknown;
    try {
      assertName("instance", n);
    } catch (e) {
      caught = e;
    }
    expect(isMeshroomError(caught)).toBe(true);
    const err = caught as { code: string; message: string; detail?: string };
    expect(err.code).toBe("E_BAD_NAME");
    expect(err.message).toContain("invalid instance name");
    expect(err.message).toContain(JSON.stringify(n));
    expect(err.detail).toMatch(/no `\.\.`, `\/` or spaces/);
  });
});
