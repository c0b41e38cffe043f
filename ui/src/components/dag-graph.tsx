/**
 * @module ui/components/dag-graph
 * The step graph of a DAG or run as SVG, left to right (layout in dag-layout.ts): rounded
 * nodes coloured by step status (running ones pulse), curved edges with arrowheads, a
 * frame that scales a wide graph down to fit (not below 60 %) and scrolls beyond that, with
 * zoom buttons. Clicking (or Enter on) a node calls `onSelect`.
 * The layout is recomputed only when names or dependencies change, not on status updates.
 */
import { createMemo, createSignal, For, type JSX, onCleanup, onMount, Show, untrack } from "solid-js";
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
const minFit = 0.6;
const zoomSteps = [0.4, 0.5, 0.6, 0.75, 0.9, 1, 1.25, 1.5];
/** Not started, running, succeeded, failed, skipped, aborted. */
const legend = [0, 1, 4, 2, 5, 3] as const;

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

  // "fit": as large as possible up to 100 %, but readable (≥ 60 %); a number: chosen zoom.
  const [zoom, setZoom] = createSignal<"fit" | number>("fit");
  const [avail, setAvail] = createSignal(0);
  let frame: HTMLDivElement | undefined;
  onMount(() => {
    if (!frame) return;
    const el = frame;
    setAvail(el.clientWidth);
    const ro = new ResizeObserver(() => setAvail(el.clientWidth));
    ro.observe(el);
    onCleanup(() => ro.disconnect());
  });
  const scale = (): number => {
    const z = zoom();
    if (z !== "fit") return z;
    const w = layout().width;
    return w <= 0 || avail() <= 0 ? 1 : Math.min(1, Math.max(minFit, (avail() - 2) / w));
  };
  const stepZoom = (dir: 1 | -1): void => {
    const s = scale();
    const next = dir > 0 ? zoomSteps.find((z) => z > s + 0.001) : [...zoomSteps].reverse().find((z) => z < s - 0.001);
    if (next !== undefined) setZoom(next);
  };

  return (
    <div class="dag-graph-frame">
    <div class="dag-graph" data-testid="dag-graph" ref={frame}>
      <Show when={props.steps.length > 0} fallback={<div class="empty muted">No steps</div>}>
        <svg width={layout().width * scale()} height={layout().height * scale()} viewBox={`0 0 ${layout().width} ${layout().height}`} role="img" aria-label="Step graph">
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
      <Show when={props.steps.length > 0}>
        <div class="dag-graph-bar">
          <div class="dag-legend" aria-label="Step statuses">
            <For each={legend}>
              {(code) => (
                <span class="dag-legend-item">
                  <span class={`dag-legend-dot ${statusClass(code, "step")}`} />
                  {statusLabel(code, "step")}
                </span>
              )}
            </For>
          </div>
          <div class="dag-zoom" role="group" aria-label="Zoom">
            <button type="button" aria-label="Zoom out" title="Zoom out" onClick={() => stepZoom(-1)}>
              −
            </button>
            <button type="button" class="dag-zoom-level" title="Fit to width" data-testid="graph-zoom-fit" onClick={() => setZoom("fit")}>
              {Math.round(scale() * 100)}%
            </button>
            <button type="button" aria-label="Zoom in" title="Zoom in" onClick={() => stepZoom(1)}>
              +
            </button>
          </div>
        </div>
      </Show>
    </div>
  );
}
