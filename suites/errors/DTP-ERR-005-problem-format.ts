/**
 * DTP-ERR-005 (MUST, RFC 9457 §3):
 * "Errors of every non-OAuth API (`/admin/*`, `/personal-tokens*`, `/me`) MUST be
 * `application/problem+json` objects with `type`, `title`, `status` (equal to the HTTP
 * status) and `detail`."
 *
 * DTP-ERR-006 (MUST, RFC 9457 §3.1.1; DTP):
 * "A problem `type` MUST be `https://dtp.dev/problems/<slug>`; the slug SHOULD be the one
 * for its case: `invalid-request` (400), `unauthorized` (401), `insufficient-scope` (403),
 * `not-found` (404), `conflict` (409), `gone` (410), `payload-too-large` (413),
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
import { expectStatus } from "../../src/check/expect.ts";
import type { HttpRequest, HttpResponse } from "../../src/check/http.ts";
import { declaredLifetime, endpointOf, OWNERS } from "../../src/client/index.ts";
import {
  adminApiOf,
  type ProbeSession,
  probeSession,
  registeredDevice,
} from "../../src/client/kit/index.ts";
import { ERR006, expectProblemFormat, Findings } from "./_helpers.ts";

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
  send: (x: Inputs) => Promise<HttpResponse>;
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
    const session = await probeSession(ctx);
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
    for (const c of cases) {
      await ctx.property(
        c.what,
        fc.asyncProperty(inputs, async (x) => {
          expectProblemFormat(await c.send(x), ID, c.status, findings);
        }),
        { numRuns: Math.max(2, Math.ceil(ctx.fc.numRuns / 10)) },
      );
    }
    findings.settle(ctx);
  },
};

async function buildCases(ctx: CheckContext, session: ProbeSession): Promise<Case[]> {
  const cases: Case[] = [];
  // Requests without a credential or with a wrong one: the transport's plain request.
  const plain = (req: HttpRequest) => ctx.http.request(req);
  const me = endpointOf(ctx.target, "dtp_resource_endpoint");
  if (me) {
    cases.push(
      {
        what: "GET /me without a token",
        status: 401,
        send: () => plain({ method: "GET", url: me, label: "GET /me without a token" }),
      },
      {
        what: "GET /me with a garbage token",
        status: 401,
        send: (x) =>
          plain({
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
    const user = session.user;
    const max = declaredLifetime(ctx.target, "personal_token_max", 3600);
    // With the user's live token (the client's one policy keeps it valid).
    const create = (label: string, body: string, type: string | undefined) =>
      user!.send({
        method: "POST",
        url: pats,
        ...(type !== undefined ? { headers: { "content-type": type } } : {}),
        body,
        label,
      });
    cases.push({
      what: "GET /personal-tokens without a token",
      status: 401,
      send: () =>
        plain({ method: "GET", url: pats, label: "list personal tokens without a token" }),
    });
    const deviceTokens = session.deviceTokens;
    if (deviceTokens) {
      cases.push({
        what: "GET /personal-tokens with a device token (no scope tokens)",
        status: 403,
        send: () =>
          deviceTokens.send({
            method: "GET",
            url: pats,
            label: "list personal tokens with a device token (no scope tokens)",
          }),
      });
    }
    if (user) {
      cases.push(
        {
          what: "malformed JSON",
          status: 400,
          send: (x) =>
            create("create a personal token: malformed JSON", x.badJson, "application/json"),
        },
        {
          what: "a body that is not JSON",
          status: 415,
          send: (x) =>
            create(
              `create a personal token as ${x.wrongType}`,
              JSON.stringify({ name: "dtp-kit", expires_in: 60 }),
              x.wrongType,
            ),
        },
        {
          what: "an oversized body",
          status: 413,
          send: (x) =>
            create(
              `create a personal token: ${x.oversize} bytes`,
              JSON.stringify({ name: "x".repeat(x.oversize), expires_in: 60 }),
              "application/json",
            ),
        },
        {
          what: "an invalid expires_in",
          status: 400,
          send: (x) =>
            create(
              `create a personal token with expires_in ${JSON.stringify(x.badExpiresIn)}`,
              JSON.stringify({ name: "dtp-kit", expires_in: x.badExpiresIn }),
              "application/json",
            ),
        },
        {
          what: "expires_in over personal_token_max",
          status: 400,
          send: () =>
            create(
              `create a personal token with expires_in ${max + 1} (over personal_token_max)`,
              JSON.stringify({ name: "dtp-kit", expires_in: max + 1 }),
              "application/json",
            ),
        },
        {
          what: "DELETE an unknown personal token",
          status: 404,
          send: (x) => user.revokePersonalToken(x.unknownId, "revoke an unknown personal token"),
        },
      );
    }
  }
  const admin = adminApiOf(ctx);
  if (admin) {
    // A decided registration, for the 409.
    const { reg: decided } = await registeredDevice(ctx, {
      register: { label: "register (to decide twice)" },
    });
    expectStatus(await admin.decide("approve", decided.userCode), 200, OWNERS.approve);
    const code = encodeURIComponent(decided.userCode);
    cases.push(
      {
        what: "admin list without a credential",
        status: 401,
        send: () =>
          admin.request("GET", "/registrations", {
            authorization: null,
            label: "admin list without a credential",
          }),
      },
      {
        what: "admin list with a bad status",
        status: 400,
        send: (x) =>
          admin.listRegistrations(x.badStatus, { label: `admin list with status=${x.badStatus}` }),
      },
      {
        what: "approve with a garbage credential",
        status: 401,
        send: (x) =>
          admin.request("POST", `/registrations/${code}/approve`, {
            authorization: `Bearer ${x.garbageToken}`,
            label: "approve with a garbage admin credential",
          }),
      },
      {
        what: "deny without a credential",
        status: 401,
        send: () =>
          admin.request("POST", `/registrations/${code}/deny`, {
            authorization: null,
            label: "deny without an admin credential",
          }),
      },
      {
        what: "approve a decided registration",
        status: 409,
        send: () =>
          admin.decide("approve", decided.userCode, {
            label: "approve the approved registration again",
          }),
      },
      {
        what: "get an unknown device",
        status: 404,
        send: () => admin.device(ctx.clientId("unknown"), { label: "get an unknown device" }),
      },
      {
        what: "get a device by a malformed client_id",
        status: [400, 404],
        send: (x) =>
          admin.device(x.badClientId, {
            label: `get the device ${JSON.stringify(x.badClientId)} (malformed client_id)`,
          }),
      },
      {
        what: "delete an unknown device",
        status: 404,
        send: () =>
          admin.deleteDevice(ctx.clientId("unknown"), { label: "delete an unknown device" }),
      },
    );
  }
  return cases;
}
