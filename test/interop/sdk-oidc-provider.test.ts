/**
 * dtp-kit/client, the device SDK, against an independent OAuth server (oidc-provider,
 * test/fixtures/oidc-provider) for the parts DTP shares with OAuth: a public device client
 * with an EC P-256 key runs the device grant (RFC 8628) with DPoP-bound tokens (RFC 9449:
 * server nonces, `ath`), calls the userinfo resource, refreshes (rotation), revokes its
 * refresh token (RFC 7009); a confidential client introspects (RFC 7662); a private_key_jwt
 * client gets a client_credentials token with an RFC 7523 assertion.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  clientSecretBasic,
  connect,
  Device,
  type DtpContext,
  generateDeviceKey,
  importDeviceKey,
  none,
  type ServerWithResource,
  ServiceClient,
} from "../../src/client/index.ts";
import {
  APPROVAL_PATH,
  type OidcPeer,
  SCOPE,
  startOidcPeer,
} from "../fixtures/oidc-provider/server.ts";

let peer: OidcPeer;
let dtp: DtpContext;

beforeAll(async () => {
  peer = await startOidcPeer();
  const connected = await connect(peer.url);
  // The userinfo endpoint is the protected resource the device calls.
  const target: ServerWithResource = {
    ...connected.target,
    profile: "oauth",
    config: { oauth: { resourceUrl: `${peer.url}/me` } },
  };
  dtp = { ...connected, target };
}, 30_000);

afterAll(async () => {
  await peer?.close();
});

async function approve(userCode: string): Promise<void> {
  const res = await fetch(`${peer.url}${APPROVAL_PATH}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ action: "approve", user_code: userCode }),
  });
  expect(res.status).toBe(200);
}

describe("dtp-kit/client against oidc-provider", () => {
  it("device grant with DPoP, the resource, refresh, revocation", { timeout: 60_000 }, async () => {
    const device = new Device(dtp, {
      clientId: "kit-public",
      auth: none("kit-public"),
      key: await generateDeviceKey("ec-p256"),
      dialect: "oauth",
      scope: SCOPE,
    });
    const reg = await device.register();
    await approve(reg.userCode);
    const tokens = await device.waitForTokens(reg);
    expect(tokens.tokens.tokenType.toLowerCase()).toBe("dpop");
    const first = tokens.tokens;

    const me = await tokens.me();
    expect(me.status, me.text).toBe(200);
    expect((me.body as { sub?: unknown }).sub).toBe("alice");

    await tokens.renew();
    expect(tokens.tokens.accessToken).not.toBe(first.accessToken);
    expect(tokens.tokens.refreshToken).toBeDefined();
    expect(tokens.tokens.refreshToken).not.toBe(first.refreshToken);
    expect((await tokens.me()).status).toBe(200);

    const refreshToken = tokens.tokens.refreshToken!;
    const revoked = await device.revoke(refreshToken, "refresh_token");
    expect(revoked.status, revoked.text).toBe(200);
    const after = await device.refresh(refreshToken);
    expect(after.status).toBe(400);
    expect((after.body as { error?: unknown }).error).toBe("invalid_grant");
  });

  it("introspection by a confidential client", { timeout: 30_000 }, async () => {
    const basic = peer.config.oauth!.clients.find((c) => c.clientId === "kit-basic-a")!;
    const device = new Device(dtp, {
      clientId: "kit-basic-a",
      auth: clientSecretBasic("kit-basic-a", basic.clientSecret as string),
      dialect: "oauth",
      scope: SCOPE,
    });
    const reg = await device.register();
    await approve(reg.userCode);
    const tokens = await device.waitForTokens(reg);
    const res = await device.introspect(tokens.tokens.accessToken);
    expect(res.status, res.text).toBe(200);
    expect((res.body as { active?: unknown }).active).toBe(true);
    const gone = await device.introspect("not-a-token-the-server-issued");
    expect((gone.body as { active?: unknown }).active).toBe(false);
  });

  it("client_credentials with an RFC 7523 assertion", { timeout: 30_000 }, async () => {
    const key = importDeviceKey(peer.assertionKeyPem);
    const service = new ServiceClient(dtp, { clientId: "kit-jwt", key });
    const tokens = await service.token();
    expect(tokens.tokens.accessToken.length).toBeGreaterThan(10);
    expect(tokens.tokens.refreshToken).toBeUndefined();
  });
});
