/**
 * Several instances on one database, with state that must be shared kept per process.
 *
 * The catalogue runs these targets as three instances (instance-proxies.ts) and the kit with
 * `--instance` over them; each fault keeps one kind of single-use or nonce state per
 * instance instead of in the store. On one instance the server is correct, so the catchers
 * pass without `--instance` (the catalogue test checks that too): only a kit that sends a
 * replay to another instance than the original sees these bugs (issue 18; the class of
 * Keycloak CVE-2026-1035).
 */
import type { OnceKind } from "../../../reference-server/store/types.ts";
import type { Fault } from "../types.ts";
import { combine, perInstance, store } from "./_lib.ts";

/** A replay cache of one kind kept per instance; the store's is not consulted for it. */
function onceCachePerInstance(kind: OnceKind) {
  const local = perInstance(() => new Set<string>());
  return combine(
    local.fixture,
    store((base) => ({
      consumeOnce: async (k, value, expiresAt) => {
        if (k !== kind) return base.consumeOnce(k, value, expiresAt);
        const seen = local.state();
        if (seen.has(value)) return false;
        seen.add(value);
        return true;
      },
    })),
  );
}

const NOTE =
  "Three instances of one server; the state named is kept per instance. Caught with --instance (a replay goes to another instance); missed without it.";

export const instances: Fault[] = [
  {
    id: "F-INST-01-dpop-jti-cache-per-instance",
    area: "instances",
    description:
      "Each instance remembers the DPoP proof jti values it has seen in its own memory: a proof replayed to another instance is accepted.",
    requirement: "DTP-DPOP-010",
    catchers: ["DTP-DPOP-010"],
    instances: 3,
    note: NOTE,
    fixture: () => onceCachePerInstance("dpop_jti"),
  },
  {
    id: "F-INST-02-signature-nonces-per-instance",
    area: "instances",
    description:
      "Each instance remembers used HTTP-signature nonces in its own memory: a signed request replayed to another instance is accepted.",
    requirement: "DTP-SIG-010",
    catchers: ["DTP-SIG-010"],
    instances: 3,
    note: NOTE,
    fixture: () => onceCachePerInstance("signature_nonce"),
  },
  {
    id: "F-INST-03-assertion-jti-per-instance",
    area: "instances",
    description:
      "Each instance remembers client-assertion jti values in its own memory: an assertion replayed to another instance gets a second service token.",
    requirement: "DTP-SVC-009",
    catchers: ["DTP-SVC-009"],
    instances: 3,
    note: NOTE,
    fixture: () => onceCachePerInstance("assertion_jti"),
  },
  {
    id: "F-INST-04-redemption-marks-per-instance",
    area: "instances",
    description:
      "Redeeming an approved device code is read-then-write against each instance's own memory: the same device code redeemed at another instance gets a second set of tokens.",
    requirement: "DTP-POLL-009",
    catchers: ["DTP-POLL-009"],
    instances: 3,
    note: NOTE,
    fixture: () => {
      const local = perInstance(() => new Set<string>());
      return combine(
        local.fixture,
        store((base) => ({
          registrationByDeviceCodeHash: async (hash) => {
            const r = await base.registrationByDeviceCodeHash(hash);
            return r
              ? { ...r, redeemedAt: local.state().has(r.id) ? (r.redeemedAt ?? 0) : null }
              : r;
          },
          redeemRegistration: async (id, now) => {
            const redeemed = local.state();
            if (redeemed.has(id)) return false;
            redeemed.add(id);
            await base.redeemRegistration(id, now);
            return true;
          },
        })),
      );
    },
  },
  {
    id: "F-INST-05-rotation-marks-per-instance",
    area: "instances",
    description:
      "Refresh-token rotation is recorded in each instance's memory: a rotated refresh token presented to another instance is accepted again.",
    requirement: "DTP-REF-003",
    catchers: ["DTP-REF-002"],
    instances: 3,
    note: NOTE,
    fixture: () => {
      const local = perInstance(() => new Map<string, number>());
      return combine(
        local.fixture,
        store((base) => ({
          refreshToken: async (hash) => {
            const t = await base.refreshToken(hash);
            return t && { ...t, rotatedAtMs: local.state().get(hash) ?? null };
          },
          rotateRefreshToken: async (hash, nowMs) => {
            const rotated = local.state();
            if (!(await base.refreshToken(hash)) || rotated.has(hash)) return false;
            rotated.set(hash, nowMs);
            return true;
          },
        })),
      );
    },
  },
  {
    id: "F-INST-06-dpop-nonces-per-instance",
    area: "instances",
    description:
      "Each instance issues and accepts DPoP server nonces from its own memory: a nonce one instance handed out is refused by the next, so a client that follows the protocol never gets through.",
    requirement: "DTP-DPOP-017",
    catchers: ["DTP-DPOP-017"],
    instances: 3,
    options: { dpopNonceRequired: true },
    note: NOTE,
    fixture: () => {
      const local = perInstance(() => new Map<string, number>());
      return combine(
        local.fixture,
        store(() => ({
          addDpopNonce: async (value, expiresAt) => {
            local.state().set(value, expiresAt);
          },
          dpopNonceValid: async (value, now) => (local.state().get(value) ?? 0) > now,
          latestDpopNonce: async (now) => {
            let latest: { value: string; expiresAt: number } | undefined;
            for (const [value, expiresAt] of local.state()) {
              if (expiresAt > now && (!latest || expiresAt > latest.expiresAt))
                latest = { value, expiresAt };
            }
            return latest;
          },
        })),
      );
    },
  },
];
