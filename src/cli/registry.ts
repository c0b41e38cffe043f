/**
 * @module cli/registry
 * Every command Dagu 1.30 has, with a one-line summary for `dagu --help`. Command modules are
 * imported only when their command runs, so `dagu version` loads none of the heavy packages.
 */
import type { Command } from "./command.ts";

export interface CommandEntry {
  readonly summary: string;
  readonly load: () => Promise<{ default: Command }>;
  /** Internal commands (run by dagu itself) are not listed in `dagu --help`. */
  readonly hidden?: boolean;
}

export const commands: Readonly<Record<string, CommandEntry>> = {
  backfill: { summary: "Run a DAG for every scheduled time in a date range (not in Dagu 1.30)", load: () => import("./commands/backfill.ts") },
  "cache-dags": { summary: "Parse DAG files into the parsed-DAG cache (internal)", load: () => import("./commands/cache-dags.ts"), hidden: true },
  cleanup: { summary: "Remove old DAG run history", load: () => import("./commands/cleanup.ts") },
  coordinator: { summary: "Start the coordinator gRPC server for distributed task execution", load: () => import("./commands/coordinator.ts") },
  dequeue: { summary: "Dequeue a DAG-run from the specified queue", load: () => import("./commands/dequeue.ts") },
  dry: { summary: "Simulate a DAG-run without executing actual commands", load: () => import("./commands/dry.ts") },
  enqueue: { summary: "Enqueue a DAG-run to the queue.", load: () => import("./commands/enqueue.ts") },
  exec: { summary: "Execute a one-off command as a DAG run", load: () => import("./commands/exec.ts") },
  history: { summary: "List the recent DAG-runs of a DAG (not in Dagu 1.30)", load: () => import("./commands/history.ts") },
  migrate: { summary: "Migrate legacy data to new format", load: () => import("./commands/migrate.ts") },
  restart: { summary: "Restart a running DAG-run with a new ID", load: () => import("./commands/restart.ts") },
  retry: { summary: "Retry a previously executed DAG-run with the same run ID", load: () => import("./commands/retry.ts") },
  scheduler: { summary: "Start the scheduler for automated DAG-run execution", load: () => import("./commands/scheduler.ts") },
  server: { summary: "Start the web UI server for DAG management", load: () => import("./commands/server.ts") },
  start: { summary: "Execute a DAG from a DAG definition", load: () => import("./commands/start.ts") },
  "start-all": { summary: "Launch web UI server, scheduler, and optionally coordinator in a single process", load: () => import("./commands/start-all.ts") },
  status: { summary: "Display the current status of a DAG-run", load: () => import("./commands/status.ts") },
  suspend: { summary: "Suspend a DAG's schedule (resume with `dagu resume`)", load: () => import("./commands/suspend.ts") },
  resume: { summary: "Resume a suspended DAG's schedule", load: () => import("./commands/resume.ts") },
  stop: { summary: "Stop a running DAG-run gracefully", load: () => import("./commands/stop.ts") },
  validate: { summary: "Validate a DAG specification", load: () => import("./commands/validate.ts") },
  version: { summary: "Display the Dagu version information", load: () => import("./commands/version.ts") },
  worker: { summary: "Start a worker that polls the coordinator for tasks", load: () => import("./commands/worker.ts") },
};
