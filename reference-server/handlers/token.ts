/**
 * `POST /token` — the token endpoint (RFC 6749 §3.2): one grant per `grant_type`
 * (the spec's TokenRequest discriminator).
 */
import type { Handler } from "../context.ts";
import { OAuthError } from "../errors.ts";
import { clientCredentialsGrant } from "../grants/client-credentials.ts";
import { deviceCodeGrant } from "../grants/device-code.ts";
import { refreshTokenGrant } from "../grants/refresh.ts";
import { quote } from "../http/echo.ts";

const GRANTS: Record<string, Handler> = {
  "urn:ietf:params:oauth:grant-type:device_code": deviceCodeGrant,
  refresh_token: refreshTokenGrant,
  client_credentials: clientCredentialsGrant,
};

export const token: Handler = (ctx) => {
  // 1. grant_type is required and must be one the server supports.
  const grantType = ctx.form.grant_type;
  if (grantType === undefined) throw new OAuthError("invalid_request", '"grant_type" is required');
  const grant = Object.hasOwn(GRANTS, grantType) ? GRANTS[grantType] : undefined;
  if (!grant)
    throw new OAuthError(
      "unsupported_grant_type",
      `grant_type ${quote(grantType)} is not supported`,
    );
  // 2. The grant authenticates the client, validates its form and answers.
  return grant(ctx);
};
