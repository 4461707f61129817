/**
 * The catalogue: every fault, by area. IDs are `F-<AREA>-NN-slug`, unique and stable.
 */
import type { Fault } from "../types.ts";
import { concurrency } from "./concurrency.ts";
import { persistence } from "./persistence.ts";
import { polling } from "./polling.ts";
import { refresh } from "./refresh.ts";
import { resource } from "./resource.ts";
import { revocation } from "./revocation.ts";
import { assertions } from "./signing-assertions.ts";
import { dpop } from "./signing-dpop.ts";
import { signatures } from "./signing-signatures.ts";

export const FAULTS: readonly Fault[] = [
  ...signatures,
  ...dpop,
  ...assertions,
  ...polling,
  ...refresh,
  ...revocation,
  ...resource,
  ...concurrency,
  ...persistence,
];

const byId = new Map(FAULTS.map((f) => [f.id, f]));

export function faultById(id: string): Fault | undefined {
  return byId.get(id);
}
