/**
 * The signing suite: signed re-registration (DTP-SIG), DPoP (DTP-DPOP) and service-token
 * assertions (DTP-SVC); each prefix keeps its own list.
 */
import type { Check } from "../../src/check/check.ts";
import { dpopChecks } from "./dpop-checks.ts";
import { sigChecks } from "./sig-checks.ts";
import { svcChecks } from "./svc-checks.ts";

export const checks: Check[] = [...sigChecks, ...dpopChecks, ...svcChecks];
