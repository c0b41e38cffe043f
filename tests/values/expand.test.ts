import { expect, test } from "bun:test";
import { substituteCommands } from "../../src/values/command-substitution.ts";
import { chainLookup, expandVariables } from "../../src/values/expand.ts";

const vars = chainLookup(new Map([["NAME", "world"], ["1", "first"], ["JSON", '{"a":{"list":[10,20]},"s":"str"}']]));

test("known ${VAR}, $VAR and $1 are replaced; unknown ones are left for the shell", () => {
  expect(expandVariables("hello ${NAME} $NAME $1 $UNKNOWN ${ALSO_UNKNOWN}", vars)).toBe("hello world world first $UNKNOWN ${ALSO_UNKNOWN}");
});

test("a reference directly in single quotes is left alone", () => {
  expect(expandVariables("echo '$NAME' \"$NAME\"", vars)).toBe("echo '$NAME' \"world\"");
});

test("JSON paths read into a variable's JSON value; a missing path reads as <nil>, as in Dagu", () => {
  expect(expandVariables("${JSON.a.list[1]} ${JSON.s} ${JSON.a} ${JSON.missing}", vars)).toBe('20 str {"list":[10,20]} <nil>');
});

test("backticks run with sh and are replaced by trimmed stdout; failures are errors", () => {
  expect(substituteCommands("v=`printf ' x \\n'`")).toBe("v=x");
  expect(() => substituteCommands("`exit 3`")).toThrow("failed (exit 3)");
});
