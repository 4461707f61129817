/**
 * The personal-tokens suite's assertions: the 201 answer of `POST /personal-tokens`, the
 * list answer. The requests are the client library's (`UserSession`).
 */

import type { CheckContext } from "../../src/check/check.ts";
import { expectJson, expectStatus, fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";

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
