import { describe, expect, test } from "bun:test";
import { parseCron } from "../../src/spec/cron-expression.ts";

describe("parseCron (robfig 5-field rules of Dagu 1.30)", () => {
  test.each([
    "* * * * *",
    "0 */2 * * MON-FRI",
    "0-59/15 0 1 jan,Jul sun",
    "5/10 * * * *",
    "0 0 ? * *",
    "  30   4  1,15  *  5  ",
    "+5 * * * *",
  ])("accepts %p", (expr) => {
    expect(parseCron(expr).ok).toBe(true);
  });

  test.each([
    ["", "empty spec string"],
    ["@daily", "does not accept descriptors"],
    ["* * * *", "expected exactly 5 fields (or 6, seconds first), found 4"],
    ["0 * * * * * *", "expected exactly 5 fields (or 6, seconds first), found 7"],
    ["60 * * * *", "above maximum (59)"],
    ["* 24 * * *", "above maximum (23)"],
    ["* * 0 * *", "below minimum (1)"],
    ["* * * 13 *", "above maximum (12)"],
    ["* * * * 7", "above maximum (6)"],
    ["*/0 * * * *", "step of range should be a positive number"],
    ["5-1 * * * *", "beyond end of range"],
    ["1-2-3 * * * *", "too many hyphens"],
    ["*/2/3 * * * *", "too many slashes"],
    ["L * * * *", "failed to parse int from L"],
    ["* * * * MON#2", "failed to parse int"],
    ["-1 * * * *", "failed to parse int"],
  ])("rejects %p", (expr, message) => {
    const r = parseCron(expr);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
  });

  test("CRON_TZ= and TZ= prefixes set the zone and are validated", () => {
    expect(parseCron("CRON_TZ=Asia/Tokyo 0 9 * * *")).toEqual({ ok: true, value: { cron: "0 9 * * *", timezone: "Asia/Tokyo" } });
    expect(parseCron("TZ=UTC 0 9 * * *")).toEqual({ ok: true, value: { cron: "0 9 * * *", timezone: "UTC" } });
    const bad = parseCron("CRON_TZ=Mars/Olympus 0 9 * * *");
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toContain("bad location Mars/Olympus");
  });
});
