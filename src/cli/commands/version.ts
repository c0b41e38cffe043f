/**
 * @module cli/commands/version
 * `dagu version`: the version, commit and build date embedded at build time.
 */
import { buildInfo } from "../../core/build-info.ts";
import { defineCommand, globalFlags } from "../command.ts";

export default defineCommand({
  name: "version",
  usage: "dagu version [flags]",
  description: "Display the Dagu version information.",
  flags: { ...globalFlags },
  async run() {
    // First line is the bare version, as Dagu prints it, so `$(dagu version | head -1)` works.
    process.stdout.write(`${buildInfo.version}\ncommit: ${buildInfo.commit}\nbuilt:  ${buildInfo.date}\n`);
    return 0;
  },
});
