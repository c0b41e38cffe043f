/**
 * @module core/dag
 * The typed, immutable DAG model that `spec/` builds from YAML and every other module reads.
 * Field names follow Dagu's (so `dag.json` in a run record reads the same); durations are
 * kept in seconds as the YAML states them.
 */

export type DagType = "chain" | "graph";
export type OverlapPolicy = "skip" | "all" | "latest";
export type LogOutputMode = "separate" | "merged";

/** One cron entry: the expression as written (with any `CRON_TZ=`/`TZ=` prefix) and its zone. */
export interface Schedule {
  readonly expression: string;
  /** Cron fields without the zone prefix. */
  readonly cron: string;
  /** IANA zone from a `CRON_TZ=`/`TZ=` prefix, or undefined for the configured default. */
  readonly timezone?: string;
}

/** A precondition: a shell command (exit 0 = met) or a value compared with `expected`. */
export interface Condition {
  readonly condition: string;
  /** Literal line or `re:<regex>`; empty means "the command's exit status decides". */
  readonly expected: string;
  readonly negate: boolean;
}

export interface ContinueOn {
  readonly failure: boolean;
  readonly skipped: boolean;
  readonly exitCode: readonly number[];
  /** Literal substrings or `re:` patterns matched against stdout lines. */
  readonly output: readonly string[];
  readonly markSuccess: boolean;
}

export interface RetryPolicy {
  /** Extra attempts; a string when given as `${VAR}` and resolved at run time. */
  readonly limit: number | string;
  readonly intervalSec: number | string;
  readonly exitCodes: readonly number[];
  /** Multiplier (> 1) or 0 for constant intervals. */
  readonly backoff: number;
  readonly maxIntervalSec: number;
}

export type RepeatMode = "while" | "until";

export interface RepeatPolicy {
  readonly mode: RepeatMode;
  readonly condition?: Condition;
  readonly exitCode: readonly number[];
  readonly intervalSec: number;
  /** Total executions cap; 0 = unlimited. */
  readonly limit: number;
  readonly backoff: number;
  readonly maxIntervalSec: number;
}

/** A shell command split into program and arguments, plus the line as written. */
export interface CommandEntry {
  readonly command: string;
  readonly args: readonly string[];
  readonly cmdWithArgs: string;
}

export interface SubDagCall {
  /** DAG name, file path, or the name of a local DAG in the same file. */
  readonly name: string;
  /** Params as Dagu passes them to the child: `K="v" "positional"`. */
  readonly params: string;
}

export type ParallelItem =
  | { readonly kind: "value"; readonly value: string }
  | { readonly kind: "params"; readonly params: Readonly<Record<string, string>> };

export interface ParallelConfig {
  /** `${VAR}` holding a JSON array or whitespace-separated list, resolved at run time. */
  readonly variable?: string;
  readonly items: readonly ParallelItem[];
  readonly maxConcurrent: number;
}

export interface OutputSpec {
  readonly name: string;
  /** Key used in outputs.json; default is the camelCase of `name`. */
  readonly key?: string;
  readonly omit: boolean;
}

export type PullPolicy = "always" | "never" | "missing";

export interface Container {
  /** Exec into this existing container instead of creating one. */
  readonly exec?: string;
  readonly image?: string;
  readonly name?: string;
  readonly pullPolicy: PullPolicy;
  readonly env: readonly string[];
  readonly volumes: readonly string[];
  readonly user?: string;
  readonly workingDir?: string;
  readonly platform?: string;
  readonly ports: readonly string[];
  readonly network?: string;
  readonly keepContainer: boolean;
  readonly startup?: string;
  readonly command: readonly string[];
  readonly waitFor?: string;
  readonly logPattern?: string;
  readonly restartPolicy?: string;
}

export interface SshConfig {
  readonly user: string;
  readonly host: string;
  readonly port: string;
  readonly key: string;
  readonly password: string;
  readonly strictHostKey: boolean;
  readonly knownHostFile: string;
  readonly shell: string;
  readonly shellArgs: readonly string[];
}

export interface SmtpConfig {
  readonly host: string;
  readonly port: string;
  readonly username: string;
  readonly password: string;
}

export interface MailConfig {
  readonly from: string;
  readonly to: readonly string[];
  readonly prefix: string;
  readonly attachLogs: boolean;
}

export interface MailOn {
  readonly failure: boolean;
  readonly success: boolean;
  readonly wait: boolean;
}

export interface LlmConfig {
  readonly provider: string;
  readonly model: string;
  readonly system?: string;
  readonly temperature?: number;
  readonly maxTokens?: number;
  readonly topP?: number;
  readonly baseURL?: string;
  readonly apiKeyName?: string;
  readonly stream?: boolean;
  readonly thinking?: {
    readonly enabled: boolean;
    readonly effort: string;
    readonly budgetTokens?: number;
    readonly includeInOutput: boolean;
  };
}

export interface LlmMessage {
  readonly role: "system" | "user" | "assistant" | "tool";
  readonly content: string;
}

export interface SecretRef {
  readonly name: string;
  readonly provider: string;
  readonly key: string;
  readonly options: Readonly<Record<string, string>>;
}

export interface OTelConfig {
  readonly enabled: boolean;
  readonly endpoint: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly insecure: boolean;
  readonly timeout: string;
  readonly resource: Readonly<Record<string, unknown>>;
}

/** A plain JSON-like value from the YAML, as executors receive their `config`. */
export type ConfigValue = string | number | boolean | null | readonly ConfigValue[] | { readonly [k: string]: ConfigValue };

