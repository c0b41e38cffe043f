/**
 * @module tests/e2e/server-contract
 * Contract tests: the same requests against `dist/dagu start-all` and the reference Dagu
 * 1.30.2 (`dagu-ref start-all`), each with its own DAGU_HOME holding the same DAGs and the
 * same runs, give responses of the same shape (key sets and value types; ids, times and
 * paths differ) and the same status codes.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { refTool } from "./harness.ts";
import { getJson, type ServerHandle, type Shape, shapeDiff, shapeOf, startServer, waitFinal } from "./server-harness.ts";

const dags = {
  hello: `description: say hello
tags: [demo, test]
schedule: "0 * * * *"
params: "A=1 B=two"
steps:
  - name: first
    command: echo hello $A
    output: OUT
  - name: second
    command: echo bye
    depends: [first]
`,
  child: `params: "X=0"
steps:
  - name: c1
    command: echo child $X
`,
  parent: `steps:
  - name: call-child
    call: child
    params: "X=7"
`,
  failing: `steps:
  - name: boom
    command: sh -c "echo oops >&2; exit 3"
`,
};

type GetCase = [string, (s: "ours" | "ref") => string, string[]?];

const hasRef = existsSync(refTool);
const pair: { ours?: ServerHandle; ref?: ServerHandle } = {};
const ids: Record<string, { ours: string; ref: string }> = {};

/**
 * Our additions, ignored wherever they appear: a step's `exitCode` in run details (Dagu
 * 1.30.2's Node has no exit code; the run page shows it).
 */
const ignore: readonly string[] = ["exitCode"];

async function both(method: string, path: (side: "ours" | "ref") => string, body?: unknown | ((side: "ours" | "ref") => unknown)): Promise<{ ours: { status: number; body: unknown }; ref: { status: number; body: unknown } }> {
  const init = (side: "ours" | "ref"): RequestInit => {
    const b = typeof body === "function" ? (body as (s: "ours" | "ref") => unknown)(side) : body;
    return { method, ...(b !== undefined ? { body: JSON.stringify(b), headers: { "content-type": "application/json" } } : {}) };
  };
  const [o, r] = await Promise.all([getJson(pair.ours?.api ?? "", path("ours"), init("ours")), getJson(pair.ref?.api ?? "", path("ref"), init("ref"))]);
  return { ours: o, ref: r };
}

function expectSameShape(ours: unknown, ref: unknown, extraIgnore: readonly string[] = []): void {
  const diff = shapeDiff(shapeOf(ours) as Shape, shapeOf(ref) as Shape, "$", [...ignore, ...extraIgnore]);
  expect(diff).toEqual([]);
}

async function startBoth(dag: string, body: Record<string, unknown> = {}): Promise<void> {
  const r = await both("POST", () => `/dags/${dag}/start`, body);
  expect(r.ours.status).toBe(200);
  expect(r.ref.status).toBe(200);
  const o = (r.ours.body as { dagRunId: string }).dagRunId;
  const f = (r.ref.body as { dagRunId: string }).dagRunId;
  ids[dag] = { ours: o, ref: f };
  await Promise.all([waitFinal(pair.ours?.api ?? "", dag, o), waitFinal(pair.ref?.api ?? "", dag, f)]);
}

