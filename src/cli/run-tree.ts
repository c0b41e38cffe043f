/**
 * @module cli/run-tree
 * The tree summary `dagu status` and `dagu start` print, byte for byte as Dagu 1.30.2 prints
 * it (internal/output/tree.go, log_reader.go), so scripts and eyes trained on Dagu's output
 * see the same thing. Widths are counted in UTF-8 bytes because Dagu uses Go's `len`: a
 * `│ ` prefix is 4 "columns" to it, and we must wrap at the same places.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { NodeRecord, RunRecord, StepSnapshot } from "../core/run-record.ts";
import { NodeStatus, nodeStatusName, RunStatus, runStatusName, titleCase } from "../core/status.ts";

export interface RenderTreeOptions {
  /** ANSI colours (Dagu enables them only when stdout is a terminal). */
  readonly color: boolean;
  /** Wrap width in bytes; Dagu's default is 80. Output lines wrap at no less than 20 even when 0. */
  readonly maxWidth?: number;
  /** Show only the last N lines of each stdout/stderr; 0 shows all. Dagu's default is 50. */
  readonly maxOutputLines?: number;
  /** Clock for durations of running steps (tests pin it). */
  readonly now?: () => Date;
}

const branchMid = "├─";
const branchLast = "└─";
const pipe = "│ ";
const space = "  ";

const maxScanLine = 1024 * 1024;
const maxLogFileSize = 10 * 1024 * 1024;

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Go's `len(s)`: bytes, not characters. */
const blen = (s: string): number => utf8.encode(s).length;

/** Go's unicode.IsSpace set (JS `\s` differs: it has U+FEFF and lacks U+0085). */
const goSpace = "\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const leadingSpace = new RegExp(`^[${goSpace}]+`);
const trailingSpace = new RegExp(`[${goSpace}]+$`);
const spaceRun = new RegExp(`[${goSpace}]+`);

const trimRight = (s: string): string => s.replace(trailingSpace, "");
const trimSpace = (s: string): string => trimRight(s.replace(leadingSpace, ""));
/** strings.Fields */
const fields = (s: string): string[] => s.split(spaceRun).filter((w) => w !== "");

/** Go's `word[:n]` on bytes; a cut inside a multi-byte character decodes as U+FFFD (Go would print the raw bytes). */
function byteSlice(s: string, from: number, to?: number): string {
  return utf8Decoder.decode(utf8.encode(s).subarray(from, to));
}

/** Dagu's wrapText: greedy word wrap on byte width; words longer than the width are cut. */
export function wrapText(text: string, maxWidth: number): string[] {
  if (blen(text) <= maxWidth) return [text];
  const lines: string[] = [];
  let current = "";
  for (let word of fields(text)) {
    if (blen(word) > maxWidth) {
      if (current !== "") lines.push(current);
      current = "";
      while (blen(word) > maxWidth) {
        lines.push(byteSlice(word, 0, maxWidth));
        word = byteSlice(word, maxWidth);
      }
      current = word;
      continue;
    }
    if (current === "") current = word;
    else if (blen(current) + 1 + blen(word) <= maxWidth) current += ` ${word}`;
    else {
      lines.push(current);
      current = word;
    }
  }
  if (current !== "") lines.push(current);
  return lines;
}

// ---------------------------------------------------------------------------------------
// Log tails (Dagu's ReadLogFileTail)

export interface LogTail {
  readonly lines: readonly string[];
  /** Lines dropped from the start to keep the tail. */
  readonly truncated: number;
}

/** Keep printable characters and tabs; drop other control characters. */
function cleanControlChars(s: string): string {
  let out = "";
  for (const ch of s) if (ch === "\t" || (ch.codePointAt(0) ?? 0) >= 32) out += ch;
  return out;
}

/** A progress bar's `\r` rewrites keep only the last state; control characters go; right-trimmed; blank lines vanish. */
function cleanLogLine(line: string): string[] {
  if (line.includes("\r")) {
    const segments = line.split("\r");
    for (let i = segments.length - 1; i >= 0; i--) {
      // Trimmed before cleaning, as Dagu does, so a space before a control character survives.
      const seg = trimRight(segments[i] as string);
      if (seg !== "") return [cleanControlChars(seg)];
    }
    return [];
  }
  const cleaned = trimRight(cleanControlChars(line));
  return cleaned === "" ? [] : [cleaned];
}

/** A NUL byte, or more than 30 % control bytes (tab, LF, CR aside). */
function isBinary(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  let control = 0;
  for (const b of bytes) {
    if (b === 0) return true;
    if (b < 32 && b !== 9 && b !== 10 && b !== 13) control++;
  }
  return control / bytes.length > 0.3;
}

