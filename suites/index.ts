/**
 * Every check of the kit, by area. Each area's `index.ts` lists its checks; the runner
 * validates the registry (unique IDs, known areas and levels) before a run.
 */
import type { Check } from "../src/check/check.ts";
import { checks as approval } from "./approval/index.ts";
import { checks as discovery } from "./discovery/index.ts";
import { checks as errors } from "./errors/index.ts";
import { checks as expiry } from "./expiry/index.ts";
import { checks as login } from "./login/index.ts";
import { checks as personalTokens } from "./personal-tokens/index.ts";
import { checks as polling } from "./polling/index.ts";
import { checks as refresh } from "./refresh/index.ts";
import { checks as registration } from "./registration/index.ts";
import { checks as resource } from "./resource/index.ts";
import { checks as revocation } from "./revocation/index.ts";
import { checks as signing } from "./signing/index.ts";
import { checks as tokens } from "./tokens/index.ts";

export const checks: readonly Check[] = [
  ...discovery,
  ...registration,
  ...approval,
  ...signing,
  ...polling,
  ...tokens,
  ...login,
  ...personalTokens,
  ...expiry,
  ...refresh,
  ...revocation,
  ...resource,
  ...errors,
];
