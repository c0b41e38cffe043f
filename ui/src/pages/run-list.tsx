/**
 * @module ui/pages/run-list
 * All DAG runs (`/dag-runs`), newest first, filtered by DAG name, status, date range and run
 * id. The filters are the URL's search params (`name`, `status`, `from`, `to`, `id`, `page`),
 * so the dashboard can link to `?status=N` and a filtered view can be shared. Rows change
 * live from the `/events/dag-runs` stream; a run not yet listed makes the list reload.
 */
import { A, useSearchParams } from "@solidjs/router";
import { createEffect, createMemo, createResource, For, type JSX, on, onCleanup, Show } from "solid-js";
import { api, type DAGRunSummary, seg, subscribe } from "../api.ts";
import { Empty, ErrorBox, PageHeader, Spinner, StatusBadge } from "../components/common.tsx";
import { useNow } from "../components/run-clock.ts";
import { runPath } from "../components/run-ref.ts";
import { formatTime, relativeTime, runDuration } from "../format.ts";
import { runStatusCodes, statusLabel } from "../status.ts";

const perPage = 50;

type Filters = {
  name?: string;
  status?: string;
  from?: string;
  to?: string;
  id?: string;
  page?: string;
};

function one(v: string | string[] | undefined): string {
  return (Array.isArray(v) ? v[0] : v) ?? "";
}

/** `YYYY-MM-DD` (local day) → unix seconds at its start, or its end with `end`. */
function daySeconds(day: string, end: boolean): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const d = new Date(`${day}T${end ? "23:59:59" : "00:00:00"}`);
  return Number.isNaN(d.getTime()) ? undefined : Math.floor(d.getTime() / 1000);
}

const key = (r: DAGRunSummary): string => `${r.name}/${r.dagRunId}`;

