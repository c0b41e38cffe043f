/**
 * @module server/run-actions
 * Start, retry, reschedule and stop runs for the API. Runs never execute in the server's
 * process: new runs go through runs/launch-run.ts (a detached `dagu start`), retries through
 * a detached `dagu retry`, and stops signal the run's owner (runs/stop-run.ts). A launch
 * returns once the run's folder exists, so the client can read it right away.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isFinal, RunStatus } from "../core/status.ts";
import { launchRun } from "../runs/launch-run.ts";
import { selfCommand } from "../runs/self-command.ts";
import { stopRun } from "../runs/stop-run.ts";
import type { ServerContext } from "./context.ts";
import { HttpError } from "./http-error.ts";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Params as the API takes them (Dagu: "in JSON format"): a JSON object becomes `K="v"` pairs,
 * a JSON array of strings its items; anything else is passed as written (`A=1 B=2`).
 */
export function paramsArg(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const s = raw.trim();
  if (s.startsWith("{") || s.startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(s);
    } catch {
      throw HttpError.badRequest("params: invalid JSON");
    }
    if (Array.isArray(parsed)) return parsed.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(" ");
    if (parsed && typeof parsed === "object") {
      return Object.entries(parsed as Record<string, unknown>)
        .map(([k, v]) => `${k}=${JSON.stringify(typeof v === "string" ? v : JSON.stringify(v))}`)
        .join(" ");
    }
  }
  return raw;
}

/** Whether a run of this DAG is running now (dead owners do not count). */
export function isRunning(ctx: ServerContext, dagName: string): boolean {
  const latest = ctx.runs.latest(dagName);
  return latest !== undefined && (latest.record.status === RunStatus.Running || latest.record.status === RunStatus.Queued);
}

/** Wait until the run's record exists (the child writes it within milliseconds). */
async function awaitRecord(ctx: ServerContext, dagName: string, runId: string, timeoutMs = 5000): Promise<void> {
  ctx.runs.invalidate(dagName);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const run = ctx.runs.findRun(dagName, runId);
    if (run && ctx.runs.read(run)) return;
    await sleep(15);
  }
}

export interface StartRequest {
  /** DAG file (absolute path). */
  readonly file: string;
  /** The DAG's name (where its runs are stored). */
  readonly dagName: string;
  readonly params?: string;
  readonly runId?: string;
  readonly nameOverride?: string;
  readonly singleton?: boolean;
}

export async function startRun(ctx: ServerContext, req: StartRequest): Promise<string> {
  const dagName = req.nameOverride || req.dagName;
  if (req.singleton && isRunning(ctx, dagName)) throw new HttpError(409, "already_exists", `DAG ${dagName} is already running (singleton mode)`);
  const runId = req.runId ?? Bun.randomUUIDv7();
  if (req.runId !== undefined && ctx.runs.findRun(dagName, req.runId)) throw HttpError.conflict(`dagRunId: a DAG-run with ID ${req.runId} already exists for DAG ${dagName}`);
  const params = paramsArg(req.params);
  launchRun({
    dag: req.file,
    runId,
    paths: ctx.paths,
    ...(params !== undefined ? { params } : {}),
    ...(req.nameOverride ? { extraArgs: ["--name", req.nameOverride] } : {}),
  });
  ctx.log("info", "DAG-run started", { dag: dagName, dagRunId: runId });
  await awaitRecord(ctx, dagName, runId);
  return runId;
}

/** Start a run of an inline spec: the spec is kept under the data folder as the run's DAG file. */
export async function startInline(ctx: ServerContext, spec: string, dagName: string, req: Omit<StartRequest, "file" | "dagName">): Promise<string> {
  const dir = join(ctx.paths.dataDir, "inline-dags");
  mkdirSync(dir, { recursive: true });
  const runId = req.runId ?? Bun.randomUUIDv7();
  const file = join(dir, `${dagName}.${runId}.yaml`);
  writeFileSync(file, spec);
  return startRun(ctx, { ...req, file, dagName, runId, nameOverride: dagName });
}

export interface EnqueueRequest extends StartRequest {
  readonly queue?: string;
}

/**
 * Put a run on its queue: `dagu enqueue` (a short child process that records the queued run
 * and writes the queue item; the scheduler's queue consumer starts it later).
 */
