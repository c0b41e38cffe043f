/**
 * @module executors/http
 * `type: http`: `command: METHOD URL`, options in `config` (or as a JSON object in `script`,
 * which then replaces `config`). Behaves as Dagu 1.30.2 (bi/http/http.go, on go-resty):
 *
 * - Output, not silent: `"<code> <reason>\n"`, the response headers as Go writes them
 *   (canonical names, sorted, `Name: value\r\n`, one line per value), then the body as is.
 *   `silent: true` prints the body only — unless the status is not 2xx.
 * - `json: true`: `{"status_code","headers","body"}` indented by one space, the body decoded
 *   as JSON (a body that is not JSON fails the step); silent + 2xx zeroes code and headers.
 * - A status outside 200–299 fails the step: `http status code not 2xx: <code>`, exit code 1.
 * - The request as resty sends it: query params sorted and appended after the URL's own,
 *   `User-Agent: go-resty/…`, `Accept` copied from a JSON/XML `Content-Type`, a body only
 *   for methods other than GET/HEAD/OPTIONS with a sniffed `Content-Type`.
 * - Config is checked only now, as Dagu does at run time: mapstructure's weak typing for
 *   `config` (`"5"` is a valid timeout), Go's json rules for `script`, their error texts.
 */
import type { ConfigValue } from "../core/dag.ts";
import type { ExecContext, ExecResult, Executor } from "./executor.ts";
import { type ConfigInput, type JsonValue, goJsonParse, goKeyCompare, goMarshal, weakDecode } from "./go-json.ts";

/** The version of go-resty Dagu 1.30.2 links; its User-Agent is what servers see. */
const userAgent = "go-resty/2.16.5 (https://github.com/go-resty/resty)";

export interface HttpConfig {
  timeout: number;
  headers: Record<string, string>;
  query: Record<string, string>;
  body: string;
  silent: boolean;
  debug: boolean;
  json: boolean;
  skipTLSVerify: boolean;
}

const emptyConfig = (): HttpConfig => ({ timeout: 0, headers: {}, query: {}, body: "", silent: false, debug: false, json: false, skipTLSVerify: false });

/** httpConfig's fields in declaration order (mapstructure reports errors in this order). */
const fields = [
  { name: "Timeout", kind: "int", json: "timeout" },
  { name: "Headers", kind: "map[string]string", json: "headers" },
  { name: "Query", kind: "map[string]string", json: "query" },
  { name: "Body", kind: "string", json: "body" },
  { name: "Silent", kind: "bool", json: "silent" },
  { name: "Debug", kind: "bool", json: "debug" },
  { name: "JSON", kind: "bool", json: "json" },
  { name: "SkipTLSVerify", kind: "bool", json: "skipTLSVerify" },
] as const;

type FieldKey = keyof HttpConfig;

/** `config:` through mapstructure (weakly typed, unknown keys ignored). */
export function decodeConfigMap(config: Readonly<Record<string, ConfigValue>>): { ok: true; config: HttpConfig } | { ok: false; error: string } {
  const { values, error } = weakDecode(config as Readonly<Record<string, ConfigInput>>, fields);
  if (error) return { ok: false, error };
  const cfg = emptyConfig();
  for (const f of fields) {
    const v = values[f.name];
    if (v !== undefined) (cfg as unknown as Record<FieldKey, unknown>)[f.json] = v;
  }
  return { ok: true, config: cfg };
}

/** The word Go's json errors use for a JSON value's kind. */
function jsonKind(v: JsonValue): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "object") return "object";
  return typeof v === "number" ? "number" : typeof v === "boolean" ? "bool" : "string";
}

/** `script:` through Go's json.Unmarshal into httpConfig (strict types, keys case-insensitive). */
export function decodeConfigJson(text: string): { ok: true; config: HttpConfig } | { ok: false; error: string } {
  const parsed = goJsonParse(text);
  if (!parsed.ok) return parsed;
  const cfg = emptyConfig();
  const v = parsed.value;
  if (v === null) return { ok: true, config: cfg };
  if (typeof v !== "object" || Array.isArray(v)) return { ok: false, error: `json: cannot unmarshal ${jsonKind(v)} into Go value of type http.httpConfig` };
  // Go keeps decoding after a type error and reports the first one, in document order.
  let first: string | undefined;
  const typeError = (kind: string, field: string, goType: string): void => {
    first ??= `json: cannot unmarshal ${kind} into Go struct field httpConfig.${field} of type ${goType}`;
  };
  for (const [key, x] of Object.entries(v)) {
    const f = fields.find((d) => d.json === key) ?? fields.find((d) => d.json.toLowerCase() === key.toLowerCase());
    if (!f || x === null) continue;
    const target = cfg as unknown as Record<FieldKey, unknown>;
    if (f.kind === "int") {
      if (typeof x !== "number") typeError(jsonKind(x), f.json, "int");
      else if (!Number.isInteger(x)) typeError(`number ${String(x)}`, f.json, "int");
      else target[f.json] = x;
    } else if (f.kind === "bool") {
      if (typeof x !== "boolean") typeError(jsonKind(x), f.json, "bool");
      else target[f.json] = x;
    } else if (f.kind === "string") {
      if (typeof x !== "string") typeError(jsonKind(x), f.json, "string");
      else target[f.json] = x;
    } else {
      if (typeof x !== "object" || Array.isArray(x)) {
        typeError(jsonKind(x), f.json, "map[string]string");
        continue;
      }
      const m: Record<string, string> = {};
      for (const [k, s] of Object.entries(x)) {
        if (s === null) m[k] = "";
        else if (typeof s !== "string") typeError(jsonKind(s), f.json, "string");
        else m[k] = s;
      }
      target[f.json] = m;
    }
  }
  return first ? { ok: false, error: first } : { ok: true, config: cfg };
}

