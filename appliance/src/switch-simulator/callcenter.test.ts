/**
 * mod_callcenter's rules, driven in-process on a fake clock: who gets the call, wrap-up, no-answer breaks,
 * busy delays, wait limits, exit keys, and training mode's manually answered seats.
 */
import { describe, expect, test } from 'vitest';
import { executeApi } from './api-commands';
import { FakeClock } from './clock';
import { getEventHeader, type SwitchEvent } from './switch-event';
import { SwitchSimulator, type SwitchSimulatorOptions } from './switch-simulator';

function setup(options: SwitchSimulatorOptions = {}): {
  sim: SwitchSimulator;
  clock: FakeClock;
  events: SwitchEvent[];
  cc: (action: string) => SwitchEvent[];
  api: (command: string, args: string) => string;
} {
  const clock = new FakeClock();
  const sim = new SwitchSimulator({
    clock,
    heartbeatIntervalMs: 0,
    queues: [{ name: 'hotline' }],
    defaultApps: [{ app: 'answer' }, { app: 'callcenter', data: 'hotline' }],
    ...options,
  });
  const events: SwitchEvent[] = [];
  sim.onEvent({ listener: (event) => events.push(event) });
  const header = (event: SwitchEvent, name: string): string | undefined => getEventHeader({ event, name });
  return {
    sim,
    clock,
    events,
    cc: (action) => events.filter((e) => header(e, 'CC-Action') === action),
    api: (command, args) => {
      let body = '';
      executeApi({
        env: { core: sim.core, callCenter: sim.callCenter },
        command,
        args,
        onResult: (b) => (body = b),
      });
      return body;
    },
  };
}

const h = (event: SwitchEvent | undefined, name: string): string | undefined =>
  event === undefined ? undefined : getEventHeader({ event, name });

function agents(names: string[]): Pick<SwitchSimulatorOptions, 'agents' | 'tiers'> {
  return {
    agents: names.map((name) => ({
      name: `${name}@default`,
      contact: `user/${name}`,
      status: 'Available' as const,
    })),
    tiers: names.map((name, index) => ({ queue: 'hotline', agent: `${name}@default`, position: index + 1 })),
  };
}

