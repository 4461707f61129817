/** The expiry suite: one check per requirement, in files named by ID (add them here). */
import type { Check } from "../../src/runner/check.ts";

export const checks: Check[] = [];
