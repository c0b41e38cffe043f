import { expect, test } from "bun:test";
import { findCycle, planLevels } from "../../src/core/step-graph.ts";

const g = (spec: Record<string, string[]>) => Object.entries(spec).map(([name, depends]) => ({ name, depends }));

test("planLevels groups steps that can run together, in input order", () => {
  expect(planLevels(g({ a: [], b: ["a"], c: ["a"], d: ["b", "c"], e: [] }))).toEqual([["a", "e"], ["b", "c"], ["d"]]);
});

test("findCycle returns the cycle's path, or undefined", () => {
  expect(findCycle(g({ a: ["c"], b: ["a"], c: ["b"], d: [] }))).toEqual(["a", "c", "b", "a"]);
  expect(findCycle(g({ a: ["a"] }))).toEqual(["a", "a"]);
  expect(findCycle(g({ a: [], b: ["a"], c: ["a", "b"] }))).toBeUndefined();
});
