/**
 * DTP-ERR-007's inputs: every operation of the OpenAPI document that the target's metadata
 * locates, and per operation the bad requests to send (wrong methods, garbage bodies with
 * valid credentials, bad credentials, malformed path values, bad status filters), as data.
 */
import fc from "fast-check";
import type { CheckContext } from "../../src/check/check.ts";
import { type EndpointName, endpointOf, wellKnownUrl } from "../../src/client/index.ts";
import type { ProbeSession } from "../../src/client/kit/index.ts";
import { mentionsKnownParameter } from "./_helpers.ts";

export type Family = "oauth" | "problem" | "public";
export type BodyKind = "form" | "json" | "none";

export interface Operation {
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
export const BASES: { path: string; field?: EndpointName }[] = [
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

export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("");
const ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
export const FORM = "application/x-www-form-urlencoded";

/** A generated bad request, as data (printed as the counterexample). */
export type Case =
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

/** Every operation of the OpenAPI document that the target's metadata locates. */
export async function resolveOperations(
  ctx: CheckContext,
  session: ProbeSession,
): Promise<Operation[]> {
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

export function caseArbitraries(
  op: Operation,
  session: ProbeSession,
  admin: boolean,
): fc.Arbitrary<Case>[] {
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
  if (op.body === "json" && session.user) {
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
  if (session.user && id === "revokePersonalToken") {
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

export function describeCase(c: Case): string {
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
