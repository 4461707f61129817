/** `GET /personal-tokens` — the calling user's personal tokens, never their secrets. */
import type { components } from "../../src/generated/openapi.ts";
import { authenticateResource } from "../auth/resource-auth.ts";
import type { Handler } from "../context.ts";
import { json, NO_STORE } from "../http/reply.ts";

type PersonalTokenList = components["schemas"]["PersonalTokenList"];

export const listPersonalTokens: Handler = async (ctx) => {
  // 1. A user token with scope `tokens`.
  const user = await authenticateResource(ctx, "tokens");
  // 2. The user's tokens that are not revoked (expired ones stay listed with expires_at).
  const body: PersonalTokenList = {
    tokens: (await ctx.app.store.listPersonalTokens(user.sub))
      .filter((t) => t.revokedAt === null)
      .map((t) => ({
        id: t.id,
        name: t.name,
        scope: t.scope,
        created_at: t.createdAt,
        expires_at: t.expiresAt,
      })),
  };
  return json(200, body, NO_STORE);
};
