/**
 * @module server/routes/dag-runs
 * `/dag-runs…`: list (status, date range, name, id filters), inline-spec runs, details (or
 * `latest`), spec, run and step logs (head/tail/offset/limit), outputs, sub-DAG runs, retry,
 * reschedule and stop — Dagu 1.30's paths, params and shapes.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Elysia, t } from "elysia";
import type { NodeRecord, RunRecord } from "../../core/run-record.ts";
import { runStatusName } from "../../core/status.ts";
import { childRunDir } from "../../store/run-layout.ts";
import type { StoredRun } from "../../store/run-store.ts";
import type { ServerContext } from "../context.ts";
import { checkFileName, specError } from "../dag-catalog.ts";
import { HttpError } from "../http-error.ts";
import { readLog } from "../log-reader.ts";
import { dequeueRun } from "../../runs/dequeue-run.ts";
import { queueNameOf } from "../../runs/enqueue-run.ts";
import { readStoredDag } from "../../runs/stored-dag.ts";
import { FileQueueStore } from "../../store/file-queue-store.ts";
import { dagArgFor, enqueue, paramsArg, retryRun, startInline, startRun, stopOne } from "../run-actions.ts";
import * as S from "../schemas.ts";
import { cachedSummary, type JsonObject, listMaxAgeMs, toRunDetails } from "../transform.ts";

export interface ResolvedRun {
  readonly run: StoredRun;
  readonly record: RunRecord;
  readonly attemptDir: string;
}

/** A run by DAG name and id (`latest` = the newest), or 404 in Dagu's words. */
export function resolveRun(ctx: ServerContext, name: string, dagRunId: string): ResolvedRun {
  checkFileName(name, "name");
  if (dagRunId === "latest") {
    const l = ctx.runs.latest(name);
    if (l) return l;
  } else {
    const run = ctx.runs.findRun(name, dagRunId);
    const r = run ? ctx.runs.read(run) : undefined;
    if (run && r) return { run, record: r.record, attemptDir: r.attemptDir };
  }
  throw HttpError.notFound(`dag-run ID ${dagRunId} not found for DAG ${name}`);
}

/** A sub-DAG run stored under its root run. */
export function resolveSubRun(ctx: ServerContext, root: ResolvedRun, subId: string): ResolvedRun {
  if (!/^[A-Za-z0-9_-]+$/.test(subId)) throw HttpError.badRequest("subDAGRunId: must only contain alphanumeric characters, dashes and underscores");
  const run: StoredRun = { dagName: root.run.dagName, runId: subId, runDir: childRunDir(root.run.runDir, subId), createdAt: root.run.createdAt };
  const record = ctx.store.readLatest(run);
  const attemptDir = ctx.store.latestAttemptDir(run);
  if (!record || !attemptDir) throw HttpError.notFound(`sub dag-run ID ${subId} not found under DAG-run ${root.record.dagRunId}`);
  return { run, record, attemptDir };
}

function allNodes(r: RunRecord): NodeRecord[] {
  return [...r.nodes, ...[r.onInit, r.onExit, r.onSuccess, r.onFailure, r.onCancel, r.onWait].filter((n): n is NodeRecord => n !== undefined)];
}

function stepLog(r: ResolvedRun, stepName: string, q: { stream?: "stdout" | "stderr"; head?: number; tail?: number; offset?: number; limit?: number }): JsonObject {
  const node = allNodes(r.record).find((n) => n.step.name === stepName);
  if (!node) throw HttpError.notFound(`step ${stepName} not found in DAG ${r.record.name}`);
  const file = q.stream === "stderr" ? node.stderr : node.stdout;
  if (!file) return { content: "" };
  return { ...readLog(file, q) };
}

function outputsOf(r: ResolvedRun): JsonObject {
  try {
    const parsed = JSON.parse(readFileSync(join(r.attemptDir, "outputs.json"), "utf8")) as JsonObject;
    if (parsed && typeof parsed === "object" && "outputs" in parsed) return parsed;
  } catch {
    // No outputs.json (no step captured output, or an older run): built from the record.
  }
  const outputs: JsonObject = {};
  for (const n of r.record.nodes) {
    for (const [k, v] of Object.entries(n.outputVariables ?? {})) {
      if (k.startsWith("DAGU_")) continue;
      const eq = v.indexOf("=");
      outputs[k] = eq >= 0 ? v.slice(eq + 1) : v;
    }
  }
  return {
    metadata: {
      dagName: r.record.name,
      dagRunId: r.record.dagRunId,
      attemptId: r.record.attemptId,
      status: runStatusName(r.record.status),
      completedAt: r.record.finishedAt,
      ...(r.record.paramsList ? { params: JSON.stringify(r.record.paramsList) } : {}),
    },
    outputs,
  };
}

