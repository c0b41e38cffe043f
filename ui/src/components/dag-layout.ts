/**
 * @module ui/components/dag-layout
 * Layered (Sugiyama-style) layout of a step graph, left to right: longest-path layers from
 * `depends`, long edges broken into virtual points so they route between nodes, barycentre
 * sweeps to reduce crossings (the best ordering seen is kept), then vertical positions that
 * pull each node towards its neighbours while keeping the order (isotonic regression).
 * Pure and DOM-free so it can be measured and reused; DagGraph draws the result.
 */

export interface LayoutInput {
  readonly name: string;
  readonly depends: readonly string[];
}

export interface LayoutNode {
  readonly name: string;
  /** Index of the step in the input. */
  readonly index: number;
  readonly layer: number;
  /** Left edge and vertical centre. */
  readonly x: number;
  readonly y: number;
}

export interface LayoutEdge {
  readonly from: string;
  readonly to: string;
  /** SVG path data, ending at the target's left border. */
  readonly path: string;
}

export interface Layout {
  readonly nodes: readonly LayoutNode[];
  readonly edges: readonly LayoutEdge[];
  readonly width: number;
  readonly height: number;
}

export const nodeWidth = 172;
export const nodeHeight = 40;
const gapX = 56;
const gapY = 18;
const virtualHeight = 6;
const virtualGap = 8;
const pad = 16;
/** Distance between the arrow tip and the node border. */
const arrowGap = 1;

interface Vertex {
  readonly real: boolean;
  readonly layer: number;
  readonly index: number;
  readonly preds: number[];
  readonly succs: number[];
}

/** Longest-path layer of every step; a dependency cycle (rejected by the spec) is cut. */
function layersOf(preds: readonly (readonly number[])[]): number[] {
  const layer = new Array<number>(preds.length).fill(-1);
  const onPath = new Uint8Array(preds.length);
  // Iterative DFS so a chain of thousands of steps cannot overflow the stack.
  for (let root = 0; root < preds.length; root++) {
    if (layer[root] !== -1) continue;
    const stack: { v: number; i: number; best: number }[] = [{ v: root, i: 0, best: 0 }];
    onPath[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { v: number; i: number; best: number };
      const ps = preds[top.v] as readonly number[];
      if (top.i < ps.length) {
        const p = ps[top.i++] as number;
        if (onPath[p]) continue;
        if (layer[p] === -1) {
          onPath[p] = 1;
          stack.push({ v: p, i: 0, best: 0 });
        } else top.best = Math.max(top.best, (layer[p] as number) + 1);
        continue;
      }
      layer[top.v] = top.best;
      onPath[top.v] = 0;
      stack.pop();
      const parent = stack[stack.length - 1];
      if (parent) parent.best = Math.max(parent.best, top.best + 1);
    }
  }
  return layer;
}

/** Crossings between two adjacent layers (inversions of edge endpoints, by merge sort). */
function crossings(pairs: [number, number][]): number {
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const seq = pairs.map((p) => p[1]);
  const buf = new Array<number>(seq.length);
  const sort = (lo: number, hi: number): number => {
    if (hi - lo < 2) return 0;
    const mid = (lo + hi) >> 1;
    let n = sort(lo, mid) + sort(mid, hi);
    let i = lo;
    let j = mid;
    let k = lo;
    while (i < mid && j < hi) {
      if ((seq[j] as number) < (seq[i] as number)) {
        n += mid - i;
        buf[k++] = seq[j++] as number;
      } else buf[k++] = seq[i++] as number;
    }
    while (i < mid) buf[k++] = seq[i++] as number;
    while (j < hi) buf[k++] = seq[j++] as number;
    for (let x = lo; x < hi; x++) seq[x] = buf[x] as number;
    return n;
  };
  return sort(0, seq.length);
}

