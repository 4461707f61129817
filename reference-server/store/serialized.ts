/**
 * The asynchronous `Store` over a synchronous core (memory, node:sqlite): one connection,
 * so a transaction owns it until it ends. Each method of the core runs to completion
 * synchronously (a single-use decision is one statement, atomic); `serialized` adds the
 * one thing an asynchronous transaction needs on a single connection: while `fn` awaits,
 * other callers' statements must not slip into its transaction (they would commit or roll
 * back with it), so they wait until it ends. Transactions run one after the other.
 *
 * A call on the outer store from inside `fn` would wait for the transaction it is part of:
 * it is refused with an error instead (AsyncLocalStorage tells it apart from other callers).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Store, SyncCore } from "./types.ts";

type Method = Exclude<keyof Store, "transaction">;

export function serialized(core: SyncCore): Store {
  /** Settles when the open transaction ends; undefined while none is open. */
  let open: Promise<void> | undefined;
  const inside = new AsyncLocalStorage<true>();

  const idle = async (): Promise<void> => {
    if (inside.getStore()) throw new Error("inside a store transaction, use its tx, not the store");
    while (open) await open;
  };
  const methods = Object.keys(core).filter(
    (k) => k !== "begin" && k !== "commit" && k !== "rollback",
  ) as Method[];
  const call = (name: Method, args: unknown[]) =>
    (core[name] as (...a: unknown[]) => unknown)(...args);

  const tx = {
    transaction: () => Promise.reject(new Error("store transactions do not nest")),
  } as unknown as Store;
  const store = {
    async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
      await idle();
      let end = () => {};
      open = new Promise((resolve) => {
        end = resolve;
      });
      try {
        core.begin();
        try {
          const result = await inside.run(true, () => fn(tx));
          core.commit();
          return result;
        } catch (e) {
          core.rollback();
          throw e;
        }
      } finally {
        open = undefined;
        end();
      }
    },
  } as Store;
  for (const name of methods) {
    // Within a transaction (tx): straight to the core. Outside: after the open transaction
    // (if any) ended; with none open, the core runs before the first await (no delay).
    (tx as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) =>
      call(name, args);
    (store as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      if (open || inside.getStore()) await idle();
      return call(name, args);
    };
  }
  return store;
}
