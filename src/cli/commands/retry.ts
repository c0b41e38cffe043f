/**
 * @module cli/commands/retry
 * `dagu retry <dag> -r id [--step s]`: a new attempt of the same run: steps that succeeded
 * (or were skipped) are kept with their outputs, failed/aborted/unrun ones run again; with
 * --step, only that step runs. The DAG is the one recorded for the run (dag.json).
 */
import { workerIdFlag } from "../common-flags.ts";
import { DaguError, UsageError } from "../../core/errors.ts";
import { RunStatus } from "../../core/status.ts";
import { dagNameFromArg, findRun } from "../../runs/run-lookup.ts";
import { readStoredDag } from "../../runs/stored-dag.ts";
import { loadDag } from "../../spec/loader.ts";
import { defineCommand, globalFlags } from "../command.ts";
import { cliRunContext, runInForeground } from "../run-context.ts";

// Dagu's long help, verbatim (trailing spaces dropped).
const description = `Create a new run for a previously executed DAG-run using the same DAG-run ID.

Flags:
  --run-id string (required) Unique identifier of the DAG-run to retry.
  --step string (optional) Retry only the specified step.

Examples:
  dagu retry --run-id=abc123 my_dag
  dagu retry --run-id=abc123 my_dag.yaml`;

export default defineCommand({
  name: "retry",
  usage: "dagu retry [flags] <DAG name or file>",
  description,
  flags: {
    ...globalFlags,
  "run-id": { type: "string", short: "r", description: "Unique dag-run ID to retry a dag-run" },
  step: { type: "string", description: "Retry only the specified step (optional)" },
  ...workerIdFlag,
  },
  async run({ flags, args }) {
    if (args.length !== 1) throw new UsageError(`accepts 1 arg(s), received ${args.length}`);
    const runId = flags["run-id"];
    if (!runId) throw new UsageError('required flag(s) "run-id" not set');
    const ctx = cliRunContext(flags["dagu-home"]);
    const { paths, store } = ctx;
    const arg = args[0] as string;
    const name = dagNameFromArg(arg, paths.dagsDir);
    const found = findRun(store, name, { procDir: paths.procDir, runId });
    if (found.kind === "none") throw new DaguError(`failed to find the record for dag-run ID ${runId}: dag-run ID not found: ${runId}`);
    if (found.record.status === RunStatus.Running && !found.dead) throw new DaguError(`DAG-run ${runId} is still running; stop it first`);
    // An empty --step means none, as in Dagu.
    const step = flags.step || undefined;
    if (step !== undefined && !found.record.nodes.some((n) => n.step.name === step)) throw new DaguError(`step "${step}" is not part of DAG-run ${runId}`);
    const attemptDir = store.latestAttemptDir(found.run);
    const dag = (attemptDir ? readStoredDag(attemptDir) : undefined) ?? (await loadDag(arg, { dagsDir: paths.dagsDir, baseConfig: paths.baseConfig }));
    return runInForeground(ctx, {
      dag,
      runId,
      // The params of the run being retried, as recorded.
      paramOverrides: found.record.paramsList ?? [],
      quiet: flags.quiet,
      resume: { run: found.run, previous: found.record, ...(step !== undefined ? { step } : {}) },
      wrapError: (m) => `failed to execute retry: ${m}`,
    });
  },
});
