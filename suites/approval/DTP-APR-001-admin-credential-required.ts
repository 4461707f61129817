/**
 * DTP-APR-001 (MUST, RFC 6750 §3; RFC 9457 §3):
 * "Every `/admin/*` operation MUST require `Authorization: Bearer <admin key>`; a missing
 * or wrong admin key MUST be answered 401 with a problem body and `WWW-Authenticate: Bearer
 * realm="dtp"`, and MUST NOT change any state."
 *
 * Property: every admin operation (list, approve, deny, get device, delete device), aimed at
 * real records (a pending registration, an approved device), with a generated missing or
 * wrong credential (no header, random bearer tokens, the admin key with one character
 * changed or extended, the API key, the admin key under another scheme) → 401, problem,
 * Bearer challenge with realm="dtp". Afterwards, with the right key: the registration is
 * still pending (it can be approved) and the device still exists.
 *
 * Wrong actor: real, valid credentials the target issued to other actors, each presented as
 * the admin bearer to approve the pending registration → 401 (a service token, a user
 * token, a device access token, a personal token, a device refresh token, in that order,
 * as many as half the guess budget below allows; the rest are noted).
 *
 * Wrong admin keys count against the source's failed-attempt limit (DTP-APR-014), which the
 * whole run shares: this check sends at most a quarter of the declared
 * `dtp_limits.failed_attempts.admin_key.max` of them; the other cases are not limited.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import { basicAuth, failureBudget } from "../../src/client/index.ts";
import {
  adminApi,
  offers,
  otherDevice,
  personalToken,
  registeredDevice,
  serviceToken,
  userToken,
} from "../../src/client/kit/index.ts";
import { expectAdminUnauthorized, expectDecision, expectRegistrationList } from "./_helpers.ts";

const ID = "DTP-APR-001";

const TOKEN68 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "approval",
    title: "Admin operations without the right admin key: 401 problem, Bearer challenge, no effect",
    specRef: "RFC 6750 §3; RFC 9457 §3",
    requires: ["admin", "device_code"],
    property: true,
  },
  async run(ctx) {
    const admin = adminApi(ctx);
    const { reg: pending } = await registeredDevice(ctx, {
      register: { label: "register (stays pending)" },
    });
    const { reg: device } = await registeredDevice(ctx, {
      register: { label: "register (approved)" },
    });
    expectDecision(
      await admin.decide("approve", device.userCode),
      { userCode: device.userCode, clientId: device.clientId, status: "approved" },
      ID,
    );

    const operations = [
      { name: "listRegistrations", method: "GET", path: "/registrations" },
      {
        name: "approveRegistration",
        method: "POST",
        path: `/registrations/${encodeURIComponent(pending.userCode)}/approve`,
      },
      {
        name: "denyRegistration",
        method: "POST",
        path: `/registrations/${encodeURIComponent(pending.userCode)}/deny`,
      },
      { name: "getDevice", method: "GET", path: `/devices/${encodeURIComponent(device.clientId)}` },
      {
        name: "deleteDevice",
        method: "DELETE",
        path: `/devices/${encodeURIComponent(device.clientId)}`,
      },
    ] as const;

    const key = ctx.target.config.admin?.token ?? "";
    const apiKey = ctx.target.config.apiKey;
    const wrongKey = fc
      .string({ unit: fc.constantFrom(...TOKEN68), minLength: 1, maxLength: 64 })
      .filter((s) => s !== key);
    const credential: fc.Arbitrary<{ what: string; header: string | null }> = fc.oneof(
      fc.constant({ what: "no Authorization header", header: null }),
      wrongKey.map((s) => ({ what: "a random bearer token", header: `Bearer ${s}` })),
      fc
        .tuple(fc.nat(), fc.constantFrom(...TOKEN68))
        .map(([i, c]) => {
          const at = i % key.length;
          const changed = `${key.slice(0, at)}${c}${key.slice(at + 1)}`;
          return { what: "the admin key with one character changed", header: `Bearer ${changed}` };
        })
        .filter((x) => x.header !== `Bearer ${key}`),
      fc.constantFrom(...TOKEN68).map((c) => ({
        what: "the admin key with a character appended",
        header: `Bearer ${key}${c}`,
      })),
      fc.constant({
        what: "the admin key without its last character",
        header: `Bearer ${key.slice(0, -1)}`,
      }),
      fc.constant(
        apiKey !== key && apiKey !== ""
          ? { what: "the API key as a bearer token", header: `Bearer ${apiKey}` }
          : { what: "a bearer token of spaces", header: "Bearer    " },
      ),
      fc.constant({ what: "an empty bearer credential", header: "Bearer" }),
      fc.constant({ what: "the admin key with HTTP Basic", header: basicAuth("admin", key) }),
      fc.constant({ what: 'the admin key with the scheme "Token"', header: `Token ${key}` }),
    );

    const budget = failureBudget(ctx.target, "admin_key");
    let guesses = 0;

    // Real credentials of other actors, most likely to be mistaken for the admin's first.
    const actors: { what: string; credential: () => Promise<string | undefined> }[] = [];
    if (offers(ctx, "client_credentials"))
      actors.push({
        what: "a service token",
        credential: async () => (await serviceToken(ctx)).accessToken,
      });
    if (offers(ctx, "login", "user_credentials"))
      actors.push({
        what: "a user token",
        credential: async () => (await userToken(ctx)).accessToken,
      });
    actors.push({
      what: "a device access token",
      credential: async () => (await otherDevice(ctx, { label: "apr001" })).tokens.accessToken,
    });
    if (offers(ctx, "personal_tokens", "user_credentials"))
      actors.push({
        what: "a personal token",
        credential: async () => (await personalToken(ctx)).token,
      });
    if (offers(ctx, "refresh_token")) {
      actors.push({
        what: "a device refresh token",
        credential: async () =>
          (await otherDevice(ctx, { label: "apr001r" })).tokens.tokens.refreshToken,
      });
    }
    const presented = actors.slice(0, Math.ceil(budget / 2));
    if (presented.length < actors.length) {
      ctx.note(
        `wrong-actor credentials not presented (the declared admin-key failure limit): ${actors
          .slice(presented.length)
          .map((a) => a.what)
          .join(", ")}`,
      );
    }
    for (const actor of presented) {
      await ctx.wrongActor(ID, `${actor.what} as the admin bearer`, async () => {
        const credential = await actor.credential();
        if (credential === undefined) return ctx.note(`the target issued no ${actor.what}`);
        guesses++;
        const res = await admin.request(
          "POST",
          `/registrations/${encodeURIComponent(pending.userCode)}/approve`,
          {
            authorization: `Bearer ${credential}`,
            label: `approveRegistration with ${actor.what}`,
          },
        );
        expectAdminUnauthorized(res, ID);
      });
    }
    await ctx.property(
      "admin operations with a missing or wrong credential",
      fc.asyncProperty(fc.constantFrom(...operations), credential, async (op, cred) => {
        // A wrong key under the Bearer scheme is a guess the server counts (DTP-APR-014).
        const guess = /^Bearer \S/.test(cred.header ?? "");
        if (guess && ++guesses > budget) {
          if (guesses === budget + 1)
            ctx.note(`wrong admin keys capped at ${budget} (a quarter of the declared limit)`);
          return;
        }
        const res = await admin.request(op.method, op.path, {
          authorization: cred.header,
          label: `${op.name} with ${cred.what}`,
        });
        expectAdminUnauthorized(res, ID);
      }),
    );

    // Nothing changed: the registration is still pending, the device still exists.
    const list = expectRegistrationList(await admin.listRegistrations("pending"), ID);
    const listed = list.find((r) => r.user_code === pending.userCode);
    const stillPending = await admin.decide("approve", pending.userCode, {
      label: "approve the pending registration with the right key",
    });
    // 410: it expired meanwhile, still undecided (a decided one would be 409).
    if (stillPending.status === 410)
      ctx.note("the pending registration expired before the final approval");
    else if (stillPending.status !== 200) {
      fail(
        ID,
        "the registration still undecided after unauthorized approve/deny (approving it with the right key: 200)",
        `status ${stillPending.status}${listed ? "" : "; it is no longer listed as pending"}`,
        stillPending,
      );
    }
    const dev = await admin.device(device.clientId, {
      label: "the device still exists after unauthorized delete",
    });
    if (dev.status !== 200) {
      fail(
        ID,
        "the device still there after unauthorized DELETE (GET /admin/devices/{client_id}: 200)",
        `status ${dev.status}`,
        dev,
      );
    }
  },
};
