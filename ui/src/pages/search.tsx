/**
 * @module ui/pages/search
 * Full-text search over DAG definitions: the server greps every spec (so DAG names, step
 * names and commands all match) and returns a few lines of context per hit. The query lives in
 * the URL (`?q=`) so a search can be linked and survives reloads.
 */
import { A, useSearchParams } from "@solidjs/router";
import { createEffect, createResource, createSignal, For, Index, type JSX, Match, on, onCleanup, Show, Suspense, Switch } from "solid-js";
import { api, seg } from "../api.ts";
import { Empty, ErrorBox, PageHeader, Spinner } from "../components/common.tsx";

type SearchResult = Awaited<ReturnType<typeof api.searchDAGs>>["results"][number];
type SearchHit = SearchResult["matches"][number];

const debounceMs = 250;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `text` with every case-insensitive occurrence of `q` wrapped in <mark> (as the server matches). */
function Highlight(props: { text: string; q: string }): JSX.Element {
  // split() with a capturing group keeps the matches at the odd indexes.
  const parts = (): string[] => (props.q ? props.text.split(new RegExp(`(${escapeRegExp(props.q)})`, "gi")) : [props.text]);
  return <Index each={parts()}>{(p, i) => (i % 2 === 1 ? <mark>{p()}</mark> : <>{p()}</>)}</Index>;
}

function Snippet(props: { match: SearchHit; q: string }): JSX.Element {
  // A file's final newline would show as an empty numbered line; drop it.
  const lines = (): string[] => props.match.line.replace(/\n$/, "").split("\n");
  return (
    <div class="search-snippet" data-testid="search-match" data-line={props.match.lineNumber}>
      <For each={lines()}>
        {(text, i) => {
          const n = (): number => props.match.startLine + i();
          return (
            <div class="search-line" classList={{ hit: n() === props.match.lineNumber }}>
              <span class="search-ln">{n()}</span>
              <code class="search-text">
                <Highlight text={text} q={props.q} />
              </code>
            </div>
          );
        }}
      </For>
    </div>
  );
}

function ResultCard(props: { result: SearchResult; q: string }): JSX.Element {
  const count = (): number => props.result.matches.length;
  return (
    <section class="card search-result" data-testid="search-result" data-dag={props.result.name}>
      <div class="search-result-head">
        <A href={`/dags/${seg(props.result.name)}`} class="search-dag" data-testid="search-dag-link">
          {props.result.name}
        </A>
        <Show when={props.result.dag.name && props.result.dag.name !== props.result.name}>
          <span class="muted">({props.result.dag.name})</span>
        </Show>
        <span class="spacer" />
        <span class="muted small">
          {count()} {count() === 1 ? "match" : "matches"}
        </span>
      </div>
      <Show when={props.result.dag.description}>
        <p class="muted search-desc">{props.result.dag.description}</p>
      </Show>
      <div class="search-snippets">
        <For each={props.result.matches}>{(m) => <Snippet match={m} q={props.q} />}</For>
      </div>
    </section>
  );
}

export default function SearchPage(): JSX.Element {
  const [params, setParams] = useSearchParams<{ q?: string }>();
  const urlQuery = (): string => (typeof params.q === "string" ? params.q : "");
  const [input, setInput] = createSignal(urlQuery());

  // The URL is the source of truth; typing updates it after a pause, and back/forward update the box.
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  const onInput = (value: string): void => {
    setInput(value);
    clearTimeout(timer);
    timer = setTimeout(() => setParams({ q: value.trim() ? value : undefined }, { replace: true }), debounceMs);
  };
  createEffect(
    on(urlQuery, (q) => {
      if (q.trim() !== input().trim()) setInput(q);
    }),
  );

  const query = (): string => urlQuery().trim();
  // `false` (not "") is what keeps a resource from fetching: an empty query is not a search.
  const [results] = createResource(() => query() || false, async (q) => ({ q, ...(await api.searchDAGs({ q })) }));
  const total = (): number => results.latest?.results.reduce((a, r) => a + r.matches.length, 0) ?? 0;

  return (
    <div class="search-page">
      <PageHeader title="Search" sub="DAG names, step names, commands: anything in the DAG definitions" />
      <form class="search-form" role="search" onSubmit={(e) => e.preventDefault()}>
        <input
          type="search"
          class="search-input"
          data-testid="search-input"
          placeholder="Search DAG definitions…"
          aria-label="Search DAG definitions"
          maxLength={1000}
          autofocus
          value={input()}
          onInput={(e) => onInput(e.currentTarget.value)}
        />
      </form>

      <Show when={query()} fallback={<Empty>Type a word to find it in every DAG: a name, a step, a command, a parameter.</Empty>}>
        <Suspense fallback={<Spinner />}>
          <Switch>
            <Match when={results.error}>
              <ErrorBox error={results.error} />
            </Match>
            <Match when={results.latest}>
              {(r) => (
                <div classList={{ stale: results.loading }}>
                  <Show
                    when={r().results.length > 0}
                    fallback={
                      <Empty>
                        <span data-testid="search-none">
                          No DAG contains “{r().q}”.
                        </span>
                      </Empty>
                    }
                  >
                    <p class="muted search-summary" data-testid="search-summary">
                      {total()} {total() === 1 ? "match" : "matches"} in {r().results.length} {r().results.length === 1 ? "DAG" : "DAGs"}
                    </p>
                    <div class="stack">
                      <For each={r().results}>{(res) => <ResultCard result={res} q={r().q} />}</For>
                    </div>
                  </Show>
                </div>
              )}
            </Match>
          </Switch>
        </Suspense>
      </Show>
    </div>
  );
}
