/**
 * The reference server against an independent client: openid-client (v6, panva) runs the
 * RFC 8628 device authorization grant (with polling), refresh with rotation (RFC 6749 §6,
 * RFC 9700 §4.14.2), revocation (RFC 7009) and introspection (RFC 7662) against the
 * reference server, started with short lifetimes and the memory store. Approval goes
 * through the DTP admin API with fetch (the part a person does in a browser).
 *
 * DTP specifics a plain OAuth client has to be told about, and nothing more: the device
 * chooses its client_id and sends DTP's registration fields (client_type,
 * response_type=device_code) as additional parameters of the device authorization request;
 * the vendor API key is the client secret (client_secret_basic). http on loopback needs
 * openid-client's allowInsecureRequests.
 */
import { randomBytes } from "node:crypto";
import { calculateJwkThumbprint, type JWK } from "jose";
import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type RunningServer,
  SHORT_LIFETIMES,
  startReferenceServer,
} from "../../reference-server/index.ts";

let server: RunningServer;
let metadata: Record<string, unknown>;

beforeAll(async () => {
  server = await startReferenceServer({ store: { kind: "memory" }, lifetimes: SHORT_LIFETIMES });
  const res = await fetch(`${server.url}/.well-known/oauth-authorization-server`);
  metadata = (await res.json()) as Record<string, unknown>;
});

afterAll(async () => {
  await server?.close();
});

/** What openid-client sent to the token endpoint and got back: grant_type and status/error. */
type Seen = { grant: string | null; status: number; error?: string }[];

/**
 * openid-client's configuration for a fresh DTP device (its own client_id, the API key),
 * with its token endpoint traffic recorded (to see the polling).
 */
async function deviceClient(): Promise<{
  config: client.Configuration;
  clientId: string;
  seen: Seen;
}> {
  const clientId = `openid-client-${randomBytes(6).toString("hex")}`;
  const config = await client.discovery(
    new URL(server.url),
    clientId,
    undefined,
    client.ClientSecretBasic(server.apiKey),
    { execute: [client.allowInsecureRequests], algorithm: "oauth2" },
  );
  const seen: Seen = [];
  const tokenEndpoint = String(metadata.token_endpoint);
  config[client.customFetch] = async (url, options) => {
    const res = await fetch(url, options as RequestInit);
    if (url === tokenEndpoint) {
      const grant = new URLSearchParams(String(options.body ?? "")).get("grant_type");
      const body = (await res.clone().json()) as { error?: string };
      seen.push({ grant, status: res.status, ...(body.error ? { error: body.error } : {}) });
    }
    return res;
  };
  return { config, clientId, seen };
}

/** DTP's registration fields, as additional device authorization parameters. */
function registration(clientId: string): Record<string, string> {
  return {
    client_id: clientId,
    client_type: "desktop_client",
    response_type: "device_code",
    scope: "me login",
  };
}

