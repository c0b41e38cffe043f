/**
 * @module spec/step-builder
 * One step's YAML map → a typed `Step`, with every check Dagu makes on a step: field types,
 * unknown keys, executor selection (`type`/`config`, legacy `executor`, `call`, container,
 * DAG-level container/ssh), which fields the chosen executor accepts, and executor-specific
 * rules (a shell step needs a command, script or call; archive needs an operation; …).
 */
import type { CommandEntry, ConfigValue, LlmConfig, LlmMessage, ParallelConfig, ParallelItem, Step, SubDagCall } from "../core/dag.ts";
import { dagDefaults } from "../core/dag.ts";
import { capabilitiesOf, isKnownExecutorType } from "../core/executor-types.ts";
import { splitCommand } from "./command-line.ts";
import {
  parseContainer,
  parseContinueOn,
  parseEnv,
  parseOutput,
  parsePreconditions,
  parseRepeatPolicy,
  parseRetryPolicy,
  parseShell,
} from "./field-parsers.ts";
import { parseLlm } from "./llm-spec.ts";
import { parseRouterFields } from "./router-spec.ts";
import { describe, type IssueList, join, MapReader } from "./node-reader.ts";
import { escapeParams } from "../core/param-syntax.ts";
import { parseParamNode } from "./params.ts";
import { weakField, weakString, weakStringList } from "./weak-decode.ts";
import { toPlain, type YMap, type YNode } from "./yaml-nodes.ts";

export const stepKeys = [
  "name", "id", "description", "workingDir", "dir", "executor", "command", "shell", "shellPackages", "script",
  "stdout", "stderr", "logOutput", "output", "depends", "continueOn", "retryPolicy", "repeatPolicy", "mailOnError",
  "precondition", "preconditions", "signalOnStop", "call", "run", "params", "parallel", "workerSelector", "env",
  "timeoutSec", "container", "type", "config", "llm", "messages",
  // Keys of Dagu v2 step types (router, template); unknown on every other step, as in 1.30.
  "value", "routes", "with",
] as const;

/** Signal names Dagu accepts for `signalOnStop` (POSIX names on Unix). */
const signals = new Set([
  "SIGABRT", "SIGALRM", "SIGBUS", "SIGCHLD", "SIGCONT", "SIGFPE", "SIGHUP", "SIGILL", "SIGINT", "SIGIO", "SIGKILL",
  "SIGPIPE", "SIGPROF", "SIGQUIT", "SIGSEGV", "SIGSTOP", "SIGSYS", "SIGTERM", "SIGTRAP", "SIGTSTP", "SIGTTIN",
  "SIGTTOU", "SIGURG", "SIGUSR1", "SIGUSR2", "SIGVTALRM", "SIGWINCH", "SIGXCPU", "SIGXFSZ",
]);

const llmRoles = new Set(["system", "user", "assistant", "tool"]);

export interface StepContext {
  readonly issues: IssueList;
  /** The DAG has a `container:`: steps without a type run in it. */
  readonly dagContainer: boolean;
  /** The DAG has `ssh:`: steps without a type run over SSH. */
  readonly dagSsh: boolean;
  readonly dagLlm?: LlmConfig;
}

/** The step plus what the DAG builder needs for naming and chaining. */
export interface BuiltStep {
  readonly step: Step;
  readonly node: YMap;
}

function parseCommands(node: YNode | undefined, path: string, issues: IssueList): { commands: CommandEntry[]; script?: string } {
  if (node === undefined || (node.kind === "scalar" && node.value === null)) return { commands: [] };
  const entry = (line: string, at: string): CommandEntry | undefined => {
    const split = splitCommand(line);
    if (!split) {
      issues.add(node.pos, at, "failed to parse command: command is empty");
      return undefined;
    }
    return { command: split.command.trim(), args: split.args, cmdWithArgs: line };
  };
  if (node.kind === "scalar" && typeof node.value === "string") {
    const line = node.value.trim();
    if (line === "") {
      issues.add(node.pos, path, "step command is empty");
      return { commands: [] };
    }
    // A multi-line command is a script.
    if (line.includes("\n")) return { commands: [], script: line };
    const e = entry(line, path);
    return { commands: e ? [e] : [] };
  }
  if (node.kind === "seq") {
    const commands: CommandEntry[] = [];
    node.items.forEach((item, i) => {
      if (item.kind !== "scalar" || item.value === null) {
        issues.add(item.pos, join(path, i), `command list items must be strings, got ${describe(item)}`);
        return;
      }
      const line = String(item.value).trim();
      if (line === "") return;
      const e = entry(line, join(path, i));
      if (e) commands.push(e);
    });
    if (commands.length === 0 && node.items.every((i) => i.kind === "scalar")) issues.add(node.pos, path, "step command is empty");
    return { commands };
  }
  issues.add(node.pos, path, `must be a string or a list of strings, got ${describe(node)}`);
  return { commands: [] };
}

