import * as Y from 'yjs';
import type { RecordStore } from '../ports/record-store';
import { proposeCommand, type SigningDevice } from '../records/propose';
import { captureUpdate, fieldsOf, loadRecordDoc } from '../records/record-doc';
import { viewRecord, type RecordView } from '../records/record-view';
import { KeyedQueue } from '../relay/keyed-queue';

/** How many records per store keep their writer's Yjs client id between writes (most recently written). */
export const maxReusedClientIds = 1_000;

type Lease = { clientId: number; clock: number };

/**
 * A Yjs client id per record for this process's writes to one store, reused from write to write. A fresh
 * id per write (a fresh Y.Doc) adds a client to the record each time: its state vector and delete set grow
 * by an entry per write and every merge gets slower, which a record edited 50 times a second cannot afford.
 *
 * Reusing an id is safe only while exactly one writer uses it and that writer builds on every struct it
 * wrote under it; two documents writing the same (client, clock) with different content diverge for good.
 * So: writes through here are serialised per record; a lease lives in this process's memory only (a
 * restart, possibly after a crash that lost a write, draws new ids); and a lease is reused only if the
 * store still holds that client's structs up to exactly the clock the last write left it at. Anything
 * else (a RESET replaced the record, an append failed, the lease was evicted) draws a new id.
 */
class ClientIdLeases {
  readonly #leases = new Map<string, Lease>();
  readonly #queue = new KeyedQueue();

  async write<T>(options: {
    store: RecordStore;
    recordId: string;
    change: (doc: Y.Doc) => Promise<{ result: T; update: Uint8Array }>;
  }): Promise<T> {
    const { store, recordId } = options;
    return this.#queue.run({
      key: recordId,
      task: async () => {
        const record = await store.readRecord({ recordId });
        const doc = loadRecordDoc({ recordId, update: record?.update ?? null });
        try {
          const lease = this.#leases.get(recordId);
          this.#leases.delete(recordId);
          // Set after loading: Yjs draws a new id when a remote update touches the doc's own client.
          if (lease && record && storedClock(record.stateVector, lease.clientId) === lease.clock) {
            doc.clientID = lease.clientId;
          }
          const { result, update } = await options.change(doc);
          if (update.length > 0) await store.appendUpdate({ recordId, update });
          this.#leases.set(recordId, { clientId: doc.clientID, clock: Y.getState(doc.store, doc.clientID) });
          if (this.#leases.size > maxReusedClientIds) {
            const oldest = this.#leases.keys().next().value;
            if (oldest !== undefined) this.#leases.delete(oldest);
          }
          return result;
        } finally {
          doc.destroy();
        }
      },
    });
  }
}

function storedClock(stateVector: Uint8Array, clientId: number): number {
  return Y.decodeStateVector(stateVector).get(clientId) ?? 0;
}

// Per store object: two replicas in one process (the simulation, tests) must never share a lease.
const leasesByStore = new WeakMap<RecordStore, ClientIdLeases>();

function leasesOf(store: RecordStore): ClientIdLeases {
  let leases = leasesByStore.get(store);
  if (!leases) leasesByStore.set(store, (leases = new ClientIdLeases()));
  return leases;
}

/**
 * What a replica's app does to its own store: sign a command as this device and store the proposal,
 * or edit a free field; then tell the sync client (the returned update is what changed). Writes to one
 * record through these functions run one at a time and reuse one Yjs client id (see ClientIdLeases).
 */
export async function proposeToStore(options: {
  store: RecordStore;
  recordId: string;
  device: SigningDevice;
  actor: { userId: string; role: string };
  type: string;
  payload: unknown;
  at: number;
  id?: string;
}): Promise<{ proposalId: string; update: Uint8Array }> {
  return leasesOf(options.store).write({
    store: options.store,
    recordId: options.recordId,
    change: async (doc) => {
      const result = await proposeCommand({ ...options, doc });
      return { result, update: result.update };
    },
  });
}

export async function setFieldInStore(options: {
  store: RecordStore;
  recordId: string;
  key: string;
  value: string;
}): Promise<Uint8Array> {
  return leasesOf(options.store).write({
    store: options.store,
    recordId: options.recordId,
    change: (doc) => {
      const update = captureUpdate({
        doc,
        origin: 'local',
        change: () => fieldsOf(doc).set(options.key, options.value),
      });
      return Promise.resolve({ result: update, update });
    },
  });
}

export async function viewStoredRecord(options: {
  store: RecordStore;
  recordId: string;
  deviceId: string | null;
}): Promise<(RecordView & { seq: number }) | null> {
  const record = await options.store.readRecord({ recordId: options.recordId });
  if (!record) return null;
  const doc = loadRecordDoc({ recordId: options.recordId, update: record.update });
  try {
    // The seq says which bytes the view was made of, so a caller can keep it until the record changes.
    return {
      ...viewRecord({ doc, recordId: options.recordId, deviceId: options.deviceId }),
      seq: record.seq,
    };
  } finally {
    doc.destroy();
  }
}
