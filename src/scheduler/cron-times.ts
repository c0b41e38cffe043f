/**
 * @module scheduler/cron-times
 * Fire times of one schedule entry (`Schedule` from core/dag), computed with croner in the
 * entry's time zone. Pure apart from a memo of compiled patterns.
 *
 * Zone of an entry, first that applies: its own `CRON_TZ=`/`TZ=` prefix, the DAG-level zone,
 * the server default (`DAGU_TZ` / config `tz`), else the process's local zone.
 *
 * Field semantics follow robfig/cron v3 (what Dagu uses), translated for croner:
 * - `*-5` is a full-span star (robfig reads only the text before the first `-` of a star);
 * - `N/s` means `N-max/s`;
 * - names (jan, mon) are case-insensitive;
 * - day-of-month and day-of-week are ANDed when either field carries robfig's "star bit"
 *   (a part that is `*` or `?` with no step or step 1), otherwise ORed.
 *
 * DST (deliberate choice; robfig differs, see below). Croner's Vixie-cron rules with
 * `fixedTimeRule: "no-wildcard"`:
 * - fixed-time jobs (no `*`/`?`/step in minute and hour, e.g. `30 2 * * *`, `0 1,13 * * *`):
 *   a wall time that does not exist (spring forward) runs once at the first valid time after
 *   the gap, the same day (02:30 → 03:00); a wall time that occurs twice (fall back) runs
 *   once, at the first occurrence;
 * - interval jobs (`*`, `?` or a step in minute or hour, e.g. `*\/15 * * * *`, `0 * * * *`):
 *   times inside the gap are skipped, times in the repeated hour run on both passes, so the
 *   job keeps its real-time rhythm.
 *
 * robfig/cron v3 (spec.go `Next`) instead walks wall-clock fields adding real hours: it
 * SKIPS a fixed-time job whose time falls in the gap (no run that day) and runs a fixed-time
 * job in the repeated hour TWICE (01:30 EDT and 01:30 EST). Both are the failures issue 5
 * asks us to avoid (a silently dropped run, a duplicate run), so we diverge there. Interval
 * jobs behave the same in both.
 */
import { Cron } from "croner";
import type { Schedule } from "../core/dag.ts";

/** Zones that apply when an entry has no prefix of its own. */
export interface ZoneDefaults {
  /** A DAG-level zone, if the DAG declares one. */
  readonly dagTimezone?: string;
  /** The server default: `DAGU_TZ` or config `tz`. */
  readonly defaultTimezone?: string;
}

/** The zone an entry's fire times are computed in; undefined = the process's local zone. */
export function resolveTimezone(entry: Pick<Schedule, "timezone">, zones: ZoneDefaults = {}): string | undefined {
  const zone = entry.timezone || zones.dagTimezone || zones.defaultTimezone;
  return zone === undefined || zone === "" || zone === "Local" ? undefined : zone;
}

/** A robfig 5-field expression as croner reads it, with robfig's day-matching mode. */
export interface CronerPattern {
  readonly pattern: string;
  /** True when robfig ANDs day-of-month and day-of-week (either has the star bit). */
  readonly domAndDow: boolean;
}

interface FieldDef {
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
}

const monthNames: Readonly<Record<string, number>> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const dayNames: Readonly<Record<string, number>> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const secondDef: FieldDef = { min: 0, max: 59 };
const fieldDefs: readonly FieldDef[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: monthNames },
  { min: 0, max: 6, names: dayNames },
];

function value(text: string, def: FieldDef): string {
  const named = def.names?.[text.toLowerCase()];
  return named !== undefined ? String(named) : String(Number.parseInt(text, 10));
}

/** One field: the croner text and whether robfig would set the star bit. */
function translateField(field: string, def: FieldDef): { text: string; star: boolean } {
  let star = false;
  // Empty list items (`1,,2`) are dropped, as robfig's strings.FieldsFunc does.
  const parts = field.split(",").filter((p) => p !== "").map((part) => {
    const [range = "", stepText] = part.split("/");
    const step = stepText === undefined ? undefined : Number.parseInt(stepText, 10);
    const bounds = range.split("-");
    const first = bounds[0] ?? "";
    if (first === "*" || first === "?") {
      if (step === undefined || step <= 1) star = true;
      return step === undefined ? "*" : `*/${step}`;
    }
    const lo = value(first, def);
    if (bounds.length > 1) {
      const hi = value(bounds[1] ?? "", def);
      return step === undefined ? `${lo}-${hi}` : `${lo}-${hi}/${step}`;
    }
    // robfig: a single value with a step runs to the field's maximum.
    return step === undefined ? lo : `${lo}-${def.max}/${step}`;
  });
  return { text: parts.join(","), star };
}

