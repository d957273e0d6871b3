import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { installJsonErrors } from '@jiazheng/sync/node';
import { createProjectionSchemaSql } from '@jiazheng/sync/projections';
import { Hono } from 'hono';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { CallRecord } from '../../domain/calls/call-record';
import { AuthService } from '../../services/auth-service';
import { CallService } from '../../services/call-service';
import { RecordingIndexer } from '../../services/recording-indexer';
import { FakeClock } from '../../switch-simulator/clock';
import { SwitchSimulator } from '../../switch-simulator/switch-simulator';
import { createRandom } from '../../switch-simulator/random';
import { writeWavFile } from '../../switch-simulator/wav';
import { EslCallControl } from '../esl/esl-call-control';
import { RecordingFiles } from '../files/recording-files';
import { PgliteAuthStore } from '../pglite/pglite-auth-store';
import { PgliteCallStore } from '../pglite/pglite-call-store';
import { PgliteCallerLookup } from '../pglite/pglite-caller-lookup';
import { mountTelephonyRoutes, parseRange } from './telephony-routes';

const quiet = { info: () => undefined, error: () => undefined };
let pglite: PGlite;
let store: PgliteCallStore;
let dir: string;
let sim: SwitchSimulator;
let clock: FakeClock;
let control: EslCallControl;
let calls: CallService;
let app: Hono;
let auth: AuthService;
let token: string;
let supervisorToken: string;

beforeAll(async () => {
  pglite = await PGlite.create();
  store = await PgliteCallStore.open({ pglite });
  for (const statement of createProjectionSchemaSql.split(';'))
    if (statement.trim() !== '') await pglite.exec(statement);
  dir = await mkdtemp(join(tmpdir(), 'jz-routes-'));
  clock = new FakeClock();
  sim = new SwitchSimulator({
    port: 0,
    clock,
    password: 'routes-test',
    recordingsDir: dir,
    heartbeatIntervalMs: 0,
    queues: [{ name: 'hotline' }],
    agents: [{ name: '1001@default', contact: 'user/1001', status: 'Logged Out' }],
    tiers: [{ queue: 'hotline', agent: '1001@default' }],
  });
  await sim.start();
  control = new EslCallControl({
    host: '127.0.0.1',
    port: sim.port,
    password: 'routes-test',
    kind: 'simulator',
    logger: quiet,
  });
  const files = new RecordingFiles({ root: dir });
  calls = new CallService({
    control,
    store,
    lookup: new PgliteCallerLookup({ db: store.db, calls: store }),
    publisher: { publish: () => undefined },
    recordings: new RecordingIndexer({ files, store, logger: quiet }),
    logger: quiet,
    defaultAreaCode: '0571',
  });
  await calls.start();
  auth = new AuthService({ store: new PgliteAuthStore({ db: store.db }), logger: quiet });
  await auth.bootstrapAdmin({ password: 'bootstrap-password' });
  await auth.createUser({
    username: 'seat1',
    password: 'seat-password-1',
    role: 'call_taker',
    displayName: '坐席一',
    seat: '1001',
  });
  app = new Hono();
  mountTelephonyRoutes({
    app,
    auth,
    calls,
    store,
    control,
    files,
    agentName: ({ seat }) => `${seat}@default`,
    defaultAreaCode: '0571',
    outbound: { gateway: 'carrier', callerIdNumber: '057188012345' },
  });
  installJsonErrors({ app, logger: quiet, processName: 'appliance' });
  token = await login({ username: 'seat1', password: 'seat-password-1' });
  supervisorToken = await login({ username: 'admin', password: 'bootstrap-password' });
  const deadline = Date.now() + 10_000;
  while (control.status().state !== 'connected' && Date.now() < deadline) await sleep(10);
}, 60_000);

