/**
 * @module cli/common-flags
 * Flag definitions that several Dagu commands share word for word (DAG-run options, server,
 * coordinator and peer TLS settings). One definition each keeps help text and parsing
 * identical across commands, as cobra's shared flag helpers do in Dagu.
 */
import { UsageError } from "../core/errors.ts";
import type { FlagDefs } from "./command.ts";

export const nameFlag = {
  name: { type: "string", short: "N", description: "Override the DAG name (default: name from DAG definition or filename)" },
} as const satisfies FlagDefs;

export const paramsFlag = {
  params: {
    type: "string",
    short: "p",
    description:
      "Parameters to pass to the dag-run (overrides DAG defaults; supports positional values and key=value pairs, e.g., P1=foo P2=bar)",
  },
} as const satisfies FlagDefs;

/** Params of a run from the CLI: what follows `--` wins over `--params` entirely, as in Dagu. */
export function paramOverrides(params: string | undefined, rest: readonly string[]): string[] {
  if (rest.length > 0) return [...rest];
  return params ? [params] : [];
}

export const newRunIdFlag = {
  "run-id": { type: "string", short: "r", description: "Unique dag-run ID for starting a new dag-run" },
} as const satisfies FlagDefs;

const runIdPattern = /^[A-Za-z0-9_-]+$/;
/** Dagu refuses ids longer than this (its message says "less than 64"; 64 itself passes). */
const maxRunIdLength = 64;

/** Dagu's checks of a run id given with --run-id, with its messages. */
export function checkRunId(runId: string): void {
  if (!runIdPattern.test(runId)) throw new UsageError("dag-run ID must only contain alphanumeric characters, dashes, and underscores");
  if (runId.length > maxRunIdLength) throw new UsageError("dag-run ID length must be less than 64 characters");
}

export const defaultWorkingDirFlag = {
  "default-working-dir": { type: "string", description: "Default working directory for DAGs without explicit workingDir" },
} as const satisfies FlagDefs;

export const workerIdFlag = {
  "worker-id": {
    type: "string",
    description: "Worker ID executing this DAG run (auto-set in distributed mode, defaults to 'local')",
  },
} as const satisfies FlagDefs;

export const dagsFlag = {
  dags: { type: "string", short: "d", description: "Directory containing DAG files (default: $HOME/.config/dagu/dags)" },
} as const satisfies FlagDefs;

/** `server` and `start-all`: web UI bind address. */
export const serverFlags = {
  ...dagsFlag,
  host: {
    type: "string",
    short: "s",
    description: "Server hostname or IP address (default: localhost)",
    defaultText: '"localhost"',
  },
  port: { type: "string", short: "p", description: "Server port number (default: 8080)", defaultText: '"8080"' },
} as const satisfies FlagDefs;

/** `coordinator` and `start-all`: gRPC bind and advertised address. Ports are strings in Dagu too. */
export const coordinatorFlags = {
  "coordinator.advertise": {
    type: "string",
    short: "A",
    description: "Address to advertise in service registry (default: auto-detected hostname)",
  },
  "coordinator.host": {
    type: "string",
    short: "H",
    description: "Coordinator gRPC server host (default: 127.0.0.1)",
    defaultText: '"127.0.0.1"',
  },
  "coordinator.port": {
    type: "string",
    short: "P",
    description: "Coordinator gRPC server port (default: 50055)",
    defaultText: '"50055"',
  },
} as const satisfies FlagDefs;

/** TLS settings for coordinator ↔ worker connections. */
export const peerFlags = {
  "peer.cert-file": { type: "string", description: "Path to TLS certificate file for mutual TLS" },
  "peer.client-ca-file": { type: "string", description: "Path to CA certificate file for server verification" },
  "peer.insecure": { type: "boolean", description: "Use insecure connection (h2c) instead of TLS" },
  "peer.key-file": { type: "string", description: "Path to TLS key file for mutual TLS" },
  "peer.skip-tls-verify": { type: "boolean", description: "Skip TLS certificate verification (insecure)" },
} as const satisfies FlagDefs;
