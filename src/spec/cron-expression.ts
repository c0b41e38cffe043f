/**
 * @module spec/cron-expression
 * Validation of cron expressions as Dagu 1.30 accepts them (robfig/cron, no descriptors): an
 * optional `CRON_TZ=Zone ` or `TZ=Zone ` prefix, then minute hour day-of-month month
 * day-of-week, each a list of `*`, `?`, `a`, `a-b`, with optional `/step`; month and weekday
 * names (jan, mon, …) in any case.
 *
 * Extension (Dagu 1.30 rejects it): six fields, the first being seconds, as croner and
 * robfig's WithSeconds read them (`*\/10 * * * * *` = every ten seconds).
 */

interface FieldBounds {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
}

const months = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const weekdays = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

const seconds: FieldBounds = { name: "second", min: 0, max: 59 };
const fields: readonly FieldBounds[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: months },
  { name: "day of week", min: 0, max: 6, names: weekdays },
];

export interface ParsedCron {
  readonly cron: string;
  readonly timezone?: string;
}

export type CronResult = { readonly ok: true; readonly value: ParsedCron } | { readonly ok: false; readonly error: string };

/** Go's unicode.IsSpace, which robfig/cron splits fields on (it includes NEL, U+0085). */
const goSpace = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/**
 * Whether Go's time.LoadLocation accepts the zone: IANA names, case-sensitive (Intl alone
 * would accept "asia/tokyo"; Go does not), plus "UTC" and "Local".
 */
export function isValidTimeZone(zone: string): boolean {
  if (zone === "Local" || zone === "UTC" || zone === "") return true;
  try {
    const resolved = new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
    // Intl folds case; a name that only matches after folding is not a zone file name.
    return resolved === zone || resolved.toLowerCase() !== zone.toLowerCase();
  } catch {
    return false;
  }
}

/** Go's strconv.Atoi on a field part: optional sign, decimal digits only. */
function atoi(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s) ? Number.parseInt(s, 10) : undefined;
}

function parseValue(s: string, f: FieldBounds): number | string {
  const named = f.names ? (f.names as Record<string, number>)[s.toLowerCase()] : undefined;
  if (named !== undefined) return named;
  const n = atoi(s);
  if (n === undefined) return `failed to parse int from ${s}`;
  if (n < 0) return `negative number (${n}) not allowed: ${s}`;
  return n;
}

function checkRange(expr: string, f: FieldBounds): string | undefined {
  const parts = expr.split("/");
  if (parts.length > 2) return `too many slashes: ${expr}`;
  const [range = "", stepText] = parts;
  const bounds = range.split("-");
  let start: number;
  let end: number;
  // robfig looks only at the text before the first '-': `*-5` is a full-span star.
  const star = bounds[0] === "*" || bounds[0] === "?";
  if (star) {
    start = f.min;
    end = f.max;
  } else {
    if (bounds.length > 2) return `too many hyphens: ${expr}`;
    const a = parseValue(bounds[0] ?? "", f);
    if (typeof a === "string") return a;
    start = a;
    if (bounds.length === 2) {
      const b = parseValue(bounds[1] ?? "", f);
      if (typeof b === "string") return b;
      end = b;
    } else end = start;
  }
  if (stepText !== undefined) {
    const step = atoi(stepText);
    if (step === undefined) return `failed to parse int from ${stepText}`;
    if (step < 0) return `negative number (${step}) not allowed: ${stepText}`;
    if (step === 0) return `step of range should be a positive number: ${expr}`;
    // "5/10" means 5 through the maximum, every 10.
    if (!star && bounds.length === 1) end = f.max;
  }
  if (start < f.min) return `beginning of range (${start}) below minimum (${f.min}): ${expr}`;
  if (end > f.max) return `end of range (${end}) above maximum (${f.max}): ${expr}`;
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  return undefined;
}

export function parseCron(expression: string): CronResult {
  let spec = expression.trim();
  if (spec.length === 0) return { ok: false, error: "empty spec string" };
  let timezone: string | undefined;
  const tz = /^(CRON_TZ|TZ)=/.exec(spec);
  if (tz) {
    const space = spec.indexOf(" ");
    if (space < 0) return { ok: false, error: `missing time zone expression after ${tz[1]}` };
    timezone = spec.slice(tz[0].length, space);
    if (!isValidTimeZone(timezone)) return { ok: false, error: `provided bad location ${timezone}: unknown time zone ${timezone}` };
    spec = spec.slice(space).trim();
  }
  if (spec.startsWith("@")) return { ok: false, error: `parser does not accept descriptors: ${spec}` };
  const parts = spec.split(goSpace).filter((p) => p !== "");
  if (parts.length !== 5 && parts.length !== 6) return { ok: false, error: `expected exactly 5 fields (or 6, seconds first), found ${parts.length}: [${parts.join(" ")}]` };
  const bounds = parts.length === 6 ? [seconds, ...fields] : fields;
  for (let i = 0; i < parts.length; i++) {
    const f = bounds[i] as FieldBounds;
    // Empty list items (`1,,2`, a lone `,`) are dropped, as strings.FieldsFunc does.
    for (const item of (parts[i] as string).split(",").filter((x) => x !== "")) {
      const err = checkRange(item, f);
      if (err) return { ok: false, error: err };
    }
  }
  return { ok: true, value: timezone === undefined ? { cron: parts.join(" ") } : { cron: parts.join(" "), timezone } };
}
