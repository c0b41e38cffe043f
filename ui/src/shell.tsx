/**
 * @module ui/shell
 * The frame around every page: navigation (a sidebar on wide screens, a top bar with a menu on
 * phones), the theme switch and the version.
 */
import { A, type RouteSectionProps } from "@solidjs/router";
import { createSignal, For, type JSX, Suspense } from "solid-js";
import { config } from "./api.ts";
import { setTheme, theme } from "./theme.ts";
import { Spinner, Toast } from "./components/common.tsx";

const links: readonly { href: string; label: string; end?: boolean }[] = [
  { href: "/", label: "Dashboard", end: true },
  { href: "/dags", label: "DAGs" },
  { href: "/dag-runs", label: "Runs" },
  { href: "/queues", label: "Queues" },
  { href: "/search", label: "Search" },
  { href: "/system", label: "System" },
];

export function Shell(props: RouteSectionProps): JSX.Element {
  const [open, setOpen] = createSignal(false);
  return (
    <div class="shell" classList={{ "nav-open": open() }}>
      <header class="topbar">
        <button class="icon-btn menu-btn" aria-label="Menu" onClick={() => setOpen(!open())}>
          ☰
        </button>
        <A href="/" class="brand">
          <span class="brand-mark" aria-hidden="true" />
          {config.title}
        </A>
        <span class="spacer" />
        <button
          class="icon-btn"
          data-testid="theme-toggle"
          aria-label={theme() === "dark" ? "Switch to light theme" : "Switch to dark theme"}
          onClick={() => setTheme(theme() === "dark" ? "light" : "dark")}
        >
          {theme() === "dark" ? "☀" : "☾"}
        </button>
      </header>
      <nav class="sidebar" onClick={() => setOpen(false)}>
        <For each={links}>
          {(l) => (
            <A href={l.href} end={l.end ?? false} activeClass="active">
              {l.label}
            </A>
          )}
        </For>
        <span class="spacer" />
        <span class="version muted">v{config.version}</span>
      </nav>
      <main class="content">
        <Suspense fallback={<Spinner />}>{props.children}</Suspense>
      </main>
      <Toast />
    </div>
  );
}
