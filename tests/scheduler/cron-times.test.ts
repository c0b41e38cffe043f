/**
 * @module tests/scheduler/cron-times
 * Fire times per entry: zone resolution, robfig field semantics (checked against a
 * brute-force robfig matcher), DST in both hemispheres, and the helpers' bounds.
 */
import { describe, expect, test } from "bun:test";
import type { Schedule } from "../../src/core/dag.ts";
import { cronTimes, nextFireTime, resolveTimezone, toCronerPattern } from "../../src/scheduler/cron-times.ts";
import { parseCron } from "../../src/spec/cron-expression.ts";

function entry(expression: string): Schedule {
  const r = parseCron(expression);
  if (!r.ok) throw new Error(r.error);
  return { expression, cron: r.value.cron, ...(r.value.timezone ? { timezone: r.value.timezone } : {}) };
}

const ms = (iso: string): number => Date.parse(iso);
const iso = (t: number | undefined): string | undefined => (t === undefined ? undefined : new Date(t).toISOString());
const series = (expr: string, zone: string, fromIso: string, n: number): string[] => {
  const ct = cronTimes(entry(expr), { defaultTimezone: zone });
  const out: string[] = [];
  let t: number | undefined = ms(fromIso);
  for (let i = 0; i < n; i++) {
    t = ct.next(t as number);
    if (t === undefined) break;
    out.push(new Date(t).toISOString());
  }
  return out;
};

// ---- a brute-force reference of robfig/cron v3 matching (UTC only, no DST involved) ----
interface RefSpec {
  fields: Set<number>[];
  domStar: boolean;
  dowStar: boolean;
}
const refBounds: [number, number, Record<string, number>?][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12, { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 }],
  [0, 6, { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 }],
];
function refParse(cron: string): RefSpec {
  const parts = cron.split(" ");
  const stars = [false, false, false, false, false];
  const fields = parts.map((field, i) => {
    const [min, max, names] = refBounds[i] as [number, number, Record<string, number>?];
    const set = new Set<number>();
    for (const item of field.split(",").filter((x) => x !== "")) {
      const [range = "", stepText] = item.split("/");
      const lh = range.split("-");
      const num = (s: string): number => names?.[s.toLowerCase()] ?? Number.parseInt(s, 10);
      let lo: number;
      let hi: number;
      let step = 1;
      let star = false;
      if (lh[0] === "*" || lh[0] === "?") {
        lo = min;
        hi = max;
        star = true;
      } else {
        lo = num(lh[0] as string);
        hi = lh.length > 1 ? num(lh[1] as string) : lo;
      }
      if (stepText !== undefined) {
        step = Number.parseInt(stepText, 10);
        if (lh.length === 1) hi = max;
        if (step > 1) star = false;
      }
      if (star) stars[i] = true;
      for (let v = lo; v <= hi; v += step) set.add(v);
    }
    return set;
  });
  return { fields, domStar: stars[2] as boolean, dowStar: stars[4] as boolean };
}
function refMatches(s: RefSpec, d: Date): boolean {
  const [mi, h, dom, mon, dow] = s.fields as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (!mi.has(d.getUTCMinutes()) || !h.has(d.getUTCHours()) || !mon.has(d.getUTCMonth() + 1)) return false;
  const dm = dom.has(d.getUTCDate());
  const wm = dow.has(d.getUTCDay());
  return s.domStar || s.dowStar ? dm && wm : dm || wm;
}
function refSeries(cron: string, fromIso: string, n: number, horizonDays = 800): string[] {
  const s = refParse(cron);
  const out: string[] = [];
  const start = Math.floor(ms(fromIso) / 60_000) * 60_000 + 60_000;
  for (let t = start; out.length < n && t < start + horizonDays * 86_400_000; t += 60_000) {
    if (refMatches(s, new Date(t))) out.push(new Date(t).toISOString());
  }
  return out;
}

