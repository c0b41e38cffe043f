/**
 * @module ui/components/user-menu
 * The signed-in principal in the top bar (name and role) with a menu: change password
 * (builtin users), log out (builtin and token mode: the stored token is forgotten; a JWT
 * cannot be recalled, it just stops being sent). Basic-auth users see their name only: the
 * browser keeps basic credentials until it is closed.
 */
import { useNavigate } from "@solidjs/router";
import { createEffect, createSignal, type JSX, onCleanup, Show } from "solid-js";
import { api, config, type User, usesLogin } from "../api.ts";
import { clearToken } from "../auth-token.ts";
import { ErrorBox, toast } from "./common.tsx";

/** A builtin user with a password (not an API key or the static token). */
function hasPassword(u: User): boolean {
  return config.authMode === "builtin" && !u.id.startsWith("apikey:") && u.id !== "api-token";
}

export function UserMenu(props: { user: User }): JSX.Element {
  const navigate = useNavigate();
  const [open, setOpen] = createSignal(false);
  const [changing, setChanging] = createSignal(false);
  let root: HTMLDivElement | undefined;

  const onDocClick = (e: MouseEvent): void => {
    if (root && !root.contains(e.target as Node)) setOpen(false);
  };
  document.addEventListener("click", onDocClick);
  onCleanup(() => document.removeEventListener("click", onDocClick));

  const logout = (): void => {
    clearToken(config.apiBase);
    setOpen(false);
    navigate("/login", { replace: true });
  };

  return (
    <div class="user-menu" ref={root} onKeyDown={(e) => e.key === "Escape" && setOpen(false)}>
      <button class="user-menu-btn" aria-haspopup="menu" aria-expanded={open()} data-testid="user-menu" onClick={() => setOpen(!open())}>
        <span class="user-menu-name">{props.user.username}</span>
        <span class="user-menu-role" data-testid="user-role">
          {props.user.role}
        </span>
      </button>
      <Show when={open()}>
        <div class="user-menu-list" role="menu">
          <div class="user-menu-who muted">
            Signed in as <strong>{props.user.username}</strong> ({props.user.role})
          </div>
          <Show when={hasPassword(props.user)}>
            <button
              role="menuitem"
              data-testid="change-password"
              onClick={() => {
                setOpen(false);
                setChanging(true);
              }}
            >
              Change password
            </button>
          </Show>
          <Show when={usesLogin}>
            <button role="menuitem" data-testid="logout" onClick={logout}>
              Log out
            </button>
          </Show>
        </div>
      </Show>
      <ChangePasswordDialog open={changing()} onClose={() => setChanging(false)} />
    </div>
  );
}

function ChangePasswordDialog(props: { open: boolean; onClose: () => void }): JSX.Element {
  const [current, setCurrent] = createSignal("");
  const [next, setNext] = createSignal("");
  const [again, setAgain] = createSignal("");
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);
  let dialog: HTMLDialogElement | undefined;
  let first: HTMLInputElement | undefined;

  createEffect(() => {
    if (!dialog) return;
    if (props.open && !dialog.open) {
      setCurrent("");
      setNext("");
      setAgain("");
      setError(undefined);
      dialog.showModal();
      first?.focus();
    } else if (!props.open && dialog.open) dialog.close();
  });

  const problem = (): string | undefined => {
    if (next().length > 0 && next().length < 8) return "The new password needs at least 8 characters.";
    if (again() !== "" && again() !== next()) return "The two new passwords differ.";
    return undefined;
  };

  const submit = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    if (busy() || problem() || current() === "" || next() === "" || again() !== next()) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.changePassword({ currentPassword: current(), newPassword: next() });
      props.onClose();
      toast("Password changed");
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={dialog} class="dl-dialog" data-testid="change-password-dialog" onClose={() => props.onClose()} aria-labelledby="change-password-title">
      <form class="dl-dialog-form" onSubmit={(e) => void submit(e)}>
        <h2 id="change-password-title">Change password</h2>
        <label>
          Current password
          <input ref={first} type="password" autocomplete="current-password" value={current()} onInput={(e) => setCurrent(e.currentTarget.value)} data-testid="current-password" />
        </label>
        <label>
          New password
          <input type="password" autocomplete="new-password" value={next()} onInput={(e) => setNext(e.currentTarget.value)} data-testid="new-password" />
        </label>
        <label>
          New password, again
          <input type="password" autocomplete="new-password" value={again()} onInput={(e) => setAgain(e.currentTarget.value)} data-testid="new-password-again" />
        </label>
        <Show when={problem()}>{(p) => <div class="dl-field-error">{p()}</div>}</Show>
        <Show when={error()}>{(e) => <ErrorBox error={e()} />}</Show>
        <div class="dl-dialog-actions">
          <button type="button" onClick={() => props.onClose()}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy()} data-testid="change-password-submit">
            {busy() ? "Saving…" : "Change password"}
          </button>
        </div>
      </form>
    </dialog>
  );
}
