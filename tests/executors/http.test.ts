/**
 * @module tests/executors/http
 * The http executor against a real server on 127.0.0.1: output formats, request shape,
 * config decoding (mapstructure / Go json errors), failures, timeout and abort. The expected
 * texts are what Dagu 1.30.2 printed for the same requests.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ConfigValue } from "../../src/core/dag.ts";
import type { ExecResult } from "../../src/executors/executor.ts";
import { HttpExecutor, buildUrl, canonicalHeaderKey, decodeConfigJson, decodeConfigMap, sniffContentType } from "../../src/executors/http.ts";
import { fakeContext } from "./exec-context.ts";

let server: ReturnType<typeof Bun.serve>;
let base = "";

beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const u = new URL(req.url);
      if (u.pathname === "/echo") {
        const h: Record<string, string> = {};
        req.headers.forEach((v, k) => {
          h[k] = v;
        });
        return Response.json({ method: req.method, query: u.search, headers: h, body: await req.text() });
      }
      if (u.pathname === "/text") return new Response("hello\n", { headers: { "x-z": "zz", Date: "D" } });
      if (u.pathname === "/json") return new Response('{"z":1,"a":[1,2.5,1e21,"<&>"]}', { headers: { "content-type": "application/json", Date: "D" } });
      if (u.pathname.startsWith("/status/")) return new Response("nope", { status: Number(u.pathname.slice(8)), headers: { Date: "D" } });
      if (u.pathname === "/slow") {
        await Bun.sleep(3000);
        return new Response("late");
      }
      return new Response("?", { status: 404 });
    },
  });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.stop(true));

async function run(command: string, opts: { config?: Record<string, ConfigValue>; script?: string; signal?: AbortSignal } = {}): Promise<{ r: ExecResult; out: string; err: string }> {
  const f = fakeContext({ type: "http", script: opts.script ?? "", config: opts.config ?? {}, ...(command ? { command } : {}) }, "/tmp", opts.signal);
  const r = await new HttpExecutor().run(f.ctx);
  return { r, out: f.out(), err: f.err() };
}

describe("output formats", () => {
  test("not silent: status line, Go's header block (CRLF, canonical, sorted), body", async () => {
    const { r, out } = await run(`GET ${base}/text`);
    expect(r).toEqual({ ok: true });
    expect(out).toBe("200 OK\nContent-Length: 6\r\nContent-Type: text/plain;charset=utf-8\r\nDate: D\r\nX-Z: zz\r\nhello\n");
  });
  test("silent: body only", async () => {
    expect((await run(`GET ${base}/text`, { config: { silent: true } })).out).toBe("hello\n");
  });
  test("json: one-space indent, sorted headers, body re-encoded as Go does", async () => {
    const { out } = await run(`GET ${base}/json`, { config: { json: true } });
    expect(out).toBe(
      '{\n "status_code": 200,\n "headers": {\n  "Content-Length": [\n   "30"\n  ],\n  "Content-Type": [\n   "application/json"\n  ],\n  "Date": [\n   "D"\n  ]\n },\n "body": {\n  "a": [\n   1,\n   2.5,\n   1e+21,\n   "\\u003c\\u0026\\u003e"\n  ],\n  "z": 1\n }\n}',
    );
  });
  test("json + silent on 2xx zeroes status and headers", async () => {
    const { out } = await run(`GET ${base}/json`, { config: { json: "true", silent: 1 } });
    expect(out.startsWith('{\n "status_code": 0,\n "headers": null,\n "body": {')).toBe(true);
  });
  test("json with a body that is not JSON fails with Go's message", async () => {
    const { r, out } = await run(`GET ${base}/text`, { config: { json: true } });
    expect(r).toEqual({ ok: false, exitCode: 1, error: "invalid character 'h' looking for beginning of value" });
    expect(out).toBe("");
  });
});

describe("status codes", () => {
  test("non-2xx fails with exit code 1 and prints everything even when silent", async () => {
    const { r, out } = await run(`GET ${base}/status/500`, { config: { silent: true } });
    expect(r).toEqual({ ok: false, exitCode: 1, error: "http status code not 2xx: 500" });
    expect(out).toBe("500 Internal Server Error\nContent-Length: 4\r\nContent-Type: text/plain;charset=utf-8\r\nDate: D\r\nnope");
  });
});

describe("request", () => {
  test("POST: headers, sorted query after the URL's own, body with sniffed type, resty's User-Agent", async () => {
    const { out } = await run(`post ${base}/echo?z=0`, { config: { silent: true, headers: { "x-token": "abc", Num: 5 }, query: { q: "a b*", n: 1 }, body: "<html><p>x</p></html>" } });
    const got = JSON.parse(out) as { method: string; query: string; headers: Record<string, string>; body: string };
    expect(got.method).toBe("POST");
    expect(got.query).toBe("?z=0&n=1&q=a+b%2A");
    expect(got.headers["x-token"]).toBe("abc");
    expect(got.headers.num).toBe("5");
    expect(got.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(got.headers["user-agent"]).toBe("go-resty/2.16.5 (https://github.com/go-resty/resty)");
    expect(got.headers["accept-encoding"]).toBe("gzip");
    expect(got.body).toBe("<html><p>x</p></html>");
  });
  test("GET sends no body; a JSON Content-Type is copied to Accept", async () => {
    const { out } = await run(`GET ${base}/echo`, { config: { silent: true, body: "x", headers: { "Content-Type": "application/json" } } });
    const got = JSON.parse(out) as { headers: Record<string, string>; body: string };
    expect(got.body).toBe("");
    expect(got.headers.accept).toBe("application/json");
  });
  test("script holds the config as JSON (keys case-insensitive) and replaces config", async () => {
    const { out } = await run(`GET ${base}/echo`, { script: '{"Silent": true, "query": {"k": "v"}}', config: { silent: false } });
    expect((JSON.parse(out) as { query: string }).query).toBe("?k=v");
  });
});

describe("errors", () => {
  test("missing URL", async () => {
    expect((await run("GET")).r).toEqual({ ok: false, exitCode: 1, error: 'Get "": unsupported protocol scheme ""' });
  });
  test("URL without scheme", async () => {
    expect((await run("DELETE localhost/x")).r).toEqual({ ok: false, exitCode: 1, error: 'Delete "/localhost/x": unsupported protocol scheme ""' });
  });
  test("connection refused", async () => {
    expect((await run("GET http://127.0.0.1:1/x")).r).toEqual({ ok: false, exitCode: 1, error: 'Get "http://127.0.0.1:1/x": dial tcp 127.0.0.1:1: connect: connection refused' });
  });
  test("config.timeout", async () => {
    const t0 = Date.now();
    const { r } = await run(`GET ${base}/slow`, { config: { timeout: "1" } });
    expect(r).toEqual({ ok: false, exitCode: 1, deadline: true, error: `Get "${base}/slow": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
    expect(Date.now() - t0).toBeLessThan(2500);
  });
  test("abort (stop) cancels the request", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const { r } = await run(`GET ${base}/slow`, { signal: ac.signal });
    expect(r).toEqual({ ok: false, exitCode: 1, error: `Get "${base}/slow": context canceled` });
  });
});

describe("config decoding", () => {
  test("mapstructure weak typing", () => {
    const r = decodeConfigMap({ TIMEOUT: "0x10", silent: "t", json: 0, body: 12.5, headers: [{ a: 1 }, { b: true }], unknown: "ignored" });
    expect(r).toEqual({ ok: true, config: { timeout: 16, headers: { a: "1", b: "1" }, query: {}, body: "12.5", silent: true, debug: false, json: false, skipTLSVerify: false } });
  });
  test("mapstructure errors, in field order", () => {
    const r = decodeConfigMap({ silent: "yes", timeout: [1], headers: { A: { x: 1 } }, query: 5 });
    expect(r).toEqual({
      ok: false,
      error:
        "decoding failed due to the following error(s):\n\n'Timeout' expected type 'int', got unconvertible type '[]interface {}'\n'Headers[A]' expected type 'string', got unconvertible type 'map[string]interface {}'\n'Query' expected type 'map[string]string', got unconvertible type 'uint64'\n'Silent' cannot parse value as 'bool': strconv.ParseBool: invalid syntax",
    });
    expect(decodeConfigMap({ timeout: "1.5" })).toEqual({ ok: false, error: "decoding failed due to the following error(s):\n\n'Timeout' cannot parse value as 'int': strconv.ParseInt: invalid syntax" });
  });
  test("Go json errors for script", () => {
    expect(decodeConfigJson("{not json")).toEqual({ ok: false, error: "invalid character 'n' looking for beginning of object key string" });
    expect(decodeConfigJson('{"timeout": "5"}')).toEqual({ ok: false, error: "json: cannot unmarshal string into Go struct field httpConfig.timeout of type int" });
    expect(decodeConfigJson('{"headers": {"a": 1}, "SILENT": "x"}')).toEqual({ ok: false, error: "json: cannot unmarshal number into Go struct field httpConfig.headers of type string" });
    expect(decodeConfigJson('{"timeout": 1.5}')).toEqual({ ok: false, error: "json: cannot unmarshal number 1.5 into Go struct field httpConfig.timeout of type int" });
    expect(decodeConfigJson("[1]")).toEqual({ ok: false, error: "json: cannot unmarshal array into Go value of type http.httpConfig" });
  });
});

describe("helpers", () => {
  test("canonical header keys", () => {
    expect(canonicalHeaderKey("x-z")).toBe("X-Z");
    expect(canonicalHeaderKey("www-AUTHENTICATE")).toBe("Www-Authenticate");
    expect(canonicalHeaderKey("bad key")).toBe("bad key");
  });
  test("query appended after the URL's own, before the fragment", () => {
    expect(buildUrl("http://h/p?x=1#f", { b: "~", a: "é" })).toBe("http://h/p?x=1&a=%C3%A9&b=~#f");
  });
  test("content sniffing", () => {
    const e = (s: string): Uint8Array => new TextEncoder().encode(s);
    expect(sniffContentType(e(""))).toBe("text/plain; charset=utf-8");
    expect(sniffContentType(e('{"a":1}'))).toBe("text/plain; charset=utf-8");
    expect(sniffContentType(e("  <!DOCTYPE html>"))).toBe("text/html; charset=utf-8");
    expect(sniffContentType(e("<?xml version"))).toBe("text/xml; charset=utf-8");
    expect(sniffContentType(new Uint8Array([1, 2, 3]))).toBe("application/octet-stream");
  });
});
