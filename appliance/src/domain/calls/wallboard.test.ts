import { describe, expect, test } from 'vitest';
import type { CallRecord } from './call-record';
import { maskCaller } from './caller-mask';
import type { AgentState, LiveCall } from './live-calls';
import { buildWallboard, wallboardPeriods } from './wallboard';

/** Wednesday 9 December 2026, 10:00:00 China time. */
const now = new Date('2026-12-09T02:00:00.000Z');

function live(options: Partial<LiveCall> & { id: string }): LiveCall {
  return {
    direction: 'inbound',
    caller: '+8613812345678',
    callerRaw: '13812345678',
    callerName: null,
    startedAt: '2026-12-09T01:58:00.000Z',
    state: 'queued',
    queue: 'hotline',
    queuedAt: '2026-12-09T01:59:00.000Z',
    agent: null,
    legId: null,
    ...options,
  };
}

type Row = Parameters<typeof buildWallboard>[0]['weekCalls'][number];

function row(options: Partial<CallRecord> & { startedAt: string }): Row {
  return {
    direction: 'inbound',
    queue: 'hotline',
    outcome: 'answered',
    waitSec: 10,
    talkSec: 100,
    agent: '1001@default',
    queueJoinedAt: options.startedAt,
    ...options,
  };
}

const agent = (name: string, since: string, status = 'Available'): AgentState => ({
  name,
  status,
  state: 'Waiting',
  since,
});

describe('wallboardPeriods', () => {
  test('today and this week (from Monday) begin at midnight China time', () => {
    expect(wallboardPeriods({ now })).toEqual({
      todayFrom: '2026-12-08T16:00:00.000Z',
      weekFrom: '2026-12-06T16:00:00.000Z',
    });
    // 07:30 on a Monday in China is still Sunday in UTC: the week is the one just begun.
    expect(wallboardPeriods({ now: new Date('2026-12-06T23:30:00.000Z') })).toEqual({
      todayFrom: '2026-12-06T16:00:00.000Z',
      weekFrom: '2026-12-06T16:00:00.000Z',
    });
    // Sunday evening in China: the week began six days ago.
    expect(wallboardPeriods({ now: new Date('2026-12-13T12:00:00.000Z') }).weekFrom).toBe(
      '2026-12-06T16:00:00.000Z',
    );
  });
});

