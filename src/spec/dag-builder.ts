/**
 * @module spec/dag-builder
 * One YAML document → a typed `Dag`: DAG-level keys, handlers, steps in list (chain/graph,
 * bare strings, parallel groups) or map form, generated step names, and the whole-graph
 * checks (unique names and ids, known dependencies, no cycles).
 */
import type { Dag, DagType, HandlerKind, HandlerOn, MailConfig, Schedule, SecretRef, SshConfig, Step } from "../core/dag.ts";
import { dagDefaults, handlerStepName } from "../core/dag.ts";
import { findCycle } from "../core/step-graph.ts";
import { parseCron } from "./cron-expression.ts";
import { parseContainer, parseEnv, parsePreconditions, parseShell } from "./field-parsers.ts";
import { parseLlm } from "./llm-spec.ts";
import { describe, type IssueList, join, MapReader } from "./node-reader.ts";
import { escapeParams, numberParams } from "../core/param-syntax.ts";
import { parseParamNode } from "./params.ts";
import { transformRouters } from "./router-spec.ts";
import { type BuiltStep, buildStep, type StepContext } from "./step-builder.ts";
import type { YMap, YNode } from "./yaml-nodes.ts";

export const dagKeys = [
  "name", "group", "description", "type", "shell", "workingDir", "dotenv", "schedule", "skipIfSuccessful", "logDir",
  "logOutput", "env", "handlerOn", "steps", "smtp", "mailOn", "errorMail", "infoMail", "waitMail", "timeoutSec",
  "delaySec", "restartWaitSec", "histRetentionDays", "precondition", "preconditions", "maxActiveRuns",
  "maxActiveSteps", "params", "maxCleanUpTimeSec", "tags", "queue", "maxOutputSize", "otel", "workerSelector",
  "container", "runConfig", "registryAuths", "ssh", "llm", "secrets",
  // Scheduling keys of Dagu v2 (not in 1.30), accepted in both spellings v2 reads.
  "overlapPolicy", "overlap_policy", "catchupWindow", "catchup_window",
] as const;

/** Keys of later Dagu releases that 1.30 files cannot use; named in the error so users know why. */
const laterReleaseKeys = new Set(["defaults", "labels", "histretentionruns"]);

const nameRe = /^[a-zA-Z0-9_.-]+$/;
const stepIdRe = /^[a-zA-Z][a-zA-Z0-9_-]*$/;
const reservedIds = new Set(["env", "params", "args", "stdout", "stderr", "output", "outputs"]);

export interface BuildContext {
  readonly file: string;
  readonly issues: IssueList;
  /** Position of the document in its file: only the first may take its name from the file. */
  readonly index: number;
  /** `--name` from the CLI. */
  readonly nameOverride?: string;
}

function defaultName(file: string): string {
  const base = file.split("/").pop() ?? "";
  return base.replace(/\.[^.]*$/, "");
}

function parseSchedules(node: YNode | undefined, path: string, issues: IssueList): { start: Schedule[]; stop: Schedule[]; restart: Schedule[] } {
  const out = { start: [] as Schedule[], stop: [] as Schedule[], restart: [] as Schedule[] };
  if (node === undefined) return out;
  const entries = (n: YNode, at: string): Schedule[] => {
    const one = (s: YNode, p: string): Schedule[] => {
      if (s.kind !== "scalar" || typeof s.value !== "string") {
        issues.add(s.pos, p, `must be a cron expression string, got ${describe(s)}`);
        return [];
      }
      const parsed = parseCron(s.value);
      if (!parsed.ok) {
        issues.add(s.pos, p, `invalid cron expression "${s.value}": ${parsed.error}`);
        return [];
      }
      return [{ expression: s.value, ...parsed.value }];
    };
    if (n.kind === "seq") return n.items.flatMap((s, i) => one(s, join(at, i)));
    return one(n, at);
  };
  if (node.kind === "map") {
    for (const e of node.entries) {
      const at = join(path, e.key);
      if (e.key === "start" || e.key === "stop" || e.key === "restart") out[e.key] = entries(e.value, at);
      else issues.add(e.keyPos, at, `unknown key "${e.key}" (expected start, stop, or restart)`);
    }
    return out;
  }
  // Only a top-level empty string means "no schedule"; an empty entry anywhere else is an error.
  if (node.kind === "scalar" && node.value === "") return out;
  out.start = entries(node, path);
  return out;
}

