/**
 * @module cli/commands/history
 * `dagu history <dag>` (ours; Dagu 1.30 has none): the last runs of a DAG, newest first, with
 * status, start time, duration and params, filtered by status and start date. Run folders are
 * listed by name (which carries their time) and records are read one at a time, newest first,
 * stopping at `--limit` matches: a long history costs a directory listing, not a full read.
 */
import { resolvePaths } from "../../config/paths.ts";
import type { RunRecord } from "../../core/run-record.ts";
import { DaguError, UsageError } from "../../core/errors.ts";
import { parseRunStatus, runStatusName, RunStatus } from "../../core/status.ts";
import { dagNameFromArg, readRun } from "../../runs/run-lookup.ts";
import { FileRunStore } from "../../store/file-run-store.ts";
import { defineCommand, globalFlags } from "../command.ts";
import { parseGoTime, runDuration, wholeSeconds } from "../run-tree.ts";

export interface HistoryRow {
  readonly dagRunId: string;
  readonly status: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Dagu's duration text ("1.5s", "2m 30s"); empty when the run has not started. */
  readonly duration: string;
  readonly params: string;
  readonly error?: string;
  /** Recorded as running, but its owner process is gone (shown as failed). */
  readonly dead: boolean;
}

const statusNames = Object.values(RunStatus).map(runStatusName);

/** "Partially Succeeded", "partially-succeeded" and "partially_succeeded" all name one status. */
function parseStatusFlag(value: string): RunStatus {
  const s = parseRunStatus(value.trim().toLowerCase().replace(/[\s-]+/g, "_"));
  if (s === undefined) throw new UsageError(`invalid --status "${value}": use one of ${statusNames.join(", ")}`);
  return s;
}

/**
 * A date bound in ms. `YYYY-MM-DD` is a local calendar day: `--from` its start, `--to` its end
 * (so `--to 2026-11-21` includes that whole day). Full ISO times are taken as written (local
 * when they carry no zone, as JavaScript reads them).
 */
export function parseDateBound(value: string, flag: "from" | "to"): number {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  let ms: number;
  if (day) {
    const [, y, m, d] = day;
    ms = new Date(Number(y), Number(m) - 1, Number(d) + (flag === "to" ? 1 : 0)).getTime() - (flag === "to" ? 1 : 0);
  } else {
    ms = /^\d{4}-\d{2}-\d{2}T/.test(value.trim()) ? Date.parse(value.trim()) : Number.NaN;
  }
  if (Number.isNaN(ms)) throw new UsageError(`invalid --${flag} "${value}": use an ISO date (2026-11-21) or time (2026-11-21T09:30:00Z)`);
  return ms;
}

function toRow(record: RunRecord, dead: boolean): HistoryRow {
  return {
    dagRunId: record.dagRunId,
    status: runStatusName(record.status) ?? "unknown",
    startedAt: record.startedAt ?? "",
    finishedAt: record.finishedAt ?? "",
    duration: runDuration(record.startedAt ?? "", record.finishedAt ?? "", record.status === RunStatus.Running),
    params: record.params ?? "",
    ...(record.error ? { error: record.error } : {}),
    dead,
  };
}

function formatTable(rows: readonly HistoryRow[]): string {
  const header = ["RUN ID", "STATUS", "STARTED", "DURATION", "PARAMS"] as const;
  const cells = rows.map((r) => [
    r.dagRunId,
    r.dead ? `${r.status} (owner gone)` : r.status,
    r.startedAt === "" || r.startedAt === "-" ? "-" : wholeSeconds(r.startedAt),
    r.duration === "" ? "-" : r.duration,
    r.params === "" ? "-" : r.params,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  // The last column is not padded: params can be long and trailing blanks help nobody.
  const line = (c: readonly string[]): string =>
    c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i] as number))).join("  ");
  return `${[line(header), ...cells.map(line)].join("\n")}\n`;
}

export default defineCommand({
  name: "history",
  usage: "dagu history [flags] <DAG name>",
  description: `List the most recent DAG-runs of a DAG, newest first.

Shows each run's ID, status, start time, duration and parameters. A run recorded as running
whose process is gone is listed as failed. Dates are ISO: 2026-11-21 means that local
calendar day (--from its start, --to its end); 2026-11-21T09:30:00Z is an exact time.

Example:
  dagu history my_dag
  dagu history my_dag --status failed --from 2026-11-01 --limit 5
  dagu history my_dag --format json`,
  flags: {
    ...globalFlags,
    status: { type: "string", short: "s", description: "Only runs with this status (succeeded, failed, partially_succeeded, aborted, running, queued, ...)" },
    from: { type: "string", description: "Only runs started at or after this ISO date/time" },
    to: { type: "string", description: "Only runs started at or before this ISO date/time" },
    limit: { type: "string", short: "n", description: "Show at most this many runs", defaultText: "20" },
    format: { type: "string", description: "Output format: table or json", defaultText: '"table"' },
  },
  async run({ flags, args }) {
    if (args.length !== 1) throw new UsageError(`accepts 1 arg(s), received ${args.length}`);
    const format = flags.format ?? "table";
    if (format !== "table" && format !== "json") throw new UsageError(`invalid --format "${format}": use table or json`);
    const limitText = flags.limit ?? "20";
    if (!/^\d+$/.test(limitText) || Number(limitText) < 1) throw new UsageError(`invalid --limit "${limitText}": use a positive integer`);
    const limit = Number(limitText);
    const wantStatus = flags.status !== undefined ? parseStatusFlag(flags.status) : undefined;
    const from = flags.from !== undefined ? parseDateBound(flags.from, "from") : undefined;
    const to = flags.to !== undefined ? parseDateBound(flags.to, "to") : undefined;

    const paths = resolvePaths(flags["dagu-home"]);
    const name = dagNameFromArg(args[0] as string, paths.dagsDir);
    const store = new FileRunStore(paths.dagRunsDir, paths.logDir);
    const runs = store.listRuns(name);
    if (runs.length === 0) throw new DaguError(`no DAG-run found for DAG ${name}`);

    const rows: HistoryRow[] = [];
    for (const run of runs) {
      if (rows.length >= limit) break;
      // A run folder is named after its creation, which never follows its start: a folder
      // newer than --to holds a run that started after it, without reading its record.
      if (to !== undefined && run.createdAt.getTime() > to) continue;
      const read = readRun(store, run, { procDir: paths.procDir });
      if (!read) continue;
      const { record, dead } = read;
      if (wantStatus !== undefined && record.status !== wantStatus) continue;
      if (from !== undefined || to !== undefined) {
        const started = parseGoTime(record.startedAt ?? "");
        if (started === undefined) continue;
        const ms = Number(started / 1_000_000n);
        if ((from !== undefined && ms < from) || (to !== undefined && ms > to)) continue;
      }
      rows.push(toRow(record, dead));
    }

    if (format === "json") process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    else if (rows.length === 0) process.stdout.write(`No runs of ${name} match.\n`);
    else process.stdout.write(formatTable(rows));
    return 0;
  },
});
