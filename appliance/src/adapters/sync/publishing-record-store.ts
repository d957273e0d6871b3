import type { RecordChange, RecordStore, StoredRecord } from '@jiazheng/sync/storage';

/**
 * The appliance's store as its hub-facing SyncClient sees it: an append goes through the PWA-facing
 * relay's `publish`, so what arrives from the hub (the directory, the registry, a central user's proposal
 * on a county order) is stored and at once broadcast to the county's PWAs and y-websocket rooms, under
 * the relay's per-record write queue. Everything else is the store itself.
 */
export class PublishingRecordStore implements RecordStore {
  readonly #store: RecordStore;
  readonly #publish: (options: {
    recordId: string;
    update: Uint8Array;
  }) => Promise<{ seq: number; changed: boolean }>;

  constructor(options: {
    store: RecordStore;
    publish: (options: {
      recordId: string;
      update: Uint8Array;
    }) => Promise<{ seq: number; changed: boolean }>;
  }) {
    this.#store = options.store;
    this.#publish = options.publish;
  }

  appendUpdate(options: {
    recordId: string;
    update: Uint8Array;
  }): Promise<{ seq: number; changed: boolean }> {
    return this.#publish(options);
  }

  replaceRecord(options: { recordId: string; update: Uint8Array }): Promise<{ seq: number }> {
    return this.#store.replaceRecord(options);
  }

  readRecord(options: { recordId: string }): Promise<StoredRecord | null> {
    return this.#store.readRecord(options);
  }

  listChanges(options: {
    after: number;
    limit: number;
    prefixes?: readonly string[] | undefined;
  }): Promise<RecordChange[]> {
    return this.#store.listChanges(options);
  }

  currentSeq(): Promise<number> {
    return this.#store.currentSeq();
  }

  compact(options: { recordId: string }): Promise<void> {
    return this.#store.compact(options);
  }

  getMeta(options: { key: string }): Promise<string | null> {
    return this.#store.getMeta(options);
  }

  setMeta(options: { key: string; value: string }): Promise<void> {
    return this.#store.setMeta(options);
  }

  /** The store belongs to the appliance, not to the client: closing is the composition root's job. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
