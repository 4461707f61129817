/**
 * DTP-ERR-057 (MUST, RFC 9110 §15.5.2; RFC 6749 §5.2):
 * "Every 401 answer MUST carry a `WWW-Authenticate` header with at least one challenge,
 * also a 401 `invalid_client` answer to a client that authenticated in the request body."
 *
 * Requests the target answers 401 when it follows RFC 6749 §5.2 or RFC 6750 §3.1, each a
 * case: at the device authorization, token, revocation and introspection endpoints the
 * metadata names, a well-formed request whose client authentication fails — a wrong secret
 * in the body (`client_secret_post`), a wrong secret by HTTP Basic, none at all; at the
 * token endpoint, when it offers `private_key_jwt`, a `client_credentials` request whose
 * assertion is signed by a key the server does not know; at a DTP device authorization
 * endpoint, a re-registration signed for a device that has no key (DTP-SIG-003); at the
 * protected resource, a request without a token. Every 401 among the answers must carry a `WWW-Authenticate`
 * header that parses (RFC 9110 §11.6.1) into at least one challenge. Whether a failure is
 * answered 401 at all is another requirement's (DTP-ERR-003, DTP-ERR-050): an answer other
 * than 401 is noted, not judged here.
 */
import { generateKeyPairSync } from "node:crypto";
import type { Check, CheckContext } from "../../src/check/check.ts";
import { describe, fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { basicAuth } from "../../src/client/auth.ts";
import { clientSecret } from "../../src/client/kit/auth.ts";
import { CLIENT_ASSERTION_TYPE, createClientAssertion } from "../../src/protocol/assertion.ts";
import { contentDigest } from "../../src/protocol/content-digest.ts";
import { randomToken } from "../../src/protocol/random.ts";
import { ChallengeParseError, parseChallenges } from "../../src/protocol/www-authenticate.ts";

const ID = "DTP-ERR-057";

type Form = Record<string, string | undefined>;

/** The endpoints that authenticate clients, each with a request that needs no prior state. */
const ENDPOINTS: { member: string; name: string; form: (ctx: CheckContext) => Form }[] = [
  {
    member: "device_authorization_endpoint",
    name: "device authorization",
    form: (ctx) =>
      ctx.target.features.has("dtp")
        ? { client_type: "desktop_client", response_type: "device_code" }
        : { scope: ctx.target.config.oauth?.scope },
  },
  {
    member: "token_endpoint",
    name: "token",
    form: () => ({ grant_type: "refresh_token", refresh_token: randomToken() }),
  },
  { member: "revocation_endpoint", name: "revocation", form: () => ({ token: randomToken() }) },
  {
    member: "introspection_endpoint",
    name: "introspection",
    form: () => ({ token: randomToken() }),
  },
];

type Authentication = "client_secret_post" | "client_secret_basic" | "none";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "errors",
    title:
      "Every 401 carries a WWW-Authenticate challenge, also for a client that authenticated in the body",
    specRef: "RFC 9110 §15.5.2; RFC 6749 §5.2",
    requires: [],
  },
  async run(ctx) {
    const metadata = ctx.target.metadata;
    const seen: string[] = [];
    let judged = 0;
    /** Sends one probe; judges its answer when it is a 401. */
    const probe = async (label: string, send: () => Promise<HttpResponse>) => {
      await ctx.case(label, async () => {
        const res = await send();
        seen.push(`${label}: ${res.status}`);
        if (res.status !== 401) {
          ctx.note(`${label}: answered ${res.status}, not 401 (nothing for ${ID} to judge)`);
          return;
        }
        judged++;
        expectChallenge(res);
      });
    };

    for (const endpoint of ENDPOINTS) {
      const url = metadata[endpoint.member];
      if (typeof url !== "string") continue;
      for (const auth of ["client_secret_post", "client_secret_basic", "none"] as const) {
        await probe(`${endpoint.name}: ${describeAuth(auth)}`, () =>
          sendWithFailingAuth(ctx, url, endpoint.form(ctx), auth, endpoint.name),
        );
      }
    }

    const deviceAuthorization = metadata.device_authorization_endpoint;
    if (ctx.target.features.has("http_signatures") && typeof deviceAuthorization === "string") {
      await probe("device authorization: signed re-registration of an unknown device", () =>
        sendUnknownSignature(ctx, deviceAuthorization),
      );
    }

    const token = metadata.token_endpoint;
    const methods = metadata.token_endpoint_auth_methods_supported;
    if (
      typeof token === "string" &&
      Array.isArray(methods) &&
      methods.includes("private_key_jwt")
    ) {
      await probe("token: private_key_jwt assertion signed by an unknown key", () =>
        sendUnknownAssertion(ctx, token),
      );
    }

    const resource =
      ctx.target.profile === "oauth"
        ? ctx.target.config.oauth?.resourceUrl
        : metadata.dtp_resource_endpoint;
    if (typeof resource === "string") {
      await probe("resource: no token", () =>
        ctx.http.request({ method: "GET", url: resource, label: "resource without a token" }),
      );
    }

    if (judged === 0 && seen.length > 0) {
      ctx.notClaimed(`the target answered none of the probes 401 (${seen.join("; ")})`);
    }
  },
};

