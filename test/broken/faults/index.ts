/**
 * The catalogue: every fault, by area. IDs are `F-<AREA>-NN-slug`, unique and stable.
 */
import type { Fault } from "../types.ts";
import { concurrency } from "./concurrency.ts";
import { persistence } from "./persistence.ts";
import { polling } from "./polling.ts";
import { refresh } from "./refresh.ts";
import { revocation } from "./revocation.ts";

export const FAULTS: readonly Fault[] = [
  ...polling,
  ...refresh,
  ...revocation,
  ...concurrency,
  ...persistence,
];

const byId = new Map(FAULTS.map((f) => [f.id, f]));

export function faultById(id: string): Fault | undefined {
  return byId.get(id);
}
