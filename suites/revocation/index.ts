/** The revocation suite: one check per requirement, in files named by ID (add them here). */
import type { Check } from "../../src/runner/check.ts";
import { check as rev001 } from "./DTP-REV-001-revoke-own-tokens.ts";
import { check as rev002 } from "./DTP-REV-002-revoke-anything-200.ts";

export const checks: Check[] = [rev001, rev002];