/**
 * The last `maxLines` non-blank lines of a log file (all when 0), cleaned as Dagu cleans them.
 * Undefined when Dagu would show nothing: no path, a missing or unreadable file, or a line
 * longer than its 1 MiB scanner buffer.
 */
export function readLogTail(path: string, maxLines: number): LogTail | undefined {
  if (path === "") return undefined;
  let data: Uint8Array;
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    if (size > maxLogFileSize) return { lines: ["(file too large, >10MB)"], truncated: 0 };
    data = new Uint8Array(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, data, got, size - got, null);
      if (n <= 0) break;
      got += n;
    }
    data = data.subarray(0, got);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }

  const all: string[] = [];
  let start = 0;
  let first = true;
  while (start < data.length) {
    let end = data.indexOf(10, start);
    const hasNewline = end >= 0;
    if (!hasNewline) end = data.length;
    // bufio.Scanner gives up on a line that does not fit its buffer; Dagu then shows no output.
    if (end - start + (hasNewline ? 1 : 0) > maxScanLine) return undefined;
    let raw = data.subarray(start, end);
    if (raw.length > 0 && raw[raw.length - 1] === 13) raw = raw.subarray(0, raw.length - 1);
    start = end + 1;
    if (first) {
      if (isBinary(raw)) return { lines: ["(binary data)"], truncated: 0 };
      first = false;
    }
    all.push(...cleanLogLine(utf8Decoder.decode(raw)));
  }
  const total = all.length;
  if (total === 0) return undefined;
  const keep = maxLines <= 0 || total <= maxLines ? all : all.slice(total - maxLines);
  // A `\r` line made only of control characters cleans to ""; Dagu drops such lines only at the end.
  while (keep.length > 0 && keep[keep.length - 1] === "") keep.pop();
  return { lines: keep, truncated: maxLines > 0 && total > maxLines ? total - maxLines : 0 };
}

// ---------------------------------------------------------------------------------------
// Times and durations (Dagu's stringutil.ParseTime / FormatDuration)

const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:\d{2})$/;
const legacyTime = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** Nanoseconds since the epoch, as Go parses RFC 3339 (or Dagu's legacy local format); undefined if unparsable. */
export function parseGoTime(s: string): bigint | undefined {
  let m = rfc3339.exec(s);
  if (m) {
    const [, y, mo, d, h, mi, sec, frac = "", zone = "Z"] = m;
    let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
    if (Number.isNaN(ms)) return undefined;
    if (zone !== "Z") {
      const sign = zone.startsWith("-") ? -1 : 1;
      ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
    }
    // Go keeps nanoseconds; extra digits beyond 9 are dropped.
    const nanos = BigInt((frac + "000000000").slice(0, 9));
    return BigInt(ms) * 1_000_000n + nanos;
  }
  m = legacyTime.exec(s);
  if (m) {
    const [, y, mo, d, h, mi, sec] = m;
    const ms = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec)).getTime();
    return Number.isNaN(ms) ? undefined : BigInt(ms) * 1_000_000n;
  }
  return undefined;
}

/** `%.1f` of a float64 as Go prints it: correctly rounded, exact ties to even. */
function goFixed1(v: number): string {
  // toFixed(60) is the exact decimal value of the double (it has at most 52 fraction bits here).
  const m = /^(\d+)\.(\d)(\d*)$/.exec(v.toFixed(60));
  if (!m) return v.toFixed(1);
  const [, int = "0", tenth = "0", rest = ""] = m;
  let tenths = BigInt(int) * 10n + BigInt(tenth);
  const tie = /^50*$/.test(rest);
  if ((rest[0] ?? "0") > "5" || (rest[0] === "5" && !tie) || (tie && tenths % 2n === 1n)) tenths += 1n;
  return `${tenths / 10n}.${tenths % 10n}`;
}

/** `500ms`, `1.5s`, `2m 30s`, `1h 30m`, as Dagu's FormatDuration. */
export function formatDuration(ns: bigint): string {
  if (ns === 0n) return "0s";
  if (ns < 0n) return `-${formatDuration(-ns)}`;
  const second = 1_000_000_000n;
  if (ns < second) return `${ns / 1_000_000n}ms`;
  if (ns < 60n * second) return `${goFixed1(Number(ns / second) + Number(ns % second) / 1e9)}s`;
  if (ns < 3600n * second) return `${ns / (60n * second)}m ${(ns / second) % 60n}s`;
  return `${ns / (3600n * second)}h ${(ns / (60n * second)) % 60n}m`;
}

/** Whole seconds, as Dagu records and prints times: our records carry milliseconds. */
export function wholeSeconds(time: string): string {
  return time.replace(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})[.,]\d+/, "$1");
}

const pad2 = (n: number): string => String(n).padStart(2, "0");

