/**
 * @module engine/run-dag
 * Run one DAG in this process, as Dagu 1.30 does: preconditions, onInit, steps as soon as
 * their dependencies allow (up to maxActiveSteps), retries and repeats, continueOn, step
 * and DAG timeouts, stop, then the success/failure/abort handler and onExit. Every state
 * change is recorded through the RunStore (coalesced), the final snapshot durably.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { DaguPaths } from "../config/paths.ts";
import type { ConfigValue, Dag, HandlerKind, Step } from "../core/dag.ts";
import { handlerStepName } from "../core/dag.ts";
import { DaguError } from "../core/errors.ts";
import { type DagRunRef, formatTime, type HandlerRecordKey, type RunRecord, type SubRunRef } from "../core/run-record.ts";
import { NodeStatus, nodeStatusName, RunStatus, runStatusName } from "../core/status.ts";
import type { ExecResult, ExecRunContext } from "../executors/executor.ts";
import { executorFor } from "../executors/registry.ts";
import { procFile } from "../store/proc-dir.ts";
import { ProcHeartbeat } from "../store/proc-file.ts";
import { stepLogBase } from "../store/run-layout.ts";
import type { AttemptWriter, RunStore, StoredRun } from "../store/run-store.ts";
import { substituteCommands } from "../values/command-substitution.ts";
import { resolveDagValues, type ResolvedValues } from "../values/dag-values.ts";
import { parseDotenv } from "../values/dotenv.ts";
import { chainLookup, expandAll, expandVariables, type StepRefLookup, type VarLookup } from "../values/expand.ts";
import { expandTilde } from "../values/tilde.ts";
import { backoffMs } from "./backoff.ts";
import { evalCondition, evalConditions, matchesPattern } from "./conditions.ts";
import { LogSink } from "./log-sink.ts";
import { NodeState } from "./node-state.ts";
import { RunLog } from "./run-log.ts";
import { defaultShell, inheritedEnv } from "./process-env.ts";

export interface RunDagOptions {
  readonly dag: Dag;
  readonly runId: string;
  readonly store: RunStore;
  readonly paths: DaguPaths;
  /** CLI params (`--params` string and `-- …` arguments). */
  readonly paramOverrides: readonly string[];
  readonly processEnv: NodeJS.ProcessEnv;
  /** Aborted when someone asks the run to stop. */
  readonly stop: AbortSignal;
  /** Called with each recorded snapshot (live progress). */
  readonly onSnapshot?: (record: RunRecord) => void;
  readonly root?: DagRunRef;
  readonly parent?: DagRunRef;
  /** Retry: a new attempt of this stored run, keeping what the previous attempt finished. */
  readonly resume?: ResumeFrom;
  /** The run id was generated here (UUIDv7): no need to scan history for a clash. */
  readonly generatedRunId?: boolean;
  /**
   * `dagu dry`: the run is planned and walked as usual (params, env, preconditions,
   * dependencies) but no step executes: each one that would run succeeds at once, repeats
   * and handlers are left out, and no heartbeat is written (the caller gives a scratch store).
   */
  readonly dry?: boolean;
  /** Recorded as the run's `workerId` (`dagu start --worker-id`, set in distributed mode). */
  readonly workerId?: string;
}

export interface ResumeFrom {
  readonly run: StoredRun;
  readonly previous: RunRecord;
  /** Re-run only this step (`dagu retry --step`); its dependents keep their state. */
  readonly step?: string;
}

/** Step states a retry runs again; everything else is kept from the previous attempt. */
const rerunStates: ReadonlySet<NodeStatus> = new Set([NodeStatus.Failed, NodeStatus.Aborted, NodeStatus.NotStarted, NodeStatus.Running]);

const snapshotIntervalMs = 25;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const shellTypes = new Set(["", "shell", "command"]);

function isShellType(type: string): boolean {
  return shellTypes.has(type);
}

/** Variables in every string of an executor's `config`, at any depth (Dagu's EvalObject). */
function substConfig(config: Readonly<Record<string, ConfigValue>>, subst: (s: string) => string): Record<string, ConfigValue> {
  const walk = (v: ConfigValue): ConfigValue => {
    if (typeof v === "string") return subst(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x as ConfigValue)]));
    return v;
  };
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, walk(v)]));
}

/** Go's Duration string for whole milliseconds: 1s, 1.004s, 250ms. */
function goSeconds(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  return `${(ms / 1000).toFixed(3).replace(/\.?0+$/, "")}s`;
}

/** outputs.json key, as Dagu makes it: `UPPER_SNAKE` → `upperSnake`, `MixedCase` → `mixedcase`. */
function camelKey(name: string): string {
  const [first = "", ...rest] = name.split("_").filter((p) => p !== "");
  return first.toLowerCase() + rest.map((p) => p.charAt(0).toUpperCase() + p.slice(1).toLowerCase()).join("");
}

function expandHome(p: string, env: NodeJS.ProcessEnv): string {
  const withVars = p.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, a?: string, b?: string) => env[(a ?? b) as string] ?? "");
  return expandTilde(withVars, env);
}

