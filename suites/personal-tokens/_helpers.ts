/**
 * Helpers of the personal-tokens suite: a logged-in user (through an unkeyed device, so
 * that the user token is a Bearer token), the three operations with the user token kept
 * fresh, and a strict reader of the 201 answer.
 */

import type { CheckContext } from "../../src/check/check.ts";
import { expectJson, expectStatus, fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { declaredLifetime, endpoint } from "../../src/client/legacy/index.ts";
import { asUser, trustedDevice, type UserSession, userSession } from "../login/_helpers.ts";

export type { UserSession };

/** The configured user logged in through a new unkeyed device. */
export async function loggedInUser(
  ctx: CheckContext,
  requirement: string,
  label: string,
): Promise<UserSession> {
  const device = await trustedDevice(ctx, requirement, label);
  return userSession(ctx, device, requirement);
}

/** `dtp_lifetimes.personal_token_max` as declared, or SKIP (the cap cannot be tested). */
export function personalTokenMax(ctx: CheckContext): number {
  const max = declaredLifetime(ctx.target, "personal_token_max", Number.NaN);
  if (!Number.isInteger(max) || max < 1) {
    ctx.skip(
      "the target metadata declares no integer dtp_lifetimes.personal_token_max: declare the cap (DTP-DISC-013)",
    );
  }
  return max;
}

export function patUrl(ctx: CheckContext, id?: string): string {
  const base = endpoint(ctx.target, "dtp_personal_tokens_endpoint");
  return id === undefined ? base : `${base.replace(/\/+$/, "")}/${encodeURIComponent(id)}`;
}

/** POST /personal-tokens with a JSON body (any value: invalid bodies too). */
export function createRaw(
  ctx: CheckContext,
  user: UserSession,
  body: unknown,
  requirement: string,
  label = "create a personal token",
): Promise<HttpResponse> {
  return asUser(ctx, user, { method: "POST", url: patUrl(ctx), json: body, label }, requirement);
}

/** GET /personal-tokens. */
export function list(
  ctx: CheckContext,
  user: UserSession,
  requirement: string,
  label = "list personal tokens",
): Promise<HttpResponse> {
  return asUser(ctx, user, { method: "GET", url: patUrl(ctx), label }, requirement);
}

/** DELETE /personal-tokens/{id}. */
export function revokePat(
  ctx: CheckContext,
  user: UserSession,
  id: string,
  requirement: string,
  label = "revoke a personal token",
): Promise<HttpResponse> {
  return asUser(ctx, user, { method: "DELETE", url: patUrl(ctx, id), label }, requirement);
}

/** A created personal token as the 201 answer described it. */
export interface Created {
  id: string;
  name: string;
  token: string;
  scope: string;
  created_at: number;
  expires_at: number;
  res: HttpResponse;
}

/**
 * Reads a 201 answer of `POST /personal-tokens` for `sent`: the six members with their
 * types, `name` as sent (DTP-PAT-001). The secret is registered for redaction.
 */
export function readCreated(
  ctx: CheckContext,
  res: HttpResponse,
  sent: { name: string },
  requirement: string,
): Created {
  expectStatus(res, 201, requirement);
  const body = expectJson(res, requirement);
  if (typeof body.token === "string") ctx.http.addSecret(body.token, "personal-token");
  const types: [string, string][] = [
    ["id", "string"],
    ["name", "string"],
    ["token", "string"],
    ["scope", "string"],
    ["created_at", "number"],
    ["expires_at", "number"],
  ];
  const wrong = types.filter(([k, t]) => typeof body[k] !== t);
  if (wrong.length > 0) {
    fail(
      requirement,
      '{"id", "name", "token", "scope", "created_at", "expires_at"} (strings; numbers for the times)',
      wrong.map(([k]) => `${k}: ${body[k] === undefined ? "absent" : typeof body[k]}`).join(", "),
      res,
    );
  }
  if (body.id === "") fail(requirement, "a non-empty id", 'id ""', res);
  if (body.name !== sent.name) {
    fail(
      requirement,
      `name ${JSON.stringify(sent.name)} as sent`,
      `name ${JSON.stringify(body.name)}`,
      res,
    );
  }
  return { ...(body as unknown as Omit<Created, "res">), res };
}

/** Reads the list answer (200 `{"tokens": [...]}`) and returns the entries. */
export function readList(res: HttpResponse, requirement: string): Record<string, unknown>[] {
  expectStatus(res, 200, requirement);
  const body = expectJson(res, requirement);
  if (!Array.isArray(body.tokens)) {
    fail(requirement, '{"tokens": [...]}', JSON.stringify(body).slice(0, 200), res);
  }
  const bad = body.tokens.find(
    (t: unknown) => typeof t !== "object" || t === null || Array.isArray(t),
  );
  if (bad !== undefined)
    fail(requirement, "token entries that are objects", JSON.stringify(bad), res);
  return body.tokens as Record<string, unknown>[];
}
