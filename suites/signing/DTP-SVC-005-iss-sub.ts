/**
 * DTP-SVC-005 (MUST, RFC 7523 §3 (item 2), §3.2):
 * "A client assertion whose `sub` is not the `client_id` of the client it authenticates
 * MUST be rejected with OAuth error `invalid_client`."
 *
 * DTP-SVC-051 (MUST, DTP; LoginID "API Service Tokens"; RFC 7523 §3):
 * "A DTP client assertion's `iss` and `sub` MUST both be the `client_id` of an approved
 * device with `client_type=server` and an EC P-256 key; any other assertion MUST be
 * rejected with 401 `invalid_client`."
 *
 * Devices: C and D, approved `server` devices (EC P-256, x509); E, an approved
 * `desktop_client` with an EC P-256 key; P, a `server` device whose registration is still
 * pending. Property: signed by C's key, `iss` = C and `sub` another id (D or generated) or
 * the reverse; `iss` = `sub` = an id nobody registered; `iss` = `sub` = D; `client_id` in
 * the form naming D while the assertion names C; and, each signed by its own key, `iss` =
 * `sub` = E (not a server) or P (not approved) → 401 `invalid_client`.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { type ServiceClient, sendAssertion } from "../../src/client/index.ts";
import { serviceClient } from "../../src/client/kit/index.ts";
import { expectInvalidClient, readServiceTokenOk } from "./_svc.ts";

const ID = "DTP-SVC-005";
/** DTP: iss as well as sub is the client_id of an approved server device with an EC key. */
const ISS_SUB = "DTP-SVC-051";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, ISS_SUB],
    level: "MUST",
    area: "signing",
    title:
      "Assertion iss and sub must both be the client_id of an approved server device with an EC P-256 key → else 401 invalid_client",
    specRef: "RFC 7523 §3 (items 1, 2)",
    requires: ["dtp", "device_code", "client_credentials", "admin"],
    property: true,
  },
  async run(ctx) {
    const c = await serviceClient(ctx, { label: "svc005-c" });
    const d = await serviceClient(ctx, { label: "svc005-d" });
    const e = await serviceClient(ctx, { label: "svc005-e", clientType: "desktop_client" });
    const p = await serviceClient(ctx, { label: "svc005-p", approve: false });
    readServiceTokenOk(
      ctx,
      await sendAssertion(ctx, c.assertion(), { label: "control: valid assertion" }),
    );
    const stranger = ctx.clientId("svc005-none");

    type Case =
      | { kind: "sub-differs"; sub: string }
      | { kind: "iss-differs"; iss: string }
      | { kind: "both-other"; id: string }
      | { kind: "form-client-id-other" }
      | { kind: "not-a-server" }
      | { kind: "not-approved" };
    const otherId = fc
      .oneof(
        fc.constantFrom(d.clientId, stranger, c.clientId.toUpperCase(), `${c.clientId} `, ""),
        fc.stringMatching(/^[A-Za-z0-9._~-]{1,64}$/),
      )
      .filter((x) => x !== c.clientId);
    const arb: fc.Arbitrary<Case> = fc.oneof(
      fc.record({ kind: fc.constant("sub-differs" as const), sub: otherId }),
      fc.record({ kind: fc.constant("iss-differs" as const), iss: otherId }),
      fc.record({
        kind: fc.constant("both-other" as const),
        id: fc.constantFrom(d.clientId, stranger),
      }),
      fc.constantFrom<Case>(
        { kind: "form-client-id-other" },
        { kind: "not-a-server" },
        { kind: "not-approved" },
      ),
    );

    await fc.assert(
      fc.asyncProperty(arb, fc.boolean(), async (k, withClientId) => {
        let signer: ServiceClient = c;
        let claims: Record<string, unknown> = {};
        let formClientId: string | undefined;
        let what: string;
        switch (k.kind) {
          case "sub-differs":
            claims = { sub: k.sub };
            formClientId = withClientId ? c.clientId : undefined;
            what = `iss ${c.clientId}, sub ${JSON.stringify(k.sub)}`;
            break;
          case "iss-differs":
            claims = { iss: k.iss };
            formClientId = withClientId ? c.clientId : undefined;
            what = `iss ${JSON.stringify(k.iss)}, sub ${c.clientId}`;
            break;
          case "both-other":
            claims = { iss: k.id, sub: k.id };
            formClientId = withClientId ? k.id : undefined;
            what = `iss = sub = ${k.id}, signed by ${c.clientId}`;
            break;
          case "form-client-id-other":
            formClientId = d.clientId;
            what = `assertion for ${c.clientId}, form client_id ${d.clientId}`;
            break;
          case "not-a-server":
            signer = e;
            formClientId = withClientId ? e.clientId : undefined;
            what = `an approved desktop_client (${e.clientId})`;
            break;
          case "not-approved":
            signer = p;
            formClientId = withClientId ? p.clientId : undefined;
            what = `a server device still pending (${p.clientId})`;
            break;
        }
        const assertion = signer.assertion({ overrides: { claims } });
        const res = await sendAssertion(ctx, assertion, {
          ...(formClientId !== undefined ? { clientId: formClientId } : {}),
          label: `service token: ${what}${formClientId !== undefined ? " (client_id in form)" : ""}`,
        });
        // A wrong sub is the RFC rule; a wrong iss or a client that is no approved server
        // device is DTP's.
        const dtpOnly =
          k.kind === "iss-differs" || k.kind === "not-a-server" || k.kind === "not-approved";
        expectInvalidClient(res, dtpOnly ? ISS_SUB : ID);
      }),
      {
        ...ctx.fc,
        examples: (
          [
            { kind: "sub-differs", sub: d.clientId },
            { kind: "iss-differs", iss: d.clientId },
            { kind: "sub-differs", sub: stranger },
            { kind: "iss-differs", iss: stranger },
            { kind: "both-other", id: stranger },
            { kind: "both-other", id: d.clientId },
            { kind: "form-client-id-other" },
            { kind: "not-a-server" },
            { kind: "not-approved" },
          ] as Case[]
        ).map((k): [Case, boolean] => [k, false]),
      },
    );
  },
};
