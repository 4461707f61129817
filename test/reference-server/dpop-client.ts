/** A test client that holds a DPoP key and follows the server's `DPoP-Nonce`. */
import { createDpopProof } from "../../src/protocol/dpop.ts";
import type { DeviceKey } from "../../src/protocol/keys.ts";
import { formBody, type Res, send } from "./http.ts";

/** A client that holds a DPoP key and the latest server nonce. */
export class DpopClient {
  nonce: string | undefined;
  readonly key: DeviceKey;
  constructor(key: DeviceKey) {
    this.key = key;
  }
  proof(
    htm: string,
    htu: string,
    accessToken?: string,
    extra: { iat?: number; jti?: string } = {},
  ): string {
    return createDpopProof({
      key: { privateKey: this.key.privateKey, jwk: this.key.jwk },
      htm,
      htu,
      ...(accessToken === undefined ? {} : { accessToken }),
      ...(this.nonce === undefined ? {} : { nonce: this.nonce }),
      ...extra,
    });
  }
  /** Sends with a fresh proof; retries once when the server asks for a (new) nonce. */
  async send(
    method: string,
    url: string,
    init: RequestInit & { accessToken?: string } = {},
  ): Promise<Res> {
    for (let attempt = 0; ; attempt++) {
      const headers = new Headers(init.headers);
      headers.set("dpop", this.proof(method, url, init.accessToken));
      if (init.accessToken !== undefined) headers.set("authorization", `DPoP ${init.accessToken}`);
      const res = await send(url, { ...init, method, headers });
      const fresh = res.headers.get("dpop-nonce");
      if (fresh) this.nonce = fresh;
      const needsNonce =
        res.body?.error === "use_dpop_nonce" ||
        /use_dpop_nonce/.test(res.headers.get("www-authenticate") ?? "");
      if (!needsNonce || attempt > 0) return res;
    }
  }
  postForm(
    url: string,
    fields: Record<string, string | undefined>,
    headers: Record<string, string> = {},
  ) {
    return this.send("POST", url, {
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: formBody(fields),
    });
  }
}