export async function enqueue(ctx: ServerContext, req: EnqueueRequest): Promise<string> {
  const dagName = req.nameOverride || req.dagName;
  if (req.singleton && isRunning(ctx, dagName)) throw new HttpError(409, "already_exists", `DAG ${dagName} is already running or queued (singleton mode)`);
  const runId = req.runId ?? Bun.randomUUIDv7();
  if (req.runId !== undefined && ctx.runs.findRun(dagName, req.runId)) throw HttpError.conflict(`dagRunId: a DAG-run with ID ${req.runId} already exists for DAG ${dagName}`);
  const params = paramsArg(req.params);
  const argv = [
    ...selfCommand(),
    "enqueue",
    "-q",
    `--run-id=${runId}`,
    ...(params !== undefined ? ["-p", params] : []),
    ...(req.nameOverride ? ["--name", req.nameOverride] : []),
    ...(req.queue ? ["--queue", req.queue] : []),
    req.file,
  ];
  const env = { ...process.env, ...(ctx.paths.unifiedHome ? { DAGU_HOME: ctx.paths.unifiedHome } : {}) };
  const proc = Bun.spawn(argv, { env, stdin: "ignore", stdout: "ignore", stderr: "pipe" });
  const [code, err] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
  if (code !== 0) throw HttpError.badRequest(err.trim().split("\n").at(-1) || `enqueue failed (exit ${code})`);
  ctx.runs.invalidate(dagName);
  ctx.log("info", "DAG-run enqueued", { dag: dagName, dagRunId: runId });
  return runId;
}

/** A new attempt of a finished run, same id (`dagu retry`), detached from the server. */
export async function retryRun(ctx: ServerContext, dagArg: string, dagName: string, runId: string, stepName?: string): Promise<void> {
  const run = ctx.runs.findRun(dagName, runId);
  const read = run ? ctx.runs.read(run) : undefined;
  if (!run || !read) throw HttpError.notFound(`dag-run ID ${runId} not found for DAG ${dagName}`);
  if (!read.dead && !isFinal(read.record.status) && read.record.status !== RunStatus.NotStarted)
    throw new HttpError(400, "bad_request", `dagRunId: DAG-run ${runId} is still ${read.record.status === RunStatus.Queued ? "queued" : "running"}`);
  if (stepName !== undefined && !read.record.nodes.some((n) => n.step.name === stepName)) throw HttpError.badRequest(`stepName: step ${stepName} is not part of DAG-run ${runId}`);
  const argv = [...selfCommand(), "retry", "-q", `--run-id=${runId}`, ...(stepName ? [`--step=${stepName}`] : []), dagArg];
  const env = { ...process.env, ...(ctx.paths.unifiedHome ? { DAGU_HOME: ctx.paths.unifiedHome } : {}) };
  const proc = Bun.spawn(argv, { env, stdin: "ignore", stdout: "ignore", stderr: "ignore", detached: true });
  proc.unref();
  const before = read.attemptDir;
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const now = ctx.runs.read(run);
    if (now && now.attemptDir !== before) return;
    await sleep(15);
  }
}

/** Stop a running run and wait for its final record (at most `waitMs`). */
export async function stopOne(ctx: ServerContext, dagName: string, runId: string, waitMs = 15_000): Promise<void> {
  const run = ctx.runs.findRun(dagName, runId);
  if (!run || !ctx.runs.read(run)) throw HttpError.notFound(`dag-run ID ${runId} not found for DAG ${dagName}`);
  const r = await stopRun(ctx.store, dagName, { procDir: ctx.paths.procDir, runId, waitMs });
  if (r.kind === "not-running") throw new HttpError(400, "not_running", "DAG is not running");
}

/** The file to hand `dagu retry`: the DAG's file when the catalog has one, else its name. */
export function dagArgFor(ctx: ServerContext, dagName: string): string {
  try {
    const direct = ctx.dags.get(dagName);
    if (direct && direct.name === dagName) return direct.path;
  } catch {
    // A name the catalog cannot address as a file name.
  }
  const hit = ctx.dags.all().find((e) => e.name === dagName);
  if (hit) return hit.path;
  const p = join(ctx.dags.dagsDir, `${dagName}.yaml`);
  return existsSync(p) ? p : dagName;
}
