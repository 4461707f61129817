/** Registration: POST /register (RFC 8628 §3.1–3.2) and the verification page. */

import { BASIC_CHALLENGE } from "../../../reference-server/auth/client-auth.ts";
import { OAuthError } from "../../../reference-server/errors.ts";
import { installDevice } from "../../../reference-server/registration/install.ts";
import { normalizeUserCode } from "../../../src/protocol/random.ts";
import type { Fault } from "../types.ts";
import {
  asClient,
  claimedClientId,
  combine,
  replyJson,
  withForm,
  withJson,
  withoutHeaders,
  wrap,
} from "./_lib.ts";

const CLIENT_TYPES = ["printer", "chrome_extension", "desktop_client", "mobile_device", "server"];

export const registration: Fault[] = [
  {
    id: "F-REG-01-state-not-echoed",
    area: "registration",
    description: "The device authorization response drops the state parameter the device sent.",
    requirement: "DTP-REG-008",
    catchers: ["DTP-REG-001"],
    fixture: () =>
      wrap("registerDevice", async (ctx, next) => {
        const reply = await next(ctx);
        const { state: _dropped, ...body } = replyJson(reply);
        return withJson(reply, body);
      }),
  },
  {
    id: "F-REG-02-response-cacheable",
    area: "registration",
    description:
      "The device authorization response (it carries the device_code) has no Cache-Control: no-store / Pragma: no-cache.",
    requirement: "DTP-REG-020",
    catchers: ["DTP-REG-001"],
    fixture: () =>
      wrap("registerDevice", async (ctx, next) =>
        withoutHeaders(await next(ctx), ["cache-control", "pragma"]),
      ),
  },
  {
    id: "F-REG-03-unknown-client-type-accepted",
    area: "registration",
    description:
      "An unknown client_type is silently replaced by printer instead of being refused with invalid_request.",
    requirement: "DTP-REG-005",
    catchers: ["DTP-REG-005"],
    fixture: () =>
      wrap("registerDevice", (ctx, next) => {
        const type = ctx.form.client_type;
        return type !== undefined && !CLIENT_TYPES.includes(type)
          ? next(withForm(ctx, { ...ctx.form, client_type: "printer" }))
          : next(ctx);
      }),
  },
  {
    id: "F-REG-04-unknown-scope-dropped",
    area: "registration",
    description:
      "Scope values other than me and login are silently dropped instead of being refused with invalid_scope.",
    requirement: "DTP-REG-009",
    catchers: ["DTP-REG-009"],
    fixture: () =>
      wrap("registerDevice", (ctx, next) => {
        const scope = ctx.form.scope;
        if (scope === undefined) return next(ctx);
        const kept = scope.split(" ").filter((s) => s === "me" || s === "login");
        const form = { ...ctx.form };
        if (kept.length > 0) form.scope = kept.join(" ");
        else delete form.scope;
        return next(withForm(ctx, form));
      }),
  },
  {
    id: "F-REG-05-client-id-sanitised",
    area: "registration",
    description:
      "An invalid client_id (too long, or with characters outside [A-Za-z0-9._~-]) is cleaned up and accepted instead of refused with invalid_request.",
    requirement: "DTP-REG-004",
    catchers: ["DTP-REG-004"],
    fixture: () =>
      wrap("registerDevice", (ctx, next) => {
        const claimed = claimedClientId(ctx);
        if (claimed === undefined || claimed === "") return next(ctx);
        const clean = claimed.replace(/[^A-Za-z0-9._~-]/g, "_").slice(0, 128);
        return clean === claimed ? next(ctx) : next(asClient(ctx, clean));
      }),
  },
  {
    id: "F-REG-06-reregistration-revokes-at-once",
    area: "registration",
    description:
      "An unsigned re-registration of an approved client_id revokes the existing device's tokens at once, before any approval (anyone with the API key can cut a device off).",
    requirement: "DTP-REG-022",
    catchers: ["DTP-REG-022"],
    fixture: () =>
      wrap("registerDevice", async (ctx, next) => {
        const signed =
          ctx.headers.signature !== undefined || ctx.headers["signature-input"] !== undefined;
        const claimed = claimedClientId(ctx);
        const device = claimed === undefined ? undefined : await ctx.app.store.device(claimed);
        if (!signed && device) await ctx.app.store.revokeDeviceTokens(device.uid, ctx.app.now());
        return next(ctx);
      }),
  },
  {
    id: "F-REG-07-verification-page-approves",
    area: "registration",
    description:
      "Opening the verification_uri_complete (GET /device?user_code=…) approves the registration, without any administrator.",
    requirement: "DTP-REG-025",
    catchers: ["DTP-REG-024"],
    fixture: () =>
      wrap("getVerificationPage", async (ctx, next) => {
        const code = ctx.url.searchParams.get("user_code");
        const reg = code
          ? await ctx.app.store.registrationByUserCode(normalizeUserCode(code))
          : undefined;
        const now = ctx.app.now();
        if (reg && (await ctx.app.store.decideRegistration(reg.id, "approved", now)))
          await installDevice(ctx.app, { ...reg, status: "approved", decidedAt: now });
        return next(ctx);
      }),
  },
  {
    id: "F-REG-08-jkt-not-rfc7638",
    area: "registration",
    description:
      "The admin API shows a registered key's jkt hex-encoded instead of as the RFC 7638 base64url thumbprint.",
    requirement: "DTP-REG-014",
    catchers: ["DTP-REG-014"],
    fixture: () => {
      const hex = (jkt: unknown) =>
        typeof jkt === "string" ? Buffer.from(jkt, "base64url").toString("hex") : jkt;
      return combine(
        wrap("listRegistrations", async (ctx, next) => {
          const reply = await next(ctx);
          const list = replyJson(reply).registrations;
          return Array.isArray(list)
            ? withJson(reply, {
                registrations: list.map((r: Record<string, unknown>) =>
                  r.jkt === undefined ? r : { ...r, jkt: hex(r.jkt) },
                ),
              })
            : reply;
        }),
        wrap("getDevice", async (ctx, next) => {
          const reply = await next(ctx);
          const body = replyJson(reply);
          return body.jkt === undefined ? reply : withJson(reply, { ...body, jkt: hex(body.jkt) });
        }),
      );
    },
  },
  {
    id: "F-REG-09-no-verification-uri-complete",
    area: "registration",
    description:
      "The device authorization response omits verification_uri_complete (OPTIONAL in RFC 8628, required by DTP).",
    requirement: "DTP-REG-051",
    catchers: ["DTP-REG-001"],
    fixture: () =>
      wrap("registerDevice", async (ctx, next) => {
        const reply = await next(ctx);
        if (reply.status !== 200) return reply;
        const { verification_uri_complete: _, ...body } = replyJson(reply);
        return withJson(reply, body);
      }),
  },
  {
    id: "F-REG-10-no-scope-invalid-request",
    area: "registration",
    description:
      'A device authorization request without scope is answered 400 invalid_request ("scope is required") instead of getting the default scope or invalid_scope.',
    requirement: "DTP-REG-050",
    catchers: ["DTP-REG-050"],
    fixture: () =>
      wrap("registerDevice", (ctx, next) => {
        if (ctx.form.scope === undefined)
          throw new OAuthError("invalid_request", '"scope" is required');
        return next(ctx);
      }),
  },
  {
    id: "F-REG-11-basic-without-body-client-id",
    area: "registration",
    description:
      "The device authorization endpoint reads the client_id from the body only: a client authenticated by HTTP Basic alone (no client_id parameter) is answered 401 invalid_client.",
    requirement: "DTP-REG-052",
    catchers: ["DTP-REG-052"],
    fixture: () =>
      wrap("registerDevice", (ctx, next) => {
        if (ctx.form.client_id === undefined && ctx.headers.authorization?.startsWith("Basic "))
          throw new OAuthError("invalid_client", "client_id is missing", 401, BASIC_CHALLENGE);
        return next(ctx);
      }),
  },
];
