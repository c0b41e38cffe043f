/**
 * @module ui/build-ui
 * Builds the SolidJS web UI with Bun's bundler: `.tsx`/`.jsx` (ours and @solidjs/router's) go through babel-preset-solid (Solid's
 * JSX compiles to DOM templates, not a virtual DOM), everything else is Bun's own. The output
 * folder is embedded into `dist/dagu` by build.ts (`compile.assets`). Asset URLs stay relative:
 * the server injects `<base href>` so the same build works under any `basePath`.
 */
/// <reference path="./babel-modules.d.ts" />
import { join } from "node:path";
import type { BunPlugin } from "bun";

const solidPlugin: BunPlugin = {
  name: "solid-jsx",
  setup(build) {
    build.onLoad({ filter: /\.[jt]sx$/ }, async ({ path }) => {
      // Babel is only needed at build time; import it lazily so build.ts stays light otherwise.
      const [{ transformAsync }, solidPreset, tsPreset] = await Promise.all([
        import("@babel/core"),
        import("babel-preset-solid").then((m) => m.default),
        import("@babel/preset-typescript").then((m) => m.default),
      ]);
      const out = await transformAsync(await Bun.file(path).text(), {
        filename: path,
        babelrc: false,
        configFile: false,
        presets: [[solidPreset, { generate: "dom" }], [tsPreset, {}]],
      });
      if (!out?.code) throw new Error(`${path}: babel produced no code`);
      return { contents: out.code, loader: "js" };
    });
  },
};

/** Bundle ui/index.html into `outdir`; returns the emitted files (path and byte size). */
export async function buildUi(outdir: string): Promise<{ path: string; bytes: number }[]> {
  const result = await Bun.build({
    entrypoints: [join(import.meta.dir, "index.html")],
    outdir,
    target: "browser",
    minify: true,
    // Each lazily imported page becomes its own chunk: the first load fetches only the shell.
    splitting: true,
    conditions: ["browser", "solid"],
    plugins: [solidPlugin],
    naming: { entry: "[name].[ext]", chunk: "assets/[name]-[hash].[ext]", asset: "assets/[name]-[hash].[ext]" },
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
  });
  if (!result.success) {
    for (const log of result.logs) console.error(log);
    throw new Error("UI build failed");
  }
  return result.outputs.map((o) => ({ path: o.path, bytes: o.size }));
}

if (import.meta.main) {
  const out = process.argv[2] ?? join(import.meta.dir, "../dist/ui");
  for (const f of await buildUi(out)) console.log(`${f.path}  ${(f.bytes / 1024).toFixed(1)} KB`);
}
