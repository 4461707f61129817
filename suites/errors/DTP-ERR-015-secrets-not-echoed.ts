/**
 * DTP-ERR-015 (MUST, DTP; RFC 9700 §4.14):
 * "Error responses MUST NOT echo a secret the client sent (API key, password, refresh
 * token, device code, personal token) in their body or headers."
 *
 * Property: requests that fail while carrying a generated secret — a wrong API key (HTTP
 * Basic or form), an unknown refresh token, an unknown device code, a wrong password, an
 * unknown personal token at `/me` and `/personal-tokens` — and requests that fail while
 * carrying the real secrets — the API key in the form with a bad `client_type`, the
 * user's password next to a `card_id`, a live refresh token asking for a wider scope, a
 * real device code polled by another client. No error response may contain the secret
 * (as sent, or percent-encoded) in its body or any header.
 */
import fc from "fast-check";
import type { Check, CheckContext } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import type { HttpRequest, HttpResponse } from "../../src/check/http.ts";
import { basicAuth, DEVICE_CODE_GRANT, endpointOf } from "../../src/client/index.ts";
import {
  approvedDevice,
  formBody,
  type ProbeSession,
  probeSession,
  registeredDevice,
  userCredentials,
} from "../../src/client/kit/index.ts";

const ID = "DTP-ERR-015";

const SECRET_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

interface Scenario {
  what: string;
  /** Builds the request around the secret it carries; undefined when the target lacks the endpoint. */
  build(secret: string): Promise<Built | undefined>;
}

interface Built {
  req: HttpRequest;
  secrets: { what: string; value: string }[];
  /**
   * For a real secret the config chose (it may be a common word): the same request with a
   * made-up value instead. When its answer contains the secret too, the secret is part of
   * the server's usual wording, not an echo.
   */
  control?: HttpRequest;
}

const form = (params: [string, string][]) => formBody(params);
const FORM = "application/x-www-form-urlencoded";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "errors",
    title: "Error responses never echo a secret the client sent",
    specRef: "DTP; RFC 9700 §4.14",
    requires: ["device_code"],
    property: true,
  },
  async run(ctx) {
    const session = await probeSession(ctx);
    const spare = ctx.target.features.has("admin")
      ? await approvedDevice(ctx, { register: { label: "register (refresh-token owner)" } })
      : undefined;
    const { reg: pending } = await registeredDevice(ctx, {
      register: { label: "register (its device code is polled by another client)" },
    });
    ctx.http.addSecret(pending.deviceCode, "device_code");
    const scenarios = buildScenarios(
      ctx,
      session,
      spare?.device.clientId ?? session.device.clientId,
      spare?.tokens.tokens.refreshToken,
      pending,
    );
    const secret = fc.string({
      unit: fc.constantFrom(...SECRET_CHARS),
      minLength: 16,
      maxLength: 64,
    });
    const judge = async (scenario: Scenario, s: string) => {
      const built = await scenario.build(s);
      if (!built) return;
      const res = await ctx.http.request(built.req);
      if (res.status < 400) {
        ctx.note(`${scenario.what}: answered ${res.status}, not an error`);
        return;
      }
      for (const { what, value } of built.secrets) {
        const where = echoed(res, value);
        if (where === undefined) continue;
        if (built.control) {
          const control = await ctx.http.request(built.control);
          if (echoed(control, value) !== undefined) {
            ctx.note(
              `${scenario.what}: the ${what} also appears in the answer to a made-up value (a common word?); not counted as an echo`,
            );
            continue;
          }
        }
        fail(
          ID,
          `no ${what} in an error response (${scenario.what})`,
          `status ${res.status}: ${where} contains the ${what}`,
          res,
        );
      }
    };
    // Every scenario is a case with a fixed secret, then generated secrets.
    for (const scenario of scenarios) {
      await ctx.case(scenario.what, () => judge(scenario, "dtp-kit-example-secret-0001"));
    }
    await ctx.property(
      "every scenario with generated secrets",
      fc.asyncProperty(fc.constantFrom(...scenarios), secret, judge),
    );
  },
};

/** Where the response shows `value` (as sent, percent-encoded or JSON-escaped), if anywhere. */
function echoed(res: HttpResponse, value: string): string | undefined {
  const forms = new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]);
  const places: [string, string][] = [
    ["the body", res.text],
    ...Object.entries(res.headers).map(([k, v]) => [`the ${k} header`, v] as [string, string]),
  ];
  for (const [where, text] of places) {
    for (const f of forms) {
      if (f.length >= 4 && text.includes(f)) return where;
    }
  }
  return undefined;
}

function buildScenarios(
  ctx: CheckContext,
  session: ProbeSession,
  spareId: string,
  spareRefresh: string | undefined,
  pending: { clientId: string; deviceCode: string },
): Scenario[] {
  const apiKey = ctx.target.config.apiKey;
  const ep = (name: Parameters<typeof endpointOf>[1]) => endpointOf(ctx.target, name);
  const deviceId = session.device.clientId;
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
              { authorization: basicAuth(deviceId, s) },
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
                ["client_id", deviceId],
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
