/** `GET /me` — the protected resource probe (RFC 6750, RFC 9449 §7); requires scope `me`. */
import type { components } from "../../src/generated/openapi.ts";
import { authenticateResource } from "../auth/resource-auth.ts";
import type { Handler } from "../context.ts";
import { dpopNonceHeader } from "../dpop/nonces.ts";
import { json, NO_STORE } from "../http/reply.ts";

type MeResponse = components["schemas"]["MeResponse"];

export const getMe: Handler = async (ctx) => {
  // 1. Authenticate the token (and its DPoP proof) and require scope `me`.
  const p = await authenticateResource(ctx, "me");
  // 2. Say who the token stands for.
  const body: MeResponse = {
    sub: p.sub,
    client_id: p.clientId,
    token_kind: p.kind,
    scope: p.scope,
  };
  return json(200, body, {
    ...NO_STORE,
    ...(p.jkt === null ? {} : await dpopNonceHeader(ctx.app)),
  });
};