export default function RunList(): JSX.Element {
  const [search, setSearch] = useSearchParams<Filters>();
  const query = createMemo(() => {
    const status = one(search.status);
    return {
      name: one(search.name).trim(),
      status: /^[0-8]$/.test(status) ? Number(status) : undefined,
      from: one(search.from),
      to: one(search.to),
      id: one(search.id).trim(),
    };
  }, undefined, { equals: (a, b) => JSON.stringify(a) === JSON.stringify(b) });

  const [runs, { mutate, refetch }] = createResource(query, async (q) => {
    const from = daySeconds(q.from, false);
    const to = daySeconds(q.to, true);
    const res = await api.listDAGRuns({
      ...(q.name ? { name: q.name } : {}),
      ...(q.status !== undefined ? { status: q.status } : {}),
      ...(from !== undefined ? { fromDate: from } : {}),
      ...(to !== undefined ? { toDate: to } : {}),
      ...(q.id ? { dagRunId: q.id } : {}),
    });
    return res.dagRuns;
  });

  // Ticks always: "started 5s ago" moves on even when nothing runs.
  const now = useNow(() => true);

  // Live: update rows in place; a run we do not list yet may belong here, so reload (once).
  let reloadTimer: ReturnType<typeof setTimeout> | undefined;
  const close = subscribe("/events/dag-runs", {
    run: (data) => {
      const r = data as DAGRunSummary;
      if (typeof r !== "object" || r === null || typeof r.dagRunId !== "string") return;
      const list = runs.latest;
      if (!list) return;
      const i = list.findIndex((x) => key(x) === key(r));
      if (i >= 0) {
        const next = [...list];
        next[i] = r;
        mutate(next);
      } else if (!r.parentDAGRunId) {
        clearTimeout(reloadTimer);
        reloadTimer = setTimeout(() => void refetch(), 300);
      }
    },
  });
  onCleanup(() => {
    close();
    clearTimeout(reloadTimer);
  });

  // Text filters: the URL follows the inputs after a short pause.
  let typing: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(typing));
  function setText(field: "name" | "id", value: string): void {
    clearTimeout(typing);
    typing = setTimeout(() => setSearch({ [field]: value || undefined, page: undefined }, { replace: true }), 300);
  }
  function set(field: keyof Filters, value: string): void {
    setSearch({ [field]: value || undefined, page: undefined });
  }

  const page = (): number => Math.max(1, Number(one(search.page)) || 1);
  const pages = (): number => Math.max(1, Math.ceil((runs.latest?.length ?? 0) / perPage));
  const shown = createMemo(() => (runs.latest ?? []).slice((page() - 1) * perPage, page() * perPage));
  // A shorter list after a filter change: stay on a page that exists.
  createEffect(on(pages, (n) => {
    if (page() > n) setSearch({ page: undefined }, { replace: true });
  }));

  const filtered = (): boolean => Boolean(query().name || query().status !== undefined || query().from || query().to || query().id);

  return (
    <div data-testid="run-list">
      <PageHeader title="DAG runs" sub="Every run of every DAG, newest first" />
      <form class="card run-filters" data-testid="run-filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          DAG name
          <input type="search" placeholder="contains…" value={one(search.name)} data-testid="filter-name" onInput={(e) => setText("name", e.currentTarget.value)} />
        </label>
        <label>
          Status
          <select data-testid="filter-status" value={one(search.status)} onChange={(e) => set("status", e.currentTarget.value)}>
            <option value="">All</option>
            <For each={runStatusCodes}>
              {(c) => (
                <option value={String(c)} selected={one(search.status) === String(c)}>
                  {statusLabel(c)}
                </option>
              )}
            </For>
          </select>
        </label>
        <label>
          From
          <input type="date" data-testid="filter-from" value={one(search.from)} onChange={(e) => set("from", e.currentTarget.value)} />
        </label>
        <label>
          To
          <input type="date" data-testid="filter-to" value={one(search.to)} onChange={(e) => set("to", e.currentTarget.value)} />
        </label>
        <label>
          Run ID
          <input type="search" placeholder="contains…" value={one(search.id)} data-testid="filter-id" onInput={(e) => setText("id", e.currentTarget.value)} />
        </label>
        <div class="actions">
          <button
            type="button"
            disabled={!filtered()}
            data-testid="filter-clear"
            onClick={() => setSearch({ name: undefined, status: undefined, from: undefined, to: undefined, id: undefined, page: undefined })}
          >
            Clear
          </button>
          <button type="button" title="Reload" onClick={() => void refetch()}>
            ↻
          </button>
        </div>
      </form>
      <Show when={!runs.error} fallback={<ErrorBox error={runs.error} />}>
        <Show when={runs.latest} fallback={<Spinner />}>
          {(list) => (
            <Show when={list().length > 0} fallback={<Empty>{filtered() ? "No runs match these filters." : "No runs yet."}</Empty>}>
              <div class="table-wrap">
                <table data-testid="run-table">
                  <thead>
                    <tr>
                      <th>DAG</th>
                      <th>Status</th>
                      <th>Run ID</th>
                      <th>Started</th>
                      <th>Duration</th>
                      <th class="hide-narrow">Params</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={shown()}>
                      {(r) => (
                        <tr data-testid="run-row" data-name={r.name} data-status={r.status} data-run-id={r.dagRunId}>
                          <td>
                            <A href={`/dags/${seg(r.name)}`}>{r.name}</A>
                          </td>
                          <td>
                            <StatusBadge code={r.status} />
                          </td>
                          <td class="nowrap">
                            <A class="mono" href={runPath(r.name, r.dagRunId)} data-testid="run-link">
                              {r.dagRunId.length > 18 ? `${r.dagRunId.slice(0, 18)}…` : r.dagRunId}
                            </A>
                          </td>
                          <td class="nowrap" title={formatTime(r.startedAt)}>
                            <Show when={r.startedAt && r.startedAt !== "-"} fallback={<span class="muted">{r.status === 5 ? "queued" : "-"}</span>}>
                              <span class="hide-narrow">{formatTime(r.startedAt)} · </span>
                              <span class="muted">{relativeTime(r.startedAt, now())}</span>
                            </Show>
                          </td>
                          <td class="nowrap">{runDuration(r, now())}</td>
                          <td class="hide-narrow">
                            <div class="mono run-list-params" title={r.params ?? ""}>
                              {r.params ?? ""}
                            </div>
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
              <div class="pagination">
                <span class="muted" data-testid="run-count">
                  {list().length} run{list().length === 1 ? "" : "s"}
                </span>
                <Show when={pages() > 1}>
                  <button type="button" disabled={page() <= 1} onClick={() => setSearch({ page: page() - 1 > 1 ? String(page() - 1) : undefined })}>
                    ‹ Prev
                  </button>
                  <span>
                    {page()} / {pages()}
                  </span>
                  <button type="button" disabled={page() >= pages()} onClick={() => setSearch({ page: String(page() + 1) })}>
                    Next ›
                  </button>
                </Show>
              </div>
            </Show>
          )}
        </Show>
      </Show>
    </div>
  );
}
