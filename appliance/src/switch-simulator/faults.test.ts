/**
 * Fault injection: frames split at any byte and glued together, events before a command reply, connections
 * dropped mid-call, a switch restart, and a reader too slow to keep up.
 */
import { randomUUID } from 'node:crypto';
import { FreeSwitchClient, type FreeSwitchResponse } from 'esl';
import { afterEach, describe, expect, test } from 'vitest';
import { FakeClock } from './clock';
import { SwitchSimulator, type SwitchSimulatorOptions } from './switch-simulator';
import {
  delay,
  eslClientFactory,
  modeslClientFactory,
  RawClient,
  waitUntil,
  type ConformanceClientFactory,
  type RawFrame,
} from './test-support';
import { SHUTDOWN_MESSAGE } from './wire-frames';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startSim(
  options: SwitchSimulatorOptions = {},
): Promise<{ sim: SwitchSimulator; clock: FakeClock }> {
  const clock = new FakeClock();
  const sim = new SwitchSimulator({
    port: 0,
    clock,
    heartbeatIntervalMs: 0,
    queues: [{ name: 'hotline' }],
    agents: [{ name: '1001@default', contact: 'user/1001', status: 'Available' }],
    tiers: [{ queue: 'hotline', agent: '1001@default' }],
    extensions: [{ destination: '9999', apps: [{ app: 'answer' }, { app: 'park' }] }],
    defaultApps: [{ app: 'answer' }, { app: 'callcenter', data: 'hotline' }],
    ...options,
  });
  await sim.start();
  cleanups.push(() => sim.stop());
  return { sim, clock };
}

async function rawClient(sim: SwitchSimulator): Promise<RawClient> {
  const client = await RawClient.connect({ port: sim.port });
  cleanups.push(() => client.close());
  await client.authenticate();
  return client;
}

const quietLogger = { debug: () => undefined, info: () => undefined, error: () => undefined };

const CALL_ORDER = [
  'CHANNEL_CREATE',
  'CHANNEL_ANSWER',
  'CUSTOM member-queue-start',
  'CUSTOM agent-offering',
  'CHANNEL_CREATE',
  'CHANNEL_ANSWER',
  'CUSTOM bridge-agent-start',
  'CHANNEL_BRIDGE',
  'CHANNEL_HANGUP',
  'CHANNEL_HANGUP',
  'CUSTOM bridge-agent-end',
  'CUSTOM member-queue-end',
  'CHANNEL_HANGUP_COMPLETE',
  'CHANNEL_HANGUP_COMPLETE',
];

describe.each([
  ['esl 11.2.1', eslClientFactory],
  ['modesl 1.2.1', modeslClientFactory],
] as Array<[string, ConformanceClientFactory]>)(
  'split and coalesced frames still parse in %s',
  (_name, factory) => {
    test('every frame cut at every byte, then frames glued and cut at random points through a whole call', async () => {
      const { sim, clock } = await startSim();
      sim.faults.setShaping({ shaping: { mode: 'split', maxPieceBytes: 1 } });
      const client = await factory.connect({ port: sim.port });
      cleanups.push(() => client.close());
      const reply = await client.command({
        line: 'event json CHANNEL_CREATE CHANNEL_ANSWER CHANNEL_BRIDGE CHANNEL_HANGUP CHANNEL_HANGUP_COMPLETE CUSTOM callcenter::info',
      });
      expect(reply.replyText).toBe('+OK event listener enabled json');
      expect(await client.api({ command: 'status' })).toMatch(/^UP /);
      const jobUuid = randomUUID();
      expect((await client.bgapi({ command: 'hostname', jobUuid })).event.headers['Job-UUID']).toBe(jobUuid);
      const split = sim.stats();
      expect(split.socketWrites).toBeGreaterThan(split.framesWritten * 20);

      sim.faults.setShaping({ shaping: { mode: 'chaos', seed: 7, maxPieceBytes: 4096 } });
      sim.placeInboundCall({ callerNumber: '13800138000', callerName: '王五', talkMs: 30_000 });
      await client.waitForEvent({
        match: (e) => e.headers['CC-Action'] === 'agent-offering',
        what: 'the offer',
      });
      clock.advance({ ms: 3000 });
      clock.advance({ ms: 30_000 });
      await waitUntil({
        check: () => client.events.filter((e) => e.name === 'CHANNEL_HANGUP_COMPLETE').length === 2,
        what: 'both CDRs',
      });
      const labels = client.events
        .filter((e) => e.name !== 'BACKGROUND_JOB' && e.name !== 'CHANNEL_EXECUTE_COMPLETE')
        .filter(
          (e) =>
            e.name !== 'CUSTOM' ||
            [
              'member-queue-start',
              'agent-offering',
              'bridge-agent-start',
              'bridge-agent-end',
              'member-queue-end',
            ].includes(e.headers['CC-Action'] ?? ''),
        )
        .map((e) => (e.name === 'CUSTOM' ? `CUSTOM ${e.headers['CC-Action'] ?? ''}` : e.name));
      expect(labels).toEqual(CALL_ORDER);
      expect(client.events.find((e) => e.name === 'CHANNEL_CREATE')?.headers['Caller-Caller-ID-Name']).toBe(
        '王五',
      );
    });
  },
);

