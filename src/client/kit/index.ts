/**
 * The kit's side of the client: actors made the way the target and its config want them
 * (fresh or pre-registered clients, approval, the configured user and admin key), and
 * waits charged to --max-wait. Checks import it next to the client library.
 */
export * from "./actors.ts";
export * from "./auth.ts";
export * from "./declared.ts";
export * from "./devices.ts";
export * from "./probes.ts";
export * from "./token-kinds.ts";
export * from "./wait.ts";