/** textproto.CanonicalMIMEHeaderKey: `content-type` → `Content-Type`; odd names unchanged. */
export function canonicalHeaderKey(k: string): string {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(k)) return k;
  let upper = true;
  let out = "";
  for (const ch of k) {
    out += upper ? ch.toUpperCase() : ch.toLowerCase();
    upper = ch === "-";
  }
  return out;
}

/** url.QueryEscape: space → `+`, everything but `A-Za-z0-9-_.~` percent-encoded. */
function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, "+");
}

/** resty: the URL's own query first, then the configured params sorted by key (url.Values.Encode). */
export function buildUrl(raw: string, query: Readonly<Record<string, string>>): string {
  const keys = Object.keys(query).sort(goKeyCompare);
  if (keys.length === 0) return raw;
  const hash = raw.indexOf("#");
  const frag = hash >= 0 ? raw.slice(hash) : "";
  const base = hash >= 0 ? raw.slice(0, hash) : raw;
  const enc = keys.map((k) => `${queryEscape(k)}=${queryEscape(query[k] as string)}`).join("&");
  const q = base.indexOf("?");
  if (q < 0) return `${base}?${enc}${frag}`;
  const own = base.slice(q + 1);
  return `${base.slice(0, q)}?${own === "" ? enc : `${own}&${enc}`}${frag}`;
}

const htmlSigs = ["<!DOCTYPE HTML", "<HTML", "<HEAD", "<SCRIPT", "<IFRAME", "<H1", "<DIV", "<FONT", "<TABLE", "<A", "<STYLE", "<TITLE", "<B", "<BODY", "<BR", "<P", "<!--"];

/** The common cases of Go's http.DetectContentType, which resty uses for a body without a Content-Type. */
export function sniffContentType(body: Uint8Array): string {
  const head = body.subarray(0, 512);
  const text = new TextDecoder("latin1").decode(head);
  const trimmed = text.replace(/^[\t\n\x0c\r ]+/, "");
  const upper = trimmed.toUpperCase();
  for (const sig of htmlSigs) {
    if (upper.startsWith(sig)) {
      const next = trimmed.charAt(sig.length);
      if (next === " " || next === ">") return "text/html; charset=utf-8";
    }
  }
  if (trimmed.startsWith("<?xml")) return "text/xml; charset=utf-8";
  if (text.startsWith("%PDF-")) return "application/pdf";
  if (text.startsWith("\xfe\xff")) return "text/plain; charset=utf-16be";
  if (text.startsWith("\xff\xfe")) return "text/plain; charset=utf-16le";
  if (text.startsWith("\xef\xbb\xbf")) return "text/plain; charset=utf-8";
  if (text.startsWith("GIF87a") || text.startsWith("GIF89a")) return "image/gif";
  if (text.startsWith("\x89PNG\r\n\x1a\n")) return "image/png";
  if (text.startsWith("\xff\xd8\xff")) return "image/jpeg";
  if (text.startsWith("PK\x03\x04")) return "application/zip";
  if (text.startsWith("\x1f\x8b\x08")) return "application/x-gzip";
  for (const c of head) {
    if (c <= 0x08 || c === 0x0b || (c >= 0x0e && c <= 0x1a) || (c >= 0x1c && c <= 0x1f)) return "application/octet-stream";
  }
  return "text/plain; charset=utf-8";
}

/** Go's url.Error prefix: the method in title case (`Get`, `Post`), GET when empty. */
function urlErrorOp(method: string): string {
  if (method === "") return "Get";
  return method.charAt(0) + method.slice(1).toLowerCase();
}

const jsonType = /(application|text)\/(.*json.*)(;|$)/i;
const xmlType = /(application|text)\/(.*xml.*)(;|$)/i;

interface Prepared {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  readonly body?: Uint8Array;
  readonly gzipByUs: boolean;
}

