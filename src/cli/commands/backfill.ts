/**
 * @module cli/commands/backfill
 * `dagu backfill <dag> --from <time> --to <time> [--dry-run] [--concurrency N] [-p params]`
 * (not in Dagu): run a DAG once for every time its start schedule fires in [from, to], in
 * time order, each as its own `dagu start` process.
 *
 * - Each run gets `DAG_RUN_SCHEDULED_AT` (the scheduled time, ISO 8601 UTC, e.g.
 *   `2024-01-01T10:00:00Z`) in its environment, so steps can work on "their" interval.
 * - Run ids are deterministic: `backfill-<YYYYMMDDHHMMSS>` (UTC). A time whose backfill run
 *   already exists (any status) is skipped, so re-running a backfill never duplicates runs;
 *   retry a failed one with `dagu retry`.
 * - `--from`/`--to` take ISO 8601 with an offset (`2024-01-01T00:00:00Z`), or a wall time
 *   without one (`2024-01-01`, `2024-01-01T10:30`), read in `DAGU_TZ` if set, else local.
 * - Fire times use the same zones and DST rules as the scheduler (scheduler/cron-times).
 * - `--concurrency N` (default 1) runs up to N at once; runs still start in time order.
 * - Prints one line per time and a summary; exits 1 if any run failed.
 * On SIGINT/SIGTERM no further run starts; runs already started finish on their own.
 */
import { DaguError, UsageError } from "../../core/errors.ts";
import { RunStatus, runStatusName } from "../../core/status.ts";
import { runToCompletion } from "../../runs/launch-run.ts";
import { cronTimes, type ZoneDefaults } from "../../scheduler/cron-times.ts";
import { utcStamp } from "../../scheduler/schedule-planner.ts";
import { loadDag } from "../../spec/loader.ts";
import { defineCommand, globalFlags } from "../command.ts";
import { paramsFlag } from "../common-flags.ts";
import { cliRunContext } from "../run-context.ts";

/** Environment variable carrying a backfill run's scheduled time. */
export const scheduledAtEnv = "DAG_RUN_SCHEDULED_AT";
/** A backfill covering more times than this is refused (narrow the range). */
export const maxBackfillRuns = 10_000;

const description = `Run a DAG once for every time its schedule fires between --from and --to (inclusive).

Each run gets the scheduled time in DAG_RUN_SCHEDULED_AT (ISO 8601, UTC) and the run ID
backfill-<YYYYMMDDHHMMSS> (UTC). Times whose backfill run already exists are skipped, so a
backfill can be re-run safely. Times without an offset are read in DAGU_TZ, else local time.

Examples:
  dagu backfill my_dag --from 2024-01-01 --to 2024-01-31T23:59
  dagu backfill my_dag --from 2024-01-01T00:00:00Z --to 2024-01-02T00:00:00Z --dry-run
  dagu backfill my_dag --from 2024-01-01 --to 2024-02-01 --concurrency 4`;

/** Offset of `zone` from UTC at instant `t`, in ms. */
function zoneOffset(t: number, zone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(t));
  const n = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? "0");
  return Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second")) - Math.floor(t / 1000) * 1000;
}

/** Parse a --from/--to value to epoch ms. Exported for tests. */
export function parseTimeArg(text: string, zone: string | undefined): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!m) throw new UsageError(`invalid time "${text}": use ISO 8601, e.g. 2024-01-01, 2024-01-01T10:00 or 2024-01-01T10:00:00Z`);
  const [, y, mo, d, h = "0", mi = "0", s = "0", off] = m;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(wall)) throw new UsageError(`invalid time "${text}"`);
  if (off !== undefined) {
    if (off === "Z") return wall;
    const sign = off.startsWith("-") ? -1 : 1;
    const digits = off.slice(1).replace(":", "");
    return wall - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  if (zone === undefined) return new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)).getTime();
  // Wall time in `zone`: subtract the offset, then correct once for a DST change in between.
  let t = wall - zoneOffset(wall, zone);
  t = wall - zoneOffset(t, zone);
  return t;
}

/** Scheduled times of all start entries in [from, to], merged and ascending. */
export function backfillTimes(entries: Parameters<typeof cronTimes>[0][], zones: ZoneDefaults, from: number, to: number, limit: number): number[] {
  const all = new Set<number>();
  for (const e of entries) for (const t of cronTimes(e, zones).between(from - 1, to, limit + 1)) all.add(t);
  return [...all].sort((a, b) => a - b);
}

export const backfillRunId = (scheduledAt: number): string => `backfill-${utcStamp(scheduledAt)}`;
const isoSeconds = (t: number): string => new Date(t).toISOString().replace(/\.\d+Z$/, "Z");

type Outcome = "succeeded" | "failed" | "exists" | "not-started" | string;

