/**
 * DTP-REG-004 (MUST, DTP; RFC 6749 §2.2):
 * "A `client_id` that is missing, empty, longer than 128 characters or contains a character
 * outside `[A-Za-z0-9._~-]` MUST be rejected with 400 OAuth error `invalid_request`; when
 * HTTP Basic is used, a body `client_id` different from the Basic user name MUST be
 * rejected with 400 `invalid_request`."
 *
 * DTP-ERR-003 (MUST, RFC 6749 §5.2):
 * "A request whose client authentication fails (unknown client, wrong secret, no client
 * authentication where the client must authenticate, or a method the client may not use)
 * MUST be answered with OAuth error `invalid_client`; when the client authenticated with
 * the `Authorization` header, the answer MUST be 401 with a `WWW-Authenticate` challenge of
 * the scheme the client used."
 *
 * DTP-ERR-004 (MUST, RFC 6749 §2.3):
 * "A request that uses more than one client authentication method (e.g. HTTP Basic and a
 * `client_secret` form parameter) MUST be answered 400 OAuth error `invalid_request`."
 *
 * Property: otherwise valid registrations with exactly one client fault — an empty, too
 * long (129+) or badly-charactered client_id (in Basic, with or without the same body
 * client_id; in the form when the target accepts `client_secret_post`), a missing
 * client_id (form authentication), a body client_id different from the Basic user, a wrong
 * API key (Basic or form), no client authentication, Basic and `client_secret` at once —
 * each get the exact error.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { expectWwwAuthenticate, fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import {
  anonymous,
  type ClientAuth,
  clientSecretBasic,
  clientSecretPost,
} from "../../src/client/index.ts";
import { sendRegistrationForm } from "../../src/client/kit/index.ts";
import { baseForm, CLIENT_ID_CHARS, expectRegistrationError, padClientId } from "./_helpers.ts";

const ID = "DTP-REG-004";

type Fault =
  | { kind: "bad-id-basic"; id: IdFault; bodyId: boolean }
  | { kind: "bad-id-post"; id: IdFault }
  | { kind: "missing-id-post" }
  | { kind: "mismatch"; other: string }
  | { kind: "wrong-key"; via: "basic" | "post"; key: KeyFault }
  | { kind: "no-auth" }
  | { kind: "basic-and-post"; rightKey: boolean };

type IdFault =
  | { type: "empty" }
  | { type: "long"; length: number }
  | { type: "char"; char: string; at: number };
type KeyFault =
  | { type: "random"; value: string }
  | { type: "flip-case" }
  | { type: "suffix"; value: string }
  | { type: "truncate" }
  | { type: "empty" };

const ALLOWED = new Set(CLIENT_ID_CHARS);

/** One character outside `[A-Za-z0-9._~-]`: punctuation, controls, non-ASCII. */
const badChar = fc.oneof(
  fc.constantFrom(" ", "/", "+", "%", ":", "@", "!", "*", "'", '"', "#", "?", "&", "=", ",", ";"),
  fc.constantFrom("\\", "(", ")", "[", "]", "{", "}", "<", ">", "|", "^", "`", "$"),
  fc.constantFrom("\t", "\n", "\r", "\u0000", "\u007f", "é", "ß", "日", "😀", "\u00a0", "\u200b"),
  fc
    .integer({ min: 0, max: 0xffff })
    .filter((n) => n < 0xd800 || n > 0xdfff)
    .map((n) => String.fromCharCode(n))
    .filter((c) => !ALLOWED.has(c)),
);

const idFault: fc.Arbitrary<IdFault> = fc.oneof(
  fc.constant<IdFault>({ type: "empty" }),
  fc.integer({ min: 129, max: 400 }).map((length): IdFault => ({ type: "long", length })),
  fc
    .record({ char: badChar, at: fc.nat({ max: 40 }) })
    .map(({ char, at }): IdFault => ({ type: "char", char, at })),
);

const keyFault: fc.Arbitrary<KeyFault> = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }).map((value): KeyFault => ({ type: "random", value })),
  fc.constant<KeyFault>({ type: "flip-case" }),
  fc.string({ minLength: 1, maxLength: 4 }).map((value): KeyFault => ({ type: "suffix", value })),
  fc.constant<KeyFault>({ type: "truncate" }),
  fc.constant<KeyFault>({ type: "empty" }),
);

function faultArb(post: boolean): fc.Arbitrary<Fault> {
  const common: fc.Arbitrary<Fault>[] = [
    fc
      .record({ id: idFault, bodyId: fc.boolean() })
      .map(({ id, bodyId }): Fault => ({ kind: "bad-id-basic", id, bodyId })),
    fc
      .string({ unit: fc.constantFrom(...CLIENT_ID_CHARS), minLength: 1, maxLength: 12 })
      .map((other): Fault => ({ kind: "mismatch", other })),
    keyFault.map((key): Fault => ({ kind: "wrong-key", via: "basic", key })),
    fc.constant<Fault>({ kind: "no-auth" }),
    fc.boolean().map((rightKey): Fault => ({ kind: "basic-and-post", rightKey })),
  ];
  if (!post) return fc.oneof(...common);
  return fc.oneof(
    ...common,
    idFault.map((id): Fault => ({ kind: "bad-id-post", id })),
    fc.constant<Fault>({ kind: "missing-id-post" }),
    keyFault.map((key): Fault => ({ kind: "wrong-key", via: "post", key })),
  );
}

