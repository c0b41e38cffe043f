/**
 * @module server/serve
 * Start the HTTP(S) server for `dagu server` and `dagu start-all`: build the app, listen on
 * the configured host and port (TLS when a certificate and key are configured), log where,
 * and stop cleanly on request. In builtin auth mode the first admin user is created before
 * the server listens (its generated password, if any, goes to stdout once, never to the log).
 */
import { mkdirSync } from "node:fs";
import type { ServerConfig } from "../config/config-file.ts";
import { buildInfo } from "../core/build-info.ts";
import { DaguError } from "../core/errors.ts";
import { buildApp, maxBodyBytes } from "./app.ts";
import { type Logger, makeContext, makeLogger, type ServerContext } from "./context.ts";

export interface RunningServer {
  readonly ctx: ServerContext;
  /** The URL the server answers on (the real port when 0 was asked for). */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export function serverLogger(config: ServerConfig): Logger {
  return makeLogger(config.logFormat, config.debug);
}

export function startServer(config: ServerConfig, log: Logger = serverLogger(config)): RunningServer {
  if (config.tz) process.env.TZ = config.tz;
  for (const dir of [config.paths.dagsDir, config.paths.dagRunsDir, config.paths.logDir, config.paths.procDir]) mkdirSync(dir, { recursive: true });
  const ctx = makeContext(config, buildInfo.version, log);
  ensureAdmin(ctx);
  const trim = trimWhenIdle();
  const app = buildApp(ctx).onRequest(() => trim.touch());
  try {
    app.listen({
      hostname: config.host,
      port: config.port,
      // Bodies announced as too big get a JSON 413 from the app; this catches unannounced ones.
      maxRequestBodySize: 2 * maxBodyBytes,
      // Server-sent event streams stay open; Bun's default idle timeout would cut them.
      idleTimeout: 0,
      ...(config.tls ? { tls: { cert: Bun.file(config.tls.certFile), key: Bun.file(config.tls.keyFile) } } : {}),
    });
  } catch (e) {
    throw new DaguError(`cannot listen on ${config.host}:${config.port}: ${(e as Error).message}`);
  }
  const server = app.server;
  if (!server) throw new DaguError(`cannot listen on ${config.host}:${config.port}`);
  const port = server.port ?? config.port;
  const scheme = config.tls ? "https" : "http";
  const shownHost = config.host.includes(":") ? `[${config.host}]` : config.host;
  const url = `${scheme}://${shownHost}:${port}${config.basePath}`;
  log("info", "Server is starting", { address: `${shownHost}:${port}`, url, dags: config.paths.dagsDir, tls: config.tls !== undefined, headless: config.headless });
  return {
    ctx,
    url,
    port,
    async stop() {
      trim.stop();
      await app.stop(true);
    },
  };
}

function ensureAdmin(ctx: ServerContext): void {
  const accounts = ctx.auth.accounts;
  if (!accounts) return;
  const { adminUsername, adminPassword } = ctx.config.auth.builtin;
  let created: string | undefined;
  try {
    created = accounts.ensureAdmin(adminUsername, adminPassword);
  } catch (e) {
    throw new DaguError(`builtin auth: cannot create the admin user in ${ctx.paths.usersDir}: ${(e as Error).message}`);
  }
  if (created === undefined) return;
  ctx.log("info", "Created admin user", { username: adminUsername });
  if (created !== "") {
    // Printed, not logged: logs are often shipped elsewhere (as Dagu does).
    process.stdout.write(
      `\n${"=".repeat(80)}\n  ADMIN USER CREATED\n  Username: ${adminUsername}\n  Password: ${created}\n  NOTE: Please change this password immediately!\n${"=".repeat(80)}\n\n`,
    );
  }
}

/**
 * Give memory back once start-up garbage (DAG parsing, module init) is dead: a full GC a few
 * seconds after start, and again after each minute with no request. Idle RSS is a target.
 */
export function trimWhenIdle(): { touch(): void; stop(): void } {
  let last = Date.now();
  let trimmedAt = 0;
  const first = setTimeout(() => Bun.gc(true), 3000);
  const timer = setInterval(() => {
    if (Date.now() - last > 60_000 && trimmedAt < last) {
      Bun.gc(true);
      trimmedAt = Date.now();
    }
  }, 30_000);
  first.unref();
  timer.unref();
  return {
    touch: () => {
      last = Date.now();
    },
    stop: () => {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}

/** Resolve when SIGINT or SIGTERM arrives. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (s: NodeJS.Signals): void => {
      process.off("SIGINT", on);
      process.off("SIGTERM", on);
      resolve(s);
    };
    process.on("SIGINT", on);
    process.on("SIGTERM", on);
  });
}
