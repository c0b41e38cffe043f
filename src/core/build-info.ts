/**
 * @module core/build-info
 * Version, commit and build date, injected by build.ts with `--define`; a source run
 * (`bun src/main.ts`) reports `dev`.
 */
declare const DAGU_BUILD_VERSION: string | undefined;
declare const DAGU_BUILD_COMMIT: string | undefined;
declare const DAGU_BUILD_DATE: string | undefined;

export const buildInfo = {
  version: typeof DAGU_BUILD_VERSION === "string" ? DAGU_BUILD_VERSION : "dev",
  commit: typeof DAGU_BUILD_COMMIT === "string" ? DAGU_BUILD_COMMIT : "unknown",
  date: typeof DAGU_BUILD_DATE === "string" ? DAGU_BUILD_DATE : "unknown",
} as const;
