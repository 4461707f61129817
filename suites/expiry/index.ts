/** The expiry suite: one check per requirement, in files named by ID (add them here). */
import type { Check } from "../../src/runner/check.ts";
import { check as exp001 } from "./DTP-EXP-001-expired-access-token.ts";

export const checks: Check[] = [exp001];
