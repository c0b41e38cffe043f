/**
 * @module tests/e2e/queues-api
 * `GET /api/v2/queues` against `dist/dagu server` (no scheduler, so queued runs stay queued),
 * and the same scenario against the reference Dagu 1.30.2 when it is installed: global queues
 * from config.yaml listed even when empty, running runs found by their heartbeats under
 * their real queue (a DAG's `queue:`), waiting runs from the queue store, and a DAG-based
 * queue's capacity = its DAG's `maxActiveRuns` (none shown when unlimited).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { refTool } from "./harness.ts";
import { getJson, type ServerHandle, type Shape, shapeDiff, shapeOf, startServer, waitFinal } from "./server-harness.ts";

const flags = mkdtempSync(join(tmpdir(), "dagu-queues-api-"));
const release = join(flags, "release");
const hold = `steps:\n  - name: hold\n    command: sh -c 'while [ ! -f ${release} ]; do sleep 0.1; done'\n`;

const dags = {
  slow: `maxActiveRuns: 3\n${hold}`,
  batched: `queue: batch\n${hold}`,
  unl: `maxActiveRuns: -1\n${hold}`,
  plain: hold,
};
const config = `queues:
  enabled: true
  config:
    - name: batch
      maxActiveRuns: 2
    - name: empty
      maxActiveRuns: 4
`;

interface Summary {
  readonly name: string;
  readonly dagRunId: string;
  readonly status: number;
}
interface QueuesBody {
  readonly queues: { name: string; type: string; maxConcurrency?: number; running: Summary[]; queued: Summary[] }[];
  readonly summary: Record<string, number>;
}

/** What must agree between builds: queues by name with capacity and the DAGs of their runs. */
function view(b: QueuesBody): unknown {
  return {
    queues: b.queues
      .map((q) => ({ name: q.name, type: q.type, maxConcurrency: q.maxConcurrency ?? "none", running: q.running.map((r) => `${r.name}:${r.status}`).sort(), queued: q.queued.map((r) => `${r.name}:${r.status}`).sort() }))
      .sort((a, b) => (a.name < b.name ? -1 : 1)),
    summary: { ...b.summary, utilizationPercentage: Math.round(b.summary["utilizationPercentage"] ?? -1) },
  };
}

const expected = {
  queues: [
    { name: "batch", type: "global", maxConcurrency: 2, running: ["batched:1"], queued: ["batched:5"] },
    { name: "empty", type: "global", maxConcurrency: 4, running: [], queued: [] },
    { name: "plain", type: "dag-based", maxConcurrency: 1, running: [], queued: ["plain:5"] },
    { name: "slow", type: "dag-based", maxConcurrency: 3, running: ["slow:1"], queued: ["slow:5"] },
    { name: "unl", type: "dag-based", maxConcurrency: "none", running: ["unl:1"], queued: [] },
  ],
  summary: { totalQueues: 5, totalRunning: 3, totalQueued: 3, totalCapacity: 10, utilizationPercentage: 30 },
};

const hasRef = existsSync(refTool);
const servers: { side: "ours" | "ref"; srv: ServerHandle; started: [string, string][] }[] = [];

async function post(api: string, path: string): Promise<string> {
  const r = await getJson(api, path, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
  expect(r.status).toBe(200);
  return (r.body as { dagRunId: string }).dagRunId;
}

async function queuesOnceRunning(api: string): Promise<QueuesBody> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const r = await getJson(api, "/queues");
    expect(r.status).toBe(200);
    const b = r.body as QueuesBody;
    if (b.summary["totalRunning"] === 3 || Date.now() > deadline) return b;
    await Bun.sleep(100);
  }
}

describe("GET /queues", () => {
  beforeAll(async () => {
    for (const side of hasRef ? (["ours", "ref"] as const) : (["ours"] as const)) {
      const srv = await startServer({ ref: side === "ref", command: "server", dags, files: { "config.yaml": config } });
      const started: [string, string][] = [];
      servers.push({ side, srv, started });
      for (const d of ["slow", "batched", "unl"]) started.push([d, await post(srv.api, `/dags/${d}/start`)]);
      for (const d of ["plain", "batched", "slow"]) await post(srv.api, `/dags/${d}/enqueue`);
    }
  }, 60_000);

  afterAll(async () => {
    writeFileSync(release, "");
    await Promise.all(servers.map(async ({ srv, started }) => Promise.all(started.map(([d, id]) => waitFinal(srv.api, d, id).catch(() => undefined)))));
    await Promise.all(servers.map(({ srv }) => srv.stop()));
    rmSync(flags, { recursive: true, force: true });
  }, 60_000);

  test("global queues even when empty; runs under their real queue; DAG-based capacity = maxActiveRuns", async () => {
    const ours = servers.find((s) => s.side === "ours") as (typeof servers)[number];
    const body = await queuesOnceRunning(ours.srv.api);
    expect(view(body)).toEqual(expected);
    // Global queues first (config order), then the others by name.
    expect(body.queues.map((q) => q.name)).toEqual(["batch", "empty", "plain", "slow", "unl"]);
    // The running run of `batch` is the one started directly, found by its heartbeat.
    const batch = body.queues[0];
    expect(batch?.running[0]?.dagRunId).toBe(ours.started.find(([d]) => d === "batched")?.[1] as string);
  }, 30_000);

  test.skipIf(!hasRef)("the reference Dagu 1.30.2 says the same, in the same shape", async () => {
    const [ours, ref] = await Promise.all(servers.map((s) => queuesOnceRunning(s.srv.api)));
    expect(view(ref as QueuesBody)).toEqual(expected);
    // Shapes compare first array items: the same queue on both sides (Dagu's order is random).
    const byName = (b: QueuesBody): QueuesBody => ({ ...b, queues: [...b.queues].sort((x, y) => (x.name < y.name ? -1 : 1)) });
    expect(shapeDiff(shapeOf(byName(ours as QueuesBody)) as Shape, shapeOf(byName(ref as QueuesBody)) as Shape)).toEqual([]);
  }, 30_000);
});
