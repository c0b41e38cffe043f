/**
 * The run list in a real browser against the real binary: `?status=N` from the URL (the
 * dashboard's links), the status select and the name and run-id filters keep the URL in
 * sync and narrow the rows, a run started while the page is open appears without a reload
 * and its row turns final live, and a row links to its run page. Screenshot for the README.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { waitFinal } from "../server-harness.ts";
import { chromiumPath, openUi, screenshot, type UiSession } from "./browser-harness.ts";

const dags: Record<string, string> = {
  alpha: "params: WHO=world\nsteps:\n  - command: echo hello $WHO\n",
  beta: "steps:\n  - command: sh -c 'exit 1'\n",
  gamma: "steps:\n  - command: sleep 2\n",
};

/** Wait until the list shows `n` rows (and `otherCount` rows matching `other`). */
async function waitRows(page: Page, n: number, other?: string, otherCount = 0): Promise<void> {
  const rows = '[data-testid="run-row"]';
  const cond = other ? ` && document.querySelectorAll(${JSON.stringify(other)}).length === ${otherCount}` : "";
  await page.waitForFunction(`document.querySelectorAll(${JSON.stringify(rows)}).length === ${n}${cond}`);
}

async function rowNames(page: Page): Promise<string[]> {
  const rows = page.getByTestId("run-row");
  const out: string[] = [];
  for (let i = 0; i < (await rows.count()); i++) out.push((await rows.nth(i).getAttribute("data-name")) ?? "");
  return out;
}

describe.skipIf(!chromiumPath)("run list", () => {
  let ui: UiSession;
  const ids: Record<string, string[]> = { alpha: [], beta: [] };
  beforeAll(async () => {
    ui = await openUi({ dags });
    for (const name of ["alpha", "beta", "alpha"] as const) {
      const id = (await ui.server.client.executeDAG(name)).dagRunId;
      ids[name]?.push(id);
      await waitFinal(ui.server.api, name, id);
    }
  });
  afterAll(async () => {
    await ui?.close();
  });

  test("filters by status (from the URL and the select) and by name; the URL follows", async () => {
    const page = await ui.newPage();
    await page.goto("/dag-runs?status=2");
    await page.getByTestId("run-table").waitFor();
    expect(await rowNames(page)).toEqual(["beta"]);
    expect(await page.getByTestId("filter-status").inputValue()).toBe("2");

    await page.getByTestId("filter-status").selectOption("4");
    await page.waitForURL(/status=4/);
    await waitRows(page, 2, '[data-testid="run-row"]:not([data-status="4"])', 0);
    expect(await rowNames(page)).toEqual(["alpha", "alpha"]);

    await page.getByTestId("filter-status").selectOption("");
    await waitRows(page, 3);
    expect(page.url()).not.toContain("status=");

    await page.getByTestId("filter-name").fill("bet");
    await page.waitForURL(/name=bet/);
    await waitRows(page, 1);
    expect(await rowNames(page)).toEqual(["beta"]);

    // A run id filter, on top of a cleared name filter.
    await page.getByTestId("filter-clear").click();
    await waitRows(page, 3);
    const firstAlpha = ids["alpha"]?.[0] ?? "";
    await page.getByTestId("filter-id").fill(firstAlpha);
    await page.waitForURL(/id=/);
    await waitRows(page, 1);
    expect(await page.getByTestId("run-row").getAttribute("data-run-id")).toBe(firstAlpha);

    // A date range that ends before today lists nothing.
    await page.goto("/dag-runs?to=2000-01-01");
    await page.getByText("No runs match these filters.").waitFor();
    expect(ui.errors).toEqual([]);
  }, 30_000);

  test("a new run appears live and turns final; a row opens its run page", async () => {
    const page = await ui.newPage();
    await page.goto("/dag-runs");
    await page.getByTestId("run-table").waitFor();
    const before = await page.getByTestId("run-row").count();
    const id = (await ui.server.client.executeDAG("gamma")).dagRunId;
    const row = page.locator(`[data-testid="run-row"][data-run-id="${id}"]`);
    await row.waitFor();
    expect(await page.getByTestId("run-row").count()).toBe(before + 1);
    await page.locator(`[data-testid="run-row"][data-run-id="${id}"][data-status="4"]`).waitFor({ timeout: 20_000 });
    await screenshot(page, "run-list");
    await row.getByTestId("run-link").click();
    await page.waitForURL(`**/dag-runs/gamma/${id}`);
    await page.getByTestId("run-page").waitFor();
    expect(ui.errors).toEqual([]);
  }, 40_000);
});
