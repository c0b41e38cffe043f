/**
 * @module ui/format
 * Times and durations as the pages show them. The API gives local-time strings such as
 * `2026-11-21 10:00:00` or RFC 3339; "-" (or empty) means never.
 */
import { isFinal, type RunStatus } from "../../src/core/status.ts";

export function parseTime(s: string | undefined): Date | undefined {
  if (!s || s === "-") return undefined;
  const d = new Date(s.includes("T") ? s : s.replace(" ", "T"));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function formatTime(s: string | undefined): string {
  const d = parseTime(s);
  if (!d) return "-";
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "-";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${Math.round(s % 60)}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

/** Duration between two API times; a running one (no end) counts up to now. */
export function durationBetween(start: string | undefined, end: string | undefined, now = Date.now()): string {
  const a = parseTime(start);
  if (!a) return "-";
  const b = parseTime(end)?.getTime() ?? now;
  return formatDuration(b - a.getTime());
}

/** How long a run took, or has been running ("-" before it started). */
export function runDuration(run: { readonly status: number; readonly startedAt?: string; readonly finishedAt?: string }, now = Date.now()): string {
  return durationBetween(run.startedAt, isFinal(run.status as RunStatus) ? run.finishedAt : undefined, now);
}

export function relativeTime(s: string | undefined, now = Date.now()): string {
  const d = parseTime(s);
  if (!d) return "-";
  const diff = d.getTime() - now;
  const abs = Math.abs(diff);
  const unit = abs < 60_000 ? `${Math.round(abs / 1000)}s` : abs < 3_600_000 ? `${Math.round(abs / 60_000)}m` : abs < 86_400_000 ? `${Math.round(abs / 3_600_000)}h` : `${Math.round(abs / 86_400_000)}d`;
  return diff >= 0 ? `in ${unit}` : `${unit} ago`;
}
