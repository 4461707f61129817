/**
 * A service client (RFC 7523 §2.2, RFC 6749 §4.4): a back-end client with an EC P-256 key
 * that exchanges a signed JWT assertion (ES256, `iss` = `sub` = client_id, `aud` = the
 * issuer, single-use `jti`, at most 300 s) for a scoped access token. DTP: a device with
 * `client_type=server` whose registered key is that EC P-256 key.
 */
import type { HttpResponse } from "../check/http.ts";
import {
  CLIENT_ASSERTION_TYPE,
  type CreateClientAssertionOptions,
  createClientAssertion,
} from "../protocol/assertion.ts";
import type { DeviceKey } from "../protocol/keys.ts";
import type { DtpContext } from "./context.ts";
import { endpoint, issuerOf } from "./metadata.ts";
import { ownerOf } from "./owners.ts";
import { TokenHolder } from "./token-holder.ts";
import { readStepTokens } from "./tokens.ts";

export interface ServiceTokenRequest {
  scope?: string;
  /** A `client_id` form parameter (RFC 7523 §3: optional). */
  clientId?: string;
  label?: string;
}

/**
 * `POST /token` `grant_type=client_credentials` with `assertion` and no other client
 * authentication (the answer): the assertion alone names the client.
 */
export function sendAssertion(
  ctx: DtpContext,
  assertion: string,
  options: ServiceTokenRequest = {},
): Promise<HttpResponse> {
  return ctx.http.request({
    method: "POST",
    url: endpoint(ctx.target, "token_endpoint"),
    form: {
      grant_type: "client_credentials",
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: assertion,
      scope: options.scope,
      client_id: options.clientId,
    },
    label: options.label ?? "service token (client_credentials)",
  });
}

export class ServiceClient {
  readonly clientId: string;
  readonly key: DeviceKey;
  /** The `public_key` it registered (base64 DER), when known. */
  readonly publicKey: string | undefined;
  readonly ctx: DtpContext;

  /**
   * @example
   * const service = new ServiceClient(dtp, { clientId: "billing", key });
   * const tokens = await service.token({ scope: "me service" });
   */
  constructor(ctx: DtpContext, options: { clientId: string; key: DeviceKey; publicKey?: string }) {
    this.ctx = ctx;
    this.clientId = options.clientId;
    this.key = options.key;
    this.publicKey = options.publicKey;
  }

  /** A valid assertion (now, 60 s), with `over` applied. */
  assertion(over: Partial<CreateClientAssertionOptions> = {}): string {
    return createClientAssertion({
      privateKey: this.key.privateKey,
      clientId: this.clientId,
      audience: issuerOf(this.ctx.target),
      iat: Math.floor(this.ctx.clock.now() / 1000),
      ...over,
    });
  }

  /** `POST /token` `grant_type=client_credentials` with `assertion` (the answer). */
  send(assertion: string, options: ServiceTokenRequest = {}): Promise<HttpResponse> {
    return sendAssertion(this.ctx, assertion, options);
  }

  /**
   * A service token (must succeed: the service token's owner, or `requirement`), renewed
   * with a new assertion when it runs out.
   */
  async token(options: ServiceTokenRequest & { requirement?: string } = {}): Promise<TokenHolder> {
    const owner = ownerOf("serviceToken", options.requirement);
    const get = async () =>
      readStepTokens(
        this.ctx,
        await this.send(this.assertion(), options),
        owner,
        "a service token",
      );
    return new TokenHolder(this.ctx, await get(), {
      what: "service token",
      kind: "service",
      clientId: this.clientId,
      renew: get,
    });
  }
}
