/** Signing suite, DTP-DPOP-* checks (one file per requirement ID). */
import type { Check } from "../../src/runner/check.ts";
import { check as dpop001 } from "./DTP-DPOP-001-proof-required-at-token.ts";

export const dpopChecks: Check[] = [dpop001];
