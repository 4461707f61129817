/**
 * DTP-DISC-056 (MUST, RFC 8414 §3.2):
 * "A metadata member whose value would be an empty array MUST be omitted, except
 * `response_types_supported`, which RFC 8414 §2 requires (DTP-DISC-052)."
 *
 * Every top-level member of the metadata ("claims with zero elements MUST be omitted",
 * RFC 8414 §3.2) other than `response_types_supported`: not `[]`. Whether an empty
 * `response_types_supported` fits the grants the server supports is DTP-DISC-052's.
 */
import type { Check } from "../../src/check/check.ts";
import { fail } from "../../src/check/expect.ts";
import { fetchMetadata } from "./metadata.ts";

const ID = "DTP-DISC-056";
/** The metadata is fetched as DTP-DISC-001 says (a failure there blocks this check). */
const DISC001 = "DTP-DISC-001";
/** RFC 8414 §2 requires it, even of a server that supports no response type. */
const REQUIRED_EVEN_EMPTY = "response_types_supported";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "discovery",
    title: "The metadata omits members whose value would be an empty array",
    specRef: "RFC 8414 §3.2",
    requires: [],
  },
  async run(ctx) {
    const { res, metadata } = await fetchMetadata(ctx, DISC001);
    const empty = Object.entries(metadata)
      .filter(([k, v]) => k !== REQUIRED_EVEN_EMPTY && Array.isArray(v) && v.length === 0)
      .map(([k]) => `"${k}": []`);
    if (empty.length > 0) {
      fail(
        ID,
        `members with zero elements omitted (RFC 8414 §3.2; only "${REQUIRED_EVEN_EMPTY}" may be [])`,
        empty.join(", "),
        res,
      );
    }
  },
};
