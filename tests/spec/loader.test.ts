import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SpecError } from "../../src/core/errors.ts";
import { pruneCache } from "../../src/spec/dag-cache.ts";
import { loadDag, resolveDagPath } from "../../src/spec/loader.ts";

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "dagu-loader-"));
  mkdirSync(join(dir, "dags"));
  writeFileSync(join(dir, "dags", "etl.yaml"), "env: [B=dag]\ntags: mine\nsteps: [echo etl]\n");
  writeFileSync(join(dir, "base.yaml"), "env: [A=base]\ntags: shared\ntimeoutSec: 60\nhandlerOn:\n  exit: {command: echo base-exit}\nhistRetentionDays: 3\n");
  writeFileSync(join(dir, "local.yaml"), "histRetentionDays: 9\nsteps: [echo local]\n");
  writeFileSync(join(dir, "broken.yaml"), "steps:\n  - name: a\n    command: x\n    oops: 1\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run `body` with the parse cache on, in its own folder under the test dir. */
async function withCache(name: string, body: (cache: string) => Promise<void>): Promise<void> {
  const cache = join(dir, name);
  const saved = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = cache;
  process.env.DAGU_CACHE = "on";
  try {
    await body(cache);
  } finally {
    delete process.env.DAGU_CACHE;
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
  }
}

test("a name resolves to <dagsDir>/<name>.yaml; an existing path wins", () => {
  expect(resolveDagPath("etl", { dagsDir: join(dir, "dags"), cwd: dir })).toBe(join(dir, "dags", "etl.yaml"));
  expect(resolveDagPath("local.yaml", { dagsDir: join(dir, "dags"), cwd: dir })).toBe(join(dir, "local.yaml"));
  expect(resolveDagPath(join(dir, "x.yml"))).toBe(join(dir, "x.yml"));
});

test("the base config is merged under the DAG: lists add up, set keys win, handlers fill in", async () => {
  const base = join(dir, "base.yaml");
  const etl = await loadDag("etl", { dagsDir: join(dir, "dags"), cwd: dir, baseConfig: base });
  expect(etl.env).toEqual(["A=base", "B=dag"]);
  expect(etl.tags).toEqual(["shared", "mine"]);
  expect(etl.timeoutSec).toBe(60);
  expect(etl.histRetentionDays).toBe(3);
  expect(etl.handlerOn.exit?.commands[0]?.cmdWithArgs).toBe("echo base-exit");
  expect((await loadDag(join(dir, "local.yaml"), { baseConfig: base })).histRetentionDays).toBe(9);
  expect((await loadDag(join(dir, "local.yaml"), { baseConfig: join(dir, "missing.yaml") })).histRetentionDays).toBe(9);
});

test("problems name the file as the user gave it", async () => {
  try {
    await loadDag("broken.yaml", { cwd: dir });
    throw new Error("expected a SpecError");
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    expect((e as SpecError).message).toBe('broken.yaml:4:5: steps[0].oops: unknown key "oops"');
  }
});

test("a missing file is a clear error", async () => {
  expect(loadDag("nope", { dagsDir: join(dir, "dags"), cwd: dir })).rejects.toThrow("DAG file not found: nope");
});

test("a valid DAG is cached by content: an edit is a miss, the same text a hit", () =>
  withCache("cache", async (cache) => {
    const file = join(dir, "cached.yaml");
    writeFileSync(file, "steps: [echo one]\n");
    expect((await loadDag(file)).steps[0]?.commands[0]?.cmdWithArgs).toBe("echo one");
    const entries = (): string[] => readdirSync(join(cache, "dagu", "dags"));
    expect(entries()).toHaveLength(1);
    writeFileSync(file, "steps: [echo two]\n");
    expect((await loadDag(file)).steps[0]?.commands[0]?.cmdWithArgs).toBe("echo two");
    // The entry for the old text was replaced, not added to.
    expect(entries()).toHaveLength(1);
    writeFileSync(file, "steps:\n  - name: a\n    oops: 1\n");
    expect(loadDag(file)).rejects.toThrow('unknown key "oops"');
  }));

test("the cache stays bounded: stale entries, old-layout entries and temp files are pruned", async () => {
  const dirOf = join(dir, "prune");
  mkdirSync(dirOf, { recursive: true });
  const now = Date.now();
  const touch = (name: string, ageDays: number): void => {
    writeFileSync(join(dirOf, name), "{}");
    const t = new Date(now - ageDays * 86_400_000);
    utimesSync(join(dirOf, name), t, t);
  };
  touch("aaaaaaaaaaaaaaaa.json", 1);
  touch("bbbbbbbbbbbbbbbb.json", 30);
  touch("cccccccccccccccc-0123456789abcdef.json", 1);
  touch("dddddddddddddddd.json.123.tmp", 1);
  pruneCache(dirOf, now);
  expect(readdirSync(dirOf)).toEqual(["aaaaaaaaaaaaaaaa.json"]);
  for (let i = 0; i < 2_010; i++) writeFileSync(join(dirOf, `${String(i).padStart(16, "0")}.json`), "{}");
  pruneCache(dirOf, now);
  expect(readdirSync(dirOf)).toHaveLength(2_000);
});

test("a cache entry of another parse of the same path is a miss, not a wrong DAG", () =>
  withCache("cache2", async () => {
    const file = join(dir, "two-names.yaml");
    writeFileSync(file, "steps: [echo one]\n");
    expect((await loadDag(file, { name: "first" })).name).toBe("first");
    expect((await loadDag(file, { name: "second" })).name).toBe("second");
    expect((await loadDag(file, { name: "second" })).name).toBe("second");
  }));

test("a missing base config is no part of the key: a fresh DAGU_HOME hits; an existing one is", () =>
  withCache("cache3", async (cache) => {
    const file = join(dir, "homes.yaml");
    writeFileSync(file, "steps: [echo one]\n");
    const entry = (): number => {
      const [name] = readdirSync(join(cache, "dagu", "dags"));
      return statSync(join(cache, "dagu", "dags", name as string)).ino;
    };
    await loadDag(file, { baseConfig: join(dir, "home-a", "base.yaml") });
    const first = entry();
    // A hit reads the entry; a miss would replace it (a rename: a new inode).
    await loadDag(file, { baseConfig: join(dir, "home-b", "base.yaml") });
    expect(entry()).toBe(first);
    mkdirSync(join(dir, "home-c"), { recursive: true });
    writeFileSync(join(dir, "home-c", "base.yaml"), "env:\n  - FROM_BASE: yes\n");
    const withBase = await loadDag(file, { baseConfig: join(dir, "home-c", "base.yaml") });
    expect(entry()).not.toBe(first);
    expect(withBase.env).toContainEqual(expect.stringContaining("FROM_BASE"));
  }));
