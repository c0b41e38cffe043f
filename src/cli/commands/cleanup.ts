/**
 * @module cli/commands/cleanup
 * `dagu cleanup <dag name> [--retention-days N] [--dry-run] [-y]`: delete run history older
 * than N days (0 = all), as Dagu 1.30.2 does, word for word: active runs (running, queued,
 * waiting) are never deleted, nor a run whose record changed within the retention window;
 * the confirmation is read from stdin (whatever it is) unless -y or -q.
 */
import { readSync, rmdirSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { DaguError, UsageError } from "../../core/errors.ts";
import { RunStatus } from "../../core/status.ts";
import { readRun } from "../../runs/run-lookup.ts";
import type { RunStore, StoredRun } from "../../store/run-store.ts";
import { defineCommand, globalFlags } from "../command.ts";
import { cliRunContext } from "../run-context.ts";

// Dagu's long help, verbatim (trailing spaces dropped).
const description = `Remove old DAG run history for a specified DAG.

By default, removes all history except for currently active runs.
Use --retention-days to keep recent history.

Active runs are never deleted for safety.

Examples:
  dagu cleanup my-workflow                      # Delete all history (with confirmation)
  dagu cleanup --retention-days 30 my-workflow  # Keep last 30 days
  dagu cleanup --dry-run my-workflow            # Preview what would be deleted
  dagu cleanup -y my-workflow                   # Skip confirmation`;

/** Go's strconv.Atoi, for the values a user types: an optional sign and digits. */
function parseDays(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw new DaguError(`invalid retention-days value ${JSON.stringify(text)}: must be a non-negative integer`);
  const days = Number(text);
  if (days < 0) throw new DaguError(`retention-days cannot be negative (got ${days})`);
  return days;
}

/** One line from stdin, as Go's ReadString('\n'): an input that ends before a newline is an error. */
function readAnswer(): string {
  const buf = Buffer.alloc(256);
  let line = "";
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buf, 0, buf.length, null);
    } catch {
      n = 0;
    }
    if (n === 0) throw new DaguError("failed to read user input: EOF");
    line += buf.subarray(0, n).toString("utf8");
    const nl = line.indexOf("\n");
    if (nl >= 0) return line.slice(0, nl);
  }
}

/**
 * The runs Dagu's RemoveOld picks, newest first: created before now - days, not active, and
 * whose newest record was last written before that too. A run left `running` by an owner
 * that died reads as failed here (runs/run-lookup.ts), so it can be cleaned up; Dagu keeps
 * such a run forever.
 */
function oldRuns(store: RunStore, procDir: string, dagName: string, days: number): StoredRun[] {
  const keep = Date.now() - days * 86_400_000;
  return store.listRuns(dagName).filter((run) => {
    if (run.createdAt.getTime() >= keep) return false;
    const read = readRun(store, run, { procDir });
    if (!read) return false;
    const active = read.record.status === RunStatus.Running || read.record.status === RunStatus.Queued || read.record.status === RunStatus.Waiting;
    if (active && !read.dead) return false;
    const attempt = store.latestAttemptDir(run);
    try {
      return attempt === undefined || statSync(join(attempt, "status.jsonl")).mtimeMs <= keep;
    } catch {
      return true;
    }
  });
}

/** Day, month and year folders left empty by a removal go too, as in Dagu. */
function removeEmptyParents(runDir: string): void {
  let dir = dirname(runDir);
  for (let i = 0; i < 3; i++, dir = dirname(dir)) {
    try {
      rmdirSync(dir);
    } catch {
      return; // Not empty (or gone): its parents are not empty either.
    }
  }
}

export default defineCommand({
  name: "cleanup",
  usage: "dagu cleanup [flags] <DAG name>",
  description,
  flags: {
    ...globalFlags,
    "dry-run": { type: "boolean", description: "Preview what would be deleted without actually deleting" },
    "retention-days": {
      type: "string",
      description: "Number of days to retain history (0 = delete all, except active runs)",
      defaultText: '"0"',
    },
    yes: { type: "boolean", short: "y", description: "Skip confirmation prompt" },
  },
  async run({ flags, args }) {
    if (args.length !== 1) throw new UsageError(`accepts 1 arg(s), received ${args.length}`);
    // As Dagu: the messages show the argument as given; the history looked at is the DAG
    // named by its last path element without a .yaml/.yml extension (Dagu's DataRoot).
    const arg = args[0] as string;
    const name = basename(arg).replace(/\.ya?ml$/, "");
    const days = parseDays(flags["retention-days"] ?? "0");
    const { paths, store } = cliRunContext(flags["dagu-home"]);
    const quoted = JSON.stringify(arg);
    if (flags["dry-run"]) {
      const ids = oldRuns(store, paths.procDir, name, days).map((r) => r.runId);
      if (ids.length === 0) process.stdout.write(`Dry run: No runs to delete for DAG ${quoted}\n`);
      else process.stdout.write(`Dry run: Would delete ${ids.length} run(s) for DAG ${quoted}:\n${ids.map((id) => `  - ${id}\n`).join("")}`);
      return 0;
    }
    if (!flags.yes && !flags.quiet) {
      const what = days === 0 ? `all history for DAG ${quoted}` : `history older than ${days} days for DAG ${quoted}`;
      process.stdout.write(`This will delete ${what}.\nActive runs will be preserved.\nContinue? [y/N]: `);
      const answer = readAnswer().trim().toLowerCase();
      if (answer !== "y" && answer !== "yes") {
        process.stdout.write("Cancelled.\n");
        return 0;
      }
    }
    const doomed = oldRuns(store, paths.procDir, name, days);
    for (const run of doomed) {
      store.removeRun(run);
      removeEmptyParents(run.runDir);
    }
    if (!flags.quiet) {
      process.stdout.write(doomed.length === 0 ? `No runs to delete for DAG ${quoted}\n` : `Successfully removed ${doomed.length} run(s) for DAG ${quoted}\n`);
    }
    return 0;
  },
});
