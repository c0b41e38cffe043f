/**
 * @module cli/commands/validate
 * `dagu validate FILE...`: load each DAG with every check and print every problem as
 * `FILE:LINE:COL: field: message`. Exit 0 when all are valid, 1 otherwise. Unlike Dagu 1.30,
 * dependency cycles are reported here too (Dagu only finds them when the DAG runs).
 */
import { resolvePaths } from "../../config/paths.ts";
import { DaguError, SpecError, UsageError } from "../../core/errors.ts";
import { loadDag } from "../../spec/loader.ts";
import { defineCommand, globalFlags } from "../command.ts";

export default defineCommand({
  name: "validate",
  usage: "dagu validate [flags] <DAG definition>...",
  description: `Validate DAG YAML files without executing them.

Every problem is printed as FILE:LINE:COL: field: message. Checks the schema (unknown keys,
wrong types), executor settings, cron expressions, step names and ids, dependencies and
dependency cycles. Exits 0 when every file is valid, 1 otherwise.`,
  flags: { ...globalFlags },
  async run({ flags, args }) {
    if (args.length === 0) throw new UsageError("accepts at least 1 arg(s), received 0");
    const paths = resolvePaths(flags["dagu-home"]);
    let failed = 0;
    for (const file of args) {
      try {
        const dag = await loadDag(file, { dagsDir: paths.dagsDir });
        if (!flags.quiet) process.stdout.write(`${file}: valid (DAG "${dag.name}", ${dag.steps.length} step${dag.steps.length === 1 ? "" : "s"})\n`);
      } catch (e) {
        failed++;
        if (e instanceof SpecError) process.stderr.write(`${e.message}\n`);
        else if (e instanceof DaguError) process.stderr.write(`${file}: ${e.message}\n`);
        else throw e;
      }
    }
    if (failed > 0 && args.length > 1) process.stderr.write(`${failed} of ${args.length} files are invalid\n`);
    return failed > 0 ? 1 : 0;
  },
});
