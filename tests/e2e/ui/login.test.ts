/**
 * Sign-in in a real browser against `dist/dagu start-all` in builtin auth mode: visiting the
 * app without a token goes to /login; a wrong password shows an error; the right one lands on
 * the page asked for, with the user menu (name, role) and live event streams working (the
 * token also travels as the events cookie); change password through the menu; logout returns
 * to the login page; a stale token in storage leads back to it. Token mode: the login page
 * asks for the API token. Also docs/screenshots/login.png.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { DaguClient } from "../../../src/client/api-client.ts";
import { chromiumPath, openUi, screenshot, type UiSession } from "./browser-harness.ts";

const adminPassword = "first-admin-pass";
const env = { DAGU_AUTH_MODE: "builtin", DAGU_AUTH_TOKEN_SECRET: "ui-test-secret-0123456789", DAGU_AUTH_ADMIN_PASSWORD: adminPassword };

/** Console errors other than the browser's own report of a 401/403 answer (expected here). */
function unexpected(errors: readonly string[]): string[] {
  return errors.filter((e) => !/status of 40[13]/.test(e));
}

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByTestId("login-username").fill(username);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-submit").click();
}

describe.skipIf(!chromiumPath)("login (builtin auth)", () => {
  let ui: UiSession;
  let admin: DaguClient;

  beforeAll(async () => {
    ui = await openUi({ env, dags: { hello: "steps:\n  - command: sleep 0.5\n  - command: echo hello\n" } });
    const { token } = await new DaguClient({ baseUrl: ui.server.api }).login({ username: "admin", password: adminPassword });
    admin = new DaguClient({ baseUrl: ui.server.api, headers: { authorization: `Bearer ${token}` } });
  }, 30_000);
  afterAll(async () => {
    await ui?.close();
  }, 30_000);

  test("/ redirects to login; wrong password shows an error; right one lands on the dashboard; logout returns to login", async () => {
    const page = await ui.newPage();
    await page.goto("/");
    await page.waitForURL("**/login");
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(await page.locator("nav.sidebar").count()).toBe(0);
    await screenshot(page, "login");

    await signIn(page, "admin", "not-the-password");
    expect(await page.getByTestId("login-error").textContent()).toContain("Invalid username or password");
    expect(page.url()).toContain("/login");
    expect(await page.getByTestId("login-password").inputValue()).toBe("");

    await signIn(page, "admin", adminPassword);
    await page.waitForURL((u) => u.pathname === "/");
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    expect(await page.getByTestId("user-menu").textContent()).toContain("admin");
    expect(await page.getByTestId("user-role").textContent()).toBe("admin");
    expect(await page.evaluate(() => localStorage.getItem("dagu.token"))).toMatch(/^ey/);

    await page.getByTestId("user-menu").click();
    await page.getByTestId("logout").click();
    await page.waitForURL("**/login");
    expect(await page.evaluate(() => localStorage.getItem("dagu.token"))).toBeNull();
    // Still logged out after a reload, on any page.
    await page.goto("/dags");
    await page.waitForURL("**/login?next=%2Fdags");
    expect(unexpected(ui.errors)).toEqual([]);
  }, 30_000);

  test("a deep link comes back after sign-in; live run updates arrive over the event stream", async () => {
    const page = await ui.newPage();
    await page.goto("/dags/hello");
    await page.waitForURL("**/login?next=%2Fdags%2Fhello");
    await signIn(page, "admin", adminPassword);
    await page.waitForURL("**/dags/hello");
    // The event stream (cookie-authenticated) shows a run started from outside the page.
    const events: string[] = [];
    page.on("response", (r) => {
      if (r.url().includes("/api/v2/events/")) events.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
    await page.goto("/dag-runs");
    await page.getByRole("heading", { name: "DAG runs" }).waitFor();
    const { dagRunId } = await admin.executeDAG("hello");
    await page.locator(`a[href*="${dagRunId}"]`).first().waitFor({ timeout: 10_000 });
    expect(events.some((e) => e.startsWith("200 "))).toBe(true);
    expect(events.filter((e) => e.startsWith("401"))).toEqual([]);
    expect(unexpected(ui.errors)).toEqual([]);
  }, 30_000);

  test("change password from the user menu; the new one works, the old one not", async () => {
    await admin.createUser({ username: "olga", password: "olga-pass-1", role: "operator" });
    const page = await ui.newPage();
    await page.goto("/login");
    await signIn(page, "olga", "olga-pass-1");
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    expect(await page.getByTestId("user-role").textContent()).toBe("operator");
    await page.getByTestId("user-menu").click();
    await page.getByTestId("change-password").click();
    await page.getByTestId("current-password").fill("wrong-current");
    await page.getByTestId("new-password").fill("olga-pass-2");
    await page.getByTestId("new-password-again").fill("olga-pass-2");
    await page.getByTestId("change-password-submit").click();
    await page.getByTestId("change-password-dialog").getByRole("alert").waitFor();
    expect(await page.getByTestId("change-password-dialog").getByRole("alert").textContent()).toContain("incorrect");
    await page.getByTestId("current-password").fill("olga-pass-1");
    await page.getByTestId("change-password-submit").click();
    await page.getByTestId("toast").getByText("Password changed").waitFor();
    const anon = new DaguClient({ baseUrl: ui.server.api });
    await expect(anon.login({ username: "olga", password: "olga-pass-1" })).rejects.toThrow();
    expect((await anon.login({ username: "olga", password: "olga-pass-2" })).user.role).toBe("operator");
    expect(unexpected(ui.errors)).toEqual([]);
  }, 30_000);

  test("a token that stopped working (user deleted) leads back to the login page", async () => {
    const { user } = await admin.createUser({ username: "temp", password: "temp-pass-1", role: "viewer" });
    const page = await ui.newPage();
    await page.goto("/login");
    await signIn(page, "temp", "temp-pass-1");
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    await admin.deleteUser(user.id);
    await page.goto("/dags", { waitUntil: "commit" });
    await page.waitForURL("**/login?next=%2Fdags");
    expect(await page.evaluate(() => localStorage.getItem("dagu.token"))).toBeNull();
  });
});

describe.skipIf(!chromiumPath)("login (token auth)", () => {
  let ui: UiSession;
  beforeAll(async () => {
    ui = await openUi({ env: { DAGU_AUTH_TOKEN: "static-ui-token-42" } });
  }, 30_000);
  afterAll(async () => {
    await ui?.close();
  }, 30_000);

  test("asks for the API token; a wrong one is refused, the right one opens the app", async () => {
    const page = await ui.newPage();
    await page.goto("/queues");
    await page.waitForURL("**/login?next=%2Fqueues");
    await page.getByTestId("login-token").fill("nope");
    await page.getByTestId("login-submit").click();
    expect(await page.getByTestId("login-error").textContent()).toContain("not valid");
    await page.getByTestId("login-token").fill("static-ui-token-42");
    await page.getByTestId("login-submit").click();
    await page.waitForURL("**/queues");
    expect(await page.getByTestId("user-menu").textContent()).toContain("api-token");
    expect(unexpected(ui.errors)).toEqual([]);
  });
});
