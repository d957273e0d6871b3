import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import type { RecordChange, RecordStore, StoredRecord } from '../../ports/record-store';
import {
  checkListChanges,
  checkMetaKey,
  checkMetaValue,
  checkRecordId,
  checkUpdate,
  compactAfterPendingUpdates,
  emptyUpdate,
  hasGaps,
  matchesPrefixes,
  mergeRecordUpdates,
  planAppend,
  planAppendByMerging,
  planAppendFromStateVector,
} from './record-bytes';

/**
 * One record in one buffer: its state vector, its state row, then each pending update (a varuint length,
 * then the bytes), so an idle record costs one Uint8Array rather than three or more (each ~150 bytes of V8
 * objects on top of its data). `gapped`: the record holds structs past a gap (see planAppendFromStateVector).
 */
type MemoryRecord = {
  bytes: Uint8Array;
  stateVectorEnd: number;
  stateEnd: number;
  pendingCount: number;
  seq: number;
  gapped: boolean;
};

function packRecord(options: {
  stateVector: Uint8Array;
  state: Uint8Array;
  pending: Uint8Array;
  pendingCount: number;
  seq: number;
  gapped: boolean;
}): MemoryRecord {
  const { stateVector, state, pending } = options;
  const bytes = new Uint8Array(stateVector.length + state.length + pending.length);
  bytes.set(stateVector);
  bytes.set(state, stateVector.length);
  bytes.set(pending, stateVector.length + state.length);
  return {
    bytes,
    stateVectorEnd: stateVector.length,
    stateEnd: stateVector.length + state.length,
    pendingCount: options.pendingCount,
    seq: options.seq,
    gapped: options.gapped,
  };
}

function stateVectorOf(record: MemoryRecord): Uint8Array {
  return record.bytes.subarray(0, record.stateVectorEnd);
}

function pendingBytesOf(record: MemoryRecord): Uint8Array {
  return record.bytes.subarray(record.stateEnd);
}

/** The record's state row and pending updates, as views of its buffer. */
function rowsOf(record: MemoryRecord): Uint8Array[] {
  const rows = [record.bytes.subarray(record.stateVectorEnd, record.stateEnd)];
  const decoder = decoding.createDecoder(pendingBytesOf(record));
  while (decoding.hasContent(decoder)) rows.push(decoding.readVarUint8Array(decoder));
  return rows;
}

function framed(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/**
 * A RecordStore in the process heap: tests, the switch simulator's training mode, and a replica's
 * scratch state. Not durable. Every method does its work synchronously before its first await point, so
 * concurrent calls cannot interleave inside one append.
 *
 * An append that continues what the record holds (the usual case) is decided from the stored state vector
 * and kept as a pending update without merging; a read merges the pending updates and keeps the result.
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
      if (!record) {
        this.#seq += 1;
        const stateVector = Y.encodeStateVectorFromUpdate(update);
        this.#records.set(
          recordId,
          packRecord({
            stateVector,
            state: emptyUpdate,
            pending: framed(update),
            pendingCount: 1,
            seq: this.#seq,
            gapped: hasGaps(update),
          }),
        );
        return { seq: this.#seq, changed: true };
      }
      const quick = planAppendFromStateVector({
        stateVector: stateVectorOf(record),
        gapped: record.gapped,
        decoded,
      });
      if (quick && !quick.changed) return { seq: record.seq, changed: false };
      if (quick && record.pendingCount < compactAfterPendingUpdates) {
        this.#seq += 1;
        this.#records.set(
          recordId,
          packRecord({
            stateVector: quick.stateVector,
            state: record.bytes.subarray(record.stateVectorEnd, record.stateEnd),
            pending: concat(pendingBytesOf(record), framed(update)),
            pendingCount: record.pendingCount + 1,
            seq: this.#seq,
            gapped: false,
          }),
        );
        return { seq: this.#seq, changed: true };
      }
      // Past a gap, deletions, or a long pending list: merge everything into one state row.
      const plan = planAppendByMerging({
        current: mergeRecordUpdates({ updates: rowsOf(record) }),
        update,
        decoded,
      });
      if (!plan.changed) return { seq: record.seq, changed: false };
      this.#seq += 1;
      this.#records.set(
        recordId,
        packRecord({
          stateVector: plan.stateVector,
          state: plan.merged,
          pending: new Uint8Array(0),
          pendingCount: 0,
          seq: this.#seq,
          gapped: plan.gapped,
        }),
      );
      return { seq: this.#seq, changed: true };
    });
  }

  replaceRecord(options: { recordId: string; update: Uint8Array }): Promise<{ seq: number }> {
    return this.#run(() => {
      const recordId = checkRecordId({ recordId: options.recordId });
      const { update, decoded } = checkUpdate({ update: options.update });
      const { stateVector } = planAppend({ stored: null, update, decoded });
      this.#seq += 1;
      this.#records.set(
        recordId,
        packRecord({
          stateVector,
          state: update,
          pending: new Uint8Array(0),
          pendingCount: 0,
          seq: this.#seq,
          gapped: hasGaps(update),
        }),
      );
      return { seq: this.#seq };
    });
  }

  readRecord(options: { recordId: string }): Promise<StoredRecord | null> {
    return this.#run(() => {
      const recordId = checkRecordId({ recordId: options.recordId });
      const record = this.#compacted(recordId);
      if (!record) return null;
      return {
        recordId,
        update: record.bytes.slice(record.stateVectorEnd, record.stateEnd),
        stateVector: record.bytes.slice(0, record.stateVectorEnd),
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
      this.#compacted(checkRecordId({ recordId: options.recordId }));
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
      () => this.#records.get(checkRecordId({ recordId: options.recordId }))?.pendingCount ?? 0,
    );
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  /** The record with its pending updates merged into its state row (kept so: the next read is a copy). */
  #compacted(recordId: string): MemoryRecord | undefined {
    const record = this.#records.get(recordId);
    if (!record || record.pendingCount === 0) return record;
    const rows = rowsOf(record);
    // A record appended once is that update: no merge needed.
    const only = rows.length === 2 && rows[0]?.length === 2 && rows[0][0] === 0 && rows[0][1] === 0;
    const compacted = packRecord({
      stateVector: stateVectorOf(record),
      state: only && rows[1] ? rows[1] : mergeRecordUpdates({ updates: rows }),
      pending: new Uint8Array(0),
      pendingCount: 0,
      seq: record.seq,
      gapped: record.gapped,
    });
    this.#records.set(recordId, compacted);
    return compacted;
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