/** The DAG's working directory: `workingDir` (relative to the DAG file), else the file's folder. */
export function dagWorkingDir(dag: Dag, env: NodeJS.ProcessEnv): string {
  const base = dag.location ? dirname(dag.location) : process.cwd();
  if (dag.workingDir === "") return base;
  const wd = expandHome(dag.workingDir, env);
  return isAbsolute(wd) ? wd : resolve(base, wd);
}

class Run {
  readonly nodes: NodeState[];
  readonly byName = new Map<string, NodeState>();
  readonly byId = new Map<string, NodeState>();
  readonly dependents = new Map<string, NodeState[]>();
  readonly handlers = new Map<HandlerKind, NodeState>();
  /** Some step has `output:` (only then do steps need their dependencies' outputs). */
  readonly capturesOutput: boolean;
  attempt!: AttemptWriter;
  log!: RunLog;
  startedAt = new Date();
  finishedAt: Date | undefined;
  status: RunStatus = RunStatus.Running;
  lastError: string | undefined;
  canceled = false;
  dagTimedOut = false;
  /** Aborted on stop and on DAG timeout: kills every running step. */
  readonly abortAll = new AbortController();
  values!: ResolvedValues;
  baseEnv: Record<string, string> = {};
  workingDir = "";
  dagShell: string[] = [];
  private snapshotTimer: ReturnType<typeof setTimeout> | undefined;
  private wake: (() => void) | undefined;

  constructor(readonly opts: RunDagOptions) {
    const { dag } = opts;
    this.nodes = dag.steps.map((s) => new NodeState(s));
    for (const n of this.nodes) {
      this.byName.set(n.name, n);
      if (n.step.id) this.byId.set(n.step.id, n);
    }
    for (const n of this.nodes) for (const d of n.step.depends) this.dependents.set(d, [...(this.dependents.get(d) ?? []), n]);
    for (const [kind, step] of Object.entries(dag.handlerOn) as [HandlerKind, Step][]) this.handlers.set(kind, new NodeState(step));
    this.capturesOutput = [...this.nodes, ...this.handlers.values()].some((n) => n.step.output !== undefined);
  }

  get dag(): Dag {
    return this.opts.dag;
  }

  /** What executors may know of this run (sub-DAG steps start child runs under it). */
  get execRunContext(): ExecRunContext {
    const { dag, runId } = this.opts;
    return {
      dagName: dag.name,
      runId,
      root: this.opts.root ?? { name: dag.name, id: runId },
      dagLocation: dag.location,
      localDags: dag.localDags,
      paths: this.opts.paths,
    };
  }

  record(): RunRecord {
    const { dag, runId } = { dag: this.dag, runId: this.opts.runId };
    const handlers: Partial<Record<HandlerRecordKey, ReturnType<NodeState["toRecord"]>>> = {};
    // Defined handlers are listed even when they did not fire (not_started), as in Dagu.
    for (const [kind, n] of this.handlers) handlers[handlerStepName[kind] as HandlerRecordKey] = n.toRecord();
    const paramsList = this.values ? this.values.params.map((p) => `${p.name}=${p.value}`) : [];
    return {
      root: this.opts.root ?? { name: dag.name, id: runId },
      ...(this.opts.parent ? { parent: this.opts.parent } : {}),
      name: dag.name,
      dagRunId: runId,
      attemptId: this.attempt.attemptId,
      status: this.status,
      workerId: this.opts.workerId ?? "local",
      pid: process.pid,
      nodes: this.nodes.map((n) => n.toRecord()),
      ...handlers,
      createdAt: Date.now(),
      // A run started from its queue (or retried) keeps when it was queued, as in Dagu.
      ...(this.opts.resume?.previous.queuedAt ? { queuedAt: this.opts.resume.previous.queuedAt } : {}),
      startedAt: formatTime(this.startedAt),
      finishedAt: this.finishedAt ? formatTime(this.finishedAt) : "",
      log: this.attempt.runLogFile,
      ...(this.lastError && this.status !== RunStatus.Running ? { error: this.lastError } : {}),
      ...(paramsList.length > 0 ? { params: paramsList.join(" "), paramsList } : {}),
    };
  }

  /** Coalesce snapshots: at most one write per interval while busy. */
  changed(): void {
    if (this.snapshotTimer !== undefined) return;
    this.snapshotTimer = setTimeout(() => this.snapshot(), snapshotIntervalMs);
  }

  /** Write a snapshot now (the first one: a run has a readable record before any step runs). */
  snapshot(): string | undefined {
    if (this.snapshotTimer !== undefined) clearTimeout(this.snapshotTimer);
    this.snapshotTimer = undefined;
    const r = this.record();
    const failed = this.attempt.update(r);
    this.opts.onSnapshot?.(r);
    return failed;
  }

  flushFinal(): RunRecord {
    if (this.snapshotTimer !== undefined) clearTimeout(this.snapshotTimer);
    this.snapshotTimer = undefined;
    const r = this.record();
    this.attempt.close(r);
    this.opts.onSnapshot?.(r);
    return r;
  }

