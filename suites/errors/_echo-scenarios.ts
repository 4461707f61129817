/**
 * DTP-ERR-015 and DTP-ERR-016's scenarios: requests that fail while carrying a secret
 * (generated, or the real ones the config and the run hold) or a long generated value,
 * each built around the value it carries.
 */
import type { CheckContext } from "../../src/check/check.ts";
import type { HttpRequest } from "../../src/check/http.ts";
import { basicAuth, DEVICE_CODE_GRANT, endpointOf } from "../../src/client/index.ts";
import { formBody, type ProbeSession, userCredentials } from "../../src/client/kit/index.ts";

export interface Scenario {
  what: string;
  /** Builds the request around the secret it carries; undefined when the target lacks the endpoint. */
  build(secret: string): Promise<Built | undefined>;
}

export interface Built {
  req: HttpRequest;
  secrets: { what: string; value: string }[];
  /** DTP-ERR-016: values of which no more than MAX_ECHO characters may come back. */
  long?: { what: string; value: string }[];
  /**
   * For a real secret the config chose (it may be a common word): the same request with a
   * made-up value instead. When its answer contains the secret too, the secret is part of
   * the server's usual wording, not an echo.
   */
  control?: HttpRequest;
}

const form = (params: [string, string][]) => formBody(params);
const FORM = "application/x-www-form-urlencoded";