function badId(base: string, f: IdFault): string {
  switch (f.type) {
    case "empty":
      return "";
    case "long":
      return padClientId(base, f.length, "-");
    case "char": {
      const at = Math.min(f.at, base.length);
      return base.slice(0, at) + f.char + base.slice(at);
    }
  }
}

function wrongKey(apiKey: string, f: KeyFault): string {
  switch (f.type) {
    case "random":
      return f.value === apiKey ? `${f.value}x` : f.value;
    case "flip-case": {
      const i = [...apiKey].findIndex((c) => c.toLowerCase() !== c.toUpperCase());
      if (i === -1) return `${apiKey}x`;
      const c = apiKey[i]!;
      const flipped = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
      return apiKey.slice(0, i) + flipped + apiKey.slice(i + 1);
    }
    case "suffix":
      return apiKey + f.value;
    case "truncate":
      return apiKey.slice(0, -1);
    case "empty":
      return "";
  }
}

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-ERR-003", "DTP-ERR-004"],
    level: "MUST",
    area: "registration",
    title:
      "Invalid, missing or mismatched client_id → invalid_request; bad client authentication → invalid_client / invalid_request",
    specRef: "RFC 6749 §2.2, §2.3, §2.3.1, §5.2",
    requires: ["device_code"],
    property: true,
  },
  async run(ctx) {
    const apiKey = ctx.target.config.apiKey;
    const probeId = ctx.clientId("reg004-post");
    const probe = await sendRegistrationForm(ctx, baseForm(probeId), {
      auth: clientSecretPost(probeId, apiKey),
      label: "register (client_secret_post probe)",
    });
    const post = probe.status === 200;
    if (!post)
      ctx.note("client_secret_post is not accepted at /register: form-auth cases left out");

    // The faults are in the client authentication itself: each method is named on purpose.
    const basic = (id: string, secret = apiKey) => clientSecretBasic(id, secret);
    const inForm = (secret = apiKey) => clientSecretPost("", secret);
    await ctx.property(
      "faults in client_id and client authentication",
      fc.asyncProperty(faultArb(post), async (fault) => {
        const clientId = ctx.clientId("reg004");
        const form = baseForm(clientId);
        let auth: ClientAuth;
        let want: { status: number; error: string; requirement: string; basic?: boolean };
        switch (fault.kind) {
          case "bad-id-basic": {
            const id = badId(clientId, fault.id);
            form.client_id = fault.bodyId ? id : undefined;
            auth = basic(id);
            want = { status: 400, error: "invalid_request", requirement: ID };
            break;
          }
          case "bad-id-post":
            form.client_id = badId(clientId, fault.id);
            auth = inForm();
            want = { status: 400, error: "invalid_request", requirement: ID };
            break;
          case "missing-id-post":
            form.client_id = undefined;
            auth = inForm();
            want = { status: 400, error: "invalid_request", requirement: ID };
            break;
          case "mismatch":
            form.client_id = `${clientId}${fault.other}`;
            auth = basic(clientId);
            want = { status: 400, error: "invalid_request", requirement: ID };
            break;
          case "wrong-key":
            auth =
              fault.via === "basic"
                ? basic(clientId, wrongKey(apiKey, fault.key))
                : inForm(wrongKey(apiKey, fault.key));
            want = {
              status: 401,
              error: "invalid_client",
              requirement: "DTP-ERR-003",
              basic: fault.via === "basic",
            };
            break;
          case "no-auth":
            auth = anonymous();
            want = { status: 401, error: "invalid_client", requirement: "DTP-ERR-003" };
            break;
          case "basic-and-post":
            form.client_secret = fault.rightKey ? apiKey : `${apiKey}x`;
            auth = basic(clientId);
            want = { status: 400, error: "invalid_request", requirement: "DTP-ERR-004" };
            break;
        }
        const res = await sendRegistrationForm(ctx, form, {
          auth,
          label: `register (${fault.kind})`,
        });
        expectRegistrationError(res, want, want.requirement);
        if (want.basic) expectBasicChallenge(res);
      }),
    );
  },
};

/** `WWW-Authenticate: Basic realm="dtp"` on an `invalid_client` answer to Basic (DTP-ERR-003). */
function expectBasicChallenge(res: HttpResponse): void {
  const c = expectWwwAuthenticate(res, { scheme: "Basic" }, "DTP-ERR-003");
  if (c.params.realm !== "dtp") {
    fail(
      "DTP-ERR-003",
      'WWW-Authenticate: Basic realm="dtp"',
      `realm=${JSON.stringify(c.params.realm)}`,
      res,
    );
  }
}