export interface ExecutorConfig {
  /** `""` is the default shell command executor. */
  readonly type: string;
  readonly config: Readonly<Record<string, ConfigValue>>;
}

export interface Step {
  readonly name: string;
  readonly id?: string;
  readonly description: string;
  readonly dir: string;
  readonly executor: ExecutorConfig;
  readonly commands: readonly CommandEntry[];
  readonly script: string;
  readonly shell: string;
  readonly shellArgs: readonly string[];
  readonly shellPackages: readonly string[];
  readonly stdout: string;
  readonly stderr: string;
  readonly logOutput?: LogOutputMode;
  readonly output?: OutputSpec;
  /** Dependencies by step name (ids already resolved to names). */
  readonly depends: readonly string[];
  /** `depends: []` was written: opt out of chain mode's implicit dependency. */
  readonly explicitlyNoDeps: boolean;
  readonly continueOn: ContinueOn;
  readonly retryPolicy?: RetryPolicy;
  readonly repeatPolicy?: RepeatPolicy;
  readonly mailOnError: boolean;
  readonly preconditions: readonly Condition[];
  readonly signalOnStop?: string;
  readonly subDag?: SubDagCall;
  readonly parallel?: ParallelConfig;
  /** Step params as key → value (for `call` they are also in `subDag.params`). */
  readonly params: Readonly<Record<string, string>>;
  readonly workerSelector: Readonly<Record<string, string>>;
  /** `KEY=value` entries, evaluated at run time. */
  readonly env: readonly string[];
  readonly timeoutSec: number;
  readonly container?: Container;
  readonly llm?: LlmConfig;
  readonly messages: readonly LlmMessage[];
}

export type HandlerKind = "init" | "success" | "failure" | "abort" | "exit" | "wait";

/** Handler steps; their names are Dagu's `onInit`, `onSuccess`, `onFailure`, `onCancel`, `onExit`, `onWait`. */
export type HandlerOn = Readonly<Partial<Record<HandlerKind, Step>>>;

export const handlerStepName: Readonly<Record<HandlerKind, string>> = {
  init: "onInit",
  success: "onSuccess",
  failure: "onFailure",
  abort: "onCancel",
  exit: "onExit",
  wait: "onWait",
};

/** One resolved parameter: positional ones are named "1", "2", … */
export interface ParamPair {
  readonly name: string;
  readonly value: string;
  /** True for positional params (no `NAME=`). */
  readonly positional: boolean;
}

export interface Dag {
  /** Absolute path of the file it was loaded from ("" for inline specs). */
  readonly location: string;
  readonly name: string;
  readonly group: string;
  readonly description: string;
  readonly type: DagType;
  readonly tags: readonly string[];
  /** `KEY=value` entries in declaration order, unevaluated. */
  readonly env: readonly string[];
  readonly dotenv: readonly string[];
  readonly workingDir: string;
  /** Set only when the YAML gives a DAG-level shell. */
  readonly shell?: string;
  readonly shellArgs: readonly string[];
  readonly schedule: readonly Schedule[];
  readonly stopSchedule: readonly Schedule[];
  readonly restartSchedule: readonly Schedule[];
  readonly skipIfSuccessful: boolean;
  /** What a scheduled tick does while a run of this DAG is active (Dagu v2): skip, all, latest. */
  readonly overlapPolicy: OverlapPolicy;
  /** How far back missed ticks are caught up after downtime (Dagu v2); 0 = no catch-up. */
  readonly catchupWindowSec: number;
  /** Default params as written, in order. */
  readonly params: readonly ParamPair[];
  /** The `params:` value as declared, for UI forms and `DAGU_PARAMS_JSON`. */
  readonly defaultParams: string;
  /** JSON schema (file path or URL) from `params: {schema: …}` that params must satisfy. */
  readonly paramsSchema?: string;
  readonly timeoutSec: number;
  readonly delaySec: number;
  readonly restartWaitSec: number;
  readonly maxActiveRuns: number;
  readonly maxActiveSteps: number;
  readonly maxCleanUpTimeSec: number;
  readonly histRetentionDays: number;
  readonly maxOutputSize: number;
  readonly queue: string;
  readonly logDir: string;
  readonly logOutput: LogOutputMode;
  readonly preconditions: readonly Condition[];
  readonly handlerOn: HandlerOn;
  readonly steps: readonly Step[];
  readonly smtp?: SmtpConfig;
  readonly mailOn?: MailOn;
  readonly errorMail?: MailConfig;
  readonly infoMail?: MailConfig;
  readonly waitMail?: MailConfig;
  readonly container?: Container;
  readonly registryAuths: Readonly<Record<string, { readonly username?: string; readonly password?: string; readonly auth?: string }>>;
  readonly ssh?: SshConfig;
  readonly llm?: LlmConfig;
  readonly secrets: readonly SecretRef[];
  readonly workerSelector: Readonly<Record<string, string>>;
  readonly runConfig?: { readonly disableParamEdit: boolean; readonly disableRunIdEdit: boolean };
  readonly otel?: OTelConfig;
  /** Other DAGs defined in the same file after `---`, by name. */
  readonly localDags: Readonly<Record<string, Dag>>;
}

/** Defaults Dagu applies when a key is absent. */
export const dagDefaults = {
  maxActiveRuns: 1,
  maxCleanUpTimeSec: 5,
  histRetentionDays: 30,
  maxOutputSize: 1024 * 1024,
  parallelMaxConcurrent: 10,
  dagNameMaxLength: 40,
  stepNameMaxLength: 40,
} as const;
