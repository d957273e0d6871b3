import { bigint, bigserial, boolean, index, integer, pgTable, text } from 'drizzle-orm/pg-core';

/*
 * The appliance's own tables, beside the record store and the projections in the same PGlite. Times are
 * epoch milliseconds in bigint, as in the projections. Call records are not replicated records: they are
 * the switch's facts, kept at the county (the hub gets figures, not CDRs).
 */

const epochMs = (name: string) => bigint(name, { mode: 'number' });

export const calls = pgTable(
  'calls',
  {
    id: text('id').primaryKey(),
    /** False while only a leg has been seen (the citizen's hang-up is still to come). */
    complete: boolean('complete').notNull(),
    direction: text('direction').notNull(),
    caller: text('caller'),
    callerRaw: text('caller_raw').notNull(),
    callerName: text('caller_name'),
    destination: text('destination').notNull(),
    startedAt: epochMs('started_at').notNull(),
    answeredAt: epochMs('answered_at'),
    endedAt: epochMs('ended_at').notNull(),
    queue: text('queue'),
    queueJoinedAt: epochMs('queue_joined_at'),
    agentAnsweredAt: epochMs('agent_answered_at'),
    agent: text('agent'),
    agentLegId: text('agent_leg_id'),
    waitSec: integer('wait_sec'),
    talkSec: integer('talk_sec'),
    billsec: integer('billsec').notNull(),
    durationSec: integer('duration_sec').notNull(),
    hangupCause: text('hangup_cause').notNull(),
    outcome: text('outcome').notNull(),
    kind: text('kind'),
    orderId: text('order_id'),
    source: text('source').notNull(),
  },
  (t) => [index('calls_caller_idx').on(t.caller, t.startedAt), index('calls_started_idx').on(t.startedAt)],
);

export const recordings = pgTable(
  'recordings',
  {
    id: text('id').primaryKey(),
    callId: text('call_id').notNull(),
    path: text('path').notNull().unique(),
    category: text('category').notNull(),
    durationMs: integer('duration_ms').notNull(),
    bytes: bigint('bytes', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    createdAt: epochMs('created_at').notNull(),
    disputed: boolean('disputed').notNull(),
    purgedAt: epochMs('purged_at'),
    missing: boolean('missing').notNull(),
  },
  (t) => [
    // (call, newest first): the screen pop asks for each past call's latest recording; without created_at in
    // the index a frequent caller's history sorted every one of their recordings (see BENCH.md).
    index('recordings_call_created_idx').on(t.callId, t.createdAt),
    index('recordings_created_idx').on(t.createdAt),
  ],
);

export const recordingAccess = pgTable(
  'recording_access',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    recordingId: text('recording_id').notNull(),
    username: text('username').notNull(),
    at: epochMs('at').notNull(),
    range: text('range'),
    address: text('address'),
  },
  (t) => [index('recording_access_recording_idx').on(t.recordingId, t.at)],
);

export const callbacks = pgTable(
  'callbacks',
  {
    callId: text('call_id').primaryKey(),
    caller: text('caller'),
    callerRaw: text('caller_raw').notNull(),
    reason: text('reason').notNull(),
    createdAt: epochMs('created_at').notNull(),
    doneAt: epochMs('done_at'),
    doneBy: text('done_by'),
  },
  (t) => [index('callbacks_open_idx').on(t.doneAt, t.createdAt)],
);

export const users = pgTable('users', {
  username: text('username').primaryKey(),
  passwordHash: text('password_hash').notNull(),
  role: text('role').notNull(),
  displayName: text('display_name').notNull(),
  /** The seat's extension (its mod_callcenter agent is `<extension>@<domain>`). */
  seat: text('seat'),
  createdAt: epochMs('created_at').notNull(),
  disabled: boolean('disabled').notNull(),
});

export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    username: text('username').notNull(),
    createdAt: epochMs('created_at').notNull(),
    expiresAt: epochMs('expires_at').notNull(),
  },
  (t) => [index('sessions_username_idx').on(t.username)],
);

