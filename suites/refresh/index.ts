/** The refresh suite: one check per requirement, in files named by ID (add them here). */
import type { Check } from "../../src/runner/check.ts";
import { check as ref002 } from "./DTP-REF-002-rotation-and-reuse.ts";

export const checks: Check[] = [ref002];
