/**
 * @module executors/process-runner
 * Run one program in its own process group with stdout/stderr going to log descriptors (and
 * optional tee copies), kill the whole group on abort (stop signal, then SIGKILL after the
 * grace period), and report the exit like Go's exec does (`exit status N`), followed — as
 * Dagu's command executor does — by the last 1,024 bytes the step wrote to stderr.
 */
import { constants } from "node:os";
import type { ExecResult, OutputSink } from "./executor.ts";

export interface ProcessSpec {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly stdout: OutputSink;
  readonly stderr: OutputSink;
  readonly signal: AbortSignal;
  readonly stopSignal: NodeJS.Signals;
  readonly killAfterMs: number;
}

function killGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    // Already gone.
  }
}

async function pump(stream: ReadableStream<Uint8Array>, sink: OutputSink, tail?: StderrTail): Promise<void> {
  for await (const chunk of stream) {
    sink.write(chunk);
    tail?.add(chunk);
  }
}

/** Dagu's TailWriter: a rolling copy of the last {@link tailLimit} bytes of stderr. */
const tailLimit = 1024;
class StderrTail {
  private chunks: Uint8Array[] = [];
  private size = 0;
  add(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.chunks.length > 1 && this.size - (this.chunks[0] as Uint8Array).length >= tailLimit) {
      this.size -= (this.chunks.shift() as Uint8Array).length;
    }
  }
  /** `error` with Dagu's "recent stderr (tail)" section when the step wrote to stderr. */
  describe(error: string): string {
    if (this.size === 0) return error;
    const all = Buffer.concat(this.chunks);
    return `${error}\nrecent stderr (tail):\n${all.subarray(Math.max(0, all.length - tailLimit)).toString("utf8")}`;
  }
}

export async function runProcess(spec: ProcessSpec): Promise<ExecResult> {
  if (spec.signal.aborted) return { ok: false, exitCode: 1, error: "aborted before start" };
  let proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  try {
    // Pipes, not log file descriptors: Bun spawns measurably faster with pipes, and quiet
    // steps then never open their log files on the hot path.
    proc = Bun.spawn([...spec.argv], {
      cwd: spec.cwd,
      env: spec.env as Record<string, string>,
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      detached: true,
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const what = err.code === "ENOENT" ? `exec: "${spec.argv[0]}": executable file not found in $PATH` : err.message;
    return { ok: false, exitCode: 127, error: what };
  }
  const pid = proc.pid;
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const onAbort = (): void => {
    killGroup(pid, spec.stopSignal);
    killTimer = setTimeout(() => killGroup(pid, "SIGKILL"), spec.killAfterMs);
  };
  spec.signal.addEventListener("abort", onAbort, { once: true });
  const tail = new StderrTail();
  const pumps = [pump(proc.stdout, spec.stdout), pump(proc.stderr, spec.stderr, tail)];
  await proc.exited;
  await Promise.all(pumps);
  spec.signal.removeEventListener("abort", onAbort);
  if (killTimer) clearTimeout(killTimer);
  // The step's own process is gone; make sure nothing it started outlives it after a stop.
  if (spec.signal.aborted) killGroup(pid, "SIGKILL");
  if (proc.exitCode === 0) return { ok: true };
  if (proc.exitCode !== null) return { ok: false, exitCode: proc.exitCode, error: tail.describe(`exit status ${proc.exitCode}`) };
  const sig = String(proc.signalCode ?? "SIGKILL");
  const num = constants.signals[sig as keyof typeof constants.signals] ?? 9;
  return { ok: false, exitCode: 128 + num, error: tail.describe(`signal: ${sigDescription(sig)}`) };
}

function sigDescription(sig: string): string {
  switch (sig) {
    case "SIGKILL":
      return "killed";
    case "SIGTERM":
      return "terminated";
    case "SIGINT":
      return "interrupt";
    default:
      return sig;
  }
}
