/**
 * @module core/step-graph
 * Pure graph functions over steps and their `depends`: cycle detection (with the cycle's
 * path, for error messages) and topological levels (what can run together).
 */

export interface GraphNode {
  readonly name: string;
  readonly depends: readonly string[];
}

/** The first dependency cycle found, as `[a, b, c, a]`, or undefined when the graph is acyclic. */
export function findCycle(nodes: readonly GraphNode[]): string[] | undefined {
  const deps = new Map(nodes.map((n) => [n.name, n.depends] as const));
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    const s = state.get(name);
    if (s === "done") return undefined;
    if (s === "open") return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, "open");
    stack.push(name);
    for (const d of deps.get(name) ?? []) {
      if (!deps.has(d)) continue;
      const found = visit(d);
      if (found) return found;
    }
    stack.pop();
    state.set(name, "done");
    return undefined;
  };
  for (const n of nodes) {
    const found = visit(n.name);
    if (found) return found;
  }
  return undefined;
}

/**
 * Kahn's algorithm by levels: level 0 has no dependencies, level k depends only on earlier
 * levels. Order inside a level follows the input order. Nodes on a cycle are left out.
 */
export function planLevels(nodes: readonly GraphNode[]): string[][] {
  const indegree = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const n of nodes) indegree.set(n.name, 0);
  for (const n of nodes) {
    for (const d of new Set(n.depends)) {
      if (!indegree.has(d)) continue;
      indegree.set(n.name, (indegree.get(n.name) ?? 0) + 1);
      dependents.set(d, [...(dependents.get(d) ?? []), n.name]);
    }
  }
  const order = new Map(nodes.map((n, i) => [n.name, i] as const));
  const levels: string[][] = [];
  let current = nodes.filter((n) => indegree.get(n.name) === 0).map((n) => n.name);
  while (current.length > 0) {
    levels.push(current);
    const next: string[] = [];
    for (const name of current) {
      for (const dep of dependents.get(name) ?? []) {
        const left = (indegree.get(dep) ?? 0) - 1;
        indegree.set(dep, left);
        if (left === 0) next.push(dep);
      }
    }
    current = next.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  }
  return levels;
}
