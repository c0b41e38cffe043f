/**
 * @module tests/executors/exec-context
 * A minimal ExecContext for unit tests of executors: captures stdout/stderr as strings.
 */
import type { ConfigValue, Step } from "../../src/core/dag.ts";
import type { ExecContext } from "../../src/executors/executor.ts";

export interface FakeRun {
  readonly ctx: ExecContext;
  out(): string;
  err(): string;
}

export function fakeContext(
  step: Partial<Step> & { type: string; config?: Record<string, ConfigValue>; command?: string },
  workingDir: string,
  signal: AbortSignal = new AbortController().signal,
): FakeRun {
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const full = {
    name: "s",
    commands: step.command ? [{ command: step.command.split(" ")[0], args: step.command.split(" ").slice(1), cmdWithArgs: step.command }] : [],
    script: step.script ?? "",
    executor: { type: step.type, config: step.config ?? {} },
  };
  const ctx = {
    step: full as unknown as Step,
    env: {},
    workingDir,
    shell: [],
    shellFromStep: false,
    stdout: { write: (c: Uint8Array) => void out.push(c) },
    stderr: { write: (c: Uint8Array) => void err.push(c) },
    signal,
    stopSignal: "SIGTERM",
    killAfterMs: 1000,
  } as unknown as ExecContext;
  const text = (chunks: Uint8Array[]): string => Buffer.concat(chunks).toString("utf8");
  return { ctx, out: () => text(out), err: () => text(err) };
}
