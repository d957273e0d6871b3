import { PGlite } from '@electric-sql/pglite';
import { installJsonErrors } from '@jiazheng/sync/node';
import { createProjectionSchemaSql } from '@jiazheng/sync/projections';
import { Hono } from 'hono';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { AuthService } from '../../services/auth-service';
import { PgliteAuthStore } from '../pglite/pglite-auth-store';
import { PgliteCallStore } from '../pglite/pglite-call-store';
import { PgliteCallerLookup } from '../pglite/pglite-caller-lookup';
import { mountCallImportRoutes } from './call-import-routes';

const quiet = { info: () => undefined, error: () => undefined };
const NOW = new Date('2026-11-29T08:00:00Z');
let pglite: PGlite;
let store: PgliteCallStore;
let app: Hono;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  pglite = await PGlite.create();
  store = await PgliteCallStore.open({ pglite });
  for (const statement of createProjectionSchemaSql.split(';'))
    if (statement.trim() !== '') await pglite.exec(statement);
  const auth = new AuthService({ store: new PgliteAuthStore({ db: store.db }), logger: quiet });
  await auth.bootstrapAdmin({ password: 'bootstrap-password' });
  for (const [username, role] of [
    ['tech', 'technician'],
    ['seat1', 'call_taker'],
    ['lead', 'supervisor'],
  ] as const)
    await auth.createUser({
      username,
      password: `${username}-password-1`,
      role,
      displayName: username,
      seat: null,
    });
  for (const [username, password] of [
    ['admin', 'bootstrap-password'],
    ['tech', 'tech-password-1'],
    ['seat1', 'seat1-password-1'],
    ['lead', 'lead-password-1'],
  ] as const)
    tokens[username] = (await auth.login({ username, password, address: '127.0.0.1' })).token;
  app = new Hono();
  mountCallImportRoutes({
    app,
    authenticate: (token) => auth.authenticate({ token }),
    store,
    agentName: ({ seat }) => `${seat}@default`,
    defaultAreaCode: '0571',
    now: () => NOW,
  });
  installJsonErrors({ app, logger: quiet, processName: 'appliance' });
}, 60_000);

afterAll(async () => {
  await pglite.close();
});

async function importCalls(
  calls: unknown,
  token = tokens.tech,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await app.request('/api/calls/import', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ calls }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A call that became an order: 20 s of greeting and queue, 3 minutes with seat 1001. */
const answered = {
  id: 'old-cdr-0001',
  caller: '138 0013 0011',
  callerName: '周女士',
  destination: '12345',
  startedAt: '2026-11-20T01:00:00Z',
  queue: 'hotline',
  queueJoinedAt: '2026-11-20T01:00:08Z',
  agentAnsweredAt: '2026-11-20T01:00:20Z',
  endedAt: '2026-11-20T01:03:20Z',
  seat: '1001',
  outcome: 'answered',
  orderId: 'order:330106:01KB0000000000000000000000',
};
/** The same citizen gave up after 40 s in the queue. */
const abandoned = {
  id: 'old-cdr-0002',
  caller: '+8613800130011',
  startedAt: '2026-11-21T02:00:00Z',
  queue: 'hotline',
  queueJoinedAt: '2026-11-21T02:00:08Z',
  endedAt: '2026-11-21T02:00:48Z',
  outcome: 'abandoned',
};

test('a technician imports past calls: the screen pop shows them, with their wait, talk and seat, and no recording', async () => {
  const first = await importCalls([answered, abandoned]);
  expect(first).toEqual({ status: 200, body: { received: 2, imported: 2, kept: [] } });
  const lookup = new PgliteCallerLookup({ db: store.db, calls: store });
  const history = await lookup.lookup({ caller: '+8613800130011' });
  expect(history.callsTotal).toBe(2);
  expect(history.calls.map((c) => [c.id, c.outcome, c.waitSec, c.talkSec, c.agent])).toEqual([
    ['old-cdr-0002', 'abandoned', 40, null, null],
    ['old-cdr-0001', 'answered', 12, 180, '1001@default'],
  ]);
  expect(history.calls[1]).toMatchObject({
    source: 'imported',
    recordingId: null,
    callerRaw: '138 0013 0011',
    callerName: '周女士',
    orderId: answered.orderId,
    billsec: 180,
    durationSec: 200,
  });

  // The same history again (an interrupted migration run once more) changes nothing; so does the admin.
  expect(await importCalls([answered, abandoned], tokens.admin)).toEqual({
    status: 200,
    body: { received: 2, imported: 2, kept: [] },
  });
  expect(await store.countCallsByCaller({ caller: '+8613800130011' })).toBe(2);
});

test('a call this switch recorded is never replaced by an imported one', async () => {
  const own = {
    id: 'switch-uuid-1',
    direction: 'inbound',
    caller: '+8613800130099',
    callerRaw: '13800130099',
    callerName: null,
    destination: '12345',
    startedAt: '2026-11-28T01:00:00.000Z',
    answeredAt: '2026-11-28T01:00:01.000Z',
    endedAt: '2026-11-28T01:02:00.000Z',
    queue: 'hotline',
    queueJoinedAt: '2026-11-28T01:00:05.000Z',
    agentAnsweredAt: '2026-11-28T01:00:09.000Z',
    agent: '1002@default',
    waitSec: 4,
    talkSec: 111,
    billsec: 119,
    durationSec: 120,
    hangupCause: 'NORMAL_CLEARING',
    outcome: 'answered',
    kind: null,
    orderId: null,
    source: 'switch',
  } as const;
  await store.saveCall({ record: own });
  const result = await importCalls([{ ...abandoned, id: own.id, caller: '13800130099' }]);
  expect(result).toEqual({ status: 200, body: { received: 1, imported: 0, kept: [own.id] } });
  expect(await store.getCall({ id: own.id })).toMatchObject({ source: 'switch', outcome: 'answered' });
});

test('only a technician or an admin imports; a session is needed', async () => {
  for (const user of ['seat1', 'lead']) {
    const refused = await importCalls([answered], tokens[user]);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { field: 'authorization' } });
  }
  expect((await importCalls([answered], 'not-a-session')).status).toBe(401);
});

