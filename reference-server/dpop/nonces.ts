/**
 * DPoP server nonces (RFC 9449 §8): a nonce is current for one rotation period and
 * accepted for two, so clients that just fetched one are not turned away at a rotation.
 * Kept in the store, so a restart does not invalidate them.
 */
import { randomToken } from "../../src/protocol/random.ts";
import type { App } from "../context.ts";

const DEFAULT_ROTATION = 60;

function rotation(app: App): number {
  return app.options.dpopNonceRotation ?? DEFAULT_ROTATION;
}

/** The nonce to hand out now (creates a new one when the newest is past its first period). */
export async function currentDpopNonce(app: App): Promise<string> {
  const now = app.now();
  const period = rotation(app);
  const latest = await app.store.latestDpopNonce(now);
  if (latest && latest.expiresAt - now > period) return latest.value;
  const value = randomToken(16);
  await app.store.addDpopNonce(value, now + 2 * period);
  return value;
}

export async function isValidDpopNonce(app: App, value: unknown): Promise<boolean> {
  return typeof value === "string" && (await app.store.dpopNonceValid(value, app.now()));
}

/** `DPoP-Nonce` header for responses of endpoints that take DPoP proofs. */
export async function dpopNonceHeader(app: App): Promise<Record<string, string>> {
  return app.options.dpopNonceRequired ? { "DPoP-Nonce": await currentDpopNonce(app) } : {};
}
