/**
 * @module tests/e2e/run-differential
 * Differential test of `dagu start` (the run engine): every fixture of the RUN corpus
 * (tests/fixtures/run/*.yaml) is run with OUR compiled dist/dagu exactly the way
 * scripts/ref-runs.ts runs the reference Dagu 1.30.2 (fresh DAGU_HOME, HOME and cwd copy of the
 * fixture folder, fixed environment, `# args:` after the file), and what our run recorded in
 * DAGU_HOME (Dagu's on-disk layout: status.jsonl last line, step logs, outputs.json) plus the
 * `# check-files:` files must equal tests/fixtures/run/expected.json field by field: exit code of
 * `start`, run status, per step and per handler status / stdout / stderr / retryCount /
 * doneCount, outputs, files.
 *
 * Runs are executed up front, 4 at a time; each test then only compares and reports every
 * differing field. When the reference is available, a small rotating sample of fixtures is
 * re-run live against it so a stale expected.json is caught. Regenerate with
 * `bun scripts/ref-runs.ts` (see tests/fixtures/run/README.md).
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import {
  caseName,
  defaultRefTool,
  diffRecords,
  type Expected,
  expectedPath,
  listFixtures,
  loadErrorPrefix,
  mapPool,
  resolveRefBinary,
  type RunOutcome,
  type RunRecord,
  runFixture,
} from "../../scripts/ref-runs.ts";
import { bin, ensureBuilt } from "./harness.ts";

const jobs = 4;
const liveSampleSize = 6;

const expected: Expected = JSON.parse(readFileSync(expectedPath, "utf8")) as Expected;

/**
 * Deliberate, documented differences from Dagu 1.30.2 (tests/fixtures/run/divergences.json):
 * per case, the diff labels that may differ and why.
 */
interface Divergence {
  readonly reason: string;
  readonly fields: readonly string[];
}
const divergences = JSON.parse(readFileSync(join(import.meta.dir, "../fixtures/run/divergences.json"), "utf8")) as Record<string, Divergence>;
const fixtures: string[] = listFixtures();

ensureBuilt();

/** Our binary's outcome per case, or the text of the error that prevented the run. */
const ours = new Map<string, RunOutcome | string>();
const results = await mapPool(fixtures, jobs, async (f): Promise<RunOutcome | string> => {
  try {
    return await runFixture(bin, f);
  } catch (e) {
    return `failed to run ${bin} start on ${caseName(f)}: ${String(e)}`;
  }
});
fixtures.forEach((f, i) => ours.set(caseName(f), results[i] as RunOutcome | string));

/** The failure text for one case: every differing field, then our console output. */
function report(name: string, want: RunRecord, got: RunOutcome): string {
  const allowed = new Set(divergences[name]?.fields ?? []);
  const diffs = diffRecords(want, got.record).filter((d) => !allowed.has(d.slice(0, d.indexOf(":"))));
  if (diffs.length === 0) return "";
  return [
    `${name}: ${diffs.length} field(s) differ from the reference (tests/fixtures/run/${name}.yaml)`,
    ...diffs.map((d) => `  ${d}`),
    `--- our \`dagu start\` output (${got.ms} ms) ---`,
    got.console.trim(),
  ].join("\n");
}

describe("run corpus bookkeeping", () => {
  test("the corpus is broad", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(120);
  });

  test("every fixture has an expectation and every expectation has a fixture", () => {
    const names = new Set(fixtures.map(caseName));
    expect(fixtures.map(caseName).filter((n) => expected[n] === undefined)).toEqual([]);
    expect(Object.keys(expected).filter((n) => !names.has(n))).toEqual([]);
  });

  test("every documented divergence names a fixture and gives a reason", () => {
    const names = new Set(fixtures.map(caseName));
    expect(Object.entries(divergences).filter(([n, d]) => !names.has(n) || d.reason.length < 20 || d.fields.length === 0)).toEqual([]);
  });

  test("only load-error-* fixtures fail to load in the reference", () => {
    const wrong = Object.entries(expected)
      .filter(([n, r]) => (r.status === null) !== n.startsWith(loadErrorPrefix))
      .map(([n, r]) => `${n}: status ${r.status}`);
    expect(wrong).toEqual([]);
  });
});

describe("dagu start matches the reference", () => {
  for (const f of fixtures) {
    const name = caseName(f);
    test(name, () => {
      const want = expected[name];
      if (want === undefined) throw new Error(`${name}: no entry in expected.json (run bun scripts/ref-runs.ts ${name})`);
      const got = ours.get(name);
      if (got === undefined || typeof got === "string") throw new Error(got ?? `${name}: not run`);
      const text = report(name, want, got);
      if (text !== "") throw new Error(text);
    });
  }
});

/** The reference is usable offline only when the wrapper exists and its binary is cached. */
const refTool = process.env.DAGU_REF ?? defaultRefTool;
const refCached = existsSync(join(process.env.DAGU_REF_CACHE ?? join(homedir(), ".cache/dagu-ref"), "1.30.2/package/bin/dagu"));
const refAvailable = existsSync(refTool) && (refCached || process.env.DAGU_REF !== undefined);

describe("expected.json is not stale", () => {
  test.skipIf(!refAvailable)(
    `a rotating sample of ${liveSampleSize} fixtures still matches the live reference`,
    async () => {
      const refBin = resolveRefBinary(refTool);
      const day = Math.floor(Date.now() / 86_400_000);
      const sample = Array.from({ length: Math.min(liveSampleSize, fixtures.length) }, (_, i) => {
        return fixtures[(day * liveSampleSize + i) % fixtures.length] as string;
      });
      const outcomes = await mapPool(sample, jobs, (f) => runFixture(refBin, f));
      const stale = sample
        .map((f, i) => {
          const name = caseName(f);
          const want = expected[name];
          if (want === undefined) return `${name}: no entry in expected.json`;
          const diffs = diffRecords(want, (outcomes[i] as RunOutcome).record);
          return diffs.length === 0 ? "" : `${name} (regenerate: bun scripts/ref-runs.ts ${name}):\n  ${diffs.join("\n  ")}`;
        })
        .filter((s) => s !== "");
      expect(stale).toEqual([]);
    },
    120_000,
  );
});
