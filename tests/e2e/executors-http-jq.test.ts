/**
 * @module tests/e2e/executors-http-jq
 * `type: http` and `type: jq` through the compiled binary, copied alone into a temp folder
 * and run from there (jq-wasm must be inside it). http steps talk to a real server this
 * test starts on 127.0.0.1. When the reference Dagu is present, the same DAGs run through it
 * and every step's stdout must be the same (Date headers aside).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunRecord } from "../../src/core/run-record.ts";
import { bin, ensureBuilt, refTool, Workspace } from "./harness.ts";

let ws: Workspace;
let server: ReturnType<typeof Bun.serve>;
let base = "";
let dagu = "";

beforeAll(() => {
  ensureBuilt();
  ws = new Workspace("http-jq");
  // The binary alone, away from the repo and its node_modules.
  mkdirSync(join(ws.dir, "bin"));
  dagu = join(ws.dir, "bin", "dagu");
  copyFileSync(bin, dagu);
  Bun.spawnSync(["chmod", "+x", dagu]);
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const u = new URL(req.url);
      if (u.pathname === "/echo") {
        // Only what both clients send alike: Bun's fetch adds Accept and Connection.
        const pick = ["content-type", "user-agent", "x-token", "accept-encoding", "content-length"];
        const h: Record<string, string> = {};
        for (const k of pick) {
          const v = req.headers.get(k);
          if (v !== null) h[k] = v;
        }
        return Response.json({ method: req.method, query: u.search, headers: h, body: await req.text() });
      }
      if (u.pathname === "/text") return new Response("hello world\n", { headers: { "X-Multi": "a", "x-z": "zz" } });
      if (u.pathname === "/json") return new Response('{"z":1,"a":[1,2.5,1e21,"<&>"],"m":{"y":null,"b":true}}', { headers: { "content-type": "application/json" } });
      if (u.pathname.startsWith("/status/")) return new Response(`code ${u.pathname.slice(8)}`, { status: Number(u.pathname.slice(8)) });
      if (u.pathname === "/slow") {
        await Bun.sleep(Number(u.searchParams.get("ms") ?? "3000"));
        return new Response("late");
      }
      if (u.pathname === "/empty") return new Response(null, { status: 204 });
      return new Response("not found", { status: 404 });
    },
  });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => {
  server.stop(true);
  ws.remove();
});

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Async: the server lives in this process, so a synchronous spawn would block it. */
async function exec(argv: string[], home: string): Promise<Run> {
  const p = Bun.spawn(argv, { cwd: ws.dir, env: { ...process.env, DAGU_HOME: home }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, stdout, stderr };
}

function dag(name: string, yaml: string): string {
  writeFileSync(join(ws.dir, `${name}.yaml`), yaml);
  return `${name}.yaml`;
}

const readLog = (p: string | undefined): string => (p && existsSync(p) ? readFileSync(p, "utf8") : "");
const normalize = (s: string): string => s.replace(/^Date: .*\r$/gm, "Date: X\r").replace(/"Date": \[\n\s+".*"/g, '"Date": [\n   "X"');

interface StepResult {
  readonly status: number;
  readonly error?: string;
  readonly stdout: string;
  readonly stderr: string;
}

const ourHome = (): string => join(ws.dir, "home");

async function runOurs(file: string): Promise<{ code: number | null; steps: Map<string, StepResult> }> {
  const r = await exec([dagu, "start", file], ourHome());
  const st = await exec([dagu, "status", "--format", "json", file], ourHome());
  expect(st.stderr).toBe("");
  const rec = JSON.parse(st.stdout) as RunRecord;
  const steps = new Map<string, StepResult>();
  for (const n of rec.nodes) {
    steps.set(n.step.name, { status: n.status, ...(n.error ? { error: n.error } : {}), stdout: normalize(readLog(n.stdout)), stderr: readLog(n.stderr) });
  }
  return { code: r.code, steps };
}

/** The reference's record, read from its status.jsonl (its `status` has no JSON output). */
async function runRef(file: string): Promise<Map<string, StepResult> | undefined> {
  if (!existsSync(refTool)) return undefined;
  const home = join(ws.dir, `ref-${file}`);
  await exec([refTool, "start", file], home);
  const glob = new Bun.Glob("data/**/status.jsonl");
  const files = [...glob.scanSync({ cwd: home })];
  expect(files.length).toBe(1);
  const lines = readFileSync(join(home, files[0] as string), "utf8").trim().split("\n");
  const rec = JSON.parse(lines[lines.length - 1] as string) as RunRecord;
  const steps = new Map<string, StepResult>();
  for (const n of rec.nodes) steps.set(n.step.name, { status: n.status, ...(n.error ? { error: n.error } : {}), stdout: normalize(readLog(n.stdout)), stderr: readLog(n.stderr) });
  return steps;
}

/** Same stdout (and stderr, status, error) per step as the reference, where it ran. */
function sameAsRef(ours: Map<string, StepResult>, ref: Map<string, StepResult> | undefined, skip: readonly string[] = []): void {
  if (!ref) return;
  expect(ref.size).toBeGreaterThan(0);
  for (const [name, r] of ref) {
    if (skip.includes(name)) continue;
    expect({ name, ...ours.get(name) }).toEqual({ name, ...r });
  }
}

describe("http", () => {
  test("GET/POST, headers, query, body, silent, json, non-2xx, errors", async () => {
    const file = dag(
      "http_main",
      `type: graph
steps:
  - name: get
    type: http
    command: GET ${base}/text
  - name: post
    type: http
    command: post ${base}/echo?z=0
    config:
      headers:
        X-Token: abc
      query:
        q: "a b"
        n: 1
      body: '{"x": 1}'
      silent: true
  - name: silent
    type: http
    command: GET ${base}/text
    output: BODY
    config:
      silent: "true"
  - name: use_output
    depends: silent
    command: echo "got \${BODY}"
  - name: json
    type: http
    command: GET ${base}/json
    config:
      json: true
  - name: json_silent
    type: http
    command: GET ${base}/json
    config:
      json: true
      silent: true
  - name: not_found
    type: http
    command: GET ${base}/status/404
  - name: silent_500
    type: http
    command: GET ${base}/status/500
    config:
      silent: true
  - name: script_config
    type: http
    command: PUT ${base}/echo
    script: |
      {"headers": {"Content-Type": "application/json"}, "body": "{}", "Silent": true}
  - name: empty
    type: http
    command: GET ${base}/empty
  - name: no_url
    type: http
    command: GET
  - name: bad_timeout
    type: http
    command: GET ${base}/text
    config:
      timeout: abc
  - name: json_not_json
    type: http
    command: GET ${base}/text
    config:
      json: true
`,
    );
    const [ours, ref] = await Promise.all([runOurs(file), runRef(file)]);
    expect(ours.code).toBe(1);
    const s = ours.steps;
    expect(s.get("get")?.stdout).toBe("200 OK\nContent-Length: 12\r\nContent-Type: text/plain;charset=utf-8\r\nDate: X\r\nX-Multi: a\r\nX-Z: zz\r\nhello world\n");
    expect(JSON.parse(s.get("post")?.stdout ?? "")).toEqual({
      method: "POST",
      query: "?z=0&n=1&q=a+b",
      headers: { "accept-encoding": "gzip", "content-length": "8", "content-type": "text/plain; charset=utf-8", "user-agent": "go-resty/2.16.5 (https://github.com/go-resty/resty)", "x-token": "abc" },
      body: '{"x": 1}',
    });
    expect(s.get("use_output")?.stdout).toBe("got hello world\n");
    expect(s.get("json_silent")?.stdout).toStartWith('{\n "status_code": 0,\n "headers": null,\n "body": {\n  "a": [\n   1,\n   2.5,\n   1e+21,\n   "\\u003c\\u0026\\u003e"\n  ],');
    expect(s.get("not_found")?.error).toBe('failed to execute step "not_found": http status code not 2xx: 404');
    expect(s.get("silent_500")?.stdout).toBe("500 Internal Server Error\nContent-Length: 8\r\nContent-Type: text/plain;charset=utf-8\r\nDate: X\r\ncode 500");
    expect(s.get("empty")?.stdout).toBe("204 No Content\nDate: X\r\n");
    expect(s.get("no_url")?.error).toBe('failed to execute step "no_url": Get "": unsupported protocol scheme ""');
    expect(s.get("bad_timeout")?.error).toBe(`failed to execute step "bad_timeout": decoding failed due to the following error(s):\n\n'Timeout' cannot parse value as 'int': strconv.ParseInt: invalid syntax`);
    expect(s.get("json_not_json")?.error).toBe(`failed to execute step "json_not_json": invalid character 'h' looking for beginning of value`);
    sameAsRef(s, ref);
  }, 20_000);

  test("config.timeout ends the request with Go's client-timeout error", async () => {
    const file = dag(
      "http_timeout",
      `steps:
  - name: t
    type: http
    command: GET ${base}/slow?ms=5000
    config:
      timeout: 1
`,
    );
    const t0 = Date.now();
    const ours = await runOurs(file);
    expect(Date.now() - t0).toBeLessThan(4000);
    expect(ours.code).toBe(1);
    // As Dagu: the step is aborted (the error wraps context.DeadlineExceeded), the run fails.
    expect(ours.steps.get("t")?.error).toBe(`Get "${base}/slow?ms=5000": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`);
    expect(ours.steps.get("t")?.status).toBe(3);
  }, 10_000);

  test("dagu stop aborts a request in flight", async () => {
    const file = dag(
      "http_stop",
      `steps:
  - name: s
    type: http
    command: GET ${base}/slow?ms=20000
  - name: after
    command: echo hi
`,
    );
    const t0 = Date.now();
    const started = exec([dagu, "start", file], ourHome());
    // Wait until the run is recorded as running, then stop it from another process.
    for (;;) {
      const st = await exec([dagu, "status", "--format", "json", file], ourHome());
      if (st.code === 0 && (JSON.parse(st.stdout) as RunRecord).nodes[0]?.status === 1) break;
      if (Date.now() - t0 > 8000) throw new Error("run did not start");
      await Bun.sleep(100);
    }
    await exec([dagu, "stop", file], ourHome());
    await started;
    expect(Date.now() - t0).toBeLessThan(10_000);
    const st = await exec([dagu, "status", "--format", "json", file], ourHome());
    const rec = JSON.parse(st.stdout) as RunRecord;
    expect(rec.status).toBe(3);
    expect(rec.nodes[0]?.status).toBe(3);
    expect(rec.nodes[0]?.error).toEndWith(`Get "${base}/slow?ms=20000": context canceled`);
    expect(rec.nodes[1]?.status).toBe(0);
  }, 15_000);
});

describe("jq", () => {
  test("filters, raw output, errors — from a temp cwd with the binary copied alone", async () => {
    const file = dag(
      "jq_main",
      `type: graph
steps:
  - name: basic
    type: jq
    command: .a
    script: '{"a": {"z": 1, "b": [1, 2.5, "x<y&z"], "c": null}}'
  - name: multi
    type: jq
    command: .[] | .n
    script: '[{"n": 1}, {"n": "two"}, {"n": [3]}]'
  - name: raw
    type: jq
    command: .[]
    config:
      raw: true
    script: '["a\\tb", 1, 1000000, 1.5, 0.00001, 123456789, true, null, {"k": "v<"}, [1, "x"]]'
  - name: construct
    type: jq
    command: '{name: .n, ks: keys, total: (.b + .a)}'
    script: '{"n": "x", "b": 1, "a": 2}'
  - name: select
    type: jq
    command: '[.items[] | select(.v > 1) | .id]'
    script: |
      {"items": [{"id": "a", "v": 1}, {"id": "b", "v": 2}, {"id": "c", "v": 3}]}
  - name: from_var
    type: jq
    command: .msg
    config:
      raw: true
    script: '{"msg": "\${GREETING}"}'
  - name: scalars
    type: jq
    command: '.a, .b, .c, .d, {}, []'
    script: '{"a": "s", "b": 12345678901234567890, "c": -0, "d": 1e-7}'
  - name: bad_filter
    type: jq
    command: .a | | .b
    script: '{"a":1}'
  - name: bad_json
    type: jq
    command: .a
    script: '{"a":'
  - name: two_values
    type: jq
    command: .
    script: '1 2'
  - name: empty
    type: jq
    command: empty
    script: '{}'
env:
  - GREETING: hello there
`,
    );
    const [ours, ref] = await Promise.all([runOurs(file), runRef(file)]);
    const s = ours.steps;
    expect(s.get("basic")?.stdout).toBe('{\n    "b": [\n        1,\n        2.5,\n        "x\\u003cy\\u0026z"\n    ],\n    "c": null,\n    "z": 1\n}\n');
    expect(s.get("multi")?.stdout).toBe('1\n"two"\n[\n    3\n]\n');
    expect(s.get("raw")?.stdout).toBe('a\tb\n1\n1e+06\n1.5\n1e-05\n1.23456789e+08\ntrue\n\n{"k":"v\\u003c"}\n[1,"x"]\n');
    expect(s.get("select")?.stdout).toBe('[\n    "b",\n    "c"\n]\n');
    expect(s.get("from_var")?.stdout).toBe("hello there\n");
    expect(s.get("bad_filter")?.error).toBe('failed to execute step "bad_filter": unexpected token "|"');
    expect(s.get("bad_json")?.error).toBe('failed to execute step "bad_json": unexpected end of JSON input');
    expect(s.get("two_values")?.error).toBe(`failed to execute step "two_values": invalid character '2' after top-level value`);
    expect(s.get("empty")?.status).toBe(4);
    expect(s.get("empty")?.stdout).toBe("");
    sameAsRef(s, ref);
  }, 20_000);
});
