import { describe, expect, test } from "bun:test";
import { escapeParams, numberParams, overrideParams, parseParamString } from "../../src/core/param-syntax.ts";

describe("parseParamString", () => {
  test("positional and named tokens, quotes keep spaces, \\\" escapes", () => {
    expect(parseParamString(`a K=v "b c" MSG="say \\"hi\\" now" \`echo x\``)).toEqual([
      { name: "", value: "a" },
      { name: "K", value: "v" },
      { name: "", value: "b c" },
      { name: "MSG", value: 'say "hi" now' },
      { name: "", value: "`echo x`" },
    ]);
  });

  test("a JSON object (keys sorted) or array is accepted; broken JSON falls back to tokens", () => {
    expect(parseParamString(`{"b": 2, "a": "x"}`)).toEqual([
      { name: "a", value: "x" },
      { name: "b", value: "2" },
    ]);
    expect(parseParamString(`["p", {"K": true}, 3]`)).toEqual([
      { name: "", value: "p" },
      { name: "K", value: "true" },
      { name: "", value: "3" },
    ]);
    expect(parseParamString(`{broken`)).toEqual([{ name: "", value: "{broken" }]);
  });
});

describe("numbering and overrides", () => {
  const base = numberParams(parseParamString("x K=v y"));

  test("positional params are numbered by their index among all params", () => {
    expect(base).toEqual([
      { name: "1", value: "x", positional: true },
      { name: "K", value: "v", positional: false },
      { name: "3", value: "y", positional: true },
    ]);
  });

  test("overrides replace by name or number and append the rest", () => {
    const out = overrideParams(base, parseParamString("a b K=w Z=1"));
    expect(out.map((p) => `${p.name}=${p.value}`)).toEqual(["1=a", "K=w", "3=y", "2=b", "Z=1"]);
  });

  test("escapeParams renders Dagu's quoted form", () => {
    expect(escapeParams(parseParamString('A=1 "two words"'))).toBe('A="1" "two words"');
  });
});