describe('events before a command reply', () => {
  test('off by default: the reply leaves first; on: the events the command caused may overtake it', async () => {
    const { sim } = await startSim();
    const client = await rawClient(sim);
    await client.command({ text: 'event plain CHANNEL_EXECUTE' });
    const { uuid } = sim.placeInboundCall({ callerNumber: '13800138000', destination: '9999' });
    await waitUntil({ check: () => client.frames.length >= 4, what: 'the dialplan events' });
    const sendmsg = `sendmsg ${uuid}\ncall-command: execute\nexecute-app-name: set\nexecute-app-arg: a=b\n\n`;
    const kinds = (frames: RawFrame[]): string[] =>
      frames.map((f) =>
        f.headers['Content-Type'] === 'command/reply'
          ? 'reply'
          : f.body.includes('Application: set')
            ? 'execute'
            : 'other',
      );

    let from = client.frames.length;
    client.send({ data: sendmsg });
    await waitUntil({
      check: () => kinds(client.frames.slice(from)).includes('execute'),
      what: 'the first execute',
    });
    expect(kinds(client.frames.slice(from)).filter((k) => k !== 'other')).toEqual(['reply', 'execute']);

    sim.faults.setEventsBeforeReply({ enabled: true });
    from = client.frames.length;
    client.send({ data: sendmsg });
    await waitUntil({
      check: () => kinds(client.frames.slice(from)).includes('reply'),
      what: 'the second reply',
    });
    expect(kinds(client.frames.slice(from)).filter((k) => k !== 'other')).toEqual(['execute', 'reply']);
  });

  test.each([
    ['esl 11.2.1', eslClientFactory],
    ['modesl 1.2.1', modeslClientFactory],
  ] as Array<[string, ConformanceClientFactory]>)(
    '%s still pairs every reply with its command',
    async (_name, factory) => {
      const { sim, clock } = await startSim();
      sim.faults.setEventsBeforeReply({ enabled: true });
      const client = await factory.connect({ port: sim.port });
      cleanups.push(() => client.close());
      expect(
        (await client.command({ line: 'event json CHANNEL_EXECUTE CHANNEL_EXECUTE_COMPLETE CHANNEL_PARK' }))
          .replyText,
      ).toBe('+OK event listener enabled json');
      const { uuid } = sim.placeInboundCall({ callerNumber: '13800138000', destination: '9999' });
      await client.waitForEvent({ match: (e) => e.name === 'CHANNEL_PARK', what: 'park' });
      const done = client.execute({ uuid, app: 'playback', arg: 'silence_stream://500' });
      await client.waitForEvent({
        match: (e) => e.name === 'CHANNEL_EXECUTE' && e.headers.Application === 'playback',
        what: 'playback',
      });
      clock.advance({ ms: 500 });
      expect((await done).headers['Application-Response']).toBe('FILE PLAYED');
      expect((await client.command({ line: `filter Unique-ID ${uuid}` })).replyText).toBe(
        `+OK filter added. [Unique-ID]=[${uuid}]`,
      );
      expect(await client.api({ command: `uuid_getvar ${uuid} sip_from_user` })).toBe('13800138000');
    },
  );
});

