/** The discovery suite: one check per requirement, in files named by ID. */
import type { Check } from "../../src/check/check.ts";
import { check as disc001 } from "./DTP-DISC-001-metadata-served-as-json.ts";
import { check as disc002 } from "./DTP-DISC-002-issuer-matches-url.ts";
import { check as disc003 } from "./DTP-DISC-003-https-urls.ts";
import { check as disc004 } from "./DTP-DISC-004-required-endpoints.ts";
import { check as disc005 } from "./DTP-DISC-005-grant-and-response-types.ts";
import { check as disc006 } from "./DTP-DISC-006-client-auth-methods.ts";
import { check as disc007 } from "./DTP-DISC-007-dpop-algs.ts";
import { check as disc008 } from "./DTP-DISC-008-scopes.ts";
import { check as disc009 } from "./DTP-DISC-009-dtp-version-and-endpoints.ts";
import { check as disc010 } from "./DTP-DISC-010-dtp-supported-values.ts";
import { check as disc011 } from "./DTP-DISC-011-policies.ts";
import { check as disc012 } from "./DTP-DISC-012-policies-default-off.ts";
import { check as disc013 } from "./DTP-DISC-013-lifetimes.ts";
import { check as disc014 } from "./DTP-DISC-014-jwks.ts";
import { check as disc015 } from "./DTP-DISC-015-jwks-public-only.ts";
import { check as disc052 } from "./DTP-DISC-052-required-members.ts";
import { check as disc053 } from "./DTP-DISC-053-auth-signing-algs.ts";
import { check as disc054 } from "./DTP-DISC-054-rs256-for-jwt-client-auth.ts";
import { check as disc056 } from "./DTP-DISC-056-no-empty-arrays.ts";

export const checks: Check[] = [
  disc001,
  disc002,
  disc003,
  disc004,
  disc005,
  disc006,
  disc007,
  disc008,
  disc009,
  disc010,
  disc011,
  disc012,
  disc013,
  disc014,
  disc015,
  disc052,
  disc053,
  disc054,
  disc056,
];
