/**
 * The Queues, Search and System pages in a real browser against the compiled binary:
 * a run queued behind a DAG's `maxActiveRuns: 1` is listed on /queues, its Dequeue button
 * removes it, and the end of the running one reaches the page over the run-event stream; search finds a step command, highlights it and links to the DAG; the system page
 * shows the scheduler running and the server's and UI's version. Also the README screenshots.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chromiumPath, openUi, screenshot, type UiSession } from "./browser-harness.ts";

const dags = {
  // One run at a time: a second one waits in the DAG's own queue while the first sleeps.
  slow: "description: Long job, one at a time\nmaxActiveRuns: 1\nsteps:\n  - name: wait\n    command: sleep 30\n",
  greet: "description: Says hello\nsteps:\n  - name: say-hello\n    command: echo findme-token-42\n  - name: bye\n    command: echo bye\n    depends: say-hello\n",
};

/** Poll `check` until it holds (server-side state the page does not show yet). */
async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await Bun.sleep(100);
  }
}

describe.skipIf(!chromiumPath)("queues, search and system pages", () => {
  let ui: UiSession;
  beforeAll(async () => {
    ui = await openUi({ dags });
  });
  afterAll(async () => {
    await ui?.close();
  });

  test("queues: a queued run is listed with links and utilisation, Dequeue removes it, the page follows run events", async () => {
    const client = ui.server.client;
    await client.executeDAG("slow", { dagRunId: "long1" });
    await until(async () => (await client.listQueues()).summary.totalRunning === 1);
    await client.enqueueDAGDAGRun("slow", { dagRunId: "waiting1" });

    const page = await ui.newPage();
    const streams: string[] = [];
    page.on("request", (r) => {
      if (r.url().includes("/events/")) streams.push(new URL(r.url()).pathname);
    });
    await page.goto("/queues");
    const running = page.locator('[data-testid="running-run"][data-run-id="long1"]');
    const queued = page.locator('[data-testid="queued-run"][data-run-id="waiting1"]');
    await queued.waitFor();
    await running.waitFor();

    const card = page.locator('[data-testid="queue"][data-queue="slow"]');
    expect(await card.getByTestId("queue-util").getAttribute("aria-valuenow")).toBe("100");
    expect(await queued.getByRole("link", { name: "slow" }).getAttribute("href")).toMatch(/\/dags\/slow$/);
    expect(await queued.getByRole("link", { name: "waiting1" }).getAttribute("href")).toMatch(/\/dag-runs\/slow\/waiting1$/);
    expect(await page.getByTestId("sum-queued").textContent()).toBe("1");
    expect(await page.getByTestId("sum-running").textContent()).toBe("1");
    await screenshot(page, "queues");

    await queued.getByTestId("dequeue").click();
    await queued.waitFor({ state: "detached" });
    await page.getByTestId("toast").filter({ hasText: "Dequeued waiting1" }).waitFor();
    expect((await client.listQueues()).summary.totalQueued).toBe(0);
    // Dequeued runs are removed, not kept as a record.
    expect(await client.getDAGRunDetails("slow", "waiting1").then(() => "found", (e: { status?: number }) => e.status)).toBe(404);
    expect(await running.isVisible()).toBe(true);

    // Stopping the run is reported on the run-event stream; the page refetches without a reload.
    expect(streams).toContain("/api/v2/events/dag-runs");
    await client.terminateDAGRun("slow", "long1");
    await page.getByTestId("queues-empty").waitFor();
    expect(ui.errors).toEqual([]);
  }, 40_000);

  test("search: finds a step command, highlights it, keeps ?q= in the URL, links to the DAG", async () => {
    const page = await ui.newPage({ dark: true });
    await page.goto("/search");
    await page.getByTestId("search-input").fill("FINDME-token");
    await page.waitForURL(/\?q=FINDME-token$/);
    const result = page.locator('[data-testid="search-result"][data-dag="greet"]');
    await result.waitFor();
    expect(await page.getByTestId("search-result").count()).toBe(1);
    const match = result.getByTestId("search-match");
    expect(await match.getAttribute("data-line")).toBe("4");
    // Case-insensitive, as the server matches; the mark holds the text as written in the file.
    expect(await match.locator(".search-line.hit mark").textContent()).toBe("findme-token");
    expect(await match.locator(".search-line.hit").textContent()).toContain("command: echo findme-token-42");
    await screenshot(page, "search");

    // The query survives a reload (it lives in the URL).
    await page.reload();
    await result.waitFor();
    expect(await page.getByTestId("search-input").inputValue()).toBe("FINDME-token");

    await result.getByTestId("search-dag-link").click();
    await page.waitForURL(/\/dags\/greet$/);

    await page.goto("/search?q=zz-no-such-text");
    await page.getByTestId("search-none").waitFor();
    expect(await page.getByTestId("search-result").count()).toBe(0);
    expect(ui.errors).toEqual([]);
  });

  test("system: scheduler running, server and UI version, OpenAPI and metrics links", async () => {
    const health = await ui.server.client.getHealthStatus();
    const page = await ui.newPage();
    await page.goto("/system");
    await page.getByTestId("scheduler-state").filter({ hasText: "Running" }).waitFor();
    expect(await page.getByTestId("scheduler-instance").count()).toBe(1);
    expect(await page.getByTestId("server-version").textContent()).toBe(health.version);
    expect(await page.getByTestId("ui-version").textContent()).toBe(health.version);
    expect(await page.getByTestId("health-status").textContent()).toBe("Healthy");
    expect(await page.getByTestId("coordinator-state").textContent()).toBe("Not running");
    await page.getByTestId("workers-empty").waitFor();
    expect(await page.getByTestId("version-mismatch").count()).toBe(0);

    const openapi = await page.getByTestId("openapi-link").getAttribute("href");
    const metrics = await page.getByTestId("metrics-link").getAttribute("href");
    expect(openapi).toBe(`${ui.server.api}/openapi.json`);
    expect(metrics).toBe(`${ui.server.api}/metrics`);
    const doc = (await (await fetch(openapi as string)).json()) as { openapi?: string };
    expect(doc.openapi).toMatch(/^3\./);
    expect(await (await fetch(metrics as string)).text()).toContain("dagu_scheduler_running 1");
    await screenshot(page, "system");
    expect(ui.errors).toEqual([]);
  });
});