function parseParallelItems(items: readonly YNode[], path: string, issues: IssueList): ParallelItem[] {
  const out: ParallelItem[] = [];
  items.forEach((item, i) => {
    if (item.kind === "scalar" && (typeof item.value === "string" || typeof item.value === "number")) {
      out.push({ kind: "value", value: String(item.value) });
    } else if (item.kind === "map") {
      const params: Record<string, string> = {};
      for (const e of item.entries) {
        const v = e.value;
        if (v.kind === "scalar" && v.value !== null) params[e.key] = String(v.value);
        else issues.add(v.pos, join(join(path, i), e.key), `parameter values must be strings, numbers, or booleans, got ${describe(v)}`);
      }
      out.push({ kind: "params", params });
    } else issues.add(item.pos, join(path, i), `parallel items must be strings, numbers, or maps, got ${describe(item)}`);
  });
  return out;
}

function parseParallel(node: YNode | undefined, path: string, issues: IssueList): ParallelConfig | undefined {
  if (node === undefined || (node.kind === "scalar" && node.value === null)) return undefined;
  const maxConcurrent = dagDefaults.parallelMaxConcurrent;
  if (node.kind === "scalar" && typeof node.value === "string") return { variable: node.value, items: [], maxConcurrent };
  if (node.kind === "seq") return { items: parseParallelItems(node.items, path, issues), maxConcurrent };
  if (node.kind === "map") {
    let variable: string | undefined;
    let items: ParallelItem[] = [];
    let max: number = maxConcurrent;
    // Dagu reads only these two keys and ignores the rest.
    for (const e of node.entries) {
      if (e.key === "items") {
        if (e.value.kind === "scalar" && typeof e.value.value === "string") variable = e.value.value;
        else if (e.value.kind === "seq") items = parseParallelItems(e.value.items, join(path, "items"), issues);
        else issues.add(e.value.pos, join(path, "items"), `must be a string or a list, got ${describe(e.value)}`);
      } else if (e.key === "maxConcurrent") {
        if (e.value.kind === "scalar" && typeof e.value.value === "number") max = Math.trunc(e.value.value);
        else issues.add(e.value.pos, join(path, "maxConcurrent"), `must be an integer, got ${describe(e.value)}`);
      }
    }
    return variable === undefined ? { items, maxConcurrent: max } : { variable, items, maxConcurrent: max };
  }
  issues.add(node.pos, path, `must be a string, a list or a map, got ${describe(node)}`);
  return undefined;
}

function parseMessages(node: YNode | undefined, path: string, issues: IssueList): LlmMessage[] {
  if (node === undefined || (node.kind === "scalar" && node.value === null)) return [];
  if (node.kind !== "seq") {
    issues.add(node.pos, path, `must be a list of messages, got ${describe(node)}`);
    return [];
  }
  const out: LlmMessage[] = [];
  node.items.forEach((item, i) => {
    const at = join(path, i);
    if (item.kind !== "map") {
      issues.add(item.pos, at, `must be a map with role and content, got ${describe(item)}`);
      return;
    }
    const r = new MapReader(item, at, issues, ["role", "content"]);
    const role = r.string("role") ?? "";
    const content = r.string("content") ?? "";
    if (role === "") r.error("role", "role is required");
    else if (!llmRoles.has(role)) r.error("role", `invalid role "${role}": must be one of: system, user, assistant, tool`);
    if (content === "") r.error("content", "content is required");
    if (llmRoles.has(role) && content !== "") out.push({ role: role as LlmMessage["role"], content });
  });
  return out;
}

