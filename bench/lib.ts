/**
 * @module bench/lib
 * Helpers shared by the benchmarks: where the binaries are, building ours when it is missing,
 * command-line flags, nearest-rank percentiles and timing one process from spawn to exit
 * (with its peak RSS, through GNU `/usr/bin/time -f %M`).
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** The repository root (the parent of bench/). */
export const repoRoot = resolve(import.meta.dir, "..");

/**
 * Our compiled binary; `DAGU_BENCH_OURS=/path` puts another binary in our column (to try the
 * harness out, e.g. with the reference standing in before a command is built).
 */
export const oursPath = process.env.DAGU_BENCH_OURS ?? join(repoRoot, "dist/dagu");

/** A reference binary found on this machine; `note` says when it is the wrapper script. */
export interface ReferenceBinary {
  readonly path: string;
  readonly note: string;
}

/** The reference Go Dagu 1.30.2, preferring the cached Go executable over its bash wrapper. */
export function findReference(): ReferenceBinary | undefined {
  const cacheRoot = process.env.DAGU_REF_CACHE ?? join(homedir(), ".cache/dagu-ref");
  const cached = join(cacheRoot, "1.30.2/package/bin/dagu");
  if (existsSync(cached)) return { path: cached, note: "" };
  const wrapper = resolve(repoRoot, "../shared/tools/dagu-ref");
  if (existsSync(wrapper)) return { path: wrapper, note: " (via wrapper script: includes bash start-up)" };
  return undefined;
}

/** Builds dist/dagu when it does not exist yet; exits the process if the build fails. */
export function ensureBuilt(): void {
  if (existsSync(oursPath)) return;
  console.log("dist/dagu missing; building it first");
  const b = Bun.spawnSync([process.execPath, "run", "build.ts"], { cwd: repoRoot, stdout: "inherit", stderr: "inherit" });
  if (b.exitCode !== 0) process.exit(1);
}

/** The value after `--name` on the command line, or undefined when the flag is absent. */
export function flagValue(name: string, argv: readonly string[] = process.argv): string | undefined {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  if (v === undefined || v.startsWith("--")) throw new Error(`${name} needs a value`);
  return v;
}

/** `--name N` as a positive integer, or `fallback` when the flag is absent. */
export function positiveIntFlag(name: string, fallback: number, argv: readonly string[] = process.argv): number {
  const raw = flagValue(name, argv);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} needs a positive integer, got ${raw}`);
  return n;
}

/** Nearest-rank percentile of an ascending array: always an actual observation. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

/** Median (nearest-rank p50) of unsorted samples; NaN when there are none. */
export function median(samples: readonly number[]): number {
  return percentile([...samples].sort((a, b) => a - b), 50);
}

/** GNU time, which reports a command's peak RSS (`-f %M`), or undefined when not installed. */
export function findGnuTime(): string | undefined {
  const path = "/usr/bin/time";
  if (!existsSync(path)) return undefined;
  const r = Bun.spawnSync([path, "-f", "%M", "true"], { stdout: "ignore", stderr: "pipe" });
  return r.exitCode === 0 && /^\d+\s*$/.test(r.stderr.toString()) ? path : undefined;
}

/** The outcome of one timed process. */
export interface TimedRun {
  /** Wall time from spawn to exit, ms. */
  readonly ms: number;
  /** Exit code; null when it was killed by a signal (timeout). */
  readonly exitCode: number | null;
  /**
   * Peak resident set size in KiB (NaN without GNU time): the process itself or its largest
   * waited-for descendant, whichever is bigger.
   */
  readonly maxRssKiB: number;
  readonly timedOut: boolean;
  /** Captured stderr (trimmed, capped), for error messages. */
  readonly stderr: string;
}

/** Options for {@link timeProcess}. */
export interface TimeOptions {
  readonly cwd: string;
  readonly env: Record<string, string | undefined>;
  /** Kill the whole process group after this many ms. */
  readonly timeoutMs: number;
  /**
   * GNU time and a scratch file for its report: when set, the command runs under
   * `time -o rssFile -f %M`, which adds about 1 ms of wall time (the same for every tool).
   */
  readonly rss?: { readonly gnuTime: string; readonly file: string };
}

/**
 * Spawns `cmd` in its own process group (so a timeout can kill grandchildren too, STACK.md §8),
 * stdout discarded and stderr captured, and times it from spawn to exit.
 *
 * The peak RSS comes from GNU time rather than from Bun's `resourceUsage()`: Linux carries the
 * parent's RSS at fork into the child's ru_maxrss, so a child of the ~40 MB bench process would
 * report at least ~40 MB whatever it really used, while GNU time is a ~1 MB parent.
 */
export async function timeProcess(cmd: readonly string[], opts: TimeOptions): Promise<TimedRun> {
  let timedOut = false;
  const argv = opts.rss ? [opts.rss.gnuTime, "-o", opts.rss.file, "-f", "%M", ...cmd] : [...cmd];
  if (opts.rss) rmSync(opts.rss.file, { force: true });
  const t0 = performance.now();
  const p = Bun.spawn(argv, {
    cwd: opts.cwd,
    env: opts.env,
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
    detached: true,
  });
  const stderrText = new Response(p.stderr).text();
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-p.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }, opts.timeoutMs);
  await p.exited;
  const ms = performance.now() - t0;
  clearTimeout(timer);
  const stderr = (await stderrText).trim().slice(0, 4000);
  let maxRssKiB = Number.NaN;
  if (opts.rss && existsSync(opts.rss.file)) {
    // "Command exited with non-zero status N" may come first; %M is the last line.
    const last = readFileSync(opts.rss.file, "utf8").trim().split("\n").pop() ?? "";
    if (/^\d+$/.test(last)) maxRssKiB = Number(last);
  }
  return { ms, exitCode: timedOut ? null : p.exitCode, maxRssKiB, timedOut, stderr };
}
