/**
 * @module spec/field-parsers
 * Parsers for the YAML values that Dagu accepts in several shapes (env, shell, continueOn,
 * preconditions, retry/repeat policies, output, container). Each records problems in the
 * IssueList at the value's position and returns undefined for a value it could not read.
 */
import type { Condition, Container, ContinueOn, OutputSpec, PullPolicy, RepeatMode, RepeatPolicy, RetryPolicy } from "../core/dag.ts";
import { splitCommand } from "./command-line.ts";
import { describe, type IssueList, isNull, join, MapReader, readInt } from "./node-reader.ts";
import { weakBool, weakField, weakString, weakStringList } from "./weak-decode.ts";
import { goString, type YMap, type YNode } from "./yaml-nodes.ts";

const scalarText = (n: YNode): string => (n.kind === "scalar" && typeof n.value === "string" ? n.value : goString(n));

/** `env:` as a map, or a list of `{K: V}` maps and `"K=V"` strings → `K=V` entries in order. */
export function parseEnv(node: YNode | undefined, path: string, issues: IssueList): string[] | undefined {
  if (node === undefined || isNull(node)) return undefined;
  if (node.kind === "map") return node.entries.map((e) => `${e.key}=${scalarText(e.value)}`);
  if (node.kind === "seq") {
    const out: string[] = [];
    node.items.forEach((item, i) => {
      if (item.kind === "map") for (const e of item.entries) out.push(`${e.key}=${scalarText(e.value)}`);
      else if (item.kind === "scalar" && typeof item.value === "string") {
        if (!item.value.includes("=")) issues.add(item.pos, join(path, i), `invalid format "${item.value}" (expected KEY=value)`);
        else out.push(item.value);
      } else issues.add(item.pos, join(path, i), `must be a map or a KEY=value string, got ${describe(item)}`);
    });
    return out;
  }
  issues.add(node.pos, path, `must be a map or a list of KEY=value entries, got ${describe(node)}`);
  return undefined;
}

export interface ShellSpec {
  readonly shell: string;
  readonly args: string[];
}

/** `shell:` as `"bash -e"` (split like a command line) or `["bash", "-e"]`. */
export function parseShell(node: YNode | undefined, path: string, issues: IssueList): ShellSpec | undefined {
  if (node === undefined || isNull(node)) return undefined;
  if (node.kind === "scalar" && typeof node.value === "string") {
    const line = node.value.trim();
    if (line === "") return undefined;
    const split = splitCommand(line);
    if (!split) {
      issues.add(node.pos, path, "failed to parse shell command: command is empty");
      return undefined;
    }
    return { shell: split.command.trim(), args: split.args };
  }
  if (node.kind === "seq") {
    const parts = node.items.map(scalarText);
    if (parts.length === 0) return undefined;
    return { shell: parts[0] as string, args: parts.slice(1) };
  }
  issues.add(node.pos, path, `must be a string or a list, got ${describe(node)}`);
  return undefined;
}

const noContinue: ContinueOn = { failure: false, skipped: false, exitCode: [], output: [], markSuccess: false };

function intFromAny(n: YNode, path: string, issues: IssueList): number | undefined {
  if (n.kind === "scalar" && typeof n.value === "string") {
    if (/^[+-]?\d+$/.test(n.value)) return Number.parseInt(n.value, 10);
    issues.add(n.pos, path, `cannot parse "${n.value}" as an integer`);
    return undefined;
  }
  return readInt(n, path, issues);
}

