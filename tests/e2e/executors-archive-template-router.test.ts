/**
 * @module tests/e2e/executors-archive-template-router
 * The archive (Dagu 1.30), template and router (Dagu v2.6.5) step types through the compiled
 * binary: each fixture DAG runs in a temp dir; step status and stdout come from
 * `dagu status --format json` (nodes[i].stdout is the log path; no file = empty output).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ensureBuilt, Workspace } from "./harness.ts";

const fixtures = resolve(import.meta.dir, "../fixtures/executors/archive-template-router");
const ws = new Workspace("atr");

beforeAll(() => {
  ensureBuilt();
  mkdirSync(join(ws.dir, "src/sub"), { recursive: true });
  writeFileSync(join(ws.dir, "src/a.txt"), "hello\n");
  writeFileSync(join(ws.dir, "src/sub/b.log"), "world\n");
  writeFileSync(join(ws.dir, "src/sub/c.txt"), "x");
});
afterAll(() => ws.remove());

const statusNames = ["not_started", "running", "failed", "aborted", "succeeded", "skipped", "partially_succeeded", "waiting", "rejected"];

interface NodeView {
  status: string;
  stdout: string;
  error: string;
}

function runFixture(name: string): { code: number | null; nodes: Map<string, NodeView>; status: number } {
  const file = join(ws.dir, name);
  copyFileSync(join(fixtures, name), file);
  const r = ws.dagu("start", file);
  const s = ws.dagu("status", "--format", "json", file);
  expect(s.code).toBe(0);
  const json = JSON.parse(s.stdout) as { status: number; nodes: { step: { name: string }; status: number; stdout: string; error?: string }[] };
  const nodes = new Map<string, NodeView>();
  for (const n of json.nodes) {
    const out = n.stdout && existsSync(n.stdout) ? readFileSync(n.stdout, "utf8") : "";
    nodes.set(n.step.name, { status: statusNames[n.status] ?? String(n.status), stdout: out, error: n.error ?? "" });
  }
  return { code: r.code, nodes, status: json.status };
}

const node = (nodes: Map<string, NodeView>, name: string): NodeView => {
  const n = nodes.get(name);
  if (!n) throw new Error(`no node ${name}`);
  return n;
};

describe("archive", () => {
  test("create / list / extract and an overwrite conflict", () => {
    const { nodes } = runFixture("archive.yaml");
    const mk = JSON.parse(node(nodes, "mk").stdout) as Record<string, unknown>;
    expect(mk).toMatchObject({ operation: "create", source: "src", destination: "out/arch.tar.gz", filesAdded: 5, verifyPerformed: false });
    expect(Object.keys(mk)).toEqual(["operation", "source", "destination", "filesAdded", "bytesArchived", "duration", "verifyPerformed"]);
    expect(JSON.parse(node(nodes, "mkzip").stdout)).toMatchObject({ filesAdded: 4 });
    const ls = JSON.parse(node(nodes, "ls").stdout) as { files: { path: string; mode: string; isDir: boolean }[]; totalFiles: number; totalSize: number };
    expect(ls.files.map((f) => f.path)).toEqual(["src", "src/a.txt", "src/sub", "src/sub/c.txt"]);
    expect(ls.files[0]).toMatchObject({ mode: "drwxr-xr-x", isDir: true });
    expect(ls.totalSize).toBe(7);
    expect(JSON.parse(node(nodes, "ex").stdout)).toMatchObject({ filesExtracted: 3, bytesExtracted: 13, filesSkipped: 0 });
    expect(readFileSync(join(ws.dir, "ext/sub/b.log"), "utf8")).toBe("world\n");
    const c = node(nodes, "conflict");
    expect(c.status).toBe("failed");
    expect(c.error).toContain("exists (overwrite disabled)");
  });
});

describe("router (v2)", () => {
  test("matching targets run, others are skipped; the router prints its evaluation", () => {
    const { nodes, status } = runFixture("router.yaml");
    expect(statusNames[status]).toBe("succeeded");
    expect(node(nodes, "router").status).toBe("succeeded");
    expect(node(nodes, "router").stdout).toBe("Router evaluating: premium\n  premium -> [premium_step]\n  standard -> [standard_step]\n  re:^pre -> [regex_step]\n");
    expect(node(nodes, "premium_step")).toMatchObject({ status: "succeeded", stdout: "premium\n" });
    expect(node(nodes, "regex_step")).toMatchObject({ status: "succeeded", stdout: "regex\n" });
    expect(node(nodes, "standard_step").status).toBe("skipped");
    expect(node(nodes, "after").status).toBe("succeeded");
  });
});

describe("template (v2)", () => {
  test("stdout, output variable, output file, missing key fails", () => {
    const { nodes } = runFixture("template.yaml");
    expect(node(nodes, "render")).toMatchObject({ status: "succeeded", stdout: "Hello, world!\n- A\n- B" }); // script is trimmed, as in v2
    expect(node(nodes, "to-file")).toMatchObject({ status: "succeeded", stdout: "" });
    expect(readFileSync(join(ws.dir, "out/rendered.txt"), "utf8")).toBe("msg=hi");
    expect(node(nodes, "show").stdout).toBe("msg=hi");
    const m = node(nodes, "missing-key");
    expect(m.status).toBe("failed");
    expect(m.error).toContain('template: execution error: template: template:1: executing "template" at <.nope>: map has no entry for key "nope"');
  });
});

describe("validation", () => {
  const cases: [string, string][] = [
    ["invalid-router-chain.yaml", "router steps require type 'graph'"],
    ["invalid-template-no-script.yaml", "template executor requires a script field"],
    ["invalid-value-on-shell-step.yaml", 'steps[0].value: unknown key "value"'],
  ];
  for (const [file, msg] of cases) {
    test(file, () => {
      const r = ws.dagu("validate", join(fixtures, file));
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).toContain(msg);
    });
  }
});
