/**
 * @module spec/weak-decode
 * Readers for the maps Dagu decodes with mapstructure's weak typing (container specs, the
 * hitl config): scalars convert (`true` → "1", `5` → "5"), a single value becomes a list,
 * but a list or map where a scalar belongs is still an error. Keys match case-insensitively.
 */
import { describe, type IssueList, isNull, join } from "./node-reader.ts";
import type { YMap, YNode } from "./yaml-nodes.ts";

export function weakField(map: YMap, key: string): YNode | undefined {
  const n = map.entries.find((e) => e.key.toLowerCase() === key.toLowerCase())?.value;
  return isNull(n) ? undefined : n;
}

export function weakString(n: YNode | undefined, path: string, issues: IssueList): string | undefined {
  if (n === undefined || isNull(n)) return undefined;
  if (n.kind !== "scalar") {
    issues.add(n.pos, path, `expected a string, got ${describe(n)}`);
    return undefined;
  }
  if (typeof n.value === "boolean") return n.value ? "1" : "0";
  return String(n.value);
}

const goTrue = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const goFalse = new Set(["0", "f", "F", "FALSE", "false", "False", ""]);

export function weakBool(n: YNode | undefined, path: string, issues: IssueList): boolean {
  if (n === undefined || isNull(n)) return false;
  if (n.kind === "scalar") {
    if (typeof n.value === "boolean") return n.value;
    if (typeof n.value === "number") return n.value !== 0;
    if (typeof n.value === "string") {
      if (goTrue.has(n.value)) return true;
      if (goFalse.has(n.value)) return false;
    }
  }
  issues.add(n.pos, path, `expected a boolean, got ${describe(n)}`);
  return false;
}

export function weakStringList(n: YNode | undefined, path: string, issues: IssueList): string[] {
  if (n === undefined || isNull(n)) return [];
  if (n.kind === "scalar") return [weakString(n, path, issues) ?? ""];
  if (n.kind === "map") {
    if (n.entries.length > 0) issues.add(n.pos, path, `expected a list of strings, got ${describe(n)}`);
    return [];
  }
  return n.items.flatMap((item, i) => weakString(item, join(path, i), issues) ?? []);
}
