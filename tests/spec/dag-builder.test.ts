/**
 * The YAML → Dag builder: every form a key accepts, the model it produces, and each kind of
 * error with its position. (The verdicts against Dagu 1.30.2 itself are in
 * tests/e2e/validate-differential.test.ts.)
 */
import { describe, expect, test } from "bun:test";
import type { Dag } from "../../src/core/dag.ts";
import { parseDagText } from "../../src/spec/dag-text.ts";

const file = "/dags/demo.yaml";

function ok(yaml: string): Dag {
  const r = parseDagText(yaml, file);
  if (!r.dag) throw new Error(`expected valid, got:\n${r.issues.map((i) => `${i.line}:${i.col} ${i.field}: ${i.message}`).join("\n")}`);
  return r.dag;
}

function problems(yaml: string): string[] {
  const r = parseDagText(yaml, file);
  expect(r.dag).toBeUndefined();
  return r.issues.map((i) => `${i.line}:${i.col} ${i.field}: ${i.message}`);
}

describe("DAG-level keys", () => {
  test("name defaults to the file name; type defaults to chain", () => {
    const d = ok("steps:\n  - echo hi\n");
    expect(d.name).toBe("demo");
    expect(d.type).toBe("chain");
    expect(d.location).toBe(file);
  });

  test("scalars, tags, defaults", () => {
    const d = ok(`
name: etl
group: data
description: "  nightly  "
tags: "Daily, ETL"
timeoutSec: 1.9
delaySec: 2
restartWaitSec: 3
maxActiveSteps: 4
maxCleanUpTimeSec: 9
histRetentionDays: 7
maxOutputSize: 100
queue: q1
logDir: /srv/etl/logs
skipIfSuccessful: true
steps: [echo a]
`);
    expect(d).toMatchObject({
      name: "etl", group: "data", description: "nightly", tags: ["daily", "etl"], timeoutSec: 1, delaySec: 2,
      restartWaitSec: 3, maxActiveSteps: 4, maxCleanUpTimeSec: 9, histRetentionDays: 7, maxOutputSize: 100,
      queue: "q1", logDir: "/srv/etl/logs", skipIfSuccessful: true, maxActiveRuns: 1, dotenv: [".env"], logOutput: "separate",
    });
    expect(ok("tags: [A, b]\nsteps: [x]").tags).toEqual(["a", "b"]);
  });

  test("env as a map, a list of maps, or KEY=value strings, in order", () => {
    expect(ok("env:\n  A: 1\n  B: x\nsteps: [x]").env).toEqual(["A=1", "B=x"]);
    expect(ok("env:\n  - A: 1\n  - B=two=2\nsteps: [x]").env).toEqual(["A=1", "B=two=2"]);
  });

  test("params as a string, a list, a map, JSON", () => {
    expect(ok('params: "x K=v"\nsteps: [x]').params).toEqual([
      { name: "1", value: "x", positional: true },
      { name: "K", value: "v", positional: false },
    ]);
    expect(ok("params:\n  - A: 1\n  - B=2 c\nsteps: [x]").params.map((p) => p.name)).toEqual(["A", "B", "3"]);
    expect(ok("params:\n  Z: 1\n  A: 2\nsteps: [x]").params.map((p) => p.name)).toEqual(["A", "Z"]);
    expect(ok(`params: '{"A": 1}'\nsteps: [x]`).defaultParams).toBe('A="1"');
  });

  test("schedule as a string, a list, or a start/stop/restart map", () => {
    expect(ok('schedule: "5 4 * * *"\nsteps: [x]').schedule.map((s) => s.cron)).toEqual(["5 4 * * *"]);
    expect(ok('schedule: ["0 1 * * *", "CRON_TZ=Asia/Tokyo 0 2 * * *"]\nsteps: [x]').schedule[1]).toEqual({
      expression: "CRON_TZ=Asia/Tokyo 0 2 * * *", cron: "0 2 * * *", timezone: "Asia/Tokyo",
    });
    const d = ok('schedule:\n  start: "0 8 * * *"\n  stop: ["0 18 * * *"]\n  restart: "0 12 * * *"\nsteps: [x]');
    expect([d.schedule.length, d.stopSchedule.length, d.restartSchedule.length]).toEqual([1, 1, 1]);
  });

  test("shell, dotenv, preconditions, handlers, mail, ssh, container, secrets", () => {
    const d = ok(`
shell: bash -eu
dotenv: [a.env, b.env]
precondition: test -f x
preconditions:
  - condition: "\`date +%u\`"
    expected: "re:[1-5]"
handlerOn:
  success: {command: echo ok}
  cancel: {command: echo aborted}
  exit: {command: echo bye}
mailOn: {failure: true}
errorMail: {from: a@x, to: [b@x, " c@x "], prefix: "[ERR]", attachLogs: true}
smtp: {host: smtp.x, port: 587}
secrets:
  - {name: TOKEN, provider: env, key: MY_TOKEN}
steps: [x]
`);
    expect(d.shell).toBe("bash");
    expect(d.shellArgs).toEqual(["-eu"]);
    expect(d.dotenv).toEqual(["a.env", "b.env"]);
    expect(d.preconditions).toEqual([
      { condition: "`date +%u`", expected: "re:[1-5]", negate: false },
      { condition: "test -f x", expected: "", negate: false },
    ]);
    expect(Object.keys(d.handlerOn).sort()).toEqual(["abort", "exit", "success"]);
    expect(d.handlerOn.abort?.name).toBe("onCancel");
    expect(d.errorMail?.to).toEqual(["b@x", "c@x"]);
    expect(d.smtp?.port).toBe("587");
    expect(d.secrets[0]?.name).toBe("TOKEN");
  });

  test("a DAG-level container or ssh makes untyped steps run there", () => {
    expect(ok("container: {image: alpine}\nsteps: [echo a]").steps[0]?.executor.type).toBe("container");
    expect(ok("ssh: {user: u, host: h}\nsteps: [echo a]").steps[0]?.executor.type).toBe("ssh");
  });
});