function parseMail(r: MapReader, key: string): MailConfig | undefined {
  const node = r.map(key);
  if (!node) return undefined;
  const m = new MapReader(node, r.at(key), r.issues, ["from", "to", "prefix", "attachLogs"]);
  return {
    from: m.string("from")?.trim() ?? "",
    to: (m.stringOrList("to") ?? []).map((t) => t.trim()).filter((t) => t !== ""),
    prefix: m.string("prefix")?.trim() ?? "",
    attachLogs: m.bool("attachLogs") ?? false,
  };
}

function parsePort(r: MapReader, key: string): string {
  const n = r.get(key);
  if (n === undefined) return "";
  if (n.kind === "scalar" && typeof n.value === "string") return n.value;
  // Dagu's YAML reader gives negative integers a type its port parser rejects; floats pass.
  if (n.kind === "scalar" && typeof n.value === "number" && Number.isInteger(n.value) && (n.value >= 0 || n.isFloat)) return String(n.value);
  r.error(key, `port must be a string or an integer, got ${describe(n)}`);
  return "";
}

function parseSsh(r: MapReader): SshConfig | undefined {
  const node = r.map("ssh");
  if (!node) return undefined;
  const s = new MapReader(node, r.at("ssh"), r.issues, ["user", "host", "port", "key", "password", "strictHostKey", "knownHostFile", "shell"]);
  const shell = parseShell(s.get("shell"), s.at("shell"), r.issues);
  return {
    user: s.string("user") ?? "",
    host: s.string("host") ?? "",
    port: parsePort(s, "port") || "22",
    key: s.string("key") ?? "",
    password: s.string("password") ?? "",
    strictHostKey: s.bool("strictHostKey") ?? true,
    knownHostFile: s.string("knownHostFile") ?? "",
    shell: shell?.shell ?? "",
    shellArgs: shell?.args ?? [],
  };
}

function parseSecrets(r: MapReader): SecretRef[] {
  const node = r.get("secrets");
  if (!node) return [];
  if (node.kind !== "seq") {
    r.error("secrets", `must be a list of {name, provider, key}, got ${describe(node)}`);
    return [];
  }
  const seen = new Set<string>();
  const out: SecretRef[] = [];
  node.items.forEach((item, i) => {
    const at = join(r.at("secrets"), i);
    if (item.kind !== "map") {
      r.issues.add(item.pos, at, `must be a map with name, provider and key, got ${describe(item)}`);
      return;
    }
    const s = new MapReader(item, at, r.issues, ["name", "provider", "key", "options"]);
    const name = s.string("name") ?? "";
    const provider = s.string("provider") ?? "";
    const key = s.string("key") ?? "";
    const options = s.stringMap("options") ?? {};
    for (const [field, v] of [["name", name], ["provider", provider], ["key", key]] as const) {
      if (v === "") r.issues.add(item.pos, join(at, field), `secret at index ${i}: '${field}' field is required`);
    }
    if (name !== "" && seen.has(name)) r.issues.add(item.pos, join(at, "name"), `duplicate secret name "${name}"`);
    seen.add(name);
    out.push({ name, provider, key, options });
  });
  return out;
}

const goDuration = /^[+-]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$|^[+-]?0$/;

function parseOtel(r: MapReader): Dag["otel"] {
  const node = r.get("otel");
  if (!node) return undefined;
  if (node.kind !== "map") {
    r.error("otel", "otel must be a map");
    return undefined;
  }
  const get = (k: string): YNode | undefined => node.entries.find((e) => e.key === k)?.value;
  const str = (k: string): string => {
    const v = get(k);
    return v?.kind === "scalar" && typeof v.value === "string" ? v.value : "";
  };
  const timeout = str("timeout");
  if (timeout !== "" && !goDuration.test(timeout)) r.issues.add(get("timeout")?.pos ?? node.pos, join(r.at("otel"), "timeout"), `invalid duration "${timeout}"`);
  const headersNode = get("headers");
  const headers: Record<string, string> = {};
  if (headersNode?.kind === "map") for (const e of headersNode.entries) if (e.value.kind === "scalar" && typeof e.value.value === "string") headers[e.key] = e.value.value;
  const enabled = get("enabled");
  const insecure = get("insecure");
  const resource = get("resource");
  return {
    enabled: enabled?.kind === "scalar" && enabled.value === true,
    endpoint: str("endpoint"),
    headers,
    insecure: insecure?.kind === "scalar" && insecure.value === true,
    timeout,
    resource: resource?.kind === "map" ? Object.fromEntries(resource.entries.map((e) => [e.key, e.value.kind === "scalar" ? e.value.value : null])) : {},
  };
}