function parseLegacyExecutor(r: MapReader): { type?: string; config: Record<string, ConfigValue> } {
  const node = r.get("executor");
  if (node === undefined) return { config: {} };
  if (node.kind === "scalar" && typeof node.value === "string") return { type: node.value.trim(), config: {} };
  if (node.kind !== "map") {
    r.error("executor", `must be a string or a map with type and config, got ${describe(node)}`);
    return { config: {} };
  }
  let type: string | undefined;
  let config: Record<string, ConfigValue> = {};
  for (const e of node.entries) {
    if (e.key === "type") {
      if (e.value.kind === "scalar" && typeof e.value.value === "string") type = e.value.value.trim();
      else r.issues.add(e.value.pos, join(r.at("executor"), "type"), "executor.type value must be a string");
    } else if (e.key === "config") {
      if (e.value.kind === "map") config = toPlain(e.value) as Record<string, ConfigValue>;
      else r.issues.add(e.value.pos, join(r.at("executor"), "config"), "executor.config value must be a map");
    } else r.issues.add(e.keyPos, join(r.at("executor"), e.key), `executor has invalid key "${e.key}" (expected type, config)`);
  }
  return type === undefined ? { config } : { type, config };
}

export interface StepOptions {
  /** The name from a `steps:` map key or a handler (onExit, …); overrides `name:`. */
  readonly name?: string;
  /**
   * Handler steps skip the checks Dagu makes only on the steps list (a command is required,
   * archive/hitl rules, parallel rules), as Dagu 1.30 does: `handlerOn.exit: {}` is valid.
   */
  readonly handler?: boolean;
}

