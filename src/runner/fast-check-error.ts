/**
 * Reading the error thrown by `fc.assert`: its message carries the seed, the path of the
 * shrunk counterexample and the counterexample itself; its `cause` is what the property
 * threw on that counterexample (a CheckFailure for a genuine failure).
 */
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
