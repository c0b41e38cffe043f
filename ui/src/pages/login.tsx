/**
 * @module ui/pages/login
 * Sign-in, shown when the server is in builtin or token auth mode and the API answered 401
 * (or no token is stored). Builtin: username and password → `POST /auth/login` → the JWT is
 * stored. Token mode: the API token is checked with `GET /auth/me` before it is stored.
 * Afterwards the browser goes back to the page it came from (`?next=`, same-site paths only).
 * In the other modes there is nothing to sign in to: the page goes to the dashboard.
 */
import { useNavigate, useSearchParams } from "@solidjs/router";
import { createSignal, type JSX, onMount, Show } from "solid-js";
import { DaguClient } from "../../../src/client/api-client.ts";
import { ApiError, api, config, usesLogin } from "../api.ts";
import { saveToken } from "../auth-token.ts";
import { errorMessage } from "../components/common.tsx";

/** Where to go after signing in: a path of this app, never another site. */
export function safeNext(next: string | undefined): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") && !next.startsWith("/login") ? next : "/";
}

export default function Login(): JSX.Element {
  const navigate = useNavigate();
  const [search] = useSearchParams<{ next?: string }>();
  const [username, setUsername] = createSignal("");
  const [secret, setSecret] = createSignal("");
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const tokenMode = config.authMode === "token";
  let first: HTMLInputElement | undefined;

  onMount(() => {
    if (!usesLogin) navigate("/", { replace: true });
    else first?.focus();
  });

  const signIn = async (): Promise<string> => {
    if (tokenMode) {
      const token = secret().trim();
      const probe = new DaguClient({ baseUrl: new URL(config.apiBase, location.origin).href, headers: { authorization: `Bearer ${token}` } });
      await probe.getCurrentUser();
      return token;
    }
    return (await api.login({ username: username().trim(), password: secret() })).token;
  };

  const submit = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    if (busy()) return;
    if ((!tokenMode && username().trim() === "") || secret() === "") {
      setError(tokenMode ? "Enter the API token." : "Enter your username and password.");
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      saveToken(await signIn(), config.apiBase);
      // A full load, so every page and stream starts with the new credentials.
      location.assign(config.basePath + safeNext(search.next));
    } catch (err) {
      setSecret("");
      setError(err instanceof ApiError && err.status === 401 ? (tokenMode ? "That token is not valid." : "Invalid username or password.") : errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <div class="login-screen">
      <form class="card login-card" onSubmit={(e) => void submit(e)} data-testid="login-form" aria-labelledby="login-title">
        <div class="brand login-brand">
          <span class="brand-mark" aria-hidden="true" />
          {config.title}
        </div>
        <h1 id="login-title">Sign in</h1>
        <Show
          when={!tokenMode}
          fallback={
            <label>
              API token
              <input
                ref={first}
                type="password"
                autocomplete="off"
                value={secret()}
                onInput={(e) => setSecret(e.currentTarget.value)}
                data-testid="login-token"
              />
            </label>
          }
        >
          <label>
            Username
            <input
              ref={first}
              autocomplete="username"
              autocapitalize="none"
              spellcheck={false}
              value={username()}
              onInput={(e) => setUsername(e.currentTarget.value)}
              data-testid="login-username"
            />
          </label>
          <label>
            Password
            <input
              type="password"
              autocomplete="current-password"
              value={secret()}
              onInput={(e) => setSecret(e.currentTarget.value)}
              data-testid="login-password"
            />
          </label>
        </Show>
        <Show when={error()}>
          {(m) => (
            <div class="error-box" role="alert" data-testid="login-error">
              {m()}
            </div>
          )}
        </Show>
        <button type="submit" class="primary login-submit" disabled={busy()} data-testid="login-submit">
          {busy() ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </div>
  );
}
