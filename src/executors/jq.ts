/**
 * @module executors/jq
 * `type: jq`: `command:` is the filter, `script:` the input JSON, `config.raw` prints strings
 * bare. Behaves as Dagu 1.30.2 (bi/jq/jq.go, on gojq), with jq itself (jq-wasm) as engine:
 *
 * - The input is read as Go's json.Unmarshal reads it (one value; Go's error texts).
 * - Each result on its own line: json.MarshalIndent with four spaces, keys sorted, `<>&`
 *   escaped. Raw mode: strings bare, null an empty line, numbers as Go's `%v` of a float64
 *   (`1e+06`), arrays and objects as compact JSON.
 * - A filter that does not compile fails the step. An error while it runs does not: Dagu
 *   writes `failed to run jq query: <message>` (no newline) to stderr and the step succeeds.
 *   jq stops at the first such error, where gojq would go on with the next result.
 */
import * as nodeCrypto from "node:crypto";
import * as nodeFs from "node:fs";
import * as nodePath from "node:path";
// The Emscripten build as text: it is patched before it runs (see loadJq), so the bundler
// must embed the source rather than the module. The type is that of the module; it is a string.
import jqSourceText from "jq-wasm/dist/build/jq.js" with { type: "text" };
import type { ConfigValue } from "../core/dag.ts";
import type { ExecContext, ExecResult, Executor } from "./executor.ts";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type ConfigInput, type JsonValue, goFormatFloatV, goJsonParse, goMarshal, weakDecode } from "./go-json.ts";

/** One run of jq's main: its exit status and both output streams. */
export interface JqRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

interface JqModule {
  run(input: Uint8Array, args: readonly string[]): Promise<{ status: number; stdout: Uint8Array; stderr: Uint8Array }>;
}

/**
 * jq-wasm 1.0.1 collects jq's output one byte at a time into a new array per byte
 * (quadratic: 500 KB of output took 15 s) and reads its input the same way. These lines are
 * replaced by a growing buffer and an index; everything else in the build is untouched.
 */
const patchStart = 'let stdinString = "";';
const patchEnd = "raw(jsonString, query, flags = []) { return runtimeInitPromise.then(() => rawImpl(jsonString, query, flags)); } };";
const patchBody = `
let daguIn = new Uint8Array(0), daguInPos = 0;
function DaguSink() { this.buf = new Uint8Array(65536); this.len = 0; }
DaguSink.prototype.push = function (c) { if (this.len === this.buf.length) { const b = new Uint8Array(this.buf.length * 2); b.set(this.buf); this.buf = b; } this.buf[this.len++] = c; };
let daguOut = new DaguSink(), daguErr = new DaguSink();
let runtimeInitResolve;
const runtimeInitPromise = new Promise(resolve => { runtimeInitResolve = resolve; });
function daguRun(input, args) { daguIn = input; daguInPos = 0; daguOut = new DaguSink(); daguErr = new DaguSink(); const status = Module.callMain(args.slice()); return { status, stdout: daguOut.buf.subarray(0, daguOut.len), stderr: daguErr.buf.subarray(0, daguErr.len) }; }
Module = { ...Module, noInitialRun: true, noExitRuntime: true, onRuntimeInitialized() { runtimeInitResolve(); }, printErr(message) { if (typeof message === "string" && message.includes("program exited (with status:")) return; }, preRun() { FS.init(() => daguInPos < daguIn.length ? daguIn[daguInPos++] : null, c => { if (c !== null && c !== undefined) daguOut.push(c); }, c => { if (c !== null && c !== undefined) daguErr.push(c); }); }, run(input, args) { return runtimeInitPromise.then(() => daguRun(input, args)); } };
`;

/** The patched build's source, or undefined when this jq-wasm does not have the expected lines. */
export function patchedJqSource(src: string): string | undefined {
  const a = src.indexOf(patchStart);
  const b = src.indexOf(patchEnd);
  if (a < 0 || b < a) return undefined;
  return src.slice(0, a) + patchBody + src.slice(b + patchEnd.length);
}

const builtins: Readonly<Record<string, unknown>> = { fs: nodeFs, path: nodePath, crypto: nodeCrypto };

