export * from "./auth.ts";
export * from "./device.ts";
export * from "./dpop-session.ts";
export * from "./endpoints.ts";
export * from "./tokens.ts";
export * from "./wait.ts";
