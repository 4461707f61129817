/** The expiry suite: one check per requirement, in files named by ID (add them here). */
import type { Check } from "../../src/check/check.ts";
import { check as exp001 } from "./DTP-EXP-001-expired-access-token.ts";
import { check as exp002 } from "./DTP-EXP-002-expired-personal-token.ts";
import { check as exp003 } from "./DTP-EXP-003-expired-refresh-token.ts";
import { check as exp004 } from "./DTP-EXP-004-approved-code-expires.ts";
import { check as exp005 } from "./DTP-EXP-005-expired-assertion.ts";
import { check as exp006 } from "./DTP-EXP-006-clock-skew-accepted.ts";

export const checks: Check[] = [exp001, exp002, exp003, exp004, exp005, exp006];
