/**
 * DTP-ERR-007 (MUST, DTP; RFC 6749 §5.2):
 * "A client mistake MUST never be answered with a 5xx status: a malformed form or JSON
 * body MUST be answered 400 (`invalid_request` at OAuth endpoints, a problem elsewhere)."
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
import { basicAuth } from "../../src/client/legacy/auth.ts";
import { type EndpointName, endpointOf } from "../../src/client/legacy/endpoints.ts";
import { wellKnownUrl } from "../../src/runner/discover.ts";
import {
  describeShort,
  ERR001,
  ERR005,
  expectOAuthErrorFormat,
  expectProblemFormat,
  expectSessionIntact,
  Findings,
  leakedInternals,
  mentionsKnownParameter,
  openSession,
  type Session,
} from "./_helpers.ts";

const ID = "DTP-ERR-007";

type Family = "oauth" | "problem" | "public";
type BodyKind = "form" | "json" | "none";

interface Operation {
  operationId: string;
  method: string;
  /** URL template, path parameters still as `{name}`. */
  url: string;
  family: Family;
  body: BodyKind;
  /** An admin API operation (under `dtp_admin_endpoint`). */
  admin: boolean;
  /** Methods the path has (other operations on it included). */
  methods: string[];
  params: string[];
}

/** Where each OpenAPI path prefix lives on the target, from its metadata. */
const BASES: { path: string; field?: EndpointName }[] = [
  { path: "/.well-known/oauth-authorization-server" },
  { path: "/jwks", field: "jwks_uri" },
  { path: "/register", field: "device_authorization_endpoint" },
  { path: "/device" },
  { path: "/token", field: "token_endpoint" },
  { path: "/login", field: "dtp_login_endpoint" },
  { path: "/revoke", field: "revocation_endpoint" },
  { path: "/introspect", field: "introspection_endpoint" },
  { path: "/me", field: "dtp_resource_endpoint" },
  { path: "/personal-tokens", field: "dtp_personal_tokens_endpoint" },
  { path: "/admin", field: "dtp_admin_endpoint" },
];

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("");
const ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const FORM = "application/x-www-form-urlencoded";

/** A generated bad request, as data (printed as the counterexample). */
type Case =
  | {
      op: string;
      kind: "garbage body";
      body: Uint8Array;
      contentType: string | null;
      shape: string;
    }
  | { op: string; kind: "wrong method"; method: string }
  | {
      op: string;
      kind: "bad credentials";
      authorization: string | null;
      junk: Uint8Array | null;
      contentType: string | null;
      path: string;
    }
  | { op: string; kind: "bad path value"; value: string }
  | { op: string; kind: "bad status filter"; value: string };

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
    const session = await openSession(ctx, ID);
    const operations = await resolveOperations(ctx, session);
    const admin = ctx.target.config.admin?.token;
    const findings = new Findings();
    const byId = new Map(operations.map((o) => [o.operationId, o]));
    const arbs = operations.flatMap((op) => caseArbitraries(op, session, admin !== undefined));
    const examples: [Case][] = arbs.map((a, i) => [
      fc.sample(a, { seed: ctx.fc.seed + i, numRuns: 1 })[0]!,
    ]);
    ctx.note(`operations fuzzed: ${operations.map((o) => o.operationId).join(", ")}`);

    await fc.assert(
      fc.asyncProperty(fc.oneof(...arbs), async (c) => {
        const op = byId.get(c.op)!;
        const req = await materialize(ctx, session, admin, op, c);
        let res = await ctx.http.request(req);
        if (expiredInTransit(res)) {
          // A 4 s token can expire on its way through a busy machine: renew it and send the
          // same case once more (a server that keeps saying "expired" still fails).
          await session.deviceTokens?.renew(ID);
          await session.userTokens?.renew(ID);
          res = await ctx.http.request(await materialize(ctx, session, admin, op, c));
        }
        judge(res, op, c, findings);
      }),
      { ...ctx.fc, numRuns: ctx.fc.numRuns * 3 + examples.length, examples },
    );

    // Nothing stored was lost.
    await expectSessionIntact(ctx, session, ID);
    findings.settle(ctx);
  },
};

