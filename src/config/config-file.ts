/**
 * @module config/config-file
 * Dagu's `config.yaml` (in `$DAGU_HOME`, `~/.config/dagu`, or the file given with `--config`)
 * merged with `DAGU_*` environment variables, as Dagu 1.30 reads them (FEATURES.md §8):
 * command-line flags beat environment variables, which beat the file, which beats defaults.
 * Only the keys the server and scheduler use are typed here; unknown keys are ignored, as
 * Dagu's loader ignores them.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import type { AuthSettings } from "../auth/auth-settings.ts";
import { DaguError } from "../core/errors.ts";
import { type DaguPaths, resolvePaths } from "./paths.ts";

export type LogFormat = "text" | "json";

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  /** URL prefix the UI and API live under ("" or "/dagu"), normalised without a trailing slash. */
  readonly basePath: string;
  /** Where the API lives under basePath (Dagu: `/api/v2`). */
  readonly apiBasePath: string;
  readonly headless: boolean;
  readonly debug: boolean;
  readonly logFormat: LogFormat;
  /** IANA zone for display and schedules; "" = the machine's local zone. */
  readonly tz: string;
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** `metrics: public` serves /metrics without authentication. */
  readonly metrics: "private" | "public";
  readonly auth: AuthSettings;
  readonly latestStatusToday: boolean;
  readonly permissions: { readonly writeDAGs: boolean; readonly runDAGs: boolean };
  readonly ui: {
    readonly navbarColor: string;
    readonly navbarTitle: string;
    readonly maxDashboardPageLimit: number;
    readonly logEncodingCharset: string;
  };
  readonly queues: { readonly enabled: boolean; readonly config: readonly { readonly name: string; readonly maxActiveRuns: number }[] };
  readonly paths: DaguPaths;
  /** The config file read, or undefined when none exists. */
  readonly configFile?: string;
}

export interface ConfigOverrides {
  readonly configFile?: string;
  readonly daguHome?: string;
  readonly host?: string;
  readonly port?: string;
  readonly dagsDir?: string;
}

type Raw = Record<string, unknown>;

function isRecord(v: unknown): v is Raw {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

function bool(v: unknown, field: string): boolean | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v === "boolean") return v;
  const s = String(v).toLowerCase();
  if (["1", "t", "true", "yes", "on"].includes(s)) return true;
  if (["0", "f", "false", "no", "off"].includes(s)) return false;
  throw new DaguError(`config: ${field}: expected a boolean, got "${String(v)}"`);
}

function int(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  const n = typeof v === "number" ? v : Number(String(v).trim());
  if (!Number.isInteger(n)) throw new DaguError(`config: ${field}: expected an integer, got "${String(v)}"`);
  return n;
}

function get(raw: Raw, path: string): unknown {
  let cur: unknown = raw;
  for (const part of path.split(".")) {
    if (!isRecord(cur)) return undefined;
    // Dagu's viper keys are case-insensitive.
    const key = Object.keys(cur).find((k) => k.toLowerCase() === part.toLowerCase());
    cur = key === undefined ? undefined : cur[key];
  }
  return cur;
}

/** First defined of: env vars (in order), then file keys (in order). */
function pick(env: NodeJS.ProcessEnv, raw: Raw, envNames: readonly string[], keys: readonly string[]): unknown {
  for (const e of envNames) {
    const v = env[e];
    if (v !== undefined && v !== "") return v;
  }
  for (const k of keys) {
    const v = get(raw, k);
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

export function normaliseBasePath(p: string): string {
  const trimmed = p.trim().replace(/\/+$/, "");
  if (trimmed === "") return "";
  return trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
}

/** Read `config.yaml` (YAML parsed lazily: only commands that need config pay for the parser). */
async function readConfigFile(path: string, explicit: boolean): Promise<Raw> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if (explicit) throw new DaguError(`cannot read config file ${path}: ${(e as Error).message}`);
    return {};
  }
  const { parse } = await import("yaml");
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new DaguError(`config file ${path}: ${(e as Error).message}`);
  }
  if (doc === null || doc === undefined) return {};
  if (!isRecord(doc)) throw new DaguError(`config file ${path}: expected a map of keys`);
  return doc;
}

function pathIn(base: string, v: string): string {
  return isAbsolute(v) ? v : resolve(base, v);
}

/**
 * The `auth:` section (FEATURES.md §8, Dagu's cfg/loader.go): env vars over file keys, Dagu's
 * legacy names included (`DAGU_BASICAUTH_*`, `DAGU_AUTHTOKEN`, top-level `basicAuthUsername`,
 * `isAuthToken` + `authToken`). Stricter than Dagu, which warns and runs open: an unknown
 * mode, half a basic login, or builtin mode without a token secret stop the start.
 */
