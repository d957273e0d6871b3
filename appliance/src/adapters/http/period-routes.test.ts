import { PGlite } from '@electric-sql/pglite';
import { createId, type ClosingState } from '@jiazheng/sync/domain';
import { installJsonErrors, type DeviceKey } from '@jiazheng/sync/node';
import { createProjectionSchemaSql, orders, type OrderRow } from '@jiazheng/sync/projections';
import { loadRecordDoc, proposeCommand } from '@jiazheng/sync/records';
import { proposeToStore, viewStoredRecord } from '@jiazheng/sync/replica';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import { drizzle } from 'drizzle-orm/pglite';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CallRecord } from '../../domain/calls/call-record';
import { AuthService } from '../../services/auth-service';
import { PgliteAuthStore } from '../pglite/pglite-auth-store';
import { PgliteCallStore } from '../pglite/pglite-call-store';
import { countPeriodOrders } from '../pglite/projected-order-figures';
import { ApplianceSync } from '../sync/appliance-sync';
import {
  connectPwa,
  directoryOf,
  makeKey,
  quiet,
  serveWithRelay,
  UnreachableSocket,
  until,
} from '../sync/test-support';
import { mountPeriodRoutes } from './period-routes';

// Real parts throughout: a PGlite call store with seeded call rows, the projection's orders table, and
// the appliance's own sync (its device key, a hub-made directory, its home sequencer) deciding the closings.
const county = '330106';
/** 2026-11-29 10:00 China time. */
let clock = new Date('2026-11-29T02:00:00Z');
let pglite: PGlite;
let calls: PgliteCallStore;
let records: MemoryRecordStore;
let sync: ApplianceSync;
let supervisorKey: DeviceKey;
let seatKey: DeviceKey;
let app: Hono;
const tokens: Record<string, string> = {};

/** An inbound call that queued on 28 November (China time) at `hour`. */
function queuedCall(options: {
  hour: number;
  outcome: CallRecord['outcome'];
  waitSec: number;
  talkSec: number | null;
  day?: string;
}): CallRecord {
  const started = new Date(
    `${options.day ?? '2026-11-28'}T${String(options.hour).padStart(2, '0')}:00:00+08:00`,
  );
  const iso = (offsetSec: number) => new Date(started.getTime() + offsetSec * 1000).toISOString();
  const answered = options.outcome === 'answered';
  return {
    id: `call-${createId()}`,
    direction: 'inbound',
    caller: '+8613800138000',
    callerRaw: '13800138000',
    callerName: null,
    destination: '12345',
    startedAt: iso(0),
    answeredAt: iso(0),
    endedAt: iso(5 + options.waitSec + (options.talkSec ?? 0)),
    queue: 'hotline@default',
    queueJoinedAt: iso(5),
    agentAnsweredAt: answered ? iso(5 + options.waitSec) : null,
    agent: answered ? '1001@default' : null,
    waitSec: options.waitSec,
    talkSec: options.talkSec,
    billsec: 5 + options.waitSec + (options.talkSec ?? 0),
    durationSec: 5 + options.waitSec + (options.talkSec ?? 0),
    hangupCause: 'NORMAL_CLEARING',
    outcome: options.outcome,
    kind: null,
    orderId: null,
    source: 'switch',
  };
}

