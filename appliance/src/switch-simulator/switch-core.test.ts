/**
 * The simulated switch's telephony, in-process on a fake clock: originate for return visits (seat first, then
 * the citizen), originate failures, uuid_bridge, transfers, prompts, on-demand recording, bad applications.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { executeApi } from './api-commands';
import { FakeClock } from './clock';
import { createRandom } from './random';
import { getEventHeader, type SwitchEvent } from './switch-event';
import { SwitchSimulator, type SwitchSimulatorOptions } from './switch-simulator';
import { readWavInfo, writeWavFile } from './wav';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switch-sim-core-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function setup(options: SwitchSimulatorOptions = {}): {
  sim: SwitchSimulator;
  clock: FakeClock;
  events: SwitchEvent[];
  api: (line: string) => string;
  /** For commands that answer later (originate): the body once it is there. */
  apiLater: (line: string) => () => string | undefined;
  named: (name: string, uuid?: string) => SwitchEvent[];
} {
  const clock = new FakeClock();
  const sim = new SwitchSimulator({
    clock,
    heartbeatIntervalMs: 0,
    recordingsDir: dir,
    extensions: [
      { destination: '9999', apps: [{ app: 'answer' }, { app: 'park' }] },
      { destination: '8888', apps: [{ app: 'answer' }, { app: 'playback', data: 'silence_stream://2000' }] },
    ],
    ...options,
  });
  const events: SwitchEvent[] = [];
  sim.onEvent({ listener: (event) => events.push(event) });
  const run = (line: string): (() => string | undefined) => {
    const space = line.indexOf(' ');
    let body: string | undefined;
    executeApi({
      env: { core: sim.core, callCenter: sim.callCenter },
      command: space < 0 ? line : line.slice(0, space),
      args: space < 0 ? undefined : line.slice(space + 1),
      onResult: (b) => (body = b),
    });
    return () => body;
  };
  return {
    sim,
    clock,
    events,
    api: (line) => run(line)() ?? 'no answer yet',
    apiLater: run,
    named: (name, uuid) =>
      events.filter(
        (e) =>
          e.name === name && (uuid === undefined || getEventHeader({ event: e, name: 'Unique-ID' }) === uuid),
      ),
  };
}

const h = (event: SwitchEvent | undefined, name: string): string | undefined =>
  event === undefined ? undefined : getEventHeader({ event, name });

describe('originate', () => {
  test('a return visit: the seat is rung first, then bridged to the citizen; the citizen hangs up', () => {
    const { clock, apiLater, named } = setup({
      phones: { external: { answer: 'auto', ringMs: 5000, hangupAfterMs: 60_000 } },
    });
    const result = apiLater(
      'originate {origination_caller_id_number=4008001234}user/1001 &bridge(sofia/gateway/carrier/13900139000)',
    );
    expect(result()).toBeUndefined();
    clock.advance({ ms: 3000 }); // the seat answers
    const seat = h(named('CHANNEL_CREATE')[0], 'Unique-ID') ?? '';
    expect(result()).toBe(`+OK ${seat}\n`);
    clock.advance({ ms: 5000 }); // the citizen answers
    const citizen = named('CHANNEL_CREATE').find((e) => h(e, 'Caller-Destination-Number') === '13900139000');
    expect(h(citizen, 'Caller-Caller-ID-Number')).toBe('4008001234');
    expect(h(citizen, 'Channel-Call-UUID')).toBe(seat);
    const bridge = named('CHANNEL_BRIDGE')[0];
    expect([h(bridge, 'Bridge-A-Unique-ID'), h(bridge, 'Bridge-B-Unique-ID')]).toEqual([
      seat,
      h(citizen, 'Unique-ID'),
    ]);
    expect(h(bridge, 'Other-Leg-Destination-Number')).toBe('13900139000');
    clock.advance({ ms: 60_000 });
    const complete = named('CHANNEL_HANGUP_COMPLETE');
    expect(
      complete.map((e) => [
        h(e, 'Caller-Destination-Number'),
        h(e, 'variable_sip_hangup_disposition'),
        h(e, 'variable_billsec'),
      ]),
    ).toEqual([
      ['13900139000', 'recv_bye', '60'],
      ['1001', 'send_bye', '65'],
    ]);
    expect(named('CHANNEL_EXECUTE_COMPLETE').map((e) => h(e, 'Application'))).toEqual(['bridge']);
  });

  test.each([
    [
      'a busy citizen',
      { overrides: { '13900000001': { answer: 'busy' } } },
      'sofia/gateway/carrier/13900000001 &park()',
      '-ERR USER_BUSY\n',
    ],
    [
      'nobody answering',
      { external: { answer: 'never' } },
      '{originate_timeout=20}sofia/gateway/carrier/13900000002 &park()',
      '-ERR NO_ANSWER\n',
    ],
    [
      'a seat not registered',
      { seats: { answer: 'unregistered' } },
      'user/1009 &park()',
      '-ERR USER_NOT_REGISTERED\n',
    ],
    ['an error endpoint', {}, 'error/user_busy &park()', '-ERR USER_BUSY\n'],
    ['an unknown technology', {}, 'skype/someone &park()', '-ERR CHAN_NOT_IMPLEMENTED\n'],
  ] as const)('fails with the cause for %s', (_what, phones, args, expected) => {
    const { clock, apiLater } = setup({ phones });
    const result = apiLater(`originate ${args}`);
    clock.advance({ ms: 25_000 });
    expect(result()).toBe(expected);
  });

  test('without arguments it prints the usage', () => {
    const { api } = setup();
    expect(api('originate')).toMatch(/^-USAGE: <call url> <exten>\|&<application_name>/);
  });
});

