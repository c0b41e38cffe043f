/**
 * @module tests/server/dag-catalog
 * File names from requests: accepted forms, and every traversal attempt refused.
 */
import { expect, test } from "bun:test";
import { checkFileName } from "../../src/server/dag-catalog.ts";
import { HttpError } from "../../src/server/http-error.ts";

test("plain names pass; .yaml suffix is dropped", () => {
  expect(checkFileName("hello", "f")).toBe("hello");
  expect(checkFileName("my-dag_2.v1", "f")).toBe("my-dag_2.v1");
  expect(checkFileName("hello.yaml", "f")).toBe("hello");
});

test("traversal and odd names are 400s naming the field", () => {
  for (const bad of ["../x", "..", "a/b", "/etc/passwd", ".hidden", "a\\b", "a\u0000b", "", "a..b", "~root", "x".repeat(300)]) {
    let err: unknown;
    try {
      checkFileName(bad, "fileName");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(400);
    expect((err as HttpError).message).toMatch(/^fileName: /);
  }
});