afterAll(async () => {
  await calls.stop();
  await sim.stop();
  await pglite.close();
  await rm(dir, { recursive: true, force: true });
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function login(options: { username: string; password: string; address?: string }): Promise<string> {
  const res = await post({ path: '/api/auth/login', body: options });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

function post(options: { path: string; body: unknown; token?: string }): Promise<Response> {
  return Promise.resolve(
    app.request(options.path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      },
      body: JSON.stringify(options.body),
    }),
  );
}

function get(options: { path: string; token?: string; headers?: Record<string, string> }): Promise<Response> {
  return Promise.resolve(
    app.request(options.path, {
      headers: {
        ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
        ...options.headers,
      },
    }),
  );
}

function callRecord(options: { id: string; caller: string; startedAt: string }): CallRecord {
  return {
    id: options.id,
    direction: 'inbound',
    caller: options.caller,
    callerRaw: options.caller.replace('+86', ''),
    callerName: '<b>李四</b>',
    destination: '12345',
    startedAt: options.startedAt,
    answeredAt: options.startedAt,
    endedAt: new Date(Date.parse(options.startedAt) + 60_000).toISOString(),
    queue: 'hotline',
    queueJoinedAt: options.startedAt,
    agentAnsweredAt: new Date(Date.parse(options.startedAt) + 5_000).toISOString(),
    agent: '1001@default',
    waitSec: 5,
    talkSec: 55,
    billsec: 60,
    durationSec: 60,
    hangupCause: 'NORMAL_CLEARING',
    outcome: 'answered',
    kind: null,
    orderId: null,
    source: 'switch',
  };
}

test('login gives a token; wrong passwords are refused alike; the sixth failure in five minutes is rate-limited', async () => {
  const wrong = await post({
    path: '/api/auth/login',
    body: { username: 'seat1', password: 'nope-nope-nope' },
  });
  expect(wrong.status).toBe(401);
  const unknown = await post({
    path: '/api/auth/login',
    body: { username: 'ghost', password: 'nope-nope-nope' },
  });
  expect(unknown.status).toBe(401);
  // An unknown user and a wrong password look the same: the API does not reveal who exists.
  expect(await unknown.json()).toEqual(await wrong.json());
  const bad = await post({ path: '/api/auth/login', body: { username: 'seat1' } });
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('password');

  const limited = new AuthService({ store: new PgliteAuthStore({ db: store.db }), logger: quiet });
  for (let i = 0; i < 5; i += 1) {
    await expect(
      limited.login({ username: 'seat1', password: 'wrong-wrong', address: '10.0.0.9' }),
    ).rejects.toThrow('wrong username or password');
  }
  await expect(
    limited.login({ username: 'seat1', password: 'seat-password-1', address: '10.0.0.9' }),
  ).rejects.toThrow(/too many failed logins/);

  expect((await get({ path: '/api/me' })).status).toBe(401);
  expect((await get({ path: '/api/me', token: 'x'.repeat(43) })).status).toBe(401);
  const me = await get({ path: '/api/me', token });
  expect(await me.json()).toEqual({
    user: { username: 'seat1', role: 'call_taker', displayName: '坐席一', seat: '1001' },
  });
});

test('GET /api/calls?phone= finds a caller by any form of their number, newest first', async () => {
  await store.saveCall({
    record: callRecord({ id: 'call-a', caller: '+8657188881234', startedAt: '2026-11-01T01:00:00.000Z' }),
  });
  await store.saveCall({
    record: callRecord({ id: 'call-b', caller: '+8657188881234', startedAt: '2026-11-02T01:00:00.000Z' }),
  });
  await store.saveCall({
    record: callRecord({ id: 'call-c', caller: '+8613800000001', startedAt: '2026-11-02T01:00:00.000Z' }),
  });
  for (const form of ['88881234', '0571-8888 1234', '+86 571 88881234', '8657188881234']) {
    const res = await get({ path: `/api/calls?phone=${encodeURIComponent(form)}`, token });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { phone: string; calls: Array<{ id: string; callerName: string }> };
    expect(body.phone).toBe('+8657188881234');
    expect(body.calls.map((call) => call.id)).toEqual(['call-b', 'call-a']);
    // Markup from the caller ID travels as text (JSON-escaped), never interpreted.
    expect(body.calls[0]?.callerName).toBe('<b>李四</b>');
  }
  const bad = await get({ path: '/api/calls?phone=abc', token });
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('phone');
  expect((await get({ path: '/api/calls?phone=88881234' })).status).toBe(401);
});

test('a recording streams with Range support, and every listen is in the access log', async () => {
  await mkdir(join(dir, '2026-11-02'), { recursive: true });
  const path = join(dir, '2026-11-02', 'call-b.wav');
  writeWavFile({ path, samples: 8000, random: createRandom({ seed: 7 }) });
  const wav = await readFile(path);
  const indexer = new RecordingIndexer({ files: new RecordingFiles({ root: dir }), store, logger: quiet });
  await indexer.index({ callId: 'call-b', path, recordMs: 1000, at: '2026-11-02T01:01:00.000Z' });
  const [call] = (
    (await (await get({ path: '/api/calls?phone=88881234', token })).json()) as {
      calls: Array<{ recordingId: string | null }>;
    }
  ).calls;
  const id = call?.recordingId ?? '';
  expect(id).not.toBe('');

  const whole = await get({ path: `/api/recordings/${id}`, token });
  expect(whole.status).toBe(200);
  expect(whole.headers.get('content-type')).toBe('audio/wav');
  expect(whole.headers.get('accept-ranges')).toBe('bytes');
  expect(Buffer.from(await whole.arrayBuffer()).equals(wav)).toBe(true);

  const part = await get({ path: `/api/recordings/${id}`, token, headers: { range: 'bytes=0-43' } });
  expect(part.status).toBe(206);
  expect(part.headers.get('content-range')).toBe(`bytes 0-43/${wav.length}`);
  const header = Buffer.from(await part.arrayBuffer());
  expect(header.subarray(0, 4).toString()).toBe('RIFF');
  expect(header.length).toBe(44);

  const tail = await get({ path: `/api/recordings/${id}`, token, headers: { range: 'bytes=-10' } });
  expect(Buffer.from(await tail.arrayBuffer()).equals(wav.subarray(wav.length - 10))).toBe(true);
  const past = await get({
    path: `/api/recordings/${id}`,
    token,
    headers: { range: `bytes=${wav.length}-` },
  });
  expect(past.status).toBe(416);
  expect(past.headers.get('content-range')).toBe(`bytes */${wav.length}`);

  expect((await get({ path: `/api/recordings/${id}` })).status).toBe(401);
  expect((await get({ path: `/api/recordings/${id}/access`, token })).status).toBe(403);
  const access = (await (
    await get({ path: `/api/recordings/${id}/access`, token: supervisorToken })
  ).json()) as {
    access: Array<{ username: string; range: string | null }>;
  };
  expect(access.access.map((entry) => [entry.username, entry.range])).toEqual([
    ['seat1', null],
    ['seat1', 'bytes=0-43'],
    ['seat1', 'bytes=-10'],
    ['seat1', `bytes=${wav.length}-`],
  ]);

  // Evidence in a dispute: only a supervisor may hold it, and retention then never purges it.
  expect(
    (await post({ path: `/api/recordings/${id}/dispute`, body: { disputed: true }, token })).status,
  ).toBe(403);
  const held = await post({
    path: `/api/recordings/${id}/dispute`,
    body: { disputed: true },
    token: supervisorToken,
  });
  expect(held.status).toBe(200);
  expect((await store.getRecording({ id }))?.disputed).toBe(true);

  // A file that vanished from disk: 404 naming why, and the index remembers it.
  await rm(path);
  const gone = await get({ path: `/api/recordings/${id}`, token });
  expect(gone.status).toBe(404);
  expect(((await gone.json()) as { error: { message: string } }).error.message).toContain(
    'missing from disk',
  );
  expect((await store.getRecording({ id }))?.missing).toBe(true);
});

test('recording paths from the switch are confined to the recordings directory', async () => {
  const files = new RecordingFiles({ root: dir });
  await expect(files.locate({ path: '/etc/passwd' })).rejects.toThrow(/outside/);
  await expect(files.locate({ path: '../../etc/passwd' })).rejects.toThrow();
  await expect(files.locate({ path: 'a\u0000b.wav' })).rejects.toThrow(/refused/);
});

test('a seat sets its status from the console; the switch’s mod_callcenter agent follows', async () => {
  const res = await post({ path: '/api/seat/status', body: { status: 'available' }, token });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ agent: '1001@default', status: 'Available' });
  expect(await control.api({ command: 'callcenter_config agent get status 1001@default' })).toBe('Available');
  await post({ path: '/api/seat/status', body: { status: 'break' }, token });
  expect(await control.api({ command: 'callcenter_config agent get status 1001@default' })).toBe('On Break');
  const bad = await post({ path: '/api/seat/status', body: { status: 'asleep' }, token });
  expect(bad.status).toBe(400);
  // The admin has no seat.
  const noSeat = await post({
    path: '/api/seat/status',
    body: { status: 'available' },
    token: supervisorToken,
  });
  expect(noSeat.status).toBe(400);
});

