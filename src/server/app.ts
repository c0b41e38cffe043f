/**
 * @module server/app
 * The Elysia application: REST API v2 under `<basePath>/api/v2`, `/metrics`, the OpenAPI
 * document, server-sent events, and (unless headless) the web UI (server/ui-assets.ts). When an
 * auth mode is on, server/auth-guard.ts authenticates and authorizes every API call. Every error
 * leaves as Dagu's `{code, message}` JSON naming the offending field; request bodies are
 * capped at `maxBodyBytes`.
 */
import { Elysia } from "elysia";
import { AuthError } from "../auth/errors.ts";
import { authGuard } from "./auth-guard.ts";
import type { ServerContext } from "./context.ts";
import { HttpError } from "./http-error.ts";
import { buildOpenApi } from "./openapi.ts";
import { apiKeyRoutes } from "./routes/api-keys.ts";
import { authRoutes } from "./routes/auth.ts";
import { dagRunRoutes } from "./routes/dag-runs.ts";
import { dagRoutes } from "./routes/dags.ts";
import { eventRoutes } from "./routes/events.ts";
import { renderMetrics, systemRoutes } from "./routes/system.ts";
import { userRoutes } from "./routes/users.ts";
import { findUiRoot, uiAssets } from "./ui-assets.ts";

/** Largest request body accepted (a DAG spec is the biggest thing clients send). */
export const maxBodyBytes = 4 * 1024 * 1024;

interface ValueErrorLike {
  readonly path?: string;
  readonly message?: string;
  readonly value?: unknown;
}

interface ValidationErrorLike {
  readonly type?: string;
  readonly valueError?: ValueErrorLike;
  readonly all?: readonly { readonly path?: string; readonly summary?: string; readonly message?: string }[];
}

/**
 * Elysia's validation error → `query.perPage: must be an integer`. A coerced query value
 * that fails a range check comes back without its name; it is found by its value.
 */
function validationMessage(err: unknown, request: Request): string {
  const e = (typeof err === "object" && err !== null ? err : {}) as ValidationErrorLike;
  const first = e.all?.[0];
  let where = e.type === "params" ? "path" : (e.type ?? "request");
  let prop = (e.valueError?.path ?? first?.path ?? "").replace(/^\//, "").replace(/\//g, ".");
  let what = e.valueError?.message ?? first?.message ?? "invalid value";
  if (what === "Expected union value" && /'integer'|'number'/.test(first?.summary ?? "")) what = "must be an integer";
  if (prop === "" && e.type === "property") {
    const value = e.valueError?.value;
    for (const [k, v] of new URL(request.url).searchParams) {
      if (String(value) === v || Number(v) === value) {
        where = "query";
        prop = k;
        break;
      }
    }
  }
  if (first?.summary?.endsWith("but found: undefined")) what = "is required";
  return prop ? `${where}.${prop}: ${what}` : `${where}: ${what}`;
}

function errorBody(status: number, code: string, message: string): Response {
  return new Response(JSON.stringify({ code, message }), { status, headers: { "content-type": "application/json" } });
}

export function buildApp(ctx: ServerContext) {
  const base = ctx.config.basePath;
  const apiBase = `${base}${ctx.config.apiBasePath}`;
  // Which operation a matched route is, for the guard's access check (filled on first use).
  let operations: Map<string, string> | undefined;
  const operationOf = (method: string, route: string): string | undefined => {
    operations ??= new Map(
      (app.routes as unknown as readonly { method: string; path: string; hooks?: { detail?: { operationId?: unknown } } }[]).flatMap((r) => {
        const id = r.hooks?.detail?.operationId;
        return typeof id === "string" ? [[`${r.method} ${r.path}`, id] as const] : [];
      }),
    );
    return operations.get(`${method} ${route}`);
  };
  const guard = authGuard(ctx, operationOf);
  const api = new Elysia({ prefix: apiBase })
    .use(systemRoutes(ctx))
    .use(authRoutes(ctx, guard.principalOf))
    .use(userRoutes(ctx, guard.principalOf))
    .use(apiKeyRoutes(ctx, guard.principalOf))
    .use(dagRoutes(ctx))
    .use(dagRunRoutes(ctx))
    .use(eventRoutes(ctx));

  const app = new Elysia()
    .onRequest(({ request }) => {
      const len = Number(request.headers.get("content-length") ?? "0");
      if (len > maxBodyBytes) return errorBody(413, "bad_request", `body: larger than the limit of ${maxBodyBytes} bytes`);
      return undefined;
    })
    .use(guard.plugin)
    .onError(({ code, error, request, set }) => {
      if (error instanceof HttpError) {
        set.status = error.status;
        return error.toBody();
      }
      if (error instanceof AuthError) {
        const e = HttpError.fromAuth(error);
        set.status = e.status;
        return e.toBody();
      }
      switch (code) {
        case "VALIDATION":
          set.status = 400;
          return { code: "bad_request", message: validationMessage(error, request) };
        case "PARSE":
          set.status = 400;
          return { code: "bad_request", message: "body: not valid JSON" };
        case "NOT_FOUND":
          set.status = 404;
          return { code: "not_found", message: `no such endpoint: ${request.method} ${new URL(request.url).pathname}` };
        default: {
          const msg = error instanceof Error ? error.message : String(error);
          if (/too large|exceed/i.test(msg)) {
            set.status = 413;
            return { code: "bad_request", message: `body: larger than the limit of ${maxBodyBytes} bytes` };
          }
          ctx.log("error", "request failed", { method: request.method, url: request.url, error: msg });
          set.status = 500;
          return { code: "internal_error", message: msg };
        }
      }
    })
    .use(api)
    .get(`${base}/metrics`, ({ set }) => {
      set.headers["content-type"] = "text/plain; version=0.0.4; charset=utf-8";
      return renderMetrics(ctx);
    });

  let openapi: unknown;
  app.get(`${apiBase}/openapi.json`, () => {
    openapi ??= buildOpenApi(app, apiBase, ctx.version);
    return openapi;
  });

  if (!ctx.config.headless) {
    const root = findUiRoot();
    if (!root) ctx.log("warn", "web UI files not found; serving the API only (build with `npm run build`)", {});
    const ui = root ? uiAssets(root, ctx.config, ctx.version) : undefined;
    const page = (): Response =>
      ui?.page() ??
      new Response(`<!doctype html><title>Dagu</title><p>The web UI was not built. The REST API is at <a href="${apiBase}/openapi.json">${apiBase}</a>.</p>`, {
        headers: { "content-type": "text/html; charset=utf-8" },
      });
    app
      .get(`${base}/assets/*`, ({ params, request }) => {
        const res = ui?.asset(params["*"], request.headers.get("accept-encoding"));
        if (!res) throw HttpError.notFound(`no such file: ${new URL(request.url).pathname}`);
        return res;
      })
      .get(base === "" ? "/" : base, page)
      .get(`${base}/*`, ({ request }) => {
        // Unknown API paths stay JSON 404s; every other path is a page of the app.
        const path = new URL(request.url).pathname;
        if (path === apiBase || path.startsWith(`${apiBase}/`) || path === `${base}/metrics`) {
          throw HttpError.notFound(`no such endpoint: ${request.method} ${path}`);
        }
        return page();
      });
  }
  return app;
}

export type DaguApp = ReturnType<typeof buildApp>;
