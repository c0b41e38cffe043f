/**
 * Every route of the web UI at desktop (1280×800) and phone (390×844) size, in the light and
 * the dark theme, against a small seeded state (two DAGs, one finished run): no console or page
 * errors, the document never scrolls sideways (wide content must scroll inside its own box),
 * and every page has an h1. Failures are collected per route so one run names all of them.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { chromiumPath, openUi, type UiSession } from "./browser-harness.ts";

const dags = {
  hello: "description: Prints a greeting\nparams: WHO=world\nsteps:\n  - name: greet\n    command: echo hello ${WHO}\n  - name: done\n    command: echo done\n    depends: greet\n",
  "a-dag-with-a-rather-long-name-to-test-wrapping": "schedule: \"0 3 * * *\"\ntags: [nightly, reports]\nsteps:\n  - name: a-step-with-a-long-name-that-should-not-push-the-page-sideways\n    command: echo a command line that is fairly long and keeps going for a while to test the layout of long text\n",
};

const sizes = [
  { label: "desktop", width: 1280, height: 800 },
  { label: "phone", width: 390, height: 844 },
] as const;

/** What the page looks like once it has settled (no spinner left, data rendered). */
async function settle(page: Page): Promise<void> {
  await page.locator("h1").first().waitFor();
  await page.waitForFunction("document.querySelectorAll('.spinner').length === 0", undefined, { timeout: 10_000 }).catch(() => undefined);
  // One more frame so late layout (fonts, images, SVG sizing) is included in the measure.
  await page.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))");
}

describe.skipIf(!chromiumPath)("every route: no errors, no sideways scroll, an h1", () => {
  let ui: UiSession;
  let routes: string[] = [];
  beforeAll(async () => {
    ui = await openUi({ dags });
    const { dagRunId } = await ui.server.client.executeDAG("hello", {});
    const deadline = Date.now() + 15_000;
    for (;;) {
      const { dagRunDetails } = await ui.server.client.getDAGRunDetails("hello", dagRunId);
      if (dagRunDetails.status === 4) break;
      if (Date.now() > deadline) throw new Error(`seed run did not finish (status ${dagRunDetails.status})`);
      await Bun.sleep(100);
    }
    routes = ["/", "/dags", "/dags/hello", "/dags/hello/history", "/dags/hello/spec", "/dag-runs", `/dag-runs/hello/${dagRunId}`, "/queues", "/search?q=echo", "/system"];
  });
  afterAll(async () => {
    await ui?.close();
  });

  for (const size of sizes) {
    for (const dark of [false, true]) {
      test(`${size.label} ${size.width}×${size.height}, ${dark ? "dark" : "light"}`, async () => {
        const page = await ui.newPage({ width: size.width, height: size.height, dark });
        const problems: string[] = [];
        for (const route of routes) {
          const before = ui.errors.length;
          await page.goto(route);
          await settle(page);
          const theme = await page.locator("html").getAttribute("data-theme");
          if (theme !== (dark ? "dark" : "light")) problems.push(`${route}: theme ${theme}`);
          const h1 = await page.locator("h1").count();
          if (h1 < 1) problems.push(`${route}: no h1`);
          const { scrollWidth, innerWidth } = (await page.evaluate("({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })")) as {
            scrollWidth: number;
            innerWidth: number;
          };
          if (scrollWidth > innerWidth) {
            const culprit = await page.evaluate(
              // The outermost element sticking out that no scroll box of its own contains.
              `(() => {
                const w = window.innerWidth;
                const clipped = (e) => { for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) if (getComputedStyle(p).overflowX !== "visible") return true; return false; };
                const el = [...document.querySelectorAll("body *")].find((e) => e.getBoundingClientRect().right > w + 1 && getComputedStyle(e).position !== "fixed" && !clipped(e));
                return el ? el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "") : "?";
              })()`,
            );
            problems.push(`${route}: document ${scrollWidth}px wide in a ${innerWidth}px window (first wide element: ${culprit})`);
          }
          for (const e of ui.errors.slice(before)) problems.push(`${route}: ${e}`);
        }
        await page.context().close();
        expect(problems).toEqual([]);
      }, 60_000);
    }
  }
});
