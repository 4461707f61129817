/**
 * DTP-ERR-005 (MUST, RFC 9457 §3):
 * "Errors of every non-OAuth API (`/admin/*`, `/personal-tokens*`, `/me`) MUST be
 * `application/problem+json` objects with `type`, `title`, `status` (equal to the HTTP
 * status) and `detail`."
 *
 * DTP-ERR-006 (MUST, RFC 9457 §3.1.1; DTP):
 * "A problem `type` MUST be `https://dtp.dev/problems/<slug>`; the slug SHOULD be the one
 * for its case: `invalid-request` (400), `unauthorized` (401), `insufficient-scope`
 * (403), `not-found` (404), `conflict` (409), `gone` (410), `payload-too-large` (413),
 * `unsupported-media-type` (415), `rate-limited` (429)."
 *
 * Every non-OAuth operation the target offers is driven into its errors: no or a garbage
 * token (401), a device token where a user token is needed (403), broken, oversized or
 * mistyped JSON (400, 413, 415), unknown ids (404), a bad `status` filter or client_id
 * (400), a decided registration (409). Each answer must be a complete problem with a
 * `https://dtp.dev/problems/` type; a slug other than the one for its status is a WARN.
 * The generated parts (tokens, ids, JSON, sizes) vary with the seed.
 */
import fc from "fast-check";
import type { Check, CheckContext } from "../../src/check/check.ts";
import type { HttpRequest } from "../../src/check/http.ts";
import { adminApi } from "../../src/client/kit/index.ts";
import { register } from "../../src/client/legacy/device.ts";
import { declaredLifetime, endpointOf } from "../../src/client/legacy/endpoints.ts";
import { expectDecision } from "../approval/_helpers.ts";
import { ERR006, expectProblemFormat, Findings, openSession, type Session } from "./_helpers.ts";

const ID = "DTP-ERR-005";

const ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

interface Inputs {
  garbageToken: string;
  badJson: string;
  wrongType: string;
  oversize: number;
  badExpiresIn: unknown;
  unknownId: string;
  badStatus: string;
  badClientId: string;
}

interface Case {
  what: string;
  status: number | number[];
  request: (x: Inputs) => Promise<HttpRequest>;
}

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, ERR006],
    level: "MUST",
    area: "errors",
    title: "Errors of /admin/*, /personal-tokens* and /me are complete problem+json objects",
    specRef: "RFC 9457 §3",
    requires: ["device_code"],
    property: true,
  },
  async run(ctx) {
    const session = await openSession(ctx, ID);
    const cases = await buildCases(ctx, session);
    if (cases.length === 0) {
      ctx.skip(
        "the target offers none of the non-OAuth APIs (dtp_resource_endpoint, dtp_personal_tokens_endpoint, dtp_admin_endpoint with admin.token)",
      );
    }
    const findings = new Findings();
    const inputs: fc.Arbitrary<Inputs> = fc.record({
      garbageToken: fc.string({ unit: fc.constantFrom(...ID_CHARS), minLength: 1, maxLength: 80 }),
      badJson: fc.oneof(
        fc.constantFrom("{", '{"name": "x", "expires_in": 60', "[1, 2", "{'name': 'x'}", "nul"),
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }).map((s) => `{${s}`),
        fc.json().map((j) => `${j} }`),
      ),
      wrongType: fc.constantFrom(
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/xml",
        "application/octet-stream",
        "multipart/form-data; boundary=dtp",
      ),
      oversize: fc.integer({ min: 65_537, max: 200_000 }),
      badExpiresIn: fc.oneof(
        fc.integer({ max: 0 }),
        fc.constantFrom("60", null, true, 1.5, [60], { seconds: 60 }),
      ),
      unknownId: fc.string({ unit: fc.constantFrom(...ID_CHARS), minLength: 8, maxLength: 40 }),
      badStatus: fc.constantFrom("all", "PENDING", "expired", "0"),
      badClientId: fc
        .string({ unit: "grapheme", minLength: 1, maxLength: 20 })
        .filter((s) => !/^[A-Za-z0-9._~-]+$/.test(s) && s !== "." && s !== ".."),
    });
    await fc.assert(
      fc.asyncProperty(inputs, async (x) => {
        for (const c of cases) {
          const res = await ctx.http.request(await c.request(x));
          expectProblemFormat(res, ID, c.status, findings);
        }
      }),
      { ...ctx.fc, numRuns: Math.max(2, Math.ceil(ctx.fc.numRuns / 10)) },
    );
    findings.settle(ctx);
  },
};

