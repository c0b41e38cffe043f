/**
 * @module tests/server/log-reader
 * Log windows as Dagu's `Log` schema: head, tail, offset + limit, missing files.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readLog } from "../../src/server/log-reader.ts";

const dir = mkdtempSync(join(tmpdir(), "dagu-log-"));
const file = join(dir, "a.log");
writeFileSync(file, "l1\nl2\nl3\nl4\nl5\n");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("whole file, tail, head, offset + limit", () => {
  expect(readLog(file, {})).toEqual({ content: "l1\nl2\nl3\nl4\nl5", lineCount: 5, totalLines: 5 });
  expect(readLog(file, { tail: 2 })).toEqual({ content: "l4\nl5", lineCount: 2, totalLines: 5, hasMore: true });
  expect(readLog(file, { head: 1 })).toEqual({ content: "l1", lineCount: 1, totalLines: 5, hasMore: true });
  expect(readLog(file, { offset: 2, limit: 2 })).toEqual({ content: "l2\nl3", lineCount: 2, totalLines: 5, hasMore: true });
  expect(readLog(file, { offset: 4, limit: 10 })).toEqual({ content: "l4\nl5", lineCount: 2, totalLines: 5 });
});

test("a log never written reads as empty", () => {
  expect(readLog(join(dir, "none.log"), { tail: 3 })).toEqual({ content: "" });
});
