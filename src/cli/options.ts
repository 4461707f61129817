/** Argument parsers shared by the `dtp` subcommands (commander `argParser`s). */
import { InvalidArgumentError } from "commander";
import { parseDuration } from "../config/duration.ts";
import { parseHeaderArg } from "../http/transport.ts";

/** Repeatable, comma-separated list: `--only A,B --only C` → [A, B, C]. */
export function list(value: string, previous: string[] | undefined): string[] {
  const items = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return [...(previous ?? []), ...items];
}

/** Repeatable option: every occurrence kept. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function integer(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError("not an integer.");
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError("out of range.");
  return n;
}

export function positiveInteger(value: string): number {
  const n = integer(value);
  if (n < 1) throw new InvalidArgumentError("must be at least 1.");
  return n;
}

/** Duration in milliseconds: 500ms, 10s, 2m, 1h, 90d (bare number = seconds). */
export function durationMs(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) {
    throw new InvalidArgumentError("not a duration (examples: 500ms, 10s, 2m, 1h).");
  }
  return ms;
}

/** Duration in whole seconds, at least 1 (server lifetimes). */
export function durationSeconds(value: string): number {
  const ms = durationMs(value);
  if (ms < 1000 || ms % 1000 !== 0) {
    throw new InvalidArgumentError("must be a whole number of seconds, at least 1s.");
  }
  return ms / 1000;
}

/** Duration in whole seconds, 0 allowed (clock skew, grace period). */
export function durationSecondsOrZero(value: string): number {
  const ms = durationMs(value);
  if (ms % 1000 !== 0) throw new InvalidArgumentError("must be a whole number of seconds.");
  return ms / 1000;
}

export function port(value: string): number {
  const n = integer(value);
  if (n < 0 || n > 65535) throw new InvalidArgumentError("must be 0–65535.");
  return n;
}

/** `name:password[:card]` */
export function user(
  value: string,
  previous: { username: string; password: string; cardId?: string }[] | undefined,
): { username: string; password: string; cardId?: string }[] {
  const parts = value.split(":");
  if (parts.length < 2 || parts.length > 3 || !parts[0] || !parts[1]) {
    throw new InvalidArgumentError("expected name:password or name:password:card.");
  }
  const u: { username: string; password: string; cardId?: string } = {
    username: parts[0],
    password: parts[1],
  };
  if (parts[2]) u.cardId = parts[2];
  return [...(previous ?? []), u];
}

/** Repeatable `--header 'Name: value'`. */
export function header(
  value: string,
  previous: [string, string][] | undefined,
): [string, string][] {
  try {
    return [...(previous ?? []), parseHeaderArg(value)];
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}
