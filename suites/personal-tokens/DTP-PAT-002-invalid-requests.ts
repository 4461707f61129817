/**
 * DTP-PAT-002 (MUST, "Authentication in the API" (private tokens)):
 * "`expires_in` MUST be required: a request without it MUST be answered 400 with a problem
 * body (there is no default lifetime)."
 *
 * DTP-PAT-003 (MUST, DTP; "Authentication in the API" (private tokens)):
 * "An `expires_in` that is not an integer, is less than 1 or is greater than
 * `dtp_lifetimes.personal_token_max` MUST be answered 400 with a problem body."
 *
 * DTP-PAT-004 (MUST, DTP):
 * "`name` MUST be a required string of 1 to 128 characters, and `scope` MUST be optional,
 * default to `me` and contain only `me`; any other `name` or `scope` MUST be answered 400
 * with a problem body."
 *
 * DTP-ERR-055 (MUST, DTP):
 * "A malformed JSON body at `POST /personal-tokens` MUST be answered 400 with a problem,
 * never with a 5xx status."
 *
 * DTP-ERR-008 (MUST, RFC 6749 §3.2; DTP):
 * "A body that is not `application/x-www-form-urlencoded` at an OAuth endpoint MUST be
 * answered 400 OAuth error `invalid_request`, and a body that is not `application/json` at
 * `POST /personal-tokens` MUST be answered 415 with a problem body."
 *
 * With (the JSON media type of the same operation):
 * DTP-ERR-055 (MUST): a malformed JSON body → 400 with a problem body, never a 5xx.
 * DTP-ERR-008 (MUST): a body that is not `application/json` → 415 with a problem body.
 *
 * The boundaries first, with the configured user's token: `expires_in` = 1 and =
 * `personal_token_max` (the cap itself) → 201, `personal_token_max + 1` → 400; `name` of
 * 1 and 128 characters → 201, of 129 → 400 (all created tokens are revoked afterwards).
 * Then a property: a valid body with exactly one thing wrong — `expires_in` missing, not
 * an integer (fractions, numeric strings, booleans, null, arrays, objects), < 1, or above
 * the cap; `name` missing, empty, longer than 128 or not a string; `scope` holding
 * anything but `me` or not a string — is answered 400 with a problem body
 * (`application/problem+json`) and no token; malformed JSON texts → 400 problem; the
 * valid body sent as another media type → 415 problem.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { expectProblem, fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { loggedInUser, personalTokenMax } from "../../src/client/kit/index.ts";
import { readCreated } from "./_helpers.ts";

const ID = "DTP-PAT-002";
const LIFETIME = "DTP-PAT-003";
const FIELDS = "DTP-PAT-004";
const MALFORMED = "DTP-ERR-055";
const MEDIA = "DTP-ERR-008";

type Invalid =
  | { kind: "json"; requirement: string; why: string; body: Record<string, unknown> }
  | { kind: "text"; why: string; text: string }
  | { kind: "media"; why: string; contentType: string; text: string };

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, LIFETIME, FIELDS, MALFORMED, MEDIA],
    level: "MUST",
    area: "personal-tokens",
    title:
      "Personal token requests: expires_in required, integer, 1 … personal_token_max (the cap accepted); name 1–128 characters; scope only me; otherwise 400 problem",
    specRef: '"Authentication in the API" (private tokens); DTP',
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
    const user = await loggedInUser(ctx, { device: { label: "pat-invalid" } });

    // Boundaries: accepted ones are created (and revoked), the next value refused.
    const accepted: [string, Record<string, unknown>][] = [
      [LIFETIME, { name: "lifetime 1", expires_in: 1 }],
      [LIFETIME, { name: "lifetime at the cap", expires_in: max }],
      [FIELDS, { name: "n", expires_in: 60 }],
      [FIELDS, { name: "n".repeat(128), expires_in: 60 }],
    ];
    for (const [req, body] of accepted) {
      const what = `${String(body.name).length}-character name, expires_in ${body.expires_in}`;
      await ctx.case(`accepted: ${what}`, async () => {
        const res = await user.createPersonalToken(body, `create (${what})`);
        const { id } = readCreated(ctx, res, body as { name: string }, req);
        await user.revokePersonalToken(id);
      });
    }
    await ctx.case("refused: expires_in = personal_token_max + 1", async () => {
      await refused(
        await user.createPersonalToken(
          { name: "over the cap", expires_in: max + 1 },
          "create (expires_in personal_token_max + 1)",
        ),
        LIFETIME,
        "expires_in = personal_token_max + 1",
      );
    });
    await ctx.case("refused: a 129-character name", async () => {
      await refused(
        await user.createPersonalToken(
          { name: "n".repeat(129), expires_in: 60 },
          "create (129-character name)",
        ),
        FIELDS,
        "a 129-character name",
      );
    });

    const valid = { name: "kit invalid-request probe", expires_in: 60, scope: "me" };
    const json = (requirement: string, why: string, body: Record<string, unknown>): Invalid => ({
      kind: "json",
      requirement,
      why,
      body,
    });
    const without = (key: string) =>
      Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key));
    const notString = fc.oneof(
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }),
      fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
    );
    const notInteger = fc.oneof(
      fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((d) => !Number.isInteger(d)),
      fc.integer({ min: 1, max }).map(String),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.integer({ min: 1, max }), { maxLength: 2 }),
      fc.constant({ seconds: 60 }),
    );
    const badScope = fc.oneof(
      fc.constantFrom("login", "tokens", "service", "me login", "me tokens", "ME", "me,me", "*"),
      fc
        .string({ minLength: 1, maxLength: 20 })
        .filter((s) => s.split(" ").some((t) => t !== "" && t !== "me")),
      notString,
    );
    const kinds: fc.Arbitrary<Invalid>[] = [
      fc.constant(json(ID, "expires_in missing", without("expires_in"))),
      notInteger.map((v) =>
        json(LIFETIME, "expires_in not an integer", { ...valid, expires_in: v }),
      ),
      fc
        .integer({ min: -1_000_000, max: 0 })
        .map((v) => json(LIFETIME, "expires_in < 1", { ...valid, expires_in: v })),
      fc
        .integer({ min: max + 1, max: max * 10 + 10 })
        .map((v) => json(LIFETIME, "expires_in > personal_token_max", { ...valid, expires_in: v })),
      fc.constant(json(FIELDS, "name missing", without("name"))),
      fc.constant(json(FIELDS, "name empty", { ...valid, name: "" })),
      fc
        .string({ minLength: 129, maxLength: 300 })
        .map((v) => json(FIELDS, "name longer than 128 characters", { ...valid, name: v })),
      notString.map((v) => json(FIELDS, "name not a string", { ...valid, name: v })),
      badScope.map((v) => json(FIELDS, "scope other than me", { ...valid, scope: v })),
      fc
        .constantFrom(
          "{",
          '{"name": "x", "expires_in": 60',
          "not json",
          '{"name": "x",}',
          "[1,2",
          "\u0000",
        )
        .map((text): Invalid => ({ kind: "text", why: "malformed JSON", text })),
      fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "application/xml").map(
        (contentType): Invalid => ({
          kind: "media",
          why: `body sent as ${contentType}`,
          contentType,
          text:
            contentType === "application/x-www-form-urlencoded"
              ? "name=probe&expires_in=60"
              : JSON.stringify(valid),
        }),
      ),
    ];
    const invalid = fc.oneof(...kinds);
    const refusedInput = async (c: Invalid) => {
      if (c.kind === "json") {
        const res = await user.createPersonalToken(c.body, `create (${c.why})`);
        await refused(res, c.requirement, c.why);
        return;
      }
      const contentType = c.kind === "media" ? c.contentType : "application/json";
      const res = await user.send({
        method: "POST",
        url: user.url(),
        headers: { "content-type": contentType },
        body: c.text,
        label: `create (${c.why})`,
      });
      if (c.kind === "media") {
        expectProblem(res, 415, MEDIA);
        noSecret(res, MEDIA, c.why);
      } else await refused(res, MALFORMED, c.why);
    };
    // Every kind of bad input is a case, whatever the seed and --runs; then random ones.
    for (const [i, k] of kinds.entries()) {
      const example = fc.sample(k, { seed: ctx.fc.seed + i, numRuns: 1 })[0]!;
      await ctx.case(`refused: ${example.why}`, () => refusedInput(example));
    }
    await ctx.property("invalid requests", fc.asyncProperty(invalid, refusedInput));

    async function refused(res: HttpResponse, requirement: string, why: string): Promise<void> {
      if (res.status === 201) {
        // Do not leave it behind, then fail.
        const id = (res.body as { id?: unknown } | undefined)?.id;
        if (typeof id === "string") await user.revokePersonalToken(id);
      }
      expectProblem(res, 400, requirement);
      noSecret(res, requirement, why);
    }
  },
};

function noSecret(res: HttpResponse, requirement: string, why: string): void {
  if (/dtp_pat_/.test(res.text)) {
    fail(
      requirement,
      `no personal token issued for ${why}`,
      "a dtp_pat_ secret in the answer",
      res,
    );
  }
}
