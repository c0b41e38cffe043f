/**
 * @module server/openapi
 * Our OpenAPI 3 document, generated from the routes themselves: each route's Elysia `t`
 * schemas (params, query, body) and its `detail` (operationId, tags, responses). Schemas
 * with an `$id` become `components.schemas` entries referenced by `$ref`.
 */
import type { AnyElysia } from "elysia";

type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };
type JsonObject = { [k: string]: JsonValue };

const optionalKind = Symbol.for("TypeBox.Optional");

function isObject(v: unknown): v is Record<string | symbol, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** TypeBox schema → plain JSON Schema, hoisting `$id` schemas into `components`. */
function plain(schema: unknown, components: JsonObject): JsonValue {
  if (Array.isArray(schema)) return schema.map((s) => plain(s, components));
  if (!isObject(schema)) return (schema ?? null) as JsonValue;
  // Elysia's t.Integer / t.Numeric / t.Boolean accept a string form for coercion
  // (anyOf [string with a format, the real type]): the document shows the real type.
  const anyOf = schema["anyOf"];
  if (Array.isArray(anyOf) && anyOf.length === 2) {
    const coerced = anyOf.find((a) => isObject(a) && a["type"] === "string" && ["integer", "numeric", "number", "boolean"].includes(String(a["format"])));
    const real = anyOf.find((a) => a !== coerced);
    if (coerced && real) return plain(real, components);
  }
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === "$id" || v === undefined || typeof v === "function") continue;
    out[k] = plain(v, components);
  }
  const id = schema["$id"];
  if (typeof id === "string") {
    if (!(id in components)) components[id] = out;
    return { $ref: `#/components/schemas/${id}` };
  }
  return out;
}

interface RouteLike {
  readonly method: string;
  readonly path: string;
  readonly hooks?: Record<string, unknown>;
}

/** Build the document for an app whose API routes live under `apiBase`. */
export function buildOpenApi(app: AnyElysia, apiBase: string, version: string): JsonObject {
  const components: JsonObject = {};
  const paths: Record<string, JsonObject> = {};
  for (const route of app.routes as unknown as RouteLike[]) {
    if (!route.path.startsWith(`${apiBase}/`)) continue;
    const hooks = route.hooks ?? {};
    const detail = isObject(hooks["detail"]) ? hooks["detail"] : {};
    if (typeof detail["operationId"] !== "string") continue;
    const path = route.path.slice(apiBase.length).replace(/:([A-Za-z0-9_]+)/g, "{$1}");
    const parameters: JsonValue[] = [];
    for (const where of ["params", "query"] as const) {
      const s = hooks[where];
      if (!isObject(s) || !isObject(s["properties"])) continue;
      const required = Array.isArray(s["required"]) ? (s["required"] as string[]) : [];
      for (const [name, ps] of Object.entries(s["properties"])) {
        parameters.push({
          name,
          in: where === "params" ? "path" : "query",
          required: where === "params" || required.includes(name),
          schema: plain(ps, components),
        });
      }
    }
    const op: JsonObject = {
      operationId: detail["operationId"] as string,
      tags: (detail["tags"] as JsonValue) ?? [],
      ...(typeof detail["summary"] === "string" ? { summary: detail["summary"] } : {}),
      parameters,
      responses: plain(detail["responses"] ?? { "200": { description: "OK" } }, components),
    };
    const body = hooks["body"];
    if (isObject(body)) {
      op["requestBody"] = { required: !(optionalKind in body), content: { "application/json": { schema: plain(body, components) } } };
    }
    const item = paths[path] ?? {};
    item[route.method.toLowerCase()] = op;
    paths[path] = item;
  }
  return {
    openapi: "3.0.3",
    info: {
      title: "Dagu",
      version,
      description: "REST API v2 of Dagu (TypeScript rebuild): Dagu 1.30's paths and shapes, plus server-sent events under /events.",
    },
    servers: [{ url: apiBase }],
    paths: paths as JsonObject,
    components: { schemas: components },
  };
}
