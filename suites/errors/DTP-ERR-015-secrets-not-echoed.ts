/**
 * DTP-ERR-015 (MUST, DTP; RFC 9700 §4.14):
 * "Error responses MUST NOT echo a secret the client sent (API key, password, refresh
 * token, device code, personal token) in their body or headers."
 *
 * DTP-ERR-016 (MUST, DTP):
 * "An error response MUST NOT repeat more than 32 consecutive characters of any value the
 * request carried (a parameter name or value, a header value, the request target) in its
 * body or headers; it MAY quote a shorter excerpt."
 *
 * Property: requests that fail while carrying a generated secret — a wrong API key (HTTP
 * Basic or form), an unknown refresh token, an unknown device code, a wrong password, an
 * unknown personal token at `/me` and `/personal-tokens`, a refresh token smuggled into an
 * unsupported `grant_type` (`grant_type=refresh_token;refresh_token=<RT>`) — and requests
 * that fail while carrying the real secrets — the API key in the form with a bad
 * `client_type`, the user's password next to a `card_id`, a live refresh token asking for a
 * wider scope or inside an unsupported `grant_type`, a real device code polled by another
 * client. No error response may contain the secret (as sent, or percent-encoded) in its
 * body or any header. Then requests that fail on a long generated value (over 40
 * characters) in `grant_type`, `client_type`, `response_type`, a repeated parameter's
 * name, the `Content-Type` or the `DPoP` header: no error response may contain 33
 * consecutive characters of it (DTP-ERR-016).
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { approvedDevice, probeSession, registeredDevice } from "../../src/client/kit/index.ts";
import { buildScenarios, type Scenario } from "./_echo-scenarios.ts";

const ID = "DTP-ERR-015";
const ERR016 = "DTP-ERR-016";
/** DTP-ERR-016: the longest run of a request value an error may repeat. */
const MAX_ECHO = 32;

const SECRET_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, ERR016],
    level: "MUST",
    area: "errors",
    title: "Error responses never echo a secret the client sent, nor a long request value",
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
      for (const { what, value } of built.long ?? []) {
        const where = longEcho(res, value);
        if (where === undefined) continue;
        fail(
          ERR016,
          `at most ${MAX_ECHO} characters of the ${what} in an error response (${scenario.what})`,
          `status ${res.status}: ${where.place} repeats ${where.length} characters of it`,
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

/** Where the response repeats more than MAX_ECHO consecutive characters of `value`, if anywhere. */
function longEcho(res: HttpResponse, value: string): { place: string; length: number } | undefined {
  const places: [string, string][] = [
    ["the body", res.text],
    ...Object.entries(res.headers).map(([k, v]) => [`the ${k} header`, v] as [string, string]),
  ];
  for (const [place, text] of places) {
    for (let i = 0; i + MAX_ECHO < value.length; i++) {
      let end = i + MAX_ECHO + 1;
      if (!text.includes(value.slice(i, end))) continue;
      while (end < value.length && text.includes(value.slice(i, end + 1))) end++;
      return { place, length: end - i };
    }
  }
  return undefined;
}
