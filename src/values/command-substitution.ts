/**
 * @module values/command-substitution
 * Backtick command substitution as Dagu does it at load time for params and env:
 * each `` `cmd` `` runs with `sh -c` and is replaced by its trimmed stdout.
 */
import { DaguError } from "../core/errors.ts";

export class CommandSubstitutionError extends DaguError {
  override readonly name = "CommandSubstitutionError";
}

export function substituteCommands(text: string, env: Readonly<Record<string, string>> = {}): string {
  if (!text.includes("`")) return text;
  return text.replace(/`([^`]*)`/g, (_m, cmd: string) => {
    const p = Bun.spawnSync(["sh", "-c", cmd], { env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe" });
    if (p.exitCode !== 0) {
      throw new CommandSubstitutionError(`command substitution \`${cmd}\` failed (exit ${p.exitCode}): ${p.stderr.toString().trim()}`);
    }
    return p.stdout.toString().trim();
  });
}