let jqModule: Promise<JqModule> | undefined;

/** Instantiate jq once per process (about 50 ms), on the first jq step. */
function loadJq(): Promise<JqModule> {
  if (jqModule) return jqModule;
  const src = patchedJqSource(jqSourceText as unknown as string);
  if (src === undefined) throw new Error("jq-wasm: unexpected build (the bundled jq.js changed; pin jq-wasm 1.0.1)");
  const mod: { exports: unknown } = { exports: {} };
  const req = (name: string): unknown => {
    const m = builtins[name.replace(/^node:/, "")];
    if (!m) throw new Error(`jq-wasm: require(${name}) is not available`);
    return m;
  };
  // The build is CommonJS; it runs with the globals a CommonJS loader would give it.
  new Function("module", "exports", "require", "__filename", "__dirname", src)(mod, mod.exports, req, "/jq.js", "/");
  const factory = mod.exports as (arg?: object) => Promise<JqModule>;
  jqModule = factory({});
  return jqModule;
}

const dec = new TextDecoder();

/**
 * Run jq's main once. Emscripten sets `process.exitCode` to jq's status on exit; that must
 * not become dagu's own exit code, so it is put back.
 */
export async function runJq(input: string, args: readonly string[]): Promise<JqRun> {
  const jq = await loadJq();
  const saved = process.exitCode;
  try {
    const r = await jq.run(new TextEncoder().encode(input), args);
    return { status: r.status, stdout: dec.decode(r.stdout), stderr: dec.decode(r.stderr) };
  } finally {
    process.exitCode = saved;
  }
}

/** jq's compile errors in gojq's words where the two say the same thing. */
export function compileErrorText(stderr: string): string {
  const first = (stderr.split("\n")[0] ?? "").replace(/^jq: error: /, "").replace(/ at <top-level>, line \d+:$/, "");
  let m = /^syntax error, unexpected (?:end of file|\$end)/.exec(first);
  if (m) return "unexpected EOF";
  m = /^syntax error, unexpected '(.+?)'/.exec(first) ?? /^syntax error, unexpected (\S+?)(?:,| \(|$)/.exec(first);
  if (m) return `unexpected token ${JSON.stringify(m[1])}`;
  m = /^(\$\S+) is not defined$/.exec(first);
  if (m) return `variable not defined: ${m[1]}`;
  m = /^(\S+\/\d+) is not defined$/.exec(first);
  if (m) return `function not defined: ${m[1]}`;
  return first.replace(/ \(Unix shell quoting issues\?\)/, "") || stderr.trim();
}

/** One result line as Dagu prints it. */
export function formatResult(v: JsonValue, raw: boolean): string {
  if (!raw) return `${goMarshal(v, "    ")}\n`;
  if (v === null) return "\n";
  if (typeof v === "string") return `${v}\n`;
  if (typeof v === "boolean") return v ? "true\n" : "false\n";
  // gojq holds input numbers as float64, which fmt prints in %g form (1e+06).
  if (typeof v === "number") return `${goFormatFloatV(v)}\n`;
  return `${goMarshal(v)}\n`;
}

/** What an error value says: gojq prints `error: <value>` for a non-string error(…). */
function errorMessage(e: JsonValue): string {
  return typeof e === "string" ? e : `error: ${goMarshal(e)}`;
}

export interface JqOutcome {
  /** Result lines already formatted. */
  readonly stdout: string;
  /** The runtime error message, if the filter raised one. */
  readonly runtimeError?: string;
  /** Set when the filter does not compile: the step fails with this. */
  readonly compileError?: string;
}

/**
 * Run a filter over one input value. The filter is wrapped so each result comes back as a
 * one-element array and a raised error as `{"e": message}`: results and the error arrive in
 * order on stdout, and jq's own stderr carries only compile errors.
 */
export async function evaluate(filter: string, input: string, raw: boolean): Promise<JqOutcome> {
  // The newline ends a trailing `# comment` in the filter before the wrapper closes it.
  const wrapped = `try ((${filter}\n) | [.]) catch {e: .}`;
  let r = await runJq(input, ["-M", "-c", wrapped, "/dev/stdin"]);
  if (r.status === 3 || (r.stdout === "" && r.stderr.includes("compile error"))) {
    // Report the compile error of the filter as written, not of the wrapper.
    const plain = await runJq(input, ["-M", "-c", filter, "/dev/stdin"]);
    if (plain.stderr.includes("compile error")) return { stdout: "", compileError: compileErrorText(plain.stderr) };
    // The wrapper itself broke a filter that compiles (e.g. one with `include`): plain output.
    r = { status: plain.status, stdout: plain.stdout.split("\n").filter((l) => l !== "").map((l) => `[${l}]`).join("\n"), stderr: plain.stderr };
  }
  let out = "";
  let runtimeError: string | undefined;
  for (const line of r.stdout.split("\n")) {
    if (line === "") continue;
    const v = JSON.parse(line) as JsonValue;
    if (Array.isArray(v)) out += formatResult(v[0] as JsonValue, raw);
    else if (v !== null && typeof v === "object") {
      runtimeError = errorMessage((v as { e: JsonValue }).e);
      break;
    }
  }
  // halt_error and the like end jq with its message on stderr instead.
  if (runtimeError === undefined && r.status !== 0 && r.stderr.trim() !== "") runtimeError = r.stderr.trim().replace(/^jq: error \(at [^)]*\): /, "");
  return runtimeError === undefined ? { stdout: out } : { stdout: out, runtimeError };
}