/** Every operation of the OpenAPI document that the target's metadata locates. */
async function resolveOperations(ctx: CheckContext, session: Session): Promise<Operation[]> {
  const { listOperations, loadOpenApiRaw } = await import("../../src/spec/openapi.ts");
  const doc = loadOpenApiRaw();
  const paths = doc.paths as Record<string, Record<string, unknown>>;
  const verification = (session.registration.res.body as { verification_uri?: unknown } | undefined)
    ?.verification_uri;
  const out: Operation[] = [];
  const skipped: string[] = [];
  for (const info of listOperations(doc)) {
    const base = BASES.find((b) => info.path === b.path || info.path.startsWith(`${b.path}/`));
    let root: string | undefined;
    if (base?.path === "/.well-known/oauth-authorization-server") {
      root = ctx.target.discoveryUrl ?? wellKnownUrl(ctx.target.baseUrl);
    } else if (base?.path === "/device") {
      root = typeof verification === "string" ? verification.split("?")[0] : undefined;
    } else if (base?.field) {
      root = endpointOf(ctx.target, base.field)?.replace(/\/+$/, "");
    }
    if (!base || root === undefined) {
      skipped.push(info.operationId);
      continue;
    }
    const item = paths[info.path]!;
    const operation = item[info.method.toLowerCase()] as {
      security?: unknown[];
      requestBody?: { content?: Record<string, unknown> };
    };
    const content = Object.keys(operation.requestBody?.content ?? {});
    const body: BodyKind = content.includes(FORM)
      ? "form"
      : content.includes("application/json")
        ? "json"
        : "none";
    const isPublic = Array.isArray(operation.security) && operation.security.length === 0;
    out.push({
      operationId: info.operationId,
      method: info.method,
      url: root + info.path.slice(base.path.length),
      family: body === "form" ? "oauth" : isPublic ? "public" : "problem",
      admin: base.path === "/admin",
      body,
      methods: METHODS.filter((m) => isRecordKey(item, m.toLowerCase())),
      params: [...info.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
    });
  }
  if (skipped.length > 0) {
    ctx.note(`not fuzzed (the metadata does not locate them): ${skipped.join(", ")}`);
  }
  return out;
}

function isRecordKey(o: Record<string, unknown>, k: string): boolean {
  return typeof o[k] === "object" && o[k] !== null;
}

// ——— generators ———

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));

/** Bodies that are not a usable form: no parameter any server could recognise. */
function garbageForm(): fc.Arbitrary<{ body: Uint8Array; shape: string }> {
  const piece = fc.oneof(
    fc.constantFrom("%", "%z", "%zz", "%E9", "%C3%28", "%ED%A0%80", "%F8%88%80%80", "%00", "%2"),
    fc.constantFrom("=", "&", "==", "&&", "+", "=%", "%%", "=&=", "\u00ff", "\ufffd"),
    fc.string({ unit: fc.constantFrom(..."abmnxyz019_-.~"), minLength: 1, maxLength: 6 }),
  );
  return fc
    .oneof(
      fc
        .uint8Array({ minLength: 1, maxLength: 512 })
        .map((b) => ({ body: b, shape: "random bytes" })),
      fc
        .string({ unit: "binary", minLength: 1, maxLength: 200 })
        .map((s) => ({ body: utf8(s), shape: "Unicode text" })),
      fc
        .array(piece, { minLength: 1, maxLength: 16 })
        .map((p) => ({ body: utf8(p.join("")), shape: "broken form encoding" })),
      fc.integer({ min: 1_000, max: 60_000 }).map((n) => ({
        body: utf8(`x_dtp_kit_huge=${"z".repeat(n)}`),
        shape: `a ${n}-byte field`,
      })),
      fc
        .string({ unit: fc.constantFrom(..."abxyz"), minLength: 1, maxLength: 3 })
        .map((n) => ({ body: utf8(`${n}=1&${n}=2&${n}`), shape: "repeated junk" })),
    )
    .filter((g) => !mentionsKnownParameter(Buffer.from(g.body).toString("latin1")));
}

