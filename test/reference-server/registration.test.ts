import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../reference-server/index.ts";
import {
  type DeviceKey,
  generateDeviceKey,
  registrationKeyFields,
} from "../../src/protocol/keys.ts";
import { admin, basic, newId, postForm, register, send, start } from "./helpers.ts";

let s: RunningServer;
let rsa: DeviceKey;
let ec: DeviceKey;
let ed: DeviceKey;
beforeAll(async () => {
  s = await start();
  [rsa, ec, ed] = await Promise.all([
    generateDeviceKey("rsa"),
    generateDeviceKey("ec-p256"),
    generateDeviceKey("ed25519"),
  ]);
});
afterAll(() => s.close());

const reg = (fields: Record<string, string | undefined>, headers?: Record<string, string>) => {
  const clientId = fields.client_id ?? "x";
  return postForm(
    `${s.url}/register`,
    { client_type: "printer", response_type: "device_code", ...fields },
    headers ?? basic(s, clientId),
  );
};

describe("registerDevice", () => {
  it("answers the device authorization response, no-store, pending", async () => {
    const d = await register(s, { extra: { state: "st-1", client_description: "Front desk" } });
    expect(d.reg.status).toBe(200);
    expect(d.reg.headers.get("cache-control")).toBe("no-store");
    expect(d.reg.headers.get("pragma")).toBe("no-cache");
    const b = d.reg.body;
    expect(b.device_code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(b.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(b.verification_uri).toBe(`${s.url}/device`);
    expect(b.verification_uri_complete).toBe(`${s.url}/device?user_code=${b.user_code}`);
    expect(b).toMatchObject({ expires_in: 15, interval: 1, state: "st-1" });
    const list = await send(`${s.url}/admin/registrations`, { headers: admin(s) });
    expect(list.body.registrations).toContainEqual(
      expect.objectContaining({
        user_code: b.user_code,
        client_id: d.clientId,
        status: "pending",
        client_description: "Front desk",
      }),
    );
  });

  it("omits state when none was sent (an empty parameter counts as omitted)", async () => {
    const id = newId();
    const ok = await reg({ client_id: id, state: "" }, basic(s, id));
    expect(ok.status).toBe(200);
    expect(ok.body).not.toHaveProperty("state");
  });

  it("accepts every client type and rejects others", async () => {
    for (const t of ["printer", "chrome_extension", "desktop_client", "mobile_device", "server"]) {
      const id = newId();
      expect((await reg({ client_id: id, client_type: t }, basic(s, id))).status).toBe(200);
    }
    const id = newId();
    const bad = await reg({ client_id: id, client_type: "toaster" }, basic(s, id));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe("invalid_request");
    expect(bad.body.error_description).toContain("client_type");
    expect(bad.body.error_description).not.toMatch(/["\\]/);
  });

  it("accepts client_secret_post, refuses both methods at once and bad keys", async () => {
    const id = newId();
    const post = await reg({ client_id: id, client_secret: s.apiKey }, {});
    expect(post.status).toBe(200);
    const both = await reg({ client_id: id, client_secret: s.apiKey }, basic(s, id));
    expect(both.body.error).toBe("invalid_request");
    const wrong = await reg(
      { client_id: id },
      { authorization: `Basic ${Buffer.from(`${id}:nope`).toString("base64")}` },
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe("invalid_client");
    expect(wrong.headers.get("www-authenticate")).toBe('Basic realm="dtp"');
    const none = await reg({ client_id: id }, {});
    expect(none.status).toBe(401);
  });

  it("validates client_id, response_type, lengths and scope", async () => {
    const id = newId();
    const mismatch = await reg({ client_id: "other" }, basic(s, id));
    expect([mismatch.status, mismatch.body.error]).toEqual([400, "invalid_request"]);
    const badId = "bad id!";
    expect((await reg({ client_id: badId }, basic(s, badId))).body.error).toBe("invalid_request");
    expect((await reg({ client_id: "a".repeat(129) }, basic(s, "a".repeat(129)))).body.error).toBe(
      "invalid_request",
    );
    expect((await reg({ client_id: id, response_type: undefined }, basic(s, id))).body.error).toBe(
      "invalid_request",
    );
    expect((await reg({ client_id: id, response_type: "code" }, basic(s, id))).body.error).toBe(
      "unsupported_response_type",
    );
    expect(
      (await reg({ client_id: id, client_description: "d".repeat(257) }, basic(s, id))).body.error,
    ).toBe("invalid_request");
    expect((await reg({ client_id: id, state: "s".repeat(513) }, basic(s, id))).body.error).toBe(
      "invalid_request",
    );
    expect((await reg({ client_id: id, scope: "me admin" }, basic(s, id))).body.error).toBe(
      "invalid_scope",
    );
    expect((await reg({ client_id: id, scope: "login" }, basic(s, id))).status).toBe(200);
  });

  it("accepts every key encoding and shows its jkt to the administrator", async () => {
    const cases: [DeviceKey, "rsa" | "x509" | "ed25519", { rawEd25519?: boolean }][] = [
      [rsa, "rsa", {}],
      [rsa, "x509", {}],
      [ec, "x509", {}],
      [ed, "x509", {}],
      [ed, "ed25519", {}],
      [ed, "ed25519", { rawEd25519: true }],
    ];
    for (const [key, keyType, options] of cases) {
      const id = newId();
      const fields = await registrationKeyFields(key, keyType, options);
      const r = await reg({ client_id: id, ...fields }, basic(s, id));
      expect(r.status, `${key.kind} as ${keyType}`).toBe(200);
      const list = await send(`${s.url}/admin/registrations`, { headers: admin(s) });
      const item = list.body.registrations.find((x: { client_id: string }) => x.client_id === id);
      expect(item).toMatchObject({ key_type: keyType, jkt: key.jkt });
    }
  });

  it("rejects bad keys, and one of public_key/key_type without the other, naming the field", async () => {
    const id = newId();
    const spki = (await registrationKeyFields(ec, "x509")).public_key;
    const edSpki = (await registrationKeyFields(ed, "ed25519")).public_key;
    const cases: [Record<string, string>, string][] = [
      [{ public_key: edSpki }, "key_type"],
      [{ key_type: "rsa" }, "public_key"],
      [{ public_key: edSpki, key_type: "dsa" }, "key_type"],
      [{ public_key: "!!notbase64", key_type: "rsa" }, "public_key"],
      [{ public_key: edSpki, key_type: "rsa" }, "public_key"],
      [{ public_key: spki, key_type: "ed25519" }, "public_key"],
      [{ public_key: Buffer.alloc(31).toString("base64"), key_type: "ed25519" }, "public_key"],
    ];
    for (const [fields, field] of cases) {
      const r = await reg({ client_id: id, ...fields }, basic(s, id));
      expect(r.status, JSON.stringify(fields)).toBe(400);
      expect(r.body.error).toBe("invalid_request");
      expect(r.body.error_description).toContain(field);
    }
  });
});