const enc = new TextEncoder();

export class JqExecutor implements Executor {
  async run(ctx: ExecContext): Promise<ExecResult> {
    const { step } = ctx;
    const fail = (error: string): ExecResult => ({ ok: false, exitCode: 1, error });
    const { values, error } = weakDecode(step.executor.config as Readonly<Record<string, ConfigValue>> as Readonly<Record<string, ConfigInput>>, [
      { name: "raw", kind: "bool" },
      { name: "input", kind: "string" },
    ]);
    if (error) return fail(error);
    const raw = values.raw === true;
    // Input from a file (Dagu v2: `config.input`, or `script: file://path`), else the script.
    const inputFile = typeof values.input === "string" && values.input !== "" ? values.input : undefined;
    if (inputFile !== undefined && step.script !== "") return fail("jq: config.input and script are mutually exclusive; provide one, not both");
    const fromFile = inputFile ?? (step.script.startsWith("file://") ? step.script.slice("file://".length) : undefined);
    let text = step.script;
    if (fromFile !== undefined) {
      try {
        text = readFileSync(resolve(ctx.workingDir, fromFile), "utf8");
      } catch (e) {
        return fail(`jq: reading input file "${fromFile}": ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : (e as Error).message}`);
      }
    }
    // Dagu decodes the input before it looks at the filter, so bad JSON is reported first.
    const parsed = goJsonParse(text);
    if (!parsed.ok) return fail(fromFile !== undefined ? `jq: parsing JSON from input file "${fromFile}": ${parsed.error}` : parsed.error);
    const filter = step.commands[0]?.cmdWithArgs ?? "";
    if (filter.trim() === "") {
      // gojq parses an empty query and fails when it runs: a runtime error, so no failure.
      ctx.stderr.write(enc.encode('failed to run jq query: missing query (try ".")'));
      return { ok: true };
    }
    if (ctx.signal.aborted) return fail("context canceled");
    // Hand jq the input as Go decoded it: one value, re-encoded compactly.
    // Keys sorted, as gojq holds objects (Go maps): `keys_unsorted` and `to_entries` agree.
    let outcome: JqOutcome;
    try {
      outcome = await evaluate(filter, goMarshal(parsed.value), raw);
    } catch (e) {
      return fail(`jq: ${(e as Error).message}`);
    }
    if (outcome.compileError !== undefined) return fail(outcome.compileError);
    if (outcome.stdout !== "") ctx.stdout.write(enc.encode(outcome.stdout));
    if (outcome.runtimeError !== undefined) ctx.stderr.write(enc.encode(`failed to run jq query: ${outcome.runtimeError}`));
    return { ok: true };
  }
}