export default defineCommand({
  name: "backfill",
  usage: "dagu backfill [flags] <DAG definition> --from <time> --to <time>",
  description,
  flags: {
    ...globalFlags,
    from: { type: "string", description: "First scheduled time to include (ISO 8601)" },
    to: { type: "string", description: "Last scheduled time to include (ISO 8601)" },
    "dry-run": { type: "boolean", description: "List the scheduled times and run IDs without running anything" },
    concurrency: { type: "string", description: "How many runs at once (default 1)" },
    ...paramsFlag,
  },
  async run({ flags, args }) {
    const [file] = args;
    if (file === undefined) throw new UsageError("requires at least 1 arg(s), only received 0");
    if (flags.from === undefined || flags.to === undefined) throw new UsageError("--from and --to are required");
    const concurrency = flags.concurrency === undefined ? 1 : Number(flags.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a positive integer, got "${flags.concurrency}"`);
    const defaultTimezone = process.env.DAGU_TZ || undefined;
    const from = parseTimeArg(flags.from, defaultTimezone);
    const to = parseTimeArg(flags.to, defaultTimezone);
    if (to < from) throw new UsageError("--to is before --from");

    const ctx = cliRunContext(flags["dagu-home"]);
    const dag = await loadDag(file, { dagsDir: ctx.paths.dagsDir, baseConfig: ctx.paths.baseConfig });
    if (dag.schedule.length === 0) throw new DaguError(`DAG "${dag.name}" has no start schedule to backfill`);
    const zones: ZoneDefaults = defaultTimezone ? { defaultTimezone } : {};
    const times = backfillTimes([...dag.schedule], zones, from, to, maxBackfillRuns);
    if (times.length > maxBackfillRuns) throw new DaguError(`the range covers more than ${maxBackfillRuns} scheduled times; narrow --from/--to`);

    const out = (line: string): void => {
      process.stdout.write(`${line}\n`);
    };
    const plan = times.map((t) => ({ at: t, runId: backfillRunId(t), exists: ctx.store.findRun(dag.name, backfillRunId(t)) !== undefined }));
    out(`backfill ${dag.name}: ${times.length} scheduled time(s) from ${isoSeconds(from)} to ${isoSeconds(to)}`);
    if (flags["dry-run"]) {
      for (const p of plan) out(`${isoSeconds(p.at)}  ${p.runId}  ${p.exists ? "exists (skip)" : "would run"}`);
      out(`dry run: ${plan.filter((p) => !p.exists).length} to run, ${plan.filter((p) => p.exists).length} already exist`);
      return 0;
    }

    let interrupted = false;
    const onSignal = (): void => {
      interrupted = true;
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    const outcomes = new Map<number, Outcome>();
    const launch = async (p: (typeof plan)[number]): Promise<void> => {
      const code = await runToCompletion({
        dag: dag.location || file,
        runId: p.runId,
        paths: ctx.paths,
        ...(flags.params ? { params: flags.params } : {}),
        env: { [scheduledAtEnv]: isoSeconds(p.at) },
      });
      const stored = ctx.store.findRun(dag.name, p.runId);
      const record = stored ? ctx.store.readLatest(stored) : undefined;
      const status = record ? runStatusName(record.status) : undefined;
      const failed = code !== 0 || record?.status === RunStatus.Failed || record?.status === RunStatus.PartiallySucceeded;
      const outcome = failed ? `failed${status && status !== "failed" ? ` (${status})` : ""}${code !== 0 ? ` exit ${code}` : ""}` : (status ?? "succeeded");
      outcomes.set(p.at, outcome);
      out(`${isoSeconds(p.at)}  ${p.runId}  ${outcome}`);
    };
    try {
      const inFlight = new Set<Promise<void>>();
      for (const p of plan) {
        if (p.exists) {
          outcomes.set(p.at, "exists");
          out(`${isoSeconds(p.at)}  ${p.runId}  exists (skipped)`);
          continue;
        }
        while (inFlight.size >= concurrency) await Promise.race(inFlight);
        if (interrupted) {
          outcomes.set(p.at, "not-started");
          continue;
        }
        const job = launch(p).finally(() => inFlight.delete(job));
        inFlight.add(job);
      }
      await Promise.all(inFlight);
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }

    const values = [...outcomes.values()];
    const failed = values.filter((v) => v.startsWith("failed")).length;
    const skipped = values.filter((v) => v === "exists").length;
    const notStarted = values.filter((v) => v === "not-started").length;
    const ran = values.length - skipped - notStarted;
    out(`summary: ${ran} run, ${ran - failed} ok, ${failed} failed, ${skipped} skipped (already exist)${notStarted ? `, ${notStarted} not started (interrupted)` : ""}`);
    return failed > 0 || notStarted > 0 ? 1 : 0;
  },
});