/** Non-decreasing values closest (least squares) to `target`: pool adjacent violators. */
function isotonic(target: readonly number[], weight: readonly number[]): number[] {
  const blocks: { sum: number; w: number; n: number }[] = [];
  target.forEach((t, i) => {
    const w = weight[i] as number;
    blocks.push({ sum: t * w, w, n: 1 });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1] as { sum: number; w: number; n: number };
      const a = blocks[blocks.length - 2] as { sum: number; w: number; n: number };
      if (a.sum / a.w <= b.sum / b.w) break;
      blocks.pop();
      a.sum += b.sum;
      a.w += b.w;
      a.n += b.n;
    }
  });
  const out: number[] = [];
  for (const b of blocks) for (let i = 0; i < b.n; i++) out.push(b.sum / b.w);
  return out;
}

export function layoutDag(steps: readonly LayoutInput[]): Layout {
  const index = new Map<string, number>();
  steps.forEach((s, i) => {
    if (!index.has(s.name)) index.set(s.name, i);
  });
  const preds = steps.map((s, i) => [...new Set(s.depends.map((d) => index.get(d)).filter((p): p is number => p !== undefined && p !== i))]);
  const layer = layersOf(preds);

  // Vertices: the steps, then one virtual point per layer crossed by a long edge.
  const verts: Vertex[] = steps.map((_, i) => ({ real: true, layer: layer[i] as number, index: i, preds: [], succs: [] }));
  const chains: { from: number; to: number; via: number[] }[] = [];
  const link = (a: number, b: number): void => {
    (verts[a] as Vertex).succs.push(b);
    (verts[b] as Vertex).preds.push(a);
  };
  preds.forEach((ps, to) => {
    for (const from of ps) {
      const lf = layer[from] as number;
      const lt = layer[to] as number;
      if (lf >= lt) continue; // a cycle's back edge: not drawn
      const via: number[] = [];
      let prev = from;
      for (let l = lf + 1; l < lt; l++) {
        const v = verts.length;
        verts.push({ real: false, layer: l, index: -1, preds: [], succs: [] });
        link(prev, v);
        via.push(v);
        prev = v;
      }
      link(prev, to);
      chains.push({ from, to, via });
    }
  });

  const layerCount = steps.length === 0 ? 0 : Math.max(...layer) + 1;
  let order: number[][] = Array.from({ length: layerCount }, () => []);
  // Initial order: steps in spec order, each layer then sorted by its predecessors' places.
  verts.forEach((v, i) => (order[v.layer] as number[]).push(i));
  const pos = new Float64Array(verts.length);
  const place = (o: number[][]): void => {
    for (const row of o) row.forEach((v, i) => (pos[v] = i));
  };
  place(order);

  const sweep = (l: number, down: boolean): void => {
    const row = order[l] as number[];
    const bary = new Map<number, number>();
    for (const v of row) {
      const ns = down ? (verts[v] as Vertex).preds : (verts[v] as Vertex).succs;
      bary.set(v, ns.length > 0 ? ns.reduce((s, n) => s + (pos[n] as number), 0) / ns.length : (pos[v] as number));
    }
    row.sort((a, b) => (bary.get(a) as number) - (bary.get(b) as number) || (pos[a] as number) - (pos[b] as number));
    row.forEach((v, i) => (pos[v] = i));
  };
  const totalCrossings = (): number => {
    let n = 0;
    for (let l = 0; l + 1 < layerCount; l++) {
      const pairs: [number, number][] = [];
      for (const v of order[l] as number[]) for (const s of (verts[v] as Vertex).succs) pairs.push([pos[v] as number, pos[s] as number]);
      n += crossings(pairs);
    }
    return n;
  };
  for (let l = 1; l < layerCount; l++) sweep(l, true);
  let best = order.map((r) => [...r]);
  let bestCrossings = totalCrossings();
  for (let iter = 0; iter < 8 && bestCrossings > 0; iter++) {
    if (iter % 2 === 0) for (let l = layerCount - 2; l >= 0; l--) sweep(l, false);
    else for (let l = 1; l < layerCount; l++) sweep(l, true);
    const c = totalCrossings();
    if (c < bestCrossings) {
      bestCrossings = c;
      best = order.map((r) => [...r]);
    }
  }
  order = best;
  place(order);

  // Vertical centres: start stacked, then pull towards neighbours keeping order and spacing.
  const height = (v: number): number => ((verts[v] as Vertex).real ? nodeHeight : virtualHeight);
  const sep = (a: number, b: number): number => (height(a) + height(b)) / 2 + ((verts[a] as Vertex).real && (verts[b] as Vertex).real ? gapY : virtualGap);
  const y = new Float64Array(verts.length);
  const offsets = order.map((row) => {
    const o: number[] = [];
    row.forEach((v, i) => o.push(i === 0 ? 0 : (o[i - 1] as number) + sep(row[i - 1] as number, v)));
    return o;
  });
  order.forEach((row, l) => {
    const o = offsets[l] as number[];
    const mid = (o[o.length - 1] ?? 0) / 2;
    row.forEach((v, i) => (y[v] = (o[i] as number) - mid));
  });
  const align = (l: number, use: "preds" | "succs" | "both"): void => {
    const row = order[l] as number[];
    const o = offsets[l] as number[];
    const target: number[] = [];
    const weight: number[] = [];
    row.forEach((v, i) => {
      const vx = verts[v] as Vertex;
      const ns = use === "preds" ? vx.preds : use === "succs" ? vx.succs : [...vx.preds, ...vx.succs];
      const want = ns.length > 0 ? ns.reduce((s, n) => s + (y[n] as number), 0) / ns.length : (y[v] as number);
      target.push(want - (o[i] as number));
      // Virtual points weigh more, so long edges stay straight rather than zig-zag.
      weight.push(ns.length === 0 ? 0.1 : vx.real ? 1 : 2);
    });
    isotonic(target, weight).forEach((z, i) => (y[row[i] as number] = z + (o[i] as number)));
  };
  for (let iter = 0; iter < 4; iter++) {
    for (let l = 1; l < layerCount; l++) align(l, "preds");
    for (let l = layerCount - 2; l >= 0; l--) align(l, "succs");
  }
  for (let l = 0; l < layerCount; l++) align(l, "both");

  let top = Number.POSITIVE_INFINITY;
  let bottom = Number.NEGATIVE_INFINITY;
  verts.forEach((_, v) => {
    top = Math.min(top, (y[v] as number) - height(v) / 2);
    bottom = Math.max(bottom, (y[v] as number) + height(v) / 2);
  });
  if (verts.length === 0) top = bottom = 0;
  const shift = pad - top;
  const xOf = (l: number): number => pad + l * (nodeWidth + gapX);
  const yOf = (v: number): number => (y[v] as number) + shift;

  const nodes: LayoutNode[] = steps.map((s, i) => ({ name: s.name, index: i, layer: layer[i] as number, x: xOf(layer[i] as number), y: yOf(i) }));
  const curve = (x1: number, y1: number, x2: number, y2: number): string => {
    const dx = (x2 - x1) / 2;
    return ` C ${x1 + dx} ${y1}, ${x2 - dx} ${y2}, ${x2} ${y2}`;
  };
  const edges: LayoutEdge[] = chains.map(({ from, to, via }) => {
    let x = xOf(layer[from] as number) + nodeWidth;
    let yy = yOf(from);
    let d = `M ${x} ${yy}`;
    for (const v of via) {
      const vx = xOf((verts[v] as Vertex).layer);
      d += curve(x, yy, vx, yOf(v));
      x = vx + nodeWidth;
      yy = yOf(v);
      d += ` L ${x} ${yy}`;
    }
    d += curve(x, yy, xOf(layer[to] as number) - arrowGap, yOf(to));
    return { from: (steps[from] as LayoutInput).name, to: (steps[to] as LayoutInput).name, path: d };
  });

  return {
    nodes,
    edges,
    width: layerCount === 0 ? 0 : xOf(layerCount - 1) + nodeWidth + pad,
    height: bottom - top + 2 * pad,
  };
}
