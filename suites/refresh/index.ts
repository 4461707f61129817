/** The refresh suite: one check per requirement, in files named by ID (add them here). */
import type { Check } from "../../src/check/check.ts";
import { check as ref001 } from "./DTP-REF-001-lifecycle-model.ts";
import { check as ref002 } from "./DTP-REF-002-rotation-and-reuse.ts";
import { check as ref005 } from "./DTP-REF-005-reuse-within-grace.ts";
import { check as ref006 } from "./DTP-REF-006-scope-may-only-narrow.ts";
import { check as ref008 } from "./DTP-REF-008-client-binding.ts";
import { check as ref010 } from "./DTP-REF-010-dpop-bound-refresh.ts";
import { check as ref011 } from "./DTP-REF-011-concurrent-refresh.ts";
import { check as ref012 } from "./DTP-REF-012-user-token-refresh.ts";
import { check as ref053 } from "./DTP-REF-053-invalid-refresh-token.ts";
import { check as ref054 } from "./DTP-REF-054-public-client-replay-detection.ts";

export const checks: Check[] = [
  ref001,
  ref002,
  ref005,
  ref006,
  ref008,
  ref010,
  ref011,
  ref012,
  ref053,
  ref054,
];
