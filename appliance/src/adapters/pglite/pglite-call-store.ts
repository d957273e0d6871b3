import type { PGlite } from '@electric-sql/pglite';
import { and, asc, count, desc, eq, gte, isNull, isNotNull, lt, sql } from 'drizzle-orm';
import { drizzle, type PgliteDatabase } from 'drizzle-orm/pglite';
import type { CallLeg, CallRecord } from '../../domain/calls/call-record';
import type { CallbackEntry, CallStore, RecordingEntry, StoredCall } from '../../ports/call-store';
import { callbacks, calls, createCallSchemaSql, recordingAccess, recordings } from './call-schema';

type CallRow = typeof calls.$inferSelect;
type RecordingRow = typeof recordings.$inferSelect;

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));
const ms = (text: string): number => Date.parse(text);
const msOrNull = (text: string | null): number | null => (text === null ? null : Date.parse(text));

/** The call store on the appliance's PGlite (shared with the record store and the projections). */
export class PgliteCallStore implements CallStore {
  readonly #db: PgliteDatabase;

  private constructor(options: { db: PgliteDatabase }) {
    this.#db = options.db;
  }

  static async open(options: { pglite: PGlite }): Promise<PgliteCallStore> {
    const db = drizzle({ client: options.pglite });
    // One statement per call: PGlite's extended protocol refuses several in one query.
    for (const statement of createCallSchemaSql.split(';')) {
      if (statement.trim() !== '') await db.execute(sql.raw(statement));
    }
    return new PgliteCallStore({ db });
  }

  get db(): PgliteDatabase {
    return this.#db;
  }

  async saveCall(options: { record: CallRecord }): Promise<void> {
    const { record } = options;
    const row = toCallRow(record);
    const { id: _id, ...update } = row;
    await this.#db
      .insert(calls)
      .values(row)
      .onConflictDoUpdate({
        target: calls.id,
        set: update,
        // A reconstructed record never overwrites the switch's own.
        ...(record.source === 'reconstructed'
          ? { where: sql`${calls.source} <> 'switch' OR NOT ${calls.complete}` }
          : {}),
      });
  }

  async importCalls(options: {
    records: readonly CallRecord[];
  }): Promise<{ imported: number; kept: string[] }> {
    if (options.records.length === 0) return { imported: 0, kept: [] };
    const rows = options.records.map(toCallRow);
    const written = await this.#db
      .insert(calls)
      .values(rows)
      .onConflictDoUpdate({
        target: calls.id,
        // excluded.*: each row's own values; only an earlier import of the same call is replaced.
        set: Object.fromEntries(
          Object.keys(rows[0] ?? {})
            .filter((key) => key !== 'id')
            .map((key) => {
              const column = calls[key as keyof typeof calls.$inferInsert];
              return [key, sql.raw(`excluded.${column.name}`)];
            }),
        ),
        where: sql`${calls.source} = 'imported'`,
      })
      .returning({ id: calls.id });
    const writtenIds = new Set(written.map((row) => row.id));
    return {
      imported: writtenIds.size,
      kept: rows.map((row) => row.id).filter((id) => !writtenIds.has(id)),
    };
  }

  async saveLeg(options: { leg: CallLeg }): Promise<void> {
    const { leg } = options;
    const at = msOrNull(leg.answeredAt) ?? 0;
    await this.#db
      .insert(calls)
      .values({
        id: leg.callId,
        complete: false,
        direction: 'inbound',
        callerRaw: '',
        destination: '',
        startedAt: at,
        endedAt: at,
        agentLegId: leg.legId,
        agent: leg.agent,
        billsec: 0,
        durationSec: 0,
        hangupCause: 'UNKNOWN',
        outcome: 'ended',
        source: 'switch',
      })
      .onConflictDoUpdate({
        target: calls.id,
        set: { agentLegId: leg.legId, agent: sql`coalesce(${calls.agent}, ${leg.agent})` },
      });
  }

  async findCallsByCaller(options: { caller: string; limit: number }): Promise<StoredCall[]> {
    const rows = await this.#selectCalls()
      .where(and(eq(calls.caller, options.caller), eq(calls.complete, true)))
      .orderBy(desc(calls.startedAt))
      .limit(options.limit);
    return rows.map(toStoredCall);
  }

  async countCallsByCaller(options: { caller: string }): Promise<number> {
    const [row] = await this.#db
      .select({ n: count() })
      .from(calls)
      .where(and(eq(calls.caller, options.caller), eq(calls.complete, true)));
    return row?.n ?? 0;
  }

  async getCall(options: { id: string }): Promise<StoredCall | undefined> {
    const [row] = await this.#selectCalls().where(eq(calls.id, options.id)).limit(1);
    return row === undefined ? undefined : toStoredCall(row);
  }

  async listCalls(options: { from: string; to: string }): Promise<StoredCall[]> {
    const rows = await this.#selectCalls()
      .where(
        and(
          gte(calls.startedAt, ms(options.from)),
          lt(calls.startedAt, ms(options.to)),
          eq(calls.complete, true),
        ),
      )
      .orderBy(asc(calls.startedAt));
    return rows.map(toStoredCall);
  }

