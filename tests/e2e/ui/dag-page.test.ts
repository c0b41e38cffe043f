/**
 * The DAG page in a real browser against the real binary: write a spec in the editor (a
 * validation error is listed and its line marked, then fixed and saved with Ctrl+S), start it
 * with a parameter from the start dialog (the step's log has the value), watch the graph turn
 * green live, see the run in the history grid; enqueue + dequeue, stop a long run, retry a
 * failed run after fixing its cause; a DAG with spec errors and a missing DAG; a 120-step
 * graph without overlaps; phone width; and the README screenshots.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { chromiumPath, openUi, screenshot, type UiSession } from "./browser-harness.ts";

const etl = `description: Nightly ETL of orders and users into the warehouse
schedule: "0 2 * * *"
tags: [etl, nightly]
params: DATE=today FAIL=no
type: graph
steps:
  - name: extract
    command: echo extracting $DATE
  - name: fetch-users
    command: echo users
    depends: [extract]
  - name: fetch-orders
    command: echo orders
    depends: [extract]
  - name: clean
    command: echo clean
    depends: [fetch-users, fetch-orders]
  - name: aggregate-daily-revenue-by-region
    command: echo aggregate
    depends: [clean]
  - name: report
    command: test "$FAIL" = no
    depends: [aggregate-daily-revenue-by-region]
  - name: archive
    command: echo archive
    depends: [clean]
  - name: notify
    command: echo notify
    depends: [report, archive]
`;

const slow = "maxActiveRuns: 1\nsteps:\n  - name: wait\n    command: sleep 30\n";
const broken = "steps:\n  - name: a\n    comand: echo\n";
const big = `type: graph\nsteps:\n${Array.from({ length: 120 }, (_, i) => {
  const deps = i === 0 ? [] : [...new Set([Math.floor((i * 7) % i), Math.floor((i * 13 + 5) % i)])].map((d) => `s${d}`);
  return `  - name: s${i}\n    command: "true"\n${deps.length > 0 ? `    depends: [${deps.join(", ")}]\n` : ""}`;
}).join("")}`;

const finalCodes = new Set([2, 3, 4, 6, 8]);

/** The textarea as seen inside `evaluate` (the test's tsconfig has no DOM types). */
interface TextArea {
  value: string;
  selectionStart: number;
  focus(): void;
  blur(): void;
  setSelectionRange(start: number, end: number): void;
}
const allGreen = (count: number): string =>
  `[...document.querySelectorAll("[data-testid=graph-node]")].filter((n) => n.classList.contains("st-succeeded")).length === ${count} && document.querySelectorAll("[data-testid=graph-node]").length === ${count}`;

/** Step nodes of the graph on the page, by status class. */
function nodeClasses(page: Page): Promise<Record<string, string>> {
  return page.evaluate(`Object.fromEntries([...document.querySelectorAll("[data-testid=graph-node]")].map((n) => [n.getAttribute("data-step"), n.getAttribute("class")]))`);
}

