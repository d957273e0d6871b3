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

type MemoryRecord = { state: Uint8Array; pending: Uint8Array[]; stateVector: Uint8Array; seq: number };

/**
 * A RecordStore in the process heap: tests, the switch simulator's training mode, and a replica's
 * scratch state. Not durable. Every method does its work synchronously before its first await point, so
 * concurrent calls cannot interleave inside one append.
 */
export class MemoryRecordStore implements RecordStore {
  readonly #records = new Map<string, MemoryRecord>();
  readonly #meta = new Map<string, string>();
  #seq = 0;
  #closed = false;

  static open(): Promise<MemoryRecordStore> {
    return Promise.resolve(new MemoryRecordStore());
  }

  appendUpdate(options: {
    recordId: string;
    update: Uint8Array;
  }): Promise<{ seq: number; changed: boolean }> {
    return this.#run(() => {
      const recordId = checkRecordId({ recordId: options.recordId });
      const { update, decoded } = checkUpdate({ update: options.update });
      const record = this.#records.get(recordId);
      const plan = planAppend({ stored: record ? [record.state, ...record.pending] : null, update, decoded });
      if (record && !plan.changed) return { seq: record.seq, changed: false };
      this.#seq += 1;
      const next: MemoryRecord = record ?? {
        state: emptyUpdate,
        pending: [],
        stateVector: plan.stateVector,
        seq: 0,
      };
      next.pending.push(update);
      next.stateVector = plan.stateVector;
      next.seq = this.#seq;
      if (next.pending.length > compactAfterPendingUpdates) compactRecord(next);
      this.#records.set(recordId, next);
      return { seq: next.seq, changed: true };
    });
  }

  replaceRecord(options: { recordId: string; update: Uint8Array }): Promise<{ seq: number }> {
    return this.#run(() => {
      const recordId = checkRecordId({ recordId: options.recordId });
      const { update, decoded } = checkUpdate({ update: options.update });
      const { stateVector } = planAppend({ stored: null, update, decoded });
      this.#seq += 1;
      this.#records.set(recordId, { state: update, pending: [], stateVector, seq: this.#seq });
      return { seq: this.#seq };
    });
  }

  readRecord(options: { recordId: string }): Promise<StoredRecord | null> {
    return this.#run(() => {
      const recordId = checkRecordId({ recordId: options.recordId });
      const record = this.#records.get(recordId);
      if (!record) return null;
      return {
        recordId,
        update: mergeRecordUpdates({ updates: [record.state, ...record.pending] }).slice(),
        stateVector: record.stateVector.slice(),
        seq: record.seq,
      };
    });
  }

  listChanges(options: {
    after: number;
    limit: number;
    prefixes?: readonly string[] | undefined;
  }): Promise<RecordChange[]> {
    return this.#run(() => {
      const { after, limit, prefixes } = checkListChanges({
        after: options.after,
        limit: options.limit,
        prefixes: options.prefixes,
      });
      const changes: RecordChange[] = [];
      for (const [recordId, record] of this.#records) {
        if (record.seq > after && matchesPrefixes({ recordId, prefixes }))
          changes.push({ recordId, seq: record.seq });
      }
      return changes.sort((a, b) => a.seq - b.seq).slice(0, limit);
    });
  }

  currentSeq(): Promise<number> {
    return this.#run(() => this.#seq);
  }

  compact(options: { recordId: string }): Promise<void> {
    return this.#run(() => {
      const record = this.#records.get(checkRecordId({ recordId: options.recordId }));
      if (record) compactRecord(record);
    });
  }

  getMeta(options: { key: string }): Promise<string | null> {
    return this.#run(() => this.#meta.get(checkMetaKey({ key: options.key })) ?? null);
  }

  setMeta(options: { key: string; value: string }): Promise<void> {
    return this.#run(() => {
      this.#meta.set(checkMetaKey({ key: options.key }), checkMetaValue({ value: options.value }));
    });
  }

  /** How many updates wait to be merged into the record's row (for tests of compaction). */
  countPendingUpdates(options: { recordId: string }): Promise<number> {
    return this.#run(
      () => this.#records.get(checkRecordId({ recordId: options.recordId }))?.pending.length ?? 0,
    );
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  /** Runs `work` now and reports its result or error as a promise, as the port promises. */
  #run<T>(work: () => T): Promise<T> {
    try {
      if (this.#closed) throw new Error('MemoryRecordStore is closed');
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

function compactRecord(record: MemoryRecord): void {
  if (record.pending.length === 0) return;
  record.state = mergeRecordUpdates({ updates: [record.state, ...record.pending] });
  record.pending = [];
}
