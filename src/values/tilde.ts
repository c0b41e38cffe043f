/**
 * @module values/tilde
 * A leading `~` in a param or env value, as Dagu expands it: `~` and `~/x` use HOME, `~name/x`
 * that user's home from the password database; anything else (`a:~/b`, `~nobody-here/x`) is
 * left as written.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";

let passwd: Map<string, string> | undefined;

function userHome(name: string): string | undefined {
  if (passwd === undefined) {
    passwd = new Map();
    try {
      for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
        const f = line.split(":");
        if (f.length >= 6 && f[0]) passwd.set(f[0], f[5] as string);
      }
    } catch {
      // No password database: only `~` and `~/` expand.
    }
  }
  return passwd.get(name);
}

export function expandTilde(value: string, env: Readonly<Record<string, string | undefined>>): string {
  if (!value.startsWith("~")) return value;
  const slash = value.indexOf("/");
  const user = slash < 0 ? value.slice(1) : value.slice(1, slash);
  const home = user === "" ? env.HOME || homedir() : userHome(user);
  return home === undefined ? value : home + (slash < 0 ? "" : value.slice(slash));
}