test('a bad call refuses the whole batch with a 400 naming the call and its field', async () => {
  const cases: Array<[unknown[], string, RegExp]> = [
    [
      [
        { ...answered, id: 'ok-1' },
        { ...abandoned, id: 'bad-1', endedAt: '2026-11-21T01:00:00Z' },
      ],
      'calls.1.endedAt',
      /before startedAt/,
    ],
    [[{ ...answered, id: 'bad-2', endedAt: '2026-11-30T00:00:00Z' }], 'calls.0.endedAt', /in the past/],
    [[{ ...answered, id: 'bad-3', seat: null }], 'calls.0.seat', /required for an answered call/],
    [
      [{ ...abandoned, id: 'bad-4', agentAnsweredAt: '2026-11-21T02:00:20Z' }],
      'calls.0.agentAnsweredAt',
      /null unless answered/,
    ],
    [[{ ...abandoned, id: 'bad-5', queueJoinedAt: null }], 'calls.0.queueJoinedAt', /abandoned/],
    [[{ ...abandoned, id: 'bad-6', startedAt: 'yesterday' }], 'calls.0.startedAt', /ISO 8601/],
    [
      [
        { ...abandoned, id: 'dup' },
        { ...abandoned, id: 'dup' },
      ],
      'calls.1.id',
      /repeated/,
    ],
    [[{ ...abandoned, id: 'bad 7' }], 'calls.0.id', /letters, digits/],
    [[{ ...abandoned, id: 'bad-8', recording: 'x.wav' }], 'recording', /not a known field/],
    [[{ ...answered, id: 'bad-9', orderId: 'order-1' }], 'calls.0.orderId', /kind:scope:ULID/],
    [Array.from({ length: 41 }, (_, i) => ({ ...abandoned, id: `many-${i}` })), 'calls', /at most 40/],
    [[], 'calls', /at least one/],
  ];
  for (const [calls, field, message] of cases) {
    const refused = await importCalls(calls);
    expect(refused.status, field).toBe(400);
    const error = (refused.body as { error: { field: string; message: string } }).error;
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  }
  // Nothing of a refused batch was stored, not even its good call.
  expect(await store.getCall({ id: 'ok-1' })).toBeUndefined();
});
