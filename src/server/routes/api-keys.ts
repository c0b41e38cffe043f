/**
 * @module server/routes/api-keys
 * `/api-keys…` (builtin mode, admins only; server/route-access.ts): list, create (the secret
 * is in this one response and nowhere else), get, update (name, description, role), delete
 * (revokes at once) — Dagu 1.30's paths and shapes (frontend/api/v2/apikeys.go). Other modes
 * answer 403 "API key management is not available", as Dagu does.
 */
import { Elysia } from "elysia";
import type { ApiKeyRecord, ApiKeys } from "../../auth/api-keys.ts";
import type { Principal } from "../../auth/principal.ts";
import * as A from "../auth-schemas.ts";
import type { ServerContext } from "../context.ts";
import { HttpError } from "../http-error.ts";
import { responses } from "../schemas.ts";

/** A key as the API shows it: never its hash. */
function toApiKey(k: ApiKeyRecord) {
  return {
    id: k.id,
    name: k.name,
    ...(k.description ? { description: k.description } : {}),
    role: k.role,
    keyPrefix: k.keyPrefix,
    createdAt: k.createdAt,
    updatedAt: k.updatedAt,
    createdBy: k.createdBy,
    lastUsedAt: k.lastUsedAt ?? null,
  };
}

export function apiKeyRoutes(ctx: ServerContext, principalOf: (r: Request) => Principal | undefined) {
  const keys = (): ApiKeys => {
    const k = ctx.auth.apiKeys;
    if (!k) throw HttpError.forbidden("API key management is not available (it needs auth.mode: builtin)");
    return k;
  };
  const detail = (operationId: string, ok: Parameters<typeof responses>[0], status = 200, more: readonly number[] = []) => ({
    operationId,
    tags: ["api-keys"],
    responses: responses(ok, status, [401, 403, ...more]),
  });

  return new Elysia({ name: "api-keys" })
    .get("/api-keys", () => ({ apiKeys: keys().list().map(toApiKey) }), { detail: detail("listAPIKeys", A.ApiKeysListResponse) })
    .post(
      "/api-keys",
      async ({ body, request, set }) => {
        const me = principalOf(request);
        if (!me) throw HttpError.unauthorized("not authenticated");
        const { record, key } = await keys().create(body, me.id);
        ctx.log("info", "API key created", { name: record.name, role: record.role, prefix: record.keyPrefix, by: me.username });
        set.status = 201;
        return { apiKey: toApiKey(record), key };
      },
      { body: A.CreateApiKeyRequest, detail: detail("createAPIKey", A.CreateApiKeyResponse, 201, [400, 409]) },
    )
    .get("/api-keys/:keyId", ({ params }) => ({ apiKey: toApiKey(keys().get(params.keyId)) }), {
      params: A.keyIdParams,
      detail: detail("getAPIKey", A.ApiKeyResponse, 200, [404]),
    })
    .patch(
      "/api-keys/:keyId",
      ({ params, body }) => {
        const record = keys().update(params.keyId, body);
        ctx.log("info", "API key updated", { name: record.name, role: record.role });
        return { apiKey: toApiKey(record) };
      },
      { params: A.keyIdParams, body: A.UpdateApiKeyRequest, detail: detail("updateAPIKey", A.ApiKeyResponse, 200, [400, 404, 409]) },
    )
    .delete(
      "/api-keys/:keyId",
      ({ params, set }) => {
        keys().delete(params.keyId);
        ctx.log("info", "API key deleted", { keyId: params.keyId });
        set.status = 204;
        return "";
      },
      { params: A.keyIdParams, detail: detail("deleteAPIKey", undefined, 204, [404]) },
    );
}
