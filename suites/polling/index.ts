/** The polling suite: one check per requirement, in files named by ID (add them here). */
import type { Check } from "../../src/check/check.ts";
import { check as poll001 } from "./DTP-POLL-001-authorization-pending.ts";
import { check as poll002 } from "./DTP-POLL-002-slow-down.ts";
import { check as poll005 } from "./DTP-POLL-005-access-denied.ts";
import { check as poll006 } from "./DTP-POLL-006-expired-token.ts";
import { check as poll007 } from "./DTP-POLL-007-unknown-code.ts";
import { check as poll008 } from "./DTP-POLL-008-another-clients-code.ts";
import { check as poll009 } from "./DTP-POLL-009-already-redeemed.ts";
import { check as poll010 } from "./DTP-POLL-010-single-redemption-race.ts";

export const checks: Check[] = [
  poll001,
  poll002,
  poll005,
  poll006,
  poll007,
  poll008,
  poll009,
  poll010,
];
