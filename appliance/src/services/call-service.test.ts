import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createProjectionSchemaSql } from '@jiazheng/sync/projections';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { EslCallControl } from '../adapters/esl/esl-call-control';
import { RecordingFiles } from '../adapters/files/recording-files';
import { PgliteCallStore } from '../adapters/pglite/pglite-call-store';
import { PgliteCallerLookup } from '../adapters/pglite/pglite-caller-lookup';
import type { ConsoleMessage } from '../ports/console-publisher';
import { FakeClock } from '../switch-simulator/clock';
import { SwitchSimulator } from '../switch-simulator/switch-simulator';
import { CallService } from './call-service';
import { parseProvisioning, type Provisioning } from '@jiazheng/firmware-config/domain';
import { routeWith, simulatedSwitchFor } from '../provisioned-switch';
import { RecordingIndexer } from './recording-indexer';

/*
 * The call service end to end against the switch simulator over a real Event Socket (esl 11.2.1), with the
 * call records in a real (in-memory) PGlite and real WAV recordings on disk. The simulator runs on a fake
 * clock, so a 90-second call takes milliseconds; the appliance's side runs on real time.
 */

const quiet = { info: () => undefined, error: () => undefined };
let pglite: PGlite;
let store: PgliteCallStore;
let dir: string;

beforeAll(async () => {
  pglite = await PGlite.create();
  store = await PgliteCallStore.open({ pglite });
  // The screen pop reads the caller's orders from the projections, as on the appliance.
  for (const statement of createProjectionSchemaSql.split(';'))
    if (statement.trim() !== '') await pglite.exec(statement);
  dir = await mkdtemp(join(tmpdir(), 'jz-calls-'));
}, 60_000);

afterAll(async () => {
  await pglite.close();
  await rm(dir, { recursive: true, force: true });
});

type Rig = {
  sim: SwitchSimulator;
  clock: FakeClock;
  control: EslCallControl;
  calls: CallService;
  messages: ConsoleMessage[];
  connections: Array<{ restarted: boolean }>;
};
const rigs: Rig[] = [];

afterEach(async () => {
  for (const rig of rigs.splice(0)) {
    await rig.calls.stop();
    await rig.sim.stop();
  }
  await pglite.exec('TRUNCATE calls, recordings, callbacks, recording_access');
});

async function startRig(
  options: { agents?: number; provisioning?: Provisioning; route?: boolean; startMs?: number } = {},
): Promise<Rig> {
  const clock = new FakeClock({ startMs: options.startMs ?? Date.parse('2026-11-20T02:00:00Z') });
  const agents = Array.from({ length: options.agents ?? 1 }, (_, i) => `${1001 + i}@default`);
  const { provisioning } = options;
  const plan =
    provisioning === undefined
      ? {
          queues: [{ name: 'hotline' }],
          agents: agents.map((name) => ({ name, contact: `user/${name.split('@')[0] ?? ''}` })),
          tiers: agents.map((agent) => ({ queue: 'hotline', agent })),
        }
      : simulatedSwitchFor({ provisioning });
  const sim = new SwitchSimulator({
    port: 0,
    clock,
    password: 'test-password',
    recordingsDir: dir,
    heartbeatIntervalMs: 0,
    ...plan,
    agents: plan.agents.map((agent) => ({ ...agent, status: 'Available' })),
    phones: { seats: { answer: 'auto', ringMs: 3000 } },
  });
  await sim.start();
  const control = new EslCallControl({
    host: '127.0.0.1',
    port: sim.port,
    password: 'test-password',
    kind: 'simulator',
    logger: quiet,
  });
  const messages: ConsoleMessage[] = [];
  const connections: Array<{ restarted: boolean }> = [];
  // Observe connections: wrap the listener the service registers.
  const listen = control.listen.bind(control);
  control.listen = (listener) =>
    listen({
      ...listener,
      onConnected: (o) => {
        connections.push({ restarted: o.restarted });
        listener.onConnected(o);
      },
    });
  const calls = new CallService({
    control,
    store,
    lookup: new PgliteCallerLookup({ db: store.db, calls: store }),
    publisher: { publish: ({ message }) => messages.push(message) },
    recordings: new RecordingIndexer({ files: new RecordingFiles({ root: dir }), store, logger: quiet }),
    logger: quiet,
    defaultAreaCode: '0571',
    now: () => new Date(clock.now()),
    recordingPath: ({ callId, at }) => join(dir, at.toISOString().slice(0, 10), `${callId}.wav`),
    route:
      provisioning === undefined || options.route === false
        ? undefined
        : (call) => routeWith({ provisioning, ...call }),
  });
  const rig = { sim, clock, control, calls, messages, connections };
  rigs.push(rig);
  await calls.start();
  await until(() => control.status().state === 'connected' && messages.some((m) => m.type === 'switch'));
  return rig;
}