  /** A sub-DAG step names its child runs before it starts them: recorded with the next coalesced write. */
  linkSubRuns(n: NodeState, children: readonly SubRunRef[]): void {
    n.children = children;
    this.changed();
  }

  cancel(): void {
    if (this.canceled) return;
    this.canceled = true;
    this.abortAll.abort();
    this.wake?.();
  }

  // ---- values ------------------------------------------------------------------------

  /** Variables visible to a step: params, DAG env, outputs of its (transitive) dependencies, step env. */
  stepVars(n: NodeState, allOutputs: boolean): Map<string, string> {
    const vars = new Map<string, string>(this.values.paramVars);
    // Most DAGs capture no output at all: then there is nothing to look for.
    if (!this.capturesOutput) return vars;
    if (allOutputs) {
      for (const other of this.nodes) for (const [k, v] of other.outputs) vars.set(k, v);
    } else {
      const seen = new Set<string>();
      const queue = [...n.step.depends];
      while (queue.length > 0) {
        const d = queue.shift() as string;
        if (seen.has(d)) continue;
        seen.add(d);
        const dep = this.byName.get(d);
        if (!dep) continue;
        // Nearest dependency first; an output never shadows a param or a nearer output.
        for (const [k, v] of dep.outputs) if (!vars.has(k)) vars.set(k, v);
        queue.push(...dep.step.depends);
      }
    }
    return vars;
  }

  stepRefs: StepRefLookup = (id, prop) => {
    const n = this.byId.get(id);
    if (!n) return undefined;
    if (prop === "exitCode") return String(n.exitCode);
    return prop === "stdout" ? n.stdoutPath : n.stderrPath;
  };

  stepWorkingDir(step: Step, lookup: VarLookup): string {
    if (step.dir === "") return this.workingDir;
    const d = expandHome(expandVariables(step.dir, lookup), this.opts.processEnv);
    return isAbsolute(d) ? d : resolve(this.workingDir, d);
  }

  shellFor(step: Step): { shell: string[]; fromStep: boolean } {
    if (step.shell !== "") return { shell: [step.shell, ...step.shellArgs], fromStep: true };
    return { shell: this.dagShell, fromStep: false };
  }

  // ---- readiness ---------------------------------------------------------------------

  shouldContinue(n: NodeState): boolean {
    const c = n.step.continueOn;
    switch (n.status) {
      case NodeStatus.Succeeded:
      case NodeStatus.PartiallySucceeded:
        return true;
      case NodeStatus.Skipped:
        return c.skipped;
      case NodeStatus.Failed: {
        if (c.failure) return true;
        if (n.continueVerdict !== undefined) return n.continueVerdict;
        let verdict = c.exitCode.includes(n.exitCode);
        if (!verdict && c.output.length > 0 && n.stdoutPath !== "") {
          let text = "";
          try {
            text = readFileSync(n.stdoutPath, "utf8");
          } catch {
            // No log: nothing matches.
          }
          verdict = c.output.some((p) => matchesPattern(text, p, false));
        }
        n.continueVerdict = verdict;
        return verdict;
      }
      default:
        return false;
    }
  }

  /** Dagu's isReady: may also settle the node as aborted/skipped because of its dependencies. */
  isReady(n: NodeState): boolean {
    let ready = true;
    for (const d of n.step.depends) {
      const dep = this.byName.get(d);
      if (!dep) continue;
      switch (dep.status) {
        case NodeStatus.Succeeded:
        case NodeStatus.PartiallySucceeded:
          continue;
        case NodeStatus.Failed:
          if (this.shouldContinue(dep)) continue;
          ready = false;
          n.status = NodeStatus.Aborted;
          n.error = "upstream failed";
          break;
        case NodeStatus.Skipped:
          if (this.shouldContinue(dep)) continue;
          ready = false;
          n.status = NodeStatus.Skipped;
          n.error = "upstream skipped";
          break;
        case NodeStatus.Aborted:
          ready = false;
          n.status = NodeStatus.Aborted;
          break;
        case NodeStatus.Rejected:
          ready = false;
          n.status = NodeStatus.Aborted;
          n.error = "upstream rejected";
          break;
        default:
          ready = false;
      }
    }
    return ready;
  }

  // ---- the loop ----------------------------------------------------------------------

