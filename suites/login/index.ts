/** The login suite: one check per requirement, in files named by ID. */
import type { Check } from "../../src/check/check.ts";
import { check as login001 } from "./DTP-LOGIN-001-user-token-pair.ts";
import { check as login004 } from "./DTP-LOGIN-004-bad-user-credentials.ts";
import { check as login006 } from "./DTP-LOGIN-006-untrusted-refused.ts";
import { check as login008 } from "./DTP-LOGIN-008-untrusted-api-key.ts";
import { check as login009 } from "./DTP-LOGIN-009-invalid-device-token.ts";
import { check as login010 } from "./DTP-LOGIN-010-scope-login-required.ts";
import { check as login011 } from "./DTP-LOGIN-011-card-id-refused.ts";
import { check as login012 } from "./DTP-LOGIN-012-card-id-login.ts";

export const checks: Check[] = [
  login001,
  login004,
  login006,
  login008,
  login009,
  login010,
  login011,
  login012,
];
