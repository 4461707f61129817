/**
 * Issue 14, item 1: the OAuth profile reads each endpoint's own list of client
 * authentication methods. The kit's clients use their registered method everywhere, so the
 * lists choose clients: the pool prefers the clients every named endpoint accepts, and an
 * endpoint that lists none of the pool's methods leaves its checks untested (never "not
 * claimed"), with a reason that quotes the list and never advises a method it lacks.
 */
import { describe, expect, it } from "vitest";
import type { Target } from "../../src/check/target.ts";
import { acceptsAt, endpointAuthMethods, usableOAuthClients } from "../../src/client/kit/auth.ts";
import type { OAuthClient, TargetConfig } from "../../src/config/schema.ts";
import {
  claimedFeatures,
  deriveFeatures,
  missingFeatureReason,
} from "../../src/runner/discover.ts";

const ISSUER = "https://as.example";
const BASIC: OAuthClient = { clientId: "b", clientSecret: "s", authMethod: "client_secret_basic" };
const POST: OAuthClient = { clientId: "p", clientSecret: "s", authMethod: "client_secret_post" };
const PUBLIC: OAuthClient = { clientId: "n", authMethod: "none" };

function metadata(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    issuer: ISSUER,
    token_endpoint: `${ISSUER}/token`,
    revocation_endpoint: `${ISSUER}/revoke`,
    introspection_endpoint: `${ISSUER}/introspect`,
    grant_types_supported: ["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    ...extra,
  };
}

function target(m: Record<string, unknown>, clients: OAuthClient[]): Target {
  const config = { clientIdPrefix: "dtp-kit", oauth: { clients } } as unknown as TargetConfig;
  return {
    profile: "oauth",
    metadata: m,
    config,
    features: deriveFeatures(m, config, "oauth"),
    baseUrl: ISSUER,
  } as unknown as Target;
}

describe("client authentication per endpoint (RFC 8414 §2)", () => {
  it("reads each endpoint's list; omitted: Basic at revocation, the token endpoint's at introspection", () => {
    const m = metadata({ revocation_endpoint_auth_methods_supported: ["client_secret_post"] });
    expect(endpointAuthMethods(m, "revocation")).toEqual(["client_secret_post"]);
    expect(endpointAuthMethods(m, "introspection")).toEqual([
      "client_secret_basic",
      "client_secret_post",
    ]);
    expect(endpointAuthMethods(metadata(), "revocation")).toEqual(["client_secret_basic"]);
  });

  it("an explicit list refuses other methods; an omitted one lets the kit try its client's", () => {
    const m = metadata({ revocation_endpoint_auth_methods_supported: ["client_secret_post"] });
    expect(acceptsAt(m, "client_secret_basic", "revocation")).toBe(false);
    expect(acceptsAt(m, "client_secret_post", "revocation")).toBe(true);
    expect(acceptsAt(metadata(), "none", "revocation")).toBe(true);
  });

  it("the pool keeps the clients every named endpoint accepts, when there are any", () => {
    const m = metadata({ introspection_endpoint_auth_methods_supported: ["client_secret_post"] });
    expect(usableOAuthClients(m, [BASIC, POST]).map((c) => c.clientId)).toEqual(["p"]);
    // None accepted everywhere: the token endpoint's choice stands.
    const none = metadata({ introspection_endpoint_auth_methods_supported: ["private_key_jwt"] });
    expect(usableOAuthClients(none, [BASIC, POST]).map((c) => c.clientId)).toEqual(["b", "p"]);
  });

  it("an endpoint that takes none of the pool's methods is untested with a reason, still claimed", () => {
    const m = metadata({ introspection_endpoint_auth_methods_supported: ["private_key_jwt"] });
    const t = target(m, [BASIC]);
    expect(t.features.has("introspection")).toBe(false);
    expect(t.features.has("revocation")).toBe(true);
    expect(claimedFeatures(m, "oauth").has("introspection")).toBe(true);
    const reason = missingFeatureReason("introspection", t);
    expect(reason).toContain("introspection_endpoint_auth_methods_supported: private_key_jwt");
    expect(reason).toContain("b (client_secret_basic)");
    expect(reason).toContain("add a client registered with private_key_jwt");
    expect(reason).not.toContain("client_secret_post");
  });

  it("public clients revoke where the list is omitted (oidc-provider publishes none)", () => {
    const m = metadata({ token_endpoint_auth_methods_supported: ["none"] });
    const t = target(m, [PUBLIC]);
    expect(t.features.has("revocation")).toBe(true);
    expect(t.features.has("introspection")).toBe(true);
  });
});