/** The request resty would send, or Go's error for a URL it cannot use. */
export function prepareRequest(method: string, rawUrl: string, cfg: HttpConfig): { ok: true; req: Prepared } | { ok: false; error: string } {
  let url = buildUrl(rawUrl, cfg.query);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url);
  if (!scheme) {
    // resty treats a URL without a scheme as a path under its (empty) base URL.
    if (url !== "" && !url.startsWith("/")) url = `/${url}`;
    return { ok: false, error: `${urlErrorOp(method)} "${url}": unsupported protocol scheme ""` };
  }
  const s = (scheme[1] as string).toLowerCase();
  if (s !== "http" && s !== "https") return { ok: false, error: `${urlErrorOp(method)} "${url}": unsupported protocol scheme "${s}"` };
  try {
    new URL(url);
  } catch {
    return { ok: false, error: `parse "${url}": invalid URL` };
  }
  const headers = new Headers();
  for (const [k, v] of Object.entries(cfg.headers)) headers.set(canonicalHeaderKey(k), v);
  if (!headers.has("user-agent")) headers.set("User-Agent", userAgent);
  const ct = headers.get("content-type");
  if (!headers.has("accept") && ct && (jsonType.test(ct) || xmlType.test(ct))) headers.set("Accept", ct);
  const m = method === "" ? "GET" : method;
  let body: Uint8Array | undefined;
  if (m !== "GET" && m !== "HEAD" && m !== "OPTIONS") {
    body = new TextEncoder().encode(cfg.body);
    if (!ct) headers.set("Content-Type", sniffContentType(body));
  }
  // Go's transport asks for gzip itself (and then hides the encoding) unless told otherwise.
  const gzipByUs = !headers.has("accept-encoding") && !headers.has("range") && m !== "HEAD";
  if (gzipByUs) headers.set("Accept-Encoding", "gzip");
  return { ok: true, req: { method: m, url, headers, ...(body ? { body } : {}), gzipByUs } };
}

/** Response headers as Go's http.Header holds them: canonical names, each value separately. */
export function responseHeaders(res: Response, gzipByUs: boolean): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (k: string, v: string): void => {
    const key = canonicalHeaderKey(k);
    const list = out.get(key);
    if (list) list.push(v);
    else out.set(key, [v]);
  };
  res.headers.forEach((v, k) => {
    if (k === "set-cookie") return;
    add(k, v);
  });
  for (const c of res.headers.getSetCookie()) add("set-cookie", c);
  // Go moves Transfer-Encoding out of the header map; after decoding gzip it had asked for,
  // it drops Content-Encoding and Content-Length (they describe the compressed bytes).
  out.delete("Transfer-Encoding");
  if (gzipByUs && (out.get("Content-Encoding")?.[0] ?? "").toLowerCase() === "gzip") {
    out.delete("Content-Encoding");
    out.delete("Content-Length");
  }
  return new Map([...out.entries()].sort(([a], [b]) => goKeyCompare(a, b)));
}

/** http.Header.Write: `Name: value\r\n` per value, newlines in values turned to spaces, trimmed. */
export function formatHeaders(h: ReadonlyMap<string, readonly string[]>): string {
  let s = "";
  for (const [k, vs] of h) for (const v of vs) s += `${k}: ${v.replace(/\r\n|\r|\n/g, " ").trim()}\r\n`;
  return s;
}

/** Go's status text: what follows the protocol on the status line. */
function statusLine(res: Response): string {
  return res.statusText ? `${res.status} ${res.statusText}` : String(res.status);
}

/** Bun's fetch errors in Go's words, for the step error. */
function networkError(e: unknown, op: string, url: string): string {
  const err = e as { code?: string; message?: string };
  const code = err.code ?? "";
  let host = "";
  try {
    const u = new URL(url);
    host = `${u.hostname}:${u.port || (u.protocol === "https:" ? "443" : "80")}`;
  } catch {
    // the URL was checked before the request; keep the host empty if it still fails
  }
  if (code === "ConnectionRefused" || code === "ECONNREFUSED") return `${op} "${url}": dial tcp ${host}: connect: connection refused`;
  if (/certificate|CERT|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(`${code} ${err.message ?? ""}`)) {
    return `${op} "${url}": tls: failed to verify certificate: x509: certificate signed by unknown authority`;
  }
  if (code === "ENOTFOUND" || code === "DNSException" || /getaddrinfo|DNS/i.test(err.message ?? "")) {
    return `${op} "${url}": dial tcp: lookup ${host.replace(/:\d+$/, "")}: no such host`;
  }
  return `${op} "${url}": ${err.message ?? String(e)}`;
}

