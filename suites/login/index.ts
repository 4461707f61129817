/** The login suite: one check per requirement, in files named by ID (add them here). */
import type { Check } from "../../src/runner/check.ts";
import { check as login001 } from "./DTP-LOGIN-001-user-token-pair.ts";

export const checks: Check[] = [login001];
