/**
 * DTP-ERR-007 (MUST, RFC 6749 §5, §5.2):
 * "An invalid or malformed request to an OAuth endpoint (a malformed form body, missing or
 * invalid parameters) MUST be answered with an OAuth error response, 400 `invalid_request`
 * for a malformed body, and never with a 5xx status."
 *
 * DTP-ERR-001 (MUST, RFC 6749 §5.2):
 * "Errors of the OAuth endpoints MUST be `application/json` objects whose `error` member is
 * a single error code defined by RFC 6749 §5.2 or by the extension that defines it for that
 * endpoint (RFC 8628 §3.5, RFC 7009 §2.2.1, RFC 9449), with status 400 unless a requirement
 * names another status for that error (`invalid_client`: DTP-ERR-003; DTP's
 * `invalid_signature`: DTP-SIG-012); the only exception is `/login`'s 401 and 403 answers
 * that carry a Bearer or DPoP challenge, whose body is a problem (DTP-RES-010)."
 *
 * DTP-ERR-005 (MUST, RFC 9457 §3):
 * "Errors of every non-OAuth API (`/admin/*`, `/personal-tokens*`, `/me`) MUST be
 * `application/problem+json` objects with `type`, `title`, `status` (equal to the HTTP
 * status) and `detail`."
 *
 * With DTP-ERR-001 (OAuth endpoints answer RFC 6749 §5.2 JSON) and DTP-ERR-005 (the other
 * APIs answer complete problems) for every answer.
 *
 * Fuzzing of every operation of spec/dtp.openapi.yaml, reached through the target's
 * metadata (`token_endpoint`, `dtp_admin_endpoint`, … and the `verification_uri` of a
 * registration), with generated bad requests:
 * - form endpoints, authenticated: random bytes, invalid UTF-8, Unicode, broken
 *   percent-encodings, empty names, huge fields (below 64 KiB), repeated junk, under the
 *   right, a wrong or no media type → 400 `invalid_request`;
 * - the JSON API (`POST /personal-tokens`), with a user token: truncated JSON, trailing
 *   garbage, non-objects, deep nesting, random bytes → 400 problem (415 under another
 *   media type);
 * - every operation: a method it does not have → 4xx;
 * - protected operations: no, garbage or wrongly-schemed credentials, with junk bodies →
 *   4xx; malformed or unknown path values (client_id, personal token id) and `status`
 *   filters with valid credentials → 400 / 404 problem. (Approve and deny are only sent with
 *   bad credentials: a failed user-code lookup counts against the admin rate limit.)
 * Every answer: no 5xx; the format of its endpoint family (OAuth JSON, problem; anything
 * for the public metadata, JWKS and verification page); no stack trace or internal file
 * path (SHOULD-level finding: WARN). Afterwards the tokens obtained before still work:
 * the device's and the user's refresh tokens refresh and the new access tokens are
 * accepted at `/me` (nothing stored was lost).
 */
import fc from "fast-check";
import type { Check, CheckContext } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import type { HttpRequest, HttpResponse } from "../../src/check/http.ts";
import { failureBudget, type TokenHolder } from "../../src/client/index.ts";
import {
  afterRateLimit,
  clientAuthFor,
  type ProbeSession,
  probeSession,
} from "../../src/client/kit/index.ts";
import {
  type Case,
  caseArbitraries,
  describeCase,
  FORM,
  type Operation,
  resolveOperations,
} from "./_fuzz-cases.ts";
import {
  describeShort,
  ERR001,
  ERR005,
  expectOAuthErrorFormat,
  expectProblemFormat,
  expectSessionIntact,
  Findings,
  leakedInternals,
} from "./_helpers.ts";

const ID = "DTP-ERR-007";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, ERR001, ERR005],
    level: "MUST",
    area: "errors",
    title:
      "Bad input to every operation: a 4xx in the endpoint's error format, never a 5xx, nothing lost",
    specRef: "DTP; RFC 6749 §5.2; RFC 9457",
    requires: ["device_code"],
    property: true,
  },
  async run(ctx) {
    const session = await probeSession(ctx);
    const operations = await resolveOperations(ctx, session);
    const admin = ctx.target.config.admin?.token;
    const findings = new Findings();
    const byId = new Map(operations.map((o) => [o.operationId, o]));
    const arbs = operations.flatMap((op) => caseArbitraries(op, session, admin !== undefined));
    ctx.note(`operations fuzzed: ${operations.map((o) => o.operationId).join(", ")}`);

    // Wrong admin keys count against the target's declared admin_key limit, which every
    // check of the run shares: at most a quarter of it here; past that, a bad-credentials
    // case at the admin API goes without credentials (not counted, still a 401).
    const budget = failureBudget(ctx.target, "admin_key");
    let spent = 0;
    const fuzz = async (c: Case) => {
      const op = byId.get(c.op)!;
      if (c.kind === "bad credentials" && op.admin && c.authorization !== null) {
        if (spent >= budget) {
          if (spent++ === budget)
            ctx.note(`wrong admin keys capped at ${budget} (a quarter of the declared limit)`);
          c = { ...c, authorization: null };
        } else spent++;
      }
      judge(await send(ctx, session, admin, op, c), op, c, findings);
    };
    // One of every kind of bad request at every operation is a case, then generated ones.
    for (const [i, a] of arbs.entries()) {
      const c = fc.sample(a, { seed: ctx.fc.seed + i, numRuns: 1 })[0]!;
      await ctx.case(`${c.op}: ${describeCase(c)}`, () => fuzz(c));
    }
    await ctx.property(
      "bad requests to every operation",
      fc.asyncProperty(fc.oneof(...arbs), fuzz),
      {
        numRuns: ctx.fc.numRuns * 3,
      },
    );

    // Nothing stored was lost.
    await expectSessionIntact(ctx, session, ID);
    findings.settle(ctx);
  },
};