describe("zone resolution", () => {
  test("entry prefix wins over DAG zone and server default", () => {
    expect(resolveTimezone({ timezone: "Asia/Tokyo" }, { dagTimezone: "Europe/Berlin", defaultTimezone: "UTC" })).toBe("Asia/Tokyo");
  });
  test("DAG zone wins over the server default", () => {
    expect(resolveTimezone({}, { dagTimezone: "Europe/Berlin", defaultTimezone: "UTC" })).toBe("Europe/Berlin");
  });
  test("server default (DAGU_TZ / config tz) applies when nothing else does", () => {
    expect(resolveTimezone({}, { defaultTimezone: "America/New_York" })).toBe("America/New_York");
  });
  test("no zone anywhere, or Local, means the process's local zone", () => {
    expect(resolveTimezone({})).toBeUndefined();
    expect(resolveTimezone({}, { defaultTimezone: "Local" })).toBeUndefined();
    expect(resolveTimezone({ timezone: "" }, { defaultTimezone: "" })).toBeUndefined();
  });
  test("CRON_TZ= and TZ= prefixes set the entry's zone", () => {
    expect(iso(cronTimes(entry("CRON_TZ=Asia/Tokyo 0 9 * * *"), { defaultTimezone: "UTC" }).next(ms("2024-01-01T00:00:00Z")))).toBe("2024-01-02T00:00:00.000Z");
    expect(iso(cronTimes(entry("TZ=America/New_York 0 9 * * *"), { defaultTimezone: "UTC" }).next(ms("2024-01-01T00:00:00Z")))).toBe("2024-01-01T14:00:00.000Z");
  });
  test("the DAG zone shifts an unprefixed entry", () => {
    expect(iso(cronTimes(entry("0 9 * * *"), { dagTimezone: "Asia/Kolkata", defaultTimezone: "UTC" }).next(ms("2024-01-01T00:00:00Z")))).toBe("2024-01-01T03:30:00.000Z");
  });
  test("the local zone is the one the process runs in", () => {
    const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const a = cronTimes(entry("17 5 * * *")).next(ms("2024-06-01T00:00:00Z"));
    const b = cronTimes(entry("17 5 * * *"), { defaultTimezone: local }).next(ms("2024-06-01T00:00:00Z"));
    expect(a).toBe(b as number);
  });
});

describe("robfig field semantics", () => {
  test("translation to croner's dialect", () => {
    expect(toCronerPattern("*-5 * * * *")).toEqual({ pattern: "0 * * * * *", domAndDow: true });
    expect(toCronerPattern("5/10 * * * *").pattern).toBe("0 5-59/10 * * * *");
    expect(toCronerPattern("0 0 ? jan-MAR mon/2").pattern).toBe("0 0 0 * 1-3 1-6/2");
    expect(toCronerPattern("1,,2 * * * *").pattern).toBe("0 1,2 * * * *");
    expect(() => toCronerPattern("* * * *")).toThrow("expected 5 or 6 fields");
    // Six fields: seconds first (our extension).
    expect(toCronerPattern("*/10 * * * * *")).toEqual({ pattern: "*/10 * * * * *", domAndDow: true });
    expect(toCronerPattern("5/20 0 12 * * *").pattern).toBe("5-59/20 0 12 * * *");
  });
  test("day-of-month and day-of-week: AND when either has the star bit, else OR", () => {
    expect(toCronerPattern("0 0 * * mon").domAndDow).toBe(true);
    expect(toCronerPattern("0 0 1 * *").domAndDow).toBe(true);
    expect(toCronerPattern("0 0 */1 * mon").domAndDow).toBe(true);
    expect(toCronerPattern("0 0 */2 * mon").domAndDow).toBe(false);
    expect(toCronerPattern("0 0 1 * mon").domAndDow).toBe(false);
    expect(toCronerPattern("0 0 1,* * mon").domAndDow).toBe(true);
  });
  const cases = [
    "* * * * *",
    "*/7 * * * *",
    "5/20 3-5 * * *",
    "0 0 1 * mon",
    "0 0 */2 * mon",
    "0 12 ? * 1-5",
    "30 6 13 * fri",
    "15 */3 1-7 * sun",
    "0 0 29 2 *",
    "0 0 31 * *",
    "0 9-17/4 * jan,jul *",
    "*-30 0 1 1 *",
    "0 0 15 * *",
    "59 23 * dec sat",
    "0 0 */10 */5 *",
  ];
  for (const c of cases) {
    test(`"${c}" matches a brute-force robfig reference (UTC)`, () => {
      const from = "2024-01-01T00:00:00Z";
      const n = c.startsWith("* ") || c.startsWith("*/7") ? 30 : 12;
      const ref = refSeries(c, from, n);
      expect(ref.length).toBeGreaterThan(0);
      expect(series(c, "UTC", from, ref.length)).toEqual(ref);
    });
  }
});

describe("six fields: seconds (our extension)", () => {
  test("every ten seconds, and a fixed second within a minute, in a zone", () => {
    expect(series("*/10 * * * * *", "UTC", "2024-01-01T10:00:05Z", 3)).toEqual([
      "2024-01-01T10:00:10.000Z",
      "2024-01-01T10:00:20.000Z",
      "2024-01-01T10:00:30.000Z",
    ]);
    expect(series("CRON_TZ=Asia/Tokyo 30 0 9 * * *", "UTC", "2024-01-01T00:00:00Z", 2)).toEqual(["2024-01-01T00:00:30.000Z", "2024-01-02T00:00:30.000Z"]);
  });
  test("a five-field entry still fires on the minute's second 0", () => {
    expect(series("*/30 * * * *", "UTC", "2024-01-01T10:00:00.5Z", 2)).toEqual(["2024-01-01T10:30:00.000Z", "2024-01-01T11:00:00.000Z"]);
  });
  test("seconds are validated", () => {
    expect(parseCron("60 * * * * *")).toEqual({ ok: false, error: "end of range (60) above maximum (59): 60" });
    expect(parseCron("* * * * * * *").ok).toBe(false);
    expect(parseCron("0 * * * * *")).toEqual({ ok: true, value: { cron: "0 * * * * *" } });
  });
});

