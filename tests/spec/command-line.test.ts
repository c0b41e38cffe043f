import { expect, test } from "bun:test";
import { splitCommand } from "../../src/spec/command-line.ts";

test("splitCommand groups quotes and backticks and keeps pipelines as args", () => {
  expect(splitCommand(`echo "a b" 'c d' \`date +%s\``)).toEqual({ command: "echo", args: ["a b", "c d", "`date +%s`"] });
  expect(splitCommand("cat f | grep x")).toEqual({ command: "cat", args: ["f", "|", "grep", "x"] });
  expect(splitCommand("a && b || c")).toEqual({ command: "a", args: ["&&", "b", "||", "c"] });
  expect(splitCommand("|")).toBeUndefined();
  expect(splitCommand(`echo "unterminated`)).toEqual({ command: "echo", args: [`"unterminated`] });
});
