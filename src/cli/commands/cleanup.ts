/**
 * @module cli/commands/cleanup
 * `dagu cleanup`: Remove old DAG-run history.
 * Not implemented yet: help text and flags match Dagu 1.30.2, so scripts written for Dagu
 * parse the same way and get a clear "not implemented" exit (code 2).
 */
import { notImplemented } from "../not-implemented.ts";

// Dagu's long help, verbatim (trailing spaces dropped).
const description = `Remove old DAG run history for a specified DAG.

By default, removes all history except for currently active runs.
Use --retention-days to keep recent history.

Active runs are never deleted for safety.

Examples:
  dagu cleanup my-workflow                      # Delete all history (with confirmation)
  dagu cleanup --retention-days 30 my-workflow  # Keep last 30 days
  dagu cleanup --dry-run my-workflow            # Preview what would be deleted
  dagu cleanup -y my-workflow                   # Skip confirmation`;

export default notImplemented("cleanup", "dagu cleanup [flags] <DAG name>", description, {
  "dry-run": { type: "boolean", description: "Preview what would be deleted without actually deleting" },
  "retention-days": {
    type: "string",
    description: "Number of days to retain history (0 = delete all, except active runs)",
    defaultText: '"0"',
  },
  yes: { type: "boolean", short: "y", description: "Skip confirmation prompt" },
});
