/**
 * @module ui/pages/dag-list
 * `/dags`: the DAG list. Filtering (name search, tag), sorting and pagination are the
 * server's (`GET /dags?name&tag&sort&order&page&perPage`), so only one page of rows is ever
 * fetched or rendered, whatever the number of DAGs. The filter lives in the URL
 * (`?name=&tag=&sort=&order=&page=&perPage=`), so reload and back keep it. Last-run
 * statuses follow the run event stream without refetching the page.
 */
import { useSearchParams } from "@solidjs/router";
import { createEffect, createMemo, createRenderEffect, createSignal, For, type JSX, on, onCleanup, Show } from "solid-js";
import { api, type DAGFile, subscribe } from "../api.ts";
import { Empty, ErrorBox, PageHeader, Spinner } from "../components/common.tsx";
import { isRunSummary } from "../components/dashboard-runs.ts";
import { DagListTable, type SortKey, type SortOrder } from "../components/dag-list-table.tsx";
import { NewDagDialog } from "../components/new-dag-dialog.tsx";
import { parseTime } from "../format.ts";

type ListResponse = Awaited<ReturnType<typeof api.listDAGs>>;

interface ListParams {
  name?: string;
  tag?: string;
  sort?: string;
  order?: string;
  page?: string;
  perPage?: string;
  [key: string]: string | undefined;
}

interface Query {
  readonly name: string;
  readonly tag: string;
  readonly sort: SortKey;
  readonly order: SortOrder;
  readonly page: number;
  readonly perPage: number;
}

const perPageChoices = [25, 50, 100] as const;
const defaultPerPage = 50;
const searchDelayMs = 250;

function positiveInt(s: string | undefined, fallback: number, max = 10_000): number {
  const n = Number(s);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, max) : fallback;
}

function sameQuery(a: Query, b: Query): boolean {
  return a.name === b.name && a.tag === b.tag && a.sort === b.sort && a.order === b.order && a.page === b.page && a.perPage === b.perPage;
}

