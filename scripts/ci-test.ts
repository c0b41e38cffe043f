/**
 * @module scripts/ci-test
 * `bun scripts/ci-test.ts [bun test args]`: runs `bun test`, streams its output unchanged,
 * and ends with exactly one line `N passed, N failed, N skipped` that CI reads.
 *
 * The counts come from bun's console summary, not the JUnit file (also written, as an
 * artefact): an exception while a test file loads is missing from the JUnit file but shows in
 * the console summary (shared/STACK.md §9). Exit code is bun's, so any failure, load error or
 * "no tests found" fails the run.
 */

// An ES module (for top-level await) although it exports nothing.
export {};

const child = Bun.spawn(
  [process.execPath, "test", "--reporter=junit", "--reporter-outfile=junit.xml", ...process.argv.slice(2)],
  { stdin: "inherit", stdout: "inherit", stderr: "pipe" },
);

// bun test reports on stderr; copy it through as it arrives and keep it for the summary.
let text = "";
const decoder = new TextDecoder();
for await (const chunk of child.stderr) {
  process.stderr.write(chunk);
  text += decoder.decode(chunk, { stream: true });
}
text += decoder.decode();
const code = await child.exited;

// Colour codes would break the line-anchored patterns if a CI forces colour on.
const plain = text.replace(/\x1b\[[0-9;]*m/g, "");
const count = (word: string): number => Number(new RegExp(`^\\s*(\\d+) ${word}$`, "m").exec(plain)?.[1] ?? 0);

const passed = count("pass");
// A non-zero exit with no counted failure (crash, load error, no test files) still is one.
const failed = code !== 0 && count("fail") === 0 ? 1 : count("fail");
const skipped = count("skip") + count("todo");
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(code === 0 && failed === 0 ? 0 : code || 1);
