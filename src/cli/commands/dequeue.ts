/**
 * @module cli/commands/dequeue
 * `dagu dequeue <queue> [--dag-run name:id]`: take a queued run off its queue (without
 * `--dag-run`, the oldest one), hide its queued attempt and drop the run if nothing else of it
 * remains, as Dagu 1.30 does. Prints Dagu's log line on stderr (not with -q); exit 1 on error.
 */
import { DaguError, UsageError } from "../../core/errors.ts";
import { readQueueSettings } from "../../runs/enqueue-run.ts";
import { dequeueRun, parseDagRunRef } from "../../runs/dequeue-run.ts";
import { FileQueueStore } from "../../store/file-queue-store.ts";
import { defineCommand, globalFlags } from "../command.ts";
import { paramsFlag } from "../common-flags.ts";
import { cliRunContext } from "../run-context.ts";
import { slogValue } from "./enqueue.ts";

// Dagu's long help, verbatim (trailing spaces dropped).
const description = `Dequeue a DAG-run from the queue.

Example:
\tdagu dequeue default --dag-run=dag_name:my_dag_run_id
\tdagu dequeue default`;

export default defineCommand({
  name: "dequeue",
  usage: "dagu dequeue [flags] <queue-name>",
  description,
  flags: {
    ...globalFlags,
    "dag-run": { type: "string", short: "d", description: "<DAG-name>:<run-id> to dequeue a dag-run" },
    ...paramsFlag,
  },
  async run({ flags, args }) {
    if (args.length !== 1) throw new UsageError(`accepts 1 arg(s), received ${args.length}`);
    const queue = args[0] as string;
    const ref = flags["dag-run"] ? parseDagRunRef(flags["dag-run"]) : undefined;
    const { paths, store } = cliRunContext(flags["dagu-home"]);
    if (!readQueueSettings(flags.config ?? paths.configFile).enabled) throw new DaguError("queues are disabled in configuration");
    const r = dequeueRun(store, new FileQueueStore(paths.queueDir), queue, ref);
    if (!flags.quiet) {
      process.stderr.write(`time=${new Date().toISOString()} level=INFO msg="Dequeued dag-run" dag=${slogValue(r.dagRun.name)} run-id=${slogValue(r.dagRun.id)} queue=${slogValue(queue)}\n`);
    }
    return 0;
  },
});