  async runSteps(): Promise<void> {
    const only = this.opts.resume?.step;
    const ready: NodeState[] =
      only !== undefined
        ? this.nodes.filter((n) => n.name === only)
        : this.nodes.filter((n) => n.status === NodeStatus.NotStarted && this.isReady(n));
    const done: NodeState[] = [];
    const max = this.dag.maxActiveSteps;
    const delayMs = this.dag.delaySec * 1000;
    const launched = new Set<NodeState>();
    const settle = (n: NodeState): void => {
      done.push(n);
      this.wake?.();
    };
    for (;;) {
      while (!this.canceled && ready.length > 0 && (max <= 0 || launched.size < max)) {
        const n = ready.shift() as NodeState;
        if (n.status !== NodeStatus.NotStarted) continue;
        if (this.dagTimedOut) {
          n.status = NodeStatus.Aborted;
          settle(n);
          continue;
        }
        launched.add(n);
        n.status = NodeStatus.Running;
        this.changed();
        void this.executeNode(n).then(
          () => settle(n),
          (e: unknown) => {
            n.status = NodeStatus.Failed;
            n.error = `internal error: ${(e as Error).message}`;
            this.lastError = n.error;
            settle(n);
          },
        );
        if (delayMs > 0) await sleep(delayMs);
      }
      if (done.length === 0) {
        if (launched.size === 0) break;
        await new Promise<void>((r) => {
          this.wake = r;
        });
        this.wake = undefined;
      }
      while (done.length > 0) {
        const n = done.shift() as NodeState;
        launched.delete(n);
        this.changed();
        // `retry --step` runs that one step; its dependents keep their previous state.
        if (this.canceled || this.opts.resume?.step !== undefined) continue;
        // Settle dependents; a dependent that becomes aborted/skipped passes that on.
        const queue = [n];
        while (queue.length > 0) {
          const cur = queue.shift() as NodeState;
          for (const child of this.dependents.get(cur.name) ?? []) {
            if (child.status !== NodeStatus.NotStarted) continue;
            if (this.isReady(child)) ready.push(child);
            else if (child.status !== NodeStatus.NotStarted) queue.push(child);
          }
        }
      }
    }
  }

  // ---- one step ------------------------------------------------------------------------

  /**
   * The step's log sinks. `stdout:`/`stderr:` copies are resolved as Dagu does: expanded
   * against the invoking environment only, relative to the DAG's working dir.
   */
  private openLogs(n: NodeState): { out: LogSink; err: LogSink; close: () => void } {
    const base = stepLogBase(this.attempt.stepLogDir, n.name, new Date(), this.opts.runId);
    const merged = (n.step.logOutput ?? this.dag.logOutput) === "merged";
    n.stdoutPath = merged ? `${base}.log` : `${base}.out`;
    n.stderrPath = merged ? `${base}.log` : `${base}.err`;
    const envAtLoad = chainLookup(new Map(this.values.env), this.opts.processEnv as Record<string, string | undefined>);
    const copy = (p: string): string | undefined => (p ? resolve(this.workingDir, expandAll(p, envAtLoad)) : undefined);
    const capture = n.step.output ? this.dag.maxOutputSize : 0;
    const out = new LogSink("stdout", n.stdoutPath, copy(n.step.stdout), capture);
    const err = merged ? out : new LogSink("stderr", n.stderrPath, copy(n.step.stderr), 0);
    return {
      out,
      err,
      close: () => {
        out.close();
        if (err !== out) err.close();
      },
    };
  }

  private buildEnv(n: NodeState, vars: Map<string, string>, lookup: VarLookup, workingDir: string, extra: Record<string, string>): Record<string, string> {
    const env: Record<string, string> = { ...this.baseEnv };
    for (const [k, v] of vars) if (!/^\d+$/.test(k)) env[k] = v;
    const specials = { DAG_RUN_STEP_NAME: n.name, DAG_RUN_STEP_STDOUT_FILE: n.stdoutPath, DAG_RUN_STEP_STDERR_FILE: n.stderrPath };
    Object.assign(env, specials, { PWD: workingDir }, extra);
    // Each step env entry is evaluated on its own: entries do not see each other (Dagu), but
    // they do see the step's own special variables. Unknown names become empty (os.ExpandEnv).
    const known = chainLookup(lookup, specials, this.opts.processEnv as Record<string, string | undefined>);
    const stepEnv: [string, string][] = [];
    for (const entry of n.step.env) {
      const eq = entry.indexOf("=");
      try {
        const refs = expandVariables(entry.slice(eq + 1), known, this.stepRefs);
        stepEnv.push([entry.slice(0, eq), expandTilde(substituteCommands(expandAll(refs, known), env), this.opts.processEnv)]);
      } catch {
        // An entry whose backticks fail is left out, as Dagu does.
      }
    }
    for (const [key, value] of stepEnv) {
      env[key] = value;
      vars.set(key, value);
    }
    return env;
  }

