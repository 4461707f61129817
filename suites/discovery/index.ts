/** The discovery suite: one check per requirement, in files named by ID. */
import type { Check } from "../../src/runner/check.ts";
import { check as disc001 } from "./DTP-DISC-001-metadata-served-as-json.ts";
import { check as disc002 } from "./DTP-DISC-002-issuer-matches-url.ts";
import { check as disc004 } from "./DTP-DISC-004-required-endpoints.ts";

export const checks: Check[] = [disc001, disc002, disc004];
