/**
 * @module server/ui-assets
 * Serves the web UI built by ui/build-ui.ts. In the compiled binary the files are embedded
 * (build.ts: `compile.assets`) under `<binary dir>/ui`; under `bun run` they are read from
 * dist/ui. Hashed files under `/assets/` are immutable and sent gzipped when the browser
 * accepts it (compressed once, on first request); every other path that is not the API gets
 * index.html, so deep links such as `/dags/etl` load the app. index.html carries `<base href>`
 * and the UI's settings (among them `authMode`: which sign-in the UI needs), so one build
 * works under any `basePath`. None of it needs authentication: the login page must load.
 */
import { existsSync, readFileSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { uiAuthMode } from "../auth/auth-settings.ts";
import type { ServerConfig } from "../config/config-file.ts";

const contentTypes: Readonly<Record<string, string>> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".json": "application/json",
  ".map": "application/json",
};

/** Where the built UI is: embedded beside the compiled code, else dist/ui of the checkout. */
export function findUiRoot(): string | undefined {
  return [join(import.meta.dir, "ui"), join(import.meta.dir, "../../dist/ui"), join(import.meta.dir, "../dist/ui")].find((p) =>
    existsSync(join(p, "index.html")),
  );
}

export interface UiAssets {
  /** The entry page for any app path. */
  page(): Response;
  /** A file under /assets/, or undefined when there is none. */
  asset(relPath: string, acceptEncoding: string | null): Response | undefined;
}

const escapeHtml = (s: string): string => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function uiAssets(root: string, config: ServerConfig, version: string): UiAssets {
  const settings = {
    basePath: config.basePath,
    apiBase: `${config.basePath}${config.apiBasePath}`,
    version,
    title: config.ui.navbarTitle || "Dagu",
    authMode: uiAuthMode(config.auth),
  };
  // `<` escaped so a title can never close the script element.
  const inject =
    `<base href="${escapeHtml(config.basePath)}/">` +
    `<script>window.__DAGU__=${JSON.stringify(settings).replace(/</g, "\\u003c")}</script>`;
  let html: string | undefined;
  const gzipped = new Map<string, Uint8Array>();
  const assetsDir = join(root, "assets");

  return {
    page() {
      html ??= readFileSync(join(root, "index.html"), "utf8")
        .replace("<head>", `<head>${inject}`)
        .replace("<title>Dagu</title>", `<title>${escapeHtml(settings.title)}</title>`);
      return new Response(html, { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" } });
    },
    asset(relPath, acceptEncoding) {
      const file = normalize(join(assetsDir, relPath));
      if (!file.startsWith(`${assetsDir}/`) || !existsSync(file)) return undefined;
      const type = contentTypes[extname(file)] ?? "application/octet-stream";
      const headers: Record<string, string> = { "content-type": type, "cache-control": "public, max-age=31536000, immutable" };
      const compressible = type.startsWith("text/") || type.includes("json") || type.includes("svg");
      if (compressible && acceptEncoding?.includes("gzip")) {
        let body = gzipped.get(file);
        if (!body) {
          body = Bun.gzipSync(readFileSync(file));
          gzipped.set(file, body);
        }
        return new Response(body, { headers: { ...headers, "content-encoding": "gzip", vary: "accept-encoding" } });
      }
      return new Response(Bun.file(file), { headers });
    },
  };
}