export function buildScenarios(
  ctx: CheckContext,
  session: ProbeSession,
  spareId: string,
  spareRefresh: string | undefined,
  pending: { clientId: string; deviceCode: string },
): Scenario[] {
  const apiKey = ctx.target.config.apiKey;
  const ep = (name: Parameters<typeof endpointOf>[1]) => endpointOf(ctx.target, name);
  const deviceId = session.device.clientId;
  // Wrong API keys are sent for a client_id of their own: a server that limits failed
  // client authentications per client_id (DTP-ERR-017) then never limits the session's.
  const wrongKeyId = ctx.clientId("err15-wrong-key");
  const out: Scenario[] = [];
  const post = (
    name: Parameters<typeof endpointOf>[1],
    headers: Record<string, string>,
    params: [string, string][],
    label: string,
  ): HttpRequest | undefined => {
    const url = ep(name);
    return url
      ? {
          method: "POST",
          url,
          headers: { "content-type": FORM, ...headers },
          body: form(params),
          label,
        }
      : undefined;
  };
  const ok = (
    req: HttpRequest | undefined,
    secrets: { what: string; value: string }[],
    control?: HttpRequest,
  ): Built | undefined => (req ? { req, secrets, ...(control ? { control } : {}) } : undefined);

  const byOp: [Parameters<typeof endpointOf>[1], [string, string][]][] = [
    [
      "device_authorization_endpoint",
      [
        ["client_id", deviceId],
        ["client_type", "desktop_client"],
        ["response_type", "device_code"],
      ],
    ],
    [
      "token_endpoint",
      [
        ["grant_type", "refresh_token"],
        ["refresh_token", "dtp-kit-not-a-token"],
      ],
    ],
    ["revocation_endpoint", [["token", "dtp-kit-not-a-token"]]],
    ["introspection_endpoint", [["token", "dtp-kit-not-a-token"]]],
  ];
  for (const [name, params] of byOp) {
    out.push(
      {
        what: `a wrong API key with HTTP Basic at ${name}`,
        build: async (s) =>
          ok(
            post(
              name,
              { authorization: basicAuth(wrongKeyId, s) },
              params,
              `${name} with a wrong API key (Basic)`,
            ),
            [{ what: "API key", value: s }],
          ),
      },
      {
        what: `a wrong API key in the form at ${name}`,
        build: async (s) =>
          ok(
            post(
              name,
              {},
              [
                ...params.filter(([k]) => k !== "client_id"),
                ["client_id", wrongKeyId],
                ["client_secret", s],
              ],
              `${name} with a wrong API key (form)`,
            ),
            [{ what: "API key", value: s }],
          ),
      },
    );
  }
  const basic = { authorization: basicAuth(deviceId, apiKey) };
  out.push(
    {
      what: "an unknown refresh token",
      build: async (s) =>
        ok(
          post(
            "token_endpoint",
            basic,
            [
              ["grant_type", "refresh_token"],
              ["refresh_token", s],
            ],
            "refresh with an unknown refresh token",
          ),
          [{ what: "refresh token", value: s }],
        ),
    },
    {
      what: "an unknown device code",
      build: async (s) =>
        ok(
          post(
            "token_endpoint",
            basic,
            [
              ["grant_type", DEVICE_CODE_GRANT],
              ["device_code", s],
            ],
            "poll an unknown device code",
          ),
          [{ what: "device code", value: s }],
        ),
    },
    {
      what: "the real API key in the form with a bad client_type",
      build: async (s) => {
        const params = (key: string): [string, string][] => [
          ["client_id", ctx.clientId("err15")],
          ["client_secret", key],
          ["client_type", "toaster"],
          ["response_type", "device_code"],
        ];
        return ok(
          post(
            "device_authorization_endpoint",
            {},
            params(apiKey),
            "register with the real API key (form) and a bad client_type",
          ),
          [{ what: "API key", value: apiKey }],
          post(
            "device_authorization_endpoint",
            {},
            params(s),
            "control: the same with a made-up API key",
          ),
        );
      },
    },
    {
      what: "a real device code polled by another client",
      build: async () =>
        ok(
          post(
            "token_endpoint",
            { authorization: basicAuth(ctx.clientId("other"), apiKey) },
            [
              ["grant_type", DEVICE_CODE_GRANT],
              ["device_code", pending.deviceCode],
            ],
            "another client polls a real device code",
          ),
          [{ what: "device code", value: pending.deviceCode }],
        ),
    },
  );
  const smuggled = (rt: string): HttpRequest | undefined => {
    const url = ep("token_endpoint");
    return url
      ? {
          method: "POST",
          url,
          headers: { "content-type": FORM, ...basic },
          // The separator is not "&": the whole rest is the (unsupported) grant_type's value.
          body: `grant_type=refresh_token;refresh_token=${rt}`,
          label: "a refresh token inside an unsupported grant_type",
        }
      : undefined;
  };
  out.push({
    what: "a refresh token inside an unsupported grant_type",
    build: async (s) => ok(smuggled(s), [{ what: "refresh token", value: s }]),
  });
  if (spareRefresh !== undefined) {
    out.push({
      what: "a live refresh token inside an unsupported grant_type",
      build: async () =>
        ok(smuggled(spareRefresh), [{ what: "refresh token", value: spareRefresh }]),
    });
  }
  // DTP-ERR-016: a long value where the server is likely to complain about it.
  const longValue = (s: string) => `dtp-kit-${s}${[...s].reverse().join("")}`;
  const longCase = (
    what: string,
    name: Parameters<typeof endpointOf>[1],
    make: (v: string) => { params?: [string, string][]; headers?: Record<string, string> },
  ): Scenario => ({
    what: `a long ${what}`,
    build: async (s) => {
      const v = longValue(s);
      const { params = [], headers = {} } = make(v);
      const req = post(name, { ...basic, ...headers }, params, `a long ${what}`);
      return req ? { req, secrets: [], long: [{ what, value: v }] } : undefined;
    },
  });
  const regParams = (id: string): [string, string][] => [
    ["client_id", id],
    ["client_type", "printer"],
    ["response_type", "device_code"],
  ];
  const set = (params: [string, string][], name: string, v: string): [string, string][] =>
    params.map(([k, x]) => [k, k === name ? v : x]);
  out.push(
    longCase("grant_type", "token_endpoint", (v) => ({ params: [["grant_type", v]] })),
    longCase("client_type", "device_authorization_endpoint", (v) => ({
      params: set(regParams(deviceId), "client_type", v),
    })),
    longCase("response_type", "device_authorization_endpoint", (v) => ({
      params: set(regParams(deviceId), "response_type", v),
    })),
    longCase("repeated parameter name", "token_endpoint", (v) => ({
      params: [
        ["grant_type", DEVICE_CODE_GRANT],
        ["device_code", "dtp-kit-not-a-code"],
        [v, "1"],
        [v, "2"],
      ],
    })),
    longCase("Content-Type media type", "token_endpoint", (v) => ({
      params: [["grant_type", "refresh_token"]],
      headers: { "content-type": `application/${v}` },
    })),
    longCase("DPoP header", "token_endpoint", (v) => ({
      params: [
        ["grant_type", DEVICE_CODE_GRANT],
        ["device_code", pending.deviceCode],
      ],
      headers: { authorization: basicAuth(pending.clientId, apiKey), dpop: `${v}.${v}.${v}` },
    })),
  );
  if (spareRefresh !== undefined) {
    out.push({
      what: "a live refresh token asking for a wider scope",
      build: async () =>
        ok(
          post(
            "token_endpoint",
            { authorization: basicAuth(spareId, apiKey) },
            [
              ["grant_type", "refresh_token"],
              ["refresh_token", spareRefresh],
              ["scope", "me login tokens service dtp-kit-unknown"],
            ],
            "refresh a live token with a wider scope",
          ),
          [{ what: "refresh token", value: spareRefresh }],
        ),
    });
  }
  const me = ep("dtp_resource_endpoint");
  const pats = ep("dtp_personal_tokens_endpoint");
  for (const [url, name] of [
    [me, "/me"],
    [pats, "/personal-tokens"],
  ] as const) {
    if (!url) continue;
    out.push({
      what: `an unknown personal token at ${name}`,
      build: async (s) => ({
        req: {
          method: "GET",
          url,
          headers: { authorization: `Bearer dtp_pat_${s}` },
          label: `GET ${name} with an unknown personal token`,
        },
        secrets: [
          { what: "personal token", value: `dtp_pat_${s}` },
          { what: "personal token", value: s },
        ],
      }),
    });
  }
  if (session.user && ep("dtp_login_endpoint")) {
    const user = userCredentials(ctx);
    out.push(
      {
        what: "a wrong password at /login",
        build: async (s) =>
          ok(
            post(
              "dtp_login_endpoint",
              { authorization: `Bearer ${(await session.deviceTokens!.fresh()).accessToken}` },
              [
                ["username", user.username],
                ["password", s],
              ],
              "login with a wrong password",
            ),
            [{ what: "password", value: s }],
          ),
      },
      {
        what: "the real password next to a card_id at /login",
        build: async (s) => {
          const auth = {
            authorization: `Bearer ${(await session.deviceTokens!.fresh()).accessToken}`,
          };
          const params = (password: string): [string, string][] => [
            ["username", user.username],
            ["password", password],
            ["card_id", s],
          ];
          return ok(
            post(
              "dtp_login_endpoint",
              auth,
              params(user.password),
              "login with the real password and a card_id",
            ),
            [{ what: "password", value: user.password }],
            post(
              "dtp_login_endpoint",
              auth,
              params(`dtp-kit-${s}`),
              "control: the same with a made-up password",
            ),
          );
        },
      },
    );
  }
  return out;
}
