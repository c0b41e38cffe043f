/**
 * @module cli/commands/coordinator
 * `dagu coordinator`: Run the coordinator gRPC server for distributed execution.
 * Not implemented yet: help text and flags match Dagu 1.30.2, so scripts written for Dagu
 * parse the same way and get a clear "not implemented" exit (code 2).
 */
import { coordinatorFlags, peerFlags } from "../common-flags.ts";
import { notImplemented } from "../not-implemented.ts";

// Dagu's long help, verbatim (trailing spaces dropped).
const description = `Launch the coordinator gRPC server that handles distributed task execution.

The coordinator server provides a central point for distributed workers to:
- Poll for tasks to execute
- Fetch DAG definitions (To be implemented)
- Report task execution status (To be implemented)
- Register themselves with the system (to be implemented)

This server uses gRPC for efficient communication with remote workers and
supports authentication via signing keys and TLS encryption.

Flags:
  --coordinator.host string         Host address to bind the gRPC server to (default: 127.0.0.1)
  --coordinator.advertise string    Address to advertise in service registry (default: auto-detected hostname)
  --coordinator.port int            Port number for the gRPC server to listen on (default: 50055)
  --peer.cert-file string           Path to TLS certificate file for peer connections
  --peer.key-file string            Path to TLS key file for peer connections
  --peer.client-ca-file string      Path to CA certificate file for client verification (mTLS)
  --peer.insecure                   Use insecure connection (h2c) instead of TLS
  --peer.skip-tls-verify            Skip TLS certificate verification (insecure)

Example:
  # Basic usage
  dagu coordinator --coordinator.host=0.0.0.0 --coordinator.port=50055

  # Bind to all interfaces and advertise service name (for containers/K8s)
  dagu coordinator --coordinator.host=0.0.0.0 --coordinator.advertise=dagu-server

  # With TLS
  dagu coordinator --peer.cert-file=server.crt --peer.key-file=server.key

  # With mutual TLS
  dagu coordinator --peer.cert-file=server.crt --peer.key-file=server.key --peer.client-ca-file=ca.crt

This process runs continuously in the foreground until terminated.`;

export default notImplemented("coordinator", "dagu coordinator [flags]", description, {
  ...coordinatorFlags,
  ...peerFlags,
});
