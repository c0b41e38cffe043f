/**
 * @module core/go-errno
 * Node's file-system errors in Go's wording (`open x: no such file or directory`), for the
 * messages Dagu users and their scripts know.
 */

const errnoText: Readonly<Record<string, string>> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EEXIST: "file exists",
  ENOTDIR: "not a directory",
  EISDIR: "is a directory",
  ENOSPC: "no space left on device",
  ELOOP: "too many levels of symbolic links",
};

/** `<op> <path>: <reason>` for a known errno, else the error's own message. */
export function goFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.code === "string" && errnoText[err.code]) {
    const op = err.syscall === "lstat" || err.syscall === "stat" ? err.syscall : err.syscall === "mkdir" ? "mkdir" : "open";
    return `${op} ${err.path ?? ""}: ${errnoText[err.code]}`;
  }
  return err instanceof Error ? err.message : String(e);
}
