/** Signing suite, DTP-SVC-* checks (one file per requirement ID). */
import type { Check } from "../../src/runner/check.ts";

export const svcChecks: Check[] = [];
