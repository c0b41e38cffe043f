/**
 * @module tests/e2e/validate-differential
 * Differential test of `dagu validate`: every fixture of the corpus (tests/fixtures/validate/**,
 * including the reference's own example DAGs in ref-examples/, plus examples/*.yaml) is run
 * through OUR compiled dist/dagu, and its verdict (exit 0 = valid, 1 = invalid) must equal the
 * reference Dagu 1.30.2's verdict recorded in tests/fixtures/validate/verdicts.json (or the
 * entry's `ourVerdict` where we deliberately differ, e.g. dependency cycles).
 *
 * For invalid files our output must also point at the problem as `FILE:LINE:COL:` with FILE the
 * path exactly as given on the command line, and must never contain a stack trace.
 *
 * When the reference (../shared/tools/dagu-ref) is available, a sample of fixtures is re-checked
 * live against it so a stale verdicts.json is caught. Regenerate with
 * `bun scripts/ref-verdicts.ts` (see tests/fixtures/validate/README.md).
 *
 * Every run gets a fresh DAGU_HOME and a fresh empty cwd; the fixture is passed as an absolute
 * path. Runs are executed up front with bounded parallelism, the tests then only compare.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import {
  defaultRefTool,
  fixtureKey,
  listFixtures,
  mapPool,
  repoRoot,
  runValidate,
  type RunResult,
  type Verdict,
  type Verdicts,
  verdictsPath,
} from "../../scripts/ref-verdicts.ts";

const bin = join(repoRoot, "dist/dagu");
const jobs = 8;
const liveSampleSize = 30;

const verdicts: Verdicts = JSON.parse(readFileSync(verdictsPath, "utf8")) as Verdicts;
const fixtures: string[] = listFixtures();
const binExists = existsSync(bin);

/** Our binary's result per fixture (absolute path), or the spawn error's text. */
const ours = new Map<string, RunResult | string>();
if (binExists) {
  const results = await mapPool(fixtures, jobs, async (f): Promise<RunResult | string> => {
    try {
      return await runValidate(bin, f);
    } catch (e) {
      return `failed to run ${bin}: ${String(e)}`;
    }
  });
  fixtures.forEach((f, i) => ours.set(f, results[i] as RunResult | string));
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const expected = (v: Verdict): boolean => v.ourVerdict ?? v.valid;
const describeRun = (r: RunResult): string =>
  `exit ${r.code}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;

describe("validate corpus bookkeeping", () => {
  test("the corpus is broad", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(250);
  });

  test("every fixture has a verdict and every verdict has a fixture", () => {
    const keys = new Set(fixtures.map(fixtureKey));
    expect(fixtures.map(fixtureKey).filter((k) => verdicts[k] === undefined)).toEqual([]);
    expect(Object.keys(verdicts).filter((k) => !keys.has(k))).toEqual([]);
  });

  test("fixture name prefixes agree with the recorded reference verdicts", () => {
    const wrong = fixtures.filter((f) => {
      const v = verdicts[fixtureKey(f)];
      const b = basename(f);
      if (v === undefined) return false;
      if (b.startsWith("valid-")) return !v.valid;
      if (b.startsWith("invalid-")) return v.valid;
      if (b.startsWith("divergent-cycle-")) return v.ourVerdict !== false || v.divergence !== "cycle";
      if (b.startsWith("div-accept-")) return v.valid || v.ourVerdict !== true;
      if (b.startsWith("div-reject-")) return !v.valid || v.ourVerdict !== false;
      return false;
    });
    expect(wrong.map(fixtureKey)).toEqual([]);
  });

  test("dist/dagu is built (run `bun run build.ts`)", () => {
    expect(binExists).toBe(true);
  });
});

describe("dagu validate matches Dagu 1.30.2", () => {
  for (const f of fixtures) {
    const key = fixtureKey(f);
    const v = verdicts[key];
    const want = v === undefined ? undefined : expected(v);
    const label = `${key} → ${want === undefined ? "?" : want ? "valid" : "invalid"}${v?.divergence ? ` (divergence: ${v.divergence})` : ""}`;
    test(label, () => {
      expect(v, `no verdict for ${key}; run bun scripts/ref-verdicts.ts`).toBeDefined();
      const r = ours.get(f);
      expect(r, `dist/dagu missing: run bun run build.ts`).toBeDefined();
      if (typeof r === "string" || r === undefined || v === undefined) throw new Error(String(r));
      const out = `${r.stdout}\n${r.stderr}`;
      const reference = v.ref === "" ? "(reference: valid)" : `reference said:\n${v.ref}`;
      expect(/^\s{4}at /m.test(out), `stack trace in output\n${describeRun(r)}`).toBe(false);
      if (expected(v)) {
        expect(r.code, `expected valid (exit 0)\n${describeRun(r)}`).toBe(0);
      } else {
        expect(r.code, `expected invalid (exit 1); ${reference}\n${describeRun(r)}`).toBe(1);
        const located = new RegExp(`${escapeRe(f)}:\\d+:\\d+:`);
        expect(located.test(out), `output must name ${f}:LINE:COL:\n${describeRun(r)}`).toBe(true);
      }
    });
  }
});

describe.if(existsSync(defaultRefTool))("verdicts.json is not stale (live reference sample)", () => {
  // A deterministic sample that rotates daily: every k-th fixture from a day-dependent offset.
  const stride = Math.max(1, Math.floor(fixtures.length / liveSampleSize));
  const offset = Math.floor(Date.now() / 86_400_000) % stride;
  const sample = fixtures.filter((_, i) => i % stride === offset).slice(0, liveSampleSize);
  test(`${sample.length} sampled fixtures still get the recorded reference verdict`, async () => {
    const live = await mapPool(sample, jobs, async (f) => ({ f, r: await runValidate(defaultRefTool, f) }));
    const stale = live
      .filter(({ f, r }) => (r.code === 0) !== verdicts[fixtureKey(f)]?.valid)
      .map(({ f, r }) => `${fixtureKey(f)}: reference now exits ${r.code}`);
    expect(stale, "verdicts.json is stale: run bun scripts/ref-verdicts.ts").toEqual([]);
  });
});
