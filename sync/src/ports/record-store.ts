/**
 * Where a replica keeps its records. A record is one Yjs document, kept as bytes (a merged update plus
 * its state vector), never as a live Y.Doc: a loaded Y.Doc costs ~8 KB of heap, an idle record as bytes
 * a few hundred. Implementations: memory, PGlite, PostgreSQL, Dexie (see src/adapters/storage/), all held
 * to one contract suite (record-store.contract.ts).
 */
export type StoredRecord = {
  recordId: string;
  /** All updates of the record merged into one (Y.mergeUpdates). */
  update: Uint8Array;
  /** Y.encodeStateVectorFromUpdate(update). */
  stateVector: Uint8Array;
  /** The store-wide change sequence number of the record's last change. */
  seq: number;
};

export type RecordChange = { recordId: string; seq: number };

export interface RecordStore {
  /**
   * Appends one Yjs update to a record (creating it if new). Durable when the promise resolves, also
   * across a crash (kill -9) right after. An update that changes nothing (already contained in the
   * record) is not an error, and still answers the record's current seq without bumping it.
   */
  appendUpdate(options: { recordId: string; update: Uint8Array }): Promise<{ seq: number; changed: boolean }>;

  /**
   * Replaces everything held for a record with `update` (creating the record if new), as one atomic step,
   * and bumps its seq. For a replica whose write the relay refused (RESET): the relay's copy wins, so the
   * replica never diverges. Appending cannot do this: a merge keeps the refused changes.
   */
  replaceRecord(options: { recordId: string; update: Uint8Array }): Promise<{ seq: number }>;

  /** The record merged from everything appended so far, or null if the store has never seen it. */
  readRecord(options: { recordId: string }): Promise<StoredRecord | null>;

  /**
   * Records whose last change has a seq greater than `after`, in ascending seq order, at most `limit`,
   * optionally only those whose id starts with one of `prefixes` (e.g. `order:330106:`, `enterprise:`).
   * This is what a peer's change cursor is read against.
   */
  listChanges(options: {
    after: number;
    limit: number;
    prefixes?: readonly string[] | undefined;
  }): Promise<RecordChange[]>;

  /** The highest seq handed out so far (0 for an empty store). */
  currentSeq(): Promise<number>;

  /** Merges a record's appended updates into one stored row; reading it gives the same result before and after. */
  compact(options: { recordId: string }): Promise<void>;

  /** Small named values a replica keeps beside its records: per-peer cursors, its device key id. */
  getMeta(options: { key: string }): Promise<string | null>;
  setMeta(options: { key: string; value: string }): Promise<void>;

  close(): Promise<void>;
}