/** `continueOn:` as `skipped`/`failed`, or a map of failure/skipped/exitCode/output/markSuccess. */
export function parseContinueOn(node: YNode | undefined, path: string, issues: IssueList): ContinueOn {
  if (node === undefined || isNull(node)) return noContinue;
  if (node.kind === "scalar" && typeof node.value === "string") {
    const v = node.value.trim().toLowerCase();
    if (v === "skipped") return { ...noContinue, skipped: true };
    if (v === "failed") return { ...noContinue, failure: true };
    issues.add(node.pos, path, `must be "skipped" or "failed", got "${node.value}"`);
    return noContinue;
  }
  if (node.kind !== "map") {
    issues.add(node.pos, path, `must be "skipped", "failed" or a map, got ${describe(node)}`);
    return noContinue;
  }
  const r = new MapReader(node, path, issues, ["skipped", "failed", "failure", "exitCode", "output", "markSuccess"], { caseInsensitive: false });
  let exitCode: number[] = [];
  const ec = r.get("exitCode");
  if (ec) {
    if (ec.kind === "seq") exitCode = ec.items.flatMap((i, k) => intFromAny(i, join(r.at("exitCode"), k), issues) ?? []);
    else {
      const one = intFromAny(ec, r.at("exitCode"), issues);
      if (one !== undefined) exitCode = [one];
    }
  }
  let output: string[] = [];
  const out = r.get("output");
  if (out) {
    if (out.kind === "scalar" && typeof out.value === "string") output = out.value === "" ? [] : [out.value];
    else if (out.kind === "seq") {
      out.items.forEach((i, k) => {
        if (i.kind === "scalar" && typeof i.value === "string") output.push(i.value);
        else issues.add(i.pos, join(r.at("output"), k), `must be a string, got ${describe(i)}`);
      });
    } else issues.add(out.pos, r.at("output"), `must be a string or a list of strings, got ${describe(out)}`);
  }
  return {
    skipped: r.bool("skipped") ?? false,
    failure: (r.bool("failed") ?? false) || (r.bool("failure") ?? false),
    exitCode,
    output,
    markSuccess: r.bool("markSuccess") ?? false,
  };
}

/** `preconditions:` as a command string, a `{condition, expected, negate}` map, or a list of those. */
export function parsePreconditions(node: YNode | undefined, path: string, issues: IssueList): Condition[] {
  if (node === undefined || isNull(node)) return [];
  if (node.kind === "scalar") {
    if (typeof node.value === "string") return [{ condition: node.value, expected: "", negate: false }];
    issues.add(node.pos, path, `must be a string, a map or a list, got ${describe(node)}`);
    return [];
  }
  if (node.kind === "seq") return node.items.flatMap((item, i) => parsePreconditions(item, join(path, i), issues));
  const str = (n: YNode, key: string): string => {
    if (n.kind === "scalar" && typeof n.value === "string") return n.value;
    issues.add(n.pos, join(path, key), "precondition value must be a string");
    return "";
  };
  let condition = "";
  let expected = "";
  let negate = false;
  for (const e of node.entries) {
    switch (e.key.toLowerCase()) {
      case "condition":
      case "command":
        condition = str(e.value, e.key);
        break;
      case "expected":
        expected = str(e.value, e.key);
        break;
      case "negate":
        if (e.value.kind === "scalar" && typeof e.value.value === "boolean") negate = e.value.value;
        else issues.add(e.value.pos, join(path, e.key), "precondition negate must be a boolean");
        break;
      default:
        issues.add(e.keyPos, join(path, e.key), `precondition has invalid key "${e.key}" (expected condition, expected, command, negate)`);
    }
  }
  if (condition === "") {
    issues.add(node.pos, path, "condition is required");
    return [];
  }
  return [{ condition, expected, negate }];
}

/**
 * A backoff value: true = ×2, a number > 1, false/0 = none. Dagu 1.30 rejects plain integers
 * here (`backoff: 2` fails, only `2.0` passes) although its own docs write `backoff: 2`; we
 * accept integers with the same meaning as floats.
 */
function parseBackoff(r: MapReader): number {
  const n = r.get("backoff");
  if (n === undefined) return 0;
  let v: number | undefined;
  if (n.kind === "scalar" && typeof n.value === "boolean") v = n.value ? 2 : 0;
  else if (n.kind === "scalar" && typeof n.value === "number") v = n.value;
  if (v === undefined) {
    r.error("backoff", `must be true, false or a number greater than 1, got ${describe(n)}`);
    return 0;
  }
  if (v > 0 && v <= 1) {
    r.error("backoff", `backoff must be greater than 1.0 for exponential growth, got ${v}`);
    return 0;
  }
  return v;
}

