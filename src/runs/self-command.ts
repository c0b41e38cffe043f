/**
 * @module runs/self-command
 * How to start this same program again (for child runs): the compiled binary is its own
 * executable; a source run is `bun src/main.ts`.
 */
export function selfCommand(): string[] {
  // After an upgrade in place, Linux names the running (replaced) binary "<path> (deleted)":
  // start the new one at the same path.
  const exe = process.execPath.replace(/ \(deleted\)$/, "");
  return Bun.main.startsWith("/$bunfs/") ? [exe] : [exe, Bun.main];
}
