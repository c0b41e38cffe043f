/**
 * @module tests/e2e/distribution
 * Issue 7, distribution: the release build (`build.ts --release`, all five targets unless
 * DAGU_TEST_RELEASE_TARGETS narrows it), scripts/installer.sh against a local HTTP mirror of
 * dist/release on 127.0.0.1 (install, pinned version, corrupted archive, service and admin
 * options), headless use with no DAGU_HOME and a read-only HOME, and the linux-x64 binary
 * in a minimal root (chroot in private mount/pid namespaces).
 *
 * The first release build on a machine downloads each cross target's Bun runtime from the
 * npm registry (4 × ~100 MB), hence the long timeout of that one test.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gunzipSync, inflateRawSync } from "node:zlib";
import pkg from "../../package.json" with { type: "json" };
import release from "../../packaging/release.json" with { type: "json" };
import { bin, ensureBuilt, repoRoot } from "./harness.ts";

const ALL_TARGETS = ["linux_amd64", "linux_arm64", "darwin_amd64", "darwin_arm64", "windows_amd64"];
const targets = (process.env.DAGU_TEST_RELEASE_TARGETS?.split(",").filter(Boolean) ?? ALL_TARGETS);
const onLinuxX64 = process.platform === "linux" && process.arch === "x64";
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

const work = mkdtempSync(join(tmpdir(), "dagu-e2e-dist-"));
chmodSync(work, 0o755); // the tests that run as nobody read from here
const releaseDir = join(work, "release");
const hello = join(repoRoot, "examples/hello.yaml");

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Async, so the HTTP server in this process keeps answering while the child runs. */
async function run(argv: readonly string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<Run> {
  const p = Bun.spawn([...argv], { cwd: opts.cwd ?? work, env: opts.env ?? process.env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  return { code: await p.exited, stdout, stderr };
}

const sha256 = (data: Uint8Array): string => new Bun.CryptoHasher("sha256").update(data).digest("hex");

function parseSums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
    if (m) sums.set(m[2] as string, m[1] as string);
  }
  return sums;
}

/** The `/latest/download/<f>` and `/download/v<V>/<f>` layout of a releases page, over `root`. */
function serveReleases(root: string): { url: string; requests: string[]; stop: () => void } {
  const requests: string[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const path = new URL(req.url).pathname;
      requests.push(path);
      const m = /^\/(?:latest\/download|download\/v([^/]+))\/([^/]+)$/.exec(path);
      if (!m || (m[1] !== undefined && m[1] !== pkg.version)) return new Response("not found", { status: 404 });
      const file = Bun.file(join(root, m[2] as string));
      return (await file.exists()) ? new Response(file) : new Response("not found", { status: 404 });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, requests, stop: () => server.stop(true) };
}

function installerEnv(baseUrl: string, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { ...process.env, DAGU_INSTALL_BASE_URL: baseUrl, CI: "true", DAGU_INSTALL_DIR: undefined, ...extra };
}

let server: ReturnType<typeof serveReleases>;

beforeAll(() => {
  ensureBuilt();
});

afterAll(() => {
  server?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("release build", () => {
  test(
    `build.ts --release packs ${targets.length} target(s), SHA256SUMS and the formula`,
    async () => {
      const started = performance.now();
      const r = await run(
        [process.execPath, "run", "build.ts", "--release", "--out", releaseDir, "--formula", join(work, "dagu.rb"), "--targets", targets.join(",")],
        { cwd: repoRoot },
      );
      if (r.code !== 0) console.error(r.stdout, r.stderr);
      expect(r.code).toBe(0);
      console.log(`release build of ${targets.length} target(s): ${((performance.now() - started) / 1000).toFixed(1)}s`);

      const sums = parseSums(readFileSync(join(releaseDir, "SHA256SUMS"), "utf8"));
      expect([...sums.keys()].sort()).toEqual(targets.map((t) => `dagu_${t}.${t.startsWith("windows") ? "zip" : "tar.gz"}`).sort());
      for (const [file, sum] of sums) expect(sha256(readFileSync(join(releaseDir, file)))).toBe(sum);
    },
    15 * 60_000,
  );

  test("each archive holds exactly the target's executable", () => {
    const magic: Record<string, (b: Buffer) => boolean> = {
      // ELF: e_machine 62 = x86-64, 183 = AArch64
      linux_amd64: (b) => b.readUInt32BE(0) === 0x7f454c46 && b.readUInt16LE(18) === 62,
      linux_arm64: (b) => b.readUInt32BE(0) === 0x7f454c46 && b.readUInt16LE(18) === 183,
      // Mach-O 64: cputype x86_64 = 0x01000007, arm64 = 0x0100000c
      darwin_amd64: (b) => b.readUInt32LE(0) === 0xfeedfacf && b.readUInt32LE(4) === 0x01000007,
      darwin_arm64: (b) => b.readUInt32LE(0) === 0xfeedfacf && b.readUInt32LE(4) === 0x0100000c,
      // PE32+: "MZ", then at e_lfanew "PE\0\0" and machine 0x8664
      windows_amd64: (b) => b.toString("latin1", 0, 2) === "MZ" && b.readUInt16LE(b.readUInt32LE(0x3c) + 4) === 0x8664,
    };
    for (const t of targets) {
      let exe: Buffer;
      if (t.startsWith("windows")) {
        const z = readFileSync(join(releaseDir, `dagu_${t}.zip`));
        const eocd = z.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
        expect(z.readUInt16LE(eocd + 10)).toBe(1); // one entry
        const cd = z.readUInt32LE(eocd + 16);
        const nameLen = z.readUInt16LE(cd + 28);
        expect(z.toString("utf8", cd + 46, cd + 46 + nameLen)).toBe("dagu.exe");
        const local = z.readUInt32LE(cd + 42);
        const dataStart = local + 30 + z.readUInt16LE(local + 26) + z.readUInt16LE(local + 28);
        exe = inflateRawSync(z.subarray(dataStart, dataStart + z.readUInt32LE(cd + 20)));
        expect(exe.length).toBe(z.readUInt32LE(cd + 24));
        expect(Bun.hash.crc32(exe) >>> 0).toBe(z.readUInt32LE(cd + 16));
      } else {
        const tarball = gunzipSync(readFileSync(join(releaseDir, `dagu_${t}.tar.gz`)));
        expect(tarball.toString("utf8", 0, 4)).toBe("dagu");
        expect(tarball[4]).toBe(0);
        expect(tarball.toString("latin1", 257, 262)).toBe("ustar");
        expect(tarball.toString("latin1", 100, 107)).toBe("0000755");
        const size = parseInt(tarball.toString("latin1", 124, 135), 8);
        exe = tarball.subarray(512, 512 + size);
        // Nothing after the one file but padding and the two end blocks.
        expect(tarball.subarray(512 + size).every((b) => b === 0)).toBe(true);
      }
      expect(magic[t]?.(exe)).toBe(true);
      console.log(`${t}: binary ${(exe.length / 1e6).toFixed(1)} MB`);
    }
  });

  test.skipIf(!targets.includes("linux_amd64") || !onLinuxX64)("the linux x64 binary reports version, commit and build date", async () => {
    const r = await run([join(releaseDir, "build/linux_amd64/dagu"), "version"]);
    expect(r.code).toBe(0);
    const [version, commit, built] = r.stdout.split("\n");
    expect(version).toBe(pkg.version);
    expect(commit).toMatch(/^commit: ([0-9a-f]{7,}|unknown)$/);
    expect(built).toMatch(/^built: +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  test.skipIf(!["linux", "darwin"].every((os) => ["amd64", "arm64"].every((a) => targets.includes(`${os}_${a}`))))(
    "the Homebrew formula points at the release's archives with their checksums",
    () => {
      const formula = readFileSync(join(work, "dagu.rb"), "utf8");
      expect(readFileSync(join(releaseDir, "dagu.rb"), "utf8")).toBe(formula);
      const sums = parseSums(readFileSync(join(releaseDir, "SHA256SUMS"), "utf8"));
      expect(formula).toContain(`version "${pkg.version}"`);
      expect(formula).toContain("class Dagu < Formula");
      for (const t of ["darwin_arm64", "darwin_amd64", "linux_arm64", "linux_amd64"]) {
        const file = `dagu_${t}.tar.gz`;
        const url = `${release.releasesUrl}/download/v${pkg.version}/${file}`;
        expect(formula).toContain(`url "${url}"\n      sha256 "${sums.get(file)}"`);
      }
      expect(formula).toContain('bin.install "dagu"');
      // The committed formula has the same shape (it was generated by a release run).
      const committed = readFileSync(join(repoRoot, "packaging/homebrew/dagu.rb"), "utf8");
      const shape = (s: string): string => s.replace(/[0-9a-f]{64}/g, "SHA").replace(/v?\d+\.\d+\.\d+[^/"\s]*/g, "VER");
      expect(shape(committed)).toBe(shape(formula));
    },
  );
});

describe.skipIf(!onLinuxX64 || !targets.includes("linux_amd64"))("installer.sh against a local mirror", () => {
  const installer = join(repoRoot, "scripts/installer.sh");

  beforeAll(() => {
    server = serveReleases(releaseDir);
  });

  test("its default base URL is the project's releases page", () => {
    expect(readFileSync(installer, "utf8")).toContain(`DEFAULT_BASE_URL="${release.releasesUrl}"`);
  });

  test("installs the latest release into a temp prefix; the installed dagu runs hello.yaml", async () => {
    const prefix = join(work, "prefix-latest");
    server.requests.length = 0;
    const r = await run(["bash", installer, "--yes", "--install-dir", join(prefix, "bin")], { env: installerEnv(server.url) });
    if (r.code !== 0) console.error(r.stdout, r.stderr);
    expect(r.code).toBe(0);
    expect(server.requests).toEqual(["/latest/download/dagu_linux_amd64.tar.gz", "/latest/download/SHA256SUMS"]);
    expect(r.stdout).toContain("Checksum OK");
    expect(r.stdout).toContain(`Installed dagu ${pkg.version} to ${prefix}/bin/dagu`);
    expect(r.stdout).toContain("Next:");
    expect(readdirSync(join(prefix, "bin"))).toEqual(["dagu"]);
    expect(statSync(join(prefix, "bin/dagu")).mode & 0o777).toBe(0o755);

    const dagu = join(prefix, "bin/dagu");
    const v = await run([dagu, "version"]);
    expect(v.code).toBe(0);
    expect(v.stdout.split("\n")[0]).toBe(pkg.version);
    const s = await run([dagu, "start", hello], { env: { ...process.env, DAGU_HOME: join(work, "home-installed") } });
    expect(s.stdout + s.stderr).toContain("Hello from Dagu!");
    expect(s.code).toBe(0);
  });

  test("--version V downloads from download/vV and replaces an existing dagu", async () => {
    const dir = join(work, "prefix-pinned/bin");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "dagu"), "#!/bin/sh\necho old\n", { mode: 0o755 });
    server.requests.length = 0;
    const r = await run(["bash", installer, "--version", `v${pkg.version}`, "--install-dir", dir, "-y"], { env: installerEnv(server.url) });
    expect(r.code).toBe(0);
    expect(server.requests).toEqual([`/download/v${pkg.version}/dagu_linux_amd64.tar.gz`, `/download/v${pkg.version}/SHA256SUMS`]);
    expect((await run([join(dir, "dagu"), "version"])).stdout.split("\n")[0]).toBe(pkg.version);
  });

  test("an unknown version fails the download and installs nothing", async () => {
    const dir = join(work, "prefix-missing/bin");
    const r = await run(["bash", installer, "--version", "99.0.0", "--install-dir", dir, "--yes"], { env: installerEnv(server.url) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("download failed");
    expect(existsSync(join(dir, "dagu"))).toBe(false);
  });

  test("a corrupted archive fails the checksum and installs nothing", async () => {
    const corrupt = join(work, "release-corrupt");
    mkdirSync(corrupt);
    for (const f of ["SHA256SUMS", "dagu_linux_amd64.tar.gz"]) copyFileSync(join(releaseDir, f), join(corrupt, f));
    const archive = readFileSync(join(corrupt, "dagu_linux_amd64.tar.gz"));
    const at = archive.length >> 1;
    archive[at] = (archive[at] as number) ^ 0xff;
    writeFileSync(join(corrupt, "dagu_linux_amd64.tar.gz"), archive);
    const bad = serveReleases(corrupt);
    try {
      const dir = join(work, "prefix-corrupt/bin");
      mkdirSync(dir, { recursive: true });
      const r = await run(["bash", installer, "--yes", "--install-dir", dir], { env: installerEnv(bad.url) });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/checksum mismatch for dagu_linux_amd64\.tar\.gz/);
      expect(r.stdout).not.toContain("Installed");
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      bad.stop();
    }
  });

  test("usage errors exit 2; --help exits 0", async () => {
    const bad = await run(["bash", installer, "--no-such-flag"], { env: installerEnv(server.url) });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown option: --no-such-flag");
    expect((await run(["bash", installer, "--install-dir"], { env: installerEnv(server.url) })).code).toBe(2);
    const help = await run(["bash", installer, "--help"], { env: installerEnv(server.url) });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--install-dir DIR");
  });

  test("--service and --admin-user write a systemd user unit and config.yaml only when asked", async () => {
    // As a non-root user, so the unit is a user unit under the temp HOME, never /etc.
    const home = join(work, "svc-home");
    mkdirSync(home);
    const copy = join(work, "installer-copy.sh");
    copyFileSync(installer, copy);
    const asUser = isRoot ? ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups"] : [];
    if (isRoot) chownSync(home, NOBODY, NOBODY);
    const env = installerEnv(server.url, { HOME: home, XDG_CONFIG_HOME: undefined, DAGU_HOME: undefined, TMPDIR: home });

    const plain = await run([...asUser, "bash", copy, "--yes"], { env });
    expect(plain.code).toBe(0);
    expect(existsSync(join(home, ".local/bin/dagu"))).toBe(true); // default install dir
    expect(existsSync(join(home, ".config/systemd"))).toBe(false);
    expect(existsSync(join(home, ".config/dagu/config.yaml"))).toBe(false);

    const r = await run([...asUser, "bash", copy, "--yes", "--service", "--admin-user", "admin", "--admin-password", "s3cr'et"], { env });
    if (r.code !== 0) console.error(r.stdout, r.stderr);
    expect(r.code).toBe(0);
    const unit = readFileSync(join(home, ".config/systemd/user/dagu.service"), "utf8");
    expect(unit).toContain(`ExecStart=${home}/.local/bin/dagu start-all`);
    expect(unit).toContain("WantedBy=default.target");
    const configFile = join(home, ".config/dagu/config.yaml");
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
    const config = readFileSync(configFile, "utf8");
    expect(config).toContain("mode: builtin");
    expect(config).toContain("username: 'admin'");
    expect(config).toContain("password: 's3cr''et'");
    expect(config).toMatch(/secret: '[0-9a-f]{64}'/);

    // A second run never overwrites an existing config.yaml.
    const again = await run([...asUser, "bash", copy, "--yes", "--admin-user", "other"], { env });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("exists; admin account not written");
    expect(readFileSync(configFile, "utf8")).toBe(config);
  }, 60_000); // three installs of a ~100 MB binary: seconds each on a busy machine
});

describe.skipIf(process.platform === "win32")("headless use", () => {
  // A copy in the world-readable work folder: nobody may not reach the repository's dist/.
  const headlessBin = join(work, "dagu-headless");
  beforeAll(() => {
    copyFileSync(bin, headlessBin);
    chmodSync(headlessBin, 0o755);
  });

  /** Runs dist/dagu with no DAGU_HOME, HOME read-only (or missing), TMPDIR private. */
  async function headless(args: string[], name: string): Promise<Run & { tmp: string }> {
    const tmp = join(work, `headless-${name}`);
    mkdirSync(tmp);
    const home = join(work, `ro-home-${name}`);
    mkdirSync(home);
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      HOME: home,
      TMPDIR: tmp,
      DAGU_HEADLESS: "true",
      CI: "true",
    };
    let prefix: string[] = [];
    if (isRoot) {
      // root writes anywhere: run as nobody, whose HOME is not writable to it.
      chownSync(tmp, NOBODY, NOBODY);
      prefix = ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups"];
    }
    chmodSync(home, 0o555);
    const r = await run([...prefix, headlessBin, ...args], { env, cwd: tmp });
    return { ...r, tmp };
  }

  test("dagu start with no DAGU_HOME and a read-only HOME keeps state under $TMPDIR/dagu-<uid>", async () => {
    const dag = join(work, "headless-hello.yaml");
    copyFileSync(hello, dag);
    chmodSync(dag, 0o644);
    const r = await headless(["start", dag], "ok");
    if (r.code !== 0) console.error(r.stdout, r.stderr);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Hello from Dagu!");
    const uid = isRoot ? NOBODY : process.getuid?.();
    const state = join(r.tmp, `dagu-${uid}`);
    expect(statSync(state).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(state, "data/dag-runs"))).toContain("headless-hello");
    expect(readdirSync(join(work, "ro-home-ok"))).toEqual([]);
  });

  test("exit codes CI relies on: 1 for a failed DAG, 1 for a missing file", async () => {
    const dag = join(work, "headless-fail.yaml");
    writeFileSync(dag, "steps:\n  - command: sh -c 'exit 3'\n", { mode: 0o644 });
    const failed = await headless(["start", dag], "fail");
    expect(failed.code).toBe(1);
    const missing = await headless(["start", join(work, "no-such.yaml")], "missing");
    expect(missing.code).toBe(1);
  });
});

// Neither can run here (no PowerShell, no container engine): check they agree with the release.
describe("installer.ps1 and Dockerfile", () => {
  test("installer.ps1 uses the same releases page, asset name and checksum file", () => {
    const ps1 = readFileSync(join(repoRoot, "scripts/installer.ps1"), "utf8");
    expect(ps1).toContain(`$DefaultBaseUrl = '${release.releasesUrl}'`);
    expect(ps1).toContain("$Asset = 'dagu_windows_amd64.zip'");
    expect(ps1).toContain("'SHA256SUMS'");
    expect(ps1).toContain("dagu.exe");
    expect(ps1).toContain('"$BaseUrl/download/v$Version"');
    expect(ps1).toContain('"$BaseUrl/latest/download"');
  });

  test.skipIf(!targets.includes("linux_amd64"))("the Dockerfile copies a binary the release writes, and .dockerignore lets it in", () => {
    const dockerfile = readFileSync(join(repoRoot, "Dockerfile"), "utf8");
    const copy = /^COPY (?:--chmod=\S+ )?dist\/release\/(\S+) \/usr\/local\/bin\/dagu$/m.exec(dockerfile);
    expect(copy).not.toBeNull();
    const source = (copy?.[1] ?? "").replace("${TARGETARCH}", "amd64");
    expect(existsSync(join(releaseDir, source))).toBe(true);
    const ignore = readFileSync(join(repoRoot, ".dockerignore"), "utf8");
    expect(ignore).toContain(`!dist/release/${source}`);
    expect(ignore).toContain(`!dist/release/${source.replace("amd64", "arm64")}`);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["\/usr\/local\/bin\/dagu"\]$/m);
  });
});

/** Whether an ELF executable has no PT_INTERP (is static). */
function isStaticElf(path: string): boolean {
  const b = readFileSync(path);
  if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2) return false;
  const phoff = Number(b.readBigUInt64LE(0x20));
  const phentsize = b.readUInt16LE(0x36);
  for (let i = 0; i < b.readUInt16LE(0x38); i++) if (b.readUInt32LE(phoff + i * phentsize) === 3) return false;
  return true;
}

/** A static busybox: the installed one (busybox-static), else unpacked from Debian's package. */
async function findStaticBusybox(): Promise<string | undefined> {
  for (const p of ["/bin/busybox", "/usr/bin/busybox"]) if (existsSync(p) && isStaticElf(p)) return p;
  const dir = join(work, "busybox-deb");
  mkdirSync(dir, { recursive: true });
  for (const attempt of [0, 1]) {
    if (attempt === 1 && isRoot) await run(["apt-get", "update", "-qq"]);
    const dl = await run(["apt-get", "download", "busybox-static"], { cwd: dir });
    const deb = readdirSync(dir).find((f) => f.endsWith(".deb"));
    if (dl.code === 0 && deb && (await run(["dpkg-deb", "-x", join(dir, deb), join(dir, "x")])).code === 0) {
      const p = join(dir, "x/bin/busybox");
      if (existsSync(p)) return p;
    }
  }
  return undefined;
}

/** Shared libraries `ldd` lists for an executable (absolute paths, the loader included). */
async function sharedLibs(exe: string): Promise<string[]> {
  const r = await run(["ldd", exe]);
  return [...r.stdout.matchAll(/(\/\S+) \(0x/g)].map((m) => m[1] as string);
}

/** Whether this user may make mount and pid namespaces (root, or unprivileged user namespaces). */
const canUnshare =
  onLinuxX64 &&
  Bun.spawnSync(["unshare", ...(isRoot ? [] : ["--map-root-user"]), "--mount", "--pid", "--fork", "true"], { stdout: "ignore", stderr: "ignore" }).exitCode === 0;

describe.skipIf(!canUnshare || !targets.includes("linux_amd64"))("minimal root", () => {
  const root = join(work, "minroot");

  /** chroot into `root` in fresh mount and pid namespaces with /proc and /dev/null mounted. */
  function inRoot(argv: string[], env: Record<string, string>): Promise<Run> {
    const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    // `env -i` runs before the chroot (there is no env in the root); chroot then execs argv.
    const script = `mount -t proc proc "$1/proc" && mount --bind /dev/null "$1/dev/null" && shift && exec "$@"`;
    const user = isRoot ? [] : ["--map-root-user"];
    const chroot = existsSync("/usr/sbin/chroot") ? "/usr/sbin/chroot" : "chroot";
    return run(["unshare", ...user, "--mount", "--pid", "--fork", "/bin/sh", "-c", script, "sh", root, "env", "-i", ...envArgs, chroot, root, ...argv]);
  }

  beforeAll(() => {
    mkdirSync(join(root, "tmp"), { recursive: true, mode: 0o1777 });
    mkdirSync(join(root, "proc"));
    mkdirSync(join(root, "dev"));
    writeFileSync(join(root, "dev/null"), "");
    copyFileSync(join(releaseDir, "build/linux_amd64/dagu"), join(root, "dagu"));
    chmodSync(join(root, "dagu"), 0o755);
  });

  test("the binary alone has only the kernel, glibc's loader and libc to rely on", async () => {
    // Bun's Linux runtime links glibc dynamically: no loader in the root, no start.
    const bare = await inRoot(["/dagu", "version"], {});
    expect(bare.code).not.toBe(0);
    const libs = await sharedLibs(join(root, "dagu"));
    // Nothing beyond glibc itself (libc, libm, libpthread, libdl and the loader).
    for (const lib of libs) expect(lib).toMatch(/\/(ld-linux-x86-64\.so\.2|lib(c|m|pthread|dl)\.so\.\d+)$/);
    for (const lib of libs) {
      mkdirSync(join(root, dirname(lib)), { recursive: true });
      copyFileSync(lib, join(root, lib));
    }
    const r = await inRoot(["/dagu", "version"], {});
    if (r.code !== 0) console.error(r.stdout, r.stderr);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe(pkg.version);
    const files = (await run(["find", root, "-path", join(root, "proc"), "-prune", "-o", "-type", "f", "-print"])).stdout.trim().split("\n").sort();
    console.log(`minimal root: ${files.map((f) => f.slice(root.length)).join(" ")}`);
  });

  test("with a static busybox as /bin/sh it runs hello.yaml, state in the root's scratch folder", async () => {
    mkdirSync(join(root, "bin"), { recursive: true });
    const busybox = await findStaticBusybox();
    if (busybox) {
      copyFileSync(busybox, join(root, "bin/busybox"));
      chmodSync(join(root, "bin/busybox"), 0o755);
      for (const applet of ["sh", "echo"]) symlinkSync("busybox", join(root, "bin", applet));
    } else {
      // No Debian package reachable: the host's /bin/sh and echo, which need only the libc
      // already in the root.
      console.warn("busybox-static not available; using the host's /bin/sh and /bin/echo");
      for (const exe of ["/bin/sh", "/bin/echo"]) {
        copyFileSync(exe, join(root, "bin", exe.slice(5)));
        for (const lib of await sharedLibs(exe)) if (!existsSync(join(root, lib))) copyFileSync(lib, join(root, lib));
      }
    }
    // Paths relative to the root's "/" (chroot's working directory), HOME its scratch folder.
    copyFileSync(hello, join(root, "tmp", "hello.yaml"));
    const r = await inRoot(["/dagu", "start", "tmp/hello.yaml"], { PATH: "/bin", HOME: "tmp", DAGU_HOME: "tmp/dagu" });
    if (r.code !== 0) console.error(r.stdout, r.stderr);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Hello from Dagu!");
    expect(r.stdout).toContain("Step 2");
    expect(readdirSync(join(root, "tmp", "dagu", "data", "dag-runs"))).toEqual(["hello"]);
  });
});