  /** Run one step; `handler` steps see every output and run even after a stop or timeout. */
  async executeNode(n: NodeState, handler?: { readonly extraEnv: Record<string, string> }): Promise<void> {
    const handlerExtra = handler?.extraEnv ?? {};
    const allOutputs = handler !== undefined;
    const step = n.step;
    n.startedAt = formatTime(new Date());
    this.log.write("INFO", "Step started", { step: n.name });
    const vars = this.stepVars(n, allOutputs);
    const lookup = chainLookup(vars, (k) => this.baseEnv[k]);
    const workingDir = this.stepWorkingDir(step, lookup);
    const logs = this.openLogs(n);
    try {
      const env = this.buildEnv(n, vars, lookup, workingDir, handlerExtra);
      const envLookup = chainLookup(vars, env);
      // What Dagu substitutes itself in a shell command: params, outputs, step env and the
      // step's own variables; the DAG env reaches the command through the shell.
      const cmdLookup = chainLookup(vars, { DAG_RUN_STEP_NAME: n.name, PWD: workingDir });
      const { shell, fromStep } = this.shellFor(step);
      if (step.preconditions.length > 0) {
        const r = await evalConditions(step.preconditions, { shell, env, cwd: existsSync(workingDir) ? workingDir : this.workingDir, lookup: envLookup, stepRef: this.stepRefs });
        if (!r.met) {
          n.status = NodeStatus.Skipped;
          return;
        }
      }
      try {
        logs.out.openCopy();
        logs.err.openCopy();
      } catch (e) {
        n.status = NodeStatus.Failed;
        n.error = (e as Error).message;
        this.lastError = n.error;
        return;
      }
      const executor = executorFor(step.executor.type);
      if (!executor) {
        n.status = NodeStatus.Failed;
        n.error = `executor type "${step.executor.type}" is not available in this build yet`;
        this.lastError = n.error;
        return;
      }
      const exec = await executor;
      await this.attemptLoop(n, exec, handler !== undefined, { env, envLookup, cmdLookup, workingDir, shell, fromStep, out: logs.out, err: logs.err });
    } finally {
      logs.close();
      // Only a full disk sets these: nothing is allocated on the per-step path otherwise.
      for (const sink of logs.err === logs.out ? [logs.out] : [logs.out, logs.err]) {
        if (sink.writeError !== undefined) this.log.write("WARN", "Step log incomplete", { step: n.name, file: sink.path, error: sink.writeError });
      }
      n.finishedAt = formatTime(new Date());
      this.log.write(n.isFailed() ? "ERROR" : "INFO", "Step finished", { step: n.name, status: nodeStatusName(n.status), ...(n.error ? { error: n.error } : {}) });
      this.changed();
    }
  }