async function until(check: () => boolean, what = 'condition'): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Lets the events of what the clock just did cross the socket and be handled. */
async function settle(rig: Rig): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 30));
  await rig.calls.idle();
}

test('a call pops on every console before it is answered, then leaves one call record with its recording', async () => {
  const rig = await startRig();
  const { uuid } = rig.sim.placeInboundCall({
    callerNumber: '13800138000',
    callerName: '张三',
    talkMs: 90_000,
  });
  await until(() => rig.messages.some((m) => m.type === 'screen-pop'), 'the screen pop');
  const pop = rig.messages.find((m) => m.type === 'screen-pop');
  expect(pop).toMatchObject({
    callId: uuid,
    caller: { phone: '+8613800138000', masked: '138****8000', name: '张三' },
    history: { callsTotal: 0, calls: [], orders: [] },
  });
  // Nobody has answered yet: the agent's phone rings for 3 s on the simulator's clock.
  expect(rig.calls.live.get({ id: uuid })?.state).not.toBe('talking');

  rig.clock.advance({ ms: 3000 });
  await settle(rig);
  expect(rig.calls.live.get({ id: uuid })).toMatchObject({
    state: 'talking',
    agent: '1001@default',
    queue: 'hotline',
  });
  rig.clock.advance({ ms: 90_000 });
  await until(() => rig.messages.some((m) => m.type === 'call-ended'), 'the call record');
  await settle(rig);

  const calls = await store.findCallsByCaller({ caller: '+8613800138000', limit: 10 });
  expect(calls).toHaveLength(1);
  const [call] = calls;
  expect(call).toMatchObject({
    id: uuid,
    direction: 'inbound',
    callerRaw: '13800138000',
    callerName: '张三',
    queue: 'hotline',
    agent: '1001@default',
    waitSec: 3,
    talkSec: 90,
    billsec: 93,
    hangupCause: 'NORMAL_CLEARING',
    outcome: 'answered',
    source: 'switch',
    startedAt: '2026-11-20T02:00:00.000Z',
    endedAt: '2026-11-20T02:01:33.000Z',
  });
  expect(call?.agentLegId).toMatch(/^[0-9a-f-]{36}$/);
  expect(call?.agentLegId).not.toBe(uuid);

  const recording = await store.getRecording({ id: call?.recordingId ?? '' });
  expect(recording).toMatchObject({
    callId: uuid,
    missing: false,
    durationMs: 93_000,
    bytes: 44 + 93 * 16_000,
  });
  const bytes = await readFile(recording?.path ?? '');
  expect(recording?.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
});

test('the second call of a caller pops with the first in its history; an abandoned call lands on the callback list', async () => {
  const rig = await startRig();
  rig.sim.setPhone({ target: '1001', behaviour: { answer: 'never' } });
  const first = rig.sim.placeInboundCall({ callerNumber: '057188886666', patienceMs: 20_000 });
  await settle(rig);
  rig.clock.advance({ ms: 20_000 });
  await until(() => rig.messages.some((m) => m.type === 'call-ended'), 'the abandoned call');
  await settle(rig);
  const [abandoned] = await store.findCallsByCaller({ caller: '+8657188886666', limit: 5 });
  expect(abandoned).toMatchObject({
    id: first.uuid,
    outcome: 'abandoned',
    waitSec: 20,
    agent: null,
    talkSec: null,
  });
  expect(await store.listCallbacks({ open: true, limit: 10 })).toMatchObject([
    { callId: first.uuid, caller: '+8657188886666', reason: 'abandoned' },
  ]);

  // The same caller dials again, this time as a bare local number: the area code completes it.
  rig.sim.placeInboundCall({ callerNumber: '88886666', patienceMs: 5_000 });
  await until(() => rig.messages.filter((m) => m.type === 'screen-pop').length === 2, 'the second pop');
  const pop = rig.messages.filter((m) => m.type === 'screen-pop')[1];
  expect(pop).toMatchObject({
    caller: { phone: '+8657188886666' },
    history: { callsTotal: 1, openCallbacks: 1 },
    flags: expect.arrayContaining(['awaiting_callback']) as unknown,
  });
  if (pop?.type !== 'screen-pop') throw new Error('no pop');
  expect(pop.history?.calls[0]?.id).toBe(first.uuid);
});

test('hostile caller IDs: markup stays text, control characters go, garbage numbers are kept raw but not normalised', async () => {
  const rig = await startRig();
  rig.sim.placeInboundCall({
    callerNumber: "1380013'; DROP TABLE calls;--",
    callerName: '<img src=x onerror=alert(1)>\u202e\u0007 王五',
    patienceMs: 1000,
  });
  await until(() => rig.messages.some((m) => m.type === 'screen-pop'), 'the pop');
  const pop = rig.messages.find((m) => m.type === 'screen-pop');
  expect(pop).toMatchObject({
    caller: { phone: null, masked: '****0013', name: '<img src=x onerror=alert(1)> 王五' },
    flags: ['no_number'],
    history: null,
  });
  rig.clock.advance({ ms: 1000 });
  await until(() => rig.messages.some((m) => m.type === 'call-ended'), 'the record');
  const { rows } = await pglite.query<{ n: number }>('SELECT count(*)::int AS n FROM calls');
  expect(rows[0]?.n).toBe(1);
});

test('a switch that restarts mid-call: the link comes back, and the call that vanished still gets a record', async () => {
  const rig = await startRig();
  const { uuid } = rig.sim.placeInboundCall({ callerNumber: '13900139000', talkMs: 600_000 });
  rig.clock.advance({ ms: 3000 });
  await settle(rig);
  expect(rig.calls.live.get({ id: uuid })?.state).toBe('talking');

  await rig.sim.restart({ mode: 'crash', downtimeMs: 0 });
  await until(() => rig.connections.length === 2, 'the reconnection');
  await until(() => rig.calls.stats().callsReconstructed === 1, 'the reconstructed record');
  expect(rig.connections[1]?.restarted).toBe(true);
  expect(rig.calls.live.calls()).toEqual([]);
  const [call] = await store.findCallsByCaller({ caller: '+8613900139000', limit: 5 });
  expect(call).toMatchObject({
    id: uuid,
    source: 'reconstructed',
    outcome: 'answered',
    agent: '1001@default',
  });

  // The new switch's calls are handled as before.
  rig.sim.placeInboundCall({ callerNumber: '13900139000', patienceMs: 2000 });
  await until(
    () => rig.messages.filter((m) => m.type === 'screen-pop').length === 2,
    'a pop after the restart',
  );
});

test('an agent leg never becomes a call of its own, in whichever order the hang-ups are stored', async () => {
  const rig = await startRig({ agents: 2 });
  for (let i = 0; i < 4; i += 1) {
    rig.sim.placeInboundCall({
      callerNumber: `1380013800${i}`,
      talkMs: 10_000,
      hangupBy: i % 2 === 0 ? 'caller' : 'callee',
    });
  }
  rig.clock.advance({ ms: 3000 });
  await settle(rig);
  rig.clock.advance({ ms: 10_000 });
  await settle(rig);
  rig.clock.advance({ ms: 30_000 });
  await settle(rig);
  rig.clock.advance({ ms: 30_000 });
  await until(() => rig.calls.stats().callsRecorded === 4, 'four records');
  await settle(rig);
  const { rows } = await pglite.query<{ complete: boolean; agent_leg_id: string | null; outcome: string }>(
    'SELECT complete, agent_leg_id, outcome FROM calls',
  );
  expect(rows).toHaveLength(4);
  expect(rows.every((row) => row.complete && row.agent_leg_id !== null && row.outcome === 'answered')).toBe(
    true,
  );
  expect(rig.calls.stats().legsMerged).toBe(4);
});

const provisioning = parseProvisioning({
  input: JSON.parse(
    await readFile(new URL('../../../firmware-config/examples/330106.json', import.meta.url), 'utf8'),
  ) as unknown,
});

test('calls are routed to their county platform’s queue by the provisioning file’s table, during the route window', async () => {
  const rig = await startRig({ provisioning });
  // 1390571… is routed to 拱墅 (county-330105) by number prefix; a 0571 landline to 西湖 (the default).
  const fromPrefix = rig.sim.placeInboundCall({
    callerNumber: '13905710001',
    talkMs: 5_000,
    destination: '057188012345',
  });
  const fromLandline = rig.sim.placeInboundCall({
    callerNumber: '057187654321',
    talkMs: 5_000,
    destination: '057188012345',
  });
  await until(() => rig.calls.stats().routed === 2, 'both calls routed');
  await settle(rig);
  expect(rig.calls.live.get({ id: fromPrefix.uuid })?.queue).toBe('county-330105');
  expect(rig.calls.live.get({ id: fromLandline.uuid })?.queue).toBe('county-330106');
  for (let i = 0; i < 3; i += 1) {
    rig.clock.advance({ ms: 5_000 });
    await settle(rig);
  }
  await until(() => rig.calls.stats().callsRecorded === 2, 'two records');
  expect((await store.getCall({ id: fromPrefix.uuid }))?.queue).toBe('county-330105');
  expect((await store.getCall({ id: fromLandline.uuid }))?.queue).toBe('county-330106');
});

test('with the appliance not routing, the route window ends and the dialplan puts the call in the default queue', async () => {
  const rig = await startRig({ provisioning, route: false });
  const { uuid } = rig.sim.placeInboundCall({
    callerNumber: '13905710001',
    talkMs: 5_000,
    destination: '057188012345',
  });
  await settle(rig);
  expect(rig.calls.live.get({ id: uuid })?.queue).toBeNull();
  rig.clock.advance({ ms: provisioning.routeTimeoutSeconds * 1000 });
  await settle(rig);
  expect(rig.calls.live.get({ id: uuid })?.queue).toBe('county-330106');
});

test('a return visit dialled for a seat: one outbound call record for the citizen, recorded, with the order', async () => {
  const rig = await startRig();
  rig.sim.setPhone({
    target: '13700001111',
    behaviour: { answer: 'auto', ringMs: 4000, hangupAfterMs: 30_000 },
  });
  const { callId } = rig.calls.dial({
    seatContact: 'user/1001',
    agent: '1001@default',
    number: '13700001111',
    kind: 'return_visit',
    orderId: 'order:330106:01J9Z3K8M2Q7R4T6V8X0Y2A4C6',
    gateway: 'carrier',
    callerIdNumber: '057188012345',
  });
  await settle(rig);
  rig.clock.advance({ ms: 3000 }); // the seat's phone answers
  await settle(rig);
  rig.clock.advance({ ms: 4000 }); // the citizen answers
  await settle(rig);
  rig.clock.advance({ ms: 30_000 }); // and hangs up
  await settle(rig);
  await until(() => rig.calls.stats().callsRecorded === 1, 'the outbound record');
  await settle(rig);
  expect(rig.messages).toContainEqual({ type: 'dial-result', callId, ok: true, reason: null });
  const [call] = await store.findCallsByCaller({ caller: '+8613700001111', limit: 5 });
  expect(call).toMatchObject({
    id: callId,
    direction: 'outbound',
    kind: 'return_visit',
    orderId: 'order:330106:01J9Z3K8M2Q7R4T6V8X0Y2A4C6',
    agent: '1001@default',
    outcome: 'answered',
    talkSec: 30,
  });
  expect(call?.recordingId).not.toBeNull();

  // A citizen who does not answer: the call fails, and the console is told why.
  rig.sim.setPhone({ target: '13700002222', behaviour: { answer: 'busy' } });
  const failed = rig.calls.dial({
    seatContact: 'user/1001',
    agent: '1001@default',
    number: '13700002222',
    kind: 'callback',
    orderId: null,
    gateway: 'carrier',
  });
  for (let i = 0; i < 4; i += 1) {
    rig.clock.advance({ ms: 5000 });
    await settle(rig);
  }
  await until(() => rig.calls.stats().callsRecorded === 2, 'the record of the failed call');
  expect((await store.getCall({ id: failed.callId }))?.outcome).toBe('unanswered');
});

test('training: the seat phone rings until the call-taker answers from the console; only that seat may answer', async () => {
  const rig = await startRig({ agents: 2 });
  rig.sim.setPhone({ target: '1001', behaviour: { answer: 'manual' } });
  rig.sim.setPhone({ target: '1002', behaviour: { answer: 'manual' } });
  const { uuid } = rig.sim.placeInboundCall({ callerNumber: '13811112222', talkMs: 60_000 });
  await until(() => rig.calls.live.get({ id: uuid })?.state === 'ringing', 'the seat ringing');
  rig.clock.advance({ ms: 30_000 });
  await settle(rig);
  const ringing = rig.calls.live.get({ id: uuid });
  expect(ringing?.state).toBe('ringing');
  const other = ringing?.agent === '1001@default' ? '1002@default' : '1001@default';
  await expect(rig.calls.answer({ callId: uuid, agent: other })).rejects.toThrow(/not ringing at/);
  await rig.calls.answer({ callId: uuid, agent: ringing?.agent ?? '' });
  await until(() => rig.calls.live.get({ id: uuid })?.state === 'talking', 'the call answered');
  await expect(rig.calls.answer({ callId: 'no-such-call', agent: other })).rejects.toThrow(/no such call/);
});

test('a recording the switch could not open (full disk): the call keeps its record, and the gap is counted', async () => {
  // The day's folder cannot be created: a file is in its way, as good as a full disk for the switch.
  await writeFile(join(dir, '2026-11-21'), 'not a folder');
  const rig = await startRig({ startMs: Date.parse('2026-11-21T02:00:00Z') });
  const { uuid } = rig.sim.placeInboundCall({ callerNumber: '13800990000', talkMs: 10_000 });
  rig.clock.advance({ ms: 3000 });
  await settle(rig);
  rig.clock.advance({ ms: 10_000 });
  await until(() => rig.calls.stats().callsRecorded === 1, 'the record');
  await settle(rig);
  const call = await store.getCall({ id: uuid });
  expect(call).toMatchObject({ outcome: 'answered', talkSec: 10 });
  const { rows } = await pglite.query('SELECT id FROM recordings WHERE call_id = $1', [uuid]);
  expect(rows).toEqual([]);
  expect(rig.calls.stats().unrecorded).toBe(1);
});

test('a recording that vanished before it could be indexed is indexed as missing, and counted', async () => {
  const files = new RecordingFiles({ root: dir });
  const indexer = new RecordingIndexer({ files, store, logger: quiet });
  await indexer.index({
    callId: 'call-gone',
    path: join(dir, '2026-11-22', 'call-gone.wav'),
    recordMs: 5000,
    at: '2026-11-22T01:00:00.000Z',
  });
  expect(indexer.stats()).toMatchObject({ missing: 1, indexed: 0 });
  const { rows } = await pglite.query<{ missing: boolean; duration_ms: number }>(
    "SELECT missing, duration_ms FROM recordings WHERE call_id = 'call-gone'",
  );
  expect(rows).toEqual([{ missing: true, duration_ms: 5000 }]);
  // A path outside the recordings directory is refused, not indexed.
  await indexer.index({
    callId: 'call-evil',
    path: '/etc/hostname',
    recordMs: 1,
    at: '2026-11-22T01:00:00.000Z',
  });
  expect(indexer.stats().refused).toBe(1);
});