/** Build one step. */
export function buildStep(node: YMap, path: string, ctx: StepContext, opts: StepOptions = {}): BuiltStep {
  const forcedName = opts.name;
  const { issues } = ctx;
  const r = new MapReader(node, path, issues, stepKeys);
  const name = forcedName ?? r.string("name")?.trim() ?? "";
  const id = r.string("id")?.trim() ?? "";
  const description = r.string("description")?.trim() ?? "";
  const dir = (r.string("workingDir") || r.string("dir") || "").trim();
  const shell = parseShell(r.get("shell"), r.at("shell"), issues);
  const shellPackages = r.stringList("shellPackages") ?? [];
  let script = r.string("script")?.trim() ?? "";
  const stdout = r.string("stdout")?.trim() ?? "";
  const stderr = r.string("stderr")?.trim() ?? "";
  const logOutputRaw = r.string("logOutput");
  let logOutput: "separate" | "merged" | undefined;
  if (logOutputRaw !== undefined) {
    const v = logOutputRaw.trim().toLowerCase();
    if (v === "merged") logOutput = "merged";
    else if (v === "separate" || v === "") logOutput = "separate";
    else r.error("logOutput", `invalid logOutput value "${logOutputRaw}" (must be 'separate' or 'merged')`);
  }
  const output = parseOutput(r.get("output"), r.at("output"), issues);
  const dependsList = r.stringOrList("depends");
  const continueOn = parseContinueOn(r.get("continueOn"), r.at("continueOn"), issues);
  const retryNode = r.map("retryPolicy");
  const retryPolicy = retryNode ? parseRetryPolicy(retryNode, r.at("retryPolicy"), issues) : undefined;
  const repeatNode = r.map("repeatPolicy");
  const repeatPolicy = repeatNode ? parseRepeatPolicy(repeatNode, r.at("repeatPolicy"), issues) : undefined;
  const mailOnError = r.bool("mailOnError") ?? false;
  const preconditions = [
    ...parsePreconditions(r.get("preconditions"), r.at("preconditions"), issues),
    ...parsePreconditions(r.get("precondition"), r.at("precondition"), issues),
  ];
  const signalOnStop = r.string("signalOnStop");
  if (signalOnStop !== undefined && !signals.has(signalOnStop)) r.error("signalOnStop", `invalid signal: ${signalOnStop}`);
  const env = parseEnv(r.get("env"), r.at("env"), issues) ?? [];
  const timeoutSec = r.int("timeoutSec") ?? 0;
  if (timeoutSec < 0) r.error("timeoutSec", "timeoutSec must be >= 0");
  const workerSelector = r.stringMap("workerSelector") ?? {};
  const container = parseContainer(r.get("container"), r.at("container"), issues);
  const parallel = parseParallel(r.get("parallel"), r.at("parallel"), issues);
  const messages = parseMessages(r.get("messages"), r.at("messages"), issues);

  // Params: a map for the step, and the escaped string a `call` passes to the child.
  let params: Record<string, string> = {};
  let paramsString = "";
  const paramsNode = r.get("params");
  if (paramsNode) {
    const parsed = parseParamNode(paramsNode);
    if (parsed.ok) {
      params = Object.fromEntries(parsed.params.map((p) => [p.name, p.value]));
      paramsString = escapeParams(parsed.params);
    } else issues.add(parsed.node.pos, r.at("params"), parsed.error);
  }

  // Executor selection, in Dagu's order of precedence.
  const typeField = r.string("type")?.trim() ?? "";
  const configNode = r.get("config");
  let config: Record<string, ConfigValue> = {};
  if (configNode) {
    if (configNode.kind === "map") config = toPlain(configNode) as Record<string, ConfigValue>;
    else r.error("config", `must be a map, got ${describe(configNode)}`);
  }
  const usesNewForm = typeField !== "" || Object.keys(config).length > 0;
  if (usesNewForm && r.has("executor")) {
    r.error(typeField !== "" ? "type" : "config", "cannot use both 'type'/'config' and 'executor'; use 'type' + 'config' instead");
  }
  const callName = (r.string("call") ?? "").trim() || (r.string("run") ?? "").trim();
  const subDag: SubDagCall | undefined = callName ? { name: callName, params: paramsString } : undefined;
  let type = subDag ? (parallel ? "parallel" : "dag") : "";
  if (typeField !== "") type = typeField;
  const legacy = parseLegacyExecutor(r);
  if (legacy.type !== undefined && type === "") type = legacy.type;
  for (const [k, v] of Object.entries(legacy.config)) if (config[k] === undefined) config[k] = v;
  if (type === "" && container) type = "docker";
  else if (type === "" && ctx.dagContainer) type = "container";
  else if (type === "" && ctx.dagSsh) type = "ssh";

  // v2-only step types: `with:` is their config (not with `config:`), router reads value/routes.
  const v2Type = type === "router" || type === "template";
  const withEntry = node.entries.find((e) => e.key.toLowerCase() === "with");
  if (withEntry && !v2Type) issues.add(withEntry.keyPos, r.at(withEntry.key), `unknown key "${withEntry.key}"`);
  else if (withEntry && r.has("with")) {
    if (r.has("config")) r.error("with", `fields "with" and "config" cannot be used together; use "with"`);
    else if (withEntry.value.kind === "map") config = toPlain(withEntry.value) as Record<string, ConfigValue>;
    else r.error("with", `must be a map, got ${describe(withEntry.value)}`);
  }
  const routerConfig = parseRouterFields(r, type);
  if (routerConfig) config = { ...config, ...routerConfig };

  const caps = capabilitiesOf(type);

  const llmNode = r.map("llm");
  const stepLlm = llmNode ? parseLlm(llmNode, r.at("llm"), issues, "step") : undefined;
  const llm = caps.llm ? (stepLlm ?? ctx.dagLlm) : undefined;

  const cmd = parseCommands(r.get("command"), r.at("command"), issues);
  if (cmd.script !== undefined) script = cmd.script;
  const commands = cmd.commands;

  // What the chosen executor accepts. An unknown type accepts nothing, as in Dagu.
  const known = isKnownExecutorType(type);
  const reject = (key: string, what: string): void => {
    if (known) r.error(key, `executor type "${type || "command"}" does not support ${what}`);
    else r.error(r.has("type") ? "type" : "executor", `unknown executor type "${type}" (cannot run ${what})`);
  };
  if (commands.length > 0 && !caps.command) reject("command", "the command field");
  if (commands.length > 1 && caps.command && !caps.multipleCommands) reject("command", "multiple commands (only a single command)");
  if (script !== "" && !caps.script) reject(r.has("script") ? "script" : "command", "the script field");
  if ((shell || shellPackages.length > 0) && !caps.shell) reject("shell", "shell configuration");
  if (container && !caps.container) reject("container", "the container field");
  if (subDag && !caps.subDag) reject(r.has("call") ? "call" : "run", "sub-DAG execution");
  if (Object.keys(workerSelector).length > 0 && !caps.workerSelector) reject("workerSelector", "the workerSelector field");
  if (messages.length > 0 && !caps.llm) reject("messages", "the messages field; use type: chat");
  if (caps.llm && llm) {
    if (!llm.provider) r.error("llm", "llm.provider is required (set at DAG or step level)");
    if (!llm.model) r.error("llm", "llm.model is required (set at DAG or step level)");
    if (messages.length === 0) issues.add(node.pos, r.at("messages"), "at least one message is required");
  }
  if (stdout !== "" && stdout === stderr) {
    r.error("stderr", `stdout and stderr cannot point to the same file "${stdout}"; use 'logOutput: merged' instead`);
  }
  const step: Step = {
    name,
    ...(id ? { id } : {}),
    description,
    dir,
    executor: { type, config },
    commands,
    script,
    shell: shell?.shell ?? "",
    shellArgs: shell?.args ?? [],
    shellPackages,
    stdout,
    stderr,
    ...(logOutput ? { logOutput } : {}),
    ...(output ? { output } : {}),
    depends: dependsList ?? [],
    explicitlyNoDeps: dependsList !== undefined && dependsList.length === 0,
    continueOn,
    ...(retryPolicy ? { retryPolicy } : {}),
    ...(repeatPolicy ? { repeatPolicy } : {}),
    mailOnError,
    preconditions,
    ...(signalOnStop ? { signalOnStop } : {}),
    ...(subDag ? { subDag } : {}),
    ...(parallel ? { parallel } : {}),
    params,
    workerSelector,
    env,
    timeoutSec: Math.max(0, timeoutSec),
    ...(container ? { container } : {}),
    ...(llm ? { llm } : {}),
    messages,
  };
  if (!opts.handler) checkListStep(step, r, configNode ?? node);
  return { step, node };
}

