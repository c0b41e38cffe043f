/**
 * @module main
 * Entry point of the `dagu` binary. Keep this file's imports tiny: start-up time is part of
 * the product, and every command loads its own modules lazily.
 */
import { runCli } from "./cli/run-cli.ts";

process.exitCode = await runCli(process.argv.slice(2));
