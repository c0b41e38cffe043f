/**
 * @module runs/self-command
 * How to start this same program again (for child runs): the compiled binary is its own
 * executable; a source run is `bun src/main.ts`.
 */
export function selfCommand(): string[] {
  return Bun.main.startsWith("/$bunfs/") ? [process.execPath] : [process.execPath, Bun.main];
}
