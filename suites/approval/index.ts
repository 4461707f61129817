/** The approval suite: one check per requirement, in files named by ID (add them here). */
import type { Check } from "../../src/check/check.ts";
import { check as apr001 } from "./DTP-APR-001-admin-credential-required.ts";
import { check as apr002 } from "./DTP-APR-002-list-registrations.ts";
import { check as apr004 } from "./DTP-APR-004-approve-deny.ts";
import { check as apr006 } from "./DTP-APR-006-user-code-matching.ts";
import { check as apr007 } from "./DTP-APR-007-unknown-user-code.ts";
import { check as apr009 } from "./DTP-APR-009-expired-registration.ts";
import { check as apr010 } from "./DTP-APR-010-lookup-rate-limit.ts";
import { check as apr012 } from "./DTP-APR-012-delete-device.ts";

export const checks: Check[] = [apr001, apr002, apr004, apr006, apr007, apr009, apr010, apr012];
