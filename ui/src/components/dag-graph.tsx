/**
 * @module ui/components/dag-graph
 * The step graph of a DAG or run as SVG, left to right (layout in dag-layout.ts): rounded
 * nodes coloured by step status (running ones pulse), curved edges with arrowheads, a
 * scrollable frame for large graphs. Clicking (or Enter on) a node calls `onSelect`.
 * The layout is recomputed only when names or dependencies change, not on status updates.
 */
import { createMemo, For, type JSX, Show, untrack } from "solid-js";
import { statusClass, statusLabel } from "../status.ts";
import { layoutDag, nodeHeight, nodeWidth } from "./dag-layout.ts";

export interface GraphStep {
  readonly name: string;
  readonly depends: readonly string[];
  readonly status?: number;
}

const textLeft = 28;
const textRight = 12;
const font = "500 13px system-ui, -apple-system, 'Segoe UI', Roboto, 'Liberation Sans', sans-serif";

let measureCtx: CanvasRenderingContext2D | null | undefined;

/** Text width in px with the node font (canvas measure; a per-character guess without it). */
function textWidth(s: string): number {
  if (measureCtx === undefined) {
    measureCtx = document.createElement("canvas").getContext("2d");
    if (measureCtx) measureCtx.font = font;
  }
  return measureCtx ? measureCtx.measureText(s).width : s.length * 7.5;
}

/** The name cut with an ellipsis to fit the node. */
function fit(name: string, max = nodeWidth - textLeft - textRight): string {
  if (textWidth(name) <= max) return name;
  let lo = 0;
  let hi = name.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (textWidth(`${name.slice(0, mid)}…`) <= max) lo = mid;
    else hi = mid - 1;
  }
  return `${name.slice(0, lo)}…`;
}

let graphSeq = 0;

export function DagGraph(props: { steps: readonly GraphStep[]; selected?: string; onSelect?: (name: string) => void }): JSX.Element {
  // One marker id per graph: two graphs on a page must not share (and restyle) one.
  const markerId = `dag-arrow-${++graphSeq}`;
  const shape = createMemo(() => props.steps.map((s) => `${s.name}\u0000${s.depends.join("\u0001")}`).join("\u0002"));
  const layout = createMemo(() => {
    shape();
    return untrack(() => layoutDag(props.steps));
  });
  const statusOf = createMemo(() => new Map(props.steps.map((s) => [s.name, s.status ?? 0])));
  const labels = createMemo(() => new Map(layout().nodes.map((n) => [n.name, fit(n.name)])));
  const related = (from: string, to: string): boolean => props.selected !== undefined && (props.selected === from || props.selected === to);

  return (
    <div class="dag-graph" data-testid="dag-graph">
      <Show when={props.steps.length > 0} fallback={<div class="empty muted">No steps</div>}>
        <svg width={layout().width} height={layout().height} viewBox={`0 0 ${layout().width} ${layout().height}`} role="img" aria-label="Step graph">
          <defs>
            <marker id={markerId} viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse" markerUnits="userSpaceOnUse">
              <path d="M 0 0 L 10 5 L 0 10 z" class="dag-arrow" />
            </marker>
            <marker id={`${markerId}-hl`} viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse" markerUnits="userSpaceOnUse">
              <path d="M 0 0 L 10 5 L 0 10 z" class="dag-arrow dag-arrow-hl" />
            </marker>
          </defs>
          <g class="dag-edges">
            <For each={layout().edges}>
              {(e) => (
                <path
                  d={e.path}
                  class={related(e.from, e.to) ? "dag-edge dag-edge-hl" : "dag-edge"}
                  marker-end={`url(#${markerId}${related(e.from, e.to) ? "-hl" : ""})`}
                  data-from={e.from}
                  data-to={e.to}
                />
              )}
            </For>
          </g>
          <For each={layout().nodes}>
            {(n) => {
              const status = (): number => statusOf().get(n.name) ?? 0;
              return (
                <g
                  class={`dag-node ${statusClass(status(), "step")}${props.selected === n.name ? " dag-node-selected" : ""}`}
                  transform={`translate(${n.x} ${n.y - nodeHeight / 2})`}
                  data-testid="graph-node"
                  data-step={n.name}
                  tabindex="0"
                  role="button"
                  aria-label={`${n.name}: ${statusLabel(status(), "step")}`}
                  onClick={() => props.onSelect?.(n.name)}
                  onKeyDown={(ev) => {
                    if (ev.key === "Enter" || ev.key === " ") {
                      ev.preventDefault();
                      props.onSelect?.(n.name);
                    }
                  }}
                >
                  <title>{`${n.name} — ${statusLabel(status(), "step")}`}</title>
                  <rect class="dag-node-box" width={nodeWidth} height={nodeHeight} rx="9" ry="9" />
                  <circle class="dag-node-dot" cx="15" cy={nodeHeight / 2} r="5" />
                  <text class="dag-node-label" x={textLeft} y={nodeHeight / 2} dominant-baseline="central">
                    {labels().get(n.name)}
                  </text>
                </g>
              );
            }}
          </For>
        </svg>
      </Show>
    </div>
  );
}