describe('mod_callcenter', () => {
  test('offers each call to the agent idle the longest (ties by tier position)', () => {
    const { sim, clock, cc } = setup({
      ...agents(['1001', '1002', '1003']),
      agentDefaults: { wrapUpTime: 0 },
    });
    for (let i = 0; i < 4; i++) {
      sim.placeInboundCall({ callerNumber: `1380000000${i}`, talkMs: 5000 });
      clock.advance({ ms: 10_000 });
    }
    expect(cc('agent-offering').map((e) => h(e, 'CC-Agent'))).toEqual([
      '1001@default',
      '1002@default',
      '1003@default',
      '1001@default',
    ]);
    expect(cc('bridge-agent-end')).toHaveLength(4);
  });

  test('an agent gets no new call during the 10 s wrap-up', () => {
    const { sim, clock, cc, events } = setup(agents(['1001']));
    sim.placeInboundCall({ callerNumber: '13800000001', talkMs: 5000 });
    clock.advance({ ms: 8000 }); // rang 3 s, talked 5 s
    expect(cc('bridge-agent-end')).toHaveLength(1);
    const ended = Number(
      h(
        events.find((e) => h(e, 'CC-Action') === 'bridge-agent-end'),
        'CC-Bridge-Terminated-Time',
      ),
    );
    sim.placeInboundCall({ callerNumber: '13800000002' });
    clock.advance({ ms: 10_000 });
    expect(cc('agent-offering')).toHaveLength(1);
    clock.advance({ ms: 1000 });
    const offers = cc('agent-offering');
    expect(offers).toHaveLength(2);
    expect(Number(h(offers[1], 'Event-Date-Timestamp')) / 1_000_000).toBe(ended + 11);
  });

  test('three unanswered offers put the agent On Break (max-no-answer 3)', () => {
    const { sim, clock, cc, api } = setup({
      agents: [
        {
          name: '1001@default',
          contact: '{originate_timeout=15}user/1001',
          status: 'Available',
          noAnswerDelayTime: 5,
        },
      ],
      tiers: [{ queue: 'hotline', agent: '1001@default' }],
      phones: { seats: { answer: 'never' } },
    });
    sim.placeInboundCall({ callerNumber: '13800000001' });
    clock.advance({ ms: 120_000 });
    const fails = cc('bridge-agent-fail');
    expect(fails.map((e) => h(e, 'CC-Hangup-Cause'))).toEqual(['NO_ANSWER', 'NO_ANSWER', 'NO_ANSWER']);
    expect(cc('agent-max-no-answer')).toHaveLength(1);
    expect(
      cc('agent-status-change')
        .map((e) => h(e, 'CC-Agent-Status'))
        .at(-1),
    ).toBe('On Break');
    expect(api('callcenter_config', 'agent get status 1001@default')).toBe('On Break');
    expect(api('callcenter_config', 'queue count members hotline')).toBe('1\n');
  });

  test('a busy agent waits out busy-delay-time while the next agent takes the call', () => {
    const { sim, clock, cc } = setup({
      ...agents(['1001', '1002']),
      phones: { overrides: { '1001': { answer: 'busy' } } },
    });
    sim.placeInboundCall({ callerNumber: '13800000001' });
    clock.advance({ ms: 5000 });
    expect(cc('bridge-agent-fail').map((e) => [h(e, 'CC-Agent'), h(e, 'CC-Hangup-Cause')])).toEqual([
      ['1001@default', 'USER_BUSY'],
    ]);
    expect(cc('bridge-agent-start').map((e) => h(e, 'CC-Agent'))).toEqual(['1002@default']);
  });

  test('the queue’s max-wait-time ends the wait with CC-Cancel-Reason TIMEOUT', () => {
    const { sim, clock, cc, events } = setup({ queues: [{ name: 'hotline', maxWaitTime: 30 }] });
    const { uuid } = sim.placeInboundCall({ callerNumber: '13800000001' });
    clock.advance({ ms: 31_000 });
    expect(cc('member-queue-end').map((e) => [h(e, 'CC-Cause'), h(e, 'CC-Cancel-Reason')])).toEqual([
      ['Cancel', 'TIMEOUT'],
    ]);
    const hangup = events.find((e) => e.name === 'CHANNEL_HANGUP_COMPLETE' && h(e, 'Unique-ID') === uuid);
    expect(h(hangup, 'variable_sip_hangup_disposition')).toBe('send_bye');
  });

  test('a caller leaves the queue with a key in cc_exit_keys (EXIT_WITH_KEY)', () => {
    const { sim, clock, cc } = setup();
    const { uuid } = sim.placeInboundCall({ callerNumber: '13800000001', variables: { cc_exit_keys: '#' } });
    clock.advance({ ms: 5000 });
    sim.sendDtmf({ uuid, digits: '1#' });
    expect(cc('member-queue-end').map((e) => h(e, 'CC-Cancel-Reason'))).toEqual(['EXIT_WITH_KEY']);
  });

  test('an agent going on break while the phone rings withdraws the offer without a penalty', () => {
    const { sim, clock, cc, api } = setup({ ...agents(['1001']), phones: { seats: { answer: 'manual' } } });
    sim.placeInboundCall({ callerNumber: '13800000001' });
    clock.advance({ ms: 2000 });
    expect(api('callcenter_config', "agent set status 1001@default 'On Break'")).toBe('+OK\n');
    clock.advance({ ms: 100 });
    expect(cc('bridge-agent-fail').map((e) => h(e, 'CC-Hangup-Cause'))).toEqual(['ORIGINATOR_CANCEL']);
    expect(api('callcenter_config', 'queue list agents hotline')).toContain(
      '|On Break|Waiting|3|10|10|60|0|0|0|',
    );
    expect(sim.channels()).toHaveLength(1);
  });

  test('training mode: a manual seat rings until uuid_answer, then the call is bridged', () => {
    const { sim, clock, cc, api } = setup({ ...agents(['1001']), phones: { seats: { answer: 'manual' } } });
    const { uuid } = sim.placeInboundCall({ callerNumber: '13800000001', callerName: '赵六' });
    clock.advance({ ms: 45_000 });
    const seat = sim.channels().find((c) => c.direction === 'outbound');
    expect(seat?.answerState).toBe('ringing');
    expect(seat?.callerIdName).toBe('赵六');
    expect(api('uuid_answer', seat?.uuid ?? '')).toBe('+OK\n');
    clock.advance({ ms: 0 });
    expect(cc('bridge-agent-start')).toHaveLength(1);
    expect(sim.channels().find((c) => c.uuid === uuid)?.bridgedTo).toBe(seat?.uuid);
  });

  test('statuses are stored as written: "available" is accepted but only "Available" gets calls', () => {
    const { sim, clock, cc, api } = setup({
      agents: [{ name: '1001@default', contact: 'user/1001' }],
      tiers: [{ queue: 'hotline', agent: '1001@default' }],
    });
    expect(api('callcenter_config', 'agent set status 1001@default available')).toBe('+OK\n');
    sim.placeInboundCall({ callerNumber: '13800000001' });
    clock.advance({ ms: 5000 });
    expect(cc('agent-offering')).toHaveLength(0);
    expect(api('callcenter_config', 'agent set status 1001@default Available')).toBe('+OK\n');
    clock.advance({ ms: 100 });
    expect(cc('agent-offering')).toHaveLength(1);
  });
});
