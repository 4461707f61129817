/** The resource suite: one check per requirement, in files named by ID (add them here). */
import type { Check } from "../../src/check/check.ts";
import { check as res001 } from "./DTP-RES-001-me-describes-token.ts";
import { check as res004 } from "./DTP-RES-004-no-token-challenge.ts";
import { check as res005 } from "./DTP-RES-005-forged-tokens-refused.ts";
import { check as res008 } from "./DTP-RES-008-insufficient-scope.ts";
import { check as res011 } from "./DTP-RES-011-token-outside-header.ts";
import { check as res050 } from "./DTP-RES-050-bearer-header-accepted.ts";
import { check as res054 } from "./DTP-RES-054-bearer-challenge-syntax.ts";
import { check as res062 } from "./DTP-RES-062-one-token-method.ts";

export const checks: Check[] = [res001, res004, res005, res008, res011, res050, res054, res062];
