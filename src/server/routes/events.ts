/**
 * @module server/routes/events
 * Live updates over server-sent events, driven by file-system events, never by re-reading
 * history:
 * - `/events/dag-runs`: status changes of runs: started, queued, dequeued, progressing,
 *   finished. The heartbeat folder (`data/proc`) and the queue folder say when runs come and
 *   go; each live run's folder is watched while it runs.
 * - `/events/dag-runs/{name}/{dagRunId}`: one run's details on every change, ending when
 *   the run is final.
 * - `/events/dag-runs/{name}/{dagRunId}/steps/{stepName}/log` and `…/log`: new log lines
 *   as they are written (a tail), ending when the run is final and the log fully sent.
 * A comment line every 15 s keeps proxies from closing an idle stream.
 */
import { closeSync, type FSWatcher, mkdirSync, openSync, readSync, statSync, watch } from "node:fs";
import { basename, dirname } from "node:path";
import { Elysia, sse, t } from "elysia";
import type { RunRecord } from "../../core/run-record.ts";
import { isFinal } from "../../core/status.ts";
import type { ServerContext } from "../context.ts";
import { HttpError } from "../http-error.ts";
import * as S from "../schemas.ts";
import { toRunDetails, toRunSummary } from "../transform.ts";
import { type ResolvedRun, resolveRun } from "./dag-runs.ts";

const keepAliveMs = 15_000;

/** Coalescing wake-up: any number of notifications before `wait` resolve it once. */
class Signal {
  private pending = false;
  private waiter: (() => void) | undefined;
  notify = (): void => {
    this.pending = true;
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  };
  /** Resolves true on a notification, false on timeout or abort. */
  wait(ms: number, abort: AbortSignal): Promise<boolean> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const done = (v: boolean): void => {
        clearTimeout(timer);
        abort.removeEventListener("abort", onAbort);
        this.waiter = undefined;
        this.pending = false;
        resolve(v);
      };
      const onAbort = (): void => done(false);
      const timer = setTimeout(() => done(false), ms);
      abort.addEventListener("abort", onAbort);
      this.waiter = () => done(true);
    });
  }
}

function safeWatch(path: string, recursive: boolean, onEvent: (file: string | null) => void): FSWatcher | undefined {
  try {
    return watch(path, { recursive }, (_ev, f) => onEvent(typeof f === "string" ? f : null));
  } catch {
    return undefined;
  }
}

/** Bytes appended to a file since `offset`, cut at the last complete line unless `flush`. */
function readNew(path: string, offset: number, flush: boolean): { text: string; next: number } {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return { text: "", next: offset };
  }
  if (size < offset) offset = 0; // truncated or replaced
  if (size === offset) return { text: "", next: offset };
  const fd = openSync(path, "r");
  try {
    const len = Math.min(size - offset, 4 * 1024 * 1024);
    const buf = Buffer.alloc(len);
    const n = readSync(fd, buf, 0, len, offset);
    let chunk = buf.subarray(0, n);
    if (!flush) {
      const nl = chunk.lastIndexOf(0x0a);
      if (nl < 0) return { text: "", next: offset };
      chunk = chunk.subarray(0, nl + 1);
    }
    return { text: chunk.toString("utf8"), next: offset + chunk.length };
  } finally {
    closeSync(fd);
  }
}

