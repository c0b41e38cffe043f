/**
 * @module cli/commands/start
 * `dagu start FILE [-- PARAMS]`: run a DAG in this process, record it under DAGU_HOME, print
 * Dagu's tree summary (unless -q), and exit 0 for succeeded/aborted, 1 for failed or
 * partially succeeded, as Dagu does. SIGTERM/SIGINT stop the run: steps get their stop
 * signal, handlers run, the run is recorded aborted.
 */
import { DaguError, UsageError } from "../../core/errors.ts";
import { loadDagArg } from "../load-dag-arg.ts";
import type { DagRunRef } from "../../core/run-record.ts";
import { RunExistsError } from "../../store/run-store.ts";
import { defineCommand, globalFlags } from "../command.ts";
import { checkRunId, defaultWorkingDirFlag, nameFlag, newRunIdFlag, paramOverrides, paramsFlag, workerIdFlag } from "../common-flags.ts";
import { type CliRunContext, cliRunContext, runInForeground } from "../run-context.ts";
import type { Dag } from "../../core/dag.ts";
import type { RunRecord } from "../../core/run-record.ts";
import { RunStatus } from "../../core/status.ts";
import { queueNameOf } from "../../runs/enqueue-run.ts";
import { readStoredDag } from "../../runs/stored-dag.ts";
import { FileQueueStore } from "../../store/file-queue-store.ts";
import type { StoredRun } from "../../store/run-store.ts";

// Dagu's long help, verbatim (trailing spaces dropped).
const description = `Begin execution of a DAG-run based on the specified DAG definition.

A DAG definition is a blueprint that defines the DAG structure. This command creates a new DAG-run
instance with a unique DAG-run ID.

Parameters after the "--" separator are passed as execution parameters (either positional or key=value pairs).
Flags can override default settings such as DAG-run ID, DAG name, or suppress output.

Examples:
  dagu start my_dag -- P1=foo P2=bar
  dagu start --name my_custom_name my_dag.yaml -- P1=foo P2=bar

This command parses the DAG definition, resolves parameters, and initiates the DAG-run execution.`;

/** `name:id`, as Dagu passes --root and --parent to sub-DAG runs. */
function parseRunRef(value: string | undefined, flag: string): DagRunRef | undefined {
  if (value === undefined) return undefined;
  const at = value.lastIndexOf(":");
  if (at <= 0 || at === value.length - 1) throw new UsageError(`${flag} must be <dag name>:<run id>, got "${value}"`);
  return { name: value.slice(0, at), id: value.slice(at + 1) };
}

type QueuedLookup =
  | { readonly kind: "new" }
  | { readonly kind: "exists" }
  | { readonly kind: "queued"; readonly run: StoredRun; readonly previous: RunRecord; readonly dag: Dag | undefined };

/**
 * A run id given with --run-id: new, an existing run (refused later, as before), or a queued
 * run, which this process claims (one starter wins, across processes) and takes off its queue.
 */
function takeQueuedRun(ctx: CliRunContext, dagName: string, runId: string): QueuedLookup {
  const run = ctx.store.findRun(dagName, runId);
  if (!run) return { kind: "new" };
  const previous = ctx.store.readLatest(run);
  if (previous?.status !== RunStatus.Queued) return { kind: "exists" };
  if (!ctx.store.claimAttempt(run, previous.attemptId)) throw new DaguError(`DAG-run ${runId} of ${dagName} has already been started from its queue`);
  const attemptDir = ctx.store.latestAttemptDir(run);
  const dag = attemptDir ? readStoredDag(attemptDir) : undefined;
  // Started by hand: the waiting item goes too (a consumer's claim is left to its consumer).
  new FileQueueStore(ctx.paths.queueDir).remove(queueNameOf(dag ?? { name: dagName, queue: "" }), runId);
  return { kind: "queued", run, previous, dag };
}

