import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../reference-server/index.ts";
import { encodeCompactJws, hmacSigner, noneSigner } from "../../src/protocol/jws.ts";
import { claims, deviceWithTokens, manualClock, me, send, start } from "./helpers.ts";

let s: RunningServer;
const clock = manualClock();
let token: string;
let clientId: string;
beforeAll(async () => {
  s = await start({ clock: clock.now });
  const d = await deviceWithTokens(s);
  token = d.tokens.body.access_token;
  clientId = d.clientId;
});
afterAll(() => s.close());

const challenge = (r: { headers: Headers }) => r.headers.get("www-authenticate") ?? "";
const invalidToken = (r: { status: number; headers: Headers }) => {
  expect(r.status).toBe(401);
  expect(challenge(r)).toMatch(/^Bearer realm="dtp", error="invalid_token"/);
  expect(r.headers.get("content-type")).toMatch(/^application\/problem\+json/);
};

describe("getMe", () => {
  it("says who the token stands for, no-store", async () => {
    const r = await me(s, token);
    expect(r.status).toBe(200);
    expect(r.headers.get("cache-control")).toBe("no-store");
    expect(r.body).toEqual({
      sub: clientId,
      client_id: clientId,
      token_kind: "device",
      scope: ["me", "login"],
    });
  });

  it("no token (or one in the query) → 401 challenge without error", async () => {
    for (const url of [`${s.url}/me`, `${s.url}/me?access_token=${token}`]) {
      const r = await send(url);
      expect(r.status).toBe(401);
      expect(challenge(r)).toMatch(/^Bearer realm="dtp"/);
      expect(challenge(r)).not.toMatch(/error=/);
      expect(r.body.type).toBe("https://dtp.dev/problems/unauthorized");
    }
  });

  it("malformed, forged, unsigned and HMAC tokens → invalid_token", async () => {
    invalidToken(await me(s, "not-a-jwt"));
    invalidToken(await send(`${s.url}/me`, { headers: { authorization: "Bearer a b" } }));
    const c = claims(token);
    invalidToken(await me(s, encodeCompactJws({ typ: "at+jwt" }, c, noneSigner)));
    const jwks = (await send(`${s.url}/jwks`)).body;
    const hs = encodeCompactJws(
      { typ: "at+jwt", kid: jwks.keys[0].kid },
      c,
      hmacSigner(JSON.stringify(jwks.keys[0])),
    );
    invalidToken(await me(s, hs));
    const [h, p, sig] = token.split(".");
    const flipped = `${h}.${p}.${sig!.slice(0, -2)}${sig!.endsWith("AA") ? "BB" : "AA"}`;
    invalidToken(await me(s, flipped));
  });

  it("expired tokens → invalid_token", async () => {
    const d = await deviceWithTokens(s);
    clock.advance(4000);
    invalidToken(await me(s, d.tokens.body.access_token));
  });
});
