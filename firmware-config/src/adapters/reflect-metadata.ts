/**
 * @peculiar/x509 registers its algorithms through tsyringe, which refuses to load without the Reflect
 * metadata API (normally the `reflect-metadata` package, which this workspace does not install). tsyringe
 * only stores and reads back constructor parameter metadata, so a small map-backed version is enough.
 * Import this module before `@peculiar/x509`.
 */
type MetadataStore = Map<unknown, unknown>;

const stores = new WeakMap<object, MetadataStore>();

function ownStore(target: object, create: boolean): MetadataStore | undefined {
  let store = stores.get(target);
  if (store === undefined && create) {
    store = new Map();
    stores.set(target, store);
  }
  return store;
}

function getOwnMetadata(key: unknown, target: object): unknown {
  return ownStore(target, false)?.get(key);
}

function getMetadata(key: unknown, target: object): unknown {
  // Inherited like reflect-metadata: walk the prototype chain until a value is found.
  for (
    let current: object | null = target;
    current !== null;
    current = Object.getPrototypeOf(current) as object | null
  ) {
    const store = ownStore(current, false);
    if (store?.has(key)) return store.get(key);
  }
  return undefined;
}

function defineMetadata(key: unknown, value: unknown, target: object): void {
  ownStore(target, true)?.set(key, value);
}

function metadata(key: unknown, value: unknown) {
  return (target: object): void => defineMetadata(key, value, target);
}

const reflect = Reflect as unknown as Record<string, unknown>;
if (typeof reflect.getMetadata !== 'function') {
  Object.assign(reflect, { getMetadata, getOwnMetadata, defineMetadata, metadata });
}