describe.skipIf(!hasRef)("REST API v2 contract: ours vs the reference", () => {
  beforeAll(async () => {
    [pair.ours, pair.ref] = await Promise.all([startServer({ dags }), startServer({ ref: true, dags })]);
    await startBoth("hello", { params: "A=5" });
    await startBoth("parent");
    await startBoth("failing");
  }, 90_000);

  afterAll(async () => {
    await Promise.all([pair.ours?.stop(), pair.ref?.stop()]);
  });

  const idOf = (dag: string, side: "ours" | "ref"): string => ids[dag]?.[side] ?? "";

  const gets: readonly GetCase[] = [
    ["health", () => "/health"],
    ["DAG list", () => "/dags"],
    ["DAG list page 2 of 1 per page", () => "/dags?page=2&perPage=1"],
    ["DAG list by tag", () => "/dags?tag=demo"],
    ["DAG list by name, sorted desc", () => "/dags?name=hel&order=desc"],
    // nextRun: our one addition (the next scheduled start, for the web UI's DAG page).
    ["DAG details", () => "/dags/hello", ["$.nextRun"]],
    ["DAG spec", () => "/dags/hello/spec"],
    ["DAG run history", () => "/dags/hello/dag-runs"],
    ["DAG run by id", (s) => `/dags/hello/dag-runs/${idOf("hello", s)}`],
    ["tags", () => "/dags/tags"],
    ["search", () => "/dags/search?q=hello"],
    ["run list", () => "/dag-runs"],
    ["run list by status", () => "/dag-runs?status=4"],
    ["run list by name", () => "/dag-runs?name=hel"],
    ["runs of a DAG", () => "/dag-runs/hello"],
    ["run details", (s) => `/dag-runs/hello/${idOf("hello", s)}`],
    ["run details (latest)", () => "/dag-runs/hello/latest"],
    ["failed run details", (s) => `/dag-runs/failing/${idOf("failing", s)}`],
    ["run spec", (s) => `/dag-runs/hello/${idOf("hello", s)}/spec`],
    ["run log", (s) => `/dag-runs/hello/${idOf("hello", s)}/log`],
    ["run log tail", (s) => `/dag-runs/hello/${idOf("hello", s)}/log?tail=1`],
    ["run log head", (s) => `/dag-runs/hello/${idOf("hello", s)}/log?head=1`],
    ["run log offset+limit", (s) => `/dag-runs/hello/${idOf("hello", s)}/log?offset=2&limit=1`],
    ["step log", (s) => `/dag-runs/hello/${idOf("hello", s)}/steps/first/log?stream=stdout`],
    ["step stderr log", (s) => `/dag-runs/failing/${idOf("failing", s)}/steps/boom/log?stream=stderr`],
    ["outputs", (s) => `/dag-runs/hello/${idOf("hello", s)}/outputs`],
    ["sub-DAG runs", (s) => `/dag-runs/parent/${idOf("parent", s)}/sub-dag-runs`],
    ["parent run details", (s) => `/dag-runs/parent/${idOf("parent", s)}`],
    ["queues", () => "/queues"],
    ["workers", () => "/workers"],
    ["not found DAG", () => "/dags/nope"],
    ["not found run", () => "/dag-runs/hello/nope"],
    ["not found step", (s) => `/dag-runs/hello/${idOf("hello", s)}/steps/zzz/log?stream=stdout`],
  ];

  for (const [what, path, extra] of gets) {
    test(`GET ${what}`, async () => {
      const r = await both("GET", path);
      expect(r.ours.status).toBe(r.ref.status);
      expectSameShape(r.ours.body, r.ref.body, extra ?? []);
    });
  }

  test("sub-DAG run details and log", async () => {
    const subs = await both("GET", (s) => `/dag-runs/parent/${idOf("parent", s)}/sub-dag-runs`);
    const sub = (side: "ours" | "ref"): string => ((r) => (r.body as { subRuns: { dagRunId: string }[] }).subRuns[0]?.dagRunId ?? "")(subs[side]);
    const details = await both("GET", (s) => `/dag-runs/parent/${idOf("parent", s)}/sub-dag-runs/${sub(s)}`);
    expect(details.ours.status).toBe(200);
    expect(details.ref.status).toBe(200);
    expectSameShape(details.ours.body, details.ref.body);
    const log = await both("GET", (s) => `/dag-runs/parent/${idOf("parent", s)}/sub-dag-runs/${sub(s)}/steps/c1/log?stream=stdout`);
    expect(log.ours.status).toBe(200);
    expect((log.ours.body as { content: string }).content).toBe("child 7");
    expectSameShape(log.ours.body, log.ref.body);
  });

  test("POST /dags/validate: valid and invalid specs", async () => {
    for (const spec of ["steps:\n  - name: a\n    command: echo hi\n", "steps:\n  - name: a\n    command: echo\n    depends: [zz]\n"]) {
      const r = await both("POST", () => "/dags/validate", { spec });
      expect(r.ours.status).toBe(r.ref.status);
      const valid = (r.ours.body as { valid: boolean }).valid;
      expect(valid).toBe((r.ref.body as { valid: boolean }).valid);
      // Divergence: for an invalid spec the reference also returns a leniently parsed DAG; we
      // return only the problems (with line and column).
      expectSameShape(r.ours.body, r.ref.body, valid ? [] : ["$.dag"]);
      if (!valid) expect((r.ours.body as { errors: string[] }).errors[0]).toMatch(/^4:\d+: steps\[0\]\.depends: /);
    }
  });

  test("create, update spec, suspend, rename, delete", async () => {
    let r = await both("POST", () => "/dags", { name: "made" });
    expect(r.ours.status).toBe(201);
    expect(r.ref.status).toBe(201);
    expectSameShape(r.ours.body, r.ref.body);
    r = await both("POST", () => "/dags", { name: "made" });
    expect(r.ours.status).toBe(409);
    expect(r.ref.status).toBe(409);
    expectSameShape(r.ours.body, r.ref.body);
    r = await both("PUT", () => "/dags/made/spec", { spec: "steps:\n  - name: a\n    command: echo\n    depends: [zz]\n" });
    expect(r.ours.status).toBe(r.ref.status);
    expect((r.ours.body as { errors: string[] }).errors.length).toBe(1);
    expect((r.ours.body as { errors: string[] }).errors[0]).toMatch(/^4:\d+: /); // line:col
    expectSameShape(r.ours.body, r.ref.body);
    r = await both("PUT", () => "/dags/made/spec", { spec: "steps:\n  - name: a\n    command: echo hi\n" });
    expect(r.ours.status).toBe(200);
    expect(r.ref.status).toBe(200);
    r = await both("POST", () => "/dags/made/suspend", { suspend: true });
    expect(r.ours.status).toBe(r.ref.status);
    const d = await both("GET", () => "/dags/made");
    expect((d.ours.body as { suspended: boolean }).suspended).toBe(true);
    expect((d.ref.body as { suspended: boolean }).suspended).toBe(true);
    r = await both("POST", () => "/dags/made/suspend", { suspend: false });
    expect(r.ours.status).toBe(r.ref.status);
    r = await both("POST", () => "/dags/made/rename", { newFileName: "renamed" });
    expect(r.ours.status).toBe(r.ref.status);
    r = await both("DELETE", () => "/dags/renamed");
    expect(r.ours.status).toBe(204);
    expect(r.ref.status).toBe(204);
    r = await both("DELETE", () => "/dags/renamed");
    expect(r.ours.status).toBe(404);
    expect(r.ref.status).toBe(404);
    expectSameShape(r.ours.body, r.ref.body);
  });

  test("stop a run that is not running: 400 not_running", async () => {
    const r = await both("POST", (s) => `/dag-runs/hello/${idOf("hello", s)}/stop`);
    expect(r.ours.status).toBe(r.ref.status);
    expect((r.ours.body as { code: string }).code).toBe("not_running");
    expectSameShape(r.ours.body, r.ref.body);
  });

  test("retry and reschedule", async () => {
    let r = await both("POST", (s) => `/dag-runs/failing/${idOf("failing", s)}/retry`, { dagRunId: "x" });
    // Dagu ignores a body id that differs from the path; we refuse it (400 naming the field).
    expect(r.ours.status).toBe(400);
    r = await both("POST", (s) => `/dag-runs/failing/${idOf("failing", s)}/retry`, (s: "ours" | "ref") => ({ dagRunId: idOf("failing", s) }));
    expect(r.ours.status).toBe(r.ref.status);
    await Promise.all([waitFinal(pair.ours?.api ?? "", "failing", idOf("failing", "ours")), waitFinal(pair.ref?.api ?? "", "failing", idOf("failing", "ref"))]);
    r = await both("POST", (s) => `/dag-runs/hello/${idOf("hello", s)}/reschedule`, {});
    expect(r.ours.status).toBe(200);
    expect(r.ref.status).toBe(200);
    expectSameShape(r.ours.body, r.ref.body);
  });

  test("singleton start of a running DAG: 409", async () => {
    const slow = "steps:\n  - name: s\n    command: sleep 3\n";
    let r = await both("POST", () => "/dags", { name: "slow", spec: slow });
    expect(r.ours.status).toBe(201);
    r = await both("POST", () => "/dags/slow/start", {});
    expect(r.ours.status).toBe(200);
    const id = { ours: (r.ours.body as { dagRunId: string }).dagRunId, ref: (r.ref.body as { dagRunId: string }).dagRunId };
    await Bun.sleep(700);
    r = await both("POST", () => "/dags/slow/start", { singleton: true });
    expect(r.ours.status).toBe(409);
    expect(r.ref.status).toBe(409);
    expectSameShape(r.ours.body, r.ref.body);
    r = await both("POST", (s) => `/dag-runs/slow/${id[s]}/stop`);
    expect(r.ours.status).toBe(r.ref.status);
    const [o] = await Promise.all([waitFinal(pair.ours?.api ?? "", "slow", id.ours), waitFinal(pair.ref?.api ?? "", "slow", id.ref)]);
    expect(o["statusLabel"]).toBe("aborted");
  }, 30_000);
});
