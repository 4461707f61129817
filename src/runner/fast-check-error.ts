/**
 * Reading the error thrown by `fc.assert`: its message carries the seed, the path of the
 * shrunk counterexample and the counterexample itself; its `cause` is what the property
 * threw on that counterexample (a CheckFailure for a genuine failure).
 */
import type { CheckMeta } from "../check/check.ts";
import { CheckFailure } from "../check/failure.ts";
export interface PropertyFailure {
  seed: number;
  path: string;
  counterexample: string;
  numRuns?: number;
  shrinks?: number;
  cause: unknown;
}

const HEAD = /^Property failed after (\d+) tests\n\{ seed: (-?\d+), path: "([^"]*)"/;

export function parsePropertyFailure(err: unknown): PropertyFailure | undefined {
  if (!(err instanceof Error)) return undefined;
  const m = HEAD.exec(err.message);
  if (!m) return undefined;
  const ce = /\nCounterexample: ([\s\S]*?)\nShrunk (\d+) time/.exec(err.message);
  const out: PropertyFailure = {
    seed: Number(m[2]),
    path: m[3]!,
    counterexample: ce ? ce[1]! : "",
    numRuns: Number(m[1]),
    cause: (err as { cause?: unknown }).cause,
  };
  if (ce) out.shrinks = Number(ce[2]);
  return out;
}

/** A property that returned false (instead of throwing a CheckFailure) fails the check's own requirement. */
export function propertyDoesNotHold(meta: CheckMeta): (counterexample: string) => Error {
  return (counterexample) =>
    new CheckFailure({
      requirement: meta.id,
      expected: "the property to hold",
      actual: `it does not hold for ${counterexample}`,
    });
}

/** Where a recorded failure came from: the counterexample of a property (set when unwrapped). */
export interface PropertyInfo {
  seed: number;
  path: string;
  counterexample: string;
}

export const PROPERTY_INFO = new WeakMap<object, PropertyInfo>();

/**
 * The error a failed property carries, as the check would have thrown it: its cause (a
 * CheckFailure, a transport error, a skip…), remembered with the counterexample in
 * {@link PROPERTY_INFO}. A property that returned false becomes `onFalse()`. Errors that are
 * not property failures come back as they are.
 */
export function unwrapProperty(err: unknown, onFalse: (counterexample: string) => Error): unknown {
  const property = parsePropertyFailure(err);
  if (!property) return err;
  const info = {
    seed: property.seed,
    path: property.path,
    counterexample: property.counterexample,
  };
  const cause = property.cause ?? onFalse(property.counterexample);
  if (typeof cause === "object" && cause !== null) PROPERTY_INFO.set(cause, info);
  return cause;
}
