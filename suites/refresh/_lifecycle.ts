/**
 * The model of DTP-REF-001's token life cycle (two devices, their token families, what the
 * server must do with each token) and the real system's side (the devices, the tokens they
 * hold, a numbered log of steps), with the readers the commands share.
 */
import type fc from "fast-check";
import type { CheckContext } from "../../src/check/check.ts";
import { expectJson, fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import {
  claimsOf,
  type Device,
  provablyValid,
  type Registration,
  sameScope,
  type TokenSet,
} from "../../src/client/index.ts";

export const NAMES = ["A", "B"] as const;

// ——— the model ———

/** What the server must do with a token: accept it, refuse it, or either (not decided). */
export type Tri = "alive" | "dead" | "maybe";

export interface DevModel {
  registered: boolean;
  approved: boolean;
  /** Polled once while pending. */
  pendingPolled: boolean;
  /** Polled too close to the device code's expiry: out of the sequence. */
  codeExpired: boolean;
  /** The device code was redeemed: the device holds a token family. */
  redeemed: boolean;
  /** One entry per access token issued, in order: revoked individually? */
  access: { revoked: boolean }[];
  /** Refresh tokens issued, in order; all but the last one were rotated. */
  refreshCount: number;
  /** The latest refresh token. */
  refreshState: Tri;
  /** The family's access tokens (on top of individual revocation). */
  accessFamily: Tri;
}

export interface Model {
  devs: [DevModel, DevModel];
}

// ——— the real system ———

export interface RealDev {
  device: Device;
  clientId: string;
  reg?: Registration;
  registeredAt?: number;
  lastPollAt?: number;
  access: TokenSet[];
  refresh: string[];
  /** When each refresh token was rotated (ms), by index. */
  rotatedAt: number[];
  scope?: string | undefined;
}

export interface Real {
  ctx: CheckContext;
  grace: number;
  devs: [RealDev, RealDev];
  /** The numbered log of steps and HTTP answers. */
  steps: string[];
}

export type Cmd = fc.AsyncCommand<Model, Real>;

/** Runs one step, logging "n. text → answers"; a failure marks the step. */
export async function step(real: Real, text: string, fn: () => Promise<string>): Promise<void> {
  const n = real.steps.length; // step 0 is the setup
  try {
    const outcome = await fn();
    real.steps.push(`${n}. ${text} → ${outcome}`);
  } catch (err) {
    real.steps.push(`${n}. ${text} → FAILED HERE`);
    throw err;
  }
}

export const status = (res: HttpResponse): string => {
  const error = (res.body as { error?: unknown } | undefined)?.error;
  const challenge = res.headers["www-authenticate"];
  if (typeof error === "string") return `${res.status} ${error}`;
  const m = challenge ? /error="([^"]+)"/.exec(challenge) : null;
  return m ? `${res.status} ${m[1]}` : `${res.status}`;
};

export const newDev = (): DevModel => ({
  registered: false,
  approved: false,
  pendingPolled: false,
  codeExpired: false,
  redeemed: false,
  access: [],
  refreshCount: 0,
  refreshState: "alive",
  accessFamily: "alive",
});

/** Adds a token pair to both sides (after a successful poll or refresh). */
export function addPair(m: DevModel, r: RealDev, tokens: TokenSet, ctx: CheckContext): void {
  m.access.push({ revoked: false });
  r.access.push(tokens);
  if (m.refreshCount > 0) r.rotatedAt[m.refreshCount - 1] = ctx.clock.now();
  m.refreshCount++;
  r.refresh.push(tokens.refreshToken!);
}

/** Expected answer for access token `i` of a device. */
export function accessExpectation(ctx: CheckContext, m: DevModel, r: RealDev, i: number): Tri {
  if (m.access[i]!.revoked || m.accessFamily === "dead") return "dead";
  if (m.accessFamily === "maybe") return "maybe";
  return provablyValid(r.access[i]!, ctx.clock.now()) ? "alive" : "maybe";
}

// ——— helpers ———

/** A pick of {@link LATEST} is the last of `count` items; any other the pick modulo count. */
export const LATEST = -1;
export function pickName(k: number): string {
  return k === LATEST ? "the latest" : `pick ${k}`;
}
export function choose(k: number, count: number): number {
  return k === LATEST ? count - 1 : k % count;
}

export function peekScope(accessToken: string): string | undefined {
  const s = claimsOf(accessToken)?.scope;
  return typeof s === "string" ? s : undefined;
}

/** DTP-RES-001/002: the `/me` body names the token's subject, client, kind and scopes. */
export function checkMe(res: HttpResponse, r: RealDev, tokens: TokenSet): void {
  const body = expectJson(res, "DTP-RES-001");
  const claims = claimsOf(tokens.accessToken);
  const sub = typeof claims?.sub === "string" ? claims.sub : r.clientId;
  const want: Record<string, unknown> = { sub, client_id: r.clientId, token_kind: "device" };
  for (const [field, value] of Object.entries(want)) {
    if (body[field] !== value) {
      fail(
        "DTP-RES-002",
        `"${field}": ${JSON.stringify(value)}`,
        `"${field}": ${JSON.stringify(body[field])}`,
        res,
      );
    }
  }
  const scope = body.scope;
  if (!Array.isArray(scope) || !scope.every((s) => typeof s === "string")) {
    fail("DTP-RES-001", '"scope" as an array of strings', JSON.stringify(scope), res);
  }
  const granted = tokens.scope ?? r.scope;
  if (granted !== undefined && !sameScope(scope.join(" "), granted)) {
    fail("DTP-RES-002", `"scope" = the token's scopes (${granted})`, JSON.stringify(scope), res);
  }
}
