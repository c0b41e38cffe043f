/**
 * @module ui/api
 * The one place the UI talks to the server: the generated typed client (src/client) bound to
 * the API base the server injected into index.html, and `subscribe` for its server-sent
 * event streams. In builtin and token auth mode every request carries the stored token
 * (ui/auth-token.ts), and a 401 sends the browser to the login page; in basic mode the
 * browser's own prompt handles credentials.
 */
import { DaguClient } from "../../src/client/api-client.ts";
import { clearToken, loadToken, restoreTokenCookie } from "./auth-token.ts";

export type { DAGFile, DAGRunSummary, Log, User } from "../../src/client/api-client.ts";
export { ApiError } from "../../src/client/api-client.ts";

/** Written by the server into index.html (see src/server/ui-assets.ts). */
export interface UiConfig {
  readonly basePath: string;
  readonly apiBase: string;
  readonly version: string;
  readonly title: string;
  /** Which sign-in the server wants (src/auth/auth-settings.ts `uiAuthMode`). */
  readonly authMode?: "none" | "basic" | "token" | "builtin";
}

declare global {
  interface Window {
    __DAGU__?: UiConfig;
  }
}

export const config: UiConfig = window.__DAGU__ ?? { basePath: "", apiBase: "/api/v2", version: "dev", title: "Dagu" };

/** Whether this server wants a login page (builtin users, or a pasted API token). */
export const usesLogin = config.authMode === "builtin" || config.authMode === "token";

if (usesLogin) restoreTokenCookie(config.apiBase);

/** The login page, coming back to the current page afterwards. */
export function loginPath(): string {
  const here = location.pathname.slice(config.basePath.length) + location.search;
  return here.startsWith("/login") || here === "/" ? "/login" : `/login?next=${encodeURIComponent(here)}`;
}

let leaving = false;

/** fetch with the stored token; a 401 (expired or revoked token) leads to the login page. */
async function authFetch(url: URL, init: RequestInit): Promise<Response> {
  const token = usesLogin ? loadToken() : undefined;
  const headers = new Headers(init.headers);
  if (token && !headers.has("authorization")) headers.set("authorization", `Bearer ${token}`);
  const res = await fetch(url, { ...init, headers });
  // Only the guard's 401 (it carries WWW-Authenticate) means "credentials rejected"; a 401
  // from a route (a wrong current password) does not end the session.
  const rejected = res.status === 401 && res.headers.has("www-authenticate");
  const onLogin = location.pathname.startsWith(`${config.basePath}/login`);
  if (rejected && usesLogin && !onLogin && !leaving) {
    leaving = true; // several requests may fail at once: one navigation
    clearToken(config.apiBase);
    location.assign(config.basePath + loginPath());
  }
  return res;
}

export const api = new DaguClient({ baseUrl: new URL(config.apiBase, location.origin).href, fetch: authFetch });

/** An app path under the server's base path, for links that leave the router (downloads). */
export function appUrl(path: string): string {
  return config.basePath + path;
}

/** An API path (e.g. `/dag-runs/x/y/log`) as an absolute URL, for downloads and EventSource. */
export function apiUrl(path: string, query?: Readonly<Record<string, string | number | undefined>>): string {
  const url = new URL(config.apiBase + path, location.origin);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  return url.href;
}

/**
 * Listen to a server-sent event stream; returns the function that closes it. The browser
 * reconnects by itself after a network error; `end` closes it for good.
 */
export function subscribe(
  path: string,
  handlers: Readonly<Record<string, (data: unknown) => void>>,
  query?: Readonly<Record<string, string | undefined>>,
): () => void {
  const source = new EventSource(apiUrl(path, query));
  for (const [event, handle] of Object.entries(handlers)) {
    source.addEventListener(event, (e) => {
      const text = (e as MessageEvent<string>).data;
      let data: unknown = text;
      try {
        data = JSON.parse(text);
      } catch {}
      handle(data);
      if (event === "end") source.close();
    });
  }
  return () => source.close();
}

/** `encodeURIComponent` for path segments (DAG names and run ids never contain `/`). */
export const seg = encodeURIComponent;
