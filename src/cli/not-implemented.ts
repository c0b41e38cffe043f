/**
 * @module cli/not-implemented
 * A command Dagu has that this build does not run yet: full help and flag parsing, then
 * exit 2 with a clear message. Replaced by the real command as its issue lands.
 */
import { NotImplementedError } from "../core/errors.ts";
import { type Command, defineCommand, type FlagDefs, type GlobalFlags, globalFlags } from "./command.ts";

export function notImplemented<const F extends FlagDefs>(
  name: string,
  usage: string,
  description: string,
  flags: F,
): Command<F & GlobalFlags> {
  return defineCommand<F>({
    name,
    usage,
    description,
    flags: { ...globalFlags, ...flags },
    async run() {
      throw new NotImplementedError(name);
    },
  });
}
