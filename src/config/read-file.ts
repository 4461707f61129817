/**
 * Reading a file the user named (config, expected failures, PEM files): every way it can
 * fail becomes one sentence naming the file, never an errno dump or a stack trace.
 */
import { readFile } from "node:fs/promises";

/** Why `path` could not be read, in words (`what` names the file's role). */
export function unreadable(what: string, path: string, err: unknown): string {
  const code = (err as { code?: string }).code;
  switch (code) {
    case "ENOENT":
      return `${what} ${path} not found`;
    case "EISDIR":
      return `${what} ${path} is a directory, not a file`;
    case "ENOTDIR":
      return `${what} ${path}: a part of the path is not a directory`;
    case "EACCES":
    case "EPERM":
      return `${what} ${path}: permission denied`;
    default:
      return `cannot read ${what} ${path} (${code ?? String(err)})`;
  }
}

/** Reads a UTF-8 file or throws `fail(sentence)`. */
export async function readTextFile(
  path: string,
  what: string,
  fail: (message: string) => Error,
): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    throw fail(unreadable(what, path, err));
  }
}
