/**
 * DTP-SVC-007 (MUST, RFC 7523 §3 (item 9), §3.2; RFC 8725 §3.1):
 * "A client assertion whose signature does not verify with the client's registered key MUST
 * be rejected with OAuth error `invalid_client`."
 *
 * One approved `server` device. Property: an otherwise valid ES256 assertion signed by
 * another P-256 key, with one bit flipped in its header, payload or signature, with its
 * signature truncated, emptied, or taken from another valid assertion of the same device
 * → 401 `invalid_client`.
 *
 * Wrong actor: a second approved service client's real registered key signs an assertion
 * that names the first client (iss = sub = its client_id) → 401 `invalid_client`, with and
 * without client_id in the form.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { sendAssertion } from "../../src/client/index.ts";
import { otherServiceClient, serviceClient } from "../../src/client/kit/index.ts";
import { flipJwsBit, generateDeviceKey } from "../../src/protocol/index.ts";
import { expectInvalidClient, readServiceTokenOk } from "./_svc.ts";

const ID = "DTP-SVC-007";

type Mutation =
  | { kind: "other-key" }
  | { kind: "flip"; part: "header" | "payload" | "signature"; bit: number }
  | { kind: "truncate"; keep: number }
  | { kind: "empty-signature" }
  | { kind: "spliced-signature" };

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "signing",
    title:
      "An assertion whose signature does not verify with the device key (other key, flipped bits, spliced) → 401 invalid_client",
    specRef: "RFC 7523 §3 (item 9); RFC 8725 §3.1",
    requires: ["dtp", "device_code", "client_credentials", "admin"],
    property: true,
  },
  async run(ctx) {
    const client = await serviceClient(ctx, { label: "svc007" });
    const other = await generateDeviceKey("ec-p256");
    readServiceTokenOk(
      ctx,
      await sendAssertion(ctx, client.assertion(), {
        label: "control: valid assertion",
      }),
    );
    const second = await otherServiceClient(ctx);
    for (const withClientId of [false, true]) {
      if (!second) break;
      await ctx.wrongActor(
        ID,
        `signed by another service client's registered key${withClientId ? " (client_id in the form)" : ""}`,
        async () => {
          const res = await sendAssertion(
            ctx,
            client.assertion({ privateKey: second.key.privateKey }),
            {
              ...(withClientId ? { clientId: client.clientId } : {}),
              label: `service token for ${client.clientId}, signed by ${second.clientId}'s key`,
            },
          );
          expectInvalidClient(res, ID);
        },
      );
    }
    const mutation: fc.Arbitrary<Mutation> = fc.oneof(
      fc.constant<Mutation>({ kind: "other-key" }),
      fc.record({
        kind: fc.constant("flip" as const),
        part: fc.constantFrom("header" as const, "payload" as const, "signature" as const),
        bit: fc.nat({ max: 4095 }),
      }),
      fc.record({ kind: fc.constant("truncate" as const), keep: fc.nat({ max: 63 }) }),
      fc.constant<Mutation>({ kind: "empty-signature" }),
      fc.constant<Mutation>({ kind: "spliced-signature" }),
    );

    await fc.assert(
      fc.asyncProperty(mutation, fc.boolean(), async (m, withClientId) => {
        let assertion: string;
        let what: string;
        if (m.kind === "other-key") {
          assertion = client.assertion({ privateKey: other.privateKey });
          what = "signed by another P-256 key";
        } else {
          const valid = client.assertion();
          const [h, p, s] = valid.split(".") as [string, string, string];
          if (m.kind === "flip") {
            assertion = flipJwsBit(valid, m.part, m.bit);
            what = `bit ${m.bit} of the ${m.part} flipped`;
          } else if (m.kind === "truncate") {
            const sig = Buffer.from(s, "base64url");
            assertion = `${h}.${p}.${sig.subarray(0, m.keep % sig.length).toString("base64url")}`;
            what = `signature truncated to ${m.keep % sig.length} bytes`;
          } else if (m.kind === "empty-signature") {
            assertion = `${h}.${p}.`;
            what = "empty signature";
          } else {
            const another = client.assertion().split(".")[2]!;
            assertion = `${h}.${p}.${another}`;
            what = "the signature of another assertion";
          }
        }
        const res = await sendAssertion(ctx, assertion, {
          ...(withClientId ? { clientId: client.clientId } : {}),
          label: `service token: ${what}`,
        });
        expectInvalidClient(res, ID);
      }),
      {
        ...ctx.fc,
        examples: (
          [
            { kind: "other-key" },
            { kind: "flip", part: "header", bit: 0 },
            { kind: "flip", part: "payload", bit: 0 },
            { kind: "flip", part: "signature", bit: 0 },
            { kind: "truncate", keep: 32 },
            { kind: "empty-signature" },
            { kind: "spliced-signature" },
          ] as Mutation[]
        ).map((m): [Mutation, boolean] => [m, false]),
      },
    );
  },
};