export function eventRoutes(ctx: ServerContext) {
  const runParams = t.Object({ name: S.fileNameParam, dagRunId: S.DagRunId });
  const sseResponse = { "200": { description: "text/event-stream", content: { "text/event-stream": { schema: t.String() } } } };

  /*
   * Each stream is split in two: a plain function finds the run (and step) and throws a 404
   * HttpError while a JSON answer is still possible; the generator it returns is the stream.
   * (An error thrown inside a generator reaches the client as a 500 page.)
   */

  /** Status changes of one run until it is final. */
  function runStream(name: string, dagRunId: string, signal: AbortSignal) {
    return runEvents(resolveRun(ctx, name, dagRunId), signal);
  }

  async function* runEvents(first: ResolvedRun, signal: AbortSignal) {
    const wake = new Signal();
    const watcher = safeWatch(first.run.runDir, true, wake.notify);
    try {
      let last = "";
      let record: RunRecord | undefined = first.record;
      for (;;) {
        if (record) {
          const json = JSON.stringify(toRunDetails(record));
          if (json !== last) {
            last = json;
            yield sse({ event: "status", data: json });
          }
          if (isFinal(record.status)) return;
        }
        const woke = await wake.wait(keepAliveMs, signal);
        if (signal.aborted) return;
        if (!woke) yield sse({ event: "ping", data: "{}" });
        record = ctx.runs.read(first.run)?.record;
      }
    } finally {
      watcher?.close();
    }
  }

  /** A log file's new lines, from its start, until the run is final and the file fully sent. */
  function logStream(name: string, dagRunId: string, pick: (r: RunRecord) => string, signal: AbortSignal) {
    const first = resolveRun(ctx, name, dagRunId);
    pick(first.record); // 404 for an unknown step
    return logEvents(first, pick, signal);
  }

  async function* logEvents(first: ResolvedRun, pick: (r: RunRecord) => string, signal: AbortSignal) {
    yield sse({ event: "ready", data: "{}" });
    const wake = new Signal();
    const runWatcher = safeWatch(first.run.runDir, true, wake.notify);
    let fileWatcher: FSWatcher | undefined;
    let watchedDir = "";
    try {
      let offset = 0;
      let file = "";
      for (;;) {
        const rec = ctx.runs.read(first.run)?.record;
        const done = rec === undefined || isFinal(rec.status);
        if (rec) file = pick(rec) || file;
        if (file !== "" && dirname(file) !== watchedDir) {
          fileWatcher?.close();
          watchedDir = dirname(file);
          const base = basename(file);
          mkdirSync(watchedDir, { recursive: true });
          fileWatcher = safeWatch(watchedDir, false, (f) => {
            if (f === null || f === base) wake.notify();
          });
        }
        if (file !== "") {
          const { text, next } = readNew(file, offset, done);
          offset = next;
          if (text !== "") yield sse({ event: "log", data: JSON.stringify({ content: text.replace(/\n$/, ""), offset }) });
        }
        if (done && (file === "" || readNew(file, offset, true).text === "")) {
          yield sse({ event: "end", data: JSON.stringify({ status: rec?.status ?? 0 }) });
          return;
        }
        const woke = await wake.wait(keepAliveMs, signal);
        if (signal.aborted) return;
        if (!woke) yield sse({ event: "ping", data: "{}" });
      }
    } finally {
      fileWatcher?.close();
      runWatcher?.close();
    }
  }

  /**
   * Status changes of every running run. Heartbeat files (`data/proc`) and the queue folder
   * say when a run starts, is queued or leaves a queue; each live run's folder is watched
   * while it runs. A heartbeat or queue entry can appear a moment before the run's first
   * record, so such a wake-up is followed by a few quick re-reads.
   */
  async function* allRuns(signal: AbortSignal) {
    const wake = new Signal();
    let burst = 0;
    const onNewRun = (): void => {
      burst = 5;
      wake.notify();
    };
    mkdirSync(ctx.paths.procDir, { recursive: true });
    mkdirSync(ctx.paths.queueDir, { recursive: true });
    const procWatcher = safeWatch(ctx.paths.procDir, true, onNewRun);
    const queueWatcher = safeWatch(ctx.paths.queueDir, true, onNewRun);
    const runWatchers = new Map<string, FSWatcher | undefined>();
    let sent = new Map<string, string>();
    try {
      // Sent at once, so the client has the response (headers) before the first change.
      yield sse({ event: "ready", data: "{}" });
      let initial = true;
      for (;;) {
        // Today's newest runs: the candidates for a change. Finished runs known at connect
        // time are not replayed; anything new or changed since is.
        const rows = ctx.runs.list({ limit: 200 });
        const live = new Set<string>();
        const seen = new Map<string, string>();
        for (const { run, record } of rows) {
          const key = `${record.name}/${record.dagRunId}`;
          const json = JSON.stringify(toRunSummary(record));
          seen.set(key, json);
          if (sent.get(key) !== json && (!initial || !isFinal(record.status))) yield sse({ event: "run", data: json });
          if (!isFinal(record.status)) {
            live.add(run.runDir);
            if (!runWatchers.has(run.runDir)) runWatchers.set(run.runDir, safeWatch(run.runDir, true, wake.notify));
          }
        }
        for (const [dir, w] of runWatchers) {
          if (live.has(dir)) continue;
          w?.close();
          runWatchers.delete(dir);
        }
        sent = seen;
        initial = false;
        const quick = burst > 0;
        if (quick) burst--;
        const woke = await wake.wait(quick ? 100 : keepAliveMs, signal);
        if (signal.aborted) return;
        if (!woke && !quick) yield sse({ event: "ping", data: "{}" });
      }
    } finally {
      procWatcher?.close();
      queueWatcher?.close();
      for (const w of runWatchers.values()) w?.close();
    }
  }

  return new Elysia({ name: "events" })
    .get("/events/dag-runs", ({ request }) => allRuns(request.signal), { detail: { operationId: "watchDAGRuns", tags: ["events"], responses: sseResponse } })
    .get("/events/dag-runs/:name/:dagRunId", ({ params, request }) => runStream(params.name, params.dagRunId, request.signal), {
      params: runParams,
      detail: { operationId: "watchDAGRun", tags: ["events"], responses: sseResponse },
    })
    .get("/events/dag-runs/:name/:dagRunId/log", ({ params, request }) => logStream(params.name, params.dagRunId, (r) => r.log, request.signal), {
      params: runParams,
      detail: { operationId: "watchDAGRunLog", tags: ["events"], responses: sseResponse },
    })
    .get(
      "/events/dag-runs/:name/:dagRunId/steps/:stepName/log",
      ({ params, query, request }) =>
        logStream(
          params.name,
          params.dagRunId,
          (r) => {
            const n = [...r.nodes, r.onExit, r.onSuccess, r.onFailure, r.onCancel].find((x) => x?.step.name === params.stepName);
            if (!n) throw HttpError.notFound(`step ${params.stepName} not found in DAG ${r.name}`);
            return query.stream === "stderr" ? n.stderr : n.stdout;
          },
          request.signal,
        ),
      {
        params: t.Object({ name: S.fileNameParam, dagRunId: S.DagRunId, stepName: t.String({ minLength: 1, maxLength: 255 }) }),
        query: t.Object({ stream: t.Optional(t.Union([t.Literal("stdout"), t.Literal("stderr")])) }),
        detail: { operationId: "watchDAGRunStepLog", tags: ["events"], responses: sseResponse },
      },
    );
}
