/**
 * @module ui/theme
 * Light/dark theme: follows the system until the user picks one, then remembers the choice.
 */
import { createSignal } from "solid-js";

export type Theme = "light" | "dark";

const key = "dagu.theme";
const stored = (): Theme | undefined => {
  const v = localStorage.getItem(key);
  return v === "light" || v === "dark" ? v : undefined;
};
const system = (): Theme => (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");

const [theme, setThemeSignal] = createSignal<Theme>(stored() ?? system());
export { theme };

export function setTheme(t: Theme): void {
  localStorage.setItem(key, t);
  setThemeSignal(t);
  document.documentElement.dataset.theme = t;
}

export function initTheme(): void {
  document.documentElement.dataset.theme = theme();
}
