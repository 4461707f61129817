/** The registration suite: one check per requirement, in files named by ID (add them here). */
import type { Check } from "../../src/check/check.ts";
import { check as reg001 } from "./DTP-REG-001-valid-registration.ts";
import { check as reg002 } from "./DTP-REG-002-basic-auth.ts";
import { check as reg003 } from "./DTP-REG-003-body-auth.ts";
import { check as reg004 } from "./DTP-REG-004-client-id-and-auth.ts";
import { check as reg005 } from "./DTP-REG-005-client-type.ts";
import { check as reg006 } from "./DTP-REG-006-response-type.ts";
import { check as reg007 } from "./DTP-REG-007-oversized-values.ts";
import { check as reg009 } from "./DTP-REG-009-scope.ts";
import { check as reg010 } from "./DTP-REG-010-key-fields-together.ts";
import { check as reg011 } from "./DTP-REG-011-rsa-keys.ts";
import { check as reg012 } from "./DTP-REG-012-x509-keys.ts";
import { check as reg013 } from "./DTP-REG-013-ed25519-keys.ts";
import { check as reg014 } from "./DTP-REG-014-jkt-and-pending-list.ts";
import { check as reg022 } from "./DTP-REG-022-re-registration.ts";
import { check as reg024 } from "./DTP-REG-024-verification-page.ts";
import { check as reg050 } from "./DTP-REG-050-default-scope.ts";
import { check as reg052 } from "./DTP-REG-052-device-authorization-client-auth.ts";

export const checks: Check[] = [
  reg001,
  reg002,
  reg003,
  reg004,
  reg005,
  reg006,
  reg007,
  reg009,
  reg010,
  reg011,
  reg012,
  reg013,
  reg014,
  reg022,
  reg024,
  reg050,
  reg052,
];
