import Dexie, { type DexieOptions, type Table } from 'dexie';
import type { RecordChange, RecordStore, StoredRecord } from '../../ports/record-store';
import {
  checkListChanges,
  checkMetaKey,
  checkMetaValue,
  checkRecordId,
  checkUpdate,
  compactAfterPendingUpdates,
  emptyUpdate,
  matchesPrefixes,
  mergeRecordUpdates,
  planAppend,
} from './record-bytes';

type RecordRow = {
  recordId: string;
  state: Uint8Array;
  stateVector: Uint8Array;
  seq: number;
  pendingCount: number;
};
type RecordUpdateRow = { id?: number; recordId: string; update: Uint8Array };
type MetaRow = { key: string; value: string };
type ChangeSeqRow = { id: number; value: number };

const changeSeqRowId = 1;

/**
 * A RecordStore in IndexedDB through Dexie: the PWA's offline store. Browser-only by design (no Node
 * imports); tests pass fake-indexeddb. Same layout as the SQL stores: a row per record, the updates
 * appended since its last compaction, a store-wide change seq, and meta.
 *
 * Every method is one IndexedDB transaction; read-write ones over the same tables run one at a time,
 * which is what keeps concurrent appends to one record from losing each other.
 */
export class DexieRecordStore implements RecordStore {
  readonly #db: Dexie;
  readonly #records: Table<RecordRow, string>;
  readonly #updates: Table<RecordUpdateRow, number>;
  readonly #meta: Table<MetaRow, string>;
  readonly #changeSeq: Table<ChangeSeqRow, number>;

  private constructor(db: Dexie) {
    this.#db = db;
    this.#records = db.table('records');
    this.#updates = db.table('recordUpdates');
    this.#meta = db.table('meta');
    this.#changeSeq = db.table('changeSeq');
  }

  /**
   * Opens (creating if needed) the database `name`. `indexedDB` and `IDBKeyRange` default to the
   * browser's globals; tests pass fake-indexeddb's.
   */
  static async open(options: {
    name: string;
    indexedDB?: DexieOptions['indexedDB'];
    IDBKeyRange?: DexieOptions['IDBKeyRange'];
  }): Promise<DexieRecordStore> {
    const db = new Dexie(options.name, {
      ...(options.indexedDB ? { indexedDB: options.indexedDB } : {}),
      ...(options.IDBKeyRange ? { IDBKeyRange: options.IDBKeyRange } : {}),
      // Chrome otherwise reports a commit before it reaches the disk; the port promises durability.
      chromeTransactionDurability: 'strict',
      // The store never uses liveQuery, and its rows are mostly bytes: caching would only copy them.
      cache: 'disabled',
    });
    db.version(1).stores({
      records: 'recordId, seq',
      recordUpdates: '++id, [recordId+id]',
      meta: 'key',
      changeSeq: 'id',
    });
    await db.open();
    return new DexieRecordStore(db);
  }

