/**
 * @module spec/dag-text
 * DAG source text → the main `Dag` with its local sub-DAGs (documents after `---`), the base
 * config merged under each, or every problem found, located.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, resolve } from "node:path";
import type { Dag, HandlerOn } from "../core/dag.ts";
import type { SpecIssue } from "../core/errors.ts";
import { type BuiltDag, buildDag } from "./dag-builder.ts";
import type { LoadOptions } from "./loader.ts";
import { IssueList } from "./node-reader.ts";
import { fastYamlDocuments } from "./yaml-fast.ts";
import { parseYamlDocuments, type YamlDocuments, type YNode } from "./yaml-nodes.ts";

export interface ParsedFile {
  /** The main DAG with `localDags` filled in; undefined when the file has problems. */
  readonly dag?: Dag;
  readonly issues: readonly SpecIssue[];
}

const appendFields = new Set(["env", "tags", "dotenv", "params"]);

function fieldsOf(key: string): string[] {
  switch (key) {
    case "schedule":
      return ["schedule", "stopSchedule", "restartSchedule"];
    case "precondition":
    case "preconditions":
      return ["preconditions"];
    case "params":
      return ["params", "defaultParams"];
    case "shell":
      return ["shell", "shellArgs"];
    case "overlap_policy":
    case "overlapPolicy":
      return ["overlapPolicy"];
    case "catchup_window":
    case "catchupWindow":
      return ["catchupWindowSec"];
    default:
      return [key];
  }
}

/** Base config under a DAG: keys the DAG sets win, except lists like env and tags, which add up. */
function mergeOverBase(base: BuiltDag, doc: BuiltDag): Dag {
  const out: Record<string, unknown> = { ...doc.dag };
  const from = base.dag as unknown as Record<string, unknown>;
  const docSets = (k: string): boolean =>
    doc.keys.has(k) || (k.startsWith("precondition") && (doc.keys.has("precondition") || doc.keys.has("preconditions")));
  for (const key of base.keys) {
    if (key === "name" || key === "steps" || key === "handlerOn") continue;
    for (const f of fieldsOf(key)) {
      if (!docSets(key)) out[f] = from[f];
      else if (appendFields.has(f)) out[f] = [...(from[f] as unknown[]), ...(out[f] as unknown[])];
    }
  }
  const handlerOn: HandlerOn = { ...base.dag.handlerOn, ...doc.dag.handlerOn };
  return { ...(out as unknown as Dag), handlerOn };
}

function buildBase(path: string, issues: IssueList): BuiltDag | undefined {
  if (!existsSync(path)) return undefined;
  const { docs, problems } = parseYamlDocuments(readFileSync(path, "utf8"));
  for (const p of problems) issues.add(p.pos, "", `base config ${path}: ${p.message}`);
  const root = docs[0];
  if (!root || root.kind !== "map") return undefined;
  const baseIssues = new IssueList(path);
  const built = buildDag(root, { file: path, issues: baseIssues, index: 0 });
  issues.items.push(...baseIssues.items);
  return built;
}

/**
 * Parse DAG source text. `file` is the absolute location; `shownAs` is how problems name the
 * file (the path as the user typed it).
 */
export function parseDagText(text: string, file: string, opts: LoadOptions & { shownAs?: string } = {}): ParsedFile {
  // Most files take the native parser; any problem is found again with positions to show.
  const fast = fastYamlDocuments(text);
  if (fast) {
    const quick = parseDocuments(fast, file, opts);
    if (quick.issues.length === 0) return quick;
  }
  return parseDocuments(parseYamlDocuments(text), file, opts);
}

function parseDocuments({ docs, problems }: YamlDocuments, file: string, opts: LoadOptions & { shownAs?: string }): ParsedFile {
  const issues = new IssueList(opts.shownAs ?? file);
  for (const p of problems) issues.add(p.pos, "", `YAML syntax error: ${p.message}`);
  const base = opts.baseConfig ? buildBase(opts.baseConfig, issues) : undefined;
  const built: Dag[] = [];
  const roots: YNode[] = [];
  docs.forEach((root, index) => {
    if (root === null || (root.kind === "map" && root.entries.length === 0)) return;
    if (root.kind !== "map") {
      issues.add(root.pos, "", `a DAG document must be a map of keys, got ${root.kind === "seq" ? "a list" : "a scalar"}`);
      return;
    }
    const doc = buildDag(root, { file, issues, index, ...(index === 0 && opts.name ? { nameOverride: opts.name } : {}) });
    built.push(base ? mergeOverBase(base, doc) : doc.dag);
    roots.push(root);
  });
  if (built.length === 0 && problems.length === 0) issues.add({ line: 1, col: 1 }, "", "no DAG found in file (it is empty)");
  const [main, ...locals] = built;
  if (main?.paramsSchema) checkParamsSchema(main, roots[0] as YNode, opts.cwd ?? process.cwd(), issues);
  const localDags: Record<string, Dag> = {};
  locals.forEach((d, i) => {
    const pos = roots[i + 1]?.pos ?? { line: 0, col: 0 };
    if (d.name === "") issues.add(pos, "name", `the DAG in document ${i + 2} must have a name (files with several DAGs name each one after the first)`);
    else if (localDags[d.name]) issues.add(pos, "name", `duplicate DAG name "${d.name}" in this file`);
    else localDags[d.name] = d;
  });
  if (issues.size > 0 || !main) return { issues: [...issues.items].sort((a, b) => a.line - b.line || a.col - b.col) };
  return { dag: { ...main, localDags }, issues: [] };
}

/**
 * A local params schema must exist and be JSON. It is looked up against the DAG's workingDir,
 * the DAG file's folder, then the current folder; URLs are fetched when the DAG runs.
 */
function checkParamsSchema(dag: Dag, root: YNode, cwd: string, issues: IssueList): void {
  const ref = dag.paramsSchema as string;
  if (/^https?:\/\//.test(ref)) return;
  const pos = (root.kind === "map" && root.entries.find((e) => e.key.toLowerCase() === "params")?.value.pos) || root.pos;
  const expanded = ref.startsWith("~") ? homedir() + ref.slice(1) : ref;
  const bases = [dag.workingDir, dag.location ? dirname(dag.location) : "", cwd].filter((b) => b !== "");
  const found = isAbsolute(expanded) ? (existsSync(expanded) ? expanded : undefined) : bases.map((b) => resolve(b, expanded)).find((c) => existsSync(c));
  if (!found) {
    issues.add(pos, "params.schema", `schema file "${ref}" not found (looked in ${bases.join(", ")})`);
    return;
  }
  try {
    JSON.parse(readFileSync(found, "utf8"));
  } catch (e) {
    issues.add(pos, "params.schema", `schema file "${found}" is not valid JSON: ${(e as Error).message}`);
  }
}

