/** The errors suite: one check per requirement, in files named by ID (add them here). */
import type { Check } from "../../src/check/check.ts";
import { check as err001 } from "./DTP-ERR-001-oauth-error-format.ts";
import { check as err003 } from "./DTP-ERR-003-client-authentication.ts";
import { check as err005 } from "./DTP-ERR-005-problem-format.ts";
import { check as err007 } from "./DTP-ERR-007-bad-input-fuzz.ts";
import { check as err008 } from "./DTP-ERR-008-content-type.ts";
import { check as err009 } from "./DTP-ERR-009-oversized-body.ts";
import { check as err010 } from "./DTP-ERR-010-unsupported-grant-type.ts";
import { check as err012 } from "./DTP-ERR-012-repeated-parameter.ts";
import { check as err013 } from "./DTP-ERR-013-empty-and-unknown-parameters.ts";
import { check as err015 } from "./DTP-ERR-015-secrets-not-echoed.ts";
import { check as err052 } from "./DTP-ERR-052-form-bodies-accepted.ts";
import { check as err054 } from "./DTP-ERR-054-unauthorized-client.ts";
import { check as err057 } from "./DTP-ERR-057-challenge-on-every-401.ts";

export const checks: Check[] = [
  err001,
  err003,
  err005,
  err007,
  err008,
  err009,
  err010,
  err012,
  err013,
  err015,
  err052,
  err054,
  err057,
];
