import type * as Y from 'yjs';
import type { DirectoryState, EnterpriseState, RecordKind, Worker, WorkerState } from '../domain';
import { findCatalogueItemFacts, parseRecordId, recordIdSchema, toWorker } from '../domain';
import type { RecordStore } from '../ports/record-store';
import type { CryptoKey } from '../records/device-keys';
import { sequenceRecord, type SequenceResult, type TrustedSigner } from '../records/home-sequencer';
import { loadRecordDoc } from '../records/record-doc';
import { readRecordSnapshot } from '../records/record-state';
import { viewRecord } from '../records/record-view';

/** Where the home finds registry data referenced by proposals (the enterprise an order goes to, the worker). */
export interface RegistrySource {
  findEnterprise(options: { id: string }): Promise<EnterpriseState | undefined>;
  findWorker(options: { id: string }): Promise<Worker | undefined>;
}

/** The accepted state of a record of `kind` in the store; undefined for another kind or an unknown id. */
async function readAcceptedState(options: {
  store: RecordStore;
  recordId: string;
  kind: RecordKind;
}): Promise<unknown> {
  const { store, recordId, kind } = options;
  // Ids come from proposals' payloads (untrusted): an order id named as a worker must not read as one.
  const parsed = recordIdSchema.safeParse(recordId);
  if (!parsed.success || parseRecordId({ recordId }).kind !== kind) return undefined;
  const record = await store.readRecord({ recordId });
  if (!record) return undefined;
  const doc = loadRecordDoc({ recordId, update: record.update });
  try {
    return readRecordSnapshot({ doc, recordId }).state ?? undefined;
  } finally {
    doc.destroy();
  }
}

/**
 * The registry as the replica holds it: enterprise and worker records in its store, as their home (the
 * hub) accepted them. A county appliance has them once synced from the hub, so it can check the worker
 * an enterprise names for an order. Bookings are not looked up (the worker record holds none; they would
 * mean reading every order), so a worker double-booked across orders is not refused here.
 */
export function createStoreRegistrySource(options: { store: RecordStore }): RegistrySource {
  const { store } = options;
  return {
    findEnterprise: async ({ id }) =>
      (await readAcceptedState({ store, recordId: id, kind: 'enterprise' })) as EnterpriseState | undefined,
    findWorker: async ({ id }) => {
      const state = (await readAcceptedState({ store, recordId: id, kind: 'worker' })) as
        WorkerState | undefined;
      return state && toWorker({ state });
    },
  };
}

function referencedIds(doc: Y.Doc, recordId: string): { enterprises: Set<string>; workers: Set<string> } {
  const snap = readRecordSnapshot({ doc, recordId });
  const enterprises = new Set<string>();
  const workers = new Set<string>();
  for (const p of snap.proposals) {
    if (snap.decided.has(p.id) || typeof p.payload !== 'object' || p.payload === null) continue;
    const payload = p.payload as Record<string, unknown>;
    // A course's enrolment names its worker one level down (`payload.participant.workerId`).
    for (const part of [payload, payload.participant]) {
      if (typeof part !== 'object' || part === null) continue;
      const fields = part as Record<string, unknown>;
      if (typeof fields.enterpriseId === 'string') enterprises.add(fields.enterpriseId);
      if (typeof fields.workerId === 'string') workers.add(fields.workerId);
    }
  }
  return { enterprises, workers };
}

/** Runs `task` holding a lock on the record that every process sharing the store respects. */
export type ExclusiveRun = <T>(options: { recordId: string; task: () => Promise<T> }) => Promise<T>;

/**
 * A replica's work as the home of its records: when a peer has written to one, decide its undecided
 * proposals and publish the log entries. The directory it checks signatures against is the directory
 * record as this replica sees it, including its own pending enrolments (a county keeps enrolling
 * devices while the hub is unreachable).
 */
export class HomeService {
  readonly #store: RecordStore;
  readonly #publish: (options: { recordId: string; update: Uint8Array }) => Promise<unknown>;
  readonly #directoryId: string;
  readonly #selfDeviceId: string;
  readonly #trusted: readonly TrustedSigner[];
  readonly #registry: RegistrySource;
  readonly #keyCache = new Map<string, CryptoKey>();
  /** One sequencing at a time per record: two at once would decide the same proposal twice. */
  readonly #running = new Map<string, Promise<unknown>>();
  readonly #exclusive: ExclusiveRun;