function parseRegistryAuths(r: MapReader): Dag["registryAuths"] {
  const node = r.get("registryAuths");
  if (!node) return {};
  if (node.kind === "scalar" && typeof node.value === "string") return { _json: { auth: node.value } };
  if (node.kind !== "map") {
    r.error("registryAuths", `must be a JSON string or a map of registry → credentials, got ${describe(node)}`);
    return {};
  }
  const out: Record<string, { username?: string; password?: string; auth?: string }> = {};
  for (const e of node.entries) {
    const v = e.value;
    if (v.kind === "scalar" && typeof v.value === "string") out[e.key] = { auth: v.value };
    else if (v.kind === "map") {
      const pick = (k: string): string | undefined => {
        const x = v.entries.find((en) => en.key === k)?.value;
        return x?.kind === "scalar" && typeof x.value === "string" ? x.value : undefined;
      };
      const [username, password, auth] = [pick("username"), pick("password"), pick("auth")];
      out[e.key] = { ...(username ? { username } : {}), ...(password ? { password } : {}), ...(auth ? { auth } : {}) };
    } else out[e.key] = {};
  }
  return out;
}

/** The step a generated name is derived from: `cmd_3`, `dag_1`, `http_2`, … (1-based list index). */
function generatedName(step: Step, index: number, taken: Set<string>): string {
  const prefix =
    step.executor.type !== ""
      ? step.executor.type
      : step.container
        ? "docker"
        : step.parallel
          ? "parallel"
          : step.subDag
            ? "dag"
            : step.script !== ""
              ? "script"
              : step.commands.length > 0
                ? "cmd"
                : "step";
  let n = index + 1;
  while (taken.has(`${prefix}_${n}`)) n++;
  const name = `${prefix}_${n}`;
  taken.add(name);
  return name;
}

interface PlacedStep extends BuiltStep {
  readonly path: string;
}

function buildSteps(node: YNode | undefined, dagType: DagType, ctx: StepContext): PlacedStep[] {
  const { issues } = ctx;
  if (node === undefined) return [];
  if (node.kind === "map") {
    return node.entries.flatMap((e): PlacedStep[] => {
      const path = join("steps", e.key);
      if (e.value.kind === "scalar" && e.value.value === null) {
        const empty: YMap = { kind: "map", pos: e.keyPos, entries: [] };
        return [{ ...buildStep(empty, path, ctx, { name: e.key }), path }];
      }
      if (e.value.kind !== "map") {
        issues.add(e.value.pos, path, `a step must be a map, got ${describe(e.value)}`);
        return [];
      }
      return [{ ...buildStep(e.value, path, ctx, { name: e.key }), path }];
    });
  }
  if (node.kind !== "seq") {
    issues.add(node.pos, "steps", `steps must be a list or a map, got ${describe(node)}`);
    return [];
  }
  const taken = new Set<string>();
  const asMap = (n: YNode): YMap | undefined =>
    n.kind === "map" ? n : n.kind === "scalar" && typeof n.value === "string" ? { kind: "map", pos: n.pos, entries: [{ key: "command", keyPos: n.pos, value: n }] } : undefined;
  const placed: PlacedStep[] = [];
  let previous: Step[] = [];
  const chain = (step: Step): Step => {
    if (dagType !== "chain" || step.explicitlyNoDeps || previous.length === 0) return step;
    const deps = [...step.depends];
    for (const prev of previous) {
      const key = prev.id ?? prev.name;
      const alt = prev.id ? prev.name : undefined;
      if (deps.includes(key) || (alt !== undefined && deps.includes(alt))) continue;
      deps.push(key);
    }
    return { ...step, depends: deps };
  };
  const place = (m: YMap, path: string, index: number): Step => {
    const built = buildStep(m, path, ctx);
    let step = built.step;
    if (step.name === "") step = { ...step, name: generatedName(step, index, taken) };
    step = chain(step);
    placed.push({ step, node: built.node, path });
    return step;
  };
  node.items.forEach((item, i) => {
    const path = join("steps", i);
    const m = asMap(item);
    if (m) {
      previous = [place(m, path, i)];
      return;
    }
    if (item.kind === "seq") {
      // A nested list is a parallel group: all depend on the previous item, the next item depends on all.
      const group: Step[] = [];
      item.items.forEach((sub, j) => {
        const sm = asMap(sub);
        if (sm) group.push(place(sm, join(path, j), i));
        else issues.add(sub.pos, join(path, j), `invalid step data: expected a map or a command string, got ${describe(sub)}`);
      });
      previous = group;
      return;
    }
    issues.add(item.pos, path, `invalid step data: expected a map or a command string, got ${describe(item)}`);
  });
  return placed;
}

