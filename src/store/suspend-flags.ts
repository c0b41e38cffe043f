/**
 * @module store/suspend-flags
 * Suspended DAGs, as Dagu keeps them: an empty `suspend/<name>.suspend` file. The scheduler
 * skips suspended DAGs; the CLI and the API toggle the flag.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export class SuspendFlags {
  constructor(private readonly dir: string) {}

  private path(dagName: string): string {
    return join(this.dir, `${dagName}.suspend`);
  }

  isSuspended(dagName: string): boolean {
    return existsSync(this.path(dagName));
  }

  set(dagName: string, suspended: boolean): void {
    if (suspended) {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(this.path(dagName), "");
    } else rmSync(this.path(dagName), { force: true });
  }
}
