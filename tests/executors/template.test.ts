import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderTemplate, TemplateExecutor } from "../../src/executors/template.ts";
import { parseDagText } from "../../src/spec/dag-text.ts";
import { fakeContext } from "./exec-context.ts";

const dir = mkdtempSync(join(tmpdir(), "tpl-unit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("rendering (v2's own test cases)", () => {
  const cases: [string, string, Record<string, unknown>, string][] = [
    ["literal", "Just literal text, no variables.", {}, "Just literal text, no variables."],
    ["data", "Hello, {{ .name }}! You have {{ .count }} items.", { name: "Alice", count: 42 }, "Hello, Alice! You have 42 items."],
    ["split+range", '{{ range .items | split "," }}[{{ . }}]{{ end }}', { items: "a,b,c" }, "[a][b][c]"],
    ["join", '{{ .items | join ", " }}', { items: ["a", "b", "c"] }, "a, b, c"],
    ["count", "{{ .items | count }}", { items: ["a", "b", "c"] }, "3"],
    ["add", "{{ 5 | add 3 }}", {}, "8"],
    ["empty", "empty={{ .val | empty }},notempty={{ .other | empty }}", { val: "", other: "x" }, "empty=true,notempty=false"],
    ["upper/lower/trim", "{{ .a | upper }} {{ .b | lower }} [{{ .c | trim }}]", { a: "hello", b: "HELLO", c: "  hello  " }, "HELLO hello [hello]"],
    ["default empty", '{{ .val | default "N/A" }}', { val: "" }, "N/A"],
    ["default set", '{{ .val | default "N/A" }}', { val: "present" }, "present"],
    ["chaining", '{{ .val | split "\\n" | count }}', { val: "a\nb\nc" }, "3"],
    ["empty slice / nil", "{{ .items | empty }} {{ .val | empty }}", { items: [], val: null }, "true true"],
    ["get missing", '{{ get .app "owner" }}', { app: {} }, ""],
    ["dig", '{{ dig "a" "b" "fallback" .data }}', { data: { a: { b: "found" } } }, "found"],
    ["replace", '{{ "hello world" | replace "world" "dagu" }}', {}, "hello dagu"],
    ["uniq sortAlpha", '{{ list "c" "a" "b" "a" | uniq | sortAlpha | join "," }}', {}, "a,b,c"],
    ["has", '{{ list "a" "b" | has "a" }}', {}, "true"],
    ["contains", '{{ contains "ell" "hello" }}', {}, "true"],
    ["prefix/suffix", '{{ hasPrefix "hel" "hello" }},{{ hasSuffix "llo" "hello" }}', {}, "true,true"],
    ["dict", '{{ $d := dict "key" "value" }}{{ get $d "key" }}', {}, "value"],
    ["toString", "{{ 42 | toString }}", {}, "42"],
    ["split|join", '{{ "a,b,c" | split "," | join ";" }}', {}, "a;b;c"],
    ["cross library", '{{ list "x" "y" "z" | join "-" }}', {}, "x-y-z"],
  ];
  for (const [name, src, data, want] of cases) test(name, () => expect(renderTemplate(src, data)).toBe(want));
});

describe("Go text/template semantics", () => {
  test("range with index, if/else if/else, trim markers", () => {
    const src = "{{- range $i, $e := .l }}\n{{ $i }}={{ $e }}{{ if eq $i 1 }} one{{ else if gt $i 1 }} many{{ else }} zero{{ end }}\n{{- end }}";
    expect(renderTemplate(src, { l: ["a", "b", "c"] })).toBe("\n0=a zero\n1=b one\n2=c many");
  });
  test("maps range in key order; else on empty; with; comments", () => {
    expect(renderTemplate("{{ range $k, $v := .m }}{{ $k }}={{ $v }};{{ end }}{{ range .e }}x{{ else }}none{{ end }}", { m: { b: 2, a: 1 }, e: [] })).toBe("a=1;b=2;none");
    expect(renderTemplate("{{ with .m }}{{ .x }}{{ else }}no{{ end }}{{/* c */}} {{ with .n }}y{{ else }}no{{ end }}", { m: { x: 1 }, n: "" })).toBe("1 no");
  });
  test("printf, print, len, index, variables, and/or/not", () => {
    expect(renderTemplate('{{ printf "%05.2f|%-4s|%d|%q|%v" 3.14159 "ab" 7 "x" .l }}', { l: [1, 2] })).toBe('03.14|ab  |7|"x"|[1 2]');
    expect(renderTemplate("{{ len .m }} {{ index .l 1 }} {{ .m }} {{ $x := 1 }}{{ $x = 2 }}{{ $x }} {{ and 1 0 }} {{ or 0 \"b\" }} {{ not true }}", { m: { b: 2, a: "<" }, l: [1, 2] })).toBe(
      "2 2 map[a:< b:2] 2 0 b false",
    );
  });
  test("break and continue", () => {
    expect(renderTemplate("{{ range .l }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ if eq . 4 }}{{ break }}{{ end }}{{ . }}{{ end }}", { l: [1, 2, 3, 4, 5] })).toBe("13");
  });
  test("toJson escapes like Go", () => {
    expect(renderTemplate("{{ toJson .m }}", { m: { b: 2, a: "<" } })).toBe('{"a":"\\u003c","b":2}');
  });
  test("errors: missing key, blocked and unknown functions, bad syntax, unsupported actions", () => {
    expect(() => renderTemplate("{{ .undefined_key }}", {})).toThrow('map has no entry for key "undefined_key"');
    for (const f of ['{{ env "HOME" }}', '{{ expandenv "$HOME" }}', "{{ now }}", "{{ randAlphaNum 10 }}"]) expect(() => renderTemplate(f, {})).toThrow("not defined");
    expect(() => renderTemplate("{{ .foo", {})).toThrow("unclosed action");
    expect(() => renderTemplate('{{ define "x" }}y{{ end }}', {})).toThrow("{{define}} is not supported");
    expect(() => renderTemplate("{{ if .a }}x", { a: 1 })).toThrow("unexpected EOF");
  });
});

describe("template executor", () => {
  test("stdout", async () => {
    const run = fakeContext({ type: "template", script: "Hi {{ .who }}", config: { data: { who: "you" } } }, dir);
    expect(await new TemplateExecutor().run(run.ctx)).toEqual({ ok: true });
    expect(run.out()).toBe("Hi you");
  });
  test("output file relative to the working dir, parents created, nothing on stdout", async () => {
    const run = fakeContext({ type: "template", script: "File content: {{ .msg }}", config: { data: { msg: "hello" }, output: "sub/dir/out.txt" } }, dir);
    expect(await new TemplateExecutor().run(run.ctx)).toEqual({ ok: true });
    expect(run.out()).toBe("");
    expect(readFileSync(join(dir, "sub/dir/out.txt"), "utf8")).toBe("File content: hello");
  });
  test("parse and execution errors fail the step with v2's prefixes", async () => {
    const a = await new TemplateExecutor().run(fakeContext({ type: "template", script: "{{ .foo" }, dir).ctx);
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.error).toContain("template: parse error");
    const b = await new TemplateExecutor().run(fakeContext({ type: "template", script: "{{ .nope }}" }, dir).ctx);
    if (!b.ok) expect(b.error).toContain("template: execution error");
    else throw new Error("expected failure");
  });
  test("bad config: data not a map; unknown keys warn", async () => {
    const a = await new TemplateExecutor().run(fakeContext({ type: "template", script: "x", config: { data: [1] } }, dir).ctx);
    if (a.ok) throw new Error("expected failure");
    expect(a.error).toContain("'data' expected a map");
    const run = fakeContext({ type: "template", script: "x", config: { dat: {} } }, dir);
    expect(await new TemplateExecutor().run(run.ctx)).toEqual({ ok: true });
    expect(run.err()).toContain('unknown config key "dat"');
  });
});

describe("template spec", () => {
  test("script required; command rejected; with: accepted as config", () => {
    const r = parseDagText("steps:\n  - name: t\n    type: template\n    command: echo\n", "/d/t.yaml");
    const msgs = r.issues.map((i) => i.message).join("\n");
    expect(msgs).toContain("template executor requires a script field");
    expect(msgs).toContain('executor type "template" does not support the command field');
    const ok = parseDagText("steps:\n  - name: t\n    type: template\n    with:\n      data: {a: 1}\n    script: \"{{ .a }}\"\n", "/d/t.yaml");
    expect(ok.dag?.steps[0]?.executor.config).toEqual({ data: { a: 1 } });
    const both = parseDagText("steps:\n  - name: t\n    type: template\n    with: {}\n    config: {data: {}}\n    script: x\n", "/d/t.yaml");
    expect(both.issues.map((i) => i.message).join("\n")).toContain('fields "with" and "config" cannot be used together');
  });
});