/** JSON bodies that are malformed, or not an object. */
function garbageJson(): fc.Arbitrary<{ body: Uint8Array; shape: string }> {
  const valid = JSON.stringify({ name: "dtp-kit", expires_in: 60 });
  return fc.oneof(
    fc.integer({ min: 1, max: valid.length - 1 }).map((n) => ({
      body: utf8(valid.slice(0, n)),
      shape: "truncated JSON",
    })),
    fc.json().map((j) => ({ body: utf8(`${valid} ${j}`), shape: "JSON with trailing data" })),
    fc
      .json()
      .filter((j) => !j.trimStart().startsWith("{"))
      .map((j) => ({ body: utf8(j), shape: "JSON that is not an object" })),
    fc.integer({ min: 100, max: 20_000 }).map((n) => ({
      body: utf8(`${"[".repeat(n)}${"]".repeat(n)}`),
      shape: `${n} nested arrays`,
    })),
    fc
      .uint8Array({ minLength: 1, maxLength: 256 })
      .map((b) => ({ body: b, shape: "random bytes" })),
    fc
      .string({ unit: "binary", minLength: 1, maxLength: 100 })
      .map((s) => ({ body: utf8(`{"name": "${s}`), shape: "an unterminated string" })),
  );
}

const wrongTypes = fc.constantFrom<string | null>(
  null,
  "text/plain",
  "application/xml",
  "multipart/form-data; boundary=dtp",
  "application/octet-stream",
);

function caseArbitraries(op: Operation, session: Session, admin: boolean): fc.Arbitrary<Case>[] {
  const id = op.operationId;
  const out: fc.Arbitrary<Case>[] = [];
  // Wrong methods, everywhere.
  const others = METHODS.filter((m) => !op.methods.includes(m));
  if (others.length > 0) {
    out.push(
      fc
        .constantFrom(...others)
        .map((method) => ({ op: id, kind: "wrong method" as const, method })),
    );
  }
  // Garbage bodies with valid credentials.
  if (op.body === "form" && (id !== "login" || session.deviceTokens)) {
    out.push(
      fc
        .tuple(garbageForm(), fc.oneof(fc.constant<string | null>(FORM), wrongTypes))
        .map(([g, contentType]) => ({ op: id, kind: "garbage body" as const, ...g, contentType })),
    );
  }
  if (op.body === "json" && session.userTokens) {
    out.push(
      fc
        .tuple(garbageJson(), fc.oneof(fc.constant<string | null>("application/json"), wrongTypes))
        .map(([g, contentType]) => ({ op: id, kind: "garbage body" as const, ...g, contentType })),
    );
  }
  // Bad credentials (with junk bodies and path values) at protected operations.
  if (op.family !== "public" && id !== "login") {
    out.push(
      fc
        .record({
          authorization: fc.oneof(
            fc.constant(null),
            fc
              .string({ unit: fc.constantFrom(...PRINTABLE), minLength: 1, maxLength: 80 })
              .map((s) => s.trim() || "x"),
            fc
              .string({ unit: fc.constantFrom(...ID_CHARS), minLength: 1, maxLength: 60 })
              .map((s) => `Bearer ${s}`),
            fc
              .string({ unit: fc.constantFrom(...ID_CHARS), minLength: 1, maxLength: 60 })
              .map((s) => `DPoP ${s}`),
            fc.base64String({ minLength: 4, maxLength: 60 }).map((s) => `Basic ${s}`),
          ),
          junk: fc.option(fc.uint8Array({ minLength: 1, maxLength: 256 }), { nil: null }),
          contentType: fc.option(fc.constantFrom("application/json", FORM, "text/plain"), {
            nil: null,
          }),
          path: fc.string({ unit: "grapheme", minLength: 1, maxLength: 24 }),
        })
        .filter((r) => op.family !== "oauth" || !isRealBasic(r.authorization))
        .map((r) => ({ op: id, kind: "bad credentials" as const, ...r })),
    );
  }
  // Malformed or unknown path values with valid credentials (never a lookup of a user code).
  const malformed = fc
    .string({ unit: "grapheme", minLength: 1, maxLength: 40 })
    .filter((s) => !/^[A-Za-z0-9._~-]+$/.test(s) && s !== "." && s !== "..");
  if (admin && id === "getDevice") {
    out.push(
      fc
        .oneof(
          malformed,
          fc.string({ unit: fc.constantFrom(...ID_CHARS), minLength: 129, maxLength: 300 }),
        )
        .map((value) => ({ op: id, kind: "bad path value" as const, value })),
    );
  }
  if (admin && id === "deleteDevice") {
    out.push(malformed.map((value) => ({ op: id, kind: "bad path value" as const, value })));
  }
  if (session.userTokens && id === "revokePersonalToken") {
    out.push(
      fc
        .oneof(
          malformed,
          fc.string({ unit: fc.constantFrom(...ID_CHARS), minLength: 24, maxLength: 64 }),
        )
        .map((value) => ({ op: id, kind: "bad path value" as const, value })),
    );
  }
  if (admin && id === "listRegistrations") {
    out.push(
      fc
        .string({ unit: "grapheme", minLength: 1, maxLength: 30 })
        .filter((s) => !["pending", "approved", "denied"].includes(s))
        .map((value) => ({ op: id, kind: "bad status filter" as const, value })),
    );
  }
  return out;
}

