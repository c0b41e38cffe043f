/**
 * @module tests/cli/run-tree
 * The tree summary must equal Dagu 1.30.2's byte for byte. The oracle is real: records, step
 * logs and `dagu status` output produced by the reference binary (tests/fixtures/records,
 * regenerate with `bun tests/fixtures/records/generate.ts`). Hand-made records cover what a
 * finished reference run cannot show: running steps, long durations, milliseconds, colours.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatDuration, parseGoTime, readLogTail, renderRunTree, wholeSeconds, wrapText } from "../../src/cli/run-tree.ts";
import type { NodeRecord, RunRecord } from "../../src/core/run-record.ts";
import { NodeStatus, RunStatus } from "../../src/core/status.ts";

const fixtures = join(import.meta.dir, "../fixtures/records");
const cases = readdirSync(fixtures).filter((n) => statSync(join(fixtures, n)).isDirectory() && n !== "dags");

function loadFixture(name: string): { record: RunRecord; expected: string } {
  const dir = join(fixtures, name);
  const text = readFileSync(join(dir, "record.json"), "utf8").replaceAll("@FIXTURE@", dir);
  return { record: JSON.parse(text) as RunRecord, expected: readFileSync(join(dir, "status.txt"), "utf8") };
}

describe("renderRunTree equals the reference's `dagu status` output", () => {
  test("there are reference fixtures", () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });
  test.each(cases)("%s", (name) => {
    const { record, expected } = loadFixture(name);
    expect(renderRunTree(record, { color: false })).toBe(expected);
  });
});

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "run-tree-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function log(name: string, content: string | Uint8Array): string {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
}

function node(name: string, status: NodeStatus, extra: Partial<NodeRecord> = {}): NodeRecord {
  return {
    step: { name, commands: [{ command: "echo", args: [name], cmdWithArgs: `echo ${name}` }] },
    stdout: "",
    stderr: "",
    startedAt: "2026-11-21T19:55:04.123Z",
    finishedAt: "2026-11-21T19:55:05.623Z",
    status,
    ...extra,
  };
}

function run(nodes: NodeRecord[], extra: Partial<RunRecord> = {}): RunRecord {
  return {
    root: { name: "d", id: "r1" },
    name: "d",
    dagRunId: "r1",
    attemptId: "a1",
    status: RunStatus.Succeeded,
    workerId: "local",
    pid: 1,
    nodes,
    createdAt: 0,
    startedAt: "2026-11-21T19:55:04.123Z",
    finishedAt: "2026-11-21T19:57:34.900Z",
    log: "",
    ...extra,
  };
}

describe("durations and times, as Dagu formats them", () => {
  const ms = (n: number): bigint => BigInt(n) * 1_000_000n;
  test.each([
    [0, "0s"],
    [1, "1ms"],
    [999, "999ms"],
    [1000, "1.0s"],
    [1500, "1.5s"],
    [1250, "1.2s"], // exact tie: Go rounds half to even
    [1750, "1.8s"],
    [2250, "2.2s"],
    [1350, "1.4s"],
    [59_999, "60.0s"],
    [60_000, "1m 0s"],
    [150_777, "2m 30s"],
    [3_599_999, "59m 59s"],
    [3_600_000, "1h 0m"],
    [5_400_000, "1h 30m"],
    [90_000_000, "25h 0m"],
    [-1500, "-1.5s"],
  ])("%d ms → %s", (n, want) => {
    expect(formatDuration(ms(n))).toBe(want);
  });

  test("RFC 3339 with offsets and fractions; legacy format; garbage", () => {
    expect(parseGoTime("2026-11-21T19:55:04Z")).toBe(BigInt(Date.UTC(2026, 10, 21, 19, 55, 4)) * 1_000_000n);
    expect(parseGoTime("2026-11-21T21:55:04.5+02:00")).toBe(BigInt(Date.UTC(2026, 10, 21, 19, 55, 4, 500)) * 1_000_000n);
    expect(parseGoTime("2026-11-21T19:55:04.000000007Z")).toBe(BigInt(Date.UTC(2026, 10, 21, 19, 55, 4)) * 1_000_000n + 7n);
    expect(parseGoTime("2026-11-21 19:55:04")).toBe(BigInt(new Date(2026, 10, 21, 19, 55, 4).getTime()) * 1_000_000n);
    expect(parseGoTime("yesterday")).toBeUndefined();
  });

  test("the header shows whole seconds, in the record's own zone", () => {
    expect(wholeSeconds("2026-11-21T19:55:04.123Z")).toBe("2026-11-21T19:55:04Z");
    expect(wholeSeconds("2026-11-21T19:55:04+09:00")).toBe("2026-11-21T19:55:04+09:00");
    const out = renderRunTree(run([node("a", NodeStatus.Succeeded)]), { color: false });
    expect(out.split("\n")[0]).toBe("Succeeded - 2026-11-21T19:55:04Z");
    expect(out).toContain("dag: d (2m 30s)\n");
    expect(out).toContain("└─a (1.5s) [succeeded]\n");
  });
});

describe("hand-made records", () => {
  test("a running run: `Status:` footer, durations up to now, not-started steps have no bracket", () => {
    const now = (): Date => new Date("2026-11-21T19:55:14.123Z");
    const rec = run(
      [
        node("a", NodeStatus.Running, { finishedAt: "" }),
        node("b", NodeStatus.NotStarted, { startedAt: "", finishedAt: "" }),
      ],
      { status: RunStatus.Running, finishedAt: "" },
    );
    expect(renderRunTree(rec, { color: false, now })).toBe(
      [
        "Running - 2026-11-21T19:55:04Z",
        "",
        "dag: d (10.0s)",
        "│",
        "├─a (10.0s) [running]",
        "│ └─echo a",
        "│ ",
        "└─b",
        "",
        "Status: Running",
        "",
      ].join("\n"),
    );
  });

  test("a finished step without a finish time shows no duration; an empty run has no tree", () => {
    const out = renderRunTree(run([node("a", NodeStatus.Succeeded, { finishedAt: "-" })], { finishedAt: "" }), { color: false });
    expect(out).toContain("dag: d\n");
    expect(out).toContain("└─a [succeeded]\n");
    expect(renderRunTree(run([]), { color: false })).toBe("Succeeded - 2026-11-21T19:55:04Z\n\ndag: d (2m 30s)\n\nResult: Succeeded\n");
  });

  test("colours: names and text light blue, durations grey, tree lines plain", () => {
    const out = renderRunTree(run([node("a", NodeStatus.Succeeded)]), { color: true });
    expect(out).toContain("dag: d \x1b[38;5;245m(2m 30s)\x1b[0m\n");
    expect(out).toContain("└─\x1b[38;5;110ma\x1b[0m \x1b[38;5;245m(1.5s)\x1b[0m \x1b[38;5;110m[succeeded]\x1b[0m\n");
    expect(out).toContain("  └─\x1b[38;5;110mecho a\x1b[0m\n");
    expect(renderRunTree(run([node("a", NodeStatus.Succeeded)]), { color: false })).not.toContain("\x1b");
  });

  test("legacy single-command steps, and error lines only for failed steps", () => {
    const legacy = node("old", NodeStatus.Failed, { step: { name: "old", command: "ls", args: ["-l", "/"] }, error: "boom" });
    const okWithError = node("fine", NodeStatus.Succeeded, { error: "ignored" });
    const out = renderRunTree(run([legacy, okWithError], { status: RunStatus.Failed }), { color: false });
    expect(out).toContain("├─old (1.5s) [failed]\n│ ├─ls -l /\n│ │\n│ └─error: boom\n");
    expect(out).not.toContain("ignored");
  });

  test("a long error wraps with a 4-space hanging indent; the stderr tail Dagu appends is cut", () => {
    const error = `${"word ".repeat(30).trim()}\nrecent stderr (tail):\nsecret`;
    const out = renderRunTree(run([node("a", NodeStatus.Failed, { error })]), { color: false });
    const lines = out.split("\n").filter((l) => l.includes("word"));
    expect(lines[0]).toStartWith("  └─error: word");
    expect(lines[1]).toStartWith("      word");
    expect(out).not.toContain("secret");
  });

  test("log tails: binary data, blank and control lines, a missing file, maxOutputLines", () => {
    expect(readLogTail(log("bin.out", new Uint8Array([1, 2, 0, 65, 10])), 50)).toEqual({ lines: ["(binary data)"], truncated: 0 });
    expect(readLogTail(log("blank.out", "\n \n\t\n"), 50)).toBeUndefined();
    expect(readLogTail(join(tmp, "missing.out"), 50)).toBeUndefined();
    expect(readLogTail(log("ctl.out", "abcd\x07ef\r\nlast"), 50)).toEqual({ lines: ["abcdef", "last"], truncated: 0 });
    const many = log("many.out", Array.from({ length: 10 }, (_, i) => `l${i}`).join("\n"));
    expect(readLogTail(many, 3)).toEqual({ lines: ["l7", "l8", "l9"], truncated: 7 });
    expect(readLogTail(many, 0)?.lines.length).toBe(10);
    const out = renderRunTree(run([node("a", NodeStatus.Succeeded, { stdout: many })]), { color: false, maxOutputLines: 2 });
    expect(out).toContain("  ├─echo a\n  │\n  └─stdout: ... (8 more lines)\n      l8\n      l9\n");
  });

  test("sub-DAG runs without commands: no spacer before the first section", () => {
    const call = node("call", NodeStatus.Succeeded, {
      step: { name: "call" },
      children: [{ dagRunId: "c1", params: "X=1" }, { dagRunId: "c2" }],
    });
    expect(renderRunTree(run([call]), { color: false })).toContain("└─call (1.5s) [succeeded]\n  ├─subdag: c1 [X=1]\n  └─subdag: c2\n");
  });

  test("wrapText cuts words longer than the width and counts bytes", () => {
    expect(wrapText("aaaaaaaaaa bb", 4)).toEqual(["aaaa", "aaaa", "aa", "bb"]);
    expect(wrapText("ab cd ef", 5)).toEqual(["ab cd", "ef"]);
    // "é" is two bytes in Go's len: "éé éé" is 9 bytes, over 8.
    expect(wrapText("éé éé", 8)).toEqual(["éé", "éé"]);
  });
});
