/**
 * @module cli/commands/scheduler
 * `dagu scheduler`: run the scheduler in the foreground (cron schedules with catch-up and
 * overlap policies, queues, zombie detection), as the active instance or a standby waiting
 * for the HA lock. `startScheduler` is what `dagu start-all` runs beside the server.
 */
import { type DaguPaths, resolvePaths } from "../../config/paths.ts";
import { readQueueSettings } from "../../runs/enqueue-run.ts";
import { QueueProcessor } from "../../scheduler/queue-processor.ts";
import { SchedulerService } from "../../scheduler/scheduler-service.ts";
import { parseDurationSec } from "../../spec/dag-builder.ts";
import { FileRunStore } from "../../store/file-run-store.ts";
import { defineCommand, globalFlags } from "../command.ts";
import { dagsFlag } from "../common-flags.ts";

const description = `Launch the scheduler process that monitors DAG definitions and automatically triggers DAG based on their defined schedules.

The scheduler continuously monitors the specified directory for DAG definitions,
evaluates their schedule expressions (cron format), and initiates DAG-run executions
when their scheduled time arrives. It also consumes DAG-runs from the queue and executes them.

Flags:
  --dags string   Path to the directory containing DAG definition files

Example:
  dagu scheduler --dags=/path/to/dags

This process runs continuously in the foreground until terminated.`;

type Log = (level: "debug" | "info" | "warn" | "error", msg: string, fields?: Readonly<Record<string, unknown>>) => void;

/** `30s`, `5m` or plain seconds from an environment variable, in ms. */
function envDurationMs(name: string, fallbackMs: number): number {
  const v = process.env[name];
  if (!v) return fallbackMs;
  const sec = /^\d+$/.test(v) ? Number(v) : parseDurationSec(v);
  return sec === undefined ? fallbackMs : sec * 1000;
}

function textLog(level: string, msg: string, fields: Readonly<Record<string, unknown>> = {}): void {
  const kv = Object.entries(fields)
    .map(([k, v]) => ` ${k}=${typeof v === "string" && /^[\w./:@-]+$/.test(v) ? v : JSON.stringify(v)}`)
    .join("");
  process.stderr.write(`time=${new Date().toISOString()} level=${level.toUpperCase()} msg=${JSON.stringify(msg)}${kv}\n`);
}

export async function startScheduler(opts: { readonly paths: DaguPaths; readonly log: Log }): Promise<{ stop(): Promise<void> }> {
  const { paths, log } = opts;
  const store = new FileRunStore(paths.dagRunsDir, paths.logDir);
  const settings = readQueueSettings(paths.configFile);
  const queues = settings.enabled ? new QueueProcessor({ paths, runStore: store, globalQueues: settings.config, log }) : undefined;
  const service = new SchedulerService({
    paths,
    store,
    ...(queues ? { queues } : {}),
    ...(process.env.DAGU_TZ ? { defaultTimezone: process.env.DAGU_TZ } : {}),
    lockStaleMs: envDurationMs("DAGU_SCHEDULER_LOCK_STALE_THRESHOLD", 30_000),
    lockRetryMs: envDurationMs("DAGU_SCHEDULER_LOCK_RETRY_INTERVAL", 5_000),
    zombieIntervalMs: envDurationMs("DAGU_SCHEDULER_ZOMBIE_DETECTION_INTERVAL", 45_000),
    log,
  });
  const running = service.run();
  return {
    async stop() {
      service.stop();
      await running;
    },
  };
}

export default defineCommand({
  name: "scheduler",
  usage: "dagu scheduler [flags]",
  description,
  flags: { ...globalFlags, ...dagsFlag },
  longRunning: true,
  async run({ flags }) {
    const base = resolvePaths(flags["dagu-home"]);
    const paths = flags.dags ? { ...base, dagsDir: flags.dags } : base;
    textLog("info", "Scheduler starting", { dags: paths.dagsDir, pid: process.pid });
    const scheduler = await startScheduler({ paths, log: textLog });
    await new Promise<void>((resolve) => {
      process.once("SIGTERM", () => resolve());
      process.once("SIGINT", () => resolve());
    });
    textLog("info", "Scheduler stopping");
    await scheduler.stop();
    return 0;
  },
});
