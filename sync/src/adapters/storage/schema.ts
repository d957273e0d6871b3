import { bigint, customType, integer, pgTable, smallint, text } from 'drizzle-orm/pg-core';

/**
 * The record store's tables, shared by PGlite and PostgreSQL (both speak the same SQL).
 * drizzle has no bytea column type, hence the custom one.
 */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  // node-postgres hands out Buffers; a plain Uint8Array keeps results identical across drivers and tests.
  fromDriver: (value) => (value.constructor === Uint8Array ? value : new Uint8Array(value)),
});

/** One row per record: the merged state up to the last compaction and the record's latest seq. */
export const records = pgTable('records', {
  recordId: text('record_id').primaryKey(),
  state: bytea('state').notNull(),
  stateVector: bytea('state_vector').notNull(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  pendingCount: integer('pending_count').notNull(),
});

/** Updates appended since the record's last compaction, in arrival order. */
export const recordUpdates = pgTable('record_updates', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  recordId: text('record_id')
    .notNull()
    .references(() => records.recordId),
  update: bytea('update').notNull(),
});

export const meta = pgTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/**
 * The store-wide change sequence: one row, bumped under its row lock by every changing append, so
 * transactions commit in seq order and a change cursor never skips a seq that commits late.
 */
export const changeSeq = pgTable('change_seq', {
  id: smallint('id').primaryKey(),
  value: bigint('value', { mode: 'number' }).notNull(),
});

export const changeSeqRowId = 1;

/** Idempotent DDL, run at every open (drizzle-kit migrations would be one more tool for four tables). */
export const createRecordStoreSchemaSql = `
CREATE TABLE IF NOT EXISTS records (
  record_id text PRIMARY KEY,
  state bytea NOT NULL,
  state_vector bytea NOT NULL,
  seq bigint NOT NULL,
  pending_count integer NOT NULL
);
CREATE INDEX IF NOT EXISTS records_seq_idx ON records (seq);
CREATE TABLE IF NOT EXISTS record_updates (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  record_id text NOT NULL REFERENCES records (record_id),
  update bytea NOT NULL
);
CREATE INDEX IF NOT EXISTS record_updates_record_idx ON record_updates (record_id, id);
CREATE TABLE IF NOT EXISTS meta (
  key text PRIMARY KEY,
  value text NOT NULL
);
CREATE TABLE IF NOT EXISTS change_seq (
  id smallint PRIMARY KEY,
  value bigint NOT NULL
);
INSERT INTO change_seq (id, value) VALUES (${changeSeqRowId}, 0) ON CONFLICT (id) DO NOTHING;
`;