/** resty's debug log (Dagu writes it to its own stderr, not to the step's log). */
function debugLog(req: Prepared, res: Response, headers: ReadonlyMap<string, readonly string[]>, body: Uint8Array, started: number): void {
  const line = "==============================================================================";
  const u = new URL(req.url);
  const reqHeaders = [...req.headers.entries()].map(([k, v]) => `\t${canonicalHeaderKey(k)}: ${v}`).join("\n");
  const resHeaders = [...headers.entries()].map(([k, vs]) => `\t${k}: ${vs.join(", ")}`).join("\n");
  const reqBody = req.body && req.body.length > 0 ? new TextDecoder().decode(req.body) : "***** NO CONTENT *****";
  process.stderr.write(
    `${new Date().toISOString()} DEBUG RESTY \n${line}\n~~~ REQUEST ~~~\n${req.method}  ${u.pathname}${u.search}  HTTP/1.1\nHOST   : ${u.host}\nHEADERS:\n${reqHeaders}\nBODY   :\n${reqBody}\n` +
      `------------------------------------------------------------------------------\n~~~ RESPONSE ~~~\nSTATUS       : ${statusLine(res)}\nPROTO        : HTTP/1.1\nRECEIVED AT  : ${new Date().toISOString()}\nTIME DURATION: ${Date.now() - started}ms\nHEADERS      :\n${resHeaders}\nBODY         :\n${new TextDecoder().decode(body)}\n${line}\n`,
  );
}

const enc = new TextEncoder();

export class HttpExecutor implements Executor {
  async run(ctx: ExecContext): Promise<ExecResult> {
    const { step } = ctx;
    const fail = (error: string, deadline = false): ExecResult => ({ ok: false, exitCode: 1, error, ...(deadline ? { deadline } : {}) });
    // A script holds the whole config as JSON and then `config:` is not read at all.
    const decoded = step.script.length > 0 ? decodeConfigJson(step.script) : decodeConfigMap(step.executor.config);
    if (!decoded.ok) return fail(decoded.error);
    const cfg = decoded.config;
    const first = step.commands[0];
    const method = (first?.command ?? "").toUpperCase();
    const prepared = prepareRequest(method, first?.args[0] ?? "", cfg);
    if (!prepared.ok) return fail(prepared.error);
    const req = prepared.req;
    const op = urlErrorOp(method);

    // One controller for stop (ctx.signal) and the client timeout, which Go reports differently.
    const ac = new AbortController();
    let timedOut = false;
    const onAbort = (): void => ac.abort();
    if (ctx.signal.aborted) ac.abort();
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    const timer =
      cfg.timeout > 0
        ? setTimeout(() => {
            timedOut = true;
            ac.abort();
          }, cfg.timeout * 1000)
        : undefined;
    const started = Date.now();
    try {
      let res: Response;
      try {
        res = await fetch(req.url, {
          method: req.method,
          headers: req.headers,
          ...(req.body ? { body: req.body } : {}),
          signal: ac.signal,
          redirect: "follow",
          ...(cfg.skipTLSVerify ? { tls: { rejectUnauthorized: false } } : {}),
        });
      } catch (e) {
        if (timedOut) return fail(`${op} "${req.url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`, true);
        if (ac.signal.aborted) return fail(`${op} "${req.url}": context canceled`);
        return fail(networkError(e, op, req.url));
      }
      let body: Uint8Array;
      try {
        body = new Uint8Array(await res.arrayBuffer());
      } catch (e) {
        if (timedOut) return fail("context deadline exceeded (Client.Timeout or context cancellation while reading body)", true);
        if (ac.signal.aborted) return fail("context canceled");
        return fail((e as Error).message);
      }
      const headers = responseHeaders(res, req.gzipByUs);
      if (cfg.debug) debugLog(req, res, headers, body, started);
      const success = res.status > 199 && res.status < 300;
      const full = !success || !cfg.silent;
      if (cfg.json) {
        const parsed = goJsonParse(new TextDecoder().decode(body));
        if (!parsed.ok) return fail(parsed.error);
        const h: Record<string, JsonValue> = {};
        for (const [k, vs] of headers) h[k] = [...vs];
        // Built by hand: Go's field order is status_code, headers, body (not sorted).
        const inner = goMarshal(parsed.value, " ").replace(/\n/g, "\n ");
        const text = `{\n "status_code": ${full ? res.status : 0},\n "headers": ${full ? goMarshal(h, " ").replace(/\n/g, "\n ") : "null"},\n "body": ${inner}\n}`;
        ctx.stdout.write(enc.encode(text));
      } else {
        if (full) ctx.stdout.write(enc.encode(`${statusLine(res)}\n${formatHeaders(headers)}`));
        if (body.length > 0) ctx.stdout.write(body);
      }
      if (!success) return fail(`http status code not 2xx: ${res.status}`);
      return { ok: true };
    } finally {
      if (timer) clearTimeout(timer);
      ctx.signal.removeEventListener("abort", onAbort);
    }
  }
}