  constructor(options: {
    store: RecordStore;
    publish: (options: { recordId: string; update: Uint8Array }) => Promise<unknown>;
    directoryId: string;
    selfDeviceId: string;
    trusted?: readonly TrustedSigner[];
    registry?: RegistrySource;
    /**
     * For homes of several processes on one store (a hub on PostgreSQL): each sequencing round holds a
     * per-record lock the other processes respect, as #running does within this one.
     */
    exclusive?: ExclusiveRun;
  }) {
    this.#store = options.store;
    this.#publish = options.publish;
    this.#directoryId = options.directoryId;
    this.#selfDeviceId = options.selfDeviceId;
    this.#trusted = options.trusted ?? [];
    this.#registry = options.registry ?? createStoreRegistrySource({ store: options.store });
    this.#exclusive = options.exclusive ?? (({ task }) => task());
  }

  async directory(): Promise<DirectoryState | null> {
    const record = await this.#store.readRecord({ recordId: this.#directoryId });
    if (!record) return null;
    const doc = loadRecordDoc({ recordId: this.#directoryId, update: record.update });
    const state = viewRecord({ doc, recordId: this.#directoryId, deviceId: this.#selfDeviceId })
      .state as DirectoryState | null;
    doc.destroy();
    return state;
  }

  /**
   * Decides every undecided proposal of the record, also those that arrive while it works (it runs
   * again until a round decides nothing). Calls for the same record queue behind each other.
   */
  sequence(options: { recordId: string }): Promise<void> {
    const { recordId } = options;
    const previous = this.#running.get(recordId) ?? Promise.resolve();
    const next = previous.then(async () => {
      for (let round = 0; round < 100; round++) {
        const result = await this.#exclusive({ recordId, task: () => this.#sequenceOnce({ recordId }) });
        if (!result || result.decisions.length === 0) return;
      }
    });
    const settled = next.catch(() => undefined);
    this.#running.set(recordId, settled);
    void settled.then(() => {
      if (this.#running.get(recordId) === settled) this.#running.delete(recordId);
    });
    return next;
  }

  /** Resolves when no sequencing is running (tests, orderly shutdown). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running.values());
  }

  /**
   * After a restart: decide what was stored but not decided before the process stopped (a crash
   * between storing a proposal and sequencing it must not leave it pending forever).
   */
  async recover(options: { prefixes: readonly string[] }): Promise<number> {
    let after = 0;
    let count = 0;
    for (;;) {
      const changes = await this.#store.listChanges({ after, limit: 500, prefixes: options.prefixes });
      if (changes.length === 0) return count;
      for (const c of changes) {
        await this.sequence({ recordId: c.recordId });
        count += 1;
      }
      after = changes[changes.length - 1]?.seq ?? after;
    }
  }

  async #sequenceOnce(options: { recordId: string }): Promise<SequenceResult | null> {
    const { recordId } = options;
    const record = await this.#store.readRecord({ recordId });
    if (!record) return null;
    const doc = loadRecordDoc({ recordId, update: record.update });
    try {
      const ids = referencedIds(doc, recordId);
      const enterprises = new Map<string, EnterpriseState>();
      const workers = new Map<string, Worker>();
      for (const id of ids.enterprises) {
        const e = await this.#registry.findEnterprise({ id });
        if (e) enterprises.set(id, e);
      }
      for (const id of ids.workers) {
        const w = await this.#registry.findWorker({ id });
        if (w) workers.set(id, w);
      }
      const result = await sequenceRecord({
        doc,
        recordId,
        directory: await this.directory(),
        registry: {
          findItem: findCatalogueItemFacts,
          findEnterprise: (id) => enterprises.get(id),
          findWorker: (id) => workers.get(id),
        },
        trusted: this.#trusted,
        keyCache: this.#keyCache,
      });
      if (result.update.length > 0) await this.#publish({ recordId, update: result.update });
      return result;
    } finally {
      doc.destroy();
    }
  }
}
