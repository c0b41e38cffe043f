/**
 * @module ui/shell
 * The frame around every page: navigation (a sidebar on wide screens, a top bar with a menu on
 * phones), the signed-in user's menu, the theme switch and the version. In builtin and token
 * auth mode, without a stored token, every page but /login sends the browser there first;
 * the login page itself is shown without the frame.
 */
import { A, type RouteSectionProps, useLocation, useMatch, useNavigate } from "@solidjs/router";
import { createEffect, createResource, createSignal, For, type JSX, Show, Suspense } from "solid-js";
import { api, config, loginPath, type User, usesLogin } from "./api.ts";
import { loadToken } from "./auth-token.ts";
import { setTheme, theme } from "./theme.ts";
import { Spinner, Toast } from "./components/common.tsx";
import { UserMenu } from "./components/user-menu.tsx";

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
  const onLogin = useMatch(() => "/login");
  const location = useLocation();
  const navigate = useNavigate();
  createEffect(() => {
    location.pathname; // re-check on every navigation (a logout clears the token)
    if (usesLogin && !onLogin() && !loadToken()) navigate(loginPath(), { replace: true });
  });
  // Who is signed in (any auth mode but none); a 401 here leads to the login page (ui/api.ts).
  const [user] = createResource(
    () => config.authMode !== undefined && config.authMode !== "none" && !onLogin() && (!usesLogin || loadToken() !== undefined),
    () => api.getCurrentUser().then((r) => r.user, () => undefined),
  );
  return (
    <Show
      when={!onLogin()}
      fallback={
        <>
          <Suspense fallback={<Spinner />}>{props.children}</Suspense>
          <Toast />
        </>
      }
    >
      <Frame open={open()} setOpen={setOpen} user={user.state === "ready" ? user() : undefined}>
        {props.children}
      </Frame>
    </Show>
  );
}

function Frame(props: { open: boolean; setOpen: (v: boolean) => void; user: User | undefined; children: JSX.Element }): JSX.Element {
  const setOpen = props.setOpen;
  const open = (): boolean => props.open;
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
        <Show when={props.user}>{(u) => <UserMenu user={u()} />}</Show>
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
