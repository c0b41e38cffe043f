/**
 * @module scheduler/dag-registry
 * The DAGs the scheduler knows: every `*.yaml`/`*.yml` in the DAGs folder, reloaded when a
 * file's modification time or size changes (parsing goes through the parsed-DAG cache, so an
 * unchanged file costs a stat). A file that fails to load is reported once per change and
 * left out until fixed. Only DAGs the scheduler acts on (any schedule) are kept in memory,
 * and a file whose text never says "schedule" (nor the base config's) is not even parsed:
 * most DAGs are run by hand, and parsing hundreds of them cost a cold start most of its
 * memory.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Dag } from "../core/dag.ts";
import { selfCommand } from "../runs/self-command.ts";
import { cacheEnabled } from "../spec/dag-cache.ts";
import { cachedDag, loadDag } from "../spec/loader.ts";

interface Entry {
  readonly file: string;
  readonly stamp: string;
  readonly dag?: Dag;
}

export class DagRegistry {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly dagsDir: string,
    private readonly baseConfig: string,
    private readonly onError: (file: string, message: string) => void,
  ) {}

  private async parseInChild(files: readonly string[]): Promise<void> {
    try {
      const child = Bun.spawn([...selfCommand(), "cache-dags", `--base-config=${this.baseConfig}`, this.dagsDir, ...files], {
        stdin: "ignore",
        stdout: "ignore",
        stderr: "ignore",
      });
      await child.exited;
    } catch {
      // Could not start it: the loads below parse in this process.
    }
  }

  /** Re-read the folder; returns the loaded DAGs that have a schedule. */
  async refresh(): Promise<Dag[]> {
    let names: string[];
    try {
      names = readdirSync(this.dagsDir).filter((n) => /\.ya?ml$/.test(n));
    } catch {
      names = [];
    }
    const seen = new Set<string>();
    let baseSchedules = false;
    try {
      baseSchedules = readFileSync(this.baseConfig, "utf8").includes("schedule");
    } catch {
      // No base config.
    }
    const toLoad: { file: string; stamp: string }[] = [];
    for (const name of names) {
      const file = join(this.dagsDir, name);
      seen.add(file);
      let stamp: string;
      try {
        const st = statSync(file);
        stamp = `${st.mtimeMs}:${st.size}`;
      } catch {
        continue;
      }
      if (this.entries.get(file)?.stamp === stamp) continue;
      if (!baseSchedules && !mentionsSchedule(file)) {
        this.entries.set(file, { file, stamp });
        continue;
      }
      toLoad.push({ file, stamp });
    }
    const opts = { dagsDir: this.dagsDir, baseConfig: this.baseConfig };
    const misses = toLoad.filter((f) => cachedDag(f.file, opts) === undefined);
    if (misses.length >= parseOutOfProcessAt && cacheEnabled()) await this.parseInChild(misses.map((f) => f.file));
    for (const { file, stamp } of toLoad) {
      try {
        const dag = await loadDag(file, opts);
        const scheduled = dag.schedule.length + dag.stopSchedule.length + dag.restartSchedule.length > 0;
        this.entries.set(file, scheduled ? { file, stamp, dag } : { file, stamp });
      } catch (e) {
        this.entries.set(file, { file, stamp });
        this.onError(file, (e as Error).message);
      }
    }
    for (const file of [...this.entries.keys()]) if (!seen.has(file)) this.entries.delete(file);
    return [...this.entries.values()].flatMap((e) => (e.dag ? [e.dag] : []));
  }
}

/**
 * From this many DAGs to parse at once (a cold start), they are parsed by a short-lived
 * `dagu cache-dags` child into the parse cache, then read from it: the YAML parser's memory
 * (several MB that the allocator keeps) never lands in the long-lived scheduler.
 */
const parseOutOfProcessAt = 20;

/** False only when the file surely has no schedule (an unreadable file is left to the loader). */
function mentionsSchedule(file: string): boolean {
  try {
    return readFileSync(file, "utf8").includes("schedule");
  } catch {
    return true;
  }
}