export default defineCommand({
  name: "start",
  usage: "dagu start [flags] <DAG definition> [-- param1 param2 ...]",
  description,
  flags: {
    ...globalFlags,
    ...defaultWorkingDirFlag,
    "from-run-id": { type: "string", description: "Historic dag-run ID to use as the template for a new run" },
    ...nameFlag,
    ...paramsFlag,
    parent: { type: "string", description: "[only for sub dag-runs] reference for the parent dag-run" },
    root: { type: "string", description: "[only for sub dag-runs] reference for the root dag-run" },
    local: { type: "string", description: "[only for sub dag-runs] run the document of this name in the file", hidden: true },
    ...newRunIdFlag,
    ...workerIdFlag,
  },
  async run({ flags, args, rest }) {
    const [file] = args;
    if (file === undefined) throw new UsageError("DAG file path is required");
    // An empty --run-id is no id at all: Dagu generates one.
    const givenRunId = flags["run-id"] || undefined;
    const runId = givenRunId ?? Bun.randomUUIDv7();
    if (givenRunId !== undefined) checkRunId(givenRunId);
    const ctx = cliRunContext(flags["dagu-home"]);
    const { paths } = ctx;
    const root = parseRunRef(flags.root, "--root");
    const parent = parseRunRef(flags.parent, "--parent");
    if ((root === undefined) !== (parent === undefined)) throw new UsageError("--root and --parent go together");
    const loaded = await loadDagArg(file, { dagsDir: paths.dagsDir, baseConfig: paths.baseConfig, ...(flags.name ? { name: flags.name } : {}) });
    let dag = loaded;
    if (flags.local !== undefined) {
      const local = loaded.localDags[flags.local];
      if (!local) throw new DaguError(`${file} has no DAG named "${flags.local}"`);
      // A local DAG runs where its file is, with its sibling documents still callable.
      dag = { ...local, localDags: loaded.localDags };
    }
    const defaultWd = flags["default-working-dir"];
    if (defaultWd && dag.workingDir === "") dag = { ...dag, workingDir: defaultWd };
    let overrides: readonly string[] = paramOverrides(flags.params, rest);
    const fromRunId = flags["from-run-id"];
    if (fromRunId) {
      // A new run of what a past run ran: its stored DAG and its params, as Dagu reschedules.
      if (overrides.length > 0) throw new DaguError("parameters cannot be provided when using --from-run-id");
      const past = ctx.store.findRun(dag.name, fromRunId);
      const record = past ? ctx.store.readLatest(past) : undefined;
      if (!past || !record) throw new DaguError(`failed to find historic dag-run ${fromRunId} for DAG ${dag.name}: dag-run ID not found: ${fromRunId}`);
      const attemptDir = ctx.store.latestAttemptDir(past);
      dag = (attemptDir ? readStoredDag(attemptDir) : undefined) ?? dag;
      overrides = record.paramsList ?? [];
    }
    try {
      // A queued run (the queue processor starts one as `dagu start --run-id=<its id>`): it
      // runs now, with the DAG and params recorded when it was enqueued.
      const queued = !root && givenRunId !== undefined ? takeQueuedRun(ctx, dag.name, runId) : undefined;
      if (queued?.kind === "queued") {
        return await runInForeground(ctx, {
          dag: queued.dag ?? dag,
          runId,
          paramOverrides: queued.previous.paramsList ?? [],
          quiet: flags.quiet,
          resume: { run: queued.run, previous: queued.previous },
        });
      }
      // A sub-DAG run that exists already (its parent is being retried) gets a new attempt.
      const existing = root && parent ? ctx.store.findChildRun(root, dag.name, runId) : undefined;
      const previous = existing ? ctx.store.readLatest(existing) : undefined;
      return await runInForeground(ctx, {
        dag,
        runId,
        // An id looked up just now and not found needs no second scan.
        generatedRunId: givenRunId === undefined || queued?.kind === "new",
        paramOverrides: overrides,
        quiet: flags.quiet,
        ...(flags["worker-id"] ? { workerId: flags["worker-id"] } : {}),
        ...(root && parent ? { root, parent } : {}),
        ...(existing && previous ? { resume: { run: existing, previous } } : {}),
      });
    } catch (e) {
      if (e instanceof RunExistsError) throw new DaguError(`dag-run ID ${runId} already exists for DAG ${dag.name}`);
      throw e;
    }
  },
});
