/**
 * The native-parser path must read every file it accepts exactly as the located parser
 * does (node for node, positions aside), and must refuse what it would read differently.
 */
import { expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fastEligible, fastYamlDocuments } from "../../src/spec/yaml-fast.ts";
import { parseYamlDocuments, type YNode } from "../../src/spec/yaml-nodes.ts";

const root = resolve(import.meta.dir, "../..");

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return yamlFiles(p);
    return /\.ya?ml$/.test(name) ? [p] : [];
  });
}

/** A node without positions, for comparing trees. */
function bare(n: YNode | null): unknown {
  if (n === null) return null;
  switch (n.kind) {
    case "scalar":
      return { v: n.value, f: n.isFloat };
    case "seq":
      return n.items.map(bare);
    case "map":
      return n.entries.map((e) => [e.key, bare(e.value)]);
  }
}

const files = [...yamlFiles(join(root, "tests/fixtures")), ...yamlFiles(join(root, "examples"))];

test("every fixture and example the fast path accepts reads the same as with the located parser", () => {
  let accepted = 0;
  for (const f of files) {
    const text = readFileSync(f, "utf8");
    const fast = fastYamlDocuments(text);
    if (!fast) continue;
    const slow = parseYamlDocuments(text);
    if (slow.problems.length > 0) continue;
    accepted++;
    expect({ file: f, docs: fast.docs.map(bare) }).toEqual({ file: f, docs: slow.docs.map(bare) });
  }
  // Most DAG files are plain enough: the fast path is not a rare exception.
  expect(accepted).toBeGreaterThan(files.length / 2);
});

test("what the native parser would read differently goes to the located parser", () => {
  const refused = [
    "steps:\n  - name: a\n    command: echo 1\n    command: echo 2\n",
    "a: 1\nb: 2\na: 3\n",
    "env:\n  - A: 1\nenv:\n  - B: 2\n",
    "steps:\n  - name: a\n    retryPolicy:\n      limit: 1.0\n      intervalSec: 0\n",
    "maxActiveSteps: 1_000\n",
    "a: 1\n---\nname: b\n",
    "a:\tb\n",
    "base: &b {x: 1}\nc:\n  <<: *b\n",
    "a: {x: 1, x: 2}\n",
    '"a": 1\na: 2\n',
    "1: x\n2: y\n",
    "? complex\n: v\n",
    "a: .inf\n",
    'a: "multi\n  line"\n',
    'timeoutSec: !!int "10"\n',
    '{"a": 1, "a": 2}\n',
    '{"a":1,"a":2}\n',
    "a: [{x: 1, x: 2}]\n",
  ];
  for (const text of refused) expect({ text, fast: fastEligible(text) }).toEqual({ text, fast: false });
});

test("keys repeat freely across steps and inside block text", () => {
  const text = [
    "steps:",
    "  - name: a",
    "    command: echo a",
    "  - name: b",
    "    script: |",
    "      name: not a key",
    "      name: still text",
    "    env:",
    "      - name: x",
    "      - name: y",
    "  - - name: c",
    "    - name: d",
    "",
  ].join("\n");
  expect(fastEligible(text)).toBe(true);
  expect(fastYamlDocuments(text)?.docs.map(bare)).toEqual(parseYamlDocuments(text).docs.map(bare));
});
