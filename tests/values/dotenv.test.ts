/**
 * Dotenv parsing; every expectation here is what Dagu 1.30.2 put in a step's environment
 * for the same file (checked by running the reference).
 */
import { expect, test } from "bun:test";
import { DotenvError, parseDotenv } from "../../src/values/dotenv.ts";

const parse = (text: string): Record<string, string> => Object.fromEntries(parseDotenv(text));

test("quotes, escapes, comments and export, as the reference reads them", () => {
  const env = parse(
    [
      "# a comment",
      'export Q1="double quoted value"',
      "Q2='single $quoted'",
      "Q3=plain # trailing comment",
      'Q4="with \\"escapes\\""',
      'F="a\\nb\\tc"',
      "H=abc#nospace",
      "I: yaml-style",
      "O=  spaced  ",
      'P="q\\"uote"',
      'S="\\\\back"',
      "R=$(echo hi)",
      'L="multi',
      'line"',
    ].join("\n"),
  );
  expect(env).toEqual({
    Q1: "double quoted value",
    Q2: "single $quoted",
    Q3: "plain",
    Q4: 'with "escapes\\',
    F: "a\nbtc",
    H: "abc#nospace",
    I: "yaml-style",
    O: "spaced",
    P: 'q"uote',
    S: "\\back",
    R: "$(echo hi)",
    L: "multi\nline",
  });
});

test("references see earlier keys of the same file only; upper-case names; \\$ escapes", () => {
  const env = parse(["A=one", "B=${A}-two", "C=$HOME", "lower=x", "D=${lower}-d", "E=\\$A", 'F="${A}!"', "G='${A}'", "H=${LATER}", "LATER=l"].join("\n"));
  expect(env).toEqual({ A: "one", B: "one-two", C: "", lower: "x", D: "${lower}-d", E: "$A", F: "one!", G: "${A}", H: "", LATER: "l" });
});

test("a malformed statement is an error for the whole file", () => {
  expect(() => parseDotenv('OK1=ok\nJ="x" trailing\nOK2=ok2\n')).toThrow(DotenvError);
  expect(() => parseDotenv('A="never closed\n')).toThrow(DotenvError);
  expect(() => parseDotenv("A B C\n")).toThrow(DotenvError);
});

test("an empty value and a last line without a newline", () => {
  expect(parse("A=\nB=b")).toEqual({ A: "", B: "b" });
});