test('queue figures for a day: service level, abandon rate, handle time, per agent and per hour (China time)', async () => {
  const res = await get({ path: '/api/calls/figures?date=2026-11-02', token: supervisorToken });
  expect(res.status).toBe(200);
  const body = (await res.json()) as {
    total: { offered: number; answered: number; serviceLevel: number; averageHandleSec: number };
    byAgent: Array<{ agent: string; answered: number }>;
    byHour: Array<{ hour: string; offered: number }>;
  };
  expect(body.total).toMatchObject({ offered: 2, answered: 2, serviceLevel: 1, averageHandleSec: 55 });
  expect(body.byAgent).toMatchObject([{ agent: '1001@default', answered: 2 }]);
  expect(body.byHour).toMatchObject([{ hour: '2026-11-02T09:00', offered: 2 }]);
  expect((await get({ path: '/api/calls/figures', token })).status).toBe(403);
  expect((await get({ path: '/api/calls/figures?date=2026-13-45', token: supervisorToken })).status).toBe(
    400,
  );
});

test('parseRange follows RFC 9110 for the forms players send', () => {
  expect(parseRange({ header: null, size: 100 })).toBeUndefined();
  expect(parseRange({ header: 'bytes=10-19', size: 100 })).toEqual({ start: 10, end: 19 });
  expect(parseRange({ header: 'bytes=90-', size: 100 })).toEqual({ start: 90, end: 99 });
  expect(parseRange({ header: 'bytes=50-500', size: 100 })).toEqual({ start: 50, end: 99 });
  expect(parseRange({ header: 'bytes=-500', size: 100 })).toEqual({ start: 0, end: 99 });
  expect(parseRange({ header: 'bytes=100-', size: 100 })).toBe('unsatisfiable');
  expect(parseRange({ header: 'bytes=0-1,5-6', size: 100 })).toBeUndefined();
  expect(parseRange({ header: 'items=0-1', size: 100 })).toBeUndefined();
  expect(parseRange({ header: 'bytes=9-3', size: 100 })).toBeUndefined();
});

