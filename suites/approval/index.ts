/** The approval suite: one check per requirement, in files named by ID (add them here). */
import type { Check } from "../../src/runner/check.ts";
import { check as apr001 } from "./DTP-APR-001-admin-credential-required.ts";
import { check as apr002 } from "./DTP-APR-002-list-registrations.ts";

export const checks: Check[] = [apr001, apr002];
