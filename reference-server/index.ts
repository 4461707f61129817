/**
 * The DTP reference server.
 *
 * @example
 * import { startReferenceServer, SHORT_LIFETIMES } from "./reference-server/index.ts";
 * const server = await startReferenceServer({ store: { kind: "memory" }, lifetimes: SHORT_LIFETIMES });
 * console.log(server.url, server.apiKey, server.adminKey);
 * await server.close();
 */
export {
  DEFAULT_LIFETIMES,
  DEFAULT_OPTIONS,
  type Lifetimes,
  type Policies,
  parseUserSpec,
  type ServerOptions,
  type ServerOptionsInput,
  type ServerUser,
  SHORT_LIFETIMES,
  type StoreOptions,
} from "./options.ts";
export { type RunningServer, startReferenceServer } from "./server.ts";
