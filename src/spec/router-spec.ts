/**
 * @module spec/router-spec
 * The `router` step of Dagu v2 (not in 1.30): the step keys `value:` and `routes:` (accepted
 * only on `type: router` steps), their validation, and v2's transform of the graph: each
 * route target gets the router as a dependency and a precondition "value matches the route's
 * pattern" (literal or `re:`), so targets of non-matching routes end skipped. The parsed
 * router is kept in the step's executor config as `{value, routes: [{pattern, targets}]}`
 * (routes in v2's priority order), which is what the router executor prints.
 */
import type { ConfigValue, DagType, Step } from "../core/dag.ts";
import { describe, type IssueList, join, type MapReader } from "./node-reader.ts";
import type { Pos, YMap, YNode } from "./yaml-nodes.ts";

/** Step keys of v2's router. */
export const routerKeys = ["value", "routes"] as const;

export interface RouteEntry {
  readonly pattern: string;
  readonly targets: readonly string[];
}

export interface RouterConfig {
  readonly value: string;
  readonly routes: readonly RouteEntry[];
}

/** v2's order: exact patterns first, then `re:` ones, the catch-all `re:.*` last; ties by pattern. */
export function sortRoutes(routes: readonly RouteEntry[]): RouteEntry[] {
  return [...routes].sort((a, b) => {
    const ra = a.pattern.startsWith("re:");
    const rb = b.pattern.startsWith("re:");
    if (ra !== rb) return ra ? 1 : -1;
    if (a.pattern === b.pattern) return 0;
    if (a.pattern === "re:.*") return 1;
    if (b.pattern === "re:.*") return -1;
    return a.pattern < b.pattern ? -1 : 1;
  });
}

function scalarString(node: YNode): string | undefined {
  if (node.kind !== "scalar" || node.value === null) return undefined;
  return String(node.value);
}

/**
 * Reads `value`/`routes` of one step. On a step that is not `type: router` the keys are
 * unknown, exactly as in Dagu 1.30 (so no 1.30 verdict changes); on a router step both are
 * required. Returns the config entries to store, or undefined when this is no router step.
 */
export function parseRouterFields(r: MapReader, type: string): Record<string, ConfigValue> | undefined {
  const present = routerKeys.filter((k) => r.node.entries.some((e) => e.key.toLowerCase() === k));
  if (type !== "router") {
    for (const k of present) {
      const e = r.node.entries.find((x) => x.key.toLowerCase() === k);
      if (e) r.issues.add(e.keyPos, r.at(e.key), `unknown key "${e.key}"`);
    }
    return undefined;
  }
  const valueNode = r.get("value");
  let value = "";
  if (valueNode) {
    const s = scalarString(valueNode);
    if (s === undefined) r.error("value", `must be a string, got ${describe(valueNode)}`);
    else value = s.trim();
  }
  if (value === "" && (valueNode === undefined || scalarString(valueNode) !== undefined)) {
    r.issues.add(valueNode?.pos ?? r.node.pos, r.at("value"), "router step requires 'value' field");
  }
  const routesNode = r.get("routes");
  const routes: RouteEntry[] = [];
  if (routesNode === undefined) {
    r.issues.add(r.node.pos, r.at("routes"), "router step requires at least one route");
  } else if (routesNode.kind !== "map") {
    r.error("routes", `must be a map of pattern → list of step names, got ${describe(routesNode)}`);
  } else if (routesNode.entries.length === 0) {
    r.error("routes", "router step requires at least one route");
  } else {
    for (const e of routesNode.entries) {
      const at = join(r.at("routes"), e.key);
      const pattern = e.key.trim();
      if (pattern === "") {
        r.issues.add(e.keyPos, at, "route pattern cannot be empty");
        continue;
      }
      if (pattern.startsWith("re:")) {
        try {
          new RegExp(pattern.slice(3));
        } catch (err) {
          r.issues.add(e.keyPos, at, `invalid regular expression in route pattern "${pattern}": ${(err as Error).message}`);
          continue;
        }
      }
      const list = e.value;
      if (list.kind !== "seq") {
        r.issues.add(list.pos, at, `route pattern "${pattern}" must map to a list of step names, got ${describe(list)}`);
        continue;
      }
      if (list.items.length === 0) {
        r.issues.add(list.pos, at, `route pattern "${pattern}" has no targets`);
        continue;
      }
      const targets: string[] = [];
      list.items.forEach((item, i) => {
        const s = scalarString(item);
        if (item.kind !== "scalar" || typeof item.value !== "string" || s === undefined) {
          r.issues.add(item.pos, join(at, i), `route targets must be step names (strings), got ${describe(item)}`);
          return;
        }
        if (s.trim() === "") r.issues.add(item.pos, join(at, i), `route pattern "${pattern}" has empty target`);
        else targets.push(s.trim());
      });
      routes.push({ pattern, targets });
    }
  }
  return {
    value,
    routes: sortRoutes(routes).map((x) => ({ pattern: x.pattern, targets: [...x.targets] })),
  };
}

