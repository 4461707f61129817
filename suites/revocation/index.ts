/** The revocation suite: one check per requirement, in files named by ID (add them here). */
import type { Check } from "../../src/check/check.ts";
import { check as rev001 } from "./DTP-REV-001-revoke-own-tokens.ts";
import { check as rev002 } from "./DTP-REV-002-revoke-anything-200.ts";
import { check as rev003 } from "./DTP-REV-003-other-clients-tokens.ts";
import { check as rev007 } from "./DTP-REV-007-token-parameter-required.ts";
import { check as rev009 } from "./DTP-REV-009-introspection-needs-auth.ts";
import { check as rev060 } from "./DTP-REV-060-introspection-agrees.ts";
import { check as rev063 } from "./DTP-REV-063-advertised-client-auth.ts";

export const checks: Check[] = [rev001, rev002, rev003, rev007, rev009, rev060, rev063];
