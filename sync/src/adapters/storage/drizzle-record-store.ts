import { and, asc, eq, gt, or, sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { RecordChange, RecordStore, StoredRecord } from '../../ports/record-store';
import {
  checkListChanges,
  checkMetaKey,
  checkMetaValue,
  checkRecordId,
  checkUpdate,
  compactAfterPendingUpdates,
  emptyStateVector,
  emptyUpdate,
  mergeRecordUpdates,
  planAppend,
} from './record-bytes';
import {
  changeSeq,
  changeSeqRowId,
  createRecordStoreSchemaSql,
  meta,
  records,
  recordUpdates,
} from './schema';

/** Any drizzle PostgreSQL database: PGlite's and node-postgres' both qualify. */
export type RecordStoreDatabase = PgDatabase<PgQueryResultHKT>;

/** Serialises concurrent schema creation from several processes (CREATE ... IF NOT EXISTS races otherwise). */
const schemaLockKey = 7_310_406_201;

/**
 * The SQL RecordStore, written once for PGlite and PostgreSQL.
 *
 * Concurrency (PostgreSQL runs appends in parallel; PGlite runs one transaction at a time): an append
 * locks its record's row first, then the change_seq row, in that order everywhere, so appends to one
 * record serialise without deadlock and seqs commit in increasing order.
 */
export class DrizzleRecordStore implements RecordStore {
  readonly #db: RecordStoreDatabase;
  readonly #onClose: () => Promise<void>;
  #closed = false;

  protected constructor(options: { db: RecordStoreDatabase; onClose: () => Promise<void> }) {
    this.#db = options.db;
    this.#onClose = options.onClose;
  }

  /** Creates the tables if missing; safe to run from several processes at once. */
  protected static async createSchema(options: { db: RecordStoreDatabase }): Promise<void> {
    const statements = createRecordStoreSchemaSql
      .split(';')
      .map((statement) => statement.trim())
      .filter((statement) => statement.length > 0);
    await options.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${schemaLockKey})`);
      // One statement per call: PGlite's extended protocol refuses several in one query.
      for (const statement of statements) await tx.execute(sql.raw(statement));
    });
  }

  async appendUpdate(options: {
    recordId: string;
    update: Uint8Array;
  }): Promise<{ seq: number; changed: boolean }> {
    this.#checkOpen();
    const recordId = checkRecordId({ recordId: options.recordId });
    const { update, decoded } = checkUpdate({ update: options.update });
    return this.#db.transaction(async (tx) => {
      let found = await selectRecord({ db: tx, recordId, lock: true });
      if (!found) {
        // A placeholder row (seq 0, never committed as such) gives a new record something to lock, so two
        // first appends to one record queue on it instead of one failing on the primary key.
        const [created] = await tx
          .insert(records)
          .values({ recordId, state: emptyUpdate, stateVector: emptyStateVector, seq: 0, pendingCount: 0 })
          .onConflictDoNothing()
          .returning({ recordId: records.recordId });
        found = created
          ? { state: emptyUpdate, stateVector: emptyStateVector, seq: 0, pending: [] }
          : await selectRecord({ db: tx, recordId, lock: true });
        if (!found) throw new Error(`record ${recordId} vanished inside its own transaction`);
      }
      const { state, seq: currentSeq, pending } = found;
      const plan = planAppend({ stored: currentSeq === 0 ? null : [state, ...pending], update, decoded });
      if (!plan.changed) return { seq: currentSeq, changed: false };

      // One statement for the writes: take the next seq (under change_seq's row lock, held to commit),
      // then either log the update or fold everything into the row when the log grows too long.
      const bump = tx.$with('bump').as(
        tx
          .update(changeSeq)
          .set({ value: sql`${changeSeq.value} + 1` })
          .where(eq(changeSeq.id, changeSeqRowId))
          .returning({ value: changeSeq.value }),
      );
      const nextSeq = sql`(SELECT ${bump.value} FROM ${bump})`;
      let written: Array<{ seq: number }>;
      if (pending.length + 1 > compactAfterPendingUpdates) {
        const removed = tx
          .$with('removed')
          .as(
            tx
              .delete(recordUpdates)
              .where(eq(recordUpdates.recordId, recordId))
              .returning({ id: recordUpdates.id }),
          );
        written = await tx
          .with(bump, removed)
          .update(records)
          .set({
            state: mergeRecordUpdates({ updates: [state, ...pending, update] }),
            stateVector: plan.stateVector,
            seq: nextSeq,
            pendingCount: 0,
          })
          .where(eq(records.recordId, recordId))
          .returning({ seq: records.seq });
      } else {
        const added = tx
          .$with('added')
          .as(tx.insert(recordUpdates).values({ recordId, update }).returning({ id: recordUpdates.id }));
        written = await tx
          .with(bump, added)
          .update(records)
          .set({ stateVector: plan.stateVector, seq: nextSeq, pendingCount: pending.length + 1 })
          .where(eq(records.recordId, recordId))
          .returning({ seq: records.seq });
      }
      const seq = written[0]?.seq;
      if (seq === undefined) throw new Error('change_seq row is missing: the schema was not created');
      return { seq, changed: true };
    });
  }

  async replaceRecord(options: { recordId: string; update: Uint8Array }): Promise<{ seq: number }> {
    this.#checkOpen();
    const recordId = checkRecordId({ recordId: options.recordId });
    const { update, decoded } = checkUpdate({ update: options.update });
    const { stateVector } = planAppend({ stored: null, update, decoded });
    return this.#db.transaction(async (tx) => {
      // The same lock order as appendUpdate: the record's row (a placeholder if new), then change_seq.
      const lockRow = () =>
        tx
          .select({ recordId: records.recordId })
          .from(records)
          .where(eq(records.recordId, recordId))
          .for('update');
      const [locked] = await lockRow();
      if (!locked) {
        await tx
          .insert(records)
          .values({ recordId, state: emptyUpdate, stateVector: emptyStateVector, seq: 0, pendingCount: 0 })
          .onConflictDoNothing();
        await lockRow();
      }
      const bump = tx.$with('bump').as(
        tx
          .update(changeSeq)
          .set({ value: sql`${changeSeq.value} + 1` })
          .where(eq(changeSeq.id, changeSeqRowId))
          .returning({ value: changeSeq.value }),
      );
      const removed = tx
        .$with('removed')
        .as(
          tx
            .delete(recordUpdates)
            .where(eq(recordUpdates.recordId, recordId))
            .returning({ id: recordUpdates.id }),
        );
      const written = await tx
        .with(bump, removed)
        .update(records)
        .set({ state: update, stateVector, seq: sql`(SELECT ${bump.value} FROM ${bump})`, pendingCount: 0 })
        .where(eq(records.recordId, recordId))
        .returning({ seq: records.seq });
      const seq = written[0]?.seq;
      if (seq === undefined) throw new Error('change_seq row is missing: the schema was not created');
      return { seq };
    });
  }

  async readRecord(options: { recordId: string }): Promise<StoredRecord | null> {
    this.#checkOpen();
    const recordId = checkRecordId({ recordId: options.recordId });
    const found = await selectRecord({ db: this.#db, recordId, lock: false });
    if (!found || found.seq === 0) return null;
    const update = mergeRecordUpdates({ updates: [found.state, ...found.pending] });
    return { recordId, update, stateVector: found.stateVector, seq: found.seq };
  }

  async listChanges(options: {
    after: number;
    limit: number;
    prefixes?: readonly string[] | undefined;
  }): Promise<RecordChange[]> {
    this.#checkOpen();
    const { after, limit, prefixes } = checkListChanges({
      after: options.after,
      limit: options.limit,
      prefixes: options.prefixes,
    });
    if (prefixes?.length === 0) return [];
    // starts_with, not LIKE: record ids may contain % and _.
    const prefixFilter =
      prefixes && or(...prefixes.map((prefix) => sql`starts_with(${records.recordId}, ${prefix})`));
    return this.#db
      .select({ recordId: records.recordId, seq: records.seq })
      .from(records)
      .where(and(gt(records.seq, after), prefixFilter))
      .orderBy(asc(records.seq))
      .limit(limit);
  }

  async currentSeq(): Promise<number> {
    this.#checkOpen();
    const [row] = await this.#db
      .select({ value: changeSeq.value })
      .from(changeSeq)
      .where(eq(changeSeq.id, changeSeqRowId));
    return row?.value ?? 0;
  }

  async compact(options: { recordId: string }): Promise<void> {
    this.#checkOpen();
    const recordId = checkRecordId({ recordId: options.recordId });
    await this.#db.transaction(async (tx) => {
      const found = await selectRecord({ db: tx, recordId, lock: true });
      if (!found || found.pending.length === 0) return;
      const state = mergeRecordUpdates({ updates: [found.state, ...found.pending] });
      await tx.delete(recordUpdates).where(eq(recordUpdates.recordId, recordId));
      await tx.update(records).set({ state, pendingCount: 0 }).where(eq(records.recordId, recordId));
    });
  }

  async getMeta(options: { key: string }): Promise<string | null> {
    this.#checkOpen();
    const key = checkMetaKey({ key: options.key });
    const [row] = await this.#db.select({ value: meta.value }).from(meta).where(eq(meta.key, key));
    return row?.value ?? null;
  }

  async setMeta(options: { key: string; value: string }): Promise<void> {
    this.#checkOpen();
    const key = checkMetaKey({ key: options.key });
    const value = checkMetaValue({ value: options.value });
    await this.#db
      .insert(meta)
      .values({ key, value })
      .onConflictDoUpdate({ target: meta.key, set: { value } });
  }

  /** How many updates wait to be merged into the record's row (for tests of compaction). */
  async countPendingUpdates(options: { recordId: string }): Promise<number> {
    this.#checkOpen();
    const recordId = checkRecordId({ recordId: options.recordId });
    const [row] = await this.#db
      .select({ count: sql<number>`count(*)::int` })
      .from(recordUpdates)
      .where(eq(recordUpdates.recordId, recordId));
    return row?.count ?? 0;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#onClose();
  }

  #checkOpen(): void {
    if (this.#closed) throw new Error(`${this.constructor.name} is closed`);
  }
}

/**
 * A record's row and its pending updates in one statement, hence one snapshot: read separately, a
 * compaction committing in between would hide the updates it folded in.
 *
 * With `lock`, the row lock that serialises the record's writers is taken first, by its own statement:
 * a statement that waits for a row lock sees the row's newest version afterwards, but its subqueries keep
 * the snapshot from before the wait, so one locking statement would miss the updates the previous holder
 * of the lock just committed.
 */
async function selectRecord(options: {
  db: RecordStoreDatabase;
  recordId: string;
  lock: boolean;
}): Promise<{ state: Uint8Array; stateVector: Uint8Array; seq: number; pending: Uint8Array[] } | null> {
  const { db, recordId, lock } = options;
  if (lock) {
    const [locked] = await db
      .select({ recordId: records.recordId })
      .from(records)
      .where(eq(records.recordId, recordId))
      .for('update');
    if (!locked) return null;
  }
  const [row] = await db
    .select({
      state: records.state,
      stateVector: records.stateVector,
      seq: records.seq,
      // Spelled out: drizzle leaves columns unqualified in a one-table select, which would make the
      // correlation `record_id = record_id` match every row.
      pending: sql<unknown>`(SELECT array_agg(u.update ORDER BY u.id) FROM record_updates u WHERE u.record_id = records.record_id)`,
    })
    .from(records)
    .where(eq(records.recordId, recordId));
  return row ? { ...row, pending: toByteArrays(row.pending) } : null;
}

/** A bytea[] as either driver returns it (null when none, Buffers from node-postgres) to plain Uint8Arrays. */
function toByteArrays(value: unknown): Uint8Array[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw new Error('expected a bytea[] from the database');
  return value.map((item: unknown) => {
    if (!(item instanceof Uint8Array)) throw new Error('expected bytea elements from the database');
    return item.constructor === Uint8Array ? item : new Uint8Array(item);
  });
}