function subRunsOf(ctx: ServerContext, root: ResolvedRun, parent: RunRecord): JsonObject[] {
  const out: JsonObject[] = [];
  for (const n of allNodes(parent)) {
    for (const c of n.children ?? []) {
      let child: RunRecord | undefined;
      try {
        child = resolveSubRun(ctx, root, c.dagRunId).record;
      } catch {
        child = undefined;
      }
      const o: JsonObject = {
        dagRunId: c.dagRunId,
        status: child?.status ?? 0,
        statusLabel: runStatusName(child?.status ?? 0),
        startedAt: child?.startedAt ?? "",
      };
      if (c.params) o["params"] = c.params;
      if (child?.finishedAt) o["finishedAt"] = child.finishedAt;
      out.push(o);
    }
  }
  return out;
}

/** The DAG source of a run: the file it was loaded from, when still readable. */
function specOf(ctx: ServerContext, r: ResolvedRun): string {
  let location = "";
  try {
    const dag = JSON.parse(readFileSync(join(r.attemptDir, "dag.json"), "utf8")) as { location?: unknown; yamlData?: unknown };
    if (typeof dag.yamlData === "string") return dag.yamlData;
    if (typeof dag.location === "string") location = dag.location;
  } catch {
    // No dag.json: fall back to the catalog.
  }
  for (const path of [location, dagArgFor(ctx, r.record.name)]) {
    if (!path) continue;
    try {
      return readFileSync(path, "utf8");
    } catch {
      // Try the next source.
    }
  }
  throw HttpError.notFound(`the spec of DAG-run ${r.record.dagRunId} is not available`);
}

const runParams = t.Object({ name: S.fileNameParam, dagRunId: S.DagRunId });
const subParams = t.Object({ name: S.fileNameParam, dagRunId: S.DagRunId, subDAGRunId: t.String({ maxLength: 128 }) });
const stepParams = t.Object({ name: S.fileNameParam, dagRunId: S.DagRunId, stepName: t.String({ minLength: 1, maxLength: 255 }) });
const subStepParams = t.Object({ name: S.fileNameParam, dagRunId: S.DagRunId, subDAGRunId: t.String({ maxLength: 128 }), stepName: t.String({ minLength: 1, maxLength: 255 }) });

function listRuns(ctx: ServerContext, q: { status?: number; fromDate?: number; toDate?: number; dagRunId?: string; name?: string; limit?: number }, exactName?: string): { dagRuns: JsonObject[] } {
  const rows = ctx.runs.list({
    ...(exactName !== undefined ? { exactName } : q.name !== undefined && q.name !== "" ? { nameContains: q.name } : {}),
    ...(q.status !== undefined ? { status: q.status } : {}),
    ...(q.fromDate !== undefined ? { fromMs: q.fromDate * 1000 } : {}),
    ...(q.toDate !== undefined ? { toMs: q.toDate * 1000 } : {}),
    ...(q.dagRunId ? { runIdContains: q.dagRunId } : {}),
    limit: q.limit ?? 1000,
    maxAgeMs: listMaxAgeMs,
  });
  return { dagRuns: rows.map((r) => cachedSummary(r.record)) };
}

/** Check an inline spec sent with a run request; its DAG name comes from `name` or the spec. */
function inlineDagName(ctx: ServerContext, spec: string, name: string | undefined): string {
  const nameHint = name ? checkFileName(name, "name") : undefined;
  const { dag, issues } = ctx.dags.parse(spec, join(ctx.paths.dataDir, "inline.yaml"), nameHint);
  if (!dag) throw specError(issues);
  const dagName = nameHint ?? (dag.name && dag.name !== "inline" ? checkFileName(dag.name, "spec.name") : undefined);
  if (!dagName) throw HttpError.badRequest("name: required when the spec has no name");
  return dagName;
}

