/**
 * @module server/auth-guard
 * Authentication and authorization of the API, as one Elysia plugin used once by the app:
 *
 * - `onRequest` (before the body is read): every path under `<basePath>/api/v2/` and
 *   `<basePath>/metrics` needs credentials when an auth mode is on, except `/health`,
 *   `/auth/login` and, with `metrics: public`, the metrics. Anything else (the web UI's
 *   index.html and assets, so the login page loads) is open. A request without valid
 *   credentials gets 401 `{code: "unauthorized", message}` naming what to send, with
 *   `WWW-Authenticate: Basic realm="restricted"` when basic auth is on (Dagu's realm; the
 *   browser then prompts) and `Bearer realm="restricted"` otherwise.
 * - `onTransform` (the route is known, before the handler): the operation's access level
 *   (server/route-access.ts) against the principal's role, and the `permissions.writeDAGs` /
 *   `runDAGs` switches → 403. It also authenticates any API route that the path check did
 *   not see (an oddly spelled URL that the router still matched), so no route escapes.
 *
 * Event streams: EventSource cannot send an Authorization header, so for GET
 * `/api/v2/events/...` only, the token is also taken from the `dagu_token` cookie (set by the
 * web UI with `Path=<api>/events; SameSite=Strict`). A cookie rather than `?token=`: a query
 * string lands in access logs, proxy logs, browser history and Referer headers; the cookie
 * does not, is never sent cross-site, and is honoured only on read-only streams, so it cannot
 * be used to make a change (no CSRF).
 */
import { type AnyElysia, Elysia } from "elysia";
import type { Principal } from "../auth/principal.ts";
import { roleAllows } from "../auth/role.ts";
import type { ServerContext } from "./context.ts";
import { HttpError } from "./http-error.ts";
import { routeAccess } from "./route-access.ts";

export const eventsCookie = "dagu_token";
const realm = "restricted";

/** `dagu_token` from a Cookie header. */
function cookieToken(header: string | null): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === eventsCookie) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export interface AuthGuard {
  /** The two hooks; `use` it before the routes. */
  readonly plugin: AnyElysia;
  /** Who the request acts as; undefined when no auth mode is on. */
  principalOf(request: Request): Principal | undefined;
}

/** `operationOf(method, routePattern)` names the matched route's operation (from the app's routes). */
export function authGuard(ctx: ServerContext, operationOf: (method: string, route: string) => string | undefined): AuthGuard {
  const base = ctx.config.basePath;
  const apiBase = `${base}${ctx.config.apiBasePath}`;
  const metricsPaths = [`${base}/metrics`, `${apiBase}/metrics`];
  const publicPaths = new Set([`${apiBase}/health`, `${apiBase}/auth/login`, ...(ctx.config.metrics === "public" ? metricsPaths : [])]);
  const authenticator = ctx.auth.authenticator;
  /** Requests that passed authentication (with their principal, if any). */
  const seen = new WeakMap<Request, { readonly principal: Principal | undefined }>();

  const isProtected = (path: string): boolean => {
    const p = path.length > 1 ? path.replace(/\/+$/, "") : path;
    if (publicPaths.has(p)) return false;
    return p === apiBase || p.startsWith(`${apiBase}/`) || metricsPaths.includes(p);
  };

  /** undefined when the request may go on (and is recorded), else the 401 response. */
  async function authenticate(request: Request, path: string): Promise<Response | undefined> {
    const events = request.method === "GET" && path.startsWith(`${apiBase}/events/`);
    const outcome = await authenticator.authenticate({
      authorization: request.headers.get("authorization"),
      fallbackToken: events ? cookieToken(request.headers.get("cookie")) : undefined,
    });
    if (outcome.ok) {
      seen.set(request, { principal: outcome.principal });
      return undefined;
    }
    return new Response(JSON.stringify({ code: "unauthorized", message: outcome.message }), {
      status: 401,
      headers: { "content-type": "application/json", "www-authenticate": `${outcome.challenge} realm="${realm}"` },
    });
  }

  const plugin = new Elysia({ name: "auth-guard" })
    .onRequest(async ({ request }) => {
      if (!authenticator.required) return undefined;
      const path = new URL(request.url).pathname;
      if (!isProtected(path)) return undefined;
      return authenticate(request, path);
    })
    .onTransform({ as: "global" }, async ({ request, route }) => {
      if (!isProtected(route)) return;
      if (authenticator.required && !seen.has(request)) {
        const denied = await authenticate(request, route);
        if (denied) throw HttpError.unauthorized("authentication required");
      }
      const access = routeAccess(operationOf(request.method, route), request.method);
      if (access.permission === "writeDAGs" && !ctx.config.permissions.writeDAGs) {
        throw HttpError.forbidden("editing DAGs is not allowed (permissions.writeDAGs: false)");
      }
      if (access.permission === "runDAGs" && !ctx.config.permissions.runDAGs) {
        throw HttpError.forbidden("running DAGs is not allowed (permissions.runDAGs: false)");
      }
      const principal = seen.get(request)?.principal;
      if (principal && !roleAllows(principal.role, access.level)) {
        throw HttpError.forbidden(`insufficient permissions: role ${principal.role} may not ${describe(access.level)}`);
      }
    });

  return { plugin, principalOf: (request) => seen.get(request)?.principal };
}

function describe(level: string): string {
  switch (level) {
    case "execute":
      return "run or stop DAGs (needs operator, manager or admin)";
    case "write":
      return "create, edit or delete DAGs (needs manager or admin)";
    case "admin":
      return "manage users or API keys (needs admin)";
    default:
      return "read";
  }
}