describe('dropped connections and restarts', () => {
  test('a connection dropped mid-call: the call goes on, and a reconnecting esl client resynchronises with show channels', async () => {
    const { sim, clock } = await startSim();
    const client = new FreeSwitchClient({ port: sim.port, logger: quietLogger });
    cleanups.push(() => client.end());
    const connections: FreeSwitchResponse[] = [];
    client.on('connect', (call) => connections.push(call));
    client.connect();
    await waitUntil({ check: () => connections.length === 1, what: 'the first connection' });

    const { uuid } = sim.placeInboundCall({ callerNumber: '13800138000', talkMs: 60_000 });
    clock.advance({ ms: 3000 });
    expect(sim.channels().find((c) => c.uuid === uuid)?.bridgedTo).toBeDefined();
    const raw = await rawClient(sim);
    sim.faults.dropConnections();
    await raw.waitForClose();
    expect(raw.received().includes('disconnect-notice')).toBe(false);

    await waitUntil({ check: () => connections.length === 2, what: 'esl to reconnect', timeoutMs: 10_000 });
    const second = connections[1];
    if (second === undefined) throw new Error('no second connection');
    const channels = JSON.parse((await second.api('show channels as json')).body) as {
      row_count: number;
      rows: Array<{ uuid: string; callstate: string }>;
    };
    expect(channels.row_count).toBe(2);
    expect(channels.rows.find((r) => r.uuid === uuid)?.callstate).toBe('ACTIVE');
    const calls = (await second.api('show calls count')).body;
    expect(calls).toBe('\n1 total.\n');
  });

  test('a crash-restart: new Core-UUID on the same port, every channel gone, agents and tiers kept', async () => {
    const { sim, clock } = await startSim();
    const port = sim.port;
    const before = sim.coreUuid;
    sim.placeInboundCall({ callerNumber: '13800138000' });
    clock.advance({ ms: 3000 });
    expect(sim.channels()).toHaveLength(2);
    const raw = await rawClient(sim);
    await sim.restart({ mode: 'crash' });
    await raw.waitForClose();
    expect(sim.port).toBe(port);
    expect(sim.coreUuid).not.toBe(before);
    expect(sim.channels()).toHaveLength(0);

    const after = await rawClient(sim);
    await after.command({ text: 'event json CHANNEL_CREATE' });
    expect((await after.command({ text: 'api show channels' })).body.toString()).toBe('\n0 total.\n');
    expect(
      (await after.command({ text: 'api callcenter_config queue list agents hotline' })).body.toString(),
    ).toMatch(/\n1001@default\|single_box\|\|callback\|user\/1001\|Available\|Waiting\|/);
    sim.placeInboundCall({ callerNumber: '13800138001', destination: '9999' });
    const create = await after.waitFor({ match: (f) => f.headers['Content-Type'] === 'text/event-json' });
    const json = JSON.parse(create.body.toString()) as Record<string, string>;
    expect(json['Core-UUID']).toBe(sim.coreUuid);
    expect(Number(json['Event-Sequence'])).toBeLessThan(10);
  });

  test('stop() then start() again is a restart too: a new Core-UUID, no calls', async () => {
    const { sim } = await startSim();
    const before = sim.coreUuid;
    sim.placeInboundCall({ callerNumber: '13800138000', destination: '9999' });
    await sim.stop();
    await sim.start();
    expect(sim.coreUuid).not.toBe(before);
    expect(sim.channels()).toHaveLength(0);
    const client = await rawClient(sim);
    expect((await client.command({ text: 'api status' })).body.toString()).toMatch(/^UP /);
  });

  test('a graceful restart hangs calls up with SYSTEM_SHUTDOWN and tells listeners the system is shutting down', async () => {
    const { sim } = await startSim();
    const { uuid } = sim.placeInboundCall({ callerNumber: '13800138000', destination: '9999' });
    const raw = await rawClient(sim);
    await raw.command({ text: 'event plain CHANNEL_HANGUP_COMPLETE' });
    await sim.restart({ mode: 'graceful' });
    await raw.waitForClose();
    const complete = raw.frames.find((f) => f.body.includes('Event-Name: CHANNEL_HANGUP_COMPLETE'));
    expect(complete?.body.toString()).toContain(`Unique-ID: ${uuid}\n`);
    expect(complete?.body.toString()).toContain('Hangup-Cause: SYSTEM_SHUTDOWN\n');
    expect(
      raw
        .received()
        .toString()
        .endsWith(`Content-Type: text/disconnect-notice\nContent-Length: 31\n\n${SHUTDOWN_MESSAGE}`),
    ).toBe(true);
  });
});

describe('a slow reader', () => {
  test('queues up to the limit, then is disconnected after more than maxLostEvents lost; others keep up', async () => {
    const { sim } = await startSim({ limits: { maxQueuedEvents: 1000, maxLostEvents: 500 } });
    const slow = await rawClient(sim);
    const healthy = await rawClient(sim);
    for (const client of [slow, healthy]) await client.command({ text: 'event plain CUSTOM test::flood' });
    slow.socket.pause();
    const body = 'x'.repeat(1500);
    const total = 20_000;
    for (let batch = 0; batch < total / 100; batch++) {
      for (let i = 0; i < 100; i++) {
        sim.injectEvent({
          name: 'CUSTOM',
          subclass: 'test::flood',
          headers: [['N', String(batch * 100 + i)]],
          body,
        });
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waitUntil({
      check: () => sim.stats().listenersKilled === 1,
      what: 'the slow listener to be dropped',
    });
    expect(sim.stats().lostEvents).toBeGreaterThan(500);
    await waitUntil({
      check: () => healthy.frames.length >= total + 2,
      what: 'every event at the healthy listener',
      timeoutMs: 15_000,
    });
    expect(healthy.closed).toBe(false);

    slow.socket.resume();
    await slow.waitForClose();
    expect(slow.received().includes('disconnect-notice')).toBe(false);
    await delay({ ms: 10 });
  });
});
