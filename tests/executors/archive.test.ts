import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import zlib from "node:zlib";
import {
  ArchiveExecutor,
  type Entry,
  globMatch,
  goDuration,
  readTar,
  readZip,
  sanitizeArchivePath,
  writeTar,
  writeZip,
} from "../../src/executors/archive.ts";
import { fakeContext } from "./exec-context.ts";

const root = mkdtempSync(join(tmpdir(), "archive-unit-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dir = root;
let n = 0;
beforeEach(() => {
  dir = join(root, `t${n++}`);
  mkdirSync(join(dir, "src/sub"), { recursive: true });
  writeFileSync(join(dir, "src/a.txt"), "hello\n");
  writeFileSync(join(dir, "src/sub/b.log"), "world\n");
  writeFileSync(join(dir, "src/sub/c.txt"), "x");
});

const has = (cmd: string): boolean => Bun.which(cmd) !== null;

async function run(command: string, config: Record<string, unknown>) {
  const r = fakeContext({ type: "archive", command, config: config as Record<string, never> }, dir);
  const res = await new ArchiveExecutor().run(r.ctx);
  const out = r.out();
  return { res, out, err: r.err(), json: out ? (JSON.parse(out) as Record<string, unknown>) : undefined };
}

function entry(name: string, data: string, kind: Entry["kind"] = "file", linkTarget = ""): Entry {
  const buf = Buffer.from(data);
  return { name, perm: 0o644, kind, size: kind === "file" ? buf.length : 0, mtime: new Date(1_700_000_000_000), linkTarget, data: () => buf };
}

describe("codecs", () => {
  test("tar round-trip incl. long names (PAX) and symlinks", () => {
    const long = `${"d".repeat(120)}/${"f".repeat(130)}.txt`;
    const tar = writeTar([entry("top", "", "dir"), entry("top/x.txt", "abc"), entry(long, "long"), entry("top/l", "", "symlink", "x.txt")]);
    const back = readTar(tar);
    expect(back.map((e) => [e.name, e.kind, e.size])).toEqual([
      ["top/", "dir", 0],
      ["top/x.txt", "file", 3],
      [long, "file", 4],
      ["top/l", "symlink", 0],
    ]);
    expect(back[1]?.data().toString()).toBe("abc");
    expect(back[3]?.linkTarget).toBe("x.txt");
    expect(back[1]?.mtime.getTime()).toBe(1_700_000_000_000);
  });
  test("zip round-trip, CRC checked", () => {
    const zip = writeZip([entry("top", "", "dir"), entry("top/x.txt", "abc".repeat(100))], 9);
    const back = readZip(zip);
    expect(back.map((e) => [e.name, e.kind, e.size, e.perm])).toEqual([
      ["top/", "dir", 0, 0o644],
      ["top/x.txt", "file", 300, 0o644],
    ]);
    expect(back[1]?.data().toString()).toBe("abc".repeat(100));
    const broken = Buffer.from(zip);
    const at = broken.indexOf(Buffer.from("top/x.txt")) + 9 + 9 + 2;
    broken[at] = (broken[at] as number) ^ 0xff;
    expect(() => readZip(broken)[1]?.data()).toThrow();
  });
  test("doublestar globs", () => {
    expect(globMatch("**/*.log", "src/sub/b.log")).toBe(true);
    expect(globMatch("**/*.log", "b.log")).toBe(true);
    expect(globMatch("*.log", "src/b.log")).toBe(false);
    expect(globMatch("src/**", "src")).toBe(true);
    expect(globMatch("src/**", "src/a/b")).toBe(true);
    expect(globMatch("src/*.{txt,md}", "src/a.md")).toBe(true);
    expect(globMatch("src/[ab].txt", "src/c.txt")).toBe(false);
    expect(globMatch("src/?.txt", "src/a.txt")).toBe(true);
  });
  test("sanitizeArchivePath and Go durations", () => {
    expect(sanitizeArchivePath("./src/a.txt", 0, true)).toBe("src/a.txt");
    expect(sanitizeArchivePath("src/a.txt", 1, true)).toBe("a.txt");
    expect(sanitizeArchivePath("src/", 1, true)).toBe("");
    expect(sanitizeArchivePath("src/sub/c.txt", 0, false)).toBe("c.txt");
    expect(sanitizeArchivePath("/abs.txt", 0, true)).toBe("abs.txt");
    expect(sanitizeArchivePath("../x", 0, true)).toBe("../x");
    expect(goDuration(344_494)).toBe("344.494µs");
    expect(goDuration(4_049_553)).toBe("4.049553ms");
    expect(goDuration(1_500_000_000)).toBe("1.5s");
    expect(goDuration(61e9)).toBe("1m1s");
  });
});

describe("executor", () => {
  test("create tar.gz keeps the dir name; list; extract round-trip", async () => {
    const c = await run("create", { source: "src", destination: "out/a.tar.gz" });
    expect(c.res).toEqual({ ok: true });
    expect(c.json).toMatchObject({ operation: "create", source: "src", destination: "out/a.tar.gz", filesAdded: 5, verifyPerformed: false });
    const l = await run("list", { source: "out/a.tar.gz" });
    expect((l.json?.files as { path: string }[]).map((f) => f.path)).toEqual(["src", "src/a.txt", "src/sub", "src/sub/b.log", "src/sub/c.txt"]);
    expect(l.json).toMatchObject({ totalFiles: 5, totalSize: 13, verified: false });
    const x = await run("extract", { source: "out/a.tar.gz", destination: "ext", stripComponents: 1 });
    expect(x.json).toMatchObject({ filesExtracted: 3, bytesExtracted: 13, filesSkipped: 0 });
    expect(readFileSync(join(dir, "ext/sub/c.txt"), "utf8")).toBe("x");
  });

  test("zip with exclude; include on extract; overwrite protection; verifyIntegrity", async () => {
    const c = await run("create", { source: "src", destination: "out/a.zip", exclude: ["**/*.log"], verifyIntegrity: true });
    expect(c.json).toMatchObject({ filesAdded: 4, verifyPerformed: true });
    const x = await run("extract", { source: "out/a.zip", destination: "ext", include: ["**/*.txt"] });
    expect(x.json).toMatchObject({ filesExtracted: 2, filesSkipped: 2 });
    const again = await run("extract", { source: "out/a.zip", destination: "ext" });
    expect(again.res.ok).toBe(false);
    if (!again.res.ok) {
      // Dagu checks the destination kind before the extraction kind.
      expect(again.res.exitCode).toBe(4);
      expect(again.res.error).toContain("exists (overwrite disabled)");
    }
    const ow = await run("extract", { source: "out/a.zip", destination: "ext", overwrite: "true" });
    expect(ow.res).toEqual({ ok: true });
  });

  test("preservePaths false flattens; dryRun writes nothing", async () => {
    await run("create", { source: "src", destination: "a.tar" });
    const x = await run("extract", { source: "a.tar", destination: "flat", preservePaths: false });
    expect(x.res).toEqual({ ok: true });
    expect(existsSync(join(dir, "flat/c.txt"))).toBe(true);
    const d = await run("create", { source: "src", destination: "dry.zip", dryRun: true });
    expect(d.json).toMatchObject({ filesAdded: 5 });
    expect(existsSync(join(dir, "dry.zip"))).toBe(false);
  });

  test("path traversal: ../ entries fail (or are reported with continueOnError); absolute names stay inside", async () => {
    writeFileSync(join(dir, "evil.tar"), writeTar([entry("../evil.txt", "bad"), entry("/abs.txt", "abs"), entry("ok.txt", "ok")]));
    const a = await run("extract", { source: "evil.tar", destination: "e1" });
    expect(a.res.ok).toBe(false);
    if (!a.res.ok) expect(a.res.error).toBe('archive: extraction failed: handling file: ../evil.txt: archive: corrupted archive: target "../evil.txt" escapes destination');
    expect(existsSync(join(dir, "evil.txt"))).toBe(false);
    const b = await run("extract", { source: "evil.tar", destination: "e2", continueOnError: true });
    expect(b.json).toMatchObject({ filesExtracted: 2, errors: ['archive: corrupted archive: target "../evil.txt" escapes destination'] });
    expect(b.err).toContain("archive executor warning: continuing after error");
    expect(existsSync(join(dir, "e2/abs.txt"))).toBe(true);
    expect(existsSync(join(dir, "evil.txt"))).toBe(false);
    writeFileSync(join(dir, "evil.zip"), writeZip([entry("a/../../z.txt", "bad")], -1));
    const z = await run("extract", { source: "evil.zip", destination: "e3" });
    expect(z.res.ok).toBe(false);
    expect(existsSync(join(dir, "z.txt"))).toBe(false);
    writeFileSync(join(dir, "link.tar"), writeTar([entry("l", "", "symlink", "../../etc/passwd")]));
    const s = await run("extract", { source: "link.tar", destination: "e4" });
    if (s.res.ok) throw new Error("expected failure");
    expect(s.res.error).toContain("escapes destination");
  });

  test("symlinks are stored as links unless followSymlinks", async () => {
    symlinkSync("a.txt", join(dir, "src/link"));
    await run("create", { source: "src", destination: "l.tar" });
    await run("extract", { source: "l.tar", destination: "lx" });
    expect(lstatSync(join(dir, "lx/src/link")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, "lx/src/link"))).toBe("a.txt");
    await run("create", { source: "src", destination: "f.tar", followSymlinks: true });
    await run("extract", { source: "f.tar", destination: "fx" });
    expect(lstatSync(join(dir, "fx/src/link")).isFile()).toBe(true);
  });

  test("errors and exit codes", async () => {
    const cases: [string, Record<string, unknown>, number, string][] = [
      ["list", { source: "nope.zip" }, 3, "archive: source not found: open nope.zip: no such file or directory"],
      ["frob", { source: "x" }, 2, 'unsupported archive operation "frob"'],
      ["create", { source: "src" }, 2, "archive: configuration error: destination is required for create"],
      ["extract", {}, 2, "source is required for extract"],
      ["create", { source: "src", destination: "x.foo" }, 5, "could not infer format; specify config.format"],
      ["create", { source: "src", destination: "x.7z", format: "7z" }, 5, 'format "7z" is not supported by this build'],
      ["create", { source: "src", destination: "x.zip", password: "p" }, 2, "password is only supported for extract/list operations"],
      ["list", { source: "x", stripComponents: -1 }, 2, "stripComponents must be >= 0"],
      ["list", { source: "x", include: ["[a"] }, 2, 'invalid glob pattern "[a"'],
      ["list", { source: "x", stripComponents: "abc" }, 1, "'stripComponents' cannot parse value as 'int'"],
      ["extract", { source: "src", destination: "d" }, 2, "source must be a file"],
    ];
    for (const [op, cfg, code, msg] of cases) {
      const r = await run(op, cfg);
      if (r.res.ok) throw new Error(`expected ${op} ${JSON.stringify(cfg)} to fail`);
      expect(r.res.exitCode).toBe(code);
      expect(r.res.error).toContain(msg);
    }
    const u = await run("list", { source: "nope.zip", bogus: 1 });
    expect(u.err).toContain('unknown config key "bogus" ignored');
  });

  test("tar.zst and format by content", async () => {
    await run("create", { source: "src", destination: "a.tar.zst" });
    writeFileSync(join(dir, "noext"), readFileSync(join(dir, "a.tar.zst")));
    const l = await run("list", { source: "noext" });
    expect(l.json).toMatchObject({ totalFiles: 5 });
    writeFileSync(join(dir, "plain.gz"), zlib.gzipSync("not a tar"));
    const g = await run("extract", { source: "plain.gz", destination: "g" });
    if (g.res.ok) throw new Error("expected failure");
    expect(g.res.error).toContain("format does not support extraction");
  });

  test.if(has("tar"))("system tar reads our tar.gz and we read its", async () => {
    await run("create", { source: "src", destination: "s.tar.gz" });
    expect(Bun.spawnSync(["tar", "-tzf", "s.tar.gz"], { cwd: dir }).exitCode).toBe(0);
    mkdirSync(join(dir, "sys2"));
    expect(Bun.spawnSync(["tar", "-xzf", join(dir, "s.tar.gz"), "-C", join(dir, "sys2")]).exitCode).toBe(0);
    expect(readFileSync(join(dir, "sys2/src/sub/b.log"), "utf8")).toBe("world\n");
    expect(Bun.spawnSync(["tar", "-czf", "gnu.tgz", "src"], { cwd: dir }).exitCode).toBe(0);
    const x = await run("extract", { source: "gnu.tgz", destination: "fromgnu" });
    expect(x.json).toMatchObject({ filesExtracted: 3, bytesExtracted: 13 });
  });

  test.if(has("unzip") && has("zip"))("system unzip reads our zip and we read zip's", async () => {
    await run("create", { source: "src", destination: "s.zip", compressionLevel: 9 });
    expect(Bun.spawnSync(["unzip", "-t", "s.zip"], { cwd: dir }).exitCode).toBe(0);
    expect(Bun.spawnSync(["unzip", "-q", "s.zip", "-d", "uz"], { cwd: dir }).exitCode).toBe(0);
    expect(readFileSync(join(dir, "uz/src/a.txt"), "utf8")).toBe("hello\n");
    expect(Bun.spawnSync(["zip", "-qr", "info.zip", "src"], { cwd: dir }).exitCode).toBe(0);
    const x = await run("extract", { source: "info.zip", destination: "fromzip", verifyIntegrity: true });
    expect(x.json).toMatchObject({ filesExtracted: 3, bytesExtracted: 13, verifyPerformed: true });
  });
});