async function buildCases(ctx: CheckContext, session: Session): Promise<Case[]> {
  const cases: Case[] = [];
  const me = endpointOf(ctx.target, "dtp_resource_endpoint");
  if (me) {
    cases.push(
      {
        what: "GET /me without a token",
        status: 401,
        request: async () => ({ method: "GET", url: me, label: "GET /me without a token" }),
      },
      {
        what: "GET /me with a garbage token",
        status: 401,
        request: async (x) => ({
          method: "GET",
          url: me,
          headers: { authorization: `Bearer ${x.garbageToken}` },
          label: "GET /me with a garbage token",
        }),
      },
    );
  }
  const pats = endpointOf(ctx.target, "dtp_personal_tokens_endpoint");
  if (pats) {
    const user = session.userTokens;
    const max = declaredLifetime(ctx.target, "personal_token_max", 3600);
    const create = (label: string, body: string, type: string | undefined) => async () => {
      const headers: Record<string, string> = {
        authorization: `Bearer ${await user!.access()}`,
      };
      if (type !== undefined) headers["content-type"] = type;
      return { method: "POST" as const, url: pats, headers, body, label };
    };
    cases.push({
      what: "GET /personal-tokens without a token",
      status: 401,
      request: async () => ({
        method: "GET",
        url: pats,
        label: "list personal tokens without a token",
      }),
    });
    const deviceTokens = session.deviceTokens;
    if (deviceTokens) {
      cases.push({
        what: "GET /personal-tokens with a device token (no scope tokens)",
        status: 403,
        request: async () => ({
          method: "GET",
          url: pats,
          headers: { authorization: `Bearer ${await deviceTokens.access()}` },
          label: "list personal tokens with a device token (no scope tokens)",
        }),
      });
    }
    if (user) {
      cases.push(
        {
          what: "malformed JSON",
          status: 400,
          request: (x) =>
            create("create a personal token: malformed JSON", x.badJson, "application/json")(),
        },
        {
          what: "a body that is not JSON",
          status: 415,
          request: (x) =>
            create(
              `create a personal token as ${x.wrongType}`,
              JSON.stringify({ name: "dtp-kit", expires_in: 60 }),
              x.wrongType,
            )(),
        },
        {
          what: "an oversized body",
          status: 413,
          request: (x) =>
            create(
              `create a personal token: ${x.oversize} bytes`,
              JSON.stringify({ name: "x".repeat(x.oversize), expires_in: 60 }),
              "application/json",
            )(),
        },
        {
          what: "an invalid expires_in",
          status: 400,
          request: (x) =>
            create(
              `create a personal token with expires_in ${JSON.stringify(x.badExpiresIn)}`,
              JSON.stringify({ name: "dtp-kit", expires_in: x.badExpiresIn }),
              "application/json",
            )(),
        },
        {
          what: "expires_in over personal_token_max",
          status: 400,
          request: create(
            `create a personal token with expires_in ${max + 1} (over personal_token_max)`,
            JSON.stringify({ name: "dtp-kit", expires_in: max + 1 }),
            "application/json",
          ),
        },
        {
          what: "DELETE an unknown personal token",
          status: 404,
          request: async (x) => ({
            method: "DELETE",
            url: `${pats}/${encodeURIComponent(x.unknownId)}`,
            headers: { authorization: `Bearer ${await user.access()}` },
            label: "revoke an unknown personal token",
          }),
        },
      );
    }
  }
  if (ctx.target.config.admin?.token && endpointOf(ctx.target, "dtp_admin_endpoint")) {
    const admin = adminApi(ctx);
    const auth = { authorization: `Bearer ${ctx.target.config.admin.token}` };
    // A decided registration, for the 409.
    const decided = await register(ctx, ID, { label: "register (to decide twice)" });
    expectDecision(
      await admin.decide("approve", decided.userCode),
      { userCode: decided.userCode, clientId: decided.clientId, status: "approved" },
      ID,
    );
    const code = encodeURIComponent(decided.userCode);
    cases.push(
      {
        what: "admin list without a credential",
        status: 401,
        request: async () => ({
          method: "GET",
          url: `${admin.base}/registrations`,
          label: "admin list without a credential",
        }),
      },
      {
        what: "admin list with a bad status",
        status: 400,
        request: async (x) => ({
          method: "GET",
          url: `${admin.base}/registrations?status=${encodeURIComponent(x.badStatus)}`,
          headers: auth,
          label: `admin list with status=${x.badStatus}`,
        }),
      },
      {
        what: "approve with a garbage credential",
        status: 401,
        request: async (x) => ({
          method: "POST",
          url: `${admin.base}/registrations/${code}/approve`,
          headers: { authorization: `Bearer ${x.garbageToken}` },
          label: "approve with a garbage admin credential",
        }),
      },
      {
        what: "deny without a credential",
        status: 401,
        request: async () => ({
          method: "POST",
          url: `${admin.base}/registrations/${code}/deny`,
          label: "deny without an admin credential",
        }),
      },
      {
        what: "approve a decided registration",
        status: 409,
        request: async () => ({
          method: "POST",
          url: `${admin.base}/registrations/${code}/approve`,
          headers: auth,
          label: "approve the approved registration again",
        }),
      },
      {
        what: "get an unknown device",
        status: 404,
        request: async () => ({
          method: "GET",
          url: `${admin.base}/devices/${encodeURIComponent(ctx.clientId("unknown"))}`,
          headers: auth,
          label: "get an unknown device",
        }),
      },
      {
        what: "get a device by a malformed client_id",
        status: [400, 404],
        request: async (x) => ({
          method: "GET",
          url: `${admin.base}/devices/${encodeURIComponent(x.badClientId)}`,
          headers: auth,
          label: `get the device ${JSON.stringify(x.badClientId)} (malformed client_id)`,
        }),
      },
      {
        what: "delete an unknown device",
        status: 404,
        request: async () => ({
          method: "DELETE",
          url: `${admin.base}/devices/${encodeURIComponent(ctx.clientId("unknown"))}`,
          headers: auth,
          label: "delete an unknown device",
        }),
      },
    );
  }
  return cases;
}
