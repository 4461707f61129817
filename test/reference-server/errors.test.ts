import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../reference-server/index.ts";
import { basic, deviceWithTokens, newId, send, start } from "./helpers.ts";

let s: RunningServer;
let userToken: string;
beforeAll(async () => {
  s = await start();
  const d = await deviceWithTokens(s);
  const login = await send(`${s.url}/login`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${d.tokens.body.access_token}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: "username=alice&password=wonderland",
  });
  userToken = login.body.access_token;
});
afterAll(() => s.close());

const OAUTH = ["/register", "/token", "/login", "/revoke", "/introspect"];
const post = (
  path: string,
  body: string | Uint8Array,
  type = "application/x-www-form-urlencoded",
  headers = {},
) =>
  send(`${s.url}${path}`, { method: "POST", headers: { "content-type": type, ...headers }, body });

const oauthInvalid = (r: { status: number; body: { error?: string } }) => {
  expect(r.status).toBe(400);
  expect(r.body.error).toBe("invalid_request");
};

describe("bad input at OAuth endpoints", () => {
  it("malformed, non-UTF-8, wrong type, repeated parameters → 400 invalid_request", async () => {
    for (const path of OAUTH) {
      oauthInvalid(await post(path, "a=%zz"));
      oauthInvalid(await post(path, new Uint8Array([0x61, 0x3d, 0xff, 0xfe])));
      oauthInvalid(await post(path, '{"a":1}', "application/json"));
      oauthInvalid(await post(path, "token=a&token=b&grant_type=x&grant_type=y"));
    }
  });

  it("bodies over 64 KiB → 413 problem", async () => {
    for (const path of [...OAUTH, "/personal-tokens"]) {
      const r = await post(path, `a=${"x".repeat(70_000)}`);
      expect(r.status).toBe(413);
      expect(r.body.type).toBe("https://dtp.dev/problems/payload-too-large");
    }
  });

  it("ignores unknown parameters and treats empty ones as omitted", async () => {
    const id = newId();
    const r = await post(
      `/register`,
      `client_id=${id}&client_type=printer&response_type=device_code&frobnicate=1&scope=`,
      undefined,
      basic(s, id),
    );
    expect(r.status).toBe(200);
  });

  it("refuses two client authentication methods at once, whatever the grant", async () => {
    const assertion =
      "client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer&client_assertion=a.b.c";
    for (const grant of ["refresh_token", "urn:ietf:params:oauth:grant-type:device_code"]) {
      const r = await post(
        "/token",
        `grant_type=${grant}&refresh_token=x&device_code=x&${assertion}`,
        undefined,
        basic(s, "dev-1"),
      );
      expect([r.status, r.body.error]).toEqual([400, "invalid_request"]);
    }
  });

  it("never echoes a secret in an error", async () => {
    const secret = "super-secret-api-key-value";
    const r = await post("/token", `grant_type=refresh_token&refresh_token=${secret}`, undefined, {
      authorization: `Basic ${Buffer.from(`dev:${secret}`).toString("base64")}`,
    });
    expect(r.status).toBe(401);
    expect(r.text).not.toContain(secret);
    expect([...r.headers.values()].join(" ")).not.toContain(secret);
  });
});

describe("every 401 carries a challenge (DTP-ERR-057)", () => {
  const challenged = (r: { status: number; headers: Headers }) => {
    expect(r.status).toBe(401);
    expect(r.headers.get("www-authenticate")).toBe('Basic realm="dtp"');
  };

  it("a wrong client_secret in the body, at every endpoint that authenticates clients", async () => {
    const params: Record<string, string> = {
      "/register": "client_type=printer&response_type=device_code",
      "/token": "grant_type=refresh_token&refresh_token=x",
      "/revoke": "token=x",
      "/introspect": "token=x",
    };
    for (const [path, form] of Object.entries(params))
      challenged(await post(path, `${form}&client_id=${newId()}&client_secret=wrong`));
  });

  it("a client assertion of an unknown client, and a signature of an unknown device", async () => {
    challenged(
      await post(
        "/token",
        `grant_type=client_credentials&client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer&client_assertion=${"e30.e30.c2ln"}&client_id=${newId()}`,
      ),
    );
    const id = newId();
    challenged(
      await post(
        "/register",
        `client_id=${id}&client_type=printer&response_type=device_code`,
        undefined,
        {
          ...basic(s, id),
          "signature-input": 'sig1=("@method");created=1',
          signature: "sig1=:AAAA:",
        },
      ),
    );
  });
});

describe("bad input elsewhere", () => {
  it("answers problems with type, title, status and detail", async () => {
    const r = await send(`${s.url}/personal-tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${userToken}`, "content-type": "application/json" },
      body: "[1,2",
    });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      type: "https://dtp.dev/problems/invalid-request",
      title: expect.any(String),
      status: 400,
      detail: expect.any(String),
    });
  });
});
