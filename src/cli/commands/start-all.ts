/**
 * @module cli/commands/start-all
 * `dagu start-all`: the server and the scheduler in one process (runs still execute in their
 * own `dagu start` processes). Flags match Dagu 1.30.2. The scheduler is the one
 * `dagu scheduler` runs (its HA lock still applies). The coordinator flags are accepted;
 * distributed mode is not started here.
 */
import { coordinatorFlags, peerFlags, serverFlags } from "../common-flags.ts";
import { defineCommand, globalFlags } from "../command.ts";
import { startScheduler } from "./scheduler.ts";
import { serverConfigFromFlags } from "./server.ts";

// Dagu's long help, verbatim (trailing spaces dropped).
const description = `Simultaneously start the web UI server, scheduler, and optionally coordinator in a single command.

This convenience command combines the functionality of 'dagu server', 'dagu scheduler',
and optionally 'dagu coordinator' into a single process. The web UI provides the management
interface, the scheduler handles automated DAG-run execution based on defined schedules,
and the coordinator (when enabled) manages distributed task execution across workers.

By default, start-all runs in single instance mode without the coordinator. The coordinator
is only started when --coordinator.host is set to a non-localhost address (not 127.0.0.1
or localhost), enabling distributed execution mode.

Flags:
  --host string                     Host address to bind the web server to (default: 127.0.0.1)
  --port int                        Port number for the web server to listen on (default: 8080)
  --dags string                     Path to the directory containing DAG definition files
  --coordinator.host string         Host address to bind the coordinator gRPC server to (default: 127.0.0.1)
  --coordinator.advertise string    Address to advertise in service registry (default: auto-detected hostname)
  --coordinator.port int            Port number for the coordinator gRPC server (default: 50055)
  --peer.cert-file string           Path to TLS certificate file for peer connections
  --peer.key-file string            Path to TLS key file for peer connections
  --peer.client-ca-file string      Path to CA certificate file for client verification (mTLS)
  --peer.insecure                   Use insecure connection (h2c) instead of TLS
  --peer.skip-tls-verify            Skip TLS certificate verification (insecure)

Example:
  # Single instance mode (coordinator disabled)
  dagu start-all

  # Distributed mode (coordinator enabled)
  dagu start-all --coordinator.host=0.0.0.0 --coordinator.port=50055

  # Production with both web and coordinator on all interfaces
  dagu start-all --host=0.0.0.0 --port=8080 --coordinator.host=0.0.0.0

This process runs continuously in the foreground until terminated.`;

export default defineCommand({
  name: "start-all",
  usage: "dagu start-all [flags]",
  description,
  flags: { ...globalFlags, ...serverFlags, ...coordinatorFlags, ...peerFlags },
  longRunning: true,
  async run({ flags }) {
    const config = await serverConfigFromFlags(flags);
    const { startServer, untilSignal } = await import("../../server/serve.ts");
    const server = startServer(config);
    const log = server.ctx.log;
    const scheduler = await startScheduler({ paths: config.paths, log });
    server.ctx.schedulerRunning = true;
    log("info", "Scheduler started");
    const host = flags["coordinator.host"];
    if (host && host !== "127.0.0.1" && host !== "localhost") log("warn", "Coordinator (distributed mode) is not started by start-all in this version", { host });
    const sig = await untilSignal();
    log("info", "Shutting down", { signal: sig });
    await scheduler.stop();
    server.ctx.schedulerRunning = false;
    await server.stop();
    return 0;
  },
});