/** Graph-wide checks; returns steps with dependencies resolved from ids to names. */
function checkGraph(placed: PlacedStep[], issues: IssueList): Step[] {
  const names = new Map<string, PlacedStep>();
  const ids = new Map<string, PlacedStep>();
  for (const p of placed) {
    const { step, node, path } = p;
    if (names.has(step.name)) issues.add(node.pos, join(path, "name"), `duplicate step name "${step.name}"`);
    else names.set(step.name, p);
    if (Buffer.byteLength(step.name) > dagDefaults.stepNameMaxLength) issues.add(node.pos, join(path, "name"), `step name is too long (max ${dagDefaults.stepNameMaxLength} characters)`);
    if (step.id !== undefined) {
      if (!stepIdRe.test(step.id)) issues.add(node.pos, join(path, "id"), `invalid step id "${step.id}": must match ^[a-zA-Z][a-zA-Z0-9_-]*$`);
      else if (ids.has(step.id)) issues.add(node.pos, join(path, "id"), `duplicate step id "${step.id}"`);
      else if (reservedIds.has(step.id.toLowerCase())) issues.add(node.pos, join(path, "id"), `step id "${step.id}" is a reserved word`);
      ids.set(step.id, p);
    }
  }
  for (const { step, node, path } of placed) {
    if (step.id !== undefined && step.id !== step.name && names.has(step.id)) {
      issues.add(node.pos, join(path, "id"), `step id "${step.id}" conflicts with another step's name`);
    }
    const owner = ids.get(step.name);
    if (owner && owner.step !== step && owner.step.name !== step.name) {
      issues.add(node.pos, join(path, "name"), `step name "${step.name}" conflicts with another step's id`);
    }
  }
  const resolved = placed.map(({ step, node, path }) => {
    const depends = step.depends.map((d) => ids.get(d)?.step.name ?? d);
    for (const d of depends) {
      if (!names.has(d)) {
        const depNode = node.entries.find((e) => e.key.toLowerCase() === "depends")?.value ?? node;
        issues.add(depNode.pos, join(path, "depends"), `step "${step.name}" depends on non-existent step "${d}"`);
      }
    }
    return { ...step, depends };
  });
  // With duplicate names the graph is ambiguous; the duplicate is the error to report.
  const cycle = names.size === placed.length ? findCycle(resolved) : undefined;
  if (cycle) {
    const first = names.get(cycle[0] as string);
    issues.add(first?.node.pos ?? { line: 0, col: 0 }, "steps", `dependency cycle: ${cycle.join(" -> ")}`);
  }
  return resolved;
}

export interface BuiltDag {
  readonly dag: Dag;
  /** DAG-level keys the document sets, for merging over a base config. */
  readonly keys: ReadonlySet<string>;
}

