/**
 * DTP-ERR-052 (MUST, RFC 6749 §4.4.2, §6; RFC 8628 §3.1; RFC 7009 §2.1; RFC 7662 §2.1):
 * "The device authorization, token, revocation and introspection endpoints MUST accept
 * `POST` requests whose parameters are sent `application/x-www-form-urlencoded` (UTF-8) in
 * the request body."
 *
 * One case per endpoint the metadata names, each a well-formed form request that needs no
 * state the kit would first have to create, authenticated as the kit's client (the target's
 * way): a device authorization request; a refresh with an unknown refresh token (an OAuth
 * error such as `invalid_grant` is the expected answer); a revocation and an introspection
 * of an unknown token (200, and `active: false`). The case fails only on what proves the
 * form body was refused: 415, or an error that names the content type or the form
 * encoding. Any other answer — success or an OAuth error — shows the parameters were read;
 * whether it is the right answer is the requirement of that endpoint (DTP-POLL-*, DTP-REF-*,
 * DTP-REV-*), not this one.
 */
import type { Check, CheckContext } from "../../src/check/check.ts";
import { describe, fail, mediaType } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { clientAuthFor } from "../../src/client/kit/auth.ts";
import { randomToken } from "../../src/protocol/random.ts";

const ID = "DTP-ERR-052";

/** An error message blaming the request's media type or encoding. */
const NAMES_CONTENT_TYPE =
  /content[-_ ]?type|media[-_ ]?type|x-www-form-urlencoded|urlencoded|form[-_ ]?(?:data|body|encod)/i;
/** Only in a non-OAuth error body: a server that expected JSON says so. */
const WANTS_JSON = /\bjson\b/i;

interface Probe {
  /** The metadata member naming the endpoint. */
  member: string;
  label: string;
  form: (ctx: CheckContext, clientId: string) => Record<string, string | undefined>;
}

const PROBES: Probe[] = [
  {
    member: "device_authorization_endpoint",
    label: "device authorization request",
    form: (ctx, clientId) =>
      ctx.target.features.has("dtp")
        ? { client_id: clientId, client_type: "desktop_client", response_type: "device_code" }
        : { client_id: clientId, scope: ctx.target.config.oauth?.scope },
  },
  {
    member: "token_endpoint",
    label: "refresh with an unknown refresh token",
    form: () => ({ grant_type: "refresh_token", refresh_token: randomToken() }),
  },
  {
    member: "revocation_endpoint",
    label: "revocation of an unknown token",
    form: () => ({ token: randomToken() }),
  },
  {
    member: "introspection_endpoint",
    label: "introspection of an unknown token",
    form: () => ({ token: randomToken() }),
  },
];

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "errors",
    title:
      "The device authorization, token, revocation and introspection endpoints accept form-encoded POST bodies",
    specRef: "RFC 6749 §4.4.2, §6; RFC 8628 §3.1; RFC 7009 §2.1; RFC 7662 §2.1",
    requires: [],
  },
  async run(ctx) {
    const probes = PROBES.filter((p) => typeof ctx.target.metadata[p.member] === "string");
    if (probes.length === 0)
      ctx.notClaimed(`the metadata names none of ${PROBES.map((p) => p.member).join(", ")}`);
    for (const probe of probes) {
      await ctx.case(probe.label, async () => {
        const clientId = ctx.clientId("err52");
        const headers: Record<string, string> = {};
        const form = probe.form(ctx, clientId);
        clientAuthFor(ctx.target, clientId).apply(
          { headers, form },
          ctx.target,
          Math.floor(ctx.clock.now() / 1000),
        );
        const res = await ctx.http.request({
          method: "POST",
          url: ctx.target.metadata[probe.member] as string,
          headers,
          form,
          label: `${probe.label} (form body)`,
        });
        const refusal = formRefused(res);
        if (refusal !== undefined) {
          fail(
            ID,
            `the ${probe.member} to read the application/x-www-form-urlencoded body (an answer to its parameters)`,
            `${refusal}: ${describe(res)}`,
            res,
          );
        }
        ctx.note(`${probe.label}: ${answer(res)}`);
      });
    }
  },
};

/** Why `res` proves the form body was refused, or undefined. */
function formRefused(res: HttpResponse): string | undefined {
  if (res.status === 415) return "415 Unsupported Media Type";
  if (res.status < 400) return undefined;
  const body = res.body;
  const oauth =
    typeof body === "object" &&
    body !== null &&
    typeof (body as { error?: unknown }).error === "string";
  if (oauth) {
    const description = (body as { error_description?: unknown }).error_description;
    return typeof description === "string" && NAMES_CONTENT_TYPE.test(description)
      ? "an error blaming the content type"
      : undefined;
  }
  // An HTML page (a 404 of a web server, say) names its own content type in <meta>.
  if (mediaType(res) === "text/html") return undefined;
  return NAMES_CONTENT_TYPE.test(res.text) || WANTS_JSON.test(res.text)
    ? "a non-OAuth error naming the content type"
    : undefined;
}

/** "200" or "400 invalid_grant", for the notes. */
function answer(res: HttpResponse): string {
  const error = (res.body as { error?: unknown } | undefined)?.error;
  return typeof error === "string" ? `${res.status} ${error}` : `${res.status}`;
}
