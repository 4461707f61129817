/**
 * The named rules of `dtp spec diff` and whom each change breaks.
 *
 * Two parties can be broken by a new version of the spec:
 * - **clients**: a client written against the base version may fail against a server
 *   that follows the head version (something it sends is now refused, something it reads
 *   is gone, or it may now receive something it does not know);
 * - **servers**: a server that conforms to the base version may not conform to the head
 *   version (it must now do or send something it did not have to, or something it does or
 *   sends is no longer allowed).
 *
 * The principle behind the schema rules: in a **request**, narrowing (fewer accepted
 * values, types, fields or forms) breaks clients and widening is compatible (a server
 * advertises what it supports; an older server refusing a new option is an ordinary
 * error); in a **response**, widening (new values, types, media types or success
 * statuses) breaks clients, which may not understand them, and narrowing breaks servers,
 * which may still send what was removed. Requirements (the catalogue) are compared by ID.
 */

export type Party = "clients" | "servers";

export type Classification =
  | "compatible"
  | "breaking-for-clients"
  | "breaking-for-servers"
  | "breaking-for-clients-and-servers";

export interface RuleInfo {
  /** Whom a change of this kind breaks; empty = compatible. */
  breaks: readonly Party[];
  /** One line: what the rule detects. */
  summary: string;
}

const C: readonly Party[] = ["clients"];
const S: readonly Party[] = ["servers"];
const CS: readonly Party[] = ["clients", "servers"];
const NONE: readonly Party[] = [];

/** Every rule, in the order of the documentation. */
export const RULES = {
  // operations
  "operation-removed": { breaks: C, summary: "an operation (method + path) was removed" },
  "operation-added": { breaks: NONE, summary: "an operation was added" },
  "security-removed": {
    breaks: C,
    summary: "a way to authenticate to an operation was removed (or a public one now needs one)",
  },
  "security-added": { breaks: NONE, summary: "an operation accepts a new way to authenticate" },
  // request
  "request-field-removed": {
    breaks: C,
    summary: "a request body field or parameter was removed",
  },
  "request-field-required": {
    breaks: C,
    summary: "a new required request field or parameter, or an optional one made required",
  },
  "request-field-added": { breaks: NONE, summary: "a new optional request field or parameter" },
  "request-field-optional": { breaks: NONE, summary: "a required request field made optional" },
  "request-enum-narrowed": {
    breaks: C,
    summary: "a request enum (or const) accepts fewer values",
  },
  "request-enum-widened": { breaks: NONE, summary: "a request enum accepts more values" },
  "request-variant-removed": {
    breaks: C,
    summary: "a request form (a oneOf/anyOf variant, e.g. a grant type) was removed",
  },
  "request-variant-added": {
    breaks: NONE,
    summary: "a request form (oneOf/anyOf variant) was added",
  },
  "request-media-type-removed": { breaks: C, summary: "a request body media type was removed" },
  "request-media-type-added": { breaks: NONE, summary: "a request body media type was added" },
  // response
  "response-field-removed": { breaks: C, summary: "a response body field or header was removed" },
  "response-field-optional": {
    breaks: C,
    summary: "a required response field or header made optional (clients relied on it)",
  },
  "response-field-required": {
    breaks: S,
    summary: "a new required response field or header, or an optional one made required",
  },
  "response-field-added": { breaks: NONE, summary: "a new optional response field or header" },
  "response-enum-widened": {
    breaks: C,
    summary: "a response enum (or const) may carry new values",
  },
  "response-enum-narrowed": {
    breaks: S,
    summary: "a response enum allows fewer values (servers may still send the others)",
  },
  "response-variant-added": {
    breaks: C,
    summary: "a response form (oneOf/anyOf variant) was added",
  },
  "response-variant-removed": {
    breaks: S,
    summary: "a response form (oneOf/anyOf variant) was removed",
  },
  "response-media-type-added": { breaks: C, summary: "a response media type was added" },
  "response-media-type-removed": { breaks: S, summary: "a response media type was removed" },
  "response-status-added": {
    breaks: C,
    summary: "an operation may answer a new success (2xx) or redirect (3xx) status",
  },
  "error-status-added": {
    breaks: NONE,
    summary: "an operation may answer a new 4xx/5xx status (clients handle statuses by class)",
  },
  "response-status-removed": {
    breaks: S,
    summary: "a status was removed from an operation (servers may still answer it)",
  },
  // both directions
  "type-changed": {
    breaks: CS,
    summary:
      "a field's type changed; whom it breaks follows the direction: request types removed break clients, response types added break clients, response types removed break servers",
  },
  // requirements (catalogue, by ID)
  "requirement-removed": {
    breaks: C,
    summary: "a requirement was removed (clients relied on what it guaranteed)",
  },
  "requirement-must-added": {
    breaks: S,
    summary: "a new MUST requirement on an operation the base version already had",
  },
  "requirement-added": {
    breaks: NONE,
    summary: "a new SHOULD/MAY requirement, or one only on new operations",
  },
  "requirement-level-raised": { breaks: S, summary: "MAY → SHOULD → MUST" },
  "requirement-level-lowered": {
    breaks: C,
    summary: "MUST → SHOULD → MAY (clients relied on the stronger level)",
  },
  "requirement-reworded": {
    breaks: CS,
    summary:
      "the normative text changed (beyond whitespace); a tool cannot tell a clarification from a new obligation",
  },
  "requirement-operations-widened": {
    breaks: S,
    summary: "a requirement now applies to more operations",
  },
  "requirement-operations-narrowed": {
    breaks: C,
    summary: "a requirement applies to fewer operations",
  },
  "requirement-annotation-changed": {
    breaks: NONE,
    summary:
      "source, deviation note, area, applies (oauth | dtp) or observability changed (not normative)",
  },
} as const satisfies Record<string, RuleInfo>;

export type DiffRule = keyof typeof RULES;

export const RULE_NAMES = Object.keys(RULES) as DiffRule[];

export function classify(breaks: readonly Party[]): Classification {
  const clients = breaks.includes("clients");
  const servers = breaks.includes("servers");
  if (clients && servers) return "breaking-for-clients-and-servers";
  if (clients) return "breaking-for-clients";
  if (servers) return "breaking-for-servers";
  return "compatible";
}
