/** Signing suite, DTP-DPOP-* checks (one file per requirement ID). */
import type { Check } from "../../src/check/check.ts";
import { check as dpop001 } from "./DTP-DPOP-001-proof-required-at-token.ts";
import { check as dpop003 } from "./DTP-DPOP-003-proof-checks-at-token.ts";
import { check as dpop008 } from "./DTP-DPOP-008-htu-normalised.ts";
import { check as dpop010 } from "./DTP-DPOP-010-jti-replay.ts";
import { check as dpop011 } from "./DTP-DPOP-011-tokens-bound-to-key.ts";
import { check as dpop012 } from "./DTP-DPOP-012-proof-checks-at-resource.ts";
import { check as dpop013 } from "./DTP-DPOP-013-proof-key-not-cnf.ts";
import { check as dpop014 } from "./DTP-DPOP-014-token-scheme-mismatch.ts";
import { check as dpop017 } from "./DTP-DPOP-017-server-nonce.ts";
import { check as dpop019 } from "./DTP-DPOP-019-nonce-not-required.ts";

export const dpopChecks: Check[] = [
  dpop001,
  dpop003,
  dpop008,
  dpop010,
  dpop011,
  dpop012,
  dpop013,
  dpop014,
  dpop017,
  dpop019,
];
