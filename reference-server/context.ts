/**
 * The per-request context handlers receive, and the server-wide dependencies (`App`).
 */
import type { IncomingHttpHeaders } from "node:http";
import type { verifyClientAssertion } from "../src/protocol/assertion.ts";
import type { verifyDpopProof } from "../src/protocol/dpop.ts";
import type { verifyRequestSignature } from "../src/protocol/http-signature.ts";
import type { ErrorStyle } from "./http/render-error.ts";
import type { Reply } from "./http/reply.ts";
import type { ServerOptions } from "./options.ts";
import type { Store } from "./store/types.ts";
import type { AccessTokenSigner } from "./tokens/signer.ts";
import type { UserDirectory } from "./users.ts";
import type { Validators } from "./validation.ts";

/**
 * The protocol verifiers the handlers call: src/protocol's, unless a test fixture replaced
 * one (the broken-server catalogue injects faulty verification this way).
 */
export interface Verifiers {
  dpopProof: typeof verifyDpopProof;
  clientAssertion: typeof verifyClientAssertion;
  requestSignature: typeof verifyRequestSignature;
}

/** Server-wide dependencies, built once at start-up. */
export interface App {
  options: ServerOptions;
  /** The issuer identifier: the base URL, no trailing slash. */
  issuer: string;
  store: Store;
  signer: AccessTokenSigner;
  validators: Validators;
  users: UserDirectory;
  verifiers: Verifiers;
  /** Milliseconds. */
  nowMs(): number;
  /** Seconds. */
  now(): number;
}

export interface RequestContext {
  app: App;
  operationId: string;
  method: string;
  /** The request URL on the issuer's origin (what `htu` and `@target-uri` are checked against). */
  url: URL;
  /** Where the request came from, for failed-attempt limits (`limits.ts` `sourceOf`). */
  source: string;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** Parsed form (form operations) — validated against the operation's schema. */
  form: Record<string, string>;
  /** Parsed JSON body (JSON operations) — validated against the operation's schema. */
  json: Record<string, unknown>;
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

/** How an operation reads its body and answers its errors. */
export interface OperationSpec {
  handler: Handler;
  style: ErrorStyle;
  body: "form" | "json" | "none";
  /** Validate the body against the spec's schema before the handler runs (default true). */
  validate?: boolean;
}