async function authSettings(env: NodeJS.ProcessEnv, raw: Raw): Promise<AuthSettings> {
  const s = (envNames: readonly string[], keys: readonly string[]): string => str(pick(env, raw, envNames, keys))?.trim() ?? "";
  const mode = s(["DAGU_AUTH_MODE"], ["auth.mode"]).toLowerCase() || "none";
  const username = s(["DAGU_AUTH_BASIC_USERNAME", "DAGU_BASICAUTH_USERNAME"], ["auth.basic.username", "basicAuthUsername"]);
  const password = str(pick(env, raw, ["DAGU_AUTH_BASIC_PASSWORD", "DAGU_BASICAUTH_PASSWORD"], ["auth.basic.password", "basicAuthPassword"])) ?? "";
  const legacyToken = bool(get(raw, "isAuthToken"), "isAuthToken") ? (str(get(raw, "authToken")) ?? "") : "";
  const token = s(["DAGU_AUTH_TOKEN", "DAGU_AUTHTOKEN"], ["auth.token.value"]) || legacyToken.trim();
  const ttlText = s(["DAGU_AUTH_TOKEN_TTL"], ["auth.builtin.token.ttl"]);
  let tokenTtlSec = 24 * 3600;
  if (ttlText !== "") {
    const { parseDurationSec } = await import("../spec/dag-builder.ts");
    const sec = parseDurationSec(ttlText);
    if (sec === undefined || sec <= 0) throw new DaguError(`config: auth.builtin.token.ttl: expected a duration such as 24h or 90m, got "${ttlText}"`);
    tokenTtlSec = sec;
  }
  const builtin = {
    adminUsername: s(["DAGU_AUTH_ADMIN_USERNAME"], ["auth.builtin.admin.username"]) || "admin",
    adminPassword: str(pick(env, raw, ["DAGU_AUTH_ADMIN_PASSWORD"], ["auth.builtin.admin.password"])) ?? "",
    tokenSecret: str(pick(env, raw, ["DAGU_AUTH_TOKEN_SECRET"], ["auth.builtin.token.secret"])) ?? "",
    tokenTtlSec,
  };
  if ((username === "") !== (password === "")) {
    throw new DaguError("config: auth.basic needs both a username and a password (DAGU_AUTH_BASIC_USERNAME, DAGU_AUTH_BASIC_PASSWORD)");
  }
  const settings: AuthSettings = {
    mode: mode === "builtin" ? "builtin" : "none",
    ...(username !== "" ? { basic: { username, password } } : {}),
    ...(token !== "" ? { token } : {}),
    builtin,
  };
  switch (mode) {
    case "none":
      return settings;
    case "basic":
      if (!settings.basic) throw new DaguError("config: auth.mode basic needs auth.basic.username and auth.basic.password");
      return settings;
    case "token":
      if (!settings.token) throw new DaguError("config: auth.mode token needs auth.token.value (DAGU_AUTH_TOKEN)");
      return settings;
    case "builtin":
      if (builtin.tokenSecret === "") throw new DaguError("config: auth.mode builtin needs a token secret: set auth.builtin.token.secret or DAGU_AUTH_TOKEN_SECRET");
      return settings;
    case "oidc":
      throw new DaguError("config: auth.mode oidc is not supported by this build (use builtin, basic or token)");
    default:
      throw new DaguError(`config: auth.mode: expected none, basic, token or builtin, got "${mode}"`);
  }
}

/**
 * The server's configuration. Paths: `DAGU_*_DIR` env vars win (resolvePaths), then
 * `paths.*` keys (or Dagu's legacy top-level `dags`, `logDir`, `dataDir`), then the defaults.
 */
