import { describe, expect, test } from 'vitest';
import type { LiveCall } from '../api/types';
import { history, screenPop, storedCall } from '../test-support';
import {
  applyConsoleMessage,
  callToAnswer,
  closePop,
  initialConsoleState,
  withCachedHistory,
  type ConsoleState,
} from './console-state';

function liveCall(overrides: Partial<LiveCall> = {}): LiveCall {
  return {
    id: 'c1',
    direction: 'inbound',
    caller: '+8613712345678',
    callerRaw: '13712345678',
    callerName: null,
    startedAt: '2026-11-29T03:00:00.000Z',
    state: 'queued',
    queue: 'hotline',
    queuedAt: '2026-11-29T03:00:03.000Z',
    agent: null,
    legId: null,
    ...overrides,
  };
}

function fold(...messages: Parameters<typeof applyConsoleMessage>[1][]): ConsoleState {
  return messages.reduce(applyConsoleMessage, initialConsoleState());
}

describe('console state', () => {
  test('the newest pop is on screen; the same call popping again replaces its pop', () => {
    const state = fold(screenPop({ callId: 'a' }), screenPop({ callId: 'b' }), screenPop({ callId: 'a' }));
    expect(state.pop?.callId).toBe('a');
    expect(state.pops.map((p) => p.callId)).toEqual(['a', 'b']);
  });

  test('live calls are updated in place and ordered by arrival; an ended call leaves', () => {
    let state = fold(
      { type: 'call', call: liveCall({ id: 'late', startedAt: '2026-11-29T03:05:00.000Z' }) },
      { type: 'call', call: liveCall({ id: 'early' }) },
      {
        type: 'call',
        call: liveCall({ id: 'late', startedAt: '2026-11-29T03:05:00.000Z', state: 'ringing' }),
      },
    );
    expect(state.calls.map((c) => [c.id, c.state])).toEqual([
      ['early', 'queued'],
      ['late', 'ringing'],
    ]);
    state = applyConsoleMessage(state, { type: 'call-ended', callId: 'early', record: storedCall() });
    expect(state.calls.map((c) => c.id)).toEqual(['late']);
    expect(state.endedCalls).toBe(1);
  });

  test('the pop on screen stays when its call ends, marked ended; it is not offered again after Esc', () => {
    let state = fold(
      { type: 'call', call: liveCall({ id: 'a' }) },
      { type: 'call', call: liveCall({ id: 'b' }) },
      screenPop({ callId: 'a' }),
      screenPop({ callId: 'b' }),
      { type: 'call-ended', callId: 'b', record: null },
    );
    expect(state.pop).toMatchObject({ callId: 'b', ended: true });
    state = closePop(state);
    // The next call still in progress shows.
    expect(state.pop?.callId).toBe('a');
    state = closePop(state);
    expect(state.pop).toBeNull();
    expect(closePop(state)).toBe(state);
  });

  test('seats are kept by name, sorted', () => {
    const state = fold(
      { type: 'agent', agent: { name: '1002@default', status: 'Available', state: 'Waiting', since: 't1' } },
      { type: 'agent', agent: { name: '1001@default', status: 'On Break', state: 'Idle', since: 't1' } },
      { type: 'agent', agent: { name: '1002@default', status: 'Logged Out', state: 'Idle', since: 't2' } },
    );
    expect(state.agents.map((a) => [a.name, a.status])).toEqual([
      ['1001@default', 'On Break'],
      ['1002@default', 'Logged Out'],
    ]);
  });

  test('a pop without history is filled from the cache, and says so; one with history is left alone', () => {
    let state = fold(screenPop({ callId: 'a', history: null }));
    state = withCachedHistory(state, { callId: 'a', history: history({ callsTotal: 7 }) });
    expect(state.pop).toMatchObject({ historyFromCache: true, history: { callsTotal: 7 } });
    const again = withCachedHistory(state, { callId: 'a', history: history({ callsTotal: 1 }) });
    expect(again.pop?.history?.callsTotal).toBe(7);
  });

  test('F2 answers the popped call if it is waiting, else the ringing one, else the oldest queued', () => {
    const base = fold(
      { type: 'call', call: liveCall({ id: 'q1' }) },
      { type: 'call', call: liveCall({ id: 'r1', state: 'ringing', startedAt: '2026-11-29T03:01:00.000Z' }) },
      { type: 'call', call: liveCall({ id: 't1', state: 'talking', startedAt: '2026-11-29T02:00:00.000Z' }) },
    );
    expect(callToAnswer(base)?.id).toBe('r1');
    expect(callToAnswer(applyConsoleMessage(base, screenPop({ callId: 'q1' })))?.id).toBe('q1');
    expect(callToAnswer(applyConsoleMessage(base, screenPop({ callId: 't1' })))?.id).toBe('r1');
    expect(callToAnswer(initialConsoleState())).toBeUndefined();
  });

  test('messages it does not show change nothing', () => {
    const state = initialConsoleState();
    expect(applyConsoleMessage(state, { type: 'dial-result', callId: 'x', ok: true, reason: null })).toBe(
      state,
    );
    expect(applyConsoleMessage(state, { type: 'sms', message: { id: 'm' } })).toBe(state);
  });
});
