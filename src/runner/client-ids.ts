/**
 * `ctx.clientId` of one check: fresh ids (DTP devices choose theirs), or under the OAuth
 * profile the pre-registered clients in turn (so a check's second client differs from its
 * first).
 */
import { randomBytes } from "node:crypto";
import { SkipSignal } from "../check/failure.ts";
import type { Target } from "../check/target.ts";
import { oauthClientPool } from "../client/kit/auth.ts";
import { missingFeatureReason } from "./discover.ts";

export function clientIds(target: Target): (label?: string) => string {
  if (target.profile !== "oauth") {
    return (label) => makeClientId(target.config.clientIdPrefix, label);
  }
  const pool = oauthClientPool(target);
  let next = 0;
  return () => {
    const client = pool[next++ % Math.max(1, pool.length)];
    if (!client) throw new SkipSignal(missingFeatureReason("api_key", target));
    return client.clientId;
  };
}

const CLIENT_ID_CHARS = /[^A-Za-z0-9._~-]/g;

function makeClientId(prefix: string, label?: string): string {
  const suffix = randomBytes(6)
    .toString("base64url")
    .replace(/[^A-Za-z0-9]/g, "x");
  const mid = label ? `${label.replace(CLIENT_ID_CHARS, "-").slice(0, 40)}-` : "";
  return `${prefix}${mid}${suffix}`.slice(0, 128);
}