/** Go's "2006-01-02 15:04:05" in local time. */
function localStamp(d: Date): string {
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** Duration of a run or step; "" when Dagu would show none (not started, or not finished and not running). */
export function runDuration(startedAt: string, finishedAt: string, running: boolean, now: () => Date = () => new Date()): string {
  if (startedAt === "" || startedAt === "-") return "";
  const start = parseGoTime(startedAt);
  if (start === undefined) return "";
  const nowNs = (): bigint => BigInt(now().getTime()) * 1_000_000n;
  let end: bigint;
  // An unparsable finish time counts as "now" in Dagu, while a missing one shows nothing unless running.
  if (finishedAt !== "" && finishedAt !== "-") end = parseGoTime(finishedAt) ?? nowNs();
  else if (running) end = nowNs();
  else return "";
  return formatDuration(end - start);
}

// ---------------------------------------------------------------------------------------
// The tree

/** What each command of a step prints as: `cmdWithArgs`, else `command args…`; legacy single-command steps too. */
function commandStrings(step: StepSnapshot): string[] {
  const entry = (c: { readonly command?: unknown; readonly args?: unknown; readonly cmdWithArgs?: unknown }): string => {
    if (typeof c.cmdWithArgs === "string" && c.cmdWithArgs !== "") return c.cmdWithArgs;
    const command = typeof c.command === "string" ? c.command : "";
    if (command === "") return "";
    const args = Array.isArray(c.args) ? c.args.filter((a): a is string => typeof a === "string") : [];
    return args.length === 0 ? command : `${command} ${args.join(" ")}`;
  };
  if (step.commands && step.commands.length > 0) return step.commands.map(entry);
  // Records written before multi-command steps: Dagu migrates these fields into one entry.
  const legacy = { command: step["command"], args: step["args"], cmdWithArgs: step["cmdWithArgs"] };
  const hasLegacy =
    (typeof legacy.command === "string" && legacy.command !== "") ||
    (Array.isArray(legacy.args) && legacy.args.length > 0) ||
    (typeof legacy.cmdWithArgs === "string" && legacy.cmdWithArgs !== "");
  return hasLegacy ? [entry(legacy)] : [];
}

class TreeRenderer {
  private readonly maxWidth: number;
  private readonly maxLines: number;
  private readonly now: () => Date;

  constructor(private readonly opts: RenderTreeOptions) {
    this.maxWidth = opts.maxWidth ?? 80;
    this.maxLines = opts.maxOutputLines ?? 50;
    this.now = opts.now ?? (() => new Date());
  }

  private text(s: string): string {
    return this.opts.color ? `\x1b[38;5;110m${s}\x1b[0m` : s;
  }

  private gray(s: string): string {
    return this.opts.color ? `\x1b[38;5;245m${s}\x1b[0m` : s;
  }

  render(record: RunRecord): string {
    let out = `${this.header(record)}\n\n`;
    const dur = runDuration(record.startedAt ?? "", record.finishedAt ?? "", record.status === RunStatus.Running, this.now);
    out += dur !== "" ? `dag: ${record.name} ${this.gray(`(${dur})`)}\n` : `dag: ${record.name}\n`;
    const nodes = record.nodes ?? [];
    if (nodes.length > 0) out += "│\n";
    nodes.forEach((node, i) => {
      out += this.step(node, i === nodes.length - 1, "");
    });
    // Handlers (onExit…) are not part of Dagu's tree.
    out += `\n${record.status === RunStatus.Running ? "Status" : "Result"}: ${titleCase(runStatusName(record.status) ?? "unknown")}\n`;
    return out;
  }

  private header(record: RunRecord): string {
    const started = record.startedAt ?? "";
    const when = started === "" || started === "-" ? localStamp(this.now()) : wholeSeconds(started);
    return `${titleCase(runStatusName(record.status) ?? "unknown")} - ${when}`;
  }

  private step(node: NodeRecord, isLast: boolean, prefix: string): string {
    const branch = isLast ? branchLast : branchMid;
    const parts = [this.text(node.step.name)];
    const status = node.status;
    if (status === NodeStatus.Succeeded || status === NodeStatus.Failed || status === NodeStatus.Running || status === NodeStatus.PartiallySucceeded) {
      const dur = runDuration(node.startedAt ?? "", node.finishedAt ?? "", status === NodeStatus.Running, this.now);
      if (dur !== "") parts.push(this.gray(`(${dur})`));
    }
    if (status !== NodeStatus.NotStarted) parts.push(this.text(`[${nodeStatusName(status) ?? "unknown"}]`));
    let out = `${prefix}${branch}${parts.join(" ")}\n`;
    const tail = isLast ? "" : `${prefix}${pipe}\n`;
    if (status === NodeStatus.Skipped || status === NodeStatus.Aborted || status === NodeStatus.NotStarted) return out + tail;

    const child = prefix + (isLast ? space : pipe);
    const stdout = readLogTail(node.stdout ?? "", this.maxLines);
    const stderr = readLogTail(node.stderr ?? "", this.maxLines);
    const hasOutput = stdout !== undefined && stdout.lines.length > 0 || stderr !== undefined && stderr.lines.length > 0;
    const hasError = (node.error ?? "") !== "" && status === NodeStatus.Failed;
    const subRuns = node.children ?? [];
    const hasSubRuns = subRuns.length > 0;

    // A blank `│` separates sections (commands, output, sub-runs, error) once something is above.
    let wrote = false;
    const spacer = (): void => {
      if (wrote) out += `${child}│\n`;
      wrote = true;
    };

    const commands = commandStrings(node.step);
    commands.forEach((cmd, i) => {
      const lastChild = i === commands.length - 1 && !hasOutput && !hasError && !hasSubRuns;
      out += this.commandLine(cmd, lastChild, child);
    });
    if (commands.length > 0) wrote = true;

    if (hasOutput) {
      spacer();
      const lastSection = !hasError && !hasSubRuns;
      const hasErr = stderr !== undefined && stderr.lines.length > 0;
      if (stdout !== undefined && stdout.lines.length > 0) out += this.output("stdout", stdout, lastSection && !hasErr, child);
      if (stderr !== undefined && hasErr) out += this.output("stderr", stderr, lastSection, child);
    }
    if (hasSubRuns) {
      spacer();
      subRuns.forEach((sub, i) => {
        const b = i === subRuns.length - 1 && !hasError ? branchLast : branchMid;
        out += `${child}${b}${this.text(`subdag: ${sub.dagRunId}${sub.params ? ` [${sub.params}]` : ""}`)}\n`;
      });
    }
    if (hasError) {
      spacer();
      out += this.errorLines(node.error ?? "", child);
    }
    return out + tail;
  }

  private commandLine(cmd: string, isLast: boolean, prefix: string): string {
    const branch = isLast ? branchLast : branchMid;
    if (this.maxWidth > 0) {
      const width = this.maxWidth - blen(prefix) - blen(branch);
      if (width > 20 && blen(cmd) > width) {
        const cont = prefix + (isLast ? space : pipe);
        return wrapText(cmd, width)
          .map((line, i) => (i === 0 ? `${prefix}${branch}${this.text(line)}\n` : `${cont}  ${this.text(line)}\n`))
          .join("");
      }
    }
    return `${prefix}${branch}${this.text(cmd)}\n`;
  }

  private output(label: string, tail: LogTail, isLast: boolean, prefix: string): string {
    const branch = isLast ? branchLast : branchMid;
    const contentPrefix = prefix + (isLast ? space : pipe);
    const width = Math.max(20, this.maxWidth - (blen(contentPrefix) + 2));
    let out = "";
    const content = (line: string): void => {
      const t = trimSpace(line);
      if (t === "") return;
      for (const w of blen(t) > width ? wrapText(t, width) : [t]) out += `${contentPrefix}  ${this.text(w)}\n`;
    };
    if (tail.truncated > 0) {
      out += `${prefix}${branch}${this.text(`${label}: ... (${tail.truncated} more lines)`)}\n`;
      tail.lines.forEach(content);
    } else if (tail.lines.length === 1) {
      const t = trimSpace(tail.lines[0] as string);
      const inline = `${label}: ${t}`;
      if (blen(inline) <= width) out += `${prefix}${branch}${this.text(inline)}\n`;
      else {
        out += `${prefix}${branch}${this.text(`${label}:`)}\n`;
        content(t);
      }
    } else {
      out += `${prefix}${branch}${this.text(`${label}:`)}\n`;
      tail.lines.forEach(content);
    }
    return out;
  }

  private errorLines(message: string, prefix: string): string {
    // The stderr tail Dagu appends to step errors is already shown under stderr.
    let cleaned = message;
    const nl = message.indexOf("\nrecent stderr (tail):");
    const bare = message.indexOf("recent stderr (tail):");
    if (nl >= 0) cleaned = trimSpace(message.slice(0, nl));
    else if (bare >= 0) cleaned = trimSpace(message.slice(0, bare));
    const text = `error: ${cleaned}`;
    const width = Math.max(20, this.maxWidth - (blen(prefix) + blen(branchLast)));
    if (blen(text) <= width) return `${prefix}${branchLast}${this.text(text)}\n`;
    return wrapText(text, width)
      .map((line, i) => (i === 0 ? `${prefix}${branchLast}${this.text(line)}\n` : `${prefix}    ${this.text(line)}\n`))
      .join("");
  }
}

/** Dagu 1.30.2's tree summary of a run (what `dagu status` prints). */
export function renderRunTree(record: RunRecord, opts: RenderTreeOptions): string {
  return new TreeRenderer(opts).render(record);
}