describe('buildWallboard', () => {
  test('waiting callers per queue, masked, longest wait first; calls in the greeting or talking are not waiting', () => {
    const board = buildWallboard({
      now,
      calls: [
        live({ id: 'a', queuedAt: '2026-12-09T01:59:30.000Z' }),
        live({ id: 'b', queuedAt: '2026-12-09T01:58:45.000Z', state: 'ringing', agent: '1001@default' }),
        live({ id: 'c', queue: 'complaints', caller: null, callerRaw: 'anonymous' }),
        live({ id: 'd', state: 'talking', agent: '1002@default' }),
        live({ id: 'e', state: 'ivr', queue: null, queuedAt: null }),
        live({ id: 'f', direction: 'outbound', state: 'dialling', queue: null }),
        live({ id: 'g', queuedAt: null, startedAt: '2026-12-09T01:59:50.000Z', caller: '+8657188881234' }),
      ],
      agents: [],
      weekCalls: [],
    });
    expect(board.at).toBe(now.toISOString());
    expect(board.queues).toEqual([
      {
        name: 'complaints',
        waiting: [{ callId: 'c', callerMasked: '未知号码', waitingSeconds: 60 }],
        longestWaitSeconds: 60,
      },
      {
        name: 'hotline',
        waiting: [
          { callId: 'b', callerMasked: '138****5678', waitingSeconds: 75 },
          { callId: 'a', callerMasked: '138****5678', waitingSeconds: 30 },
          { callId: 'g', callerMasked: '0571-****1234', waitingSeconds: 10 },
        ],
        longestWaitSeconds: 75,
      },
    ]);
  });

  test('a queue with today’s calls stays on the board with nobody waiting', () => {
    const board = buildWallboard({
      now,
      calls: [],
      agents: [],
      weekCalls: [row({ startedAt: '2026-12-09T01:00:00.000Z', queue: 'hotline' })],
    });
    expect(board.queues).toEqual([{ name: 'hotline', waiting: [], longestWaitSeconds: 0 }]);
  });

  test('seats with their time in state and today’s answered calls and talk time', () => {
    const board = buildWallboard({
      now,
      calls: [],
      agents: [
        agent('1002@default', '2026-12-09T01:55:00.000Z', 'On Break'),
        agent('1001@default', '2026-12-09T01:59:00.500Z'),
        agent('1003@default', 'not a time'),
      ],
      weekCalls: [
        row({ startedAt: '2026-12-09T01:00:00.000Z', talkSec: 120 }),
        row({ startedAt: '2026-12-08T16:10:00.000Z', talkSec: 60 }),
        // Before midnight China time: yesterday.
        row({ startedAt: '2026-12-08T15:59:59.000Z', talkSec: 999 }),
        row({ startedAt: '2026-12-09T01:10:00.000Z', talkSec: null }),
      ],
    });
    expect(board.agents).toEqual([
      {
        name: '1001@default',
        status: 'Available',
        state: 'Waiting',
        sinceSeconds: 59,
        answeredToday: 3,
        handleSecondsToday: 180,
      },
      {
        name: '1002@default',
        status: 'On Break',
        state: 'Waiting',
        sinceSeconds: 300,
        answeredToday: 0,
        handleSecondsToday: 0,
      },
      {
        name: '1003@default',
        status: 'Available',
        state: 'Waiting',
        sinceSeconds: null,
        answeredToday: 0,
        handleSecondsToday: 0,
      },
    ]);
  });

  test('today’s figures: 15-second answer rate and abandon rate of offered calls, averages rounded', () => {
    const board = buildWallboard({
      now,
      calls: [],
      agents: [],
      weekCalls: [
        row({ startedAt: '2026-12-09T01:00:00.000Z', waitSec: 15, talkSec: 100 }),
        row({ startedAt: '2026-12-09T01:01:00.000Z', waitSec: 16, talkSec: 51 }),
        row({ startedAt: '2026-12-09T01:02:00.000Z', outcome: 'abandoned', agent: null, waitSec: 30 }),
        row({ startedAt: '2026-12-09T01:03:00.000Z', outcome: 'timed_out', agent: null, waitSec: 60 }),
        // Not offered to a queue, outbound, or yesterday: not today's queue figures.
        row({ startedAt: '2026-12-09T01:04:00.000Z', queue: null, outcome: 'ended' }),
        row({ startedAt: '2026-12-09T01:05:00.000Z', direction: 'outbound', queue: null }),
        row({ startedAt: '2026-12-08T01:00:00.000Z' }),
      ],
    });
    expect(board.today).toEqual({
      offered: 4,
      answered: 2,
      answeredWithin15sRate: 0.25,
      abandoned: 2,
      abandonRate: 0.5,
      averageHandleSeconds: 76,
      averageWaitSeconds: 30,
    });
  });

  test('a quiet day has rates and averages of null, not zero', () => {
    const board = buildWallboard({ now, calls: [], agents: [], weekCalls: [] });
    expect(board.today).toEqual({
      offered: 0,
      answered: 0,
      answeredWithin15sRate: null,
      abandoned: 0,
      abandonRate: null,
      averageHandleSeconds: null,
      averageWaitSeconds: null,
    });
    expect(board.week).toEqual({ agents: [] });
  });

  test('the week per agent since Monday China time, most answered first', () => {
    const board = buildWallboard({
      now,
      calls: [],
      agents: [],
      weekCalls: [
        row({ startedAt: '2026-12-07T01:00:00.000Z', agent: '1002@default', talkSec: 90 }),
        row({ startedAt: '2026-12-09T01:00:00.000Z', agent: '1001@default', talkSec: 60 }),
        row({ startedAt: '2026-12-08T01:00:00.000Z', agent: '1001@default', talkSec: 30 }),
        // Sunday night in China: last week.
        row({ startedAt: '2026-12-06T15:00:00.000Z', agent: '1002@default', talkSec: 10 }),
        row({ startedAt: '2026-12-06T16:00:00.000Z', agent: '1002@default', talkSec: 10 }),
        row({ startedAt: '2026-12-08T02:00:00.000Z', outcome: 'abandoned', agent: null }),
      ],
    });
    expect(board.week.agents).toEqual([
      { name: '1001@default', answered: 2, averageHandleSeconds: 45 },
      { name: '1002@default', answered: 2, averageHandleSeconds: 50 },
    ]);
  });
});

describe('maskCaller', () => {
  test('valid numbers keep their ends; anything else only its last digits', () => {
    expect(maskCaller({ caller: '+8613812345678', callerRaw: '' })).toBe('138****5678');
    expect(maskCaller({ caller: '+8657188881234', callerRaw: '' })).toBe('0571-****1234');
    expect(maskCaller({ caller: null, callerRaw: "1380013'; DROP TABLE" })).toBe('****0013');
    expect(maskCaller({ caller: null, callerRaw: '123' })).toBe('****');
    expect(maskCaller({ caller: null, callerRaw: 'anonymous' })).toBe('未知号码');
    expect(maskCaller({ caller: 'garbage', callerRaw: '99998888' })).toBe('****8888');
  });
});
