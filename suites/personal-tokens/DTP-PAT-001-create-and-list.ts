/**
 * DTP-PAT-001 (MUST, "Authentication in the API" (private tokens)):
 * "`POST /personal-tokens` with a user access token that has scope `tokens` and a JSON body
 * `{"name", "expires_in", "scope"?}` MUST be answered 201 with `{"id", "name", "token",
 * "scope", "created_at", "expires_at"}`."
 *
 * DTP-PAT-005 (MUST, DTP; RFC 6749 §10.10):
 * "The personal token secret MUST start with `dtp_pat_` followed by a base64url value
 * carrying at least 128 bits of entropy."
 *
 * DTP-PAT-006 (MUST, RFC 6749 §5.1):
 * "The 201 response of `POST /personal-tokens` MUST carry `Cache-Control: no-store` and
 * `Pragma: no-cache`."
 *
 * DTP-PAT-007 (MUST, "Authentication in the API" (private tokens)):
 * "`created_at` and `expires_at` MUST be Unix times in seconds with `expires_at` equal to
 * `created_at + expires_in`."
 *
 * DTP-PAT-008 (MUST, "Authentication in the API" (private tokens)):
 * "`GET /personal-tokens` MUST answer 200 `{"tokens": [{"id", "name", "scope",
 * "created_at", "expires_at"}]}` listing the calling user's personal tokens that are not
 * revoked and no token of another user."
 *
 * DTP-PAT-009 (MUST, "Authentication in the API" (private tokens)):
 * "The personal token secret MUST appear only in the 201 response that created it: the list
 * response MUST NOT contain a `token` member or the secret value."
 *
 * Property: the configured user (logged in through a device) creates a generated batch of
 * 1–3 personal tokens — names of 1 to 128 printable characters (ASCII up to 128,
 * any-script up to 64), lifetimes from 60 s up to and including `personal_token_max`,
 * `scope` absent (default `me`) or `me`. Each answer is 201 with the six members, the name
 * as sent, scope `me`, a `dtp_pat_` + base64url (≥ 22 characters = 128 bits) secret unique
 * in the run, `no-store` / `no-cache`, integer Unix-second times (near the kit's clock:
 * not milliseconds) with `expires_at − created_at = expires_in`. Then the list holds every
 * one of them exactly once with the same name, scope and times, every entry has the five
 * members, and neither a `token` member nor any secret (with or without its prefix)
 * appears in it. Other tokens of the same user (other checks running at the same time)
 * may be listed too; the batch is revoked afterwards. "No token of another user" needs a
 * second user, which the target config cannot name: not tested.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { expectHeader, expectNoStore, expectStatus, fail } from "../../src/check/expect.ts";
import { declaredSkew } from "../../src/client/index.ts";
import { loggedInUser, personalTokenMax } from "../../src/client/kit/index.ts";
import { type Created, readCreated, readList } from "./_helpers.ts";

const ID = "DTP-PAT-001";
const SECRET = "DTP-PAT-005";
const HEADERS = "DTP-PAT-006";
const TIMES = "DTP-PAT-007";
const LIST = "DTP-PAT-008";
const HIDDEN = "DTP-PAT-009";

interface Spec {
  name: string;
  expiresIn: number;
  scope: "absent" | "me";
}

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, SECRET, HEADERS, TIMES, LIST, HIDDEN],
    level: "MUST",
    area: "personal-tokens",
    title:
      "Created personal tokens: 201 with id/name/token/scope/times, dtp_pat_ secret, no-store; listed with the same fields and never their secret",
    specRef: '"Authentication in the API" (private tokens); RFC 6749 §5.1, §10.10',
    requires: [
      "device_code",
      "admin",
      "login",
      "user_credentials",
      "personal_tokens",
      "refresh_token",
    ],
    property: true,
  },
  async run(ctx) {
    const max = personalTokenMax(ctx);
    const user = await loggedInUser(ctx, { device: { label: "pat-create" } });
    const seen = new Set<string>();

    const name = fc.oneof(
      fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 128 }),
      fc.string({ unit: "grapheme-ascii", minLength: 128, maxLength: 128 }),
      fc.string({ unit: "grapheme-composite", minLength: 1, maxLength: 64 }),
    );
    const expiresIn = fc.oneof(fc.integer({ min: Math.min(60, max), max }), fc.constant(max));
    const spec: fc.Arbitrary<Spec> = fc.record({
      name,
      expiresIn,
      scope: fc.constantFrom("absent" as const, "me" as const),
    });

    await ctx.property(
      "batches of personal tokens, then the list",
      fc.asyncProperty(fc.array(spec, { minLength: 1, maxLength: 3 }), async (batch) => {
        const created: Created[] = [];
        let held = false;
        try {
          for (const s of batch) {
            const body = {
              name: s.name,
              expires_in: s.expiresIn,
              ...(s.scope === "me" ? { scope: "me" } : {}),
            };
            const res = await user.createPersonalToken(
              body,
              `create (expires_in ${s.expiresIn}, scope ${s.scope})`,
            );
            const c = readCreated(ctx, res, body, ID);
            created.push(c);
            if (c.scope.split(" ").filter(Boolean).join(" ") !== "me") {
              fail(
                ID,
                'scope "me" (the default, or as sent)',
                `scope ${JSON.stringify(c.scope)}`,
                res,
              );
            }
            // DTP-PAT-005: dtp_pat_ + base64url, ≥ 128 bits, never repeated.
            const m = /^dtp_pat_([A-Za-z0-9_-]+)$/.exec(c.token);
            if (!m) fail(SECRET, "a secret dtp_pat_<base64url>", "another form (redacted)", res);
            if (m[1]!.length * 6 < 128) {
              fail(
                SECRET,
                "≥ 22 base64url characters (128 bits) after dtp_pat_",
                `${m[1]!.length} characters`,
                res,
              );
            }
            if (seen.has(c.token))
              fail(SECRET, "a new secret for every token", "a secret issued before", res);
            seen.add(c.token);
            // DTP-PAT-006.
            expectNoStore(res, HEADERS);
            expectHeader(
              res,
              "pragma",
              (v) => /(^|,)\s*no-cache\s*(,|$)/i.test(v),
              HEADERS,
              "Pragma: no-cache",
            );
            // DTP-PAT-007.
            if (!Number.isInteger(c.created_at) || !Number.isInteger(c.expires_at)) {
              fail(
                TIMES,
                "integer Unix seconds",
                `created_at ${c.created_at}, expires_at ${c.expires_at}`,
                res,
              );
            }
            const now = ctx.clock.now() / 1000;
            const tolerance = 300 + declaredSkew(ctx.target);
            if (Math.abs(c.created_at - now) > tolerance) {
              fail(
                TIMES,
                `created_at in Unix seconds (within ${tolerance} s of the kit's clock, ${Math.round(now)})`,
                `created_at ${c.created_at}`,
                res,
              );
            }
            if (c.expires_at - c.created_at !== s.expiresIn) {
              fail(
                TIMES,
                `expires_at = created_at + expires_in (${c.created_at} + ${s.expiresIn})`,
                `expires_at ${c.expires_at}`,
                res,
              );
            }
          }

          // DTP-PAT-008 / 009: the list.
          const res = await user.listPersonalTokens();
          const entries = readList(res, LIST);
          for (const e of entries) {
            const missing = ["id", "name", "scope", "created_at", "expires_at"].filter(
              (k) => e[k] === undefined,
            );
            if (missing.length > 0) {
              fail(
                LIST,
                "entries with id, name, scope, created_at and expires_at",
                `an entry without ${missing.join(", ")}`,
                res,
              );
            }
            if ("token" in e)
              fail(HIDDEN, 'no "token" member in the list', 'an entry with "token"', res);
          }
          for (const c of created) {
            if (res.text.includes(c.token) || res.text.includes(c.token.slice("dtp_pat_".length))) {
              fail(
                HIDDEN,
                "no personal token secret in the list",
                `the secret of ${c.id} (redacted)`,
                res,
              );
            }
            const found = entries.filter((e) => e.id === c.id);
            if (found.length !== 1) {
              fail(
                LIST,
                `the created token ${JSON.stringify(c.id)} listed once`,
                `listed ${found.length} times`,
                res,
              );
            }
            const e = found[0]!;
            for (const k of ["name", "scope", "created_at", "expires_at"] as const) {
              if (e[k] !== c[k]) {
                fail(
                  k === "created_at" || k === "expires_at" ? TIMES : LIST,
                  `${k} ${JSON.stringify(c[k])} for ${c.id}, as created`,
                  `${k} ${JSON.stringify(e[k])}`,
                  res,
                );
              }
            }
          }
          held = true;
        } finally {
          // Keep the user's list short: revoke the batch (DTP-PAT-010 checks revocation);
          // judged only when the property held, so that it never hides the first failure.
          for (const c of created) {
            const r = await user.revokePersonalToken(c.id);
            if (held) expectStatus(r, 204, "DTP-PAT-010");
          }
        }
      }),
      { numRuns: Math.max(5, Math.ceil(ctx.fc.numRuns / 3)) },
    );
  },
};