test('POST /api/calls/dial places a return visit from the seat (202 with the call id); bad numbers are refused', async () => {
  const res = await post({
    path: '/api/calls/dial',
    body: {
      phone: '138-0013-8000',
      kind: 'return_visit',
      orderId: 'order:330106:01J9Z3K8M2Q7R4T6V8X0Y2A4C6',
    },
    token,
  });
  expect(res.status).toBe(202);
  expect((await res.json()) as { callId: string }).toEqual({
    callId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
  });
  const bad = await post({ path: '/api/calls/dial', body: { phone: '12', kind: 'return_visit' }, token });
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('phone');
  const badOrder = await post({
    path: '/api/calls/dial',
    body: { phone: '13800138000', kind: 'callback', orderId: 'x},{evil=1' },
    token,
  });
  expect(badOrder.status).toBe(400);
  const noSeat = await post({
    path: '/api/calls/dial',
    body: { phone: '13800138000', kind: 'callback' },
    token: supervisorToken,
  });
  expect(noSeat.status).toBe(400);
});

test('an admin creates seat users; others may not; a taken username or a weak password is refused', async () => {
  const body = {
    username: 'seat2',
    password: 'seat-password-2',
    role: 'call_taker',
    displayName: '坐席二',
    seat: '1002',
  };
  expect((await post({ path: '/api/users', body, token })).status).toBe(403);
  expect((await post({ path: '/api/users', body, token: supervisorToken })).status).toBe(201);
  expect((await post({ path: '/api/users', body, token: supervisorToken })).status).toBe(409);
  const weak = await post({
    path: '/api/users',
    body: { ...body, username: 'seat3', password: 'short' },
    token: supervisorToken,
  });
  expect(weak.status).toBe(400);
  expect(((await weak.json()) as { error: { field: string } }).error.field).toBe('password');
  const me = await get({
    path: '/api/me',
    token: await login({ username: 'seat2', password: 'seat-password-2' }),
  });
  expect(((await me.json()) as { user: { seat: string } }).user.seat).toBe('1002');
});

