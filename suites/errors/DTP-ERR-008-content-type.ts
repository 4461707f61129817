/**
 * DTP-ERR-008 (MUST, RFC 6749 §3.2; DTP):
 * "A body that is not `application/x-www-form-urlencoded` at an OAuth endpoint MUST be
 * answered 400 OAuth error `invalid_request`, and a body that is not `application/json` at
 * `POST /personal-tokens` MUST be answered 415 with a problem body."
 *
 * Property: a valid, harmless request to an OAuth endpoint, or a valid personal-token
 * creation, whose body is sent under another (generated) media type, or none: as JSON, as
 * text, as multipart, as form data at the JSON API… → 400 `invalid_request` at the OAuth
 * endpoints, 415 problem at `POST /personal-tokens`. Nothing of the body may be used.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { endpointOf } from "../../src/client/index.ts";
import {
  formBody,
  harmlessRequest,
  type OAuthOperation,
  oauthOperations,
  probeSession,
  sendProbe,
} from "../../src/client/kit/index.ts";
import { expectOAuthErrorFormat, expectProblemFormat } from "./_helpers.ts";

const ID = "DTP-ERR-008";
const FORM = "application/x-www-form-urlencoded";
const JSON_TYPE = "application/json";
const TOKEN = "abcdefghijklmnopqrstuvwxyz0123456789-.";

/** The media type part of a Content-Type value, lower-cased. */
const mediaTypeOf = (ct: string) => ct.split(";")[0]!.trim().toLowerCase();

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "errors",
    title:
      "Wrong body media type: 400 invalid_request at OAuth endpoints, 415 problem at the JSON API",
    specRef: "RFC 6749 §3.2; DTP",
    requires: ["device_code"],
    property: true,
  },
  async run(ctx) {
    const session = await probeSession(ctx);
    const pats = endpointOf(ctx.target, "dtp_personal_tokens_endpoint");
    const targets: (OAuthOperation | "createPersonalToken")[] = [
      ...oauthOperations(ctx, session),
      ...(pats && session.user ? ["createPersonalToken" as const] : []),
    ];
    const contentType = fc.oneof(
      fc.constantFrom(
        "none",
        FORM,
        JSON_TYPE,
        "application/json; charset=utf-8",
        "text/plain",
        "text/plain; charset=utf-8",
        "multipart/form-data; boundary=dtp-kit",
        "application/xml",
        "text/html",
        "application/octet-stream",
        "application/x-www-form-urlencoded-x",
        "application/form-urlencoded",
        "text/x-www-form-urlencoded",
        "application/jsonx",
        "text/json",
      ),
      fc
        .tuple(
          fc.string({ unit: fc.constantFrom(...TOKEN), minLength: 1, maxLength: 12 }),
          fc.string({ unit: fc.constantFrom(...TOKEN), minLength: 1, maxLength: 20 }),
        )
        .map(([t, s]) => `${t}/${s}`),
    );
    await ctx.property(
      "bodies of another media type",
      fc.asyncProperty(
        fc.constantFrom(...targets),
        fc.nat({ max: 1 }),
        contentType,
        async (op, variant, ct) => {
          const mt = mediaTypeOf(ct);
          const isJson = mt === JSON_TYPE || mt.endsWith("+json");
          if (op === "createPersonalToken") {
            if (isJson) return; // the right media type (or a +json one): not this requirement
            const value = { name: "dtp-kit content type", expires_in: 60 };
            const res = await session.user!.send({
              method: "POST",
              url: pats!,
              ...(ct !== "none" ? { headers: { "content-type": ct } } : {}),
              body:
                mt === FORM
                  ? formBody(Object.entries(value).map(([k, v]) => [k, String(v)]))
                  : JSON.stringify(value),
              label: `create a personal token as ${ct}`,
            });
            expectProblemFormat(res, ID, 415);
            return;
          }
          if (mt === FORM) return; // the right media type
          const req = harmlessRequest(ctx, session, op, variant);
          const res = await sendProbe(ctx, req, {
            contentType: ct === "none" ? null : ct,
            body: isJson ? JSON.stringify(Object.fromEntries(req.params)) : formBody(req.params),
            label: `${op} as ${ct}`,
          });
          expectOAuthErrorFormat(res, ID, { status: 400, error: "invalid_request" });
        },
      ),
    );
  },
};
