/**
 * @module cli/commands/server
 * `dagu server`: serve the REST API (and the web UI entry) until SIGINT/SIGTERM. Flags match
 * Dagu 1.30.2; settings come from flags, then `DAGU_*` env vars, then config.yaml. The HTTP
 * stack (Elysia) is imported only here, so other commands keep their start-up time.
 */
import { loadServerConfig, type ServerConfig } from "../../config/config-file.ts";
import { serverFlags } from "../common-flags.ts";
import { defineCommand, globalFlags, type ParsedFlags } from "../command.ts";

const flagDefs = { ...globalFlags, ...serverFlags };

/** Server settings from `server`/`start-all` flags (flags win over env and config.yaml). */
export function serverConfigFromFlags(flags: ParsedFlags<typeof flagDefs>): Promise<ServerConfig> {
  return loadServerConfig({
    ...(flags.config ? { configFile: flags.config } : {}),
    ...(flags["dagu-home"] ? { daguHome: flags["dagu-home"] } : {}),
    ...(flags.host ? { host: flags.host } : {}),
    ...(flags.port ? { port: flags.port } : {}),
    ...(flags.dags ? { dagsDir: flags.dags } : {}),
  });
}

// Dagu's long help, verbatim (trailing spaces dropped).
const description = `Launch the Dagu web server that provides a graphical interface for monitoring and managing DAGs.

The web UI allows you to:
- View and manage DAG definitions
- Monitor active and historical DAG-runs
- Inspect DAG-run details including step status and logs
- Start, stop, and retry DAG-runs
- View execution history and statistics

Flags:
  --host string    Host address to bind the server to (default: 127.0.0.1)
  --port int       Port number to listen on (default: 8080)
  --dags string    Path to the directory containing DAG definition files

Example:
  dagu server --host=0.0.0.0 --port=8080 --dags=/path/to/dags`;

export default defineCommand({
  name: "server",
  usage: "dagu server [flags]",
  description,
  flags: flagDefs,
  longRunning: true,
  async run({ flags }) {
    const config = await serverConfigFromFlags(flags);
    const { startServer, untilSignal } = await import("../../server/serve.ts");
    const server = startServer(config);
    const sig = await untilSignal();
    server.ctx.log("info", "Server is shutting down", { signal: sig });
    await server.stop();
    return 0;
  },
});