  private async attemptLoop(
    n: NodeState,
    exec: Awaited<NonNullable<ReturnType<typeof executorFor>>>,
    isHandler: boolean,
    io: {
      env: Record<string, string>;
      envLookup: VarLookup;
      cmdLookup: VarLookup;
      workingDir: string;
      shell: string[];
      fromStep: boolean;
      out: LogSink;
      err: LogSink;
    },
  ): Promise<void> {
    const step = n.step;
    // A shell gets only what Dagu substitutes itself (the rest is its job); other executors
    // see every variable, the DAG env included, in command, script and config.
    const viaShell = isShellType(step.executor.type);
    const subst = (s: string): string => expandVariables(s, viaShell ? io.cmdLookup : io.envLookup, this.stepRefs);
    // A template's text is Go template source: `$x` there is the template's, not ours (v2).
    const substScript = step.executor.type === "template" ? (s: string): string => s : subst;
    for (;;) {
      if (this.canceled && !isHandler) {
        n.status = NodeStatus.Aborted;
        return;
      }
      n.continueVerdict = undefined;
      n.error = undefined;
      io.out.newAttempt();
      const resolved: Step = {
        ...step,
        commands: step.commands.map((c) => ({ ...c, cmdWithArgs: subst(c.cmdWithArgs), args: c.args.map(subst) })),
        script: substScript(step.script),
        executor: { type: step.executor.type, config: substConfig(step.executor.config, subst) },
        ...(step.subDag ? { subDag: { name: subst(step.subDag.name), params: subst(step.subDag.params) } } : {}),
        ...(step.parallel
          ? {
              parallel: {
                ...step.parallel,
                ...(step.parallel.variable !== undefined ? { variable: subst(step.parallel.variable) } : {}),
                items: step.parallel.items.map((i) =>
                  i.kind === "value" ? { kind: "value" as const, value: subst(i.value) } : { kind: "params" as const, params: Object.fromEntries(Object.entries(i.params).map(([k, v]) => [k, subst(v)])) },
                ),
              },
            }
          : {}),
      };
      // A dry run shows each step as written: nothing was resolved to run it (Dagu).
      if (!this.opts.dry) n.setResolvedStep(resolved);
      // The run's stop signal, unless the step needs its own (a timeout) or is a handler:
      // handlers are the cleanup after a stop or timeout, so that must not kill them.
      let stepTimedOut = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let signal = this.abortAll.signal;
      let unlink = (): void => {};
      if (isHandler || step.timeoutSec > 0) {
        const own = new AbortController();
        signal = own.signal;
        if (!isHandler) {
          const onRunAbort = (): void => own.abort();
          this.abortAll.signal.addEventListener("abort", onRunAbort, { once: true });
          unlink = () => this.abortAll.signal.removeEventListener("abort", onRunAbort);
        }
        if (step.timeoutSec > 0) {
          timer = setTimeout(() => {
            stepTimedOut = true;
            own.abort();
          }, step.timeoutSec * 1000);
        }
      }
      const started = Date.now();
      let result: ExecResult = this.opts.dry ? { ok: true } : await exec.run({
        step: resolved,
        env: io.env,
        workingDir: io.workingDir,
        shell: io.shell,
        shellFromStep: io.fromStep,
        stdout: io.out,
        stderr: io.err,
        signal,
        stopSignal: (step.signalOnStop ?? "SIGTERM") as NodeJS.Signals,
        killAfterMs: this.dag.maxCleanUpTimeSec * 1000,
        run: this.execRunContext,
        // Only sub-DAG steps get it: other steps pay nothing for linking child runs.
        ...(step.subDag ? { onSubRuns: (children: readonly SubRunRef[]) => this.linkSubRuns(n, children) } : {}),
      });
      if (timer) clearTimeout(timer);
      unlink();
      if (result.ok && step.output && io.out.captureOverflowed()) {
        result = { ok: false, exitCode: 0, error: `failed to capture output: output exceeded maximum size limit of ${this.dag.maxOutputSize} bytes` };
      }
      n.exitCode = result.ok ? 0 : result.exitCode;
      if (result.children) n.children = result.children;
      // Nothing ran when the executor failed to set up: Dagu captures no output then.
      if (step.output && !io.out.captureOverflowed() && (result.ok || !result.setupFailed)) n.outputs.set(step.output.name, io.out.capturedText());
      if (!result.ok) {
        const error = `failed to execute step "${n.name}": ${result.error}`;
        if (stepTimedOut) {
          n.status = NodeStatus.Failed;
          n.doneCount++;
          n.exitCode = 124;
          n.error = `step timed out after ${goSeconds(Date.now() - started)} (timeout: ${step.timeoutSec}s): context deadline exceeded`;
          this.lastError = n.error;
          return;
        }
        if (result.deadline) {
          // Dagu records an executor's own deadline as aborted, without the step prefix.
          n.status = NodeStatus.Aborted;
          n.error = result.error;
          this.lastError = result.error;
          return;
        }
        if (!isHandler && (this.dagTimedOut || this.canceled)) {
          n.status = NodeStatus.Aborted;
          // Stopped (`dagu stop`, a signal): Dagu's node already reads aborted and keeps its
          // executor's bare error ("signal: terminated"); a DAG timeout keeps the prefix.
          n.error = this.dagTimedOut ? error : result.error;
          if (this.dagTimedOut) this.lastError = "context deadline exceeded";
          return;
        }
        const retry = step.retryPolicy;
        const limit = retry ? Number(typeof retry.limit === "string" ? subst(retry.limit) : retry.limit) : 0;
        if (retry && n.retryCount < limit && (retry.exitCodes.length === 0 || retry.exitCodes.includes(n.exitCode))) {
          const interval = Number(typeof retry.intervalSec === "string" ? subst(retry.intervalSec) : retry.intervalSec) || 0;
          n.retryCount++;
          await sleep(backoffMs(interval, retry.backoff, retry.maxIntervalSec, n.retryCount - 1));
          n.retriedAt = formatTime(new Date());
          this.changed();
          continue;
        }
        n.status = NodeStatus.Failed;
        n.error = error;
        if (this.shouldContinue(n) && step.continueOn.markSuccess) {
          n.status = NodeStatus.Succeeded;
          n.error = undefined;
        } else this.lastError = error;
      }
      // Dagu counts executions of steps only; handlers keep 0.
      if (n.status !== NodeStatus.Aborted && !isHandler) n.doneCount++;
      if (step.repeatPolicy && !this.canceled && !isHandler && !this.opts.dry && (await this.shouldRepeat(n, result.ok, io))) {
        if (this.lastError === n.error) this.lastError = undefined;
        n.status = NodeStatus.Running;
        const rp = step.repeatPolicy;
        await sleep(backoffMs(rp.intervalSec, rp.backoff, rp.maxIntervalSec, n.doneCount));
        n.repeated = true;
        this.changed();
        continue;
      }
      if (n.status === NodeStatus.Running) n.status = result.ok && result.partial ? NodeStatus.PartiallySucceeded : NodeStatus.Succeeded;
      return;
    }
  }

  private async shouldRepeat(n: NodeState, ok: boolean, io: { env: Record<string, string>; envLookup: VarLookup; workingDir: string; shell: string[] }): Promise<boolean> {
    const rp = n.step.repeatPolicy;
    if (!rp) return false;
    if (rp.limit > 0 && n.doneCount >= rp.limit) return false;
    let met: boolean;
    if (rp.condition) {
      const lookup = chainLookup(n.outputs, io.envLookup);
      met = (await evalCondition(rp.condition, { shell: io.shell, env: io.env, cwd: io.workingDir, lookup, stepRef: this.stepRefs })).met;
    } else if (rp.exitCode.length > 0) met = rp.exitCode.includes(n.exitCode);
    else met = ok;
    return rp.mode === "while" ? met : !met;
  }

  // ---- status and handlers -------------------------------------------------------------

