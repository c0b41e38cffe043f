/**
 * @module ui/status
 * Status codes → names and colour classes, shared by badges, graph nodes and history cells.
 * The codes are Dagu's (src/core/status.ts); 5 is `queued` for a run and `skipped` for a step.
 */
import { nodeStatusName, type NodeStatus, type RunStatus, runStatusName, titleCase } from "../../src/core/status.ts";

export type StatusKind = "run" | "step";

export function statusName(code: number, kind: StatusKind = "run"): string {
  return kind === "run" ? runStatusName(code as RunStatus) ?? "unknown" : nodeStatusName(code as NodeStatus) ?? "unknown";
}

export function statusLabel(code: number, kind: StatusKind = "run"): string {
  return titleCase(statusName(code, kind));
}

/** CSS class `st-<name>`: colours live in styles.css so both themes can set them. */
export function statusClass(code: number, kind: StatusKind = "run"): string {
  return `st-${statusName(code, kind)}`;
}

export const runStatusCodes = [0, 1, 2, 3, 4, 5, 6, 7, 8] as const;