describe.skipIf(!chromiumPath)("DAG page", () => {
  let ui: UiSession;
  let flaggedPath = "";
  beforeAll(async () => {
    ui = await openUi({ dags: { etl, slow, broken, big, flaky: "", chain: "steps:\n  - command: echo one\n  - command: echo two\n  - command: echo three\n" } });
    // The flaky step succeeds once this file exists (created by the retry test).
    flaggedPath = join(ui.server.home, "flaky-ok");
    writeFileSync(join(ui.server.dagsDir, "flaky.yaml"), `type: graph\nsteps:\n  - name: check\n    command: test -f ${flaggedPath}\n  - name: after\n    command: echo after\n    depends: [check]\n`);
  });
  afterAll(async () => {
    await ui?.close();
  });

  async function waitRun(name: string, id: string): Promise<number> {
    for (let i = 0; i < 200; i++) {
      const { dagRun } = await ui.server.client.getDAGDAGRunDetails(name, id);
      if (finalCodes.has(dagRun.status)) return dagRun.status;
      await Bun.sleep(100);
    }
    throw new Error(`run ${name}/${id} did not finish`);
  }

  test("write a spec (error listed, line marked, fixed, Ctrl+S), start with a param, graph turns green live, history shows the run", async () => {
    const c = ui.server.client;
    await c.createNewDAG({ name: "greet" });
    const page = await ui.newPage();
    await page.goto("/dags/greet/spec");
    await page.getByTestId("spec-status").filter({ hasText: "saved" }).waitFor();
    const editor = page.getByTestId("spec-textarea");
    expect(await editor.inputValue()).toBe((await c.getDAGSpec("greet")).spec);

    const withError = 'params: NAME=world\ntype: graph\nsteps:\n  - name: hello\n    command: sh -c \'sleep 1.5; echo "hello $NAME"\'\n  - name: bye\n    command: echo bye\n    depends: [missing-step]\n';
    await editor.fill(withError);
    const problem = page.getByTestId("spec-error").filter({ hasText: "missing-step" });
    await problem.waitFor();
    expect(await problem.getAttribute("data-line")).toBe("8");
    expect(await page.locator("[data-testid=gutter-line][data-line='8']").getAttribute("class")).toContain("se-error");
    expect(await page.locator("[data-testid=gutter-line][data-line='7']").getAttribute("class")).not.toContain("se-error");
    expect(await page.getByTestId("spec-save").isDisabled()).toBe(true);
    // Clicking the problem puts the caret on its line and column (8:14).
    await problem.click();
    const caret = await editor.evaluate((t) => (t as unknown as TextArea).selectionStart);
    expect(caret).toBe(withError.split("\n").slice(0, 7).join("\n").length + 1 + 13);

    // Fix it by typing: replace the bad dependency, then a new line keeps the indentation,
    // Shift+Tab/Tab move it by two spaces.
    await editor.evaluate((t) => {
      const ta = t as unknown as TextArea;
      const at = ta.value.indexOf("missing-step");
      ta.focus();
      ta.setSelectionRange(at, at + "missing-step".length);
    });
    await page.keyboard.type("hello");
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Tab");
    await page.keyboard.type("output: BYE");
    const fixed = `${withError.replace("missing-step", "hello")}    output: BYE\n`;
    expect(await editor.inputValue()).toBe(fixed);
    await page.getByTestId("spec-status").filter({ hasText: "unsaved" }).waitFor();
    expect(await page.getByTestId("spec-errors").count()).toBe(0);
    expect(await page.getByTestId("spec-save").isEnabled()).toBe(true);
    await page.keyboard.press("Control+s");
    await page.getByTestId("spec-status").filter({ hasText: "Valid · saved" }).waitFor();
    expect((await c.getDAGSpec("greet")).spec).toBe(fixed);
    expect(await page.getByTestId("spec-save").isDisabled()).toBe(true);

    // The graph shows the saved steps; start with a parameter from the dialog.
    await page.getByTestId("tab-graph").click();
    await page.waitForURL(/\/dags\/greet$/);
    await page.locator("[data-testid=graph-node][data-step=bye]").waitFor();
    expect(Object.keys(await nodeClasses(page)).sort()).toEqual(["bye", "hello"]);
    expect(await page.locator("path.dag-edge[data-from=hello][data-to=bye]").count()).toBe(1);
    await page.getByTestId("action-start").click();
    const nameInput = page.getByTestId("param-NAME");
    expect(await nameInput.inputValue()).toBe("world");
    await nameInput.fill("Playwright tester");
    await page.getByTestId("start-submit").click();
    // Live: hello runs (pulsing), then every node turns green without a reload.
    await page.locator("[data-testid=graph-node][data-step=hello].st-running").waitFor();
    await page.waitForFunction(allGreen(2));
    await page.locator("[data-testid=latest-status][data-status='4']").waitFor();
    const run = (await c.getDAGDetails("greet")).latestDAGRun;
    expect(run.status).toBe(4);
    expect(run.params).toContain("Playwright tester");
    const log = await c.getDAGRunStepLog("greet", run.dagRunId, "hello");
    expect(log.content).toContain("hello Playwright tester");

    // Step details: command, dependencies and a link to the latest run.
    await page.locator("[data-testid=graph-node][data-step=bye]").click();
    await page.getByTestId("step-details").waitFor();
    expect(await page.getByTestId("step-command").textContent()).toBe("echo bye");
    expect(await page.getByTestId("step-depends").textContent()).toContain("hello");
    expect(await page.getByTestId("step-run-link").getAttribute("href")).toContain(`/dag-runs/greet/${run.dagRunId}`);

    // History: the run's column, its status and its steps' cells; a click opens the run page.
    await page.getByTestId("tab-history").click();
    await page.waitForURL(/\/dags\/greet\/history$/);
    const head = page.locator(`[data-testid=history-run][data-run-id='${run.dagRunId}']`);
    await head.waitFor();
    expect(await head.getAttribute("data-status")).toBe("4");
    for (const step of ["hello", "bye"]) {
      expect(await page.locator(`[data-testid=history-cell][data-step=${step}][data-run-id='${run.dagRunId}']`).getAttribute("data-status")).toBe("4");
    }
    expect(await head.getAttribute("title")).toContain("Started");
    expect(await page.locator(`[data-testid=run-row][data-run-id='${run.dagRunId}']`).textContent()).toContain("Playwright tester");
    await page.locator(`[data-testid=history-cell][data-step=bye][data-run-id='${run.dagRunId}']`).click();
    await page.waitForURL(new RegExp(`/dag-runs/greet/${run.dagRunId}$`));
    expect(ui.errors).toEqual([]);
  }, 40_000);

  test("enqueue + dequeue, restart, stop a long-running run from the page; suspend switch", async () => {
    const c = ui.server.client;
    const page = await ui.newPage();
    await page.goto("/dags/slow");
    await page.getByTestId("action-start").click();
    await page.getByTestId("start-submit").click();
    await page.locator("[data-testid=graph-node][data-step=wait].st-running").waitFor();
    await page.locator("[data-testid=latest-status][data-status='1']").waitFor();
    const running = (await c.getDAGDetails("slow")).latestDAGRun.dagRunId;

    // A second run waits on the DAG's queue (maxActiveRuns: 1) and can be taken off it.
    await page.getByTestId("action-enqueue").click();
    await page.getByTestId("run-id-input").fill("queued-from-ui");
    await page.getByTestId("start-submit").click();
    await page.locator("[data-testid=latest-status][data-status='5']").waitFor();
    expect((await c.getDAGRunDetails("slow", "queued-from-ui")).dagRunDetails.status).toBe(5);
    await page.getByTestId("action-dequeue").click();
    await page.locator("[data-testid=latest-status][data-status='1']").waitFor();
    expect(await page.getByTestId("action-dequeue").count()).toBe(0);
    const gone = await c.getDAGRunDetails("slow", "queued-from-ui").then(
      () => "still there",
      (e: unknown) => String(e),
    );
    expect(gone).toContain("not found");

    // Restart: the running run is stopped and a new one starts (same params).
    await page.getByTestId("action-restart").click();
    await page.waitForFunction(`(() => { const el = document.querySelector("[data-testid=latest-status] a"); return el && el.getAttribute("title") !== ${JSON.stringify(running)}; })()`);
    await page.locator("[data-testid=latest-status][data-status='1']").waitFor();
    expect((await c.getDAGRunDetails("slow", running)).dagRunDetails.status).toBe(3);
    const restarted = (await c.getDAGDetails("slow")).latestDAGRun.dagRunId;
    expect(restarted).not.toBe(running);

    // Stop: the running run is aborted and Stop turns off.
    const stop = page.getByTestId("action-stop");
    expect(await stop.isEnabled()).toBe(true);
    await stop.click();
    await page.locator("[data-testid=latest-status][data-status='3']").waitFor();
    await page.locator("[data-testid=graph-node][data-step=wait].st-aborted").waitFor();
    expect((await c.getDAGRunDetails("slow", restarted)).dagRunDetails.status).toBe(3);
    await page.waitForFunction(`document.querySelector("[data-testid=action-stop]")?.disabled === true`);

    // Suspend and resume through the switch.
    await page.getByTestId("action-suspend").click();
    await page.locator(".dag-suspended-tag").waitFor();
    expect((await c.getDAGDetails("slow")).suspended).toBe(true);
    await page.getByTestId("action-suspend").click();
    await page.locator(".dag-suspended-tag").waitFor({ state: "detached" });
    expect((await c.getDAGDetails("slow")).suspended).toBe(false);
    expect(ui.errors).toEqual([]);
  }, 40_000);

  test("retry a failed run: after the cause is fixed the same run succeeds", async () => {
    const c = ui.server.client;
    const page = await ui.newPage();
    await page.goto("/dags/flaky");
    const retry = page.getByTestId("action-retry");
    expect(await retry.isDisabled()).toBe(true);
    await page.getByTestId("action-start").click();
    await page.getByTestId("start-submit").click();
    await page.locator("[data-testid=latest-status][data-status='2']").waitFor();
    await page.locator("[data-testid=graph-node][data-step=check].st-failed").waitFor();
    const failed = (await c.getDAGDetails("flaky")).latestDAGRun;
    expect(failed.status).toBe(2);
    writeFileSync(flaggedPath, "ok");
    expect(await retry.isEnabled()).toBe(true);
    await retry.click();
    await page.waitForFunction(allGreen(2));
    await page.locator("[data-testid=latest-status][data-status='4']").waitFor();
    const after = (await c.getDAGDetails("flaky")).latestDAGRun;
    expect(after.dagRunId).toBe(failed.dagRunId);
    expect(after.status).toBe(4);
    expect(ui.errors).toEqual([]);
  }, 30_000);

  test("a DAG with spec errors opens and shows them; a missing DAG says not found", async () => {
    const page = await ui.newPage();
    await page.goto("/dags/broken");
    await page.getByTestId("dag-errors").waitFor();
    expect(await page.getByTestId("dag-errors").textContent()).toContain("unknown key");
    expect(await page.getByTestId("action-start").isDisabled()).toBe(true);
    await page.getByTestId("tab-spec").click();
    await page.getByTestId("spec-error").first().waitFor();
    expect(await page.getByTestId("spec-error").count()).toBe(2);
    expect(await page.locator("[data-testid=gutter-line][data-line='3']").getAttribute("class")).toContain("se-error");
    const errorsBefore = ui.errors.length;
    await page.goto("/dags/no-such-dag");
    await page.getByTestId("dag-not-found").waitFor();
    expect(await page.getByTestId("dag-not-found").textContent()).toContain("no-such-dag");
    // The only console error is the browser's own note about the 404 response.
    expect(ui.errors.slice(errorsBefore).every((e) => e.includes("404"))).toBe(true);
    ui.errors.splice(errorsBefore);
  });

  test("a chain DAG (no depends, the default type) is drawn as a chain", async () => {
    const page = await ui.newPage();
    await page.goto("/dags/chain");
    await page.locator("[data-testid=graph-node]").nth(2).waitFor();
    const edges = await page.evaluate<string[]>(`[...document.querySelectorAll("path.dag-edge")].map((p) => p.getAttribute("data-from") + ">" + p.getAttribute("data-to"))`);
    expect(edges).toEqual(["cmd_1>cmd_2", "cmd_2>cmd_3"]);
  });

  test("120 steps: every node drawn, none overlapping, edges for every dependency", async () => {
    const page = await ui.newPage();
    const t0 = Date.now();
    await page.goto("/dags/big");
    await page.locator("[data-testid=graph-node][data-step=s119]").waitFor();
    const ms = Date.now() - t0;
    const boxes = await page.evaluate<{ x: number; y: number; w: number; h: number }[]>(
      `[...document.querySelectorAll("[data-testid=graph-node] rect")].map((r) => { const b = r.getBoundingClientRect(); return { x: b.x, y: b.y, w: b.width, h: b.height }; })`,
    );
    expect(boxes.length).toBe(120);
    let overlaps = 0;
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i] as (typeof boxes)[number];
        const b = boxes[j] as (typeof boxes)[number];
        if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) overlaps++;
      }
    }
    expect(overlaps).toBe(0);
    const details = await ui.server.client.getDAGDetails("big");
    const deps = (details.dag?.steps ?? []).reduce((n, s) => n + (s.depends?.length ?? 0), 0);
    expect(await page.locator("path.dag-edge").count()).toBe(deps);
    console.log(`120-step graph: ${ms} ms to first paint of the last node, ${deps} edges`);
  });

  test("phone width: header, actions and graph fit; the graph scrolls inside its frame", async () => {
    const page = await ui.newPage({ width: 390, height: 844 });
    await page.goto("/dags/etl");
    await page.locator("[data-testid=graph-node][data-step=notify]").waitFor();
    const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await page.getByTestId("action-start").isVisible()).toBe(true);
  });

  test("screenshots: graph, history and spec editor (1280×800, light)", async () => {
    const c = ui.server.client;
    for (const params of ['FAIL=yes', 'DATE=yesterday', '', 'FAIL=yes', '']) {
      const { dagRunId } = await c.executeDAG("etl", params ? { params } : {});
      await waitRun("etl", dagRunId);
    }
    const page = await ui.newPage();
    await page.goto("/dags/etl");
    await page.locator("[data-testid=latest-status][data-status='4']").waitFor();
    await page.locator("[data-testid=graph-node][data-step=clean]").click();
    await page.getByTestId("step-details").waitFor();
    await page.mouse.move(0, 0);
    await screenshot(page, "dag-graph");

    await page.getByTestId("tab-history").click();
    await page.locator("[data-testid=history-run]").nth(4).waitFor();
    await screenshot(page, "dag-history");

    await page.getByTestId("tab-spec").click();
    const editor = page.getByTestId("spec-textarea");
    await page.getByTestId("spec-status").filter({ hasText: "saved" }).waitFor();
    const text = await editor.inputValue();
    await editor.fill(text.replace("depends: [report, archive]", "depends: [reprot, archive]").replace("command: echo clean", "comand: echo clean"));
    await page.getByTestId("spec-error").nth(1).waitFor();
    // The gutter follows the textarea's scroll: line 20's number sits on line 20's text.
    const offset = await editor.evaluate((t) => {
      const ta = t as unknown as TextArea & { scrollTop: number };
      ta.scrollTop = 150;
      return ta.scrollTop;
    });
    expect(offset).toBeGreaterThan(0);
    await page.waitForFunction(`(() => {
      const ta = document.querySelector("[data-testid=spec-textarea]");
      const no = document.querySelector("[data-testid=gutter-line][data-line='20']").getBoundingClientRect().top;
      return Math.abs(no - (ta.getBoundingClientRect().top + 8 + 19 * 20 - ta.scrollTop)) < 1.5;
    })()`);
    await editor.evaluate((t) => {
      const ta = t as unknown as TextArea & { scrollTop: number };
      ta.blur();
      ta.scrollTop = 0;
    });
    await screenshot(page, "dag-spec-editor");
    expect(ui.errors).toEqual([]);
  }, 40_000);
});
