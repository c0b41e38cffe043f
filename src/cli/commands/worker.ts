/**
 * @module cli/commands/worker
 * `dagu worker`: Run a worker that polls the coordinator for tasks.
 * Not implemented yet: help text and flags match Dagu 1.30.2, so scripts written for Dagu
 * parse the same way and get a clear "not implemented" exit (code 2).
 */
import { peerFlags } from "../common-flags.ts";
import { notImplemented } from "../not-implemented.ts";

// Dagu's long help, verbatim (trailing spaces dropped).
const description = `Launch a worker process that connects to the coordinator and polls for tasks.

The worker creates multiple concurrent pollers (goroutines) that continuously
poll the coordinator for tasks to execute. Each poller generates a unique
poller_id for every poll request.

By default, the worker ID is set to hostname@PID, but can be overridden.

Flags:
  --worker.id string                       Worker instance ID (default: hostname@PID)
  --worker.max-active-runs int             Maximum number of active runs (default: 100)
  --worker.labels -l string                Worker labels for capability matching (format: key1=value1,key2=value2)

TLS Configuration (uses global peer settings):
  --peer.insecure                          Use insecure connection (h2c) instead of TLS (default: true)
  --peer.cert-file string                  Path to TLS certificate file for mutual TLS
  --peer.key-file string                   Path to TLS key file for mutual TLS
  --peer.client-ca-file string             Path to CA certificate file for server verification
  --peer.skip-tls-verify                   Skip TLS certificate verification (insecure)

Example:
  dagu worker
  dagu worker --worker.max-active-runs=50
  dagu worker --worker.id=worker-1 --worker.max-active-runs=200

  # Worker with labels for capability matching:
  dagu worker --worker.labels gpu=true,memory=64G,region=us-east-1
  dagu worker --worker.labels cpu-arch=amd64,instance-type=m5.xlarge

  # For TLS connections (when coordinator has TLS enabled):
  dagu worker --peer.insecure=false --peer.cert-file=client.crt --peer.key-file=client.key
  dagu worker --peer.insecure=false --peer.client-ca-file=ca.crt
  dagu worker --peer.insecure=false --peer.skip-tls-verify  # For self-signed certificates

This process runs continuously in the foreground until terminated.`;

export default notImplemented("worker", "dagu worker [flags]", description, {
  ...peerFlags,
  "worker.id": { type: "string", short: "w", description: "Worker instance ID (default: hostname@PID)" },
  "worker.labels": {
    type: "string",
    short: "l",
    description: "Worker labels for capability matching (format: key1=value1,key2=value2)",
  },
  "worker.max-active-runs": {
    type: "string",
    short: "m",
    description: "Maximum number of active runs (default: 100)",
    defaultText: '"100"',
  },
});
