/**
 * The part of the `reflect-metadata` API that tsyringe (a dependency of @peculiar/x509)
 * checks for at load time and uses for its decorators. `reflect-metadata` is not a
 * dependency of DTP; this shim is installed only when no `Reflect.getMetadata` exists,
 * and only just before the kit loads @peculiar/x509 (the server never does).
 */

type Key = unknown;
type Target = object;

const store = new WeakMap<Target, Map<PropertyKey | undefined, Map<Key, unknown>>>();

function own(
  target: Target,
  property: PropertyKey | undefined,
  create: boolean,
): Map<Key, unknown> | undefined {
  let byProperty = store.get(target);
  if (byProperty === undefined) {
    if (!create) return undefined;
    byProperty = new Map();
    store.set(target, byProperty);
  }
  let entries = byProperty.get(property);
  if (entries === undefined && create) {
    entries = new Map();
    byProperty.set(property, entries);
  }
  return entries;
}

interface ReflectMetadata {
  defineMetadata(key: Key, value: unknown, target: Target, property?: PropertyKey): void;
  getOwnMetadata(key: Key, target: Target, property?: PropertyKey): unknown;
  getMetadata(key: Key, target: Target, property?: PropertyKey): unknown;
  hasOwnMetadata(key: Key, target: Target, property?: PropertyKey): boolean;
  hasMetadata(key: Key, target: Target, property?: PropertyKey): boolean;
  metadata(key: Key, value: unknown): (target: Target, property?: PropertyKey) => void;
}

/** Installs the shim unless a `Reflect.getMetadata` already exists. Idempotent. */
export function ensureReflectMetadata(): void {
  const reflect = Reflect as unknown as Partial<ReflectMetadata>;
  if (typeof reflect.getMetadata === "function") return;
  const api: ReflectMetadata = {
    defineMetadata(key, value, target, property) {
      own(target, property, true)!.set(key, value);
    },
    getOwnMetadata(key, target, property) {
      return own(target, property, false)?.get(key);
    },
    hasOwnMetadata(key, target, property) {
      return own(target, property, false)?.has(key) ?? false;
    },
    getMetadata(key, target, property) {
      for (
        let t: Target | null = target;
        t !== null;
        t = Object.getPrototypeOf(t) as Target | null
      ) {
        const entries = own(t, property, false);
        if (entries?.has(key)) return entries.get(key);
      }
      return undefined;
    },
    hasMetadata(key, target, property) {
      for (
        let t: Target | null = target;
        t !== null;
        t = Object.getPrototypeOf(t) as Target | null
      ) {
        if (own(t, property, false)?.has(key)) return true;
      }
      return false;
    },
    metadata(key, value) {
      return (target, property) => api.defineMetadata(key, value, target, property);
    },
  };
  Object.assign(Reflect, api);
}