describe('channels', () => {
  test('uuid_bridge takes two parked calls out of park and bridges them; show calls lists the pair', () => {
    const { sim, api, named } = setup();
    const a = sim.placeInboundCall({ callerNumber: '13800000001', destination: '9999' }).uuid;
    const b = sim.placeInboundCall({ callerNumber: '13800000002', destination: '9999' }).uuid;
    expect(api(`uuid_bridge ${a} ${b}`)).toBe(`+OK ${b}\n`);
    expect(named('CHANNEL_UNPARK').map((e) => h(e, 'Unique-ID'))).toEqual([a, b]);
    expect(named('CHANNEL_BRIDGE', a)).toHaveLength(1);
    expect(api('show calls count')).toBe('\n1 total.\n');
    const calls = api('show calls');
    expect(calls.split('\n')[1]?.startsWith(`${a},inbound,`)).toBe(true);
    expect(calls).toContain(`,${b},inbound,`);
    expect(api(`uuid_bridge ${a} nope`)).toBe('-ERR Invalid uuid\n');
  });

  test('uuid_transfer sends a parked call to another extension; uuid_getvar/setvar/exists', () => {
    const { sim, clock, api, named } = setup();
    const a = sim.placeInboundCall({ callerNumber: '13800000001', destination: '9999' }).uuid;
    expect(api(`uuid_setvar ${a} order_id 42`)).toBe('+OK\n');
    expect(api(`uuid_getvar ${a} order_id`)).toBe('42');
    expect(api(`uuid_getvar ${a} nothing`)).toBe('_undef_');
    expect(api(`uuid_transfer ${a} 8888`)).toBe('+OK\n');
    expect(named('CHANNEL_EXECUTE', a).map((e) => h(e, 'Application'))).toEqual([
      'answer',
      'park',
      'answer',
      'playback',
    ]);
    expect(api(`uuid_exists ${a}`)).toBe('true');
    clock.advance({ ms: 2000 }); // the prompt ends, the extension has nothing more: hang up, destroy
    expect(named('CHANNEL_DESTROY', a)).toHaveLength(1);
    expect(api(`uuid_exists ${a}`)).toBe('false');
    expect(api(`uuid_kill ${a}`)).toBe('-ERR No such channel!\n');
  });

  test('an unknown application hangs the channel up with DESTINATION_OUT_OF_ORDER', () => {
    const { sim, named } = setup();
    const a = sim.placeInboundCall({ callerNumber: '13800000001', destination: '9999' }).uuid;
    const channel = sim.core.channel({ uuid: a });
    if (channel === undefined) throw new Error('no channel');
    sim.core.executePrivate({ channel, name: 'teleport', data: '', eventUuid: undefined });
    expect(h(named('CHANNEL_HANGUP', a)[0], 'Hangup-Cause')).toBe('DESTINATION_OUT_OF_ORDER');
  });

  test('playback measures real WAV prompts and reports a missing file', async () => {
    const prompt = join(dir, 'prompts', 'welcome.wav');
    writeWavFile({ path: prompt, samples: 8000 * 2.5, random: createRandom({ seed: 1 }) });
    const { sim, clock, named } = setup();
    const a = sim.placeInboundCall({ callerNumber: '13800000001', destination: '9999' }).uuid;
    const channel = sim.core.channel({ uuid: a });
    if (channel === undefined) throw new Error('no channel');
    sim.core.executePrivate({ channel, name: 'playback', data: join(dir, 'missing.wav'), eventUuid: 'e1' });
    sim.core.executePrivate({ channel, name: 'playback', data: prompt, eventUuid: 'e2' });
    clock.advance({ ms: 2499 });
    expect(named('PLAYBACK_STOP', a)).toHaveLength(0);
    clock.advance({ ms: 1 });
    expect(
      named('CHANNEL_EXECUTE_COMPLETE', a)
        .slice(-2)
        .map((e) => [h(e, 'Application-UUID'), h(e, 'Application-Response')]),
    ).toEqual([
      ['e1', 'FILE NOT FOUND'],
      ['e2', 'FILE PLAYED'],
    ]);
    expect(h(named('PLAYBACK_STOP', a)[0], 'variable_playback_ms')).toBe('2500');
    expect((await readFile(prompt)).length).toBe(44 + 40_000);
  });

  test('uuid_record starts and stops a recording on demand, creating missing directories', async () => {
    const { sim, clock, api, named } = setup();
    const a = sim.placeInboundCall({ callerNumber: '13800000001', destination: '9999' }).uuid;
    expect(api(`uuid_record ${a} start deep/er/call.wav`)).toBe('+OK Success\n');
    clock.advance({ ms: 12_345 });
    expect(api(`uuid_record ${a} stop deep/er/call.wav`)).toBe('+OK Success\n');
    const path = join(dir, 'deep', 'er', 'call.wav');
    expect(h(named('RECORD_STOP', a)[0], 'Record-File-Path')).toBe(path);
    expect(h(named('RECORD_STOP', a)[0], 'variable_record_ms')).toBe('12345');
    expect(readWavInfo({ buffer: await readFile(path) }).durationMs).toBe(12_345);
    expect(api('uuid_record nope start x.wav')).toBe('-ERR Cannot locate session!\n');
  });

  test('hupall hangs up every channel with the cause given', () => {
    const { sim, api, named } = setup();
    sim.placeInboundCall({ callerNumber: '13800000001', destination: '9999' });
    sim.placeInboundCall({ callerNumber: '13800000002', destination: '9999' });
    expect(api('hupall MANAGER_REQUEST')).toBe('+OK hangup all channels with cause MANAGER_REQUEST\n');
    expect(named('CHANNEL_HANGUP').map((e) => h(e, 'Hangup-Cause'))).toEqual([
      'MANAGER_REQUEST',
      'MANAGER_REQUEST',
    ]);
  });
});
