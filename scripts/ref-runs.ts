/**
 * @module scripts/ref-runs
 * Regenerates tests/fixtures/run/expected.json: what the reference Dagu 1.30.2 records when it
 * runs every fixture of the differential RUN corpus (tests/fixtures/run/*.yaml) with
 * `dagu start`. The e2e test tests/e2e/run-differential.test.ts runs OUR dist/dagu the same way
 * and compares field by field. This module also exports the shared procedure.
 *
 *   bun scripts/ref-runs.ts                 # all fixtures, 4 at a time
 *   bun scripts/ref-runs.ts --jobs 2
 *   bun scripts/ref-runs.ts chain-basic ... # only these cases (merged into expected.json)
 *
 * Procedure per fixture (identical for the reference and for our binary):
 *  - a fresh temp root holding `cwd/` (a copy of tests/fixtures/run, so fixture-relative files
 *    such as dotenv files resolve), `home/` (DAGU_HOME) and `user/` (HOME);
 *  - `<binary> start <root>/cwd/<case>.yaml [args]` with cwd = `<root>/cwd` and a small fixed
 *    environment (see {@link runEnv}); the args come from a `# args: ...` comment;
 *  - the record is read back from DAGU_HOME in Dagu's layout: the newest attempt's status.jsonl
 *    (last line), each node's `.out` / `.err` log (trimmed), outputs.json `outputs`, and the
 *    files named in a `# check-files: a.txt b.txt` comment (relative to the cwd); with an
 *    `# unordered-nodes` comment the nodes are sorted by name (map-form steps: random order);
 *  - random parts are normalised: the cwd path → `<CWD>`, DAGU_HOME → `<HOME>`, HOME → `<USER>`,
 *    the temp root → `<ROOT>`, the run id → `<RUN_ID>` (its first 8 chars → `<RUN_ID8>`), the
 *    attempt id → `<ATTEMPT_ID>`, Dagu's log-name timestamps → `<TS>`; texts longer than
 *    {@link maxText} characters are replaced by a digest line.
 *
 * The reference is ../shared/tools/dagu-ref next to the repository, or $DAGU_REF.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { homedir, tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { mapPool } from "../src/core/map-pool.ts";

/** Repository root (this file lives in scripts/). */
export const repoRoot: string = resolve(import.meta.dir, "..");
/** Directory of the run corpus. */
export const fixturesDir: string = join(repoRoot, "tests/fixtures/run");
/** The checked-in expectations. */
export const expectedPath: string = join(fixturesDir, "expected.json");
/** Default location of the reference wrapper script. */
export const defaultRefTool: string = resolve(repoRoot, "../shared/tools/dagu-ref");
/** Longer texts are stored as a digest (large-output fixtures). */
export const maxText = 4000;
/** Fixtures whose name starts with this must fail to load in the reference (no run recorded). */
export const loadErrorPrefix = "load-error-";
/** A run taking longer than this is killed (and recorded as exit code null). */
export const runTimeoutMs = 30_000;

/** Names of the status codes (FEATURES §5); code 5 is `queued` for runs, `skipped` for nodes. */
const runStatusNames = ["not_started", "running", "failed", "aborted", "succeeded", "queued", "partially_succeeded", "waiting", "rejected"];
const nodeStatusNames = ["not_started", "running", "failed", "aborted", "succeeded", "skipped", "partially_succeeded", "waiting", "rejected"];
/** Handler keys of the status JSON, in run order. */
export const handlerKeys = ["onInit", "onSuccess", "onFailure", "onCancel", "onWait", "onExit"] as const;

/** One step (or handler) as recorded. */
export interface NodeRecord {
  readonly name: string;
  readonly status: string;
  readonly stdout: string | null;
  readonly stderr: string | null;
  readonly retryCount: number;
  readonly doneCount: number;
}