export function dagRunRoutes(ctx: ServerContext) {
  const listResponse = S.responses(t.Object({ dagRuns: t.Array(S.RunSummary) }));
  return new Elysia({ name: "dag-runs" })
    .get("/dag-runs", ({ query }) => listRuns(ctx, query), { query: S.runListQuery, detail: { operationId: "listDAGRuns", tags: ["dag-runs"], responses: listResponse } })
    .post(
      "/dag-runs",
      async ({ body }) => {
        const dagName = inlineDagName(ctx, body.spec, body.name);
        if (body.params !== undefined) paramsArg(body.params);
        const dagRunId = await startInline(ctx, body.spec, dagName, {
          ...(body.params !== undefined ? { params: body.params } : {}),
          ...(body.dagRunId !== undefined ? { runId: body.dagRunId } : {}),
          ...(body.singleton ? { singleton: true } : {}),
        });
        return { dagRunId };
      },
      {
        body: t.Object({
          spec: t.String({ minLength: 1 }),
          name: t.Optional(t.String({ maxLength: 255 })),
          params: t.Optional(t.String({ maxLength: 65536 })),
          dagRunId: t.Optional(S.DagRunId),
          singleton: t.Optional(t.Boolean()),
        }),
        detail: { operationId: "executeDAGRunFromSpec", tags: ["dag-runs"], responses: S.responses(t.Object({ dagRunId: t.String() }), 200, [400, 409]) },
      },
    )
    .get("/dag-runs/:name", ({ params, query }) => listRuns(ctx, query, checkFileName(params.name, "name")), {
      params: t.Object({ name: S.fileNameParam }),
      query: S.runListQuery,
      detail: { operationId: "listDAGRunsByName", tags: ["dag-runs"], responses: listResponse },
    })
    .get("/dag-runs/:name/:dagRunId", ({ params }) => ({ dagRunDetails: toRunDetails(resolveRun(ctx, params.name, params.dagRunId).record) }), {
      params: runParams,
      detail: { operationId: "getDAGRunDetails", tags: ["dag-runs"], responses: S.responses(t.Object({ dagRunDetails: S.RunDetails }), 200, [404]) },
    })
    .get("/dag-runs/:name/:dagRunId/spec", ({ params }) => ({ spec: specOf(ctx, resolveRun(ctx, params.name, params.dagRunId)) }), {
      params: runParams,
      detail: { operationId: "getDAGRunSpec", tags: ["dag-runs"], responses: S.responses(t.Object({ spec: t.String() }), 200, [404]) },
    })
    .get("/dag-runs/:name/:dagRunId/log", ({ params, query }) => ({ ...readLog(resolveRun(ctx, params.name, params.dagRunId).record.log, query) }), {
      params: runParams,
      query: S.logQuery,
      detail: { operationId: "getDAGRunLog", tags: ["dag-runs"], responses: S.responses(S.LogBody, 200, [404]) },
    })
    .get("/dag-runs/:name/:dagRunId/steps/:stepName/log", ({ params, query }) => stepLog(resolveRun(ctx, params.name, params.dagRunId), params.stepName, query), {
      params: stepParams,
      query: S.logQuery,
      detail: { operationId: "getDAGRunStepLog", tags: ["dag-runs"], responses: S.responses(S.LogBody, 200, [404]) },
    })
    .get("/dag-runs/:name/:dagRunId/outputs", ({ params }) => outputsOf(resolveRun(ctx, params.name, params.dagRunId)), {
      params: runParams,
      detail: {
        operationId: "getDAGRunOutputs",
        tags: ["dag-runs"],
        responses: S.responses(
          t.Object({
            metadata: t.Object({ dagName: t.String(), dagRunId: t.String(), attemptId: t.String(), status: t.String(), completedAt: t.String(), params: t.Optional(t.String()) }),
            outputs: t.Record(t.String(), t.String()),
          }),
          200,
          [404],
        ),
      },
    })
    .get(
      "/dag-runs/:name/:dagRunId/sub-dag-runs",
      ({ params, query }) => {
        const root = resolveRun(ctx, params.name, params.dagRunId);
        const parent = query.parentSubDAGRunId ? resolveSubRun(ctx, root, query.parentSubDAGRunId).record : root.record;
        return { subRuns: subRunsOf(ctx, root, parent) };
      },
      {
        params: runParams,
        query: t.Object({ parentSubDAGRunId: t.Optional(t.String({ maxLength: 128 })), remoteNode: t.Optional(t.String()) }),
        detail: { operationId: "getSubDAGRuns", tags: ["dag-runs"], responses: S.responses(t.Object({ subRuns: t.Array(S.SubRunDetail) }), 200, [404]) },
      },
    )
    .get(
      "/dag-runs/:name/:dagRunId/sub-dag-runs/:subDAGRunId",
      ({ params }) => ({ dagRunDetails: toRunDetails(resolveSubRun(ctx, resolveRun(ctx, params.name, params.dagRunId), params.subDAGRunId).record) }),
      { params: subParams, detail: { operationId: "getSubDAGRunDetails", tags: ["dag-runs"], responses: S.responses(t.Object({ dagRunDetails: S.RunDetails }), 200, [404]) } },
    )
    .get(
      "/dag-runs/:name/:dagRunId/sub-dag-runs/:subDAGRunId/log",
      ({ params, query }) => ({ ...readLog(resolveSubRun(ctx, resolveRun(ctx, params.name, params.dagRunId), params.subDAGRunId).record.log, query) }),
      { params: subParams, query: S.logQuery, detail: { operationId: "getSubDAGRunLog", tags: ["dag-runs"], responses: S.responses(S.LogBody, 200, [404]) } },
    )
    .get(
      "/dag-runs/:name/:dagRunId/sub-dag-runs/:subDAGRunId/steps/:stepName/log",
      ({ params, query }) => stepLog(resolveSubRun(ctx, resolveRun(ctx, params.name, params.dagRunId), params.subDAGRunId), params.stepName, query),
      { params: subStepParams, query: S.logQuery, detail: { operationId: "getSubDAGRunStepLog", tags: ["dag-runs"], responses: S.responses(S.LogBody, 200, [404]) } },
    )
    .post(
      "/dag-runs/:name/:dagRunId/retry",
      async ({ params, body }) => {
        const r = resolveRun(ctx, params.name, params.dagRunId);
        const runId = body.dagRunId || r.record.dagRunId;
        if (runId !== r.record.dagRunId) throw HttpError.badRequest(`dagRunId: ${runId} does not match the DAG-run in the path (${r.record.dagRunId})`);
        await retryRun(ctx, dagArgFor(ctx, params.name), params.name, runId, body.stepName);
        return "";
      },
      {
        params: runParams,
        body: t.Object({ dagRunId: S.DagRunId, stepName: t.Optional(t.String({ maxLength: 255 })) }),
        detail: { operationId: "retryDAGRun", tags: ["dag-runs"], responses: S.responses(undefined, 200, [400, 404]) },
      },
    )
    .post(
      "/dag-runs/:name/:dagRunId/reschedule",
      async ({ params, body }) => {
        const r = resolveRun(ctx, params.name, params.dagRunId);
        const file = dagArgFor(ctx, params.name);
        const dagRunId = await startRun(ctx, {
          file,
          dagName: params.name,
          ...(r.record.params ? { params: r.record.params } : {}),
          ...(body?.dagRunId ? { runId: body.dagRunId } : {}),
          ...(body?.dagName ? { nameOverride: checkFileName(body.dagName, "dagName") } : {}),
        });
        return { dagRunId, queued: false };
      },
      {
        params: runParams,
        body: t.Optional(t.Object({ dagRunId: t.Optional(S.DagRunId), dagName: t.Optional(t.String({ maxLength: 255 })) })),
        detail: { operationId: "rescheduleDAGRun", tags: ["dag-runs"], responses: S.responses(t.Object({ dagRunId: t.String(), queued: t.Boolean() }), 200, [400, 404, 409]) },
      },
    )
    .post(
      "/dag-runs/enqueue",
      async ({ body }) => {
        const dagName = inlineDagName(ctx, body.spec, body.name);
        const dir = join(ctx.paths.dataDir, "inline-dags");
        mkdirSync(dir, { recursive: true });
        const runId = body.dagRunId ?? Bun.randomUUIDv7();
        const file = join(dir, `${dagName}.${runId}.yaml`);
        writeFileSync(file, body.spec);
        const dagRunId = await enqueue(ctx, {
          file,
          dagName,
          nameOverride: dagName,
          runId,
          ...(body.params !== undefined ? { params: body.params } : {}),
          ...(body.queue ? { queue: checkFileName(body.queue, "queue") } : {}),
        });
        return { dagRunId };
      },
      {
        body: t.Object({
          spec: t.String({ minLength: 1 }),
          name: t.Optional(t.String({ maxLength: 255 })),
          params: t.Optional(t.String({ maxLength: 65536 })),
          dagRunId: t.Optional(S.DagRunId),
          queue: t.Optional(t.String({ maxLength: 255 })),
        }),
        detail: { operationId: "enqueueDAGRunFromSpec", tags: ["dag-runs"], responses: S.responses(t.Object({ dagRunId: t.String() }), 200, [400, 409]) },
      },
    )
    .get(
      "/dag-runs/:name/:dagRunId/dequeue",
      ({ params }) => {
        const r = resolveRun(ctx, params.name, params.dagRunId);
        if (r.record.status !== 5) throw HttpError.badRequest(`dagRunId: DAG-run ${r.record.dagRunId} is not queued`);
        const stored = readStoredDag(r.attemptDir);
        const queue = stored ? queueNameOf(stored) : params.name;
        try {
          dequeueRun(ctx.store, new FileQueueStore(ctx.paths.queueDir), queue, { name: r.record.name, id: r.record.dagRunId });
        } catch (e) {
          throw HttpError.notFound((e as Error).message);
        }
        ctx.runs.invalidate(params.name);
        return "";
      },
      { params: runParams, detail: { operationId: "dequeueDAGRun", tags: ["dag-runs"], responses: S.responses(undefined, 200, [400, 404]) } },
    )
    .post(
      "/dag-runs/:name/:dagRunId/stop",
      async ({ params }) => {
        const r = resolveRun(ctx, params.name, params.dagRunId);
        await stopOne(ctx, params.name, r.record.dagRunId);
        return "";
      },
      { params: runParams, detail: { operationId: "terminateDAGRun", tags: ["dag-runs"], responses: S.responses(undefined, 200, [400, 404]) } },
    );
}