describe("next / previous / between", () => {
  const hourly = cronTimes(entry("0 * * * *"), { defaultTimezone: "UTC" });
  test("next is strictly after, at any sub-second offset", () => {
    expect(iso(hourly.next(ms("2024-01-01T10:00:00Z")))).toBe("2024-01-01T11:00:00.000Z");
    expect(iso(hourly.next(ms("2024-01-01T09:59:59.999Z")))).toBe("2024-01-01T10:00:00.000Z");
    expect(iso(hourly.next(ms("2024-01-01T10:00:00.001Z")))).toBe("2024-01-01T11:00:00.000Z");
  });
  test("previous is strictly before", () => {
    expect(iso(hourly.previous(ms("2024-01-01T10:00:00Z")))).toBe("2024-01-01T09:00:00.000Z");
    expect(iso(hourly.previous(ms("2024-01-01T10:00:00.001Z")))).toBe("2024-01-01T10:00:00.000Z");
  });
  test("between is (from, to], ascending, limited", () => {
    const b = hourly.between(ms("2024-01-01T10:00:00Z"), ms("2024-01-01T13:00:00Z")).map((t) => iso(t));
    expect(b).toEqual(["2024-01-01T11:00:00.000Z", "2024-01-01T12:00:00.000Z", "2024-01-01T13:00:00.000Z"]);
    expect(hourly.between(ms("2024-01-01T10:00:00Z"), ms("2024-01-02T10:00:00Z"), 5)).toHaveLength(5);
    expect(hourly.between(ms("2024-01-01T10:00:00Z"), ms("2024-01-01T10:59:59Z"))).toEqual([]);
  });
  test("lastIn finds the newest time in (from, to]", () => {
    expect(iso(hourly.lastIn(ms("2024-01-01T10:00:00Z"), ms("2024-01-01T13:30:00Z")))).toBe("2024-01-01T13:00:00.000Z");
    expect(hourly.lastIn(ms("2024-01-01T13:00:00Z"), ms("2024-01-01T13:30:00Z"))).toBeUndefined();
  });
  test("nextFireTime takes the earliest over several entries, each in its own zone", () => {
    const t = nextFireTime([entry("0 12 * * *"), entry("CRON_TZ=Asia/Tokyo 0 12 * * *")], ms("2024-01-01T00:00:00Z"), { defaultTimezone: "UTC" });
    expect(iso(t)).toBe("2024-01-01T03:00:00.000Z");
    expect(nextFireTime([], 0)).toBeUndefined();
  });
  test("Feb 29 only in leap years", () => {
    expect(series("0 0 29 2 *", "UTC", "2024-03-01T00:00:00Z", 1)).toEqual(["2028-02-29T00:00:00.000Z"]);
  });
  test("memo returns the entry's own expression text", () => {
    expect(cronTimes(entry("0 * * * *"), { defaultTimezone: "UTC" }).expression).toBe("0 * * * *");
    expect(cronTimes(entry("0  *  * * *"), { defaultTimezone: "UTC" }).expression).toBe("0  *  * * *");
  });
});