/** Checks Dagu makes only on steps of the steps list (its executor validators and parallel rules). */
function checkListStep(step: Step, r: MapReader, configNode: YNode): void {
  const type = step.executor.type;
  if (capabilitiesOf(type).requiresCommand && step.commands.length === 0 && step.script === "" && !step.subDag && !r.has("command")) {
    r.issues.add(r.node.pos, r.path, "step must have a command, a script, or a call to a sub-DAG");
  }
  if (type === "archive" && (step.commands[0]?.command.trim() ?? "") === "") {
    r.issues.add(r.node.pos, r.at("command"), "archive step requires a command (create, extract or list)");
  }
  if (type === "hitl") checkHitlConfig(configNode, r.at("config"), r.issues);
  if (type === "template" && step.script === "") r.issues.add(r.node.pos, r.at("script"), "template executor requires a script field");
  const { parallel } = step;
  if (parallel) {
    if (!step.subDag) r.error("parallel", "parallel execution is only supported for sub-DAGs (the step must have 'call')");
    if (parallel.maxConcurrent <= 0) r.error("parallel", "maxConcurrent must be greater than 0");
    if (parallel.items.length === 0 && !parallel.variable) r.error("parallel", "parallel must have either items or a variable reference");
  }
}

/** The hitl config, decoded weakly as Dagu does: every `required` name must be an `input`. */
function checkHitlConfig(configNode: YNode, path: string, issues: IssueList): void {
  if (configNode.kind !== "map") return;
  weakString(weakField(configNode, "prompt"), join(path, "prompt"), issues);
  const input = weakStringList(weakField(configNode, "input"), join(path, "input"), issues);
  for (const req of weakStringList(weakField(configNode, "required"), join(path, "required"), issues)) {
    if (!input.includes(req)) issues.add(configNode.pos, join(path, "required"), `required field "${req}" is not in input list`);
  }
}
