/**
 * @module tests/e2e/server
 * `dist/dagu start-all` / `server` over real HTTP: bad input (JSON `{code, message}` naming the
 * field), path traversal, body size limit, live updates (SSE), /metrics through promtool,
 * configuration (env vars, config.yaml, base path, headless, JSON logs), the OpenAPI
 * document and the generated client.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiError, DaguClient } from "../../src/client/api-client.ts";
import { getJson, type ServerHandle, startServer, waitFinal } from "./server-harness.ts";

const flags = mkdtempSync(join(tmpdir(), "dagu-server-test-"));
const childRelease = join(flags, "child-release");

const dags = {
  hello: "params: \"A=1\"\nsteps:\n  - name: first\n    command: echo hello $A\n",
  exits: `steps:\n  - name: ok\n    command: "true"\n  - name: bad\n    command: sh -c "exit 3"\n    depends: ok\n  - name: never\n    command: "true"\n    depends: bad\n`,
  caller: `steps:\n  - name: call\n    call: waiter\n    params: "P=1"\n`,
  waiter: `params: "P=0"\nsteps:\n  - name: w\n    command: sh -c 'while [ ! -f ${childRelease} ]; do sleep 0.1; done'\n`,
  ticker: `steps:
  - name: tick
    command: sh -c 'for i in 1 2 3 4 5; do echo line$i; sleep 0.2; done'
`,
};

let srv: ServerHandle;

beforeAll(async () => {
  srv = await startServer({ dags });
}, 30_000);

afterAll(async () => {
  writeFileSync(childRelease, "");
  await srv.stop();
  rmSync(flags, { recursive: true, force: true });
});

function expectError(r: { status: number; body: unknown }, status: number, field: RegExp): void {
  expect(r.status).toBe(status);
  const b = r.body as { code: string; message: string };
  expect(typeof b.code).toBe("string");
  expect(b.message).toMatch(field);
}

describe("bad input: JSON {code, message} naming the field", () => {
  test("query parameter of the wrong type", async () => {
    expectError(await getJson(srv.api, "/dags?perPage=abc"), 400, /^query\.perPage: /);
    expectError(await getJson(srv.api, "/dags?page=0"), 400, /^query\.page: /);
    expectError(await getJson(srv.api, "/dag-runs?status=99"), 400, /^query\.status: /);
  });

  test("missing or wrong body fields, broken JSON", async () => {
    const post = (path: string, body: string): Promise<{ status: number; body: unknown }> =>
      getJson(srv.api, path, { method: "POST", body, headers: { "content-type": "application/json" } });
    expectError(await post("/dags", "{}"), 400, /^body\.name: is required/);
    expectError(await post("/dags", "{bad"), 400, /^body: /);
    expectError(await post("/dags/hello/suspend", '{"suspend":"yes"}'), 400, /^body\.suspend: /);
    expectError(await post("/dags/hello/start", '{"dagRunId":"has space"}'), 400, /^body\.dagRunId: /);
    expectError(await post("/dags/hello/start", '{"params":"{not json"}'), 400, /^params: /);
  });

  test("unknown endpoint and unknown DAG", async () => {
    expectError(await getJson(srv.api, "/nope"), 404, /no such endpoint/);
    expectError(await getJson(srv.api, "/dags/nope"), 404, /DAG nope not found/);
  });
});

describe("path traversal: names from requests never leave the DAGs folder", () => {
  const evil = ["..%2F..%2Fetc%2Fpasswd", "..", "%2E%2E", ".hidden", "a%2Fb", "..%5C..%5Cx", "a%00b"];
  for (const name of evil) {
    test(`GET /dags/${name}`, async () => {
      const r = await getJson(srv.api, `/dags/${name}`);
      expect([400, 404]).toContain(r.status);
      expect((r.body as { code: string }).code).toMatch(/bad_request|not_found/);
    });
  }

  test("create, rename and runs with traversal names are refused", async () => {
    const post = (path: string, body: unknown): Promise<{ status: number; body: unknown }> =>
      getJson(srv.api, path, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
    expectError(await post("/dags", { name: "../evil" }), 400, /^name: /);
    expectError(await post("/dags", { name: join(tmpdir(), "evil") }), 400, /^name: /);
    expectError(await post("/dags", { name: "" }), 400, /^name: /);
    expectError(await post("/dags/hello/rename", { newFileName: "../../x" }), 400, /^newFileName: /);
    expectError(await getJson(srv.api, "/dag-runs/..%2Fhello/latest"), 400, /^name: /);
    expect(existsSync(join(srv.home, "evil.yaml"))).toBe(false);
    expect(readdirSync(srv.dagsDir).sort()).toEqual(["caller.yaml", "exits.yaml", "hello.yaml", "ticker.yaml", "waiter.yaml"]);
  });
});

test("request bodies above the limit are refused with 413 JSON", async () => {
  const big = JSON.stringify({ spec: "x".repeat(5 * 1024 * 1024) });
  const r = await getJson(srv.api, "/dags/validate", { method: "POST", body: big, headers: { "content-type": "application/json" } });
  expect(r.status).toBe(413);
  expect((r.body as { message: string }).message).toMatch(/^body: larger than/);
});

describe("runs through the generated client", () => {
  const client = (): DaguClient => srv.client;

  test("start with params, details, step log with tail, outputs", async () => {
    const { dagRunId } = await client().executeDAG("hello", { params: '{"A":"42"}' });
    await waitFinal(srv.api, "hello", dagRunId);
    const { dagRunDetails } = await client().getDAGRunDetails("hello", dagRunId);
    expect(dagRunDetails.statusLabel).toBe("succeeded");
    expect(dagRunDetails.nodes[0]?.statusLabel).toBe("succeeded");
    const log = await client().getDAGRunStepLog("hello", dagRunId, "first", { tail: 1 });
    expect(log.content).toBe("hello 42");
    const list = await client().listDAGRuns({ name: "hello" });
    expect(list.dagRuns.some((r) => r.dagRunId === dagRunId)).toBe(true);
  });

  test("a step's exit code (our addition to Dagu's Node): once the step has ended", async () => {
    const { dagRunId } = await client().executeDAG("exits");
    await waitFinal(srv.api, "exits", dagRunId);
    const { nodes } = (await client().getDAGRunDetails("exits", dagRunId)).dagRunDetails;
    expect(nodes.map((n) => [n.step.name, n.statusLabel, n.exitCode])).toEqual([
      ["ok", "succeeded", 0],
      ["bad", "failed", 3],
      ["never", "aborted", undefined],
    ]);
  });

  test("errors surface as ApiError with Dagu's code", async () => {
    const e = await client()
      .getDAGDetails("missing")
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).status).toBe(404);
    expect((e as ApiError).code).toBe("not_found");
  });

  test("inline spec run (POST /dag-runs)", async () => {
    const { dagRunId } = await client().executeDAGRunFromSpec({ spec: "steps:\n  - name: s\n    command: echo inline\n", name: "inline-one" });
    const d = await waitFinal(srv.api, "inline-one", dagRunId);
    expect(d["statusLabel"]).toBe("succeeded");
  });
});

describe("sub-DAG runs while they run", () => {
  test("the parent's call step names its child as soon as the child starts; /sub-dag-runs lists it", async () => {
    const { dagRunId } = await srv.client.executeDAG("caller");
    const deadline = Date.now() + 15_000;
    let childId = "";
    let childStatus = 0;
    // The child waits for a flag file: everything below happens while it runs.
    while (Date.now() < deadline) {
      const d = (await srv.client.getDAGRunDetails("caller", dagRunId)).dagRunDetails;
      childId = d.nodes[0]?.subRuns?.[0]?.dagRunId ?? "";
      if (childId !== "") {
        const subs = (await srv.client.getSubDAGRuns("caller", dagRunId)).subRuns;
        expect(subs.map((s) => [s.dagRunId, s.params])).toEqual([[childId, 'P="1"']]);
        childStatus = subs[0]?.status ?? 0;
        if (childStatus === 1) {
          expect(d.statusLabel).toBe("running");
          expect(d.nodes[0]?.statusLabel).toBe("running");
          break;
        }
      }
      await Bun.sleep(50);
    }
    expect(childId).not.toBe("");
    expect(childStatus).toBe(1);
    const child = (await srv.client.getSubDAGRunDetails("caller", dagRunId, childId)).dagRunDetails;
    expect(child.statusLabel).toBe("running");
    expect(child.parentDAGRunId).toBe(dagRunId);
    writeFileSync(childRelease, "");
    const final = (await waitFinal(srv.api, "caller", dagRunId)) as { statusLabel: string; nodes: { subRuns?: { dagRunId: string }[] }[] };
    expect(final.statusLabel).toBe("succeeded");
    expect(final.nodes[0]?.subRuns?.map((s) => s.dagRunId)).toEqual([childId]);
  }, 30_000);
});

describe("queues", () => {
  test("enqueue a DAG, see it queued, dequeue it", async () => {
    // start-all's scheduler may start the queued run at once: suspend the consumer's work by
    // using a queue with no capacity left is not possible here, so accept either outcome.
    const { dagRunId } = await srv.client.enqueueDAGDAGRun("hello", { params: "A=9" });
    const d = (await srv.client.getDAGRunDetails("hello", dagRunId)).dagRunDetails;
    expect(["queued", "running", "succeeded"]).toContain(d.statusLabel);
    if (d.statusLabel === "queued") {
      const q = await srv.client.listQueues();
      expect(q.summary.totalQueued + q.summary.totalRunning).toBeGreaterThanOrEqual(0);
      const r = await getJson(srv.api, `/dag-runs/hello/${dagRunId}/dequeue`);
      expect([200, 400]).toContain(r.status);
    }
    expectError(await getJson(srv.api, "/dag-runs/hello/nope/dequeue"), 404, /not found/);
  });

  test("enqueue an inline spec", async () => {
    const { dagRunId } = await srv.client.enqueueDAGRunFromSpec({ spec: "steps:\n  - name: s\n    command: echo queued\n", name: "inline-q" });
    const d = (await srv.client.getDAGRunDetails("inline-q", dagRunId)).dagRunDetails;
    expect(["queued", "running", "succeeded"]).toContain(d.statusLabel);
  });
});

describe("live updates (server-sent events)", () => {
  async function readEvents(res: Response, until: (events: { event: string; data: string }[]) => boolean, timeoutMs = 15_000): Promise<{ event: string; data: string }[]> {
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const dec = new TextDecoder();
    let buf = "";
    const events: { event: string; data: string }[] = [];
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let i: number;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const event = /^event: ?(.*)$/m.exec(block)?.[1] ?? "message";
        const data = [...block.matchAll(/^data: ?(.*)$/gm)].map((m) => m[1]).join("\n");
        events.push({ event, data });
      }
      if (until(events)) break;
    }
    await reader.cancel();
    return events;
  }

  test("unknown DAG, run or step: 404 JSON {code, message} before any stream starts", async () => {
    const { dagRunId } = await srv.client.executeDAG("hello", {});
    await waitFinal(srv.api, "hello", dagRunId);
    const cases: [string, RegExp][] = [
      ["/events/dag-runs/nope/abc", /dag-run ID abc not found for DAG nope/],
      ["/events/dag-runs/hello/abc", /dag-run ID abc not found/],
      ["/events/dag-runs/nope/abc/log", /not found/],
      ["/events/dag-runs/hello/abc/log", /not found/],
      ["/events/dag-runs/nope/abc/steps/first/log", /not found/],
      ["/events/dag-runs/hello/abc/steps/first/log", /not found/],
      [`/events/dag-runs/hello/${dagRunId}/steps/zzz/log`, /step zzz not found/],
    ];
    for (const [path, message] of cases) {
      const r = await getJson(srv.api, path);
      expect(r.type).toContain("application/json");
      expectError(r, 404, message);
      expect((r.body as { code: string }).code).toBe("not_found");
    }
  });

  test("a run's status changes, ending with its final status", async () => {
    const { dagRunId } = await srv.client.executeDAG("ticker", {});
    const res = await srv.client.watchDAGRun("ticker", dagRunId);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const events = await readEvents(res, (ev) => ev.some((e) => e.event === "status" && /"statusLabel":"succeeded","startedAt"/.test(e.data)));
    const statuses = events.filter((e) => e.event === "status").map((e) => (JSON.parse(e.data) as { statusLabel: string }).statusLabel);
    expect(statuses[0]).toBe("running");
    expect(statuses.at(-1)).toBe("succeeded");
  }, 20_000);

  test("a step's log lines as they are written", async () => {
    const { dagRunId } = await srv.client.executeDAG("ticker", {});
    const started = Date.now();
    const res = await srv.client.watchDAGRunStepLog("ticker", dagRunId, "tick");
    const arrivals: number[] = [];
    const events = await readEvents(res, (ev) => {
      arrivals.push(Date.now() - started);
      return ev.some((e) => e.event === "end");
    });
    const text = events
      .filter((e) => e.event === "log")
      .map((e) => (JSON.parse(e.data) as { content: string }).content)
      .join("\n");
    expect(text).toBe("line1\nline2\nline3\nline4\nline5");
    // Lines arrive while the step runs (several log events), not in one piece at the end.
    expect(events.filter((e) => e.event === "log").length).toBeGreaterThan(1);
  }, 20_000);

  test("global stream reports a new run", async () => {
    const res = await srv.client.watchDAGRuns();
    const pending = readEvents(res, (ev) => ev.some((e) => e.event === "run" && e.data.includes('"statusLabel":"succeeded"') && e.data.includes('"name":"hello"')));
    await Bun.sleep(200);
    await srv.client.executeDAG("hello", {});
    const events = await pending;
    expect(events.some((e) => e.event === "run" && e.data.includes('"name":"hello"'))).toBe(true);
  }, 20_000);

  test("global stream reports a run as running within a second (not only when it ends), and a queued run", async () => {
    const res = await srv.client.watchDAGRuns();
    let runningAt = 0;
    let queuedAt = 0;
    const started = Date.now();
    const pending = readEvents(
      res,
      (ev) => {
        const last = ev.at(-1);
        if (last?.event === "run" && last.data.includes('"name":"ticker"')) {
          if (last.data.includes('"statusLabel":"running"') && !runningAt) runningAt = Date.now() - started;
          if (last.data.includes('"statusLabel":"queued"') && !queuedAt) queuedAt = Date.now() - started;
        }
        return runningAt > 0 && queuedAt > 0;
      },
      5_000,
    );
    await Bun.sleep(200);
    await srv.client.executeDAG("ticker", {});
    await Bun.sleep(300);
    const { dagRunId } = await srv.client.enqueueDAGDAGRun("ticker", {});
    await pending;
    // The ticker runs ~1 s: "running" must arrive while it runs, not at the 15 s keep-alive.
    expect(runningAt).toBeGreaterThan(0);
    expect(runningAt).toBeLessThan(1_500);
    expect(queuedAt).toBeGreaterThan(0);
    await waitFinal(srv.api, "ticker", dagRunId, 20_000).catch(() => undefined);
  }, 20_000);
});

describe("/metrics", () => {
  test("Prometheus text with Dagu's metric names", async () => {
    const r = await fetch(`${srv.base}/metrics`);
    expect(r.headers.get("content-type")).toContain("text/plain");
    const text = await r.text();
    for (const name of [
      "dagu_dag_runs_total",
      "dagu_dag_runs_total_by_dag",
      "dagu_dag_run_duration_seconds",
      "dagu_dag_runs_currently_running",
      "dagu_dag_runs_queued_total",
      "dagu_queue_wait_time",
      "dagu_uptime_seconds",
    ])
      expect(text).toContain(`# TYPE ${name} `);
    expect(await (await fetch(`${srv.api}/metrics`)).text()).toContain("dagu_uptime_seconds");
  });

  const promtool = Bun.which("promtool");
  test.skipIf(!promtool)("promtool check metrics: no format errors; only the lint notes Dagu's own names cause", async () => {
    const text = await (await fetch(`${srv.base}/metrics`)).text();
    const p = Bun.spawnSync([promtool as string, "check", "metrics"], { stdin: new TextEncoder().encode(text) });
    const out = `${p.stdout.toString()}${p.stderr.toString()}`;
    // Exit 3 = lint problems only (1 would be a parse error). The names are Dagu's, fixed by
    // its README; the reference gets the same notes.
    expect([0, 3]).toContain(p.exitCode ?? -1);
    const notes = out.split("\n").filter((l) => l.trim() !== "");
    for (const n of notes) expect(n).toMatch(/^dagu_(dag_runs_queued_total|dags_total|dag_runs_total_by_dag) (non-)?counter metrics should/);
  });
});

describe("OpenAPI document", () => {
  test("served at /api/v2/openapi.json, generated from the routes, matches the committed client", async () => {
    const doc = (await (await fetch(`${srv.api}/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, { operationId: string }>> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.paths["/dags"]?.["get"]?.operationId).toBe("listDAGs");
    expect(doc.paths["/dag-runs/{name}/{dagRunId}/steps/{stepName}/log"]?.["get"]?.operationId).toBe("getDAGRunStepLog");
    const committed = JSON.parse(readFileSync(join(import.meta.dir, "../../src/client/openapi.json"), "utf8")) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).sort()).toEqual(Object.keys(committed.paths).sort());
  });
});

describe("configuration", () => {
  test("DAGU_BASE_PATH, DAGU_HEADLESS and DAGU_LOG_FORMAT=json", async () => {
    const s = await startServer({ command: "server", env: { DAGU_BASE_PATH: "/dagu", DAGU_HEADLESS: "true", DAGU_LOG_FORMAT: "json" }, basePath: "/dagu" });
    try {
      expect((await fetch(`${s.api}/health`)).status).toBe(200);
      expect((await fetch(`${s.base}/`)).status).toBe(404); // headless: no UI
      expect((await fetch(s.base.replace("/dagu", "/api/v2/health"))).status).toBe(404);
      const first = s.output().split("\n").find((l) => l.includes("Server is starting")) ?? "";
      expect((JSON.parse(first) as { level: string; msg: string }).msg).toBe("Server is starting");
    } finally {
      await s.stop();
    }
  }, 30_000);

  test("config.yaml keys (basePath, headless off: UI entry served)", async () => {
    const s = await startServer({ files: { "config.yaml": "basePath: /x\nheadless: false\nlogFormat: text\n" }, basePath: "/x" });
    try {
      expect((await fetch(`${s.api}/health`)).status).toBe(200);
      const ui = await fetch(`${s.base}`);
      expect(ui.status).toBe(200);
      expect(ui.headers.get("content-type")).toContain("text/html");
      expect(s.output()).toContain('msg="Server is starting"');
    } finally {
      await s.stop();
    }
  }, 30_000);

  const openssl = Bun.which("openssl");
  test.skipIf(!openssl)("TLS with DAGU_CERT_FILE / DAGU_KEY_FILE", async () => {
    const dir = (await import("node:fs")).mkdtempSync(join((await import("node:os")).tmpdir(), "dagu-tls-"));
    const cert = join(dir, "cert.pem");
    const key = join(dir, "key.pem");
    const g = Bun.spawnSync([openssl as string, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1"], { stderr: "ignore" });
    expect(g.exitCode).toBe(0);
    const port = await (await import("./server-harness.ts")).freePort();
    const proc = Bun.spawn([join(import.meta.dir, "../../dist/dagu"), "server", "--host=127.0.0.1", `--port=${port}`], {
      env: { ...process.env, DAGU_HOME: dir, DAGU_CERT_FILE: cert, DAGU_KEY_FILE: key },
      stdout: "ignore",
      stderr: "ignore",
    });
    try {
      let ok = false;
      for (let i = 0; i < 100 && !ok; i++) {
        try {
          const r = await fetch(`https://127.0.0.1:${port}/api/v2/health`, { tls: { rejectUnauthorized: false } });
          ok = r.status === 200;
        } catch {
          await Bun.sleep(50);
        }
      }
      expect(ok).toBe(true);
    } finally {
      proc.kill();
      await proc.exited;
      (await import("node:fs")).rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
