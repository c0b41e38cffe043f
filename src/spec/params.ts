/**
 * @module spec/params
 * The `params:` node in every form Dagu accepts: a params string, a list of strings and
 * maps, a map (keys sorted, as Dagu does), or `{schema, values}`.
 */
import { parseParamString, type RawParam } from "../core/param-syntax.ts";
import { goString, type YNode } from "./yaml-nodes.ts";

export type ParamParseResult = { readonly ok: true; readonly params: RawParam[]; readonly schema?: string } | { readonly ok: false; readonly error: string; readonly node: YNode };

/** Parse a `params:` node in any of the forms Dagu accepts. */
export function parseParamNode(node: YNode): ParamParseResult {
  const fromMap = (m: YNode & { kind: "map" }): RawParam[] =>
    [...m.entries]
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((e) => ({ name: e.key, value: e.value.kind === "scalar" && typeof e.value.value === "string" ? e.value.value : goString(e.value) }));
  switch (node.kind) {
    case "scalar":
      if (node.value === null) return { ok: true, params: [] };
      if (typeof node.value === "string") return { ok: true, params: parseParamString(node.value) };
      return { ok: false, error: `invalid parameter value: expected a string, list or map, got ${typeof node.value}`, node };
    case "seq": {
      const params: RawParam[] = [];
      for (const item of node.items) {
        if (item.kind === "scalar" && typeof item.value === "string") params.push(...parseParamString(item.value));
        else if (item.kind === "map") params.push(...fromMap(item));
        else return { ok: false, error: "invalid parameter value: list items must be strings or maps", node: item };
      }
      return { ok: true, params };
    }
    case "map": {
      // `{schema: file, values: {...}}` declares a JSON schema; only `values` are params.
      const schemaNode = node.entries.find((e) => e.key === "schema")?.value;
      // Only a string `schema` declares a schema; otherwise the map is ordinary named params.
      if (!schemaNode || schemaNode.kind !== "scalar" || typeof schemaNode.value !== "string") return { ok: true, params: fromMap(node) };
      const schema = schemaNode.value;
      const values = node.entries.find((e) => e.key === "values")?.value;
      if (!values || (values.kind === "scalar" && values.value === null)) return { ok: true, params: [], schema };
      if (values.kind !== "map") return { ok: false, error: "params.values must be a map", node: values };
      return { ok: true, params: fromMap(values), schema };
    }
  }
}

