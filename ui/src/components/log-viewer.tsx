/**
 * @module ui/components/log-viewer
 * A log file in the browser: line numbers, the last N lines (or all of them), live tailing
 * while the run goes on, auto-scroll that stops when the user scrolls up, and a download of
 * the whole file. Where the server streams the file (SSE) the viewer follows the stream;
 * otherwise (sub-DAG runs) it polls the log endpoint by line offset.
 */
import { createEffect, createMemo, createSignal, type JSX, on, onCleanup, Show, untrack } from "solid-js";
import { type Log, subscribe } from "../api.ts";
import { errorMessage, Spinner } from "./common.tsx";

export interface LogQuery {
  readonly tail?: number;
  readonly offset?: number;
  readonly limit?: number;
}

/** Where a log comes from. A new `key` means another file: the viewer starts over. */
export interface LogSource {
  readonly key: string;
  /** Name the download is saved under, e.g. `build.stdout.log`. */
  readonly fileName: string;
  read(q: LogQuery): Promise<Log>;
  /** SSE path that streams the file from its first byte while the run is live. */
  readonly live?: string;
  readonly liveQuery?: Readonly<Record<string, string>>;
}

const pageLines = 10_000; // the API's largest `limit`
const maxLines = 200_000; // beyond this "show all" stops (the browser would crawl)
const pollMs = 1500;

function splitLines(log: Log): string[] {
  if (log.lineCount === 0 || (log.content === "" && log.lineCount === undefined)) return [];
  return log.content.split("\n");
}

