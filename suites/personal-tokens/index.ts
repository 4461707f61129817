/** The personal-tokens suite: one check per requirement, in files named by ID. */
import type { Check } from "../../src/check/check.ts";
import { check as pat001 } from "./DTP-PAT-001-create-and-list.ts";
import { check as pat002 } from "./DTP-PAT-002-invalid-requests.ts";
import { check as pat010 } from "./DTP-PAT-010-revoke.ts";
import { check as pat013 } from "./DTP-PAT-013-scope-tokens-required.ts";
import { check as pat014 } from "./DTP-PAT-014-survives-device.ts";

export const checks: Check[] = [pat001, pat002, pat010, pat013, pat014];