describe("steps", () => {
  test("chain: each step depends on the previous one; depends: [] opts out; groups fan in and out", () => {
    const d = ok(`
steps:
  - echo a
  - name: b
    command: echo b
  - [echo p1, echo p2]
  - name: z
    command: echo z
  - name: free
    command: echo free
    depends: []
`);
    expect(d.steps.map((s) => [s.name, s.depends])).toEqual([
      ["cmd_1", []],
      ["b", ["cmd_1"]],
      ["cmd_3", ["b"]],
      ["cmd_4", ["b"]],
      ["z", ["cmd_3", "cmd_4"]],
      ["free", []],
    ]);
  });

  test("graph: only explicit depends (string or list; ids resolve to names)", () => {
    const d = ok(`
type: graph
steps:
  - {name: a, id: first, command: echo a}
  - {name: b, command: echo b, depends: first}
  - {name: c, command: echo c, depends: [a, b]}
  - {name: d, command: echo d}
`);
    expect(d.steps.map((s) => s.depends)).toEqual([[], ["a"], ["a", "b"], []]);
  });

  test("map form takes names from the keys", () => {
    const d = ok("type: graph\nsteps:\n  one: {command: echo 1}\n  two: {command: echo 2, depends: one}\n");
    expect(d.steps.map((s) => s.name)).toEqual(["one", "two"]);
  });

  test("generated names follow the executor kind", () => {
    const d = ok(`
steps:
  - script: echo s
  - {type: http, command: GET http://127.0.0.1}
  - call: child
  - {call: child, parallel: [a, b]}
  - {container: {image: alpine}, command: echo c}
---
name: child
steps: [echo c]
`);
    expect(d.steps.map((s) => s.name)).toEqual(["script_1", "http_2", "dag_3", "parallel_4", "docker_5"]);
    expect(Object.keys(d.localDags)).toEqual(["child"]);
  });

  test("step fields: command forms, output, continueOn, retry, repeat, env, signal", () => {
    const d = ok(`
steps:
  - name: a
    command: [echo 1, "echo 2"]
    output: $RESULT
    continueOn: {failure: true, exitCode: [1, "2"], output: "re:warn", markSuccess: true}
    retryPolicy: {limit: 2, intervalSec: 5, exitCode: [1], backoff: true, maxIntervalSec: 30}
    repeatPolicy: {condition: "\`cat f\`", expected: done, intervalSec: 1, limit: 3}
    env: [X=1]
    signalOnStop: SIGINT
    timeoutSec: 10
    workingDir: /tmp
  - name: b
    command: |
      echo line1
      echo line2
    output: {name: OUT, key: myKey, omit: true}
`);
    const [a, b] = d.steps;
    expect(a?.commands.map((c) => c.cmdWithArgs)).toEqual(["echo 1", "echo 2"]);
    expect(a?.output).toEqual({ name: "RESULT", omit: false });
    expect(a?.continueOn).toEqual({ failure: true, skipped: false, exitCode: [1, 2], output: ["re:warn"], markSuccess: true });
    expect(a?.retryPolicy).toEqual({ limit: 2, intervalSec: 5, exitCodes: [1], backoff: 2, maxIntervalSec: 30 });
    expect(a?.repeatPolicy?.mode).toBe("until");
    expect(a?.signalOnStop).toBe("SIGINT");
    expect(a?.dir).toBe("/tmp");
    expect(b?.script).toBe("echo line1\necho line2");
    expect(b?.output).toEqual({ name: "OUT", key: "myKey", omit: true });
  });

  test("legacy executor forms and type+config", () => {
    const d = ok(`
steps:
  - {name: a, executor: jq, command: ".x", script: '{"x":1}'}
  - {name: b, executor: {type: http, config: {timeout: 5}}, command: GET http://127.0.0.1}
  - {name: c, type: http, config: {silent: true}, command: GET http://127.0.0.1}
`);
    expect(d.steps.map((s) => [s.executor.type, s.executor.config])).toEqual([
      ["jq", {}],
      ["http", { timeout: 5 }],
      ["http", { silent: true }],
    ]);
  });
});