function splitChunk(text: string): string[] {
  return text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

/** Every line of a log, page by page (for "show all" and downloads). */
async function readAll(source: LogSource): Promise<{ lines: string[]; capped: boolean }> {
  const lines: string[] = [];
  for (let offset = 1; ; offset += pageLines) {
    const page = await source.read({ offset, limit: pageLines });
    lines.push(...splitLines(page));
    if (!page.hasMore) return { lines, capped: false };
    if (lines.length >= maxLines) return { lines, capped: true };
  }
}

export function LogViewer(props: {
  source: LogSource;
  /** Whether the run is still going (the log may grow). */
  running: boolean;
  /** Lines shown in tail mode. */
  tail?: number;
  testId?: string;
}): JSX.Element {
  const tailN = (): number => props.tail ?? 500;
  const [lines, setLines] = createSignal<string[]>([]);
  /** Line number (1-based) of `lines()[0]` in the file. */
  const [firstLine, setFirstLine] = createSignal(1);
  /** `lines()` holds the file from line 1 to its current end. */
  const [complete, setComplete] = createSignal(false);
  const [showAll, setShowAll] = createSignal(false);
  const [capped, setCapped] = createSignal(false);
  const [loading, setLoading] = createSignal(true);
  const [following, setFollowing] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const [stick, setStick] = createSignal(true);
  let box: HTMLDivElement | undefined;
  let stop: (() => void) | undefined;
  let generation = 0;

  function reset(): void {
    stop?.();
    stop = undefined;
    generation++;
    setError(undefined);
    setCapped(false);
    setFollowing(false);
  }

  async function loadStatic(gen: number): Promise<void> {
    setLoading(true);
    try {
      if (showAll()) {
        const all = await readAll(props.source);
        if (gen !== generation) return;
        setLines(all.lines);
        setFirstLine(1);
        setComplete(!all.capped);
        setCapped(all.capped);
      } else {
        const log = await props.source.read({ tail: tailN() });
        if (gen !== generation) return;
        const got = splitLines(log);
        setLines(got);
        setFirstLine(Math.max(1, (log.totalLines ?? got.length) - got.length + 1));
        setComplete(!log.hasMore);
      }
    } catch (e) {
      if (gen === generation) setError(errorMessage(e));
    } finally {
      if (gen === generation) setLoading(false);
    }
  }

  /** Add streamed lines, keeping at most `maxLines` (older ones are read again on demand). */
  function append(more: string[]): void {
    const next = [...lines(), ...more];
    const drop = next.length - maxLines;
    if (drop > 0) {
      setFirstLine(firstLine() + drop);
      setLines(next.slice(drop));
    } else {
      setLines(next);
    }
  }

  /** Follow the server's stream: it replays the file from its start on every connection. */
  function follow(live: string): void {
    setLoading(true);
    setFollowing(true);
    setLines([]);
    setFirstLine(1);
    setComplete(false);
    stop = subscribe(
      live,
      {
        ready: () => {
          setLines([]);
          setFirstLine(1);
          setLoading(false);
        },
        log: (d) => {
          const content = (d as { content?: unknown }).content;
          if (typeof content === "string") append(splitChunk(content));
          setLoading(false);
        },
        end: () => {
          setComplete(true);
          setFollowing(false);
          setLoading(false);
        },
      },
      props.source.liveQuery,
    );
  }

  /** Poll by line offset; the last line is read again since it may have been partial. */
  function poll(gen: number): void {
    setFollowing(true);
    let timer: ReturnType<typeof setTimeout> | undefined;
    stop = () => clearTimeout(timer);
    const tick = async (first: boolean): Promise<void> => {
      const last = !untrack(() => props.running);
      try {
        if (first) {
          await loadStatic(gen);
        } else {
          for (;;) {
            const have = firstLine() + lines().length - 1;
            const offset = Math.max(1, have);
            const log = await props.source.read({ offset, limit: pageLines });
            if (gen !== generation) return;
            const got = splitLines(log);
            const keep = lines().slice(0, Math.max(0, offset - firstLine()));
            setLines([...keep, ...got]);
            if (!log.hasMore) break;
          }
        }
      } catch (e) {
        if (gen === generation) setError(errorMessage(e));
      }
      if (gen !== generation) return;
      if (last) {
        setFollowing(false);
        return;
      }
      timer = setTimeout(() => void tick(false), pollMs);
    };
    void tick(true);
  }

  function start(): void {
    reset();
    const gen = generation;
    const live = props.source.live;
    if (untrack(() => props.running)) {
      if (live) follow(live);
      else poll(gen);
    } else {
      void loadStatic(gen);
    }
  }

  createEffect(on(() => props.source.key, () => {
    setShowAll(false);
    setStick(true);
    start();
  }));
  // A retried run goes live again: start following it.
  createEffect(
    on(
      () => props.running,
      (running, was) => {
        if (running && was === false && !following()) start();
      },
      { defer: true },
    ),
  );
  onCleanup(() => stop?.());

  function toggleAll(): void {
    setShowAll(!showAll());
    // A stream holds every line from line 1 already; otherwise read what is missing.
    if (showAll() && firstLine() > 1) start();
  }

  const shown = createMemo(() => {
    const all = lines();
    return showAll() ? all : all.slice(-tailN());
  });
  const shownFirst = (): number => firstLine() + lines().length - shown().length;
  const hidden = (): number => shownFirst() - 1;
  const text = createMemo(() => shown().join("\n"));
  const numbers = createMemo(() => {
    const first = shownFirst();
    const n = shown().length;
    const out: string[] = new Array<string>(n);
    for (let i = 0; i < n; i++) out[i] = String(first + i);
    return out.join("\n");
  });

  // After new text, and once the box appears after loading.
  createEffect(() => {
    text();
    if (!loading() && box && stick()) box.scrollTop = box.scrollHeight;
  });

  function onScroll(): void {
    if (!box) return;
    setStick(box.scrollTop + box.clientHeight >= box.scrollHeight - 8);
  }

  async function download(): Promise<void> {
    let content: string[];
    try {
      content = complete() && firstLine() === 1 ? lines() : (await readAll(props.source)).lines;
    } catch (e) {
      setError(errorMessage(e));
      return;
    }
    const blob = new Blob([content.join("\n") + (content.length > 0 ? "\n" : "")], { type: "text/plain" });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = props.source.fileName;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  return (
    <div class="log-viewer" data-testid={props.testId ?? "log-viewer"}>
      <div class="log-toolbar">
        <span class="muted" data-testid="log-info">
          <Show when={following()}>
            <span class="log-live">● live</span>{" "}
          </Show>
          {lines().length === 0 && !loading() ? "empty" : `lines ${shown().length === 0 ? 0 : shownFirst()}–${shownFirst() + shown().length - 1}`}
          <Show when={hidden() > 0}> ({hidden()} earlier hidden)</Show>
          <Show when={capped()}> (first {maxLines} lines only)</Show>
        </span>
        <span class="spacer" />
        <Show when={hidden() > 0 || showAll()}>
          <button type="button" data-testid="log-toggle-all" onClick={toggleAll}>
            {showAll() ? `Show last ${tailN()}` : "Show all"}
          </button>
        </Show>
        <Show when={!stick()}>
          <button
            type="button"
            onClick={() => {
              setStick(true);
              if (box) box.scrollTop = box.scrollHeight;
            }}
          >
            ↓ Follow
          </button>
        </Show>
        <button type="button" data-testid="log-download" onClick={() => void download()}>
          Download
        </button>
      </div>
      <Show when={error()}>{(e) => <div class="error-box">{e()}</div>}</Show>
      <Show when={!loading()} fallback={<Spinner />}>
        <div class="log log-body" ref={box} onScroll={onScroll}>
          <pre class="log-gutter" aria-hidden="true">
            {numbers()}
          </pre>
          <pre class="log-text" data-testid="log-text">
            {text()}
          </pre>
        </div>
      </Show>
    </div>
  );
}
