/**
 * The catalogue: every fault, by area. IDs are `F-<AREA>-NN-slug`, unique and stable.
 */
import type { Fault } from "../types.ts";
import { approval } from "./approval.ts";
import { concurrency } from "./concurrency.ts";
import { discovery } from "./discovery.ts";
import { errors } from "./errors.ts";
import { expiry } from "./expiry.ts";
import { instances } from "./instances.ts";
import { introspection } from "./introspection.ts";
import { login } from "./login.ts";
import { oauthErrors } from "./oauth-errors.ts";
import { persistence } from "./persistence.ts";
import { personalTokens } from "./personal-tokens.ts";
import { polling } from "./polling.ts";
import { refresh } from "./refresh.ts";
import { registration } from "./registration.ts";
import { resource } from "./resource.ts";
import { resourceAccess } from "./resource-access.ts";
import { revocation } from "./revocation.ts";
import { assertions } from "./signing-assertions.ts";
import { dpop } from "./signing-dpop.ts";
import { signatures } from "./signing-signatures.ts";
import { tokens } from "./tokens.ts";
import { wrongActor } from "./wrong-actor.ts";

export const FAULTS: readonly Fault[] = [
  ...discovery,
  ...registration,
  ...approval,
  ...signatures,
  ...dpop,
  ...assertions,
  ...polling,
  ...tokens,
  ...login,
  ...personalTokens,
  ...expiry,
  ...errors,
  ...oauthErrors,
  ...refresh,
  ...revocation,
  ...introspection,
  ...resource,
  ...resourceAccess,
  ...concurrency,
  ...persistence,
  ...instances,
  ...wrongActor,
];

const byId = new Map(FAULTS.map((f) => [f.id, f]));

export function faultById(id: string): Fault | undefined {
  return byId.get(id);
}
