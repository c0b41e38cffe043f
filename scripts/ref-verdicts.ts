/**
 * @module scripts/ref-verdicts
 * Regenerates tests/fixtures/validate/verdicts.json: the reference Dagu 1.30.2's
 * `dagu validate` verdict for every fixture of the differential validate corpus
 * (tests/fixtures/validate/**, examples/*.yaml). The e2e test
 * tests/e2e/validate-differential.test.ts holds our `dagu validate` to these verdicts.
 *
 *   bun scripts/ref-verdicts.ts            # all fixtures, 8 at a time
 *   bun scripts/ref-verdicts.ts --jobs 4
 *
 * Every reference run gets its own fresh DAGU_HOME and a fresh empty working directory, and the
 * fixture is passed as an absolute path (exactly how the e2e test runs our binary). The
 * reference is ../shared/tools/dagu-ref next to the repository, or $DAGU_REF.
 *
 * Files whose name starts with `divergent-cycle-` hold dependency cycles: Dagu 1.30.2's validate
 * accepts them, our product reports them (documented divergence), so their entry also carries
 * `ourVerdict: false, divergence: "cycle"`.
 *
 * Exits 1 when a fixture's name prefix (`valid-` / `invalid-`) disagrees with the reference, so
 * a renamed or edited fixture cannot silently carry a misleading name.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative, resolve } from "node:path";
import { mapPool } from "../src/core/map-pool.ts";

/** Repository root (this file lives in scripts/). */
export const repoRoot: string = resolve(import.meta.dir, "..");
/** Directory of the validate corpus. */
export const fixturesDir: string = join(repoRoot, "tests/fixtures/validate");
/** The checked-in verdicts file. */
export const verdictsPath: string = join(fixturesDir, "verdicts.json");
/** Default location of the reference wrapper script. */
export const defaultRefTool: string = resolve(repoRoot, "../shared/tools/dagu-ref");

/** One entry of verdicts.json. */
export interface Verdict {
  /** Reference verdict: true when `dagu validate` exited 0. */
  readonly valid: boolean;
  /** First 300 characters of the reference's error output (usage text and log lines removed). */
  readonly ref: string;
  /** Our product's expected verdict where it deliberately differs from the reference. */
  readonly ourVerdict?: boolean;
  /** Why our verdict differs (e.g. "cycle"). */
  readonly divergence?: string;
}

/** verdicts.json: repo-relative fixture path → verdict. */
export type Verdicts = Record<string, Verdict>;

/** Outcome of one `validate` run of some binary. */
export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Prefix that marks the documented cycle divergence. */
export const cyclePrefix = "divergent-cycle-";
/**
 * Files where Dagu 1.30.2's verdict comes from a plain bug that we fix and document (see
 * tests/fixtures/validate/README.md): `div-accept-` the reference rejects and we accept,
 * `div-reject-` the reference accepts and we reject.
 */
export const acceptPrefix = "div-accept-";
export const rejectPrefix = "div-reject-";

const isYaml = (name: string): boolean => name.endsWith(".yaml") || name.endsWith(".yml");

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (isYaml(name)) out.push(p);
  }
}

/** Absolute paths of every fixture the harness covers, sorted. */
export function listFixtures(): string[] {
  const out: string[] = [];
  walk(fixturesDir, out);
  const examples = join(repoRoot, "examples");
  try {
    for (const name of readdirSync(examples).sort()) if (isYaml(name)) out.push(join(examples, name));
  } catch {
    // no examples/ directory yet
  }
  return out.sort();
}

/** The verdicts.json key of a fixture: its path relative to the repository root, with `/`. */
export const fixtureKey = (abs: string): string => relative(repoRoot, abs).split("\\").join("/");

/** Environment for a child `dagu`: the caller's, minus any DAGU_* setting, plus a private home. */
export function isolatedEnv(home: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith("DAGU_")) env[k] = v;
  }
  env.DAGU_HOME = home;
  return env;
}

