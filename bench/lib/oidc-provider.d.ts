/** oidc-provider 9 ships no types; the baseline server uses it untyped. */
declare module "oidc-provider";
declare module "oidc-provider/lib/adapters/memory_adapter.js";
