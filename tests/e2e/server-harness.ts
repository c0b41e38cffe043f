/**
 * @module tests/e2e/server-harness
 * Start `dist/dagu start-all` (or the reference Dagu) on 127.0.0.1 with its own DAGU_HOME and
 * a free port, wait until /api/v2/health answers, and stop it (by its pid) afterwards. Also
 * the shape comparison used by the contract tests: key sets and value types, not values.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DaguClient } from "../../src/client/api-client.ts";
import { bin, ensureBuilt, refTool } from "./harness.ts";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface ServerHandle {
  readonly home: string;
  readonly dagsDir: string;
  readonly base: string;
  readonly api: string;
  readonly client: DaguClient;
  readonly proc: ReturnType<typeof Bun.spawn>;
  readonly output: () => string;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly ref?: boolean;
  readonly dags?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string>>;
  readonly args?: readonly string[];
  readonly command?: "start-all" | "server";
  /** Files to write under DAGU_HOME before start (e.g. config.yaml). */
  readonly files?: Readonly<Record<string, string>>;
  readonly basePath?: string;
}

export async function startServer(opts: StartOptions = {}): Promise<ServerHandle> {
  if (!opts.ref) ensureBuilt();
  const home = mkdtempSync(join(tmpdir(), opts.ref ? "dagu-ref-srv-" : "dagu-srv-"));
  const dagsDir = join(home, "dags");
  mkdirSync(dagsDir, { recursive: true });
  for (const [name, text] of Object.entries(opts.dags ?? {})) writeFileSync(join(dagsDir, `${name}.yaml`), text);
  for (const [name, text] of Object.entries(opts.files ?? {})) writeFileSync(join(home, name), text);
  const port = await freePort();
  // The reference's start-all also binds a coordinator (50055 by default): give it its own port.
  const extra = opts.ref && (opts.command ?? "start-all") === "start-all" ? [`--coordinator.port=${await freePort()}`] : [];
  const exe = opts.ref ? refTool : bin;
  let out = "";
  const proc = Bun.spawn([exe, opts.command ?? "start-all", "--host=127.0.0.1", `--port=${port}`, ...extra, ...(opts.args ?? [])], {
    env: { ...process.env, DAGU_HOME: home, DAGU_SKIP_EXAMPLES: "true", ...opts.env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const drain = async (s: ReadableStream<Uint8Array>): Promise<void> => {
    const d = new TextDecoder();
    for await (const c of s) out += d.decode(c);
  };
  void drain(proc.stdout as ReadableStream<Uint8Array>);
  void drain(proc.stderr as ReadableStream<Uint8Array>);
  const base = `http://127.0.0.1:${port}${opts.basePath ?? ""}`;
  const api = `${base}/api/v2`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const r = await fetch(`${api}/health`);
      if (r.ok) break;
    } catch {
      // Not listening yet.
    }
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill("SIGKILL");
      rmSync(home, { recursive: true, force: true });
      throw new Error(`server did not start (exit ${proc.exitCode}):\n${out}`);
    }
    await Bun.sleep(50);
  }
  return {
    home,
    dagsDir,
    base,
    api,
    client: new DaguClient({ baseUrl: api }),
    proc,
    output: () => out,
    async stop() {
      proc.kill("SIGTERM");
      const t = setTimeout(() => proc.kill("SIGKILL"), 5000);
      await proc.exited;
      clearTimeout(t);
      killRunsUnder(home);
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * Runs are detached from the server (a restart must not kill them), so a test's unfinished
 * runs would outlive it: kill every process whose command line names the test's home, and
 * all their descendants (steps run in process groups of their own).
 */
export function killRunsUnder(home: string): void {
  const parentOf = new Map<number, number>();
  const owners: number[] = [];
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      parentOf.set(pid, Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(home)) owners.push(pid);
    } catch {
      // Gone meanwhile.
    }
  }
  const doomed = new Set(owners);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parentOf) {
      if (!doomed.has(pid) && doomed.has(ppid)) {
        doomed.add(pid);
        grew = true;
      }
    }
  }
  for (const pid of doomed) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

export type Shape = string | { readonly [k: string]: Shape } | readonly Shape[];

/** The shape of a JSON value: object keys (sorted), array element shape (first item), leaf types. */
export function shapeOf(v: unknown): Shape {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return v.length === 0 ? [] : [shapeOf(v[0])];
  if (typeof v === "object") {
    const o: Record<string, Shape> = {};
    for (const k of Object.keys(v as object).sort()) o[k] = shapeOf((v as Record<string, unknown>)[k]);
    return o;
  }
  return typeof v;
}

/**
 * Differences between two shapes, as `path: ours vs reference` lines. Go's nil slices marshal
 * as null, so null and [] are the same shape; an empty array matches any array.
 */
export function shapeDiff(ours: Shape, ref: Shape, path = "$", ignore: readonly string[] = []): string[] {
  if (ignore.some((p) => path === p || path.endsWith(`.${p}`))) return [];
  const isEmptyList = (s: Shape): boolean => s === "null" || (Array.isArray(s) && s.length === 0);
  if (isEmptyList(ours) && (isEmptyList(ref) || Array.isArray(ref))) return [];
  if (isEmptyList(ref) && Array.isArray(ours)) return [];
  if (Array.isArray(ours) && Array.isArray(ref)) return shapeDiff(ours[0] as Shape, ref[0] as Shape, `${path}[]`, ignore);
  if (typeof ours === "object" && typeof ref === "object" && !Array.isArray(ours) && !Array.isArray(ref)) {
    const out: string[] = [];
    const o = ours as Record<string, Shape>;
    const r = ref as Record<string, Shape>;
    for (const k of new Set([...Object.keys(o), ...Object.keys(r)])) {
      const p = `${path}.${k}`;
      if (ignore.some((x) => p === x || p.endsWith(`.${x}`))) continue;
      if (!(k in o)) out.push(`${p}: missing in ours`);
      else if (!(k in r)) out.push(`${p}: extra in ours`);
      else out.push(...shapeDiff(o[k] as Shape, r[k] as Shape, p, ignore));
    }
    return out;
  }
  return JSON.stringify(ours) === JSON.stringify(ref) ? [] : [`${path}: ${JSON.stringify(ours)} vs ${JSON.stringify(ref)}`];
}

/** GET a path under /api/v2 and return status + parsed JSON (or text). */
export async function getJson(api: string, path: string, init?: RequestInit): Promise<{ status: number; body: unknown; type: string }> {
  const r = await fetch(`${api}${path}`, init);
  const type = r.headers.get("content-type") ?? "";
  const text = await r.text();
  let body: unknown = text;
  if (type.includes("json") && text !== "") body = JSON.parse(text);
  return { status: r.status, body, type };
}

/** Poll until a run is final (API-level; test helper only). `init` adds e.g. credentials. */
export async function waitFinal(api: string, name: string, id: string, timeoutMs = 20_000, init?: RequestInit): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await getJson(api, `/dag-runs/${name}/${id}`, init);
    if (r.status === 200) {
      const d = (r.body as { dagRunDetails: Record<string, unknown> }).dagRunDetails;
      if (![0, 1, 5].includes(d["status"] as number)) return d;
    }
    if (Date.now() > deadline) throw new Error(`run ${name}/${id} not final: ${JSON.stringify(r.body)}`);
    await Bun.sleep(100);
  }
}
