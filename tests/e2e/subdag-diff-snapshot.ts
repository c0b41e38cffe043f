/**
 * @module tests/e2e/subdag-diff-snapshot
 * Runs one sub-DAG case (a folder of tests/fixtures/subdag-diff) with a given `dagu` binary
 * and reads back everything the differential test compares: the exit code of `start`, the
 * root run's record and every child run's record under the root's `children/` folder (Dagu
 * 1.30's layout), with step logs and outputs.json, plus optional `dagu status` output.
 *
 * Case folder: `main.yaml` (run with `start -r <fixed id> main.yaml [args]`, cwd = a copy
 * of the folder), other DAG files beside it, and an optional `dags/` folder copied to
 * DAGU_HOME/dags. Leading comments of main.yaml: `# args: ...` (extra words after the file),
 * `# status` (also compare `dagu status main`).
 *
 * The root run id is fixed, so child run ids (Dagu derives them from the parent run id, the
 * step and the params) are stable and compared as they are. Random parts — the temp root,
 * timestamps in log names, attempt ids, pids — are normalised or dropped. Dagu 1.30.2 orders
 * a parallel step's children by Go map iteration, which is random from run to run: the
 * `children` links and a parallel result's `results`/`outputs` lists are compared sorted.
 * Object keys are compared sorted too (Dagu writes Go maps sorted, JSON readers ignore it).
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";

export const fixturesDir = resolve(import.meta.dir, "../fixtures/subdag-diff");
export const rootRunId = "subdag-diff-run";

/** The reference binary (cached by ../shared/tools/dagu-ref), or undefined when absent. */
export function referenceBinary(): string | undefined {
  const cached = join(process.env.DAGU_REF_CACHE ?? join(homedir(), ".cache/dagu-ref"), "1.30.2/package/bin/dagu");
  return existsSync(cached) ? cached : undefined;
}

const runStatus = ["not_started", "running", "failed", "aborted", "succeeded", "queued", "partially_succeeded", "waiting", "rejected"];
const nodeStatus = ["not_started", "running", "failed", "aborted", "succeeded", "skipped", "partially_succeeded", "waiting", "rejected"];

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

export interface NodeSnap {
  readonly name: string;
  readonly status: string;
  readonly error: string;
  readonly stdout: string | null;
  readonly stderr: string | null;
  readonly children: unknown;
  readonly outputVariables: unknown;
  readonly retryCount: number;
  readonly doneCount: number;
}

export interface RunSnap {
  readonly name: string;
  readonly dagRunId: string;
  readonly status: string;
  readonly params: string;
  readonly parent: string;
  readonly root: string;
  readonly nodes: readonly NodeSnap[];
  readonly handlers: Readonly<Record<string, NodeSnap>>;
  readonly outputs: unknown;
  readonly attempts: number;
}

export interface Snapshot {
  readonly exitCode: number | null;
  readonly root: RunSnap | null;
  /** Child runs by run id. */
  readonly children: Readonly<Record<string, RunSnap>>;
  /** `dagu status main` (exit code and the lines naming steps and statuses), with `# status`. */
  readonly status?: { readonly code: number | null; readonly summary: readonly string[] };
  /** The binary's console output, for failure messages only. */
  readonly console: string;
}

interface Directives {
  readonly args: readonly string[];
  readonly status: boolean;
}

function directives(file: string): Directives {
  let args: string[] = [];
  let status = false;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.startsWith("#")) break;
    const a = /^#\s*args:(.*)$/.exec(line);
    // Arguments are single words or '…' groups without spaces inside quotes' edges.
    if (a) args = [...(a[1] ?? "").matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? "");
    if (/^#\s*status\s*$/.test(line)) status = true;
  }
  return { args, status };
}

export function listCases(): string[] {
  return readdirSync(fixturesDir)
    .filter((d) => statSync(join(fixturesDir, d)).isDirectory() && existsSync(join(fixturesDir, d, "main.yaml")))
    .sort();
}

const subdirs = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir).map((d) => join(dir, d)).filter((d) => statSync(d).isDirectory()) : [];

function lastRecord(attemptDir: string): Json | undefined {
  const p = join(attemptDir, "status.jsonl");
  if (!existsSync(p)) return undefined;
  const lines = readFileSync(p, "utf8").split("\n").filter((l) => l.trim() !== "");
  const last: unknown = JSON.parse(lines[lines.length - 1] ?? "{}");
  return isObj(last) ? last : undefined;
}

