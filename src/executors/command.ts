/**
 * @module executors/command
 * The default executor (`type:` empty, `shell`, `command`): each command line runs as
 * `<shell> -e -c "<line>"` (`-e` only for a shell the step did not set itself); a script is
 * written to a temp file in the working dir and run by its shebang interpreter or the shell;
 * `command` + `script` runs the command with the script file as its last argument.
 */
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { ExecContext, ExecResult, Executor } from "./executor.ts";
import { runProcess } from "./process-runner.ts";

const unixShells = new Set(["sh", "bash", "zsh", "ksh", "dash", "ash", "mksh", "fish"]);

/**
 * Shell builtins whose behaviour may differ from a program of the same name (or that have
 * none): a line starting with one of these always goes through the shell.
 */
const builtins = new Set([
  ".", ":", "[", "alias", "bg", "bind", "break", "builtin", "caller", "cd", "command", "compgen", "complete", "continue",
  "declare", "dirs", "disown", "echo", "enable", "eval", "exec", "exit", "export", "fc", "fg", "getopts", "hash", "help",
  "history", "jobs", "kill", "let", "local", "logout", "mapfile", "popd", "printf", "pushd", "pwd", "read", "readarray",
  "readonly", "return", "set", "shift", "shopt", "source", "suspend", "test", "times", "trap", "type", "typeset", "ulimit",
  "umask", "unalias", "unset", "wait",
]);

/** Words a shell passes through unchanged: no quotes, variables, globs, redirections or operators. */
const plainLine = /^[A-Za-z0-9_\-./:,+@%]+(?: [A-Za-z0-9_\-./=:,+@%]+)*$/;

const ensuredDirs = new Set<string>();

/** Create the working dir if missing, once per process: most steps share one folder. */
function ensureDir(dir: string): void {
  if (ensuredDirs.has(dir)) return;
  mkdirSync(dir, { recursive: true });
  ensuredDirs.add(dir);
}

const whichCache = new Map<string, string | null>();

/** PATH lookup, cached per run: the same few programs are looked up for every step. */
function which(program: string, path: string, cwd: string): string | undefined {
  const key = `${program}\0${path}\0${cwd}`;
  let hit = whichCache.get(key);
  if (hit === undefined) {
    hit = Bun.which(program, { PATH: path, cwd });
    whichCache.set(key, hit);
  }
  return hit ?? undefined;
}

/**
 * A plain `program arg arg` line runs the program directly, as make does: the shell would
 * only look the program up and exec it, so the result is the same without its start-up cost.
 */
function directArgv(line: string, env: Readonly<Record<string, string>>, cwd: string): string[] | undefined {
  if (!plainLine.test(line)) return undefined;
  const words = line.split(" ");
  const program = words[0] as string;
  if (builtins.has(program)) return undefined;
  const path = program.includes("/") ? program : which(program, env.PATH ?? "", cwd);
  return path ? [path, ...words.slice(1)] : undefined;
}

/** The shell invocation with Dagu's `-e` rule applied. */
function shellArgv(ctx: ExecContext): string[] {
  const [cmd, ...args] = ctx.shell;
  if (cmd === undefined) return [];
  const out = [cmd, ...args];
  if (!ctx.shellFromStep && unixShells.has(basename(cmd)) && !args.includes("-e")) out.push("-e");
  return out;
}

/** `#!/usr/bin/env python3 -u` → `["/usr/bin/env", "python3", "-u"]` */
function shebang(script: string): string[] | undefined {
  const first = script.split("\n", 1)[0] ?? "";
  if (!first.startsWith("#!")) return undefined;
  const parts = first.slice(2).trim().split(/\s+/).filter(Boolean);
  return parts.length > 0 ? parts : undefined;
}

export class CommandExecutor implements Executor {
  async run(ctx: ExecContext): Promise<ExecResult> {
    const { step } = ctx;
    try {
      ensureDir(ctx.workingDir);
    } catch (e) {
      return { ok: false, exitCode: 1, error: `failed to create working directory ${ctx.workingDir}: ${(e as Error).message}` };
    }
    const base = {
      cwd: ctx.workingDir,
      env: ctx.env,
      stdout: ctx.stdout,
      stderr: ctx.stderr,
      signal: ctx.signal,
      stopSignal: ctx.stopSignal,
      killAfterMs: ctx.killAfterMs,
    };
    if (step.script !== "") return this.runScript(ctx, base);
    const shell = shellArgv(ctx);
    for (let i = 0; i < step.commands.length; i++) {
      const c = step.commands[i] as (typeof step.commands)[number];
      const direct = shell.length > 0 && !ctx.shellFromStep ? directArgv(c.cmdWithArgs, ctx.env, ctx.workingDir) : undefined;
      const argv = direct ?? (shell.length > 0 ? [...shell, ...(shell.includes("-c") ? [] : ["-c"]), c.cmdWithArgs] : [c.command, ...c.args]);
      const r = await runProcess({ ...base, argv });
      if (!r.ok) return step.commands.length > 1 ? { ...r, error: `command ${i + 1} failed: ${r.error}` } : r;
    }
    return { ok: true };
  }

  private async runScript(ctx: ExecContext, base: Omit<Parameters<typeof runProcess>[0], "argv">): Promise<ExecResult> {
    const { step } = ctx;
    const file = join(ctx.workingDir, `dagu_script-${crypto.randomUUID().slice(0, 8)}.sh`);
    writeFileSync(file, step.script);
    chmodSync(file, 0o750);
    try {
      const [first] = step.commands;
      let argv: string[];
      if (first) argv = [first.command, ...first.args, file];
      else {
        const interp = ctx.shellFromStep ? undefined : shebang(step.script);
        argv = interp ? [...interp, file] : ctx.shell.length > 0 ? [...shellArgv(ctx), file] : [file];
      }
      return await runProcess({ ...base, argv });
    } finally {
      rmSync(file, { force: true });
    }
  }
}