function describeAuth(auth: Authentication): string {
  switch (auth) {
    case "client_secret_post":
      return "wrong client_secret in the body";
    case "client_secret_basic":
      return "wrong secret by HTTP Basic";
    case "none":
      return "no client authentication";
  }
}

/** `form` sent to `url` with a failing client authentication of kind `auth`. */
function sendWithFailingAuth(
  ctx: CheckContext,
  url: string,
  form: Form,
  auth: Authentication,
  name: string,
): Promise<HttpResponse> {
  const headers: Record<string, string> = {};
  const wrong = `dtp-kit-wrong-${randomToken(12)}`;
  if (auth !== "none") {
    // A client_id of its own for each wrong secret (servers limit failures per client_id).
    const clientId = ctx.clientId("err57");
    if (auth === "client_secret_post")
      Object.assign(form, { client_id: clientId, client_secret: wrong });
    else headers.authorization = basicAuth(clientId, wrong);
  }
  return ctx.http.request({
    method: "POST",
    url,
    headers,
    form,
    label: `${name}: ${describeAuth(auth)}`,
  });
}

/** A client_credentials request authenticated by an assertion signed with a fresh key. */
function sendUnknownAssertion(ctx: CheckContext, url: string): Promise<HttpResponse> {
  const clientId =
    ctx.target.profile === "oauth"
      ? (ctx.target.config.oauth?.clients.find((c) => c.authMethod === "private_key_jwt")
          ?.clientId ?? ctx.clientId("err57-jwt"))
      : ctx.clientId("err57-jwt");
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const issuer = typeof ctx.target.metadata.issuer === "string" ? ctx.target.metadata.issuer : url;
  return ctx.http.request({
    method: "POST",
    url,
    form: {
      grant_type: "client_credentials",
      client_id: clientId,
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: createClientAssertion({ privateKey, clientId, audience: issuer }),
    },
    label: "token: private_key_jwt assertion signed by an unknown key",
  });
}

/**
 * A DTP re-registration (right API key) signed as RFC 9421 says, for a client_id that has no
 * approved device with a key: 401 `invalid_signature` (DTP-SIG-003).
 */
function sendUnknownSignature(ctx: CheckContext, url: string): Promise<HttpResponse> {
  const clientId = ctx.clientId("err57-sig");
  const body = new URLSearchParams({
    client_id: clientId,
    client_type: "desktop_client",
    response_type: "device_code",
  }).toString();
  const created = Math.floor(ctx.clock.now() / 1000);
  const components = '("@method" "@target-uri" "content-digest" "content-type")';
  return ctx.http.request({
    method: "POST",
    url,
    headers: {
      authorization: basicAuth(clientId, clientSecret(ctx.target, clientId)),
      "content-type": "application/x-www-form-urlencoded",
      "content-digest": contentDigest(body),
      "signature-input": `sig1=${components};created=${created};expires=${created + 60};nonce="${randomToken(16)}";keyid="${randomToken(32)}";alg="ed25519"`,
      signature: `sig1=:${Buffer.from(randomToken(48)).toString("base64")}:`,
    },
    body,
    label: "device authorization: signed re-registration of an unknown device",
  });
}

/** Fails unless the 401 `res` carries a WWW-Authenticate header with a challenge. */
function expectChallenge(res: HttpResponse): void {
  const expected =
    "a WWW-Authenticate header with at least one challenge on a 401 (RFC 9110 §15.5.2)";
  const header = res.headers["www-authenticate"];
  if (header === undefined || header.trim() === "") {
    fail(ID, expected, `no WWW-Authenticate header: ${describe(res)}`, res);
  }
  let count = 0;
  try {
    count = parseChallenges(header).length;
  } catch (err) {
    if (!(err instanceof ChallengeParseError)) throw err;
    fail(ID, expected, `WWW-Authenticate: ${JSON.stringify(header)} (${err.message})`, res);
  }
  if (count === 0) fail(ID, expected, `WWW-Authenticate: ${JSON.stringify(header)}`, res);
}