describe("errors carry line, column and field", () => {
  test("unknown keys at DAG and step level, wrong types", () => {
    expect(problems("foo: 1\ntimeoutSec: \"10\"\nsteps:\n  - name: a\n    command: echo\n    bar: 2\n")).toEqual([
      '1:1 foo: unknown key "foo"',
      '2:13 timeoutSec: must be an integer, got a string ("10")',
      '6:5 steps[0].bar: unknown key "bar"',
    ]);
  });

  test("YAML syntax errors", () => {
    const p = problems("steps:\n  - name: a\n    command: [echo\n");
    expect(p[0]).toMatch(/^\d+:\d+ : YAML syntax error/);
  });

  test("unknown dependency, duplicate names, cycles", () => {
    expect(problems("steps:\n  - {name: a, command: x, depends: zz}\n")).toEqual(['2:36 steps[0].depends: step "a" depends on non-existent step "zz"']);
    expect(problems("steps:\n  - {name: a, command: x}\n  - {name: a, command: y}\n")).toEqual(['3:5 steps[1].name: duplicate step name "a"']);
    expect(problems("type: graph\nsteps:\n  - {name: a, command: x, depends: b}\n  - {name: b, command: y, depends: a}\n")).toEqual([
      "3:5 steps: dependency cycle: a -> b -> a",
    ]);
  });

  test("invalid cron, unknown executor with a command, bad executor config", () => {
    expect(problems('schedule: "61 * * * *"\nsteps: [x]')[0]).toContain("schedule: invalid cron expression");
    expect(problems("steps:\n  - {type: sql, command: select 1}\n")[0]).toContain('unknown executor type "sql"');
    expect(problems("steps:\n  - {type: mail, command: echo x}\n")[0]).toContain('executor type "mail" does not support the command field');
    expect(problems("steps:\n  - {type: hitl, config: {input: [a], required: [b]}}\n")[0]).toContain('required field "b" is not in input list');
    expect(problems("steps:\n  - {name: a, command: x, retryPolicy: {limit: 1}}\n")[0]).toContain("intervalSec is required");
  });

  test("every problem is reported, not just the first", () => {
    expect(problems("name: 'bad name'\ntype: dag\nsteps:\n  - {name: a, command: x, timeoutSec: -1, signalOnStop: NOPE}\n")).toHaveLength(4);
  });

  test("multi-document files need named sub-DAGs", () => {
    expect(problems("steps: [x]\n---\nsteps: [y]\n")[0]).toContain("must have a name");
    expect(problems("steps: [x]\n---\nname: s\nsteps: [y]\n---\nname: s\nsteps: [z]\n")[0]).toContain('duplicate DAG name "s"');
  });

  test("an empty file is not a DAG", () => {
    expect(problems("# just a comment\n")).toEqual(["1:1 : no DAG found in file (it is empty)"]);
  });
});