export default function DagList(): JSX.Element {
  const [params, setParams] = useSearchParams<ListParams>();
  const query = createMemo<Query, undefined>(
    () => ({
      name: params.name ?? "",
      tag: params.tag ?? "",
      sort: params.sort === "nextRun" ? "nextRun" : "name",
      order: params.order === "desc" ? "desc" : "asc",
      page: positiveInt(params.page, 1),
      perPage: positiveInt(params.perPage, defaultPerPage, 500),
    }),
    undefined,
    { equals: sameQuery },
  );

  const [data, setData] = createSignal<ListResponse>();
  const [error, setError] = createSignal<unknown>();
  const [loading, setLoading] = createSignal(false);
  const [tags, setTags] = createSignal<readonly string[]>([]);
  const [now, setNow] = createSignal(Date.now());
  const [dialogOpen, setDialogOpen] = createSignal(false);
  // Switch flips made on this page since the last load (the rows hold the loaded value).
  const [suspendedNow, setSuspendedNow] = createSignal<ReadonlyMap<string, boolean>>(new Map());
  let seq = 0;

  const load = async (q: Query): Promise<void> => {
    const mine = ++seq;
    setLoading(true);
    try {
      const res = await api.listDAGs({
        page: q.page,
        perPage: q.perPage,
        ...(q.name ? { name: q.name } : {}),
        ...(q.tag ? { tag: q.tag } : {}),
        ...(q.sort !== "name" ? { sort: q.sort } : {}),
        ...(q.order !== "asc" ? { order: q.order } : {}),
      });
      // A slower answer to an older query must not replace a newer one.
      if (mine !== seq) return;
      setData(res);
      setSuspendedNow(new Map());
      setError(undefined);
    } catch (e) {
      if (mine === seq) setError(e);
    } finally {
      if (mine === seq) setLoading(false);
    }
  };
  // A render effect runs during setup, so the list request leaves before anything else.
  createRenderEffect(on(query, (q) => void load(q)));

  // The tag picker can wait: ask once the first page is in (both scan every DAG file).
  let tagsAsked = false;
  createEffect(() => {
    if ((data() || error()) && !tagsAsked) {
      tagsAsked = true;
      api
        .getAllDAGTags()
        .then((r) => setTags(r.tags))
        .catch(() => setTags([]));
    }
  });

  // Relative times ("5m ago") move on; the rows themselves are not refetched.
  const clock = setInterval(() => setNow(Date.now()), 30_000);
  onCleanup(() => clearInterval(clock));

  // A run of a listed DAG changed: update that row's last run in place.
  const close = subscribe("/events/dag-runs", {
    run: (d) => {
      if (!isRunSummary(d)) return;
      const cur = data();
      if (!cur || !cur.dags.some((x) => x.dag.name === d.name)) return;
      setData({
        ...cur,
        dags: cur.dags.map((x): DAGFile => {
          if (x.dag.name !== d.name) return x;
          const last = x.latestDAGRun;
          const isNewer = last.dagRunId === d.dagRunId || !last.dagRunId || (parseTime(d.startedAt)?.getTime() ?? 0) >= (parseTime(last.startedAt)?.getTime() ?? 0);
          return isNewer ? { ...x, latestDAGRun: d } : x;
        }),
      });
    },
  });
  onCleanup(close);

  /** Change the URL; a filter change goes back to page 1. Typing replaces history, clicks push. */
  const update = (patch: Partial<Record<keyof ListParams, string | undefined>>, replace = false): void => {
    setParams({ ...patch }, { replace });
  };

  // Search box: shows what is typed at once, asks the server after a pause.
  const [text, setText] = createSignal(params.name ?? "");
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  const onSearch = (v: string): void => {
    setText(v);
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => update({ name: v.trim() || undefined, page: undefined }, true), searchDelayMs);
  };
  onCleanup(() => clearTimeout(searchTimer));
  // Back/forward changes the URL under the box: follow it.
  createEffect(
    on(
      () => params.name,
      (n) => {
        if ((n ?? "") !== text().trim()) setText(n ?? "");
      },
      { defer: true },
    ),
  );

  const setTag = (t: string | undefined): void => update({ tag: t || undefined, page: undefined });
  const setSort = (key: SortKey, order: SortOrder): void =>
    update({ sort: key === "name" ? undefined : key, order: order === "asc" ? undefined : order, page: undefined });
  const goPage = (p: number): void => {
    update({ page: p > 1 ? String(p) : undefined });
    window.scrollTo({ top: 0 });
  };

  const pagination = (): ListResponse["pagination"] | undefined => data()?.pagination;
  const filtered = (): boolean => query().name !== "" || query().tag !== "";
  const rangeText = (): string => {
    const p = pagination();
    if (!p || p.totalRecords === 0) return "";
    const from = (p.currentPage - 1) * query().perPage + 1;
    const to = Math.min(p.totalRecords, p.currentPage * query().perPage);
    return `${from.toLocaleString()}–${to.toLocaleString()} of ${p.totalRecords.toLocaleString()}`;
  };
  const perPageOptions = (): number[] => [...new Set<number>([...perPageChoices, query().perPage])].sort((a, b) => a - b);
  // Tags offered in the picker: all known ones, plus the active one if the list lacks it.
  const tagChoices = (): string[] => {
    const all = [...tags()];
    if (query().tag && !all.includes(query().tag)) all.unshift(query().tag);
    return all;
  };

  return (
    <div class="dl">
      <PageHeader
        title="DAGs"
        sub={
          <Show when={pagination()} fallback="Workflows in the DAGs folder">
            {(p) => (
              <span data-testid="dag-total">{`${p().totalRecords.toLocaleString()}${filtered() ? " matching" : ""} DAG${p().totalRecords === 1 ? "" : "s"}`}</span>
            )}
          </Show>
        }
      >
        <button class="primary" onClick={() => setDialogOpen(true)} data-testid="new-dag-button">
          + New DAG
        </button>
      </PageHeader>

      <div class="toolbar dl-toolbar">
        <input
          type="search"
          class="dl-search"
          placeholder="Search by name…"
          aria-label="Search DAGs by name"
          value={text()}
          onInput={(e) => onSearch(e.currentTarget.value)}
          data-testid="dag-search"
        />
        <select
          class="dl-tag-select"
          aria-label="Filter by tag"
          value={query().tag}
          onChange={(e) => setTag(e.currentTarget.value || undefined)}
          data-testid="tag-select"
        >
          <option value="">All tags</option>
          <For each={tagChoices()}>{(t) => <option value={t}>{t}</option>}</For>
        </select>
        <Show when={query().tag}>
          <button class="tag active dl-active-tag" onClick={() => setTag(undefined)} title="Clear the tag filter" data-testid="active-tag">
            {query().tag} ✕
          </button>
        </Show>
        <Show when={filtered()}>
          <button
            class="dl-clear"
            onClick={() => {
              setText("");
              update({ name: undefined, tag: undefined, page: undefined });
            }}
          >
            Clear filters
          </button>
        </Show>
        <span class="spacer" />
        <Show when={loading() && data()}>
          <span class="dl-loading muted" role="status">
            Loading…
          </span>
        </Show>
      </div>

      <Show when={error()}>{(e) => <ErrorBox error={e()} />}</Show>

      <Show when={data()} fallback={<Show when={!error()}>{<Spinner />}</Show>}>
        {(res) => (
          <Show
            when={res().dags.length > 0}
            fallback={
              <Empty>
                <Show when={filtered()} fallback={<>No DAGs yet. Use “New DAG” to create one.</>}>
                  No DAGs match this filter.
                </Show>
              </Empty>
            }
          >
            <div classList={{ "dl-stale": loading() }}>
              <DagListTable
                dags={res().dags}
                now={now()}
                activeTag={query().tag || undefined}
                onTag={setTag}
                sort={query().sort}
                order={query().order}
                onSort={setSort}
                isSuspended={(d) => suspendedNow().get(d.fileName) ?? d.suspended}
                onSuspended={(f, v) => setSuspendedNow(new Map(suspendedNow()).set(f, v))}
              />
            </div>
          </Show>
        )}
      </Show>

      <Show when={pagination()}>
        {(p) => (
          <div class="pagination dl-pagination" data-testid="pagination">
            <span class="muted" data-testid="page-range">
              {rangeText()}
            </span>
            <span class="spacer" />
            <label class="dl-perpage">
              <span class="muted">Per page</span>
              <select value={String(query().perPage)} onChange={(e) => update({ perPage: e.currentTarget.value === String(defaultPerPage) ? undefined : e.currentTarget.value, page: undefined })} data-testid="per-page">
                <For each={perPageOptions()}>{(n) => <option value={String(n)}>{n}</option>}</For>
              </select>
            </label>
            <button disabled={p().currentPage <= 1} onClick={() => goPage(p().currentPage - 1)} data-testid="page-prev" aria-label="Previous page">
              ‹ Prev
            </button>
            <span class="dl-page-info" data-testid="page-info">
              Page {p().currentPage} of {p().totalPages}
            </span>
            <button disabled={p().currentPage >= p().totalPages} onClick={() => goPage(p().currentPage + 1)} data-testid="page-next" aria-label="Next page">
              Next ›
            </button>
          </div>
        )}
      </Show>

      <NewDagDialog open={dialogOpen()} onClose={() => setDialogOpen(false)} />
    </div>
  );
}