/** The router stored in a step's config, or undefined for other steps. */
export function routerOf(step: Step): RouterConfig | undefined {
  if (step.executor.type !== "router") return undefined;
  const c = step.executor.config;
  const value = typeof c.value === "string" ? c.value : "";
  const routes: RouteEntry[] = [];
  if (Array.isArray(c.routes)) {
    for (const r of c.routes) {
      if (r === null || typeof r !== "object" || Array.isArray(r)) continue;
      const o = r as Record<string, ConfigValue>;
      const targets = Array.isArray(o.targets) ? o.targets.filter((t): t is string => typeof t === "string") : [];
      if (typeof o.pattern === "string") routes.push({ pattern: o.pattern, targets });
    }
  }
  return { value, routes };
}

export interface PlacedRouterStep {
  readonly step: Step;
  readonly node: YMap;
  readonly path: string;
}

function keyPos(node: YMap, key: string): Pos {
  return node.entries.find((e) => e.key.toLowerCase() === key)?.keyPos ?? node.pos;
}

/**
 * v2's checks and transform over the whole steps list: router steps need `type: graph`; every
 * target must exist and be targeted by one route only; a target gets the precondition
 * `value` ~ pattern, the router as dependency and `continueOn.skipped`, as does the router.
 */
export function transformRouters(placed: readonly PlacedRouterStep[], dagType: DagType, issues: IssueList): Step[] {
  const steps = placed.map((p) => p.step);
  if (!placed.some((p) => p.step.executor.type === "router")) return steps;
  const index = new Map<string, number>();
  steps.forEach((s, i) => {
    if (!index.has(s.name)) index.set(s.name, i);
  });
  const out = [...steps];
  placed.forEach((p, i) => {
    const router = routerOf(p.step);
    if (!router) return;
    const name = p.step.name;
    if (dagType === "chain") {
      issues.add(keyPos(p.node, "type"), join(p.path, "type"), `step '${name}': router steps require type 'graph'; change DAG type from 'chain' to 'graph' to use router steps`);
    }
    const seen = new Map<string, string>();
    for (const route of router.routes) {
      for (const target of route.targets) {
        const at = join(join(p.path, "routes"), route.pattern);
        const first = seen.get(target);
        if (first !== undefined) {
          issues.add(keyPos(p.node, "routes"), at, `router "${name}": step "${target}" is targeted by multiple routes ("${first}" and "${route.pattern}"); each step can only be a target of one route`);
          continue;
        }
        seen.set(target, route.pattern);
        const ti = index.get(target);
        if (ti === undefined) {
          issues.add(keyPos(p.node, "routes"), at, `router "${name}" references non-existent step "${target}"`);
          continue;
        }
        const t = out[ti] as Step;
        out[ti] = {
          ...t,
          preconditions: [...t.preconditions, { condition: router.value, expected: route.pattern, negate: false }],
          depends: t.depends.includes(name) ? t.depends : [...t.depends, name],
          continueOn: { ...t.continueOn, skipped: true },
        };
      }
    }
    const self = out[i] as Step;
    out[i] = { ...self, continueOn: { ...self.continueOn, skipped: true } };
  });
  return out;
}