function newestAttempt(runDir: string): { dir: string; count: number } | undefined {
  const attempts = subdirs(runDir).filter((a) => basename(a).startsWith("attempt_") && existsSync(join(a, "status.jsonl"))).sort();
  const dir = attempts[attempts.length - 1];
  return dir ? { dir, count: attempts.length } : undefined;
}

/** Run a program to its end (killed after a minute); exit code and both outputs. */
async function spawn(argv: readonly string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const p = Bun.spawn([...argv], { cwd, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => p.kill("SIGKILL"), 60_000);
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  const code = await p.exited;
  clearTimeout(timer);
  return { code: p.signalCode === null ? code : null, out: `${out}\n${err}` };
}

export async function runCase(binary: string, name: string): Promise<Snapshot> {
  const src = join(fixturesDir, name);
  const d = directives(join(src, "main.yaml"));
  const root = mkdtempSync(join(tmpdir(), "dagu-subdag-diff-"));
  const cwd = join(root, "cwd");
  const home = join(root, "home");
  try {
    cpSync(src, cwd, { recursive: true });
    if (existsSync(join(cwd, "dags"))) cpSync(join(cwd, "dags"), join(home, "dags"), { recursive: true });
    const env = {
      PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
      HOME: join(root, "user"),
      LANG: "C.UTF-8",
      TZ: "UTC",
      DAGU_HOME: home,
    };
    const r = await spawn([binary, "start", "-r", rootRunId, "main.yaml", ...d.args], cwd, env);
    const norm = (s: string): string =>
      s
        .split(cwd)
        .join("<CWD>")
        .split(home)
        .join("<HOME>")
        .split(root)
        .join("<ROOT>")
        // Where Dagu 1.30.2 puts temporary copies of same-file documents it runs.
        .split(join(tmpdir(), "dagu", "local-dags"))
        .join("<LOCAL_DAGS>")
        .replace(/(?<!\d)\d{8}[._]\d{6}(?:[._]\d{3})?Z?(?!\d)/g, "<TS>");
    const normJson = (v: unknown): unknown => {
      if (typeof v === "string") return canonParallel(norm(v));
      if (Array.isArray(v)) return v.map(normJson);
      if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normJson(x)]));
      return v;
    };
    const logText = (p: unknown): string | null => {
      if (typeof p !== "string" || p === "") return null;
      return existsSync(p) ? canonParallel(norm(readFileSync(p, "utf8").trim())) : "";
    };
    const node = (n: Json): NodeSnap => {
      const step = isObj(n.step) ? n.step : {};
      const code = typeof n.status === "number" ? n.status : -1;
      return {
        name: typeof step.name === "string" ? step.name : "",
        status: nodeStatus[code] ?? `code ${code}`,
        error: typeof n.error === "string" ? norm(n.error) : "",
        stdout: logText(n.stdout),
        stderr: logText(n.stderr),
        children: Array.isArray(n.children) ? (normJson(n.children) as unknown[]).sort(byJson) : null,
        outputVariables: normJson(n.outputVariables ?? null),
        retryCount: typeof n.retryCount === "number" ? n.retryCount : 0,
        doneCount: typeof n.doneCount === "number" ? n.doneCount : 0,
      };
    };
    const ref = (v: unknown): string => (isObj(v) && typeof v.name === "string" ? `${v.name}:${String(v.id)}` : "");
    const run = (runDir: string): RunSnap | null => {
      const a = newestAttempt(runDir);
      const st = a ? lastRecord(a.dir) : undefined;
      if (!a || !st) return null;
      const code = typeof st.status === "number" ? st.status : -1;
      const handlers: Record<string, NodeSnap> = {};
      for (const k of ["onInit", "onSuccess", "onFailure", "onCancel", "onExit"]) {
        const h = st[k];
        if (isObj(h) && isObj(h.step)) handlers[k] = node(h);
      }
      let outputs: unknown = null;
      const op = join(a.dir, "outputs.json");
      if (existsSync(op)) {
        const o: unknown = JSON.parse(readFileSync(op, "utf8"));
        if (isObj(o)) outputs = normJson(o.outputs ?? null);
      }
      return {
        name: String(st.name),
        dagRunId: String(st.dagRunId),
        status: runStatus[code] ?? `code ${code}`,
        params: norm(typeof st.params === "string" ? st.params : ""),
        parent: ref(st.parent),
        root: ref(st.root),
        nodes: Array.isArray(st.nodes) ? st.nodes.filter(isObj).map(node) : [],
        handlers,
        outputs,
        attempts: a.count,
      };
    };
    let rootRun: RunSnap | null = null;
    const children: Record<string, RunSnap> = {};
    for (const dag of subdirs(join(home, "data/dag-runs"))) {
      for (const y of subdirs(join(dag, "dag-runs")))
        for (const m of subdirs(y))
          for (const day of subdirs(m))
            for (const runDir of subdirs(day).filter((x) => basename(x).endsWith(`_${rootRunId}`))) {
              rootRun = run(runDir);
              for (const c of subdirs(join(runDir, "children"))) {
                const snap = run(c);
                if (snap) children[snap.dagRunId] = snap;
              }
            }
    }
    let status: Snapshot["status"];
    if (d.status) {
      const s = await spawn([binary, "status", "main"], cwd, env);
      const text = norm(s.out);
      // Durations and times differ run to run: keep the step lines' names and statuses.
      const summary = text
        .split("\n")
        .map((l) => /([\w.-]+) \([^)]*\) \[(\w+)\]/.exec(l) ?? /(Result): (\w+)/.exec(l))
        .filter((m) => m !== null)
        .map((m) => `${m[1]} ${m[2]}`);
      status = { code: s.code, summary };
    }
    const sorted = Object.fromEntries(Object.entries(children).sort(([a], [b]) => (a < b ? -1 : 1)));
    return {
      exitCode: r.code,
      root: rootRun,
      children: sorted,
      ...(status ? { status } : {}),
      console: norm(r.out).slice(0, 4000),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const byJson = (a: unknown, b: unknown): number => {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

/** Object keys sorted, recursively. */
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObj(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}

/**
 * A parallel step's result JSON (optionally after `NAME=`) with its `results` and `outputs`
 * lists sorted, re-printed the way Dagu prints it; other text unchanged.
 */
function canonParallel(text: string): string {
  const m = /^([A-Za-z_][\w.]*=)?(\{[\s\S]*\})$/.exec(text);
  if (!m) return text;
  let v: unknown;
  try {
    v = JSON.parse(m[2] ?? "");
  } catch {
    return text;
  }
  if (!isObj(v) || !isObj(v.summary) || !Array.isArray(v.results) || !Array.isArray(v.outputs)) return text;
  const sorted = { summary: v.summary, results: [...v.results].sort(byJson), outputs: [...v.outputs].sort(byJson) };
  return `${m[1] ?? ""}${JSON.stringify(sorted, null, 2)}`;
}

/** Every differing field between the reference's snapshot and ours (empty = equal). */
export function diffSnapshots(want: Snapshot, got: Snapshot, ignore: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  const cmp = (path: string, a: unknown, b: unknown): void => {
    if (ignore.has(path)) return;
    const sa = JSON.stringify(sortKeys(a));
    const sb = JSON.stringify(sortKeys(b));
    if (sa !== sb) out.push(`${path}:\n    reference ${sa}\n    ours      ${sb}`);
  };
  const cmpRun = (label: string, a: RunSnap | null | undefined, b: RunSnap | null | undefined): void => {
    if (!a || !b) return cmp(label, a ?? null, b ?? null);
    for (const k of ["name", "status", "params", "parent", "root", "attempts"] as const) cmp(`${label}.${k}`, a[k], b[k]);
    cmp(`${label}.outputs`, a.outputs, b.outputs);
    cmp(`${label}.node names`, a.nodes.map((n) => n.name), b.nodes.map((n) => n.name));
    const cmpNode = (nl: string, x: NodeSnap | undefined, y: NodeSnap | undefined): void => {
      if (!x || !y) return cmp(nl, x ?? null, y ?? null);
      for (const k of ["status", "error", "stdout", "stderr", "children", "outputVariables", "retryCount", "doneCount"] as const) cmp(`${nl}.${k}`, x[k], y[k]);
    };
    for (const n of a.nodes) cmpNode(`${label} node ${n.name}`, n, b.nodes.find((m) => m.name === n.name));
    for (const k of new Set([...Object.keys(a.handlers), ...Object.keys(b.handlers)])) cmpNode(`${label} handler ${k}`, a.handlers[k], b.handlers[k]);
  };
  cmp("exitCode", want.exitCode, got.exitCode);
  cmpRun("root", want.root, got.root);
  cmp("child ids", Object.keys(want.children), Object.keys(got.children));
  for (const id of Object.keys(want.children)) {
    const c = want.children[id];
    cmpRun(`child ${c?.name}(${c?.params})`, c, got.children[id]);
  }
  cmp("status", want.status ?? null, got.status ?? null);
  return out;
}