  computeStatus(): RunStatus {
    const all = this.nodes;
    const allOk = all.every((n) => n.status === NodeStatus.Succeeded || n.status === NodeStatus.Skipped || n.status === NodeStatus.PartiallySucceeded);
    if (this.canceled && !allOk) return RunStatus.Aborted;
    if (all.some((n) => n.status === NodeStatus.Rejected)) return RunStatus.Rejected;
    if (all.some((n) => n.status === NodeStatus.Waiting)) return RunStatus.Waiting;
    if (this.isPartialSuccess()) return RunStatus.PartiallySucceeded;
    if (this.lastError !== undefined) return RunStatus.Failed;
    return RunStatus.Succeeded;
  }

  private isPartialSuccess(): boolean {
    let failuresAllowed = false;
    let successes = false;
    for (const n of this.nodes) {
      if (n.status === NodeStatus.Failed && !this.shouldContinue(n)) return false;
    }
    for (const n of this.nodes) {
      if (n.status === NodeStatus.Succeeded) successes = true;
      else if (n.status === NodeStatus.Failed && this.shouldContinue(n) && !n.step.continueOn.markSuccess) failuresAllowed = true;
      else if (n.status === NodeStatus.PartiallySucceeded) {
        failuresAllowed = true;
        successes = true;
      }
    }
    return successes && failuresAllowed;
  }

  /** Run a handler step; returns false when it failed. */
  async runHandler(kind: HandlerKind): Promise<boolean> {
    const n = this.handlers.get(kind);
    if (!n || this.opts.dry) return true;
    n.status = NodeStatus.Running;
    this.changed();
    // The init handler runs before any step: the run is `running` then (Dagu).
    const status = kind === "init" ? RunStatus.Running : this.computeStatus();
    await this.executeNode(n, { extraEnv: { DAG_RUN_STATUS: runStatusName(status) } });
    if (n.isFailed()) {
      this.lastError = n.error ?? `handler ${handlerStepName[kind]} failed`;
      return false;
    }
    return true;
  }
}

/** Carry over the previous attempt's finished steps (status, times, logs, outputs). */
function restoreFrom(run: Run, resume: ResumeFrom): void {
  const previous = new Map(resume.previous.nodes.map((n) => [n.step.name, n] as const));
  for (const n of run.nodes) {
    const old = previous.get(n.name);
    if (!old) continue;
    const rerun = resume.step !== undefined ? n.name === resume.step : rerunStates.has(old.status);
    if (rerun) continue;
    n.status = old.status;
    n.startedAt = old.startedAt;
    n.finishedAt = old.finishedAt;
    n.stdoutPath = old.stdout;
    n.stderrPath = old.stderr;
    n.exitCode = old.exitCode ?? 0;
    n.children = old.children ?? [];
    n.doneCount = old.doneCount ?? 0;
    if (old.error) n.error = old.error;
    for (const [k, v] of Object.entries(old.outputVariables ?? {})) {
      if (k.startsWith("DAGU_")) continue;
      n.outputs.set(k, v.slice(v.indexOf("=") + 1));
    }
  }
}

function loadDotenv(run: Run): Record<string, string> {
  const out: Record<string, string> = {};
  const files = [".env", ...run.dag.dotenv.filter((f) => f !== ".env")];
  for (const f of files) {
    const candidates = isAbsolute(f) ? [f] : [join(run.workingDir, f), ...(run.dag.location ? [join(dirname(run.dag.location), f)] : [])];
    const path = candidates.find((c) => existsSync(c));
    if (!path) continue;
    try {
      // Values see only earlier keys of the same file (Dagu's dotenv reader).
      for (const [k, v] of parseDotenv(readFileSync(path, "utf8"))) out[k] = v;
    } catch (e) {
      // A malformed or unreadable dotenv file is skipped whole, with a warning, as Dagu does.
      run.log.write("WARN", "Failed to load .env file", { file: path, err: (e as Error).message });
    }
  }
  return out;
}

/** A run that cannot be recorded does not start: nothing would tell what its steps did. */
function notRecorded(why: string): DaguError {
  return new DaguError(`cannot record the run, so it was not started: ${why}`);
}