/** A Basic header that decodes to `user:secret` could be real credentials: not "bad". */
function isRealBasic(h: string | null): boolean {
  return h !== null && /^basic /i.test(h) && Buffer.from(h.slice(6), "base64").includes(":");
}

// ——— requests ———

function fillPath(op: Operation, value: string): string {
  let url = op.url;
  for (const p of op.params) url = url.replace(`{${p}}`, encodeURIComponent(value));
  return url;
}

async function materialize(
  ctx: CheckContext,
  session: Session,
  admin: string | undefined,
  op: Operation,
  c: Case,
): Promise<HttpRequest> {
  const label = `${c.op}: ${describeCase(c)}`;
  const somePath = ctx.clientId("fuzz");
  switch (c.kind) {
    case "wrong method":
      return { method: c.method as HttpRequest["method"], url: fillPath(op, somePath), label };
    case "garbage body": {
      const headers: Record<string, string> = {
        authorization: await validCredential(ctx, session, admin, op),
      };
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
        headers: { authorization: await validCredential(ctx, session, admin, op) },
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

/** A 401 whose challenge says the (valid, kit-held) access token has expired. */
function expiredInTransit(res: HttpResponse): boolean {
  const challenge = res.headers["www-authenticate"] ?? "";
  return (
    res.status === 401 &&
    /invalid_token/.test(challenge) &&
    /expired/i.test(`${challenge} ${res.text}`)
  );
}

/** The credential a valid request to `op` carries. */
async function validCredential(
  ctx: CheckContext,
  session: Session,
  admin: string | undefined,
  op: Operation,
): Promise<string> {
  if (op.operationId === "login") return `Bearer ${await session.deviceTokens!.access()}`;
  if (op.family === "oauth") {
    const clientId = op.operationId === "registerDevice" ? ctx.clientId("fuzz") : session.clientId;
    return basicAuth(clientId, ctx.target.config.apiKey);
  }
  if (op.admin) return `Bearer ${admin ?? ""}`;
  return `Bearer ${await session.userTokens!.access()}`;
}

function describeCase(c: Case): string {
  switch (c.kind) {
    case "wrong method":
      return `method ${c.method}`;
    case "garbage body":
      return `${c.shape} (${c.body.length} bytes) as ${c.contentType ?? "no media type"}`;
    case "bad credentials":
      return `${c.authorization === null ? "no credentials" : `Authorization ${JSON.stringify(c.authorization.slice(0, 40))}`}${c.junk ? `, ${c.junk.length} junk bytes` : ""}`;
    case "bad path value":
      return `path value ${JSON.stringify(c.value.slice(0, 40))}`;
    case "bad status filter":
      return `status=${JSON.stringify(c.value)}`;
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
