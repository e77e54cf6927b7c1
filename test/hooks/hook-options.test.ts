import { describe, expect, it } from "vitest";
import { checkHookOptions } from "../../src/hooks/hook-options.js";

describe("checkHookOptions", () => {
  it("accepts every option with a valid value, and no options at all", () => {
    const all = {
      mode: "pull", format: "ecs", order: "first", ownsBoth: true, keepWhenOverloaded: false,
      title: "Enable intake", timeout: 0.5, role: "consumer", topic: "events",
    };
    expect(checkHookOptions(all)).toEqual(all);
    expect(checkHookOptions({ order: "last" })).toEqual({ order: "last" });
    expect(checkHookOptions({ order: -3 })).toEqual({ order: -3 });
    expect(checkHookOptions(undefined)).toEqual({});
    expect(checkHookOptions(null)).toEqual({});
    expect(checkHookOptions({})).toEqual({});
    // an option explicitly set to undefined is the same as no option
    expect(checkHookOptions({ title: undefined, order: 2 })).toEqual({ order: 2 });
  });

  it("reports every wrong value and every unknown key, each with its field", () => {
    expect(checkHookOptions({
      mode: "poll", format: "", order: 1.5, ownsBoth: "yes", keepWhenOverloaded: 1,
      title: "", timeout: 0, role: "sink", topic: 3, ordr: 1,
    })).toEqual([
      'mode: expected one of "push", "pull"',
      "format: expected a non-empty string",
      'order: expected "first", "last" or an integer',
      "ownsBoth: expected true or false",
      "keepWhenOverloaded: expected true or false",
      "title: expected a non-empty string",
      "timeout: expected a positive number of seconds",
      'role: expected one of "producer", "consumer", "trigger", "executor"',
      "topic: expected a non-empty string",
      'options: Unrecognized key: "ordr"',
    ]);
    expect(checkHookOptions({ timeout: Number.POSITIVE_INFINITY })).toEqual(["timeout: expected a positive number of seconds"]);
    expect(checkHookOptions({ order: Number.NaN })).toEqual(['order: expected "first", "last" or an integer']);
    // an unknown key is reported even when its value is undefined (a typo is still a typo)
    expect(checkHookOptions({ titel: undefined })).toEqual(['options: Unrecognized key: "titel"']);
  });

  it("refuses options that are not an object, and keys inherited from Object.prototype", () => {
    expect(checkHookOptions("fast")).toEqual(["options: expected an object"]);
    expect(checkHookOptions([1])).toEqual(["options: expected an object"]);
    expect(checkHookOptions(JSON.parse('{"__proto__": {"title": "x"}}'))).toEqual(['options: Unrecognized key: "__proto__"']);
    expect(checkHookOptions({ toString: "x" })).toEqual(['options: Unrecognized key: "toString"']);
  });
});