/** The user's part, through the DTP admin API. */
async function decide(userCode: string, action: "approve" | "deny"): Promise<void> {
  const admin = String(metadata.dtp_admin_endpoint).replace(/\/+$/, "");
  const res = await fetch(`${admin}/registrations/${encodeURIComponent(userCode)}/${action}`, {
    method: "POST",
    headers: { authorization: `Bearer ${server.adminKey}` },
  });
  expect(res.status, `admin ${action}`).toBe(200);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Registers, approves once openid-client is polling, and returns its token response. */
async function deviceTokens(config: client.Configuration, clientId: string) {
  const da = await client.initiateDeviceAuthorization(config, registration(clientId));
  expect(typeof da.device_code).toBe("string");
  expect(typeof da.user_code).toBe("string");
  expect(typeof da.verification_uri).toBe("string");
  expect(da.expires_in).toBeGreaterThan(0);
  // openid-client polls at the announced interval; the first polls are authorization_pending.
  const polling = client.pollDeviceAuthorizationGrant(config, da);
  await sleep(((da.interval ?? 5) + 0.5) * 1000);
  await decide(da.user_code, "approve");
  return polling;
}

describe("openid-client against the reference server", () => {
  it("discovers the RFC 8414 metadata (issuer checked by openid-client)", async () => {
    const { config } = await deviceClient();
    const m = config.serverMetadata();
    expect(m.issuer).toBe(server.url);
    expect(m.device_authorization_endpoint).toBe(metadata.device_authorization_endpoint);
    expect(m.grant_types_supported).toContain("urn:ietf:params:oauth:grant-type:device_code");
  });

  it("device grant with polling, refresh with rotation and reuse detection, resource access", {
    timeout: 30_000,
  }, async () => {
    const { config, clientId, seen } = await deviceClient();
    const tokens = await deviceTokens(config, clientId);
    // It polled: authorization_pending until the approval, then the tokens (RFC 8628 §3.4, §3.5).
    const polls = seen.filter((x) => x.grant === "urn:ietf:params:oauth:grant-type:device_code");
    expect(polls[0]).toMatchObject({ status: 400, error: "authorization_pending" });
    expect(polls.at(-1)).toMatchObject({ status: 200 });
    expect(tokens.token_type.toLowerCase()).toBe("bearer");
    expect(typeof tokens.access_token).toBe("string");
    expect(typeof tokens.refresh_token).toBe("string");
    expect(tokens.expiresIn()).toBeGreaterThan(0);

    const me = await client.fetchProtectedResource(
      config,
      tokens.access_token,
      new URL(String(metadata.dtp_resource_endpoint)),
      "GET",
    );
    expect(me.status).toBe(200);
    expect(((await me.json()) as { client_id?: unknown }).client_id).toBe(clientId);

    // RFC 9700 §4.14.2: every refresh rotates the refresh token.
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(typeof refreshed.access_token).toBe("string");
    expect(refreshed.refresh_token).toBeDefined();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    const again = await client.refreshTokenGrant(config, refreshed.refresh_token!);

    // The rotated token presented again: invalid_grant, and the family is revoked.
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: "invalid_grant",
    });
    await expect(client.refreshTokenGrant(config, again.refresh_token!)).rejects.toMatchObject({
      error: "invalid_grant",
    });
    const info = await client.tokenIntrospection(config, again.access_token);
    expect(info.active).toBe(false);
  });

  it("revocation (RFC 7009) of a refresh token ends its family; introspection agrees", {
    timeout: 30_000,
  }, async () => {
    const { config, clientId } = await deviceClient();
    const tokens = await deviceTokens(config, clientId);
    const before = await client.tokenIntrospection(config, tokens.access_token);
    expect(before.active).toBe(true);
    expect(before.client_id).toBe(clientId);

    await client.tokenRevocation(config, tokens.refresh_token!, {
      token_type_hint: "refresh_token",
    });
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: "invalid_grant",
    });
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    // Revoking an already revoked (or unknown) token is still a success for the client.
    await client.tokenRevocation(config, tokens.refresh_token!);
    await client.tokenRevocation(config, `not-a-token-${randomBytes(8).toString("hex")}`);
  });

  it("a denied registration ends the polling with access_denied", { timeout: 30_000 }, async () => {
    const { config, clientId } = await deviceClient();
    const da = await client.initiateDeviceAuthorization(config, registration(clientId));
    const polling = client.pollDeviceAuthorizationGrant(config, da);
    polling.catch(() => {});
    await sleep(((da.interval ?? 5) + 0.5) * 1000);
    await decide(da.user_code, "deny");
    await expect(polling).rejects.toMatchObject({ error: "access_denied" });
  });

  it("DPoP (RFC 9449): a keyed device polls and refreshes with openid-client's DPoP handle", {
    timeout: 30_000,
  }, async () => {
    const { config, clientId, seen } = await deviceClient();
    // A DTP keyed device registers its public key (an RSA SPKI), then proves possession of it.
    const keyPair = await client.randomDPoPKeyPair("PS256", { extractable: true });
    const spki = Buffer.from(await crypto.subtle.exportKey("spki", keyPair.publicKey));
    const da = await client.initiateDeviceAuthorization(config, {
      ...registration(clientId),
      public_key: spki.toString("base64"),
      key_type: "rsa",
    });
    const DPoP = client.getDPoPHandle(config, keyPair);
    const polling = client.pollDeviceAuthorizationGrant(config, da, undefined, { DPoP });
    await sleep(((da.interval ?? 5) + 0.5) * 1000);
    await decide(da.user_code, "approve");
    const tokens = await polling;
    expect(tokens.token_type.toLowerCase()).toBe("dpop");
    const jkt = await calculateJwkThumbprint(
      (await crypto.subtle.exportKey("jwk", keyPair.publicKey)) as JWK,
    );
    const info = await client.tokenIntrospection(config, tokens.access_token);
    expect(info.cnf?.jkt).toBe(jkt);

    const me = await client.fetchProtectedResource(
      config,
      tokens.access_token,
      new URL(String(metadata.dtp_resource_endpoint)),
      "GET",
      undefined,
      undefined,
      { DPoP },
    );
    expect(me.status).toBe(200);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!, undefined, {
      DPoP,
    });
    expect(refreshed.token_type.toLowerCase()).toBe("dpop");
    // The reference server requires a server nonce: openid-client retried with it.
    expect(seen.some((x) => x.error === "use_dpop_nonce")).toBe(true);
  });

  it("a wrong client secret is invalid_client", async () => {
    const clientId = `openid-client-${randomBytes(6).toString("hex")}`;
    const config = await client.discovery(
      new URL(server.url),
      clientId,
      undefined,
      client.ClientSecretBasic(`${server.apiKey}-wrong`),
      { execute: [client.allowInsecureRequests], algorithm: "oauth2" },
    );
    // A 401 with a challenge: openid-client reports the challenge (RFC 6749 §5.2: Basic was used).
    const err = await client.initiateDeviceAuthorization(config, registration(clientId)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(client.WWWAuthenticateChallengeError);
    const challenge = err as client.WWWAuthenticateChallengeError;
    expect(challenge.status).toBe(401);
    expect(challenge.cause[0]).toMatchObject({ scheme: "basic", parameters: { realm: "dtp" } });
    expect(await challenge.response.json()).toMatchObject({ error: "invalid_client" });
  });
});
