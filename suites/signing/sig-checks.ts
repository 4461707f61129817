/** Signing suite, DTP-SIG-* checks (one file per requirement ID). */
import type { Check } from "../../src/runner/check.ts";
import { check as sig001 } from "./DTP-SIG-001-signed-reregistration-approved.ts";

export const sigChecks: Check[] = [sig001];