/**
 * Translate the cron fields of an entry (no zone prefix) into croner's dialect: always six
 * fields, seconds first (`0` for a five-field entry).
 */
export function toCronerPattern(cron: string): CronerPattern {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) throw new Error(`expected 5 or 6 fields, found ${fields.length}: [${fields.join(" ")}]`);
  const defs = fields.length === 6 ? [secondDef, ...fieldDefs] : fieldDefs;
  const out = fields.map((f, i) => translateField(f, defs[i] as FieldDef));
  if (fields.length === 5) out.unshift({ text: "0", star: false });
  const dom = out[3] as { star: boolean };
  const dow = out[5] as { star: boolean };
  return { pattern: out.map((o) => o.text).join(" "), domAndDow: dom.star || dow.star };
}

/** Compiled fire times of one entry. Times are epoch milliseconds. */
export interface CronTimes {
  readonly expression: string;
  /** The zone used (undefined = local). */
  readonly timezone: string | undefined;
  /** First fire time strictly after `afterMs`, or undefined if none within croner's horizon. */
  next(afterMs: number): number | undefined;
  /** Last fire time strictly before `beforeMs`, or undefined. */
  previous(beforeMs: number): number | undefined;
  /** Fire times in (fromExclusive, toInclusive], ascending, at most `limit`. */
  between(fromExclusive: number, toInclusive: number, limit?: number): number[];
  /** The newest fire time in (fromExclusive, toInclusive], if any. */
  lastIn(fromExclusive: number, toInclusive: number): number | undefined;
}

const memo = new Map<string, CronTimes>();
const memoMax = 10_000;

function compile(cron: string, expression: string, timezone: string | undefined): CronTimes {
  const { pattern, domAndDow } = toCronerPattern(cron);
  const job = new Cron(pattern, {
    paused: true,
    mode: "6-part",
    domAndDow,
    fixedTimeRule: "no-wildcard",
    ...(timezone !== undefined ? { timezone } : {}),
  });
  const next = (afterMs: number): number | undefined => job.nextRun(new Date(afterMs))?.getTime();
  const previous = (beforeMs: number): number | undefined => job.previousRuns(1, new Date(beforeMs))[0]?.getTime();
  return {
    expression,
    timezone,
    next,
    previous,
    between(fromExclusive, toInclusive, limit = Number.POSITIVE_INFINITY) {
      const out: number[] = [];
      let t = next(fromExclusive);
      while (t !== undefined && t <= toInclusive && out.length < limit) {
        out.push(t);
        t = next(t);
      }
      return out;
    },
    lastIn(fromExclusive, toInclusive) {
      const t = previous(toInclusive + 1);
      return t !== undefined && t > fromExclusive ? t : undefined;
    },
  };
}

/** Fire times of an entry in its resolved zone (memoized by expression and zone). */
export function cronTimes(entry: Pick<Schedule, "expression" | "cron" | "timezone">, zones: ZoneDefaults = {}): CronTimes {
  const timezone = resolveTimezone(entry, zones);
  const key = `${timezone ?? ""}\u0000${entry.cron}`;
  let hit = memo.get(key);
  if (hit === undefined) {
    hit = compile(entry.cron, entry.expression, timezone);
    if (memo.size >= memoMax) memo.clear();
    memo.set(key, hit);
  }
  return hit.expression === entry.expression ? hit : { ...hit, expression: entry.expression };
}

/** Next fire time over several entries (the earliest), strictly after `afterMs`. */
export function nextFireTime(entries: readonly Schedule[], afterMs: number, zones: ZoneDefaults = {}): number | undefined {
  let best: number | undefined;
  for (const e of entries) {
    const t = cronTimes(e, zones).next(afterMs);
    if (t !== undefined && (best === undefined || t < best)) best = t;
  }
  return best;
}