  #selectCalls() {
    // The newest surviving recording of the call, so the history can offer it for playback. The outer
    // column is spelled out: drizzle renders ${calls.id} unqualified, which would mean r.id here.
    const recordingId = sql<string | null>`(
      SELECT r.id FROM recordings r WHERE r.call_id = "calls"."id" AND r.purged_at IS NULL
      ORDER BY r.created_at DESC LIMIT 1)`;
    return this.#db.select({ call: calls, recordingId }).from(calls).$dynamic();
  }

  async saveRecording(options: { recording: RecordingEntry }): Promise<void> {
    const { recording } = options;
    await this.#db
      .insert(recordings)
      .values({
        ...recording,
        createdAt: ms(recording.createdAt),
        purgedAt: msOrNull(recording.purgedAt),
      })
      .onConflictDoNothing({ target: recordings.path });
  }

  async getRecording(options: { id: string }): Promise<RecordingEntry | undefined> {
    const [row] = await this.#db.select().from(recordings).where(eq(recordings.id, options.id)).limit(1);
    return row === undefined ? undefined : toRecording(row);
  }

  async listRecordingsForRetention(): Promise<RecordingEntry[]> {
    const rows = await this.#db
      .select()
      .from(recordings)
      .where(isNull(recordings.purgedAt))
      .orderBy(asc(recordings.createdAt));
    return rows.map(toRecording);
  }

  async markRecording(options: {
    id: string;
    purgedAt?: string;
    missing?: boolean;
    disputed?: boolean;
  }): Promise<void> {
    const set: Partial<RecordingRow> = {};
    if (options.purgedAt !== undefined) set.purgedAt = ms(options.purgedAt);
    if (options.missing !== undefined) set.missing = options.missing;
    if (options.disputed !== undefined) set.disputed = options.disputed;
    if (Object.keys(set).length === 0) return;
    await this.#db.update(recordings).set(set).where(eq(recordings.id, options.id));
  }

  async logRecordingAccess(options: {
    recordingId: string;
    username: string;
    at: string;
    range: string | null;
    address: string | null;
  }): Promise<void> {
    await this.#db.insert(recordingAccess).values({ ...options, at: ms(options.at) });
  }

  async listRecordingAccess(options: {
    recordingId: string;
  }): Promise<Array<{ username: string; at: string; range: string | null; address: string | null }>> {
    const rows = await this.#db
      .select()
      .from(recordingAccess)
      .where(eq(recordingAccess.recordingId, options.recordingId))
      .orderBy(asc(recordingAccess.id));
    return rows.map((row) => ({
      username: row.username,
      at: iso(row.at),
      range: row.range,
      address: row.address,
    }));
  }

  async addCallback(options: { callback: CallbackEntry }): Promise<void> {
    const { callback } = options;
    await this.#db
      .insert(callbacks)
      .values({ ...callback, createdAt: ms(callback.createdAt), doneAt: msOrNull(callback.doneAt) })
      .onConflictDoNothing({ target: callbacks.callId });
  }

  async listCallbacks(options: { open: boolean; limit: number }): Promise<CallbackEntry[]> {
    const rows = await this.#db
      .select()
      .from(callbacks)
      .where(options.open ? isNull(callbacks.doneAt) : isNotNull(callbacks.doneAt))
      .orderBy(options.open ? asc(callbacks.createdAt) : desc(callbacks.doneAt))
      .limit(options.limit);
    return rows.map((row) => ({
      callId: row.callId,
      caller: row.caller,
      callerRaw: row.callerRaw,
      reason: row.reason as CallbackEntry['reason'],
      createdAt: iso(row.createdAt),
      doneAt: isoOrNull(row.doneAt),
      doneBy: row.doneBy,
    }));
  }

  async completeCallback(options: { callId: string; doneBy: string; doneAt: string }): Promise<boolean> {
    const done = await this.#db
      .update(callbacks)
      .set({ doneAt: ms(options.doneAt), doneBy: options.doneBy })
      .where(and(eq(callbacks.callId, options.callId), isNull(callbacks.doneAt)))
      .returning({ callId: callbacks.callId });
    return done.length > 0;
  }
}

function toStoredCall(options: { call: CallRow; recordingId: string | null }): StoredCall {
  const { call } = options;
  return {
    id: call.id,
    direction: call.direction as StoredCall['direction'],
    caller: call.caller,
    callerRaw: call.callerRaw,
    callerName: call.callerName,
    destination: call.destination,
    startedAt: iso(call.startedAt),
    answeredAt: isoOrNull(call.answeredAt),
    endedAt: iso(call.endedAt),
    queue: call.queue,
    queueJoinedAt: isoOrNull(call.queueJoinedAt),
    agentAnsweredAt: isoOrNull(call.agentAnsweredAt),
    agent: call.agent,
    waitSec: call.waitSec,
    talkSec: call.talkSec,
    billsec: call.billsec,
    durationSec: call.durationSec,
    hangupCause: call.hangupCause,
    outcome: call.outcome as StoredCall['outcome'],
    kind: call.kind,
    orderId: call.orderId,
    source: call.source as StoredCall['source'],
    agentLegId: call.agentLegId,
    recordingId: options.recordingId,
  };
}

function toRecording(row: RecordingRow): RecordingEntry {
  return { ...row, createdAt: iso(row.createdAt), purgedAt: isoOrNull(row.purgedAt) };
}

/** A complete call record as its row. */
function toCallRow(record: CallRecord) {
  return {
    id: record.id,
    complete: true,
    direction: record.direction,
    caller: record.caller,
    callerRaw: record.callerRaw,
    callerName: record.callerName,
    destination: record.destination,
    startedAt: ms(record.startedAt),
    answeredAt: msOrNull(record.answeredAt),
    endedAt: ms(record.endedAt),
    queue: record.queue,
    queueJoinedAt: msOrNull(record.queueJoinedAt),
    agentAnsweredAt: msOrNull(record.agentAnsweredAt),
    agent: record.agent,
    waitSec: record.waitSec,
    talkSec: record.talkSec,
    billsec: record.billsec,
    durationSec: record.durationSec,
    hangupCause: record.hangupCause,
    outcome: record.outcome,
    kind: record.kind,
    orderId: record.orderId,
    source: record.source,
  };
}
