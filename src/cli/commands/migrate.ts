/**
 * @module cli/commands/migrate
 * `dagu migrate`: a command group, as in Dagu 1.30.2, whose one child `history` converts
 * pre-1.17 run history. The group only prints help; `migrate history` is not implemented yet.
 */
import { type Command, formatHelp, globalFlags } from "../command.ts";
import { notImplemented } from "../not-implemented.ts";

const historyDescription = `Migrate DAG run history from the legacy format (v1.16 and earlier) to the new format (v1.17+).

This command will:
- Detect if legacy history data exists
- Convert and migrate all historical DAG runs to the new format
- Archive the old data to history_migrated_<timestamp> directory
- Report migration progress and any errors

Example:
  dagu migrate history`;

const history = notImplemented("migrate history", "dagu migrate history [flags]", historyDescription, {});

// Like cobra's non-runnable parent commands, the group accepts only --help.
const groupFlags = { help: globalFlags.help } as const;

const migrate: Command<typeof groupFlags> = {
  name: "migrate",
  usage: "dagu migrate [command]",
  description: `Migrate various types of legacy data to new formats.

Available subcommands:
  history - Migrate DAG run history from v1.16 format to v1.17+ format`,
  flags: groupFlags,
  subcommands: { history: { summary: "Migrate legacy history data", command: history } },
  async run() {
    // Dagu prints the group's help and exits 0 when no sub-command is given.
    process.stdout.write(formatHelp(migrate));
    return 0;
  },
};

export default migrate;
