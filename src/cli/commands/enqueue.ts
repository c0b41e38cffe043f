/**
 * @module cli/commands/enqueue
 * `dagu enqueue <dag> [-- params]`: record the run as queued (status 5, `queuedAt`, the DAG as
 * resolved now) and put it on its queue (`-u/--queue`, else the DAG's `queue:`, else its name),
 * as Dagu 1.30 does; a queue consumer (`dagu scheduler`) starts it when the queue has room.
 * Prints Dagu's log line on stderr (not with -q); exit 1 on any error.
 */
import type { NodeRecord } from "../../core/run-record.ts";
import { DaguError } from "../../core/errors.ts";
import { NodeStatus } from "../../core/status.ts";
import { stepSnapshot } from "../../engine/node-state.ts";
import { enqueueRun, readQueueSettings } from "../../runs/enqueue-run.ts";
import { loadDag } from "../../spec/loader.ts";
import { FileQueueStore } from "../../store/file-queue-store.ts";
import { resolveDagValues } from "../../values/dag-values.ts";
import { defineCommand, globalFlags } from "../command.ts";
import { defaultWorkingDirFlag, nameFlag, newRunIdFlag, paramOverrides, paramsFlag } from "../common-flags.ts";
import { cliRunContext } from "../run-context.ts";

// Dagu's long help, verbatim (trailing spaces dropped).
const description = `Enqueue a DAG-run to the queue.

Examples:
\tdagu enqueue --run-id=run_id my_dag -- P1=foo P2=bar
\tdagu enqueue --name my_custom_name my_dag.yaml -- P1=foo P2=bar`;

const runIdPattern = /^[A-Za-z0-9_-]{1,63}$/;

/** A value as Go's slog text handler writes it: quoted when it has spaces, `=` or quotes. */
export function slogValue(v: string): string {
  return v === "" || /[\s="\\]/.test(v) ? JSON.stringify(v) : v;
}

export default defineCommand({
  name: "enqueue",
  usage: "dagu enqueue [flags] <DAG definition> [-- param1 param2 ...]",
  description,
  flags: {
    ...globalFlags,
    ...defaultWorkingDirFlag,
    ...nameFlag,
    ...paramsFlag,
    queue: { type: "string", short: "u", description: "Override the DAG-level queue definition" },
    ...newRunIdFlag,
  },
  async run({ flags, args, rest }) {
    const [file] = args;
    if (file === undefined) throw new DaguError("DAG file path is required");
    const runId = flags["run-id"] ?? Bun.randomUUIDv7();
    if (!runIdPattern.test(runId)) throw new DaguError("invalid Run ID: dag-run ID must only contain alphanumeric characters, dashes, and underscores");
    const ctx = cliRunContext(flags["dagu-home"]);
    const { paths, store } = ctx;
    let dag = await loadDag(file, { dagsDir: paths.dagsDir, baseConfig: paths.baseConfig, ...(flags.name ? { name: flags.name } : {}) });
    const defaultWd = flags["default-working-dir"];
    if (defaultWd && dag.workingDir === "") dag = { ...dag, workingDir: defaultWd };
    if (flags.queue) dag = { ...dag, queue: flags.queue };
    if (!readQueueSettings(flags.config ?? paths.configFile).enabled) throw new DaguError("queues are disabled in configuration");
    const overrides = paramOverrides(flags.params, rest);
    let paramsList: string[];
    try {
      paramsList = resolveDagValues(dag, overrides, process.env).params.map((p) => `${p.name}=${p.value}`);
    } catch (e) {
      throw new DaguError(`failed to resolve params: ${(e as Error).message}`);
    }
    const nodes: NodeRecord[] = dag.steps.map((s) => ({ step: stepSnapshot(s), stdout: "", stderr: "", startedAt: "", finishedAt: "", status: NodeStatus.NotStarted }));
    enqueueRun({ dag, runId, paramsList, nodes, runs: store, queues: new FileQueueStore(paths.queueDir) });
    if (!flags.quiet) {
      process.stderr.write(`time=${new Date().toISOString()} level=INFO msg="Enqueued dag-run" dag=${slogValue(dag.name)} run-id=${slogValue(runId)} params=${slogValue(`[${paramsList.join(" ")}]`)}\n`);
    }
    return 0;
  },
});
