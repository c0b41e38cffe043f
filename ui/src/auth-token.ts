/**
 * @module ui/auth-token
 * Where the UI keeps its credential in builtin and token mode: the JWT from /auth/login (or
 * the pasted API token) in localStorage, sent as `Authorization: Bearer` by ui/api.ts. A copy
 * goes in the `dagu_token` cookie, limited to `<api>/events` and SameSite=Strict, because
 * EventSource cannot send headers; the server honours the cookie on those GET streams only
 * (src/server/auth-guard.ts).
 */

const storageKey = "dagu.token";
const cookieName = "dagu_token";

function cookie(value: string, apiBase: string, maxAge?: number): void {
  const secure = location.protocol === "https:" ? "; Secure" : "";
  const age = maxAge === undefined ? "" : `; Max-Age=${maxAge}`;
  document.cookie = `${cookieName}=${encodeURIComponent(value)}; Path=${apiBase}/events; SameSite=Strict${age}${secure}`;
}

export function loadToken(): string | undefined {
  try {
    return localStorage.getItem(storageKey) ?? undefined;
  } catch {
    return undefined;
  }
}

export function saveToken(token: string, apiBase: string): void {
  try {
    localStorage.setItem(storageKey, token);
  } catch {
    // Private mode without storage: the session lasts as long as the page.
  }
  cookie(token, apiBase);
}

export function clearToken(apiBase: string): void {
  try {
    localStorage.removeItem(storageKey);
  } catch {}
  cookie("", apiBase, 0);
}

/** After a browser restart the (session) cookie is gone while localStorage is not: put it back. */
export function restoreTokenCookie(apiBase: string): void {
  const t = loadToken();
  if (t) cookie(t, apiBase);
}