/** Run the DAG to the end and return its final record. */
export async function runDag(opts: RunDagOptions): Promise<RunRecord> {
  const run = new Run(opts);
  const { dag, store, paths } = opts;
  run.startedAt = new Date();
  // A DAG's own `logDir:` (relative to where the run was started, as in Dagu) replaces the logs folder.
  const logDir = dag.logDir ? { logDir: resolve(expandHome(dag.logDir, opts.processEnv)) } : {};
  run.attempt = opts.resume
    ? store.createAttempt(opts.resume.run, run.startedAt, logDir)
    : store.createRun(dag.name, opts.runId, run.startedAt, { checkUnique: opts.generatedRunId !== true, ...(opts.root ? { root: opts.root } : {}), ...logDir });
  if (opts.resume) restoreFrom(run, opts.resume);
  run.log = new RunLog(run.attempt.runLogFile);
  run.log.write("INFO", "DAG run started", { dag: dag.name, "run-id": opts.runId });
  const heartbeat = opts.dry ? undefined : new ProcHeartbeat(procFile(paths.procDir, dag.queue || dag.name, dag.name, run.startedAt, opts.runId));
  heartbeat?.start();
  const onStop = (): void => run.cancel();
  opts.stop.addEventListener("abort", onStop, { once: true });
  let dagTimer: ReturnType<typeof setTimeout> | undefined;
  try {
    try {
      run.attempt.writeDag(dag);
    } catch (e) {
      throw notRecorded((e as Error).message);
    }
    run.workingDir = dagWorkingDir(dag, opts.processEnv);
    // Created up front, as Dagu does: `stdout:` copies resolve against it before any step
    // has run there. A folder that cannot be made fails the steps that need it.
    if (!opts.dry) {
      try {
        mkdirSync(run.workingDir, { recursive: true });
      } catch {
        // Reported by the first step that runs there.
      }
    }
    run.dagShell = [dag.shell ?? defaultShell(opts.processEnv), ...(dag.shell ? dag.shellArgs : [])];
    const dotenv = loadDotenv(run);
    try {
      run.values = resolveDagValues(dag, opts.paramOverrides, { ...opts.processEnv, ...dotenv });
    } catch (e) {
      run.values = { params: [], paramVars: new Map(), env: [] };
      run.lastError = `failed to resolve params and env: ${(e as Error).message}`;
      run.status = RunStatus.Failed;
      run.finishedAt = new Date();
      return run.flushFinal();
    }
    const named = run.values.params.filter((p) => !p.positional);
    run.baseEnv = {
      // Later wins, as in Dagu: DAG env, then dotenv, then params.
      ...inheritedEnv(opts.processEnv),
      ...Object.fromEntries(run.values.env),
      ...dotenv,
      ...Object.fromEntries(named.map((p) => [p.name, p.value])),
      ...(named.length > 0 ? { DAGU_PARAMS_JSON: JSON.stringify(Object.fromEntries(named.map((p) => [p.name, p.value]))) } : {}),
      DAG_NAME: dag.name,
      DAG_RUN_ID: opts.runId,
      DAG_RUN_LOG_FILE: run.attempt.runLogFile,
    };
    const unrecorded = run.snapshot();
    if (unrecorded !== undefined) throw notRecorded(unrecorded);
    if (dag.timeoutSec > 0) {
      dagTimer = setTimeout(() => {
        run.dagTimedOut = true;
        run.lastError = "context deadline exceeded";
        run.abortAll.abort();
      }, dag.timeoutSec * 1000);
    }
    if (dag.preconditions.length > 0) {
      const lookup = chainLookup(run.values.paramVars, run.baseEnv);
      const r = await evalConditions(dag.preconditions, { shell: run.dagShell, env: run.baseEnv, cwd: run.workingDir, lookup });
      if (!r.met) run.cancel();
    }
    if (!run.canceled && run.handlers.has("init") && !(await run.runHandler("init"))) run.cancel();
    if (!run.canceled) await run.runSteps();
    if (dagTimer) clearTimeout(dagTimer);
    // Steps never reached after a DAG timeout end aborted.
    if (run.dagTimedOut) for (const n of run.nodes) if (n.status === NodeStatus.NotStarted) n.status = NodeStatus.Aborted;
    const status = run.computeStatus();
    const followUp: HandlerKind | undefined =
      status === RunStatus.Succeeded || status === RunStatus.PartiallySucceeded
        ? "success"
        : status === RunStatus.Failed || status === RunStatus.Rejected
          ? "failure"
          : status === RunStatus.Aborted
            ? "abort"
            : undefined;
    if (status === RunStatus.Waiting) await run.runHandler("wait");
    else {
      if (followUp) await run.runHandler(followUp);
      await run.runHandler("exit");
    }
    run.status = run.computeStatus();
    run.finishedAt = new Date();
    run.log.write("INFO", "DAG run finished", { status: runStatusName(run.status) });
    const record = run.flushFinal();
    try {
      writeOutputs(run, record);
    } catch (e) {
      // The run's own record is written; outputs.json lost to a full disk must not fail it.
      process.stderr.write(`warning: cannot write the outputs of the run: ${(e as Error).message}\n`);
    }
    return record;
  } finally {
    if (dagTimer) clearTimeout(dagTimer);
    opts.stop.removeEventListener("abort", onStop);
    heartbeat?.stop();
    run.log.close();
  }
}

function writeOutputs(run: Run, record: RunRecord): void {
  const outputs: Record<string, string> = {};
  for (const n of run.nodes) {
    const o = n.step.output;
    if (!o || o.omit) continue;
    const v = n.outputs.get(o.name);
    if (v !== undefined) outputs[o.key ?? camelKey(o.name)] = v;
  }
  if (Object.keys(outputs).length === 0) return;
  // As Go writes it: keys sorted (a map), `params` only when the run has some.
  const sorted = Object.fromEntries(Object.entries(outputs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  run.attempt.writeOutputs({
    metadata: {
      dagName: record.name,
      dagRunId: record.dagRunId,
      attemptId: record.attemptId,
      status: runStatusName(record.status),
      completedAt: record.finishedAt,
      ...(record.paramsList && record.paramsList.length > 0 ? { params: JSON.stringify(record.paramsList) } : {}),
    },
    outputs: sorted,
  });
}
