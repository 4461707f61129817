/**
 * dtp-kit/client: the DTP client library. A device program connects to a server, registers
 * (with a key), waits for approval, calls protected resources with live tokens (DPoP when it
 * has a key), refreshes, and re-registers with a signature; services get tokens with signed
 * assertions; users log in through a device and create personal tokens; administrators use
 * the admin API. Requests go through an {@link Http} and a clock (a `DtpContext`), so the
 * same code runs in a device and in the conformance kit's checks.
 */

export * from "./admin.ts";
export * from "./auth.ts";
export * from "./connect.ts";
export * from "./context.ts";
export * from "./device.ts";
export * from "./dpop-session.ts";
export * from "./jwks.ts";
export * from "./keys.ts";
export * from "./metadata.ts";
export * from "./oauth.ts";
export * from "./owners.ts";
export * from "./re-registration.ts";
export * from "./resource.ts";
export * from "./service.ts";
export * from "./token-holder.ts";
export * from "./tokens.ts";
export * from "./user.ts";
