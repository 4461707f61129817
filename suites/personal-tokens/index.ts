/** The personal-tokens suite: one check per requirement, in files named by ID. */
import type { Check } from "../../src/runner/check.ts";
import { check as pat001 } from "./DTP-PAT-001-create-and-list.ts";
import { check as pat002 } from "./DTP-PAT-002-invalid-requests.ts";

export const checks: Check[] = [pat001, pat002];