/** Everything compared for one fixture. */
export interface RunRecord {
  readonly args: readonly string[];
  readonly exitCode: number | null;
  /** Run status name, or null when no run was recorded (e.g. a load error). */
  readonly status: string | null;
  readonly nodes: readonly NodeRecord[];
  readonly handlers: Readonly<Record<string, NodeRecord>>;
  readonly outputs: Readonly<Record<string, unknown>> | null;
  readonly files: Readonly<Record<string, string | null>>;
}

/** expected.json: case name → record. */
export type Expected = Record<string, RunRecord>;

/** Comment directives of a fixture. */
export interface Directives {
  readonly args: readonly string[];
  readonly checkFiles: readonly string[];
  /** `# unordered-nodes`: the reference's node order is random (map-form steps); sort by name. */
  readonly unorderedNodes: boolean;
}

/** All fixture files (absolute paths), sorted. */
export function listFixtures(): string[] {
  return readdirSync(fixturesDir)
    .filter((f) => f.endsWith(".yaml") && statSync(join(fixturesDir, f)).isFile())
    .sort()
    .map((f) => join(fixturesDir, f));
}

/** Case name of a fixture path (`chain-basic` for `.../chain-basic.yaml`). */
export function caseName(file: string): string {
  return basename(file).replace(/\.yaml$/, "");
}

/**
 * Split an `# args:` value into argv words: whitespace separates, `'…'` and `"…"` group (the
 * quotes are removed, like a POSIX shell without expansions).
 */
export function splitArgs(s: string): string[] {
  const out: string[] = [];
  let cur = "";
  let has = false;
  let quote: string | null = null;
  for (const ch of s) {
    if (quote !== null) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (has) out.push(cur);
      cur = "";
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (quote !== null) throw new Error(`unterminated quote in args: ${s}`);
  if (has) out.push(cur);
  return out;
}

/** Read the `# args:` and `# check-files:` comments (anywhere in the leading comment block). */
export function directives(file: string): Directives {
  let args: string[] = [];
  const checkFiles: string[] = [];
  let unorderedNodes = false;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.startsWith("#")) break;
    const a = /^#\s*args:(.*)$/.exec(line);
    if (a) args = splitArgs(a[1] ?? "");
    const c = /^#\s*check-files:(.*)$/.exec(line);
    if (c) checkFiles.push(...(c[1] ?? "").split(/[\s,]+/).filter((x) => x !== ""));
    if (/^#\s*unordered-nodes\s*$/.test(line)) unorderedNodes = true;
  }
  return { args, checkFiles, unorderedNodes };
}

export { mapPool };

/** The fixed environment of every run (both binaries). */
export function runEnv(root: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: join(root, "user"),
    USER: "fixture-user",
    SHELL: "/bin/sh",
    LANG: "C.UTF-8",
    TZ: "UTC",
    DAGU_HOME: join(root, "home"),
    // Not in Dagu's allow-list: steps must not see it unless a DAG declares it.
    RUN_FIXTURE_SECRET: "process-secret",
    // Allowed by prefix.
    DAGU_FIXTURE_VAR: "dagu-prefixed",
    LC_FIXTURE: "lc-prefixed",
    ...extra,
  };
}

/**
 * The reference binary itself: the wrapper script caches it under the real HOME, but runs get a
 * temp HOME, so the wrapper is called once (with the real environment) to fill its cache and
 * the cached binary is used directly; this keeps the step environment identical to ours.
 * Falls back to the wrapper when no cached binary is found.
 */
