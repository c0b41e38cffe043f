/**
 * @module core/errors
 * Typed error classes. Each carries a message meant for the user; the CLI prints it
 * without a stack trace. Programming errors stay plain `Error`s.
 */

/** Base class for every error caused by user input or the environment, never by a bug. */
export class DaguError extends Error {
  override readonly name: string = "DaguError";
  /** Process exit code the CLI uses when this error ends a command. */
  readonly exitCode: number = 1;
}

/** Wrong command-line usage: unknown flag, missing argument. */
export class UsageError extends DaguError {
  override readonly name = "UsageError";
}

/** A command that exists in Dagu but is not implemented here yet. */
export class NotImplementedError extends DaguError {
  override readonly name = "NotImplementedError";
  override readonly exitCode = 2;
  constructor(command: string) {
    super(`dagu ${command}: not implemented yet in this build`);
  }
}

/** One problem found in a DAG file, located at a line and column. */
export interface SpecIssue {
  readonly file: string;
  /** 1-based; 0 when the position is unknown. */
  readonly line: number;
  readonly col: number;
  /** Dotted path of the offending field, e.g. `steps[2].retryPolicy.limit`; empty for the document. */
  readonly field: string;
  readonly message: string;
}

export function formatSpecIssue(i: SpecIssue): string {
  const where = i.line > 0 ? `${i.file}:${i.line}:${i.col}` : i.file;
  return i.field ? `${where}: ${i.field}: ${i.message}` : `${where}: ${i.message}`;
}

/** A DAG file that failed to load or validate; carries every problem found, not just the first. */
export class SpecError extends DaguError {
  override readonly name = "SpecError";
  constructor(readonly issues: readonly SpecIssue[]) {
    super(issues.map(formatSpecIssue).join("\n"));
  }
}