/** A count that may be an integer or a `${VAR}` string resolved at run time. */
function intOrString(r: MapReader, key: string): number | string | undefined {
  const n = r.get(key);
  if (n === undefined) {
    r.error(key, `${key} is required when retryPolicy is specified`);
    return undefined;
  }
  if (n.kind === "scalar" && typeof n.value === "string") return n.value;
  if (n.kind === "scalar" && typeof n.value === "number" && !n.isFloat) return n.value;
  r.error(key, `must be an integer or a string, got ${describe(n)}`);
  return undefined;
}

export function parseRetryPolicy(node: YMap, path: string, issues: IssueList): RetryPolicy | undefined {
  const r = new MapReader(node, path, issues, ["limit", "intervalSec", "exitCode", "backoff", "maxIntervalSec"]);
  const limit = intOrString(r, "limit");
  const intervalSec = intOrString(r, "intervalSec");
  const exitCodes = r.intList("exitCode") ?? [];
  const backoff = parseBackoff(r);
  const maxIntervalSec = Math.max(0, r.int("maxIntervalSec") ?? 0);
  if (limit === undefined || intervalSec === undefined) return undefined;
  return { limit, intervalSec, exitCodes, backoff, maxIntervalSec };
}

export function parseRepeatPolicy(node: YMap, path: string, issues: IssueList): RepeatPolicy | undefined {
  const r = new MapReader(node, path, issues, ["repeat", "intervalSec", "limit", "condition", "expected", "exitCode", "backoff", "maxIntervalSec"]);
  const condition = r.string("condition") ?? "";
  const expected = r.string("expected") ?? "";
  const exitCode = r.intList("exitCode") ?? [];
  const intervalSec = r.int("intervalSec") ?? 0;
  const limit = r.int("limit") ?? 0;
  const maxIntervalSec = r.int("maxIntervalSec") ?? 0;
  let mode: RepeatMode | undefined;
  const repeat = r.get("repeat");
  if (repeat) {
    if (repeat.kind === "scalar" && typeof repeat.value === "boolean") mode = repeat.value ? "while" : undefined;
    else if (repeat.kind === "scalar" && (repeat.value === "while" || repeat.value === "until")) mode = repeat.value;
    else {
      r.error("repeat", `must be "while", "until" or a boolean, got ${describe(repeat)}`);
      return undefined;
    }
  }
  // Older files give no mode: condition+expected means until, condition or exitCode alone means while.
  if (mode === undefined && !repeat) {
    if (condition !== "" && expected !== "") mode = "until";
    else if (condition !== "" || exitCode.length > 0) mode = "while";
  }
  // Without a mode the policy does nothing, and Dagu checks nothing else in it.
  if (mode === undefined) return undefined;
  if (repeat?.kind === "scalar" && typeof repeat.value === "string" && condition === "" && exitCode.length === 0) {
    r.error("repeat", `repeat mode '${mode}' requires either 'condition' or 'exitCode' to be specified`);
  }
  const backoff = parseBackoff(r);
  return {
    mode,
    ...(condition !== "" ? { condition: { condition, expected, negate: false } } : {}),
    exitCode,
    intervalSec: Math.max(0, intervalSec),
    limit,
    backoff,
    maxIntervalSec: Math.max(0, maxIntervalSec),
  };
}

/** `output: NAME` / `$NAME`, or `{name, key, omit}`. */
export function parseOutput(node: YNode | undefined, path: string, issues: IssueList): OutputSpec | undefined {
  if (node === undefined || isNull(node)) return undefined;
  if (node.kind === "scalar" && typeof node.value === "string") {
    const name = node.value.trim().replace(/^\$/, "");
    return name === "" ? undefined : { name, omit: false };
  }
  if (node.kind === "map") {
    const get = (k: string): YNode | undefined => node.entries.find((e) => e.key === k)?.value;
    const nameNode = get("name");
    const keyNode = get("key");
    const omitNode = get("omit");
    const name = nameNode?.kind === "scalar" && typeof nameNode.value === "string" ? nameNode.value.trim().replace(/^\$/, "") : "";
    if (name === "") {
      issues.add(node.pos, join(path, "name"), "output.name is required when using object form");
      return undefined;
    }
    const key = keyNode?.kind === "scalar" && typeof keyNode.value === "string" ? keyNode.value.trim() : "";
    const omit = omitNode?.kind === "scalar" && omitNode.value === true;
    return key ? { name, key, omit } : { name, omit };
  }
  issues.add(node.pos, path, `must be a string or a map, got ${describe(node)}`);
  return undefined;
}