describe("DST: America/New_York (spring 2024-03-10 02:00→03:00, fall 2024-11-03 02:00→01:00)", () => {
  const ny = "America/New_York";
  test("spring forward: a fixed 02:30 job runs at 03:00 EDT on the gap day (robfig skips the day)", () => {
    expect(series("30 2 * * *", ny, "2024-03-09T12:00:00Z", 3)).toEqual([
      "2024-03-10T07:00:00.000Z", // 03:00 EDT
      "2024-03-11T06:30:00.000Z", // 02:30 EDT
      "2024-03-12T06:30:00.000Z",
    ]);
  });
  test("spring forward: a fixed-time list job (no wildcard) also runs after the gap", () => {
    expect(series("30 2,14 * * *", ny, "2024-03-10T00:00:00Z", 2)).toEqual(["2024-03-10T07:00:00.000Z", "2024-03-10T18:30:00.000Z"]);
  });
  test("spring forward: an hourly job skips the hour that does not exist (as robfig)", () => {
    expect(series("0 * * * *", ny, "2024-03-10T05:30:00Z", 3)).toEqual([
      "2024-03-10T06:00:00.000Z", // 01:00 EST
      "2024-03-10T07:00:00.000Z", // 03:00 EDT
      "2024-03-10T08:00:00.000Z",
    ]);
  });
  test("spring forward: a stepped hour job skips the gap (as robfig)", () => {
    expect(series("0 0-23/2 * * *", ny, "2024-03-10T05:30:00Z", 2)).toEqual(["2024-03-10T08:00:00.000Z", "2024-03-10T10:00:00.000Z"]);
  });
  test("spring forward: */30 runs in real time through the gap", () => {
    expect(series("*/30 * * * *", ny, "2024-03-10T06:20:00Z", 3)).toEqual(["2024-03-10T06:30:00.000Z", "2024-03-10T07:00:00.000Z", "2024-03-10T07:30:00.000Z"]);
  });
  test("fall back: a fixed 01:30 job runs once, at the first 01:30 (robfig runs it twice)", () => {
    expect(series("30 1 * * *", ny, "2024-11-02T12:00:00Z", 2)).toEqual([
      "2024-11-03T05:30:00.000Z", // 01:30 EDT
      "2024-11-04T06:30:00.000Z", // 01:30 EST next day
    ]);
  });
  test("fall back: a fixed-time list job runs once in the repeated hour", () => {
    expect(series("0 1,13 * * *", ny, "2024-11-03T00:00:00Z", 2)).toEqual(["2024-11-03T05:00:00.000Z", "2024-11-03T18:00:00.000Z"]);
  });
  test("fall back: an interval job runs on both passes of the repeated hour (as robfig)", () => {
    expect(series("*/30 * * * *", ny, "2024-11-03T04:50:00Z", 5)).toEqual([
      "2024-11-03T05:00:00.000Z", // 01:00 EDT
      "2024-11-03T05:30:00.000Z", // 01:30 EDT
      "2024-11-03T06:00:00.000Z", // 01:00 EST
      "2024-11-03T06:30:00.000Z", // 01:30 EST
      "2024-11-03T07:00:00.000Z", // 02:00 EST
    ]);
  });
  test("fall back: 02:00 exists once and runs once", () => {
    expect(series("0 2 * * *", ny, "2024-11-02T12:00:00Z", 2)).toEqual(["2024-11-03T07:00:00.000Z", "2024-11-04T07:00:00.000Z"]);
  });
  test("daily 09:00 keeps wall time across both transitions", () => {
    expect(series("0 9 * * *", ny, "2024-03-09T00:00:00Z", 2)).toEqual(["2024-03-09T14:00:00.000Z", "2024-03-10T13:00:00.000Z"]);
    expect(series("0 9 * * *", ny, "2024-11-02T00:00:00Z", 2)).toEqual(["2024-11-02T13:00:00.000Z", "2024-11-03T14:00:00.000Z"]);
  });
  test("previous() across the gap", () => {
    const ct = cronTimes(entry("30 2 * * *"), { defaultTimezone: ny });
    expect(iso(ct.previous(ms("2024-03-11T12:00:00Z")))).toBe("2024-03-11T06:30:00.000Z");
    expect(iso(ct.previous(ms("2024-03-11T06:30:00Z")))).toBe("2024-03-10T07:00:00.000Z");
  });
});

describe("DST: Europe/Berlin and the southern hemisphere", () => {
  test("Berlin spring (2024-03-31 02:00→03:00): 02:30 runs at 03:00 CEST", () => {
    expect(series("30 2 * * *", "Europe/Berlin", "2024-03-30T12:00:00Z", 2)).toEqual(["2024-03-31T01:00:00.000Z", "2024-04-01T00:30:00.000Z"]);
  });
  test("Berlin fall (2024-10-27 03:00→02:00): 02:30 runs once", () => {
    expect(series("30 2 * * *", "Europe/Berlin", "2024-10-26T12:00:00Z", 2)).toEqual(["2024-10-27T00:30:00.000Z", "2024-10-28T01:30:00.000Z"]);
  });
  test("Sydney fall back (2024-04-07 03:00→02:00): 02:30 runs once", () => {
    expect(series("30 2 * * *", "Australia/Sydney", "2024-04-06T00:00:00Z", 2)).toEqual(["2024-04-06T15:30:00.000Z", "2024-04-07T16:30:00.000Z"]);
  });
  test("Sydney spring forward (2024-10-06 02:00→03:00): 02:30 runs at 03:00 AEDT", () => {
    expect(series("30 2 * * *", "Australia/Sydney", "2024-10-05T00:00:00Z", 2)).toEqual(["2024-10-05T16:00:00.000Z", "2024-10-06T15:30:00.000Z"]);
  });
  test("a zone without DST keeps a fixed offset", () => {
    expect(series("0 0 * * *", "Asia/Tokyo", "2024-03-09T00:00:00Z", 2)).toEqual(["2024-03-09T15:00:00.000Z", "2024-03-10T15:00:00.000Z"]);
  });
});
