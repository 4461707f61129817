/** The test-fixture hook (for the broken-server catalogue): a wrapped store or a replaced operation. */
import { describe, expect, it } from "vitest";
import { json } from "../../reference-server/http/reply.ts";
import {
  OPERATIONS,
  SHORT_LIFETIMES,
  type Store,
  startReferenceServer,
} from "../../reference-server/index.ts";
import { deviceWithTokens, refresh, send } from "./helpers.ts";

describe("server fixtures", () => {
  it("a store that forgets rotations lets a rotated refresh token through (the fault shows)", async () => {
    const s = await startReferenceServer(
      { store: { kind: "memory" }, lifetimes: SHORT_LIFETIMES },
      {
        wrapStore: (store) => {
          // A wrapper runs transactions on its view of their tx, so the fault holds inside
          // them too.
          const forgetful = (base: Store): Store => ({
            ...base,
            transaction: (fn) => base.transaction((tx) => fn(forgetful(tx))),
            rotateRefreshToken: async () => true,
          });
          return forgetful(store);
        },
      },
    );
    try {
      const d = await deviceWithTokens(s);
      expect((await refresh(s, d, d.tokens.body.refresh_token)).status).toBe(200);
      expect((await refresh(s, d, d.tokens.body.refresh_token)).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it("an operation can be replaced", async () => {
    const s = await startReferenceServer(
      { store: { kind: "memory" } },
      {
        operations: { getJwks: { ...OPERATIONS.getJwks!, handler: () => json(200, { keys: [] }) } },
      },
    );
    try {
      expect((await send(`${s.url}/jwks`)).body).toEqual({ keys: [] });
    } finally {
      await s.close();
    }
  });
});
