/**
 * The run page in a real browser against the real binary: a step's log read live (line 1
 * shows before the step finishes, line 2 arrives later without a reload), stdout vs stderr
 * tabs, the download of a log, Stop of a long run, Retry of a failed run, outputs, sub-DAG
 * links from parent to child and back, and graph node selection. Screenshots for the README.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { waitFinal } from "../server-harness.ts";
import { chromiumPath, openUi, screenshot, type UiSession } from "./browser-harness.ts";

const flags = mkdtempSync(join(tmpdir(), "dagu-ui-run-"));
const releaseFlag = join(flags, "release");
const fixFlag = join(flags, "fixed");
const childFlag = join(flags, "child");

const dags: Record<string, string> = {
  talk: `steps:
  - name: talk
    script: |
      echo line-one
      echo err-one >&2
      while [ ! -f ${releaseFlag} ]; do sleep 0.1; done
      echo line-two
`,
  long: `steps:
  - name: wait
    command: sleep 120
  - name: after
    command: echo never
    depends: wait
`,
  flaky: `steps:
  - name: check
    command: test -f ${fixFlag}
  - name: done
    command: echo fixed
    depends: check
`,
  outs: `steps:
  - name: greet
    command: echo hello-out
    output: GREETING
  - name: count
    command: echo 42
    output: ANSWER
    depends: greet
`,
  parent: `steps:
  - name: prep
    command: echo prep
  - name: call-child
    call: child
    params: "X=7"
    depends: prep
handlerOn:
  exit:
    command: echo bye
`,
  child: `params: X=0
steps:
  - name: c1
    script: |
      echo child $X
      while [ ! -f ${childFlag} ]; do sleep 0.1; done
      echo child-done
`,
  nap: `steps:
  - name: ok
    command: "true"
  - name: nap
    command: sleep 10
    timeoutSec: 1
    depends: ok
`,
  big: `steps:
  - name: many
    script: seq 1 1200
`,
  single: `maxActiveRuns: 1
steps:
  - name: hold
    command: sleep 30
`,
  pipeline: `params: ENV=staging
steps:
  - name: checkout
    command: echo checkout
  - name: build
    script: |
      for i in $(seq 1 40); do echo "compiling module $i"; done
    depends: checkout
  - name: unit-tests
    command: echo tests ok
    depends: build
  - name: lint
    command: echo lint ok
    depends: checkout
  - name: package
    command: echo packaged
    output: ARTIFACT
    depends: [unit-tests, lint]
  - name: deploy
    command: sh -c "echo deploying; exit 3"
    depends: package
handlerOn:
  failure:
    command: echo notify
`,
};

async function start(ui: UiSession, name: string): Promise<string> {
  return (await ui.server.client.executeDAG(name)).dagRunId;
}

async function waitFor(cond: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await Bun.sleep(100);
  }
}

async function statusOf(page: Page): Promise<number> {
  return Number(await page.getByTestId("run-page").getAttribute("data-status"));
}

async function waitStatus(page: Page, code: number, timeout = 20_000): Promise<void> {
  await page.locator(`[data-testid="run-page"][data-status="${code}"]`).waitFor({ timeout });
}

describe.skipIf(!chromiumPath)("run page", () => {
  let ui: UiSession;
  beforeAll(async () => {
    ui = await openUi({ dags });
  });
  afterAll(async () => {
    await ui?.close();
    rmSync(flags, { recursive: true, force: true });
  });

  test("a running step's log is tailed live; stdout/stderr tabs; download", async () => {
    const id = await start(ui, "talk");
    const page = await ui.newPage();
    page.on("dialog", (d) => void d.accept());
    await page.goto(`/dag-runs/talk/${id}?step=talk`);
    const log = page.getByTestId("log-text");
    await page.getByTestId("log-text").filter({ hasText: "line-one" }).waitFor();
    // The step is still blocked: line 2 is not there yet, the run is running.
    expect(await log.textContent()).not.toContain("line-two");
    expect(await statusOf(page)).toBe(1);
    expect(await page.getByTestId("log-info").textContent()).toContain("live");
    writeFileSync(releaseFlag, "");
    await page.getByTestId("log-text").filter({ hasText: "line-two" }).waitFor();
    await waitStatus(page, 4);
    expect(await page.locator('[data-testid="run-step-row"][data-step="talk"] [data-testid="run-step-status"]').textContent()).toBe("Succeeded");
    const text = (await log.textContent()) ?? "";
    expect(text.indexOf("line-one")).toBeLessThan(text.indexOf("line-two"));
    expect(text).not.toContain("err-one");

    await page.getByTestId("log-tab-stderr").click();
    await page.getByTestId("log-text").filter({ hasText: "err-one" }).waitFor();
    expect(await log.textContent()).not.toContain("line-one");
    expect(page.url()).toContain("log=stderr");

    await page.getByTestId("log-tab-stdout").click();
    await page.getByTestId("log-text").filter({ hasText: "line-two" }).waitFor();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("log-download").click()]);
    expect(download.suggestedFilename()).toBe("talk.stdout.log");
    const path = await download.path();
    expect(readFileSync(path, "utf8")).toBe("line-one\nline-two\n");

    // The run's own log.
    await page.getByTestId("log-tab-run").click();
    await page.getByTestId("log-text").filter({ hasText: "DAG run finished" }).waitFor();
    expect(ui.errors).toEqual([]);
  }, 40_000);

  test("Stop aborts a long run", async () => {
    const id = await start(ui, "long");
    const page = await ui.newPage();
    page.on("dialog", (d) => void d.accept());
    await page.goto(`/dag-runs/long/${id}`);
    await waitStatus(page, 1);
    const duration = page.getByTestId("run-duration");
    const d1 = await duration.textContent();
    // The duration ticks while the run goes on.
    await page.getByTestId("run-duration").filter({ hasNotText: d1 ?? "" }).waitFor();
    await page.getByTestId("run-stop").click();
    await waitStatus(page, 3);
    expect(await page.getByTestId("run-status").textContent()).toBe("Aborted");
    expect(await page.getByTestId("run-stop").count()).toBe(0);
    expect(await page.getByTestId("run-retry").isVisible()).toBe(true);
    expect(ui.errors).toEqual([]);
  }, 30_000);

  test("Retry turns a failed run into a succeeded one", async () => {
    const id = await start(ui, "flaky");
    await waitFinal(ui.server.api, "flaky", id);
    const page = await ui.newPage();
    page.on("dialog", (d) => void d.accept());
    await page.goto(`/dag-runs/flaky/${id}`);
    await waitStatus(page, 2);
    expect(await page.locator('[data-testid="run-step-row"][data-step="check"] [data-testid="run-step-status"]').textContent()).toBe("Failed");
    expect(await page.locator('[data-testid="run-step-row"][data-step="check"]').textContent()).toContain("exit");
    writeFileSync(fixFlag, "");
    await page.getByTestId("run-retry").click();
    await waitStatus(page, 4);
    expect(await page.locator('[data-testid="run-step-row"][data-step="done"] [data-testid="run-step-status"]').textContent()).toBe("Succeeded");

    // Retry one step: the request names it, the run goes again and ends succeeded.
    const sent: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST" && r.url().endsWith("/retry")) sent.push(r.postData() ?? "");
    });
    const row = page.locator('[data-testid="run-step-row"][data-step="done"]');
    await row.hover();
    await row.getByTestId("run-step-retry").click();
    await page.getByTestId("toast").filter({ hasText: "Retrying step done" }).waitFor();
    expect(sent.map((b) => JSON.parse(b) as unknown)).toEqual([{ dagRunId: id, stepName: "done" }]);
    await waitStatus(page, 4);
    expect(ui.errors).toEqual([]);
  }, 30_000);

  test("exit codes come from the run record (a timed-out step: 124)", async () => {
    const id = await start(ui, "nap");
    await waitFinal(ui.server.api, "nap", id);
    const page = await ui.newPage();
    await page.goto(`/dag-runs/nap/${id}`);
    await waitStatus(page, 2);
    const exit = (step: string): Promise<string | null> => page.locator(`[data-testid="run-step-row"][data-step="${step}"] [data-testid="run-step-exit"]`).textContent();
    expect(await exit("ok")).toBe("0");
    expect(await exit("nap")).toBe("124");
    expect(ui.errors).toEqual([]);
  }, 20_000);

  test("outputs are listed", async () => {
    const id = await start(ui, "outs");
    await waitFinal(ui.server.api, "outs", id);
    const page = await ui.newPage();
    await page.goto(`/dag-runs/outs/${id}`);
    await page.getByTestId("run-outputs").waitFor();
    const rows = await page.getByTestId("run-output-row").allTextContents();
    // Dagu stores output names camel-cased (GREETING → greeting).
    expect(rows).toEqual(["answer42", "greetinghello-out"]);

    // Reschedule: a new run of the same DAG, and the page moves to it.
    page.on("dialog", (d) => void d.accept());
    await page.getByTestId("run-reschedule").click();
    await page.waitForURL((u) => u.pathname.startsWith("/dag-runs/outs/") && !u.pathname.endsWith(id));
    await waitStatus(page, 4);
    expect(ui.errors).toEqual([]);
  }, 20_000);

  test("sub-DAG: a live child run is polled; child → parent → child links; graph selects steps", async () => {
    const id = await start(ui, "parent");
    // The parent names its child as soon as the child starts: the live parent page links it.
    const page = await ui.newPage();
    await page.goto(`/dag-runs/parent/${id}`);
    const live = page.locator('[data-testid="run-step-row"][data-step="call-child"] [data-testid="run-sub-link"]');
    await live.waitFor();
    expect(await statusOf(page)).toBe(1);
    const childId = new URL(await live.getAttribute("href") ?? "", "http://x").searchParams.get("subDAGRunId") ?? "";
    expect(childId).not.toBe("");
    await live.click();
    await page.waitForURL(new RegExp(`subDAGRunId=${childId}`));
    await page.getByTestId("run-dag-link").filter({ hasText: "child" }).waitFor();
    await page.locator('[data-testid="run-step-row"][data-step="c1"]').click();
    expect(await page.getByTestId("run-params").textContent()).toContain("X=7");
    await page.getByTestId("log-text").filter({ hasText: "child 7" }).waitFor();
    expect(await statusOf(page)).toBe(1);
    writeFileSync(childFlag, "");
    // A sub run has no status stream: the page polls it to the end, log included.
    await page.getByTestId("log-text").filter({ hasText: "child-done" }).waitFor();
    await waitStatus(page, 4);

    await page.getByTestId("run-parent-link").click();
    await page.waitForURL((u) => u.pathname.endsWith(`/dag-runs/parent/${id}`) && !u.search.includes("subDAGRunId"));
    await page.getByTestId("run-dag-link").filter({ hasText: "parent" }).waitFor();
    await waitStatus(page, 4);
    // The onExit handler is listed with the steps.
    await page.locator('[data-testid="run-step-row"][data-step="onExit"]').waitFor();
    // Clicking a graph node selects the step and shows its log.
    await page.locator('[data-testid="graph-node"][data-step="prep"]').click();
    expect(await page.getByTestId("run-log-step").textContent()).toBe("prep");
    await page.getByTestId("log-text").filter({ hasText: "prep" }).waitFor();
    // Parent → child by the link on the call step.
    await page.getByTestId("run-sub-link").first().click();
    await page.waitForURL(new RegExp(`subDAGRunId=${childId}`));
    await page.getByTestId("run-dag-link").filter({ hasText: "child" }).waitFor();
    expect(ui.errors).toEqual([]);
  }, 30_000);

  test("a long log shows its tail; Show all shows every line", async () => {
    const id = await start(ui, "big");
    await waitFinal(ui.server.api, "big", id);
    const page = await ui.newPage();
    await page.goto(`/dag-runs/big/${id}?step=many`);
    await page.getByTestId("log-info").filter({ hasText: "lines 701–1200" }).waitFor();
    expect(await page.getByTestId("log-text").textContent()).not.toContain("\n700\n");
    await page.getByTestId("log-toggle-all").click();
    await page.getByTestId("log-info").filter({ hasText: "lines 1–1200" }).waitFor();
    expect((await page.getByTestId("log-text").textContent())?.split("\n").length).toBe(1200);
    expect(ui.errors).toEqual([]);
  }, 20_000);

  test("a queued run can be dequeued", async () => {
    const first = await start(ui, "single");
    await waitFor(async () => (await ui.server.client.getDAGRunDetails("single", first)).dagRunDetails.status === 1);
    const queued = (await ui.server.client.enqueueDAGDAGRun("single")).dagRunId;
    const page = await ui.newPage();
    page.on("dialog", (d) => void d.accept());
    await page.goto(`/dag-runs/single/${queued}`);
    await waitStatus(page, 5);
    await page.getByTestId("run-dequeue").click();
    // Dequeued, the run is gone: the page moves to its DAG.
    await page.waitForURL((u) => u.pathname.endsWith("/dags/single"));
    const gone = await ui.server.client.getDAGRunDetails("single", queued).then(
      () => false,
      () => true,
    );
    expect(gone).toBe(true);
    await ui.server.client.terminateDAGRun("single", first);
    expect(ui.errors).toEqual([]);
  }, 30_000);

  test("screenshots", async () => {
    const id = await start(ui, "pipeline");
    await waitFinal(ui.server.api, "pipeline", id);
    const page = await ui.newPage();
    await page.goto(`/dag-runs/pipeline/${id}?step=deploy`);
    await page.getByTestId("log-text").filter({ hasText: "deploying" }).waitFor();
    await screenshot(page, "run-page");
    await page.locator('[data-testid="run-step-row"][data-step="build"]').click();
    await page.getByTestId("log-text").filter({ hasText: "compiling module 40" }).waitFor();
    // The log card at the top of the view, below the sticky top bar.
    await page.evaluate(`document.querySelector('[data-testid="run-logs"]').scrollIntoView({ block: "start" }); window.scrollBy(0, -64);`);
    await screenshot(page, "run-log");
    expect(existsSync(join(import.meta.dir, "../../../docs/screenshots/run-log.png"))).toBe(true);
    expect(ui.errors).toEqual([]);
  }, 30_000);
});
