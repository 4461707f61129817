/**
 * DTP-SIG-002 (MUST, RFC 9421 §2.3, §3.2, §4.1):
 * "A signed re-registration MUST carry both `Signature-Input` and `Signature` with a
 * signature labelled `sig1` whose covered components include `"@method"`, `"@target-uri"`,
 * `"content-digest"` and `"content-type"` and whose parameters include `created`,
 * `expires`, `nonce`, `keyid` and `alg`; a request with only one of the two headers, or
 * missing any of these components or parameters, MUST be rejected with 401 OAuth error
 * `invalid_signature`."
 *
 * DTP-SIG-012 (MUST, SAFEQ Cloud "Register device"; DTP):
 * "A rejected signed re-registration MUST be answered 401 `{"error": "invalid_signature"}`
 * (OAuth error format) and MUST NOT create a registration or change the existing device."
 *
 * DTP-SIG-012 (MUST): "A rejected signed re-registration MUST be answered 401
 * `{"error": "invalid_signature"}` (OAuth error format) and MUST NOT create a registration
 * or change the existing device."
 *
 * Property: any non-empty combination of structural defects (a header dropped, a required
 * component or parameter left out, the signature labelled other than `sig1`, labels that
 * do not match) in an otherwise valid signed re-registration → 401 `invalid_signature`,
 * and the admin API shows no new registration and the device unchanged. Every single defect
 * is also run as an explicit example.
 */
import fc from "fast-check";
import type { Check } from "../../src/check/check.ts";
import { generateDeviceKey, type SignKnobs } from "../../src/client/index.ts";
import { DEFAULT_COMPONENTS } from "../../src/protocol/http-signature.ts";
import { randomToken } from "../../src/protocol/random.ts";
import {
  auditApproved,
  expectSignatureAccepted,
  expectSignatureRejected,
  reRegistration,
  send,
  sigDevice,
  signAs,
  signedReRegistration,
  withoutHeaders,
} from "./_sig.ts";

const ID = "DTP-SIG-002";
const PARAMS = ["created", "expires", "nonce", "keyid", "alg"] as const;

type Defect =
  | { kind: "drop-header"; header: "signature" | "signature-input" }
  | { kind: "no-component"; component: string }
  | { kind: "no-param"; param: (typeof PARAMS)[number] }
  | { kind: "label"; label: string }
  | { kind: "label-mismatch"; label: string };

const singles: Defect[] = [
  { kind: "drop-header", header: "signature" },
  { kind: "drop-header", header: "signature-input" },
  ...DEFAULT_COMPONENTS.map((component): Defect => ({ kind: "no-component", component })),
  ...PARAMS.map((param): Defect => ({ kind: "no-param", param })),
  { kind: "label", label: "sig2" },
  { kind: "label-mismatch", label: "sig2" },
];

const label = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/).filter((l) => l !== "sig1");
const defect: fc.Arbitrary<Defect> = fc.oneof(
  fc.constantFrom(...singles.filter((d) => d.kind !== "label" && d.kind !== "label-mismatch")),
  label.map((l): Defect => ({ kind: "label", label: l })),
  label.map((l): Defect => ({ kind: "label-mismatch", label: l })),
);

function describeDefects(defects: Defect[]): string {
  return defects
    .map((d) =>
      d.kind === "drop-header"
        ? `no ${d.header}`
        : d.kind === "no-component"
          ? `no "${d.component}"`
          : d.kind === "no-param"
            ? `no ${d.param}`
            : d.kind === "label"
              ? `label ${d.label}`
              : `Signature labelled ${d.label}`,
    )
    .join(", ");
}

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID, "DTP-SIG-012"],
    level: "MUST",
    area: "signing",
    title:
      "A signed re-registration without both headers, sig1, a required component or parameter → 401 invalid_signature, nothing registered",
    specRef: "RFC 9421 §2.3, §3.2, §4.1",
    requires: ["dtp", "device_code", "http_signatures", "admin"],
    property: true,
  },
  async run(ctx) {
    const device = await sigDevice(ctx, await generateDeviceKey("ed25519"), "ed25519", {
      label: "sig002",
    });
    // Control: the same request, correctly signed, is accepted.
    await expectSignatureAccepted(
      ctx,
      await send(device, await signedReRegistration(device), "control: valid signature"),
      device,
      "DTP-SIG-001",
    );

    const rejected = async (defects: Defect[]) => {
      const knobs: SignKnobs = {};
      const components = new Set(DEFAULT_COMPONENTS);
      for (const d of defects) {
        if (d.kind === "no-component") components.delete(d.component);
        if (d.kind === "no-param") knobs[d.param] = null;
        if (d.kind === "label") knobs.label = d.label;
      }
      knobs.components = [...components];
      const req = await reRegistration(device, { client_description: `sig002 ${randomToken(6)}` });
      const signed = signAs(device, req, knobs);
      let headers = signed.headers;
      for (const d of defects) {
        if (d.kind === "drop-header") headers = withoutHeaders(headers, d.header);
        if (d.kind === "label-mismatch" && headers.signature !== undefined) {
          headers = {
            ...headers,
            signature: headers.signature.replace(/^[^=]+=/, `${d.label}=`),
          };
        }
      }
      const res = await send(
        device,
        { body: signed.body, headers },
        `signed re-registration: ${describeDefects(defects)}`,
      );
      await expectSignatureRejected(ctx, res, device, ID);
    };
    for (const d of singles) await ctx.case(describeDefects([d]), () => rejected([d]));
    await ctx.property(
      "combinations of defects",
      fc.asyncProperty(
        // Dropping both headers makes an unsigned registration (legitimately pending): not a defect.
        fc
          .uniqueArray(defect, { minLength: 1, maxLength: 3, selector: (d) => JSON.stringify(d) })
          .filter((ds) => ds.filter((d) => d.kind === "drop-header").length < 2),
        rejected,
      ),
    );
    await auditApproved(ctx, device);
  },
};
