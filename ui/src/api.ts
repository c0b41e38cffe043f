/**
 * @module ui/api
 * The one place the UI talks to the server: the generated typed client (src/client) bound to
 * the API base the server injected into index.html, and `subscribe` for its server-sent
 * event streams.
 */
import { DaguClient } from "../../src/client/api-client.ts";

export type { DAGFile, DAGRunSummary, Log } from "../../src/client/api-client.ts";
export { ApiError } from "../../src/client/api-client.ts";

/** Written by the server into index.html (see src/server/ui-assets.ts). */
export interface UiConfig {
  readonly basePath: string;
  readonly apiBase: string;
  readonly version: string;
  readonly title: string;
}

declare global {
  interface Window {
    __DAGU__?: UiConfig;
  }
}

export const config: UiConfig = window.__DAGU__ ?? { basePath: "", apiBase: "/api/v2", version: "dev", title: "Dagu" };

export const api = new DaguClient({ baseUrl: new URL(config.apiBase, location.origin).href });

/** An app path under the server's base path, for links that leave the router (downloads). */
export function appUrl(path: string): string {
  return config.basePath + path;
}

/** An API path (e.g. `/dag-runs/x/y/log`) as an absolute URL, for downloads and EventSource. */
export function apiUrl(path: string, query?: Readonly<Record<string, string | number | undefined>>): string {
  const url = new URL(config.apiBase + path, location.origin);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  return url.href;
}

/**
 * Listen to a server-sent event stream; returns the function that closes it. The browser
 * reconnects by itself after a network error; `end` closes it for good.
 */
export function subscribe(
  path: string,
  handlers: Readonly<Record<string, (data: unknown) => void>>,
  query?: Readonly<Record<string, string | undefined>>,
): () => void {
  const source = new EventSource(apiUrl(path, query));
  for (const [event, handle] of Object.entries(handlers)) {
    source.addEventListener(event, (e) => {
      const text = (e as MessageEvent<string>).data;
      let data: unknown = text;
      try {
        data = JSON.parse(text);
      } catch {}
      handle(data);
      if (event === "end") source.close();
    });
  }
  return () => source.close();
}

/** `encodeURIComponent` for path segments (DAG names and run ids never contain `/`). */
export const seg = encodeURIComponent;
