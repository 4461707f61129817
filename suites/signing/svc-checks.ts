/** Signing suite, DTP-SVC-* checks (one file per requirement ID). */
import type { Check } from "../../src/check/check.ts";
import { check as svc001 } from "./DTP-SVC-001-service-token.ts";
import { check as svc004 } from "./DTP-SVC-004-assertion-alg.ts";
import { check as svc005 } from "./DTP-SVC-005-iss-sub.ts";
import { check as svc006 } from "./DTP-SVC-006-assertion-aud.ts";
import { check as svc007 } from "./DTP-SVC-007-assertion-signature.ts";
import { check as svc008 } from "./DTP-SVC-008-assertion-claims.ts";
import { check as svc009 } from "./DTP-SVC-009-assertion-jti-single-use.ts";

export const svcChecks: Check[] = [svc001, svc004, svc005, svc006, svc007, svc008, svc009];