  async appendUpdate(options: {
    recordId: string;
    update: Uint8Array;
  }): Promise<{ seq: number; changed: boolean }> {
    const recordId = checkRecordId({ recordId: options.recordId });
    const { update, decoded } = checkUpdate({ update: options.update });
    return this.#db.transaction('rw', [this.#records, this.#updates, this.#changeSeq], async () => {
      const row = await this.#records.get(recordId);
      const pending = row ? await this.#pendingOf(recordId) : [];
      const plan = planAppend({
        stored: row ? [row.state, ...pending.map((p) => p.update)] : null,
        update,
        decoded,
      });
      if (row && !plan.changed) return { seq: row.seq, changed: false };

      const seq = ((await this.#changeSeq.get(changeSeqRowId))?.value ?? 0) + 1;
      await this.#changeSeq.put({ id: changeSeqRowId, value: seq });
      const state = row?.state ?? emptyUpdate;
      if (pending.length + 1 > compactAfterPendingUpdates) {
        const merged = mergeRecordUpdates({ updates: [state, ...pending.map((p) => p.update), update] });
        await this.#updates.bulkDelete(pending.flatMap((p) => (p.id === undefined ? [] : [p.id])));
        await this.#records.put({
          recordId,
          state: merged,
          stateVector: plan.stateVector,
          seq,
          pendingCount: 0,
        });
      } else {
        await this.#updates.add({ recordId, update });
        await this.#records.put({
          recordId,
          state,
          stateVector: plan.stateVector,
          seq,
          pendingCount: pending.length + 1,
        });
      }
      return { seq, changed: true };
    });
  }

  async replaceRecord(options: { recordId: string; update: Uint8Array }): Promise<{ seq: number }> {
    const recordId = checkRecordId({ recordId: options.recordId });
    const { update, decoded } = checkUpdate({ update: options.update });
    const { stateVector } = planAppend({ stored: null, update, decoded });
    return this.#db.transaction('rw', [this.#records, this.#updates, this.#changeSeq], async () => {
      const pending = await this.#pendingOf(recordId);
      await this.#updates.bulkDelete(pending.flatMap((p) => (p.id === undefined ? [] : [p.id])));
      const seq = ((await this.#changeSeq.get(changeSeqRowId))?.value ?? 0) + 1;
      await this.#changeSeq.put({ id: changeSeqRowId, value: seq });
      await this.#records.put({ recordId, state: update, stateVector, seq, pendingCount: 0 });
      return { seq };
    });
  }

  async readRecord(options: { recordId: string }): Promise<StoredRecord | null> {
    const recordId = checkRecordId({ recordId: options.recordId });
    return this.#db.transaction('r', [this.#records, this.#updates], async () => {
      const row = await this.#records.get(recordId);
      if (!row) return null;
      const pending = await this.#pendingOf(recordId);
      const update = mergeRecordUpdates({ updates: [row.state, ...pending.map((p) => p.update)] });
      return { recordId, update, stateVector: row.stateVector, seq: row.seq };
    });
  }

  async listChanges(options: {
    after: number;
    limit: number;
    prefixes?: readonly string[] | undefined;
  }): Promise<RecordChange[]> {
    const { after, limit, prefixes } = checkListChanges({
      after: options.after,
      limit: options.limit,
      prefixes: options.prefixes,
    });
    if (prefixes?.length === 0) return [];
    const rows = await this.#records
      .where('seq')
      .above(after)
      .filter((row) => matchesPrefixes({ recordId: row.recordId, prefixes }))
      .limit(limit)
      .toArray();
    return rows.map((row) => ({ recordId: row.recordId, seq: row.seq }));
  }

  async currentSeq(): Promise<number> {
    return (await this.#changeSeq.get(changeSeqRowId))?.value ?? 0;
  }

  async compact(options: { recordId: string }): Promise<void> {
    const recordId = checkRecordId({ recordId: options.recordId });
    await this.#db.transaction('rw', [this.#records, this.#updates], async () => {
      const row = await this.#records.get(recordId);
      if (!row) return;
      const pending = await this.#pendingOf(recordId);
      if (pending.length === 0) return;
      const state = mergeRecordUpdates({ updates: [row.state, ...pending.map((p) => p.update)] });
      await this.#updates.bulkDelete(pending.flatMap((p) => (p.id === undefined ? [] : [p.id])));
      await this.#records.put({ ...row, state, pendingCount: 0 });
    });
  }

  async getMeta(options: { key: string }): Promise<string | null> {
    const key = checkMetaKey({ key: options.key });
    return (await this.#meta.get(key))?.value ?? null;
  }

  async setMeta(options: { key: string; value: string }): Promise<void> {
    const key = checkMetaKey({ key: options.key });
    const value = checkMetaValue({ value: options.value });
    await this.#meta.put({ key, value });
  }

  /** How many updates wait to be merged into the record's row (for tests of compaction). */
  async countPendingUpdates(options: { recordId: string }): Promise<number> {
    const recordId = checkRecordId({ recordId: options.recordId });
    return this.#updates
      .where('[recordId+id]')
      .between([recordId, Dexie.minKey], [recordId, Dexie.maxKey])
      .count();
  }

  close(): Promise<void> {
    this.#db.close();
    return Promise.resolve();
  }

  #pendingOf(recordId: string): Promise<RecordUpdateRow[]> {
    return this.#updates
      .where('[recordId+id]')
      .between([recordId, Dexie.minKey], [recordId, Dexie.maxKey])
      .toArray();
  }
}
