/**
 * The DTP reference server.
 *
 * @example
 * import { startReferenceServer, SHORT_LIFETIMES } from "./reference-server/index.ts";
 * const server = await startReferenceServer({ store: { kind: "memory" }, lifetimes: SHORT_LIFETIMES });
 * console.log(server.url, server.apiKey, server.adminKey);
 * await server.close();
 */

export type { App, Handler, OperationSpec, RequestContext, Verifiers } from "./context.ts";
export { OPERATIONS } from "./handlers/index.ts";
export {
  DEFAULT_LIFETIMES,
  DEFAULT_LIMITS,
  DEFAULT_OPTIONS,
  type FailureKind,
  type FailureLimit,
  type Lifetimes,
  type Limits,
  type Policies,
  parseUserSpec,
  type ServerOptions,
  type ServerOptionsInput,
  type ServerTls,
  type ServerUser,
  SHORT_LIFETIMES,
  type StoreOptions,
} from "./options.ts";
export { type RunningServer, type ServerFixture, startReferenceServer } from "./server.ts";
export type { Store } from "./store/types.ts";