export function resolveRefBinary(refTool: string): string {
  if (!existsSync(refTool)) throw new Error(`reference not found: ${refTool}`);
  const r = Bun.spawnSync([refTool, "version"], { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${refTool} version failed: ${r.stderr.toString()}`);
  const cached = join(process.env.DAGU_REF_CACHE ?? join(homedir(), ".cache/dagu-ref"), "1.30.2/package/bin/dagu");
  return existsSync(cached) ? cached : refTool;
}

/** Replace every occurrence of `from` by `to`. */
const replaceAll = (s: string, from: string, to: string): string => (from === "" ? s : s.split(from).join(to));

/** Normalisation context of one run. */
interface Norm {
  readonly root: string;
  readonly cwd: string;
  readonly home: string;
  readonly user: string;
  runId: string;
  attemptId: string;
}

/** Replace the random parts of a text (see the module comment). */
function normalise(text: string, n: Norm): string {
  let s = text;
  s = replaceAll(s, n.cwd, "<CWD>");
  s = replaceAll(s, n.home, "<HOME>");
  s = replaceAll(s, n.user, "<USER>");
  s = replaceAll(s, n.root, "<ROOT>");
  if (n.runId !== "") {
    s = replaceAll(s, n.runId, "<RUN_ID>");
    const short = n.runId.slice(0, 8);
    if (short.length === 8) s = s.replace(new RegExp(`(?<![0-9A-Za-z])${short}(?![0-9A-Za-z])`, "g"), "<RUN_ID8>");
  }
  if (n.attemptId !== "") s = s.replace(new RegExp(`(?<![0-9A-Za-z])${n.attemptId}(?![0-9A-Za-z])`, "g"), "<ATTEMPT_ID>");
  // Dagu log/run directory timestamps: 20261121_195600Z, 20261121_195600_774Z, 20261121.195600.780
  s = s.replace(/(?<!\d)\d{8}[._]\d{6}(?:[._]\d{3})?Z?(?!\d)/g, "<TS>");
  if (s.length > maxText) {
    const digest = createHash("sha256").update(s).digest("hex");
    const lines = s.split("\n");
    s = `<digest sha256=${digest} chars=${s.length} lines=${lines.length} first=${JSON.stringify(lines[0])} last=${JSON.stringify(lines[lines.length - 1])}>`;
  }
  return s;
}

/** Normalise strings nested anywhere in a JSON value. */
function normaliseJson(v: unknown, n: Norm): unknown {
  if (typeof v === "string") return normalise(v, n);
  if (Array.isArray(v)) return v.map((x) => normaliseJson(x, n));
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = normaliseJson(x, n);
    return out;
  }
  return v;
}

/** Directories below `dir` (absolute), or [] if it does not exist. */
function subdirs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((d) => join(dir, d))
    .filter((d) => statSync(d).isDirectory());
}

/** The newest attempt directory of the (only) run recorded in a DAGU_HOME, or null. */
export function findAttempt(home: string): string | null {
  const runs: string[] = [];
  for (const dag of subdirs(join(home, "data/dag-runs"))) {
    for (const y of subdirs(join(dag, "dag-runs"))) {
      for (const m of subdirs(y)) {
        for (const d of subdirs(m)) runs.push(...subdirs(d).filter((r) => basename(r).startsWith("dag-run_")));
      }
    }
  }
  runs.sort();
  const run = runs[runs.length - 1];
  if (run === undefined) return null;
  const attempts = subdirs(run)
    .filter((a) => basename(a).startsWith("attempt_") && existsSync(join(a, "status.jsonl")))
    .sort();
  return attempts[attempts.length - 1] ?? null;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Content of a log file named by a node field, trimmed and normalised; null when the node
 * names no log. A named log that does not exist is empty: we create a step's log on its
 * first byte, where Dagu writes an empty file.
 */
function logText(path: unknown, n: Norm): string | null {
  if (typeof path !== "string" || path === "") return null;
  if (!existsSync(path)) return "";
  return normalise(readFileSync(path, "utf8").trim(), n);
}

function nodeRecord(node: Json, n: Norm): NodeRecord {
  const step = isObj(node.step) ? node.step : {};
  const code = typeof node.status === "number" ? node.status : -1;
  return {
    name: typeof step.name === "string" ? step.name : "",
    status: nodeStatusNames[code] ?? `code ${code}`,
    stdout: logText(node.stdout, n),
    stderr: logText(node.stderr, n),
    retryCount: typeof node.retryCount === "number" ? node.retryCount : 0,
    doneCount: typeof node.doneCount === "number" ? node.doneCount : 0,
  };
}

/** Read a run's record back from its DAGU_HOME and cwd. */
export function readRecord(root: string, d: Directives, exitCode: number | null): RunRecord {
  const n: Norm = { root, cwd: join(root, "cwd"), home: join(root, "home"), user: join(root, "user"), runId: "", attemptId: "" };
  const files: Record<string, string | null> = {};
  const readFiles = (): void => {
    for (const f of d.checkFiles) {
      const p = join(n.cwd, f);
      files[f] = existsSync(p) && statSync(p).isFile() ? normalise(readFileSync(p, "utf8"), n) : null;
    }
  };
  const attempt = findAttempt(n.home);
  if (attempt === null) {
    readFiles();
    return { args: d.args, exitCode, status: null, nodes: [], handlers: {}, outputs: null, files };
  }
  const lines = readFileSync(join(attempt, "status.jsonl"), "utf8").split("\n").filter((l) => l.trim() !== "");
  const last: unknown = JSON.parse(lines[lines.length - 1] ?? "{}");
  const st: Json = isObj(last) ? last : {};
  n.runId = typeof st.dagRunId === "string" ? st.dagRunId : "";
  n.attemptId = typeof st.attemptId === "string" ? st.attemptId : "";
  readFiles();
  const code = typeof st.status === "number" ? st.status : -1;
  const nodes = Array.isArray(st.nodes) ? st.nodes.filter(isObj).map((x) => nodeRecord(x, n)) : [];
  if (d.unorderedNodes) nodes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const handlers: Record<string, NodeRecord> = {};
  for (const k of handlerKeys) {
    const h = st[k];
    if (isObj(h) && isObj(h.step)) handlers[k] = nodeRecord(h, n);
  }
  let outputs: Record<string, unknown> | null = null;
  const op = join(attempt, "outputs.json");
  if (existsSync(op)) {
    const o: unknown = JSON.parse(readFileSync(op, "utf8"));
    if (isObj(o) && isObj(o.outputs)) outputs = normaliseJson(o.outputs, n) as Record<string, unknown>;
  }
  return { args: d.args, exitCode, status: runStatusNames[code] ?? `code ${code}`, nodes, handlers, outputs, files };
}

/** Everything a run produced, for failure messages. */
export interface RunOutcome {
  readonly record: RunRecord;
  /** The binary's own stdout+stderr (normalised, truncated), for diagnostics only. */
  readonly console: string;
  /** Wall time of the `start` process. */
  readonly ms: number;
}

/** Run one fixture with `binary start` in a fresh temp root and read its record. */
export async function runFixture(binary: string, file: string, extraEnv: Record<string, string> = {}): Promise<RunOutcome> {
  const d = directives(file);
  const root = mkdtempSync(join(tmpdir(), "dagu-run-"));
  try {
    const cwd = join(root, "cwd");
    cpSync(fixturesDir, cwd, { recursive: true, filter: (src) => basename(src) !== "expected.json" });
    const proc = Bun.spawn([binary, "start", join(cwd, basename(file)), ...d.args], {
      cwd,
      env: runEnv(root, extraEnv),
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const t0 = performance.now();
    const timer = setTimeout(() => proc.kill("SIGKILL"), runTimeoutMs);
    const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
    const code = await proc.exited;
    clearTimeout(timer);
    const ms = Math.round(performance.now() - t0);
    const record = readRecord(root, d, proc.signalCode === null ? code : null);
    const n: Norm = { root, cwd, home: join(root, "home"), user: join(root, "user"), runId: "", attemptId: "" };
    const text = `${out}\n${err}`;
    return { record, console: replaceAll(replaceAll(text, n.cwd, "<CWD>"), n.home, "<HOME>").slice(0, 3000), ms };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Field-by-field differences between an expected and an actual record (empty = equal). */
export function diffRecords(want: RunRecord, got: RunRecord): string[] {
  const diffs: string[] = [];
  const show = (v: unknown): string => JSON.stringify(v);
  const cmp = (path: string, a: unknown, b: unknown): void => {
    if (show(a) !== show(b)) diffs.push(`${path}:\n    expected ${show(a)}\n    actual   ${show(b)}`);
  };
  cmp("exitCode", want.exitCode, got.exitCode);
  cmp("status", want.status, got.status);
  cmp("node names (in order)", want.nodes.map((x) => x.name), got.nodes.map((x) => x.name));
  const cmpNode = (label: string, a: NodeRecord | undefined, b: NodeRecord | undefined): void => {
    if (a === undefined || b === undefined) {
      cmp(label, a ?? null, b ?? null);
      return;
    }
    for (const k of ["status", "stdout", "stderr", "retryCount", "doneCount"] as const) cmp(`${label}.${k}`, a[k], b[k]);
  };
  for (const a of want.nodes) cmpNode(`node ${a.name}`, a, got.nodes.find((x) => x.name === a.name));
  const hk = new Set([...Object.keys(want.handlers), ...Object.keys(got.handlers)]);
  for (const k of [...hk].sort()) cmpNode(`handler ${k}`, want.handlers[k], got.handlers[k]);
  cmp("outputs", sortKeys(want.outputs), sortKeys(got.outputs));
  const fk = new Set([...Object.keys(want.files), ...Object.keys(got.files)]);
  for (const k of [...fk].sort()) cmp(`file ${k}`, want.files[k] ?? null, got.files[k] ?? null);
  return diffs;
}

/** A copy of a JSON value with object keys sorted (outputs key order is not significant). */
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObj(v)) {
    const out: Json = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
    return out;
  }
  return v;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let jobs = 4;
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "--jobs") jobs = Number(argv[++i]);
    else only.push(a.replace(/\.yaml$/, "").replace(/^.*\//, ""));
  }
  const refBin = resolveRefBinary(process.env.DAGU_REF ?? defaultRefTool);
  let files = listFixtures();
  if (only.length > 0) files = files.filter((f) => only.includes(caseName(f)));
  const t0 = Date.now();
  const outcomes = await mapPool(files, jobs, async (f) => {
    const o = await runFixture(refBin, f);
    process.stderr.write(`${caseName(f)}: exit ${o.record.exitCode} ${o.record.status} (${o.ms} ms)\n`);
    return o;
  });
  const old: Expected = only.length > 0 && existsSync(expectedPath) ? (JSON.parse(readFileSync(expectedPath, "utf8")) as Expected) : {};
  const names = new Set(listFixtures().map(caseName));
  const merged: Expected = {};
  files.forEach((f, i) => {
    old[caseName(f)] = (outcomes[i] as RunOutcome).record;
  });
  for (const k of Object.keys(old).sort()) if (names.has(k)) merged[k] = old[k] as RunRecord;
  writeFileSync(expectedPath, `${JSON.stringify(merged, null, 2)}\n`);
  const misnamed = files.filter((f, i) => ((outcomes[i] as RunOutcome).record.status === null) !== caseName(f).startsWith(loadErrorPrefix));
  if (misnamed.length > 0) {
    process.stderr.write(`load failure and \`${loadErrorPrefix}\` name prefix disagree:\n`);
    for (const f of misnamed) {
      const o = outcomes[files.indexOf(f)] as RunOutcome;
      process.stderr.write(`  ${caseName(f)}: status ${o.record.status}\n${o.console.split("\n").filter((l) => !l.includes("level=INFO")).join("\n")}\n`);
    }
  }
  const hung = files.filter((_, i) => (outcomes[i] as RunOutcome).record.exitCode === null);
  process.stderr.write(`${files.length} fixtures in ${((Date.now() - t0) / 1000).toFixed(1)} s → ${expectedPath}\n`);
  if (hung.length > 0) process.stderr.write(`killed after ${runTimeoutMs} ms: ${hung.map(caseName).join(", ")}\n`);
  if (hung.length > 0 || misnamed.length > 0) process.exit(1);
}

if (import.meta.main) await main();
