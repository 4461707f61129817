/** The tokens suite: one check per requirement, in files named by ID (add them here). */
import type { Check } from "../../src/check/check.ts";
import { check as tok001 } from "./DTP-TOK-001-token-response.ts";
import { check as tok003 } from "./DTP-TOK-003-jwt-access-token.ts";
import { check as tok007 } from "./DTP-TOK-007-unique-ids-and-refresh-entropy.ts";
import { check as tok012 } from "./DTP-TOK-012-short-lived-access-tokens.ts";
import { check as tok050 } from "./DTP-TOK-050-no-repeated-members.ts";
import { check as tok051 } from "./DTP-TOK-051-scope-member.ts";

export const checks: Check[] = [tok001, tok003, tok007, tok012, tok050, tok051];
