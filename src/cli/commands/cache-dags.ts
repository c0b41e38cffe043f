/**
 * @module cli/commands/cache-dags
 * `dagu cache-dags --base-config FILE DAGS_DIR FILE...` (internal, not in help): parse DAG
 * files into the parsed-DAG cache and exit. The scheduler runs it when many DAGs need a
 * parse (a cold start), so the YAML parser's memory lives and dies in this short process
 * instead of staying in the long-lived scheduler. Files that fail are skipped: the scheduler
 * reports them when it loads them itself.
 */
import { UsageError } from "../../core/errors.ts";
import { loadDag } from "../../spec/loader.ts";
import { defineCommand, globalFlags } from "../command.ts";

export default defineCommand({
  name: "cache-dags",
  usage: "dagu cache-dags [--base-config FILE] <DAGs dir> <DAG file>...",
  description: "Parse DAG files into the parsed-DAG cache (run by the scheduler; internal).",
  flags: { ...globalFlags, "base-config": { type: "string", description: "Base config merged into every DAG" } },
  async run({ flags, args }) {
    const [dagsDir, ...files] = args;
    if (dagsDir === undefined) throw new UsageError("accepts at least 1 arg(s), received 0");
    for (const file of files) {
      try {
        await loadDag(file, { dagsDir, ...(flags["base-config"] ? { baseConfig: flags["base-config"] } : {}) });
      } catch {
        // Reported by the scheduler's own load.
      }
    }
    return 0;
  },
});
