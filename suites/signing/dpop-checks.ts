/** Signing suite, DTP-DPOP-* checks (one file per requirement ID). */
import type { Check } from "../../src/runner/check.ts";

export const dpopChecks: Check[] = [];