export async function loadServerConfig(over: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Promise<ServerConfig> {
  const base = resolvePaths(over.daguHome, env);
  const file = over.configFile ? resolve(over.configFile) : base.configFile;
  const raw = await readConfigFile(file, over.configFile !== undefined);
  const home = base.home;

  const fromFile = (envNames: readonly string[], keys: readonly string[], current: string): string => {
    if (envNames.some((e) => env[e])) return current;
    const v = str(pick({}, raw, [], keys));
    return v ? pathIn(home, v) : current;
  };
  const dataDir = fromFile(["DAGU_DATA_DIR"], ["paths.dataDir", "dataDir"], base.dataDir);
  const dataMoved = dataDir !== base.dataDir;
  const paths: DaguPaths = {
    ...base,
    dagsDir: over.dagsDir
      ? resolve(over.dagsDir)
      : fromFile(["DAGU_DAGS_DIR", "DAGU_DAGS"], ["paths.dagsDir", "paths.dags", "dags", "dagsDir"], base.dagsDir),
    logDir: fromFile(["DAGU_LOG_DIR"], ["paths.logDir", "logDir"], base.logDir),
    dataDir,
    dagRunsDir: fromFile(["DAGU_DAG_RUNS_DIR"], ["paths.dagRunsDir"], dataMoved ? join(dataDir, "dag-runs") : base.dagRunsDir),
    procDir: fromFile(["DAGU_PROC_DIR"], ["paths.procDir"], dataMoved ? join(dataDir, "proc") : base.procDir),
    queueDir: fromFile(["DAGU_QUEUE_DIR"], ["paths.queueDir"], dataMoved ? join(dataDir, "queue") : base.queueDir),
    suspendFlagsDir: fromFile(["DAGU_SUSPEND_FLAGS_DIR"], ["paths.suspendFlagsDir", "suspendFlagsDir"], base.suspendFlagsDir),
    adminLogsDir: fromFile(["DAGU_ADMIN_LOG_DIR"], ["paths.adminLogsDir", "adminLogsDir"], base.adminLogsDir),
    baseConfig: fromFile(["DAGU_BASE_CONFIG"], ["paths.baseConfig", "baseConfig"], base.baseConfig),
    usersDir: fromFile(["DAGU_USERS_DIR"], ["paths.usersDir"], dataMoved ? join(dataDir, "users") : base.usersDir),
    apiKeysDir: fromFile([], ["paths.apiKeysDir"], dataMoved ? join(dataDir, "apikeys") : base.apiKeysDir),
  };

  const portRaw = over.port ?? pick(env, raw, ["DAGU_PORT"], ["port"]);
  const port = int(portRaw, "port") ?? 8080;
  if (port < 0 || port > 65535) throw new DaguError(`config: port: ${port} is out of range (0-65535)`);
  const logFormat = (str(pick(env, raw, ["DAGU_LOG_FORMAT"], ["logFormat"])) ?? "text").toLowerCase();
  if (logFormat !== "text" && logFormat !== "json") throw new DaguError(`config: logFormat: expected "text" or "json", got "${logFormat}"`);
  const certFile = str(pick(env, raw, ["DAGU_CERT_FILE"], ["tls.certFile", "tls.certfile"]));
  const keyFile = str(pick(env, raw, ["DAGU_KEY_FILE"], ["tls.keyFile", "tls.keyfile"]));
  if ((certFile && !keyFile) || (!certFile && keyFile)) throw new DaguError("config: tls needs both certFile (DAGU_CERT_FILE) and keyFile (DAGU_KEY_FILE)");
  const metrics = (str(pick(env, raw, ["DAGU_SERVER_METRICS"], ["metrics"])) ?? "private").toLowerCase();
  const queueList = get(raw, "queues.config");
  const queueConfig = Array.isArray(queueList)
    ? queueList.filter(isRecord).map((q, i) => ({
        name: str(q["name"]) ?? "",
        maxActiveRuns: int(q["maxActiveRuns"] ?? q["maxConcurrency"], `queues.config[${i}].maxActiveRuns`) ?? 1,
      }))
    : [];

  return {
    host: over.host ?? str(pick(env, raw, ["DAGU_HOST"], ["host"])) ?? "127.0.0.1",
    port,
    basePath: normaliseBasePath(str(pick(env, raw, ["DAGU_BASE_PATH"], ["basePath"])) ?? ""),
    apiBasePath: normaliseBasePath(str(pick(env, raw, [], ["apiBasePath"])) ?? "/api/v2") || "/api/v2",
    headless: bool(pick(env, raw, ["DAGU_HEADLESS"], ["headless"]), "headless") ?? false,
    debug: bool(pick(env, raw, ["DAGU_DEBUG"], ["debug"]), "debug") ?? false,
    logFormat,
    tz: str(pick(env, raw, ["DAGU_TZ"], ["tz"])) ?? "",
    ...(certFile && keyFile ? { tls: { certFile: pathIn(home, certFile), keyFile: pathIn(home, keyFile) } } : {}),
    metrics: metrics === "public" ? "public" : "private",
    auth: await authSettings(env, raw),
    latestStatusToday: bool(pick(env, raw, ["DAGU_LATEST_STATUS_TODAY"], ["latestStatusToday"]), "latestStatusToday") ?? false,
    permissions: {
      writeDAGs: bool(get(raw, "permissions.writeDAGs"), "permissions.writeDAGs") ?? true,
      runDAGs: bool(get(raw, "permissions.runDAGs"), "permissions.runDAGs") ?? true,
    },
    ui: {
      navbarColor: str(pick(env, raw, ["DAGU_UI_NAVBAR_COLOR", "DAGU_NAVBAR_COLOR"], ["ui.navbarColor", "navbarColor"])) ?? "",
      navbarTitle: str(pick(env, raw, ["DAGU_UI_NAVBAR_TITLE", "DAGU_NAVBAR_TITLE"], ["ui.navbarTitle", "navbarTitle"])) ?? "Dagu",
      maxDashboardPageLimit:
        int(pick(env, raw, ["DAGU_UI_MAX_DASHBOARD_PAGE_LIMIT", "DAGU_MAX_DASHBOARD_PAGE_LIMIT"], ["ui.maxDashboardPageLimit"]), "ui.maxDashboardPageLimit") ?? 100,
      logEncodingCharset: str(pick(env, raw, ["DAGU_UI_LOG_ENCODING_CHARSET", "DAGU_LOG_ENCODING_CHARSET"], ["ui.logEncodingCharset"])) ?? "utf-8",
    },
    queues: { enabled: bool(pick(env, raw, ["DAGU_QUEUE_ENABLED"], ["queues.enabled"]), "queues.enabled") ?? true, config: queueConfig },
    paths,
    ...(Object.keys(raw).length > 0 || over.configFile ? { configFile: file } : {}),
  };
}
