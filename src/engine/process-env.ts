/**
 * @module engine/process-env
 * Which variables of the invoking environment steps inherit, as in Dagu: a fixed allow-list
 * plus anything prefixed DAGU_, DAG_ or LC_. Everything else must be declared in `env:`.
 */

const allowed = new Set([
  "PATH", "HOME", "USER", "SHELL", "TMPDIR", "TERM", "EDITOR", "VISUAL", "LANG", "LC_ALL", "LC_CTYPE", "TZ",
  "LD_LIBRARY_PATH", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME",
]);

export function inheritedEnv(processEnv: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(processEnv)) {
    if (v === undefined) continue;
    if (allowed.has(k) || k.startsWith("DAGU_") || k.startsWith("DAG_") || k.startsWith("LC_")) out[k] = v;
  }
  return out;
}

/** The default shell: $DAGU_DEFAULT_SHELL, else $SHELL, else sh. */
export function defaultShell(processEnv: NodeJS.ProcessEnv): string {
  return processEnv.DAGU_DEFAULT_SHELL || processEnv.SHELL || "sh";
}
