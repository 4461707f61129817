/**
 * DTP-REG-024 (MUST, RFC 8628 §3.2, §3.3):
 * "`GET /device` (with or without a `user_code` query parameter) MUST answer 200 with a
 * `text/html` page, without any credentials."
 *
 * DTP-REG-025 (MUST, SAFEQ Cloud "Register device"):
 * "`GET /device` MUST NOT change the status of any registration: approval happens only
 * through the admin API or a valid re-registration signature."
 *
 * A fresh registration's `verification_uri` and `verification_uri_complete` are fetched
 * without credentials, then (property) `verification_uri?user_code=<v>` for generated
 * values: the registration's own code as shown, in lower case, without its dash, other
 * codes of the RFC 8628 alphabet and arbitrary short text (the parameter is at most 16
 * characters). Every answer must be 200 `text/html`. Afterwards the registration must still
 * be pending: its first poll is `authorization_pending`, and the admin API (when
 * configured) lists it as pending.
 */
import fc from "fast-check";
import type { Check, CheckContext } from "../../src/check/check.ts";
import {
  describe,
  expectOAuthError,
  expectStatus,
  fail,
  mediaType,
} from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { adminApiOf, registeredDevice } from "../../src/client/kit/index.ts";
import { normalizeUserCode, USER_CODE_ALPHABET } from "../../src/protocol/index.ts";
import { expectDeviceAuthorization } from "./_helpers.ts";

const ID = "DTP-REG-024";
const NO_CHANGE = "DTP-REG-025";

async function getPage(ctx: CheckContext, url: string, label: string): Promise<HttpResponse> {
  const res = await ctx.http.request({
    method: "GET",
    url,
    headers: { accept: "text/html" },
    label,
  });
  expectStatus(res, 200, ID);
  if (mediaType(res) !== "text/html") fail(ID, "Content-Type text/html", describe(res), res);
  return res;
}

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, NO_CHANGE],
    level: "MUST",
    area: "registration",
    title: "GET /device answers an HTML page without credentials and never changes a registration",
    specRef: 'RFC 8628 §3.2, §3.3; SAFEQ Cloud "Register device"',
    requires: ["device_code"],
    property: true,
  },
  async run(ctx) {
    const { device, reg } = await registeredDevice(ctx, { label: "reg024" });
    const auth = expectDeviceAuthorization(ctx, reg.res, {});
    await ctx.case("verification_uri", async () => {
      await getPage(ctx, auth.verificationUri, "GET verification_uri");
    });
    await ctx.case("verification_uri_complete", async () => {
      await getPage(
        ctx,
        auth.body.verification_uri_complete as string,
        "GET verification_uri_complete",
      );
    });

    const code = auth.userCode;
    const alphabetCode = fc
      .string({ unit: fc.constantFrom(...USER_CODE_ALPHABET), minLength: 8, maxLength: 8 })
      .map((s) => `${s.slice(0, 4)}-${s.slice(4)}`);
    const value = fc.oneof(
      fc.constantFrom(code, code.toLowerCase(), code.replace("-", ""), normalizeUserCode(code), ""),
      alphabetCode,
      fc.string({ unit: "grapheme-composite", maxLength: 16 }).filter((s) => s.length <= 16),
    );
    await ctx.property(
      "GET /device?user_code=…",
      fc.asyncProperty(value, async (v) => {
        const url = `${auth.verificationUri}?user_code=${encodeURIComponent(v)}`;
        await getPage(ctx, url, `GET /device?user_code=${JSON.stringify(v)}`);
      }),
    );

    const res = await device.poll(reg, { label: "poll after the verification page visits" });
    if (res.status === 200) {
      fail(
        NO_CHANGE,
        "the registration still pending after GET /device (authorization_pending)",
        "tokens were issued",
        res,
      );
    }
    expectOAuthError(res, { status: 400, error: "authorization_pending" }, NO_CHANGE);
    const admin = ctx.target.features.has("admin") ? adminApiOf(ctx) : undefined;
    if (admin) {
      const pending = await admin.registrations("pending", { requirement: NO_CHANGE });
      const entry = pending.registrations.find((r) => r.client_id === reg.clientId);
      if (entry?.status !== "pending") {
        fail(
          NO_CHANGE,
          `registration ${code} still listed as pending after GET /device`,
          entry ? `"status": ${JSON.stringify(entry.status)}` : "not listed as pending",
          pending.res,
        );
      }
    }
  },
};
