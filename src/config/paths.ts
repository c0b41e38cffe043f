/**
 * @module config/paths
 * Where Dagu keeps things, resolved as Dagu 1.30 does: `--dagu-home` or `DAGU_HOME` puts
 * everything under one folder; otherwise XDG locations (`~/.config/dagu` for DAGs and
 * config, `~/.local/share/dagu` for data and logs), or a legacy `~/.dagu` if it exists.
 * Individual `DAGU_*_DIR` variables override single paths.
 *
 * Headless fallback (not in Dagu): with no DAGU_HOME / `--dagu-home`, when the data folder
 * can be neither written nor created (a CI runner with a read-only or missing HOME), state
 * (data, logs, suspend flags) goes to `$TMPDIR/dagu-<uid>` instead, a folder of mode 0700
 * owned by the user; DAGs and base.yaml are still read from the config folder. Nothing
 * changes when the usual folders are writable.
 */
import { accessSync, constants, existsSync, lstatSync, mkdirSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

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
  /** Builtin auth: one JSON file per user (`data/users`). */
  readonly usersDir: string;
  /** Builtin auth: one JSON file per API key (`data/apikeys`). */
  readonly apiKeysDir: string;
  /** Set when the usual data folder was not writable and state went to a temp folder instead. */
  readonly tempFallback?: string;
}

/** Whether `dir` is writable, or could be created under its nearest existing ancestor. */
function writableOrCreatable(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    try {
      accessSync(d, constants.W_OK);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") return false;
    }
    if (dirname(d) === d) return false;
  }
}

/** `$TMPDIR/dagu-<uid>`, created 0700; refused if it is a symlink or someone else's. */
function tempStateRoot(): string {
  const uid = process.getuid?.();
  const dir = join(tmpdir(), uid === undefined ? "dagu" : `dagu-${uid}`);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  const st = lstatSync(dir);
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) {
    throw new Error(`${dir} is not a folder owned by this user; set DAGU_HOME to a writable folder`);
  }
  return dir;
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
  let tempFallback: string | undefined;
  if (!unified && !(env.DAGU_DATA_DIR && env.DAGU_LOG_DIR) && !writableOrCreatable(dataRoot)) {
    tempFallback = dataRoot = tempStateRoot();
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
    suspendFlagsDir: env.DAGU_SUSPEND_FLAGS_DIR || join(tempFallback ?? configDir, "suspend"),
    adminLogsDir: env.DAGU_ADMIN_LOG_DIR || join(dataRoot, "logs", "admin"),
    usersDir: env.DAGU_USERS_DIR || join(dataDir, "users"),
    apiKeysDir: join(dataDir, "apikeys"),
    ...(tempFallback ? { tempFallback } : {}),
  };
}
