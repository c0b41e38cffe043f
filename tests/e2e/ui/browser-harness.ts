/**
 * @module tests/e2e/ui/browser-harness
 * Real-browser tests of the web UI: headless Chromium (Debian `chromium`, driven by
 * playwright-core) against `dist/dagu start-all` on 127.0.0.1 (tests/e2e/server-harness.ts).
 * `chromiumPath` is undefined when no Chromium is installed; test files skip then (.ci/run
 * installs it). `screenshot` writes docs/screenshots/<name>.png for the README.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { type ServerHandle, type StartOptions, startServer } from "../server-harness.ts";

export const chromiumPath = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].find((p) => existsSync(p));

const screenshotDir = join(import.meta.dir, "../../../docs/screenshots");

export interface UiSession {
  readonly server: ServerHandle;
  readonly browser: Browser;
  /** A new page (1280×800 unless told), with console errors collected in `errors`. */
  newPage(opts?: { width?: number; height?: number; dark?: boolean }): Promise<Page>;
  /** Uncaught page errors and console errors seen so far (a test asserts this stays empty). */
  readonly errors: string[];
  close(): Promise<void>;
}

export async function openUi(opts: StartOptions = {}): Promise<UiSession> {
  if (!chromiumPath) throw new Error("no chromium installed");
  const { chromium } = await import("playwright-core");
  const server = await startServer(opts);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
  const errors: string[] = [];
  return {
    server,
    browser,
    errors,
    async newPage(p = {}) {
      const context = await browser.newContext({
        viewport: { width: p.width ?? 1280, height: p.height ?? 800 },
        colorScheme: p.dark ? "dark" : "light",
        baseURL: server.base,
      });
      const page = await context.newPage();
      page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(`console: ${m.text()}`);
      });
      page.setDefaultTimeout(15_000);
      return page;
    },
    async close() {
      await browser.close();
      await server.stop();
    },
  };
}

/** Save a full-page screenshot as docs/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: false });
}
