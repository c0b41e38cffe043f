/**
 * @module tests/server/config-file
 * config.yaml + DAGU_* env vars + flags, in Dagu's precedence (flag > env > file > default).
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadServerConfig } from "../../src/config/config-file.ts";
import { DaguError } from "../../src/core/errors.ts";

const home = mkdtempSync(join(tmpdir(), "dagu-cfg-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

test("defaults without a config file", async () => {
  const c = await loadServerConfig({}, { DAGU_HOME: home });
  expect(c.host).toBe("127.0.0.1");
  expect(c.port).toBe(8080);
  expect(c.basePath).toBe("");
  expect(c.apiBasePath).toBe("/api/v2");
  expect(c.headless).toBe(false);
  expect(c.logFormat).toBe("text");
  expect(c.paths.dagsDir).toBe(join(home, "dags"));
  expect(c.configFile).toBeUndefined();
});

test("file keys, then env vars over them, then flags over both", async () => {
  writeFileSync(
    join(home, "config.yaml"),
    "host: 0.0.0.0\nport: 9000\nbasePath: /dagu/\nheadless: true\nlogFormat: json\ntz: Asia/Tokyo\ntls:\n  certFile: c.pem\n  keyFile: k.pem\npaths:\n  dagsDir: mydags\nqueues:\n  config:\n    - name: q1\n      maxConcurrency: 3\n",
  );
  const file = await loadServerConfig({}, { DAGU_HOME: home });
  expect(file.host).toBe("0.0.0.0");
  expect(file.port).toBe(9000);
  expect(file.basePath).toBe("/dagu");
  expect(file.headless).toBe(true);
  expect(file.logFormat).toBe("json");
  expect(file.tz).toBe("Asia/Tokyo");
  expect(file.tls).toEqual({ certFile: join(home, "c.pem"), keyFile: join(home, "k.pem") });
  expect(file.paths.dagsDir).toBe(join(home, "mydags"));
  expect(file.queues.config).toEqual([{ name: "q1", maxActiveRuns: 3 }]);
  const env = await loadServerConfig({}, { DAGU_HOME: home, DAGU_PORT: "9100", DAGU_HEADLESS: "false", DAGU_BASE_PATH: "x", DAGU_LOG_FORMAT: "text" });
  expect(env.port).toBe(9100);
  expect(env.headless).toBe(false);
  expect(env.basePath).toBe("/x");
  expect(env.logFormat).toBe("text");
  const flags = await loadServerConfig({ port: "9200", host: "127.0.0.2", dagsDir: join(home, "flag-dags") }, { DAGU_HOME: home, DAGU_PORT: "9100" });
  expect(flags.port).toBe(9200);
  expect(flags.host).toBe("127.0.0.2");
  expect(flags.paths.dagsDir).toBe(join(home, "flag-dags"));
  rmSync(join(home, "config.yaml"));
});

test("bad values are errors naming the key", async () => {
  await expect(loadServerConfig({ port: "http" }, { DAGU_HOME: home })).rejects.toThrow(/port: expected an integer/);
  await expect(loadServerConfig({}, { DAGU_HOME: home, DAGU_LOG_FORMAT: "xml" })).rejects.toThrow(/logFormat/);
  await expect(loadServerConfig({}, { DAGU_HOME: home, DAGU_CERT_FILE: "c.pem" })).rejects.toThrow(DaguError);
  await expect(loadServerConfig({ configFile: join(home, "missing.yaml") }, { DAGU_HOME: home })).rejects.toThrow(/cannot read config file/);
});