// ——— requests ———

function fillPath(op: Operation, value: string): string {
  let url = op.url;
  for (const p of op.params) url = url.replace(`{${p}}`, encodeURIComponent(value));
  return url;
}

/**
 * Sends case `c`. A case with valid credentials that are a live access token (the device's
 * at /login, the user's at the personal-token operations) is sent through its holder: the
 * client's one policy renews it and sends once more when a 401 may be due to its expiry.
 */
async function send(
  ctx: CheckContext,
  session: ProbeSession,
  admin: string | undefined,
  op: Operation,
  c: Case,
): Promise<HttpResponse> {
  const needsCredential = c.kind === "garbage body" || c.kind === "bad path value";
  const holder: TokenHolder | undefined = !needsCredential
    ? undefined
    : op.operationId === "login"
      ? session.deviceTokens
      : op.family !== "oauth" && !op.admin
        ? session.user?.tokens
        : undefined;
  if (holder) {
    return holder.use((t) => ctx.http.request(materialize(ctx, op, c, `Bearer ${t.accessToken}`)));
  }
  // Wrong admin keys of this and other checks may trip the declared admin_key limit.
  const credential = !needsCredential
    ? undefined
    : op.family === "oauth"
      ? clientAuthorization(
          ctx,
          op.operationId === "registerDevice" ? ctx.clientId("fuzz") : session.device.clientId,
        )
      : `Bearer ${admin ?? ""}`;
  return afterRateLimit(ctx, () => ctx.http.request(materialize(ctx, op, c, credential, admin)));
}

/** The Authorization header a client sends the target's way (DTP: HTTP Basic, the API key). */
function clientAuthorization(ctx: CheckContext, clientId: string): string {
  const headers: Record<string, string> = {};
  clientAuthFor(ctx.target, clientId).apply({ headers, form: {} }, ctx.target, 0);
  return headers.authorization ?? "";
}

function materialize(
  ctx: CheckContext,
  op: Operation,
  c: Case,
  credential: string | undefined,
  admin?: string,
): HttpRequest {
  const label = `${c.op}: ${describeCase(c)}`;
  const somePath = ctx.clientId("fuzz");
  switch (c.kind) {
    case "wrong method":
      return { method: c.method as HttpRequest["method"], url: fillPath(op, somePath), label };
    case "garbage body": {
      const headers: Record<string, string> = { authorization: credential ?? "" };
      if (c.contentType !== null) headers["content-type"] = c.contentType;
      return { method: "POST", url: fillPath(op, somePath), headers, body: c.body, label };
    }
    case "bad credentials": {
      const headers: Record<string, string> = {};
      if (c.authorization !== null) headers.authorization = c.authorization;
      if (c.contentType !== null) headers["content-type"] = c.contentType;
      return {
        method: op.method as HttpRequest["method"],
        url: fillPath(op, c.path),
        headers,
        ...(c.junk !== null ? { body: c.junk } : {}),
        label,
      };
    }
    case "bad path value":
      return {
        method: op.method as HttpRequest["method"],
        url: fillPath(op, c.value),
        headers: { authorization: credential ?? "" },
        label,
      };
    case "bad status filter":
      return {
        method: "GET",
        url: `${op.url}?${new URLSearchParams({ status: c.value }).toString()}`,
        headers: { authorization: `Bearer ${admin}` },
        label,
      };
  }
}

// ——— verdicts ———

function judge(res: HttpResponse, op: Operation, c: Case, findings: Findings): void {
  if (res.status >= 500) {
    fail(
      ID,
      `a 4xx answer to a client mistake (${describeCase(c)}), never a 5xx`,
      describeShort(res),
      res,
    );
  }
  const leak = leakedInternals(res);
  if (leak) {
    findings.add(ID, `no internal details in the answer to ${describeCase(c)}`, leak, res);
  }
  if (c.kind === "garbage body") {
    const isJsonOp = op.body === "json";
    const rightType = isJsonOp ? c.contentType === "application/json" : c.contentType === FORM;
    if (op.family === "oauth") {
      expectOAuthErrorFormat(res, ID, { status: 400, error: "invalid_request" }, findings);
    } else {
      expectProblemFormat(res, ID, rightType ? 400 : 415, findings);
    }
    return;
  }
  if (res.status < 400 || res.status > 499) {
    fail(ID, `a 4xx answer to ${describeCase(c)}`, describeShort(res), res);
  }
  const statuses =
    c.kind === "bad path value" || c.kind === "bad status filter"
      ? c.kind === "bad status filter"
        ? [400]
        : [400, 404]
      : undefined;
  if (op.family === "problem") {
    expectProblemFormat(res, ID, statuses, findings);
  } else if (op.family === "oauth") {
    if (c.kind === "wrong method" || (op.operationId === "login" && res.status !== 400)) {
      // No RFC 6749 format for a method the endpoint does not have (RFC 9110 405), nor
      // for /login's challenges (DTP-ERR-001's exception): a JSON object either way.
      if (res.text.trim() !== "" && !/json/i.test(res.headers["content-type"] ?? "")) {
        fail(ERR001, "a JSON error body (RFC 6749 §5.2 or a problem)", describeShort(res), res);
      }
    } else {
      expectOAuthErrorFormat(res, ID, {}, findings);
    }
  }
}
