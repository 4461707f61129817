/**
 * `POST /personal-tokens` — a logged-in user creates a long-lived token (seed 002):
 * `expires_in` required, capped by `personal_token_max`; the secret is shown only here.
 */
import type { components } from "../../src/generated/openapi.ts";
import { randomToken, sha256b64url } from "../../src/protocol/random.ts";
import { authenticateResource } from "../auth/resource-auth.ts";
import type { Handler } from "../context.ts";
import { ProblemError } from "../errors.ts";
import { secretJson } from "../http/reply.ts";
import { validateBody } from "../http/validate.ts";
import { PERSONAL_TOKEN_PREFIX } from "../tokens/active.ts";

type Created = components["schemas"]["PersonalTokenCreated"];
type CreateRequest = components["schemas"]["CreatePersonalTokenRequest"];

export const createPersonalToken: Handler = async (ctx) => {
  const { app } = ctx;
  // 1. A user token with scope `tokens`.
  const user = await authenticateResource(ctx, "tokens");
  // 2. Validate the body against CreatePersonalTokenRequest; expires_in ≤ personal_token_max.
  validateBody(ctx);
  const req = ctx.json as CreateRequest;
  const max = app.options.lifetimes.personalTokenMax;
  if (req.expires_in > max)
    throw new ProblemError("invalid-request", 400, `"expires_in" must be at most ${max} seconds`);
  // 3. Store it hashed; answer the secret once.
  const now = app.now();
  const token = PERSONAL_TOKEN_PREFIX + randomToken(32);
  const record = {
    id: randomToken(12),
    hash: sha256b64url(token),
    sub: user.sub,
    clientId: user.clientId,
    deviceUid: user.deviceUid,
    name: req.name,
    scope: req.scope ?? "me",
    createdAt: now,
    expiresAt: now + req.expires_in,
    revokedAt: null,
  };
  await app.store.insertPersonalToken(record);
  const body: Created = {
    id: record.id,
    name: record.name,
    token,
    scope: record.scope,
    created_at: record.createdAt,
    expires_at: record.expiresAt,
  };
  return secretJson(201, body);
};