test('the wall board: callers waiting per queue (masked, longest first), seats, today and this week in China time', async () => {
  // The simulator's clock: Tuesday 7 July 2020, 10:00 China time; the board is read 30 s later.
  const at = new Date(clock.now() + 30_000);
  expect(at.toISOString().slice(0, 10)).toBe('2020-07-07');
  const board = new Hono();
  mountTelephonyRoutes({
    app: board,
    auth,
    calls,
    store,
    control,
    files: new RecordingFiles({ root: dir }),
    agentName: ({ seat }) => `${seat}@default`,
    defaultAreaCode: '0571',
    outbound: { gateway: 'carrier', callerIdNumber: '057188012345' },
    now: () => at,
  });
  installJsonErrors({ app: board, logger: quiet, processName: 'appliance' });
  const record = (id: string, startedAt: string, patch: Partial<CallRecord> = {}): CallRecord => ({
    ...callRecord({ id, caller: '+8613800000009', startedAt }),
    ...patch,
  });
  for (const call of [
    record('wb-today-1', '2020-07-07T01:00:00.000Z'),
    // 00:30 on Tuesday in China is still Monday in UTC.
    record('wb-today-2', '2020-07-06T16:30:00.000Z', { waitSec: 20, talkSec: 65 }),
    record('wb-today-3', '2020-07-07T01:30:00.000Z', {
      outcome: 'abandoned',
      agent: null,
      waitSec: 40,
      talkSec: null,
    }),
    record('wb-today-out', '2020-07-07T01:40:00.000Z', { direction: 'outbound', queue: null }),
    record('wb-monday', '2020-07-06T03:00:00.000Z', { agent: '1002@default', talkSec: 100 }),
    // Sunday 23:00 in China: last week.
    record('wb-sunday', '2020-07-05T15:00:00.000Z'),
  ])
    await store.saveCall({ record: call });

  // Nobody can answer, so a caller waits in the queue.
  await control.api({ command: "callcenter_config agent set status 1001@default 'Logged Out'" });
  const { uuid } = sim.placeInboundCall({ callerNumber: '13912345678', patienceMs: 600_000 });
  const deadline = Date.now() + 10_000;
  while (calls.live.get({ id: uuid })?.state !== 'queued' && Date.now() < deadline) await sleep(10);

  const res = await board.request('/api/wallboard', {
    headers: { authorization: `Bearer ${supervisorToken}` },
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as {
    queues: Array<{ name: string; waiting: Array<{ waitingSeconds: number }> }>;
  };
  expect(body).toMatchObject({
    at: at.toISOString(),
    queues: [
      {
        name: 'hotline',
        waiting: [{ callId: uuid, callerMasked: '139****5678' }],
      },
    ],
    agents: [
      {
        name: '1001@default',
        status: 'Logged Out',
        answeredToday: 2,
        handleSecondsToday: 120,
      },
    ],
    today: {
      offered: 3,
      answered: 2,
      answeredWithin15sRate: 1 / 3,
      abandoned: 1,
      abandonRate: 1 / 3,
      averageHandleSeconds: 60,
      averageWaitSeconds: 22,
    },
    week: {
      agents: [
        { name: '1001@default', answered: 2, averageHandleSeconds: 60 },
        { name: '1002@default', answered: 1, averageHandleSeconds: 100 },
      ],
    },
  });
  const waited = body.queues[0]?.waiting[0]?.waitingSeconds ?? -1;
  expect(waited).toBeGreaterThanOrEqual(25);
  expect(waited).toBeLessThanOrEqual(30);
  expect(JSON.stringify(body)).not.toContain('13912345678');

  const seat = await board.request('/api/wallboard', { headers: { authorization: `Bearer ${token}` } });
  expect(seat.status).toBe(403);
  expect(((await seat.json()) as { error: { code: string } }).error.code).toBe('forbidden');
  expect((await board.request('/api/wallboard')).status).toBe(401);
  sim.hangup({ uuid });
});
