/**
 * The dashboard in a real browser against the real binary: today's counts by status match the
 * runs the test made, the timeline has one bar per run (tooltip on hover, click opens the
 * run), failures are listed under "needs attention", status cards open the filtered run list,
 * and a run started while the page is open appears and finishes without a reload (event
 * stream). Also the README screenshots (light and dark).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { DaguClient } from "../../../src/client/api-client.ts";
import { chromiumPath, openUi, screenshot, type UiSession } from "./browser-harness.ts";

const dags: Record<string, string> = {
  "etl-orders": "description: Load yesterday's orders into the warehouse\ntags: [etl]\nsteps:\n  - command: sleep 1.2\n  - command: echo loaded\n",
  "report-sales": "description: Daily sales report\ntags: [reporting]\nsteps:\n  - command: sleep 0.6\n",
  "backup-db": "description: Dump the main database\ntags: [ops]\nsteps:\n  - command: sleep 0.8\n",
  "sync-crm": "description: Push contacts to the CRM\ntags: [etl]\nsteps:\n  - command: sleep 0.3\n  - command: exit 3\n",
  "ml-train": "description: Retrain the ranking model\ntags: [ml]\nsteps:\n  - command: sleep 2\n",
  "cleanup-tmp": "description: Remove old temp files\ntags: [ops]\nsteps:\n  - command: sleep 0.4\n",
  "long-task": "steps:\n  - command: sleep 7\n",
};

const finalStatuses = new Set([2, 3, 4, 6, 8]);

async function waitFinal(client: DaguClient, name: string, id: string): Promise<number> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const s = (await client.getDAGRunDetails(name, id)).dagRunDetails.status;
      if (finalStatuses.has(s)) return s;
    } catch {
      // Not recorded yet.
    }
    if (Date.now() > deadline) throw new Error(`run ${name}/${id} did not finish`);
    await Bun.sleep(100);
  }
}

async function run(client: DaguClient, name: string): Promise<{ name: string; id: string; status: number }> {
  const { dagRunId } = await client.executeDAG(name);
  return { name, id: dagRunId, status: await waitFinal(client, name, dagRunId) };
}

describe.skipIf(!chromiumPath)("dashboard", () => {
  let ui: UiSession;
  let runs: { name: string; id: string; status: number }[] = [];

  beforeAll(async () => {
    ui = await openUi({ dags });
    const c = ui.server.client;
    // Staggered, so the timeline shows overlapping and sequential bars.
    const first = await Promise.all([run(c, "etl-orders"), (async () => (await Bun.sleep(300), run(c, "report-sales")))()]);
    const second = await Promise.all([run(c, "sync-crm"), run(c, "backup-db"), run(c, "ml-train")]);
    const third = await Promise.all([run(c, "report-sales"), run(c, "cleanup-tmp")]);
    runs = [...first, ...second, ...third];
  }, 40_000);
  afterAll(async () => {
    await ui?.close();
  });

  test("counts, one bar per run, tooltip, needs attention, links; screenshots", async () => {
    expect(runs.map((r) => r.status).sort()).toEqual([2, 4, 4, 4, 4, 4, 4]);
    const page = await ui.newPage();
    // ui.errors has only the console text of a failed request; print its URL too.
    page.on("response", (r) => {
      if (r.status() >= 400) console.log("HTTP", r.status(), r.url());
    });
    await page.goto("/");
    await page.getByTestId("status-cards").waitFor();
    const count = async (id: string): Promise<string> => (await page.getByTestId(id).getByTestId("count-value").textContent()) ?? "";
    expect(await count("count-total")).toBe("7");
    expect(await count("count-succeeded")).toBe("6");
    expect(await count("count-failed")).toBe("1");
    expect(await count("count-running")).toBe("0");
    expect(await count("count-aborted")).toBe("0");

    const bars = page.getByTestId("gantt-bar");
    expect(await bars.count()).toBe(7);
    const keys = await bars.evaluateAll((els) => els.map((e) => e.getAttribute("data-run")));
    expect(keys.sort()).toEqual(runs.map((r) => `${r.name}/${r.id}`).sort());
    // 6 lanes: report-sales ran twice.
    expect(await page.getByTestId("gantt-lane").count()).toBe(6);
    // Bars sit inside the chart and have a width.
    const box = await bars.first().boundingBox();
    expect(box && box.width >= 3).toBe(true);

    const failed = runs.find((r) => r.status === 2);
    if (!failed) throw new Error("no failed run");
    const failedBar = page.locator(`[data-testid="gantt-bar"][data-run="${failed.name}/${failed.id}"]`);
    expect(await failedBar.getAttribute("class")).toContain("st-failed");
    await failedBar.hover();
    const tip = page.getByTestId("gantt-tooltip");
    await tip.waitFor();
    expect(await tip.textContent()).toContain("sync-crm");
    expect(await tip.textContent()).toContain("Failed");
    expect(await tip.textContent()).toContain(failed.id);

    const attention = page.getByTestId("attention-item");
    expect(await attention.count()).toBe(1);
    expect(await attention.first().getAttribute("data-run")).toBe(`${failed.name}/${failed.id}`);

    // Whole-day axis keeps every bar.
    await page.getByTestId("gantt-day").click();
    expect(await bars.count()).toBe(7);
    await page.getByTestId("gantt-fit").click();

    await page.mouse.move(0, 0);
    await screenshot(page, "dashboard");
    const dark = await ui.newPage({ dark: true });
    await dark.goto("/");
    await dark.getByTestId("gantt-bar").first().waitFor();
    await screenshot(dark, "dashboard-dark");
    await dark.context().close();

    // A status card opens the run list filtered by that status.
    await page.getByTestId("count-failed").click();
    await page.waitForURL((u) => u.pathname === "/dag-runs" && u.searchParams.get("status") === "2");
    await page.goBack();
    // A bar opens its run; so does the needs-attention link.
    await page.locator(`[data-testid="gantt-bar"][data-run="${failed.name}/${failed.id}"]`).click();
    await page.waitForURL(`**/dag-runs/${failed.name}/${failed.id}`);
    await page.goBack();
    await page.getByTestId("attention-item").getByRole("link", { name: "sync-crm" }).click();
    await page.waitForURL(`**/dag-runs/${failed.name}/${failed.id}`);
    await page.context().close();
    expect(ui.errors).toEqual([]);
  });

  test("a run started while the page is open appears, runs and finishes without a reload", async () => {
    const page = await ui.newPage();
    await page.goto("/");
    await page.getByTestId("gantt-bar").first().waitFor();
    const before = await page.getByTestId("gantt-bar").count();
    const { dagRunId } = await ui.server.client.executeDAG("long-task");
    const bar = page.locator(`[data-testid="gantt-bar"][data-run="long-task/${dagRunId}"]`);
    // Appears as running (striped, growing), counted under Running.
    await page.locator(`[data-testid="gantt-bar"][data-run="long-task/${dagRunId}"][data-status="1"]`).waitFor({ timeout: 10_000 });
    expect(await bar.getAttribute("class")).toContain("gantt-live");
    expect(await page.getByTestId("count-running").getByTestId("count-value").textContent()).toBe("1");
    const w1 = (await bar.boundingBox())?.width ?? 0;
    // The bar grows with the clock while the run is going.
    await page.waitForFunction(`(document.querySelector('[data-run="long-task/${dagRunId}"]')?.getBoundingClientRect().width ?? 0) > ${w1 + 2}`, undefined, { timeout: 5000 });
    // Then finishes.
    await page.locator(`[data-testid="gantt-bar"][data-run="long-task/${dagRunId}"][data-status="4"]`).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId("gantt-bar").count()).toBe(before + 1);
    expect(await page.getByTestId("count-running").getByTestId("count-value").textContent()).toBe("0");
    expect(await page.getByTestId("count-succeeded").getByTestId("count-value").textContent()).toBe("7");
    expect(await bar.getAttribute("class")).not.toContain("gantt-live");
    await page.context().close();
    expect(ui.errors).toEqual([]);
  }, 30_000);

  test("phone width: nothing overflows the viewport", async () => {
    const page = await ui.newPage({ width: 390, height: 844 });
    await page.goto("/");
    await page.getByTestId("gantt-bar").first().waitFor();
    const { sw, iw } = (await page.evaluate("({ sw: document.scrollingElement.scrollWidth, iw: window.innerWidth })")) as { sw: number; iw: number };
    expect(sw).toBeLessThanOrEqual(iw);
    await page.context().close();
  });
});
