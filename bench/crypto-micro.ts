/**
 * Micro-benchmarks behind BENCHMARKS.md's analysis of the misses: the CPU cost per call of
 * what the reference server's hot paths do (ES256 sign and verify, access-token
 * verification as it is and with a cached JWKS, building a protocol error). CPU time
 * (process.cpuUsage, threadpool included), so the figures hold better than wall time on
 * a shared machine; each case runs twice, the second after the first warmed it up.
 *
 *   node bench/crypto-micro.ts [--quick]
 */
import { createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";
import { parseArgs } from "node:util";
import { createLocalJWKSet, jwtVerify } from "jose";
import { OAuthError } from "../reference-server/errors.ts";
import {
  createSigningKey,
  publicJwks,
  signAccessToken,
  verifyAccessToken,
} from "../src/protocol/access-token.ts";
import { signEs256, verifyEs256 } from "../src/protocol/ecdsa.ts";
import { machineLine, table } from "./lib/report.ts";

const { values } = parseArgs({ options: { quick: { type: "boolean", default: false } } });
const N = values.quick ? 50 : 3000;

const key = createSigningKey();
const keys = [key];
const issuer = "http://127.0.0.1:1";
const now = Math.floor(Date.now() / 1000);
const token = signAccessToken(key, {
  iss: issuer,
  sub: "device",
  aud: issuer,
  client_id: "device",
  exp: now + 3600,
  iat: now,
  jti: "jti",
  scope: "me login",
  dtp_kind: "device",
});
const [h, p, s] = token.split(".") as [string, string, string];
const input = Buffer.from(`${h}.${p}`);
const signature = Buffer.from(s, "base64url");
const publicKey = createPublicKey(key.privateKey);
const cachedJwks = createLocalJWKSet(publicJwks(keys));
const joseOptions = {
  algorithms: ["ES256"],
  typ: "at+jwt",
  issuer,
  audience: issuer,
  currentDate: new Date(now * 1000),
  requiredClaims: ["iss", "sub", "aud", "exp", "iat", "jti", "client_id"],
};
const ed = generateKeyPairSync("ed25519");
const edSignature = sign(null, input, ed.privateKey);

/** µs of CPU per call. */
async function cpuPerCall(f: () => unknown): Promise<number> {
  for (let i = 0; i < Math.max(10, N / 10); i++) await f();
  const start = process.cpuUsage();
  for (let i = 0; i < N; i++) await f();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / N;
}

const cases: [string, () => unknown][] = [
  [
    "ES256 sign (node:crypto, dsaEncoding option)",
    () => sign("sha256", input, { key: key.privateKey, dsaEncoding: "ieee-p1363" }),
  ],
  [
    "ES256 verify (node:crypto, dsaEncoding option)",
    () => verify("sha256", input, { key: publicKey, dsaEncoding: "ieee-p1363" }, signature),
  ],
  ["ES256 sign, bare KeyObject + r‖s in JS (signEs256)", () => signEs256(key.privateKey, input)],
  [
    "ES256 verify, bare KeyObject + r‖s in JS (verifyEs256)",
    () => verifyEs256(publicKey, input, signature),
  ],
  [
    "verifyAccessToken (jose, new JWKS per call)",
    () => verifyAccessToken(token, { keys, issuer, now }),
  ],
  ["jose jwtVerify, JWKS built once", () => jwtVerify(token, cachedJwks, joseOptions)],
  ["Ed25519 sign (node:crypto)", () => sign(null, input, ed.privateKey)],
  ["Ed25519 verify (node:crypto)", () => verify(null, input, ed.publicKey, edSignature)],
  ["new OAuthError (stack captured)", () => new OAuthError("authorization_pending", "pending")],
  [
    "the same without a stack",
    () => {
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
      try {
        return new OAuthError("authorization_pending", "pending");
      } finally {
        Error.stackTraceLimit = limit;
      }
    },
  ],
];

console.log(`bench:micro — ${machineLine()}; ${N} calls per case`);
const rows: string[][] = [];
for (const [name, f] of cases) {
  const first = await cpuPerCall(f);
  const second = await cpuPerCall(f);
  rows.push([name, first.toFixed(1), second.toFixed(1)]);
}
console.log(table(["operation", "µs CPU/call", "again"], rows));