export const smsMessages = pgTable(
  'sms_messages',
  {
    id: text('id').primaryKey(),
    direction: text('direction').notNull(),
    phone: text('phone'),
    phoneRaw: text('phone_raw').notNull(),
    body: text('body').notNull(),
    channel: text('channel').notNull(),
    at: epochMs('at').notNull(),
    status: text('status').notNull(),
    orderId: text('order_id'),
    /** The carrier's or the switch's own id, so a redelivered message is stored once. */
    externalId: text('external_id').unique(),
    /** Inbound: who marked it handled. Outbound: who wrote the reply. */
    handledBy: text('handled_by'),
    /** Inbound: when it was handled. Outbound: when the sender accepted or refused it. */
    handledAt: epochMs('handled_at'),
    /** Outbound: why the sender refused it (status `failed`). */
    error: text('error'),
  },
  (t) => [index('sms_phone_idx').on(t.phone, t.at), index('sms_status_idx').on(t.status, t.at)],
);

/** The DDL for the tables above (kept beside them; a test checks every table here exists after migrate). */
export const createCallSchemaSql = `
CREATE TABLE IF NOT EXISTS calls (
  id text PRIMARY KEY, complete boolean NOT NULL, direction text NOT NULL, caller text,
  caller_raw text NOT NULL, caller_name text, destination text NOT NULL, started_at bigint NOT NULL,
  answered_at bigint, ended_at bigint NOT NULL, queue text, queue_joined_at bigint, agent_answered_at bigint,
  agent text, agent_leg_id text, wait_sec integer, talk_sec integer, billsec integer NOT NULL,
  duration_sec integer NOT NULL, hangup_cause text NOT NULL, outcome text NOT NULL, kind text, order_id text,
  source text NOT NULL
);
CREATE INDEX IF NOT EXISTS calls_caller_idx ON calls (caller, started_at);
CREATE INDEX IF NOT EXISTS calls_started_idx ON calls (started_at);
CREATE TABLE IF NOT EXISTS recordings (
  id text PRIMARY KEY, call_id text NOT NULL, path text NOT NULL UNIQUE, category text NOT NULL,
  duration_ms integer NOT NULL, bytes bigint NOT NULL, sha256 text NOT NULL, created_at bigint NOT NULL,
  disputed boolean NOT NULL, purged_at bigint, missing boolean NOT NULL
);
DROP INDEX IF EXISTS recordings_call_idx;
CREATE INDEX IF NOT EXISTS recordings_call_created_idx ON recordings (call_id, created_at);
CREATE INDEX IF NOT EXISTS recordings_created_idx ON recordings (created_at);
CREATE TABLE IF NOT EXISTS recording_access (
  id bigserial PRIMARY KEY, recording_id text NOT NULL, username text NOT NULL, at bigint NOT NULL,
  range text, address text
);
CREATE INDEX IF NOT EXISTS recording_access_recording_idx ON recording_access (recording_id, at);
CREATE TABLE IF NOT EXISTS callbacks (
  call_id text PRIMARY KEY, caller text, caller_raw text NOT NULL, reason text NOT NULL,
  created_at bigint NOT NULL, done_at bigint, done_by text
);
CREATE INDEX IF NOT EXISTS callbacks_open_idx ON callbacks (done_at, created_at);
CREATE TABLE IF NOT EXISTS users (
  username text PRIMARY KEY, password_hash text NOT NULL, role text NOT NULL, display_name text NOT NULL,
  seat text, created_at bigint NOT NULL, disabled boolean NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
  token_hash text PRIMARY KEY, username text NOT NULL, created_at bigint NOT NULL, expires_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_username_idx ON sessions (username);
CREATE TABLE IF NOT EXISTS sms_messages (
  id text PRIMARY KEY, direction text NOT NULL, phone text, phone_raw text NOT NULL, body text NOT NULL,
  channel text NOT NULL, at bigint NOT NULL, status text NOT NULL, order_id text, external_id text UNIQUE,
  handled_by text, handled_at bigint, error text
);
ALTER TABLE sms_messages ADD COLUMN IF NOT EXISTS handled_by text;
ALTER TABLE sms_messages ADD COLUMN IF NOT EXISTS handled_at bigint;
ALTER TABLE sms_messages ADD COLUMN IF NOT EXISTS error text;
CREATE INDEX IF NOT EXISTS sms_phone_idx ON sms_messages (phone, at);
CREATE INDEX IF NOT EXISTS sms_status_idx ON sms_messages (status, at)
`;