const execIncompatible = ["name", "pullPolicy", "volumes", "ports", "network", "platform", "startup", "command", "waitFor", "logPattern", "restartPolicy"];

function parsePullPolicy(n: YNode | undefined, path: string, issues: IssueList): PullPolicy {
  if (n === undefined || isNull(n)) return "missing";
  if (n.kind === "scalar" && typeof n.value === "boolean") return n.value ? "always" : "never";
  if (n.kind === "scalar" && typeof n.value === "string") {
    const v = n.value;
    if (v === "" || v === "missing") return "missing";
    if (v === "always" || v === "never") return v;
    if (["1", "t", "T", "true", "TRUE", "True"].includes(v)) return "always";
    if (["0", "f", "F", "false", "FALSE", "False"].includes(v)) return "never";
  }
  issues.add(n.pos, path, `must be always, never, missing or a boolean, got ${describe(n)}`);
  return "missing";
}

/** `container:` as the name of a running container to exec into, or a container spec. */
export function parseContainer(node: YNode | undefined, path: string, issues: IssueList): Container | undefined {
  if (node === undefined || isNull(node)) return undefined;
  const empty = { pullPolicy: "missing" as const, env: [], volumes: [], ports: [], keepContainer: false, command: [] };
  if (node.kind === "scalar" && typeof node.value === "string") {
    const name = node.value.trim();
    if (name === "") {
      issues.add(node.pos, path, "container name cannot be empty");
      return undefined;
    }
    return { ...empty, exec: name };
  }
  if (node.kind !== "map") {
    issues.add(node.pos, path, `must be a container name or a map, got ${describe(node)}`);
    return undefined;
  }
  // Dagu decodes this map weakly and ignores unknown keys, so we do too.
  const before = issues.size;
  const s = (k: string): string | undefined => weakString(weakField(node, k), join(path, k), issues);
  const list = (k: string): string[] => weakStringList(weakField(node, k), join(path, k), issues);
  const exec = s("exec")?.trim();
  const image = s("image");
  const fields = {
    name: s("name")?.trim(),
    user: s("user"),
    workingDir: s("workDir") || s("workingDir"),
    platform: s("platform"),
    network: s("network"),
    startup: s("startup")?.trim().toLowerCase(),
    waitFor: s("waitFor")?.trim().toLowerCase(),
    logPattern: s("logPattern"),
    restartPolicy: s("restartPolicy")?.trim(),
  };
  const volumes = list("volumes");
  const ports = list("ports");
  const command = list("command");
  const keepContainer = weakBool(weakField(node, "keepContainer"), join(path, "keepContainer"), issues);
  const envNode = weakField(node, "env");
  // Anything but a map or a list is ignored here, as Dagu's env loader does.
  const env = envNode && (envNode.kind === "map" || envNode.kind === "seq") ? (parseEnv(envNode, join(path, "env"), issues) ?? []) : [];
  if (issues.size > before) return undefined;
  if (exec && image) {
    issues.add(node.pos, path, "'exec' and 'image' are mutually exclusive");
    return undefined;
  }
  if (!exec && !image) {
    issues.add(node.pos, path, "either 'exec' or 'image' must be specified");
    return undefined;
  }
  const opt = (k: string, v: string | undefined): Record<string, string> => (v ? { [k]: v } : {});
  if (exec) {
    const present = (k: string): boolean => {
      const n = weakField(node, k);
      return n !== undefined && !(n.kind === "seq" && n.items.length === 0) && !(n.kind === "scalar" && n.value === "");
    };
    const bad = execIncompatible.filter(present);
    if (keepContainer) bad.push("keepContainer");
    if (bad.length > 0) {
      issues.add(node.pos, path, `fields [${bad.join(" ")}] cannot be used with 'exec'`);
      return undefined;
    }
    return { ...empty, exec, env, ...opt("user", fields.user), ...opt("workingDir", fields.workingDir) };
  }
  return {
    image,
    pullPolicy: parsePullPolicy(weakField(node, "pullPolicy"), join(path, "pullPolicy"), issues),
    env,
    volumes,
    ports,
    keepContainer,
    command,
    ...Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== "")),
  };
}
