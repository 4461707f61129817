/** Signing suite, DTP-SIG-* checks (one file per requirement ID). */
import type { Check } from "../../src/runner/check.ts";

export const sigChecks: Check[] = [];
