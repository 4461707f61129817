/** Signing suite, DTP-SIG-* checks (one file per requirement ID). */
import type { Check } from "../../src/check/check.ts";
import { check as sig001 } from "./DTP-SIG-001-signed-reregistration-approved.ts";
import { check as sig002 } from "./DTP-SIG-002-signature-structure.ts";
import { check as sig003 } from "./DTP-SIG-003-keyid.ts";
import { check as sig004 } from "./DTP-SIG-004-alg.ts";
import { check as sig005 } from "./DTP-SIG-005-signature-verification.ts";
import { check as sig006 } from "./DTP-SIG-006-content-digest.ts";
import { check as sig007 } from "./DTP-SIG-007-signature-time-window.ts";
import { check as sig010 } from "./DTP-SIG-010-nonce-single-use.ts";
import { check as sig011 } from "./DTP-SIG-011-failed-signature-keeps-nonce.ts";
import { check as sig013 } from "./DTP-SIG-013-key-kept.ts";

export const sigChecks: Check[] = [
  sig001,
  sig002,
  sig003,
  sig004,
  sig005,
  sig006,
  sig007,
  sig010,
  sig011,
  sig013,
];
