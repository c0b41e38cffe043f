/**
 * @module build
 * `bun run build.ts` compiles src/main.ts into one executable, dist/dagu, that runs with no
 * Bun and no node_modules beside it. Flags as measured in shared/STACK.md: bytecode + ESM for
 * start-up time, names kept for readable stack traces, no autoloading of .env/bunfig.toml
 * from the user's working directory.
 */
import { $ } from "bun";
import pkg from "./package.json" with { type: "json" };

const outfile = process.argv.includes("--outfile")
  ? (process.argv[process.argv.indexOf("--outfile") + 1] as string)
  : "dist/dagu";
const commit = (await $`git rev-parse --short HEAD`.quiet().nothrow()).stdout.toString().trim() || "unknown";
const date = new Date().toISOString().replace(/\.\d+Z$/, "Z");

const result = await Bun.build({
  entrypoints: ["./src/main.ts"],
  compile: { outfile, autoloadDotenv: false, autoloadBunfig: false },
  format: "esm",
  bytecode: true,
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
  process.exit(1);
}
console.log(`built ${outfile} (${pkg.version}, ${commit})`);