/** Build one document. Always returns a Dag (best effort); problems go to `ctx.issues`. */
export function buildDag(root: YMap, ctx: BuildContext): BuiltDag {
  const { issues } = ctx;
  const r = new MapReader(root, "", issues, dagKeys, {
    unknownMessage: (k) =>
      laterReleaseKeys.has(k.toLowerCase()) ? `unknown key "${k}" (a key of later Dagu releases, not accepted by Dagu 1.30 files)` : `unknown key "${k}"`,
  });

  const name = ctx.nameOverride?.trim() || r.string("name")?.trim() || (ctx.index === 0 ? defaultName(ctx.file) : "");
  if (name !== "") {
    if (Buffer.byteLength(name) > dagDefaults.dagNameMaxLength) r.error("name", `DAG name is too long (max ${dagDefaults.dagNameMaxLength} characters): "${name}"`);
    else if (!nameRe.test(name)) r.error("name", `DAG name "${name}" may only contain letters, digits, '_', '.' and '-'`);
  }
  const typeRaw = r.string("type")?.trim() ?? "";
  let type: DagType = "chain";
  if (typeRaw === "graph" || typeRaw === "chain") type = typeRaw;
  else if (typeRaw === "agent") r.error("type", "type 'agent' is reserved and not yet supported");
  else if (typeRaw !== "") r.error("type", `invalid type "${typeRaw}" (must be one of: graph, chain)`);

  const tags = (r.stringOrList("tags") ?? []).flatMap((t) => t.split(",")).map((t) => t.trim().toLowerCase()).filter((t) => t !== "");
  const env = parseEnv(r.get("env"), "env", issues) ?? [];
  const schedules = parseSchedules(r.get("schedule"), "schedule", issues);
  const paramsNode = r.get("params");
  let params: Dag["params"] = [];
  let defaultParams = "";
  let paramsSchema: string | undefined;
  if (paramsNode) {
    const parsed = parseParamNode(paramsNode);
    if (parsed.ok) {
      params = numberParams(parsed.params);
      defaultParams = escapeParams(parsed.params);
      paramsSchema = parsed.schema;
    } else issues.add(parsed.node.pos, "params", parsed.error);
  }
  const shell = parseShell(r.get("shell"), "shell", issues);
  const logOutputRaw = r.string("logOutput");
  let logOutput: Dag["logOutput"] = "separate";
  if (logOutputRaw !== undefined) {
    const v = logOutputRaw.trim().toLowerCase();
    if (v === "merged") logOutput = "merged";
    else if (v !== "separate" && v !== "") r.error("logOutput", `invalid logOutput value "${logOutputRaw}" (must be 'separate' or 'merged')`);
  }
  const mailOnNode = r.map("mailOn");
  let mailOn: Dag["mailOn"];
  if (mailOnNode) {
    const m = new MapReader(mailOnNode, "mailOn", issues, ["failure", "success", "wait"]);
    mailOn = { failure: m.bool("failure") ?? false, success: m.bool("success") ?? false, wait: m.bool("wait") ?? false };
  }
  const smtpNode = r.map("smtp");
  let smtp: Dag["smtp"];
  if (smtpNode) {
    const m = new MapReader(smtpNode, "smtp", issues, ["host", "port", "username", "password"]);
    smtp = { host: m.string("host") ?? "", port: parsePort(m, "port"), username: m.string("username") ?? "", password: m.string("password") ?? "" };
  }
  const runConfigNode = r.map("runConfig");
  let runConfig: Dag["runConfig"];
  if (runConfigNode) {
    const m = new MapReader(runConfigNode, "runConfig", issues, ["disableParamEdit", "disableRunIdEdit"]);
    runConfig = { disableParamEdit: m.bool("disableParamEdit") ?? false, disableRunIdEdit: m.bool("disableRunIdEdit") ?? false };
  }
  const container = parseContainer(r.get("container"), "container", issues);
  const ssh = parseSsh(r);
  const llmNode = r.map("llm");
  const llm = llmNode ? parseLlm(llmNode, "llm", issues, "dag") : undefined;
  const workerSelector = Object.fromEntries(Object.entries(r.stringMap("workerSelector") ?? {}).map(([k, v]) => [k.trim(), v.trim()]));

  const stepCtx: StepContext = { issues, dagContainer: container !== undefined, dagSsh: ssh !== undefined, ...(llm ? { dagLlm: llm } : {}) };
  const handlerOn: Partial<Record<HandlerKind, Step>> = {};
  const handlerNode = r.map("handlerOn");
  if (handlerNode) {
    const h = new MapReader(handlerNode, "handlerOn", issues, ["init", "success", "failure", "abort", "cancel", "exit", "wait"]);
    if (h.has("abort") && h.has("cancel")) h.error("cancel", "cannot specify both 'abort' and 'cancel' in handlerOn; use 'abort' (cancel is deprecated)");
    const kinds: [HandlerKind, string][] = [["init", "init"], ["success", "success"], ["failure", "failure"], ["abort", h.has("abort") ? "abort" : "cancel"], ["exit", "exit"], ["wait", "wait"]];
    for (const [kind, key] of kinds) {
      const n = h.map(key);
      if (n) handlerOn[kind] = buildStep(n, h.at(key), stepCtx, { name: handlerStepName[kind], handler: true }).step;
    }
  }
  const built = buildSteps(r.get("steps"), type, stepCtx);
  const routed = transformRouters(built, type, issues);
  const steps = checkGraph(built.map((p, i) => ({ ...p, step: routed[i] as Step })), issues);
  if (Object.keys(workerSelector).length > 0 && steps.some((s) => s.executor.type === "hitl")) {
    r.error("workerSelector", "a DAG with hitl steps cannot be dispatched to workers");
  }
  const int = (k: string, d: number): number => r.int(k) ?? d;
  const overlapKey = r.has("overlap_policy") ? "overlap_policy" : "overlapPolicy";
  const overlapRaw = (r.string(overlapKey) ?? "").trim().toLowerCase();
  let overlapPolicy: Dag["overlapPolicy"] = "skip";
  if (overlapRaw === "all" || overlapRaw === "latest") overlapPolicy = overlapRaw;
  else if (overlapRaw !== "" && overlapRaw !== "skip") r.error(overlapKey, `invalid overlapPolicy "${overlapRaw}": must be "skip", "all", or "latest"`);
  const catchupKey = r.has("catchup_window") ? "catchup_window" : "catchupWindow";
  const catchupRaw = r.string(catchupKey)?.trim() ?? "";
  const catchupWindowSec = catchupRaw === "" ? 0 : parseDurationSec(catchupRaw);
  if (catchupWindowSec === undefined) r.error(catchupKey, `invalid duration "${catchupRaw}" (use e.g. 30m, 6h, 2d12h)`);
  const maxActiveRuns = int("maxActiveRuns", 0);

  const dag: Dag = {
    location: ctx.file,
    name,
    group: r.string("group")?.trim() ?? "",
    description: r.string("description")?.trim() ?? "",
    type,
    tags,
    env,
    dotenv: r.stringOrList("dotenv") ?? [".env"],
    workingDir: r.string("workingDir") ?? "",
    ...(shell ? { shell: shell.shell } : {}),
    shellArgs: shell?.args ?? [],
    schedule: schedules.start,
    stopSchedule: schedules.stop,
    restartSchedule: schedules.restart,
    skipIfSuccessful: r.bool("skipIfSuccessful") ?? false,
    overlapPolicy,
    catchupWindowSec: catchupWindowSec ?? 0,
    params,
    defaultParams,
    ...(paramsSchema !== undefined ? { paramsSchema } : {}),
    timeoutSec: int("timeoutSec", 0),
    delaySec: int("delaySec", 0),
    restartWaitSec: int("restartWaitSec", 0),
    maxActiveRuns: maxActiveRuns === 0 ? dagDefaults.maxActiveRuns : maxActiveRuns,
    maxActiveSteps: int("maxActiveSteps", 0),
    maxCleanUpTimeSec: int("maxCleanUpTimeSec", dagDefaults.maxCleanUpTimeSec),
    histRetentionDays: int("histRetentionDays", dagDefaults.histRetentionDays),
    maxOutputSize: int("maxOutputSize", 0) || dagDefaults.maxOutputSize,
    queue: r.string("queue")?.trim() ?? "",
    logDir: r.string("logDir") ?? "",
    logOutput,
    preconditions: [...parsePreconditions(r.get("preconditions"), "preconditions", issues), ...parsePreconditions(r.get("precondition"), "precondition", issues)],
    handlerOn: handlerOn as HandlerOn,
    steps,
    ...(smtp ? { smtp } : {}),
    ...(mailOn ? { mailOn } : {}),
    ...optional("errorMail", parseMail(r, "errorMail")),
    ...optional("infoMail", parseMail(r, "infoMail")),
    ...optional("waitMail", parseMail(r, "waitMail")),
    ...(container ? { container } : {}),
    registryAuths: parseRegistryAuths(r),
    ...(ssh ? { ssh } : {}),
    ...(llm ? { llm } : {}),
    secrets: parseSecrets(r),
    workerSelector,
    ...(runConfig ? { runConfig } : {}),
    ...optional("otel", parseOtel(r)),
    localDags: {},
  };
  return { dag, keys: r.keys() };
}

/** A duration like `90s`, `30m`, `6h`, `2d12h` (days allowed, as Dagu v2 reads it) in seconds. */
export function parseDurationSec(text: string): number | undefined {
  const units: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * (units[p[2] as string] ?? 0), 0);
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
