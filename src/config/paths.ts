/**
 * @module config/paths
 * Where Dagu keeps things, resolved as Dagu 1.30 does: `--dagu-home` or `DAGU_HOME` puts
 * everything under one folder; otherwise XDG locations (`~/.config/dagu` for DAGs and
 * config, `~/.local/share/dagu` for data and logs), or a legacy `~/.dagu` if it exists.
 * Individual `DAGU_*_DIR` variables override single paths.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";

export interface DaguPaths {
  readonly home: string;
  /** Set when DAGU_HOME / --dagu-home put everything under one folder (child runs get it too). */
  readonly unifiedHome?: string;
  readonly configFile: string;
  readonly dagsDir: string;
  readonly baseConfig: string;
  readonly dataDir: string;
  readonly logDir: string;
  readonly dagRunsDir: string;
  readonly procDir: string;
  readonly queueDir: string;
  readonly suspendFlagsDir: string;
  readonly adminLogsDir: string;
}

export function resolvePaths(daguHomeFlag?: string, env: NodeJS.ProcessEnv = process.env): DaguPaths {
  const home = homedir();
  const unified = daguHomeFlag || env.DAGU_HOME;
  const legacy = join(home, ".dagu");
  let configDir: string;
  let dataRoot: string;
  if (unified) {
    configDir = dataRoot = resolve(unified);
  } else if (existsSync(legacy)) {
    configDir = dataRoot = legacy;
  } else {
    configDir = join(env.XDG_CONFIG_HOME || join(home, ".config"), "dagu");
    dataRoot = join(env.XDG_DATA_HOME || join(home, ".local", "share"), "dagu");
  }
  const dataDir = env.DAGU_DATA_DIR || join(dataRoot, "data");
  return {
    home: unified ? resolve(unified) : configDir,
    ...(unified ? { unifiedHome: resolve(unified) } : {}),
    configFile: join(configDir, "config.yaml"),
    dagsDir: env.DAGU_DAGS_DIR || env.DAGU_DAGS || join(configDir, "dags"),
    baseConfig: env.DAGU_BASE_CONFIG || join(configDir, "base.yaml"),
    dataDir,
    logDir: env.DAGU_LOG_DIR || join(dataRoot, "logs"),
    dagRunsDir: env.DAGU_DAG_RUNS_DIR || join(dataDir, "dag-runs"),
    procDir: env.DAGU_PROC_DIR || join(dataDir, "proc"),
    queueDir: env.DAGU_QUEUE_DIR || join(dataDir, "queue"),
    suspendFlagsDir: env.DAGU_SUSPEND_FLAGS_DIR || join(configDir, "suspend"),
    adminLogsDir: env.DAGU_ADMIN_LOG_DIR || join(dataRoot, "logs", "admin"),
  };
}
