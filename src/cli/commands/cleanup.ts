/**
 * @module cli/commands/cleanup
 * `dagu cleanup <dag> [--retention-days N] [--dry-run] [-y]`: delete run history older than N
 * days (0 = all); runs still active are never deleted.
 */
import { DaguError, UsageError } from "../../core/errors.ts";
import { RunStatus } from "../../core/status.ts";
import { dagNameFromArg, readRun } from "../../runs/run-lookup.ts";
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
    const days = Number(flags["retention-days"] ?? "0");
    if (!Number.isInteger(days) || days < 0) throw new UsageError(`invalid --retention-days "${flags["retention-days"]}": use a whole number of days ≥ 0`);
    const { paths, store } = cliRunContext(flags["dagu-home"]);
    const name = dagNameFromArg(args[0] as string, paths.dagsDir);
    const cutoff = Date.now() - days * 86_400_000;
    // Folder names carry the creation time: only runs past the cutoff are read, to skip active ones.
    const doomed = store.listRuns(name).filter((run) => {
      if (run.createdAt.getTime() >= cutoff) return false;
      const read = readRun(store, run, { procDir: paths.procDir });
      return !(read && read.record.status === RunStatus.Running && !read.dead);
    });
    if (doomed.length === 0) {
      if (!flags.quiet) process.stdout.write(`No DAG-runs of ${name} to delete\n`);
      return 0;
    }
    if (flags["dry-run"]) {
      for (const run of doomed) process.stdout.write(`would delete ${run.runId} (${run.createdAt.toISOString()})\n`);
      return 0;
    }
    if (!flags.yes) {
      if (!process.stdin.isTTY) throw new DaguError(`refusing to delete ${doomed.length} DAG-run(s) of ${name} without confirmation: pass -y`);
      const answer = prompt(`Delete ${doomed.length} DAG-run(s) of ${name}? [y/N]`);
      if (!answer || !/^y(es)?$/i.test(answer.trim())) return 1;
    }
    for (const run of doomed) store.removeRun(run);
    if (!flags.quiet) process.stdout.write(`Deleted ${doomed.length} DAG-run(s) of ${name}\n`);
    return 0;
  },
});
