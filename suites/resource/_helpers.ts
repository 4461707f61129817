/** Helpers of the resource suite: a service token, and a problem+json check for challenges. */

import type { CheckContext } from "../../src/check/check.ts";
import { expectProblem } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import {
  endpoint,
  issuerOf,
  newDeviceKey,
  readTokens,
  register,
  type TokenSet,
} from "../../src/client/legacy/index.ts";
import { CLIENT_ASSERTION_TYPE, createClientAssertion } from "../../src/protocol/index.ts";

/**
 * A service token (RFC 7523 §2.2, RFC 6749 §4.4): a `server` device with an EC P-256 key
 * (as an X.509 certificate) is registered and approved, then exchanges an ES256 assertion
 * for a token with scope `me service`.
 */
export async function serviceToken(
  ctx: CheckContext,
  requirement: string,
): Promise<{ clientId: string; tokens: TokenSet }> {
  const key = await newDeviceKey("ec-p256");
  const reg = await register(ctx, requirement, {
    clientId: ctx.clientId("svc"),
    clientType: "server",
    key,
    keyType: "x509",
  });
  await ctx.approval.approve(reg.userCode);
  const assertion = createClientAssertion({
    privateKey: key.privateKey,
    clientId: reg.clientId,
    audience: issuerOf(ctx.target),
  });
  const res = await ctx.http.request({
    method: "POST",
    url: endpoint(ctx.target, "token_endpoint"),
    form: {
      grant_type: "client_credentials",
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: assertion,
      scope: "me service",
    },
    label: "service token (client_credentials)",
  });
  return { clientId: reg.clientId, tokens: readTokens(ctx, res, requirement) };
}

/** DTP-RES-010: a 401/403 with a Bearer or DPoP challenge has a problem+json body. */
export function expectChallengeProblem(res: HttpResponse): void {
  expectProblem(res, [401, 403], "DTP-RES-010");
}