/**
 * Runs `<bin> validate <file>` with a fresh DAGU_HOME and a fresh empty cwd, both removed
 * afterwards. `file` is passed exactly as given.
 */
export async function runValidate(bin: string, file: string): Promise<RunResult> {
  const home = mkdtempSync(join(tmpdir(), "dagu-val-home-"));
  const cwd = mkdtempSync(join(tmpdir(), "dagu-val-cwd-"));
  try {
    const proc = Bun.spawn([bin, "validate", file], {
      cwd,
      env: isolatedEnv(home),
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    return { code, stdout, stderr };
  } finally {
    rmSync(home, { recursive: true, force: true });
    rmSync(cwd, { recursive: true, force: true });
  }
}

/**
 * The reference's message, normalised for storage: cobra's usage block and structured log
 * lines dropped, the absolute fixture path replaced by its repo-relative key, cut to 300 chars.
 */
export function summarizeRef(result: RunResult, abs: string): string {
  const text = `${result.stderr}\n${result.stdout}`;
  const kept: string[] = [];
  for (const line of text.split("\n")) {
    if (/^Usage:/.test(line)) break;
    if (/^time=\S+ level=/.test(line)) continue;
    if (line.trim() === "") continue;
    kept.push(line);
  }
  return kept.join("\n").split(abs).join(fixtureKey(abs)).slice(0, 300);
}

export { mapPool };

/** The reference's verdict for one fixture (throws on an exit code other than 0 or 1). */
export async function refVerdict(refTool: string, abs: string): Promise<Verdict> {
  const r = await runValidate(refTool, abs);
  if (r.code !== 0 && r.code !== 1) {
    throw new Error(`reference exited ${r.code} on ${fixtureKey(abs)}: ${r.stderr}`);
  }
  const valid = r.code === 0;
  const base: Verdict = { valid, ref: valid ? "" : summarizeRef(r, abs) };
  if (basename(abs).startsWith(cyclePrefix)) return { ...base, ourVerdict: false, divergence: "cycle" };
  if (basename(abs).startsWith(acceptPrefix)) return { ...base, ourVerdict: true, divergence: "reference bug" };
  if (basename(abs).startsWith(rejectPrefix)) return { ...base, ourVerdict: false, divergence: "reference bug" };
  return base;
}

/** Name-prefix expectation of a fixture, or undefined when its name makes no claim. */
export function namedVerdict(abs: string): boolean | undefined {
  const b = basename(abs);
  if (b.startsWith("valid-")) return true;
  if (b.startsWith("invalid-")) return false;
  if (b.startsWith(cyclePrefix)) return true; // the reference accepts cycles
  if (b.startsWith(acceptPrefix)) return false; // the reference rejects these by mistake
  if (b.startsWith(rejectPrefix)) return true; // the reference accepts these by mistake
  return undefined;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const jobsAt = args.indexOf("--jobs");
  const jobs = jobsAt >= 0 ? Number(args[jobsAt + 1]) : 8;
  const refTool = process.env.DAGU_REF ?? defaultRefTool;
  const files = listFixtures();
  const verdicts = await mapPool(files, jobs, (f) => refVerdict(refTool, f));
  const out: Verdicts = {};
  const problems: string[] = [];
  files.forEach((f, i) => {
    const v = verdicts[i] as Verdict;
    out[fixtureKey(f)] = v;
    const named = namedVerdict(f);
    if (named !== undefined && named !== v.valid) {
      problems.push(`${fixtureKey(f)}: name says ${named ? "valid" : "invalid"}, reference says ${v.valid ? "valid" : "invalid"} ${v.ref}`);
    }
  });
  writeFileSync(verdictsPath, `${JSON.stringify(out, null, 2)}\n`);
  const nValid = Object.values(out).filter((v) => v.valid).length;
  console.log(`${files.length} fixtures: ${nValid} valid, ${files.length - nValid} invalid → ${fixtureKey(verdictsPath)}`);
  for (const p of problems) console.error(`name/verdict mismatch: ${p}`);
  return problems.length > 0 ? 1 : 0;
}

if (import.meta.main) process.exit(await main());
