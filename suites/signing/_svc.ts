/**
 * The DTP-SVC checks' own part: the answer to a refused assertion (401 `invalid_client`),
 * the control request that must succeed, and JWS signers for the curves the kit's
 * `keySigner` does not make (ES384, ES512: assertions signed the wrong way). Service
 * clients, assertions and requests come from src/client (`serviceClient`, `ServiceClient`,
 * `sendAssertion`).
 */
import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import type { CheckContext } from "../../src/check/check.ts";
import { expectOAuthError } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { readTokens, type TokenSet } from "../../src/client/index.ts";
import type { JwsSigner } from "../../src/protocol/index.ts";

/** A control request with a valid assertion must succeed (DTP-SVC-001). */
export function readServiceTokenOk(ctx: CheckContext, res: HttpResponse): TokenSet {
  return readTokens(ctx, res, "DTP-SVC-001");
}

/** 401 `invalid_client` (RFC 6749 §5.2). */
export function expectInvalidClient(res: HttpResponse, requirement: string): void {
  expectOAuthError(res, { status: 401, error: "invalid_client" }, requirement);
}

/** A JWS signer for ES384 / ES512 (P-384 / P-521 keys), which `keySigner` does not make. */
export function ecSigner(alg: "ES384" | "ES512", privateKey: KeyObject): JwsSigner {
  const hash = alg === "ES384" ? "sha384" : "sha512";
  return {
    alg,
    sign: (input) => sign(hash, input, { key: privateKey, dsaEncoding: "ieee-p1363" }),
  };
}

/** An EC key pair on P-384 (for ES384 attacks). */
export function p384Key(): KeyObject {
  return generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey;
}
