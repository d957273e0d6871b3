import { bigint, boolean, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import type {
  Channel,
  ClosingState,
  DeviceKind,
  PeriodKind,
  EnterpriseState,
  EnterpriseStatus,
  OrderState,
  OrderStatus,
  Role,
  Urgency,
  WorkerStatus,
} from '../domain';
import type {
  ClosingRow,
  DirectoryDeviceRow,
  DirectoryUserRow,
  EnterpriseRow,
  OrderRow,
  WorkerRow,
} from './project-record';

/*
 * The query tables: projections of the records (ARCHITECTURE.md), one schema for PGlite and PostgreSQL.
 * They hold nothing the records do not: drop them and `Projector.rebuild()` gives them back. Every row
 * carries the id of the record it came from, so a changed record replaces exactly its own rows.
 * Timestamps are epoch ms in bigint (JavaScript numbers, as in the domain), money integer fen.
 */

const epochMs = (name: string) => bigint(name, { mode: 'number' });

export const orders = pgTable(
  'orders',
  {
    recordId: text('record_id').primaryKey(),
    countyCode: text('county_code').notNull(),
    status: text('status').$type<OrderStatus>().notNull(),
    channel: text('channel').$type<Channel>().notNull(),
    itemCode: text('item_code').notNull(),
    categoryCode: text('category_code').notNull(),
    urgency: text('urgency').$type<Urgency>().notNull(),
    citizenPhone: text('citizen_phone'),
    citizenName: text('citizen_name').notNull(),
    enterpriseId: text('enterprise_id'),
    workerId: text('worker_id'),
    receivedAt: epochMs('received_at').notNull(),
    dispatchedAt: epochMs('dispatched_at'),
    servedAt: epochMs('served_at'),
    closedAt: epochMs('closed_at'),
    feeFen: bigint('fee_fen', { mode: 'number' }),
    resolution: text('resolution').$type<NonNullable<OrderState['resolution']>>(),
    reopenCount: integer('reopen_count').notNull(),
    openComplaints: integer('open_complaints').notNull(),
    lastSatisfaction: integer('last_satisfaction'),
    updatedAt: epochMs('updated_at').notNull(),
    // Added for the hub's statistics (mapping version 2), hence after updated_at: ALTER TABLE appends.
    firstDispatchedAt: epochMs('first_dispatched_at'),
    returnVisitCount: integer('return_visit_count').notNull().default(0),
    complaintCount: integer('complaint_count').notNull().default(0),
  },
  (t) => [
    // received_at closes each index the product lists by: a seat's queue, a caller's history (the
    // screen pop shows the latest first) and category statistics over a period are all read newest first.
    index('orders_county_status_idx').on(t.countyCode, t.status, t.receivedAt),
    index('orders_citizen_phone_idx').on(t.citizenPhone, t.receivedAt),
    index('orders_county_category_received_idx').on(t.countyCode, t.categoryCode, t.receivedAt),
    index('orders_enterprise_idx').on(t.enterpriseId),
  ],
);

export const enterprises = pgTable(
  'enterprises',
  {
    recordId: text('record_id').primaryKey(),
    enterpriseId: text('enterprise_id').notNull(),
    name: text('name').notNull(),
    kind: text('kind').$type<EnterpriseState['kind']>().notNull(),
    status: text('status').$type<EnterpriseStatus>().notNull(),
    licenceNumber: text('licence_number'),
    // text[], not jsonb: `'FAM-NANNY' = ANY(items)` reads naturally and both drivers return a string array.
    items: text('items').array().notNull(),
    counties: text('counties').array().notNull(),
    agreementValidTo: epochMs('agreement_valid_to'),
    suspendedUntil: epochMs('suspended_until'),
    updatedAt: epochMs('updated_at').notNull(),
  },
  (t) => [
    // Not unique: two records claiming one enterprise id is the registry's error to resolve, and the
    // projection must still show both rather than fail.
    index('enterprises_enterprise_id_idx').on(t.enterpriseId),
    index('enterprises_status_idx').on(t.status),
  ],
);

export const workers = pgTable(
  'workers',
  {
    recordId: text('record_id').primaryKey(),
    workerId: text('worker_id').notNull(),
    enterpriseId: text('enterprise_id').notNull(),
    name: text('name').notNull(),
    idNumberMasked: text('id_number_masked').notNull(),
    phone: text('phone'),
    status: text('status').$type<WorkerStatus>().notNull(),
    healthCertificateValidUntil: epochMs('health_certificate_valid_until'),
    backgroundCheckedAt: epochMs('background_checked_at'),
    prePostTrainingPassed: boolean('pre_post_training_passed').notNull(),
    prePostTrainingValidUntil: epochMs('pre_post_training_valid_until'),
    registeredAt: epochMs('registered_at').notNull(),
    updatedAt: epochMs('updated_at').notNull(),
  },
  // An enterprise's roster, and how many of its workers are trained (the credit score's training share).
  (t) => [index('workers_enterprise_status_idx').on(t.enterpriseId, t.status)],
);

export const directoryUsers = pgTable(
  'directory_users',
  {
    recordId: text('record_id').notNull(),
    userId: text('user_id').notNull(),
    name: text('name').notNull(),
    role: text('role').$type<Role>().notNull(),
    countyCode: text('county_code'),
    disabledAt: epochMs('disabled_at'),
  },
  (t) => [
    primaryKey({ name: 'directory_users_pkey', columns: [t.recordId, t.userId] }),
    index('directory_users_county_idx').on(t.countyCode),
  ],
);

export const directoryDevices = pgTable(
  'directory_devices',
  {
    recordId: text('record_id').notNull(),
    deviceId: text('device_id').notNull(),
    kind: text('kind').$type<DeviceKind>().notNull(),
    userId: text('user_id').notNull(),
    publicKey: text('public_key').notNull(),
    enrolledAt: epochMs('enrolled_at').notNull(),
    enrolledBy: text('enrolled_by').notNull(),
    revokedAt: epochMs('revoked_at'),
    revokeReason: text('revoke_reason'),
  },
  (t) => [
    primaryKey({ name: 'directory_devices_pkey', columns: [t.recordId, t.deviceId] }),
    index('directory_devices_user_idx').on(t.userId),
  ],
);

export const closings = pgTable(
  'closings',
  {
    recordId: text('record_id').primaryKey(),
    countyCode: text('county_code').notNull(),
    periodKind: text('period_kind').$type<PeriodKind>().notNull(),
    periodStart: text('period_start').notNull(),
    status: text('status').$type<ClosingState['status']>().notNull(),
    callsOffered: integer('calls_offered').notNull(),
    callsAnswered: integer('calls_answered').notNull(),
    callsAnsweredWithin15s: integer('calls_answered_within_15s').notNull(),
    callsAbandoned: integer('calls_abandoned').notNull(),
    handleSecondsTotal: bigint('handle_seconds_total', { mode: 'number' }).notNull(),
    callbacks: integer('callbacks'),
    ordersReceived: integer('orders_received').notNull(),
    ordersInformation: integer('orders_information').notNull(),
    ordersDispatched: integer('orders_dispatched').notNull(),
    ordersCompleted: integer('orders_completed').notNull(),
    closedBy: text('closed_by').notNull(),
    closedAt: epochMs('closed_at').notNull(),
    reopenCount: integer('reopen_count').notNull(),
    updatedAt: epochMs('updated_at').notNull(),
  },
  // The hub's reports read a kind of period over a range, every county or those under a region's prefix.
  (t) => [index('closings_period_county_idx').on(t.periodKind, t.periodStart, t.countyCode)],
);

/** Bookkeeping of the projection itself (not the record store's `meta`: the two may share a database). */
export const projectionMeta = pgTable('projection_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** The store seq up to which every change is in the tables: catch-up resumes after it. */
export const consumedSeqKey = 'consumed_seq';

/** Which version of the mapping (project-record.ts) made the rows; missing means version 1. */
export const mappingVersionKey = 'mapping_version';

/**
 * Raised whenever the mapping gives existing records other rows (a new column, a changed rule): tables made
 * by an older mapping are rebuilt by `Projector.migrate()`, since incremental catch-up would only fix the
 * records that happen to change. 2: first_dispatched_at, return_visit_count, complaint_count.
 * (The `closings` table came without a raise: no closing record existed before it, so `migrate()`
 * creating the empty table is all an older database needs.)
 */
export const projectionMappingVersion = 2;

/** The tables `Projector.rebuild()` empties, by the RecordProjection field that fills them. */
export const projectedTables = {
  orders,
  enterprises,
  workers,
  directoryUsers,
  directoryDevices,
  closings,
} as const;

/**
 * Idempotent DDL, run by `Projector.migrate()`. Written out rather than generated (drizzle-kit would be
 * one more tool for six tables); projector.test.ts checks it against the drizzle tables above, column
 * by column and index by index, so the two cannot drift apart unnoticed.
 */
export const createProjectionSchemaSql = `
CREATE TABLE IF NOT EXISTS orders (
  record_id text PRIMARY KEY,
  county_code text NOT NULL,
  status text NOT NULL,
  channel text NOT NULL,
  item_code text NOT NULL,
  category_code text NOT NULL,
  urgency text NOT NULL,
  citizen_phone text,
  citizen_name text NOT NULL,
  enterprise_id text,
  worker_id text,
  received_at bigint NOT NULL,
  dispatched_at bigint,
  served_at bigint,
  closed_at bigint,
  fee_fen bigint,
  resolution text,
  reopen_count integer NOT NULL,
  open_complaints integer NOT NULL,
  last_satisfaction integer,
  updated_at bigint NOT NULL,
  first_dispatched_at bigint,
  return_visit_count integer NOT NULL DEFAULT 0,
  complaint_count integer NOT NULL DEFAULT 0
);
ALTER TABLE orders ADD COLUMN IF NOT EXISTS first_dispatched_at bigint;
ALTER TABLE orders ADD COLUMN IF NOT EXISTS return_visit_count integer NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN IF NOT EXISTS complaint_count integer NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS orders_county_status_idx ON orders (county_code, status, received_at);
CREATE INDEX IF NOT EXISTS orders_citizen_phone_idx ON orders (citizen_phone, received_at);
CREATE INDEX IF NOT EXISTS orders_county_category_received_idx ON orders (county_code, category_code, received_at);
CREATE INDEX IF NOT EXISTS orders_enterprise_idx ON orders (enterprise_id);
CREATE TABLE IF NOT EXISTS enterprises (
  record_id text PRIMARY KEY,
  enterprise_id text NOT NULL,
  name text NOT NULL,
  kind text NOT NULL,
  status text NOT NULL,
  licence_number text,
  items text[] NOT NULL,
  counties text[] NOT NULL,
  agreement_valid_to bigint,
  suspended_until bigint,
  updated_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS enterprises_enterprise_id_idx ON enterprises (enterprise_id);
CREATE INDEX IF NOT EXISTS enterprises_status_idx ON enterprises (status);
CREATE TABLE IF NOT EXISTS workers (
  record_id text PRIMARY KEY,
  worker_id text NOT NULL,
  enterprise_id text NOT NULL,
  name text NOT NULL,
  id_number_masked text NOT NULL,
  phone text,
  status text NOT NULL,
  health_certificate_valid_until bigint,
  background_checked_at bigint,
  pre_post_training_passed boolean NOT NULL,
  pre_post_training_valid_until bigint,
  registered_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS workers_enterprise_status_idx ON workers (enterprise_id, status);
CREATE TABLE IF NOT EXISTS directory_users (
  record_id text NOT NULL,
  user_id text NOT NULL,
  name text NOT NULL,
  role text NOT NULL,
  county_code text,
  disabled_at bigint,
  CONSTRAINT directory_users_pkey PRIMARY KEY (record_id, user_id)
);
CREATE INDEX IF NOT EXISTS directory_users_county_idx ON directory_users (county_code);
CREATE TABLE IF NOT EXISTS directory_devices (
  record_id text NOT NULL,
  device_id text NOT NULL,
  kind text NOT NULL,
  user_id text NOT NULL,
  public_key text NOT NULL,
  enrolled_at bigint NOT NULL,
  enrolled_by text NOT NULL,
  revoked_at bigint,
  revoke_reason text,
  CONSTRAINT directory_devices_pkey PRIMARY KEY (record_id, device_id)
);
CREATE INDEX IF NOT EXISTS directory_devices_user_idx ON directory_devices (user_id);
CREATE TABLE IF NOT EXISTS closings (
  record_id text PRIMARY KEY,
  county_code text NOT NULL,
  period_kind text NOT NULL,
  period_start text NOT NULL,
  status text NOT NULL,
  calls_offered integer NOT NULL,
  calls_answered integer NOT NULL,
  calls_answered_within_15s integer NOT NULL,
  calls_abandoned integer NOT NULL,
  handle_seconds_total bigint NOT NULL,
  callbacks integer,
  orders_received integer NOT NULL,
  orders_information integer NOT NULL,
  orders_dispatched integer NOT NULL,
  orders_completed integer NOT NULL,
  closed_by text NOT NULL,
  closed_at bigint NOT NULL,
  reopen_count integer NOT NULL,
  updated_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS closings_period_county_idx ON closings (period_kind, period_start, county_code);
CREATE TABLE IF NOT EXISTS projection_meta (
  key text PRIMARY KEY,
  value text NOT NULL
);
INSERT INTO projection_meta (key, value) VALUES ('${consumedSeqKey}', '0') ON CONFLICT (key) DO NOTHING;
`;

// The pure mapping's row types and the tables' must stay one shape; tsc fails here when they part.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type _RowTypesMatchTables = [
  Assert<Same<typeof orders.$inferSelect, OrderRow>>,
  Assert<Same<typeof enterprises.$inferSelect, EnterpriseRow>>,
  Assert<Same<typeof workers.$inferSelect, WorkerRow>>,
  Assert<Same<typeof directoryUsers.$inferSelect, DirectoryUserRow>>,
  Assert<Same<typeof directoryDevices.$inferSelect, DirectoryDeviceRow>>,
  Assert<Same<typeof closings.$inferSelect, ClosingRow>>,
];
