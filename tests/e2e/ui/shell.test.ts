/**
 * The UI's frame in a real browser: the compiled binary serves the embedded app, deep links
 * load it (SPA fallback), navigation routes on the client, the theme switch persists, and the
 * menu works at phone width. Also the first-load bundle size (gzipped, as served).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chromiumPath, openUi, type UiSession } from "./browser-harness.ts";

describe.skipIf(!chromiumPath)("web UI shell", () => {
  let ui: UiSession;
  beforeAll(async () => {
    ui = await openUi({ dags: { hello: "steps:\n  - command: echo hello\n" } });
  });
  afterAll(async () => {
    await ui?.close();
  });

  test("deep link loads the app; nav links route without a reload; unknown path shows not-found", async () => {
    const page = await ui.newPage();
    await page.goto("/system");
    await page.getByRole("link", { name: "DAGs", exact: true }).click();
    await page.waitForURL("**/dags");
    await page.goto("/no/such/page");
    await page.getByText("Page not found").waitFor();
    expect(ui.errors).toEqual([]);
  });

  test("theme switch sets dark and survives a reload", async () => {
    const page = await ui.newPage();
    await page.goto("/");
    const before = await page.locator("html").getAttribute("data-theme");
    await page.getByTestId("theme-toggle").click();
    const after = await page.locator("html").getAttribute("data-theme");
    expect(after).not.toBe(before);
    await page.reload();
    expect(await page.locator("html").getAttribute("data-theme")).toBe(after);
  });

  test("phone width: the menu button opens the navigation", async () => {
    const page = await ui.newPage({ width: 390, height: 844 });
    await page.goto("/");
    const nav = page.locator("nav.sidebar");
    expect(await nav.isVisible()).toBe(false);
    await page.getByRole("button", { name: "Menu" }).click();
    expect(await nav.isVisible()).toBe(true);
    await page.getByRole("link", { name: "Queues" }).click();
    await page.waitForURL("**/queues");
    expect(await nav.isVisible()).toBe(false);
  });

  test("initial JS as served (gzip) is within 150 KB", async () => {
    const html = await (await fetch(`${ui.server.base}/`)).text();
    const scripts = [...html.matchAll(/src="\.\/(assets\/[^"]+\.js)"/g)].map((m) => m[1] as string);
    expect(scripts.length).toBeGreaterThan(0);
    let total = 0;
    for (const s of scripts) {
      const r = await fetch(`${ui.server.base}/${s}`, { headers: { "accept-encoding": "gzip" }, decompress: false } as RequestInit);
      expect(r.headers.get("content-encoding")).toBe("gzip");
      total += (await r.arrayBuffer()).byteLength;
    }
    console.log(`initial JS: ${(total / 1024).toFixed(1)} KB gzipped`);
    expect(total).toBeLessThan(150 * 1024);
  });
});
