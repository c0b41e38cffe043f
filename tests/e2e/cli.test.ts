/**
 * @module tests/e2e/cli
 * Drives the compiled dist/dagu as users do and holds its command surface to Dagu 1.30.2:
 * same commands, same flags (long name, shorthand, type), same help text for the commands that
 * are still stubs. The oracle is the live reference binary when ../shared/tools/dagu-ref exists,
 * otherwise the snapshot tests/e2e/dagu-ref-help.json (refresh: bun scripts/update-ref-help.ts).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { bin, ensureBuilt, refTool, type Result, Workspace } from "./harness.ts";
const snapshot: Readonly<Record<string, string>> = JSON.parse(
  readFileSync(join(import.meta.dir, "dagu-ref-help.json"), "utf8"),
) as Record<string, string>;

/** Dagu 1.30.2's commands (cobra's generated `completion` aside). */
const daguCommands = [
  "cleanup", "coordinator", "dequeue", "dry", "enqueue", "exec", "migrate", "restart", "retry",
  "scheduler", "server", "start", "start-all", "status", "stop", "validate", "version", "worker",
] as const;
/** Every command path with its own help page. */
const helpPaths = [...daguCommands, "migrate history"];
/**
 * Commands that are stubs: their help must equal Dagu's, and running them must exit 2.
 * Remove a command from this list when it gets implemented.
 */
const stubs = [
  "coordinator", "migrate history", "worker",
];


let ws: Workspace;
const run = (cmd: string, args: readonly string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): Result =>
  ws.run(cmd, args, opts);
const dagu = (...args: string[]): Result => ws.dagu(...args);
const words = (path: string): string[] => path.split(" ").filter(Boolean);

const liveRef = existsSync(refTool);
const refCache = new Map<string, string>();
/** The reference's help for a command path: live if possible, else the snapshot. */
function refHelp(path: string): string {
  const cached = refCache.get(path);
  if (cached !== undefined) return cached;
  let text = snapshot[path];
  if (liveRef) {
    const r = run(refTool, [...words(path), "--help"]);
    // The wrapper downloads the binary on first use; if that fails, the snapshot still holds.
    if (r.code === 0 && r.stdout) text = r.stdout;
    else console.warn(`dagu-ref ${path} --help failed (${r.code}); using the snapshot`);
  }
  if (text === undefined) throw new Error(`no reference help for "${path}"`);
  refCache.set(path, text);
  return text;
}

interface FlagRow {
  readonly long: string;
  readonly short: string | undefined;
  readonly type: string;
  readonly line: string;
}

/**
 * The pflag table under the last "Flags:" heading (long help texts have their own informal
 * "Flags:" sections above it, which are prose, not the table).
 */
function flagTable(help: string): FlagRow[] {
  const at = help.lastIndexOf("\nFlags:\n");
  if (at < 0) return [];
  const body = help.slice(at + "\nFlags:\n".length).split("\n\n")[0] ?? "";
  return body
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((line) => {
      const m = /^ {2}(?:-(\S), | {4})--(\S+)(?: (\S+))? {3,}\S/.exec(line);
      if (!m) throw new Error(`unparsed flag line: ${JSON.stringify(line)}`);
      return { long: m[2] as string, short: m[1], type: m[3] ?? "bool", line };
    });
}

/** Help text with trailing blanks dropped and lines we deliberately word differently removed. */
function normalise(help: string): string {
  return help
    .split("\n")
    .map((l) => l.trimEnd())
    // Dagu writes cpu.pprof; we accept the flag but say honestly that it does nothing.
    .filter((l) => !/^\s+--cpu-profile\s/.test(l))
    .join("\n");
}

beforeAll(() => {
  ws = new Workspace("cli");
  ensureBuilt();
});

afterAll(() => ws.remove());

describe("dagu version", () => {
  test("prints the package.json version on its first line", () => {
    const r = dagu("version");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe(pkg.version);
  });

  test("runs when the binary is alone in an empty directory, with no bun or node_modules on PATH", () => {
    const alone = new Workspace("alone");
    const lone = alone.dir;
    try {
      const copy = join(lone, "dagu");
      copyFileSync(bin, copy);
      Bun.spawnSync(["chmod", "+x", copy]);
      const r = run(copy, ["version"], {
        cwd: lone,
        env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", HOME: lone, DAGU_HOME: lone },
      });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout.split("\n")[0]).toBe(pkg.version);
    } finally {
      alone.remove();
    }
  });
});

describe("dagu --help", () => {
  test("lists all 18 Dagu commands, and so does a bare `dagu`", () => {
    for (const args of [["--help"], ["-h"], []]) {
      const r = dagu(...args);
      expect(r.code).toBe(0);
      const listed = [...r.stdout.matchAll(/^ {2}([a-z-]+) {2,}\S/gm)].map((m) => m[1]);
      for (const c of daguCommands) expect(listed).toContain(c);
    }
  });
});

describe("per-command help", () => {
  const flagParity = (path: string): void => {
    const r = dagu(...words(path), "--help");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const ours = new Map(flagTable(r.stdout).map((f) => [f.long, f] as const));
    const missing: string[] = [];
    for (const want of flagTable(refHelp(path))) {
      const got = ours.get(want.long);
      if (!got) missing.push(want.long);
      else expect({ long: got.long, short: got.short, type: got.type }).toEqual({ long: want.long, short: want.short, type: want.type });
    }
    expect(missing).toEqual([]);
  };
  test.each(helpPaths)("dagu %s --help exits 0 and has every flag the reference has", (path) => flagParity(path));

  test.each([...stubs, "migrate"])("dagu %s --help matches Dagu's text", (path) => {
    expect(normalise(dagu(...words(path), "--help").stdout)).toBe(normalise(refHelp(path)));
  });

  test("`dagu help <command...>` is `dagu <command...> --help`", () => {
    for (const path of ["start", "migrate history"]) {
      const a = dagu("help", ...words(path));
      expect(a.code).toBe(0);
      expect(a.stdout).toBe(dagu(...words(path), "--help").stdout);
    }
  });

  test.skipIf(!liveRef)("the checked-in reference snapshot matches the live reference", () => {
    for (const path of ["", ...helpPaths]) expect(snapshot[path]).toBe(refHelp(path));
  });
});

describe("errors and stubs", () => {
  test.each(stubs)("dagu %s exits 2 saying it is not implemented", (path) => {
    const r = dagu(...words(path), "some-arg");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("not implemented");
  });

  test("stubs still parse their flags: a bad flag is a usage error (1), not 'not implemented'", () => {
    const r = dagu("coordinator", "--bogus");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unknown flag: --bogus");
    const ok = dagu("coordinator", "--coordinator.host=127.0.0.1", "--coordinator.port", "50055");
    expect(ok.code).toBe(2);
  });

  test("`dagu migrate` alone prints the group's help and exits 0", () => {
    const r = dagu("migrate");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Available Commands:\n  history ");
  });

  test("an unknown command exits 1", () => {
    const r = dagu("no-such-command");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown command "no-such-command"');
  });
});
