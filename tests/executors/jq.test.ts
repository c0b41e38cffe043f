/**
 * @module tests/executors/jq
 * The jq executor: output formatting (Go's MarshalIndent / fmt rules), raw mode, errors, and
 * the Go JSON helpers it relies on. Expected texts are what Dagu 1.30.2 printed.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConfigValue } from "../../src/core/dag.ts";
import type { ExecResult } from "../../src/executors/executor.ts";
import { goFormatFloatF, goFormatFloatV, goJsonSyntaxError, goMarshal } from "../../src/executors/go-json.ts";
import { JqExecutor, compileErrorText, patchedJqSource, runJq } from "../../src/executors/jq.ts";
import { fakeContext } from "./exec-context.ts";

async function run(filter: string, script: string, config: Record<string, ConfigValue> = {}): Promise<{ r: ExecResult; out: string; err: string }> {
  const f = fakeContext({ type: "jq", script, config, ...(filter === "" ? {} : { command: filter }) }, "/tmp");
  const r = await new JqExecutor().run(f.ctx);
  return { r, out: f.out(), err: f.err() };
}

describe("jq executor", () => {
  test("pretty output: four spaces, sorted keys, HTML-escaped strings", async () => {
    const { r, out } = await run(".a", '{"a": {"z": 1, "b": [1, 2.5, "x<y&z"], "c": null}}');
    expect(r).toEqual({ ok: true });
    expect(out).toBe('{\n    "b": [\n        1,\n        2.5,\n        "x\\u003cy\\u0026z"\n    ],\n    "c": null,\n    "z": 1\n}\n');
  });
  test("several results, one after another", async () => {
    expect((await run(".[] | .n", '[{"n": 1}, {"n": "two"}, {"n": [3]}]')).out).toBe('1\n"two"\n[\n    3\n]\n');
  });
  test("raw: bare strings, empty line for null, Go %v numbers, compact JSON", async () => {
    const { out } = await run(".[]", '["a\\tb", 1, 1000000, 1.5, 0.00001, 123456789, true, null, {"k": "v<"}, [1, "x"]]', { raw: true });
    expect(out).toBe('a\tb\n1\n1e+06\n1.5\n1e-05\n1.23456789e+08\ntrue\n\n{"k":"v\\u003c"}\n[1,"x"]\n');
  });
  test("raw accepts mapstructure's weak booleans", async () => {
    expect((await run(".a", '{"a": "x"}', { raw: "true" })).out).toBe("x\n");
    expect((await run(".a", '{"a": "x"}', { raw: "yes" })).r).toEqual({
      ok: false,
      exitCode: 1,
      error: "decoding failed due to the following error(s):\n\n'raw' cannot parse value as 'bool': strconv.ParseBool: invalid syntax",
    });
  });
  test("scalars: float64 precision, -0, exponent form", async () => {
    expect((await run(".a, .b, .c, .d, {}, []", '{"a": "s", "b": 12345678901234567890, "c": -0, "d": 1e-7}')).out).toBe('"s"\n12345678901234567000\n-0\n1e-7\n{}\n[]\n');
  });
  test("keys sorted as gojq holds objects", async () => {
    expect((await run("keys_unsorted", '{"b": 1, "a": 2}')).out).toBe('[\n    "a",\n    "b"\n]\n');
  });
  test("invalid filter fails the step", async () => {
    expect((await run(".a | | .b", '{"a":1}')).r).toEqual({ ok: false, exitCode: 1, error: 'unexpected token "|"' });
    expect((await run("{", "{}")).r).toEqual({ ok: false, exitCode: 1, error: "unexpected EOF" });
  });
  test("invalid JSON input fails with Go's message", async () => {
    expect((await run(".a", '{"a":')).r).toEqual({ ok: false, exitCode: 1, error: "unexpected end of JSON input" });
    expect((await run(".", "1 2")).r).toEqual({ ok: false, exitCode: 1, error: "invalid character '2' after top-level value" });
    expect((await run(".", "")).r).toEqual({ ok: false, exitCode: 1, error: "unexpected end of JSON input" });
  });
  test("a runtime error goes to stderr without newline and the step succeeds", async () => {
    const { r, out, err } = await run(".[] | .a", '[{"a":1}, "x"]');
    expect(r).toEqual({ ok: true });
    expect(out).toBe("1\n");
    expect(err.startsWith("failed to run jq query: ")).toBe(true);
    expect(err.endsWith("\n")).toBe(false);
  });
  test("no filter: gojq's runtime error, step succeeds", async () => {
    const { r, out, err } = await run("", '{"a":1}');
    expect(r).toEqual({ ok: true });
    expect(out).toBe("");
    expect(err).toBe('failed to run jq query: missing query (try ".")');
  });
  test("empty produces nothing; a trailing comment in the filter is fine", async () => {
    expect((await run("empty", "{}")).out).toBe("");
    expect((await run(".a # note", '{"a": 2}')).out).toBe("2\n");
  });
});

describe("input from a file (Dagu v2)", () => {
  const dir = mkdtempSync(join(tmpdir(), "dagu-jq-input-"));
  writeFileSync(join(dir, "in.json"), '{"items": [1, 2, 3]}');
  test("config.input names a JSON file; script: file://path does too", async () => {
    expect((await run(".items | length", "", { input: join(dir, "in.json") })).out).toBe("3\n");
    expect((await run(".items[0]", `file://${join(dir, "in.json")}`)).out).toBe("1\n");
  });
  test("config.input with a script, a missing file, bad JSON: the step fails and says why", async () => {
    expect((await run(".", "{}", { input: join(dir, "in.json") })).r).toEqual({ ok: false, exitCode: 1, error: "jq: config.input and script are mutually exclusive; provide one, not both" });
    expect((await run(".", "", { input: join(dir, "nope.json") })).r).toMatchObject({ ok: false, error: expect.stringContaining("no such file or directory") });
    writeFileSync(join(dir, "bad.json"), "{");
    expect((await run(".", "", { input: join(dir, "bad.json") })).r).toMatchObject({ ok: false, error: expect.stringContaining("parsing JSON from input file") });
  });
});

describe("jq-wasm", () => {
  test("the patch applies to the pinned build", async () => {
    const src = await Bun.file(require.resolve("jq-wasm/dist/build/jq.js")).text();
    expect(patchedJqSource(src)).toBeDefined();
  });
  test("large output is linear (the stock build is quadratic)", async () => {
    const big = JSON.stringify(Array.from({ length: 20000 }, (_, i) => ({ i, s: "xxxxxxxxxx" })));
    const t0 = performance.now();
    const r = await runJq(big, ["-c", ".[]", "/dev/stdin"]);
    expect(r.stdout.length).toBeGreaterThan(500_000);
    expect(performance.now() - t0).toBeLessThan(3000);
  });
  test("jq's exit status does not leak into process.exitCode", async () => {
    const before = process.exitCode;
    await runJq("{}", ["-c", "error(1)", "/dev/stdin"]);
    expect(process.exitCode).toBe(before);
  });
  test("compile error texts", () => {
    expect(compileErrorText("jq: error: syntax error, unexpected '|' (Unix shell quoting issues?) at <top-level>, line 1:\n.a | | .b\njq: 1 compile error")).toBe('unexpected token "|"');
    expect(compileErrorText("jq: error: $x is not defined at <top-level>, line 1:\n$x\njq: 1 compile error")).toBe("variable not defined: $x");
    expect(compileErrorText("jq: error: foo/0 is not defined at <top-level>, line 1:\nfoo\njq: 1 compile error")).toBe("function not defined: foo/0");
  });
});

describe("Go JSON helpers", () => {
  test("scanner error texts", () => {
    expect(goJsonSyntaxError("{not json")).toBe("invalid character 'n' looking for beginning of object key string");
    expect(goJsonSyntaxError("hello")).toBe("invalid character 'h' looking for beginning of value");
    expect(goJsonSyntaxError('{"a" 1}')).toBe("invalid character '1' after object key");
    expect(goJsonSyntaxError('{"a":1 "b"}')).toBe("invalid character '\"' after object key:value pair");
    expect(goJsonSyntaxError("[1 2]")).toBe("invalid character '2' after array element");
    expect(goJsonSyntaxError("tru")).toBe("unexpected end of JSON input");
    expect(goJsonSyntaxError("trux")).toBe("invalid character 'x' in literal true (expecting 'e')");
    expect(goJsonSyntaxError("-x")).toBe("invalid character 'x' in numeric literal");
    expect(goJsonSyntaxError("1.x")).toBe("invalid character 'x' after decimal point in numeric literal");
    expect(goJsonSyntaxError('"a\nb"')).toBe("invalid character '\\n' in string literal");
    expect(goJsonSyntaxError(' {"a": [1, 2.5e3, true, null, "\\u00e9"]} ')).toBeUndefined();
  });
  test("marshal", () => {
    expect(goMarshal({ b: [1, { d: "<", c: null }], a: "\u2028" })).toBe('{"a":"\\u2028","b":[1,{"c":null,"d":"\\u003c"}]}');
    expect(goMarshal({ a: [] }, "  ")).toBe('{\n  "a": []\n}');
  });
  test("float formats", () => {
    expect([1e6, 123456, 0.0001, 0.00001, 1.5, -2e21].map(goFormatFloatV)).toEqual(["1e+06", "123456", "0.0001", "1e-05", "1.5", "-2e+21"]);
    expect([12.5, 1e21, 1e-7, -0.5].map(goFormatFloatF)).toEqual(["12.5", "1000000000000000000000", "0.0000001", "-0.5"]);
  });
});