beforeAll(async () => {
  pglite = await PGlite.create();
  calls = await PgliteCallStore.open({ pglite });
  for (const statement of createProjectionSchemaSql.split(';'))
    if (statement.trim() !== '') await pglite.exec(statement);
  const auth = new AuthService({ store: new PgliteAuthStore({ db: calls.db }), logger: quiet });
  await auth.bootstrapAdmin({ password: 'bootstrap-password' });
  for (const [username, role] of [
    ['lead', 'supervisor'],
    ['seat1', 'call_taker'],
  ] as const)
    await auth.createUser({
      username,
      password: `${username}-password-1`,
      role,
      displayName: username,
      seat: null,
    });
  for (const [username, password] of [
    ['lead', 'lead-password-1'],
    ['seat1', 'seat1-password-1'],
    ['admin', 'bootstrap-password'],
  ] as const)
    tokens[username] = (await auth.login({ username, password, address: '127.0.0.1' })).token;

  // 28 November: 5 queued calls: 3 answered (2 within 15 s), 1 abandoned, 1 timed out; an outbound call
  // and a call of the 29th that must not count.
  for (const call of [
    queuedCall({ hour: 9, outcome: 'answered', waitSec: 4, talkSec: 120 }),
    queuedCall({ hour: 10, outcome: 'answered', waitSec: 15, talkSec: 200 }),
    queuedCall({ hour: 11, outcome: 'answered', waitSec: 40, talkSec: 100 }),
    queuedCall({ hour: 12, outcome: 'abandoned', waitSec: 30, talkSec: null }),
    queuedCall({ hour: 13, outcome: 'timed_out', waitSec: 120, talkSec: null }),
    {
      ...queuedCall({ hour: 14, outcome: 'answered', waitSec: 0, talkSec: 60 }),
      direction: 'outbound' as const,
    },
    queuedCall({ hour: 1, outcome: 'answered', waitSec: 1, talkSec: 60, day: '2026-11-29' }),
  ])
    await calls.saveCall({ record: call });

  // The projection's orders of the 28th: 3 received, one answered as information, two dispatched, one served.
  const db = drizzle({ client: pglite });
  const receivedAt = Date.parse('2026-11-28T09:30:00+08:00');
  const base = {
    countyCode: county,
    channel: 'call',
    itemCode: 'FAM-NANNY',
    categoryCode: 'FAM',
    urgency: 'normal',
    citizenPhone: null,
    citizenName: '张女士',
    enterpriseId: null,
    workerId: null,
    receivedAt,
    dispatchedAt: null,
    servedAt: null,
    closedAt: null,
    feeFen: null,
    resolution: null,
    reopenCount: 0,
    openComplaints: 0,
    lastSatisfaction: null,
    updatedAt: receivedAt,
    firstDispatchedAt: null,
    returnVisitCount: 0,
    complaintCount: 0,
  } satisfies Omit<OrderRow, 'recordId' | 'status'>;
  await db.insert(orders).values([
    { ...base, recordId: `order:${county}:${createId()}`, status: 'closed', resolution: 'information' },
    {
      ...base,
      recordId: `order:${county}:${createId()}`,
      status: 'dispatched',
      firstDispatchedAt: receivedAt + 60_000,
    },
    {
      ...base,
      recordId: `order:${county}:${createId()}`,
      status: 'served',
      firstDispatchedAt: receivedAt + 60_000,
    },
    {
      ...base,
      recordId: `order:${county}:${createId()}`,
      status: 'received',
      receivedAt: receivedAt + 86_400_000,
    },
    { ...base, recordId: `order:330105:${createId()}`, countyCode: '330105', status: 'received' },
  ]);

  const hub = await makeKey('hub-1');
  const appliance = await makeKey(`appliance-${county}-1`);
  supervisorKey = await makeKey('pwa-lead-1');
  seatKey = await makeKey('pwa-seat1-1');
  // The directory as the hub makes it: the appliance's system user, a supervisor's and a call-taker's console.
  const directory = await directoryOf({
    hub,
    at: Date.UTC(2026, 10, 1),
    people: [
      {
        key: appliance,
        userId: `appliance-${county}`,
        role: 'system',
        countyCode: county,
        kind: 'appliance',
      },
      { key: supervisorKey, userId: 'lead', role: 'supervisor', countyCode: county, kind: 'pwa' },
      { key: seatKey, userId: 'seat1', role: 'call_taker', countyCode: county, kind: 'pwa' },
    ],
  });
  records = await MemoryRecordStore.open();
  for (const update of directory.updates)
    await records.appendUpdate({ recordId: directory.directoryId, update });
  await records.setMeta({ key: 'sync:directoryId', value: directory.directoryId });
  sync = new ApplianceSync({
    store: records,
    device: appliance,
    countyCode: county,
    hub: undefined,
    provisioner: undefined,
    WebSocketImpl: UnreachableSocket,
    logger: quiet,
    now: () => clock.getTime(),
  });
  await sync.start();

  app = new Hono();
  mountPeriodRoutes({
    app,
    authenticate: (token) => auth.authenticate({ token }),
    calls,
    closings: sync,
    countOrders: ({ fromMs, toMs }) => countPeriodOrders({ db, countyCode: county, fromMs, toMs }),
    countyCode: county,
    now: () => clock,
  });
  installJsonErrors({ app, logger: quiet, processName: 'appliance' });
}, 120_000);

