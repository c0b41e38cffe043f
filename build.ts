/**
 * @module build
 * `bun run build.ts` compiles src/main.ts into one executable, dist/dagu, that runs with no
 * Bun and no node_modules beside it. Flags as measured in shared/STACK.md: bytecode + ESM for
 * start-up time, names kept for readable stack traces, no autoloading of .env/bunfig.toml
 * from the user's working directory.
 *
 * `bun run build.ts --release` (`npm run release`) compiles the same code with the same flags
 * for every release target, packs `dagu_<os>_<arch>.tar.gz` (`.zip` for Windows) into
 * dist/release/, writes `SHA256SUMS` and the Homebrew formula. Options:
 *   --out DIR          release folder (default dist/release)
 *   --targets a,b      only these `<os>_<arch>` targets (default: all five)
 *   --formula FILE     where the formula goes (default packaging/homebrew/dagu.rb, only when
 *                      all macOS/Linux targets were built; always also `<out>/dagu.rb`)
 *   --base-url URL     releases URL for the formula (default packaging/release.json)
 * SOURCE_DATE_EPOCH, when set, fixes the embedded build date and the archives' mtimes.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { $ } from "bun";
import pkg from "./package.json" with { type: "json" };
import { buildUi } from "./ui/build-ui.ts";
import { type ArchiveEntry, sha256Hex, sha256sums, tarGz, zip } from "./packaging/archive.ts";
import { type FormulaAsset, renderFormula } from "./packaging/homebrew/formula.ts";
import release from "./packaging/release.json" with { type: "json" };

const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

const commit = (await $`git rev-parse --short HEAD`.quiet().nothrow()).stdout.toString().trim() || "unknown";
const epoch = Number(process.env.SOURCE_DATE_EPOCH);
const buildTime = Number.isFinite(epoch) && epoch > 0 ? new Date(epoch * 1000) : new Date();
const date = buildTime.toISOString().replace(/\.\d+Z$/, "Z");

const uiDir = "dist/ui";

/** Compile once, for the host or a cross target. Every build, normal or release, goes through here. */
async function compile(outfile: string, target?: Bun.Build.CompileTarget): Promise<void> {
  const result = await Bun.build({
    entrypoints: ["./src/main.ts"],
    // dist/ui (the web UI, built first) is embedded as `<binary dir>/ui` (server/ui-assets.ts).
    // Most commands are short-lived and run their code once: compiling it costs more than
    // interpreting it (chain100 -10% wall, -25% CPU). Services reset it (Command.longRunning).
    compile: { outfile, autoloadDotenv: false, autoloadBunfig: false, assets: [uiDir], jitPolicy: 100, ...(target ? { target } : {}) },
    format: "esm",
    bytecode: true,
    // Lazily imported commands (server, scheduler, executors) become their own chunks, so a
    // command loads only the code it runs: `dagu version` 16 → 9 ms, less memory per run.
    splitting: true,
    minify: { syntax: true, whitespace: true, identifiers: false },
    sourcemap: "linked",
    define: {
      DAGU_BUILD_VERSION: JSON.stringify(pkg.version),
      DAGU_BUILD_COMMIT: JSON.stringify(commit),
      DAGU_BUILD_DATE: JSON.stringify(date),
    },
  });
  if (!result.success) {
    for (const log of result.logs) console.error(log);
    throw new Error(`build failed for ${target ?? "host"}`);
  }
}

/** A release target: the archive's os/arch names (Go's, as Dagu's releases) and Bun's target. */
interface Target {
  readonly os: FormulaAsset["os"];
  readonly arch: FormulaAsset["arch"];
  readonly bun: Bun.Build.CompileTarget;
}

const releaseTargets: readonly Target[] = [
  { os: "linux", arch: "amd64", bun: "bun-linux-x64" },
  { os: "linux", arch: "arm64", bun: "bun-linux-arm64" },
  { os: "darwin", arch: "amd64", bun: "bun-darwin-x64" },
  { os: "darwin", arch: "arm64", bun: "bun-darwin-arm64" },
  { os: "windows", arch: "amd64", bun: "bun-windows-x64" },
];

async function buildRelease(): Promise<void> {
  const out = option("--out") ?? "dist/release";
  const only = option("--targets")?.split(",").map((s) => s.trim()).filter(Boolean);
  const targets = only ? releaseTargets.filter((t) => only.includes(`${t.os}_${t.arch}`)) : releaseTargets;
  if (only && targets.length !== only.length) {
    throw new Error(`--targets: unknown target in ${only.join(",")} (known: ${releaseTargets.map((t) => `${t.os}_${t.arch}`).join(", ")})`);
  }
  const staging = join(out, "build");
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const mtime = Math.floor(buildTime.getTime() / 1000);
  const assets: FormulaAsset[] = [];

  for (const t of targets) {
    const started = performance.now();
    const exe = t.os === "windows" ? "dagu.exe" : "dagu";
    const binPath = join(staging, `${t.os}_${t.arch}`, exe);
    // The first build for a target downloads its Bun runtime from the npm registry (~100 MB).
    await compile(binPath, t.bun);
    const entry: ArchiveEntry = { name: exe, data: readFileSync(binPath) };
    const file = `dagu_${t.os}_${t.arch}.${t.os === "windows" ? "zip" : "tar.gz"}`;
    const packed = t.os === "windows" ? zip([entry], mtime) : tarGz([entry], mtime);
    writeFileSync(join(out, file), packed);
    const sha256 = sha256Hex(packed);
    assets.push({ os: t.os, arch: t.arch, file, sha256 });
    const mb = (n: number): string => (n / 1e6).toFixed(1);
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`${file}: binary ${mb(entry.data.length)} MB, archive ${mb(packed.length)} MB (${secs}s)`);
  }

  writeFileSync(join(out, "SHA256SUMS"), sha256sums(assets.map((a) => ({ name: a.file, sha256: a.sha256 }))));
  const haveAllUnix = (["linux", "darwin"] as const).every((os) =>
    (["amd64", "arm64"] as const).every((arch) => assets.some((a) => a.os === os && a.arch === arch)),
  );
  if (haveAllUnix) {
    const formula = renderFormula({
      version: pkg.version,
      releasesUrl: option("--base-url") ?? release.releasesUrl,
      homepage: release.homepage,
      description: release.description,
      license: release.license,
      assets,
    });
    writeFileSync(join(out, "dagu.rb"), formula);
    const formulaPath = option("--formula") ?? "packaging/homebrew/dagu.rb";
    writeFileSync(formulaPath, formula);
    console.log(`formula: ${formulaPath}`);
  }
  console.log(`release ${pkg.version} (${commit}, ${date}): ${assets.length} archives + SHA256SUMS in ${out}`);
}

// The UI is plain browser code, the same for every target: build it once, before any compile.
rmSync(uiDir, { recursive: true, force: true });
await buildUi(uiDir);
// Source maps of earlier builds' chunks (hashed names) would otherwise pile up in dist/.
for (const f of new Bun.Glob("chunk-*.js.map").scanSync("dist")) rmSync(join("dist", f));

if (argv.includes("--release")) {
  await buildRelease();
} else {
  const outfile = option("--outfile") ?? "dist/dagu";
  await compile(outfile);
  console.log(`built ${outfile} (${pkg.version}, ${commit})`);
}