afterAll(async () => {
  await sync.stop();
  await pglite.close();
}, 30_000);

type ClosingView = ClosingState & { rates: Record<string, number | null> };
type ErrorAnswer = { error: { code: string; field: string | null; message: string } };
type ClosingAnswer = { closing: ClosingView } & ErrorAnswer;
type ListAnswer = { closings: ClosingView[] } & ErrorAnswer;

async function close(period: unknown, token = tokens.lead) {
  const response = await app.request('/api/periods/close', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token ?? ''}` },
    body: JSON.stringify({ period }),
  });
  return { status: response.status, body: (await response.json()) as ClosingAnswer };
}

async function list(token = tokens.lead) {
  const response = await app.request('/api/periods', { headers: { authorization: `Bearer ${token ?? ''}` } });
  return { status: response.status, body: (await response.json()) as ListAnswer };
}

describe('closing a period at the appliance', () => {
  test('a supervisor closes a day that is over: figures from the call records and the orders, signed and accepted', async () => {
    const { status, body } = await close({ kind: 'day', start: '2026-11-28' });
    expect(status).toBe(201);
    expect(body.closing).toMatchObject({
      countyCode: county,
      period: { kind: 'day', start: '2026-11-28' },
      status: 'closed',
      calls: { offered: 5, answered: 3, answeredWithin15s: 2, abandoned: 2, handleSecondsTotal: 420 },
      orders: { received: 3, information: 1, dispatched: 2, completed: 1 },
      closedBy: 'lead',
      closedAt: clock.getTime(),
      rates: { answeredWithin15sRate: 0.4, abandonRate: 0.4, averageHandleSeconds: 140 },
    });
    expect(body.closing.id).toMatch(/^closing:330106:[0-9A-Z]{26}$/);
    // Proposed by the appliance's own key as the county's system user, decided by its home: in the store.
    const stored = await sync.report({ recordId: body.closing.id });
    expect(stored?.proposals).toEqual([
      expect.objectContaining({ role: 'system', userId: 'appliance-330106', decision: 'accepted' }),
    ]);
    const listed = await list();
    expect(listed.status).toBe(200);
    expect(listed.body.closings.map((c: { id: string }) => c.id)).toEqual([body.closing.id]);
  });

  test('the same period again is a 409 naming the period; after a supervisor reopens it, it closes again in the same record with the new figures', async () => {
    const again = await close({ kind: 'day', start: '2026-11-28' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'conflict', field: 'period' });
    expect(again.body.error.message).toContain('closed by lead');

    const [closed] = (await list()).body.closings;
    const recordId = closed?.id ?? '';
    // The supervisor's console proposes the reopening with its own key and writes it through the
    // appliance's relay, as a PWA does; the appliance, the record's home, decides it.
    const stored = await records.readRecord({ recordId });
    const doc = loadRecordDoc({ recordId, update: stored?.update ?? null });
    const { update } = await proposeCommand({
      doc,
      recordId,
      device: supervisorKey,
      actor: { userId: 'lead', role: 'supervisor' },
      type: 'reopenPeriod',
      payload: { reason: '补录一个漏记的来电' },
      at: clock.getTime() + 1,
    });
    doc.destroy();
    const written = await sync.server.write({
      peer: {
        id: supervisorKey.deviceId,
        kind: 'pwa',
        countyCode: county,
        role: 'supervisor',
        userId: 'lead',
      },
      recordId,
      update,
      origin: null,
    });
    expect(written.ok).toBe(true);
    await sync.server.idle();
    expect((await list()).body.closings[0]).toMatchObject({
      id: recordId,
      status: 'reopened',
      reopenCount: 1,
    });

    // A call of the 28th imported meanwhile: the new close counts it, in the same record.
    await calls.saveCall({ record: queuedCall({ hour: 16, outcome: 'answered', waitSec: 3, talkSec: 80 }) });
    clock = new Date(clock.getTime() + 3_600_000);
    const reclosed = await close({ kind: 'day', start: '2026-11-28' });
    expect(reclosed.status).toBe(201);
    expect(reclosed.body.closing).toMatchObject({
      id: recordId,
      status: 'closed',
      calls: { offered: 6, answered: 4, answeredWithin15s: 3, handleSecondsTotal: 500 },
      reopenCount: 1,
      closedAt: clock.getTime(),
    });
    expect((await list()).body.closings).toHaveLength(1);
  });

  test('a period not over yet is a 409; a malformed period a 400 naming the field', async () => {
    const today = await close({ kind: 'day', start: '2026-11-29' });
    expect(today.status).toBe(409);
    expect(today.body.error).toMatchObject({ code: 'conflict', field: 'period' });
    expect((await close({ kind: 'month', start: '2026-11' })).status).toBe(409);
    for (const [period, field] of [
      [{ kind: 'day', start: '2026-11' }, 'period.start'],
      [{ kind: 'day', start: '2026-02-30' }, 'period.start'],
      [{ kind: 'week', start: '2026-11-23' }, 'period.kind'],
      [undefined, 'period'],
    ] as const) {
      const bad = await close(period);
      expect(bad.status, JSON.stringify(period)).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'invalid_input', field });
    }
  });

  test('a past month closes with the month’s figures', async () => {
    clock = new Date('2026-12-01T00:30:00+08:00');
    const month = await close({ kind: 'month', start: '2026-11' });
    expect(month.status).toBe(201);
    expect(month.body.closing).toMatchObject({
      period: { kind: 'month', start: '2026-11' },
      calls: { offered: 7, answered: 5 },
      orders: { received: 4 },
    });
    expect((await list()).body.closings.map((c) => c.period.kind)).toEqual(['month', 'day']);
  });

  test('only a supervisor closes; a call-taker sees no closings; no session is a 401', async () => {
    const seat = await close({ kind: 'day', start: '2026-11-27' }, tokens.seat1);
    expect(seat.status).toBe(403);
    expect(seat.body.error).toMatchObject({ code: 'forbidden', field: 'authorization' });
    expect((await close({ kind: 'day', start: '2026-11-27' }, tokens.admin)).status).toBe(403);
    expect((await list(tokens.seat1)).status).toBe(403);
    expect((await list(tokens.admin)).status).toBe(200);
    expect((await list('nonsense')).status).toBe(401);
  });
});

describe('reopening a period from a supervisor’s console', () => {
  test('the consoles hold the county’s closings; a call-taker’s reopenPeriod is refused by the home, the supervisor’s accepted, and the month then closes again with new figures', async () => {
    // The appliance's HTTP app with its relay, and two consoles syncing over real WebSockets, each with
    // its own store and its own enrolled key, proposing as the PWA's order book does (proposeToStore).
    const served = await serveWithRelay({ app, sync });
    const now = () => clock.getTime();
    const seat = connectPwa({ url: served.url, device: seatKey, now });
    const lead = connectPwa({ url: served.url, device: supervisorKey, now });
    try {
      const month = (await list()).body.closings.find((c) => c.period.kind === 'month');
      const recordId = month?.id ?? '';
      expect(month).toMatchObject({ status: 'closed', reopenCount: 0, calls: { offered: 7 } });
      for (const pwa of [seat, lead])
        await until('the console to receive the closing', async () => {
          const view = await viewStoredRecord({ store: pwa.store, recordId, deviceId: null });
          return (view?.accepted as ClosingState | null | undefined)?.status === 'closed';
        });

      const propose = async (options: {
        pwa: typeof seat;
        device: DeviceKey;
        actor: { userId: string; role: string };
        reason: string;
      }) => {
        const { pwa, device } = options;
        const { proposalId } = await proposeToStore({
          store: pwa.store,
          recordId,
          device,
          actor: options.actor,
          type: 'reopenPeriod',
          payload: { reason: options.reason },
          at: clock.getTime(),
        });
        pwa.client.notifyLocalChange({ recordId });
        // Decided by the home and synced back: the proposal is no longer pending on the console.
        await until('the home’s decision to reach the console', async () => {
          const view = await viewStoredRecord({ store: pwa.store, recordId, deviceId: device.deviceId });
          return view !== null && !view.pending.some((p) => p.id === proposalId);
        });
        const view = await viewStoredRecord({ store: pwa.store, recordId, deviceId: device.deviceId });
        return {
          accepted: view?.accepted as ClosingState | null,
          refusal: view?.conflicts.find((c) => c.proposal.id === proposalId)?.entry,
        };
      };

      // A call-taker's console: the relay stores it (the county's staff propose to its closings), the home
      // refuses it by role, as enrolled or claiming to be a supervisor.
      const byRole = await propose({
        pwa: seat,
        device: seatKey,
        actor: { userId: 'seat1', role: 'call_taker' },
        reason: '想改数字',
      });
      expect(byRole.refusal).toMatchObject({ code: 'forbidden', field: 'command.actor.role' });
      expect(byRole.accepted).toMatchObject({ status: 'closed', reopenCount: 0 });
      const forged = await propose({
        pwa: seat,
        device: seatKey,
        actor: { userId: 'seat1', role: 'supervisor' },
        reason: '冒充班长',
      });
      expect(forged.refusal).toMatchObject({ code: 'forbidden' });
      expect((await list()).body.closings.find((c) => c.id === recordId)).toMatchObject({ status: 'closed' });

      const reopened = await propose({
        pwa: lead,
        device: supervisorKey,
        actor: { userId: 'lead', role: 'supervisor' },
        reason: '30 日的来电导入晚了',
      });
      expect(reopened.refusal).toBeUndefined();
      expect(reopened.accepted).toMatchObject({ status: 'reopened', reopenCount: 1 });
      // What the wall board reads: reopened, with who reopened it and why.
      const listed = (await list()).body.closings.find((c) => c.id === recordId);
      expect(listed).toMatchObject({ status: 'reopened', reopenCount: 1 });
      expect(listed?.history.map((e) => [e.action, e.by])).toEqual([
        ['closed', 'lead'],
        ['reopened', 'lead'],
      ]);
      expect(listed?.history.at(-1)).toMatchObject({ reason: '30 日的来电导入晚了' });

      // A call of the 30th imported meanwhile: the month closes again, in the same record, counting it.
      await calls.saveCall({
        record: queuedCall({ hour: 16, outcome: 'answered', waitSec: 3, talkSec: 80, day: '2026-11-30' }),
      });
      clock = new Date(clock.getTime() + 3_600_000);
      const reclosed = await close({ kind: 'month', start: '2026-11' });
      expect(reclosed.status).toBe(201);
      expect(reclosed.body.closing).toMatchObject({
        id: recordId,
        status: 'closed',
        calls: { offered: 8, answered: 6 },
        reopenCount: 1,
        closedAt: clock.getTime(),
      });
      // And the supervisor's console receives the new close.
      await until('the console to receive the new close', async () => {
        const view = await viewStoredRecord({ store: lead.store, recordId, deviceId: null });
        return (view?.accepted as ClosingState | null | undefined)?.calls.offered === 8;
      });
    } finally {
      await seat.stop();
      await lead.stop();
      await served.stop();
    }
  }, 60_000);
});
