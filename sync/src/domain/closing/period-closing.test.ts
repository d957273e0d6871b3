import { describe, expect, test } from 'vitest';
import { ApplyMode } from '../lifecycle';
import { Role } from '../roles';
import { command } from '../test-support';
import {
  applyClosingCommand,
  closingRates,
  closingTransitionList,
  periodBounds,
  replayClosingLog,
  type ClosingContext,
  type ClosingState,
} from './period-closing';

const closingId = 'closing:330106:01JBQ5M8X0000000000000000C';
const home: ClosingContext = { mode: ApplyMode.home, actorCountyCode: '330106' };
const replay: ClosingContext = { mode: ApplyMode.replay };
/** 2026-11-29 00:00 China time: 2026-11-28 is over, 2026-11-29 is not. */
const midnight = Date.UTC(2026, 10, 28, 16, 0, 0);

const calls = {
  offered: 120,
  answered: 110,
  answeredWithin15s: 96,
  abandoned: 8,
  handleSecondsTotal: 19_800,
};
const orders = { received: 40, information: 12, dispatched: 26, completed: 20 };
const payload = {
  closingId,
  countyCode: '330106',
  period: { kind: 'day', start: '2026-11-28' },
  calls,
  orders,
  closedBy: 'supervisor-wang',
};

function step(
  state: ClosingState | null,
  options: { type: string; payload: unknown; role?: Role; at?: number; context?: ClosingContext },
) {
  return applyClosingCommand({
    state,
    command: command({
      type: options.type,
      payload: options.payload,
      role: options.role ?? Role.system,
      at: options.at ?? midnight + 60_000,
    }),
    context: options.context ?? home,
  });
}

function closed(): ClosingState {
  const r = step(null, { type: 'closePeriod', payload });
  if (!r.ok) throw r.error;
  return r.value;
}

function refusal(r: ReturnType<typeof step>): { code: string; field: string | undefined } {
  if (r.ok) throw new Error('expected a refusal');
  return { code: r.error.code, field: r.error.field };
}

describe('closing a period', () => {
  test('the appliance (system) or a supervisor closes a period that is over, with its figures', () => {
    const state = closed();
    expect(state).toMatchObject({
      id: closingId,
      countyCode: '330106',
      status: 'closed',
      calls,
      orders,
      closedBy: 'supervisor-wang',
      closedAt: midnight + 60_000,
      reopenCount: 0,
    });
    expect(step(null, { type: 'closePeriod', payload, role: Role.supervisor }).ok).toBe(true);
    expect(closingRates({ calls: state.calls })).toEqual({
      answeredWithin15sRate: 0.8,
      abandonRate: 8 / 120,
      averageHandleSeconds: 180,
    });
    expect(
      closingRates({
        calls: {
          ...calls,
          offered: 0,
          answered: 0,
          answeredWithin15s: 0,
          abandoned: 0,
          handleSecondsTotal: 0,
        },
      }),
    ).toEqual({
      answeredWithin15sRate: null,
      abandonRate: null,
      averageHandleSeconds: null,
    });
  });

  test('a period not over yet in China time is refused, naming the period', () => {
    expect(refusal(step(null, { type: 'closePeriod', payload, at: midnight - 1 }))).toEqual({
      code: 'conflict',
      field: 'payload.period',
    });
    const month = { ...payload, period: { kind: 'month', start: '2026-11' } };
    expect(refusal(step(null, { type: 'closePeriod', payload: month, at: midnight + 60_000 }))).toEqual({
      code: 'conflict',
      field: 'payload.period',
    });
    // December 1st, 00:00 China time is 30 November 16:00 UTC.
    expect(step(null, { type: 'closePeriod', payload: month, at: Date.UTC(2026, 10, 30, 16) }).ok).toBe(true);
  });

  test('periods are China days and months', () => {
    expect(periodBounds({ period: { kind: 'day', start: '2026-11-28' } })).toEqual({
      startMs: Date.UTC(2026, 10, 27, 16),
      endMs: Date.UTC(2026, 10, 28, 16),
    });
    expect(periodBounds({ period: { kind: 'month', start: '2026-12' } })).toEqual({
      startMs: Date.UTC(2026, 10, 30, 16),
      endMs: Date.UTC(2026, 11, 31, 16),
    });
  });

  test.each([
    ['calls.answered', { calls: { ...calls, answered: 121 } }],
    ['calls.answeredWithin15s', { calls: { ...calls, answeredWithin15s: 111 } }],
    ['calls.abandoned', { calls: { ...calls, abandoned: 11 } }],
    ['calls.handleSecondsTotal', { calls: { ...calls, answered: 0, answeredWithin15s: 0 } }],
    ['calls.handleSecondsTotal', { calls: { ...calls, handleSecondsTotal: 110 * 86_400 + 1 } }],
    ['orders.information', { orders: { ...orders, information: 41 } }],
    ['orders.dispatched', { orders: { ...orders, dispatched: 41 } }],
    ['orders.completed', { orders: { ...orders, completed: 27 } }],
  ])('inconsistent figures are refused naming %s', (field, change) => {
    expect(refusal(step(null, { type: 'closePeriod', payload: { ...payload, ...change } }))).toEqual({
      code: 'invalid_input',
      field: `payload.${field}`,
    });
  });

  test.each([
    ['command.payload.calls.offered', { calls: { ...calls, offered: -1 } }],
    ['command.payload.period.start', { period: { kind: 'day', start: '2026-02-30' } }],
    ['command.payload.period.start', { period: { kind: 'month', start: '2026-11-01' } }],
    ['command.payload.countyCode', { countyCode: '330105' }],
    ['command.payload.closingId', { closingId: 'order:330106:01JBQ5M8X0000000000000000C' }],
  ])('malformed payloads are refused naming %s', (field, change) => {
    expect(refusal(step(null, { type: 'closePeriod', payload: { ...payload, ...change } }))).toEqual({
      code: 'invalid_input',
      field,
    });
  });

  test('only the county itself closes, and only its supervisor or system user', () => {
    expect(
      refusal(
        step(null, { type: 'closePeriod', payload, context: { mode: 'home', actorCountyCode: '330105' } }),
      ),
    ).toEqual({ code: 'forbidden', field: 'command.actor' });
    expect(
      refusal(step(null, { type: 'closePeriod', payload, context: { mode: 'home', actorCountyCode: null } })),
    ).toEqual({ code: 'forbidden', field: 'command.actor' });
    expect(refusal(step(null, { type: 'closePeriod', payload, role: Role.callTaker }))).toEqual({
      code: 'forbidden',
      field: 'command.actor.role',
    });
    expect(refusal(step(null, { type: 'closePeriod', payload, role: Role.centralOffice }))).toEqual({
      code: 'forbidden',
      field: 'command.actor.role',
    });
  });

  test('a closed period cannot be closed again until reopened', () => {
    expect(refusal(step(closed(), { type: 'closePeriod', payload }))).toEqual({
      code: 'conflict',
      field: 'command.type',
    });
  });
});

describe('reopening a period', () => {
  test('a supervisor reopens with a reason; the period then closes again with new figures, the latest counting', () => {
    const reopened = step(closed(), {
      type: 'reopenPeriod',
      payload: { reason: '补录漏记的来电' },
      role: Role.supervisor,
      at: midnight + 3_600_000,
    });
    if (!reopened.ok) throw reopened.error;
    expect(reopened.value).toMatchObject({ status: 'reopened', reopenCount: 1, calls });
    const newCalls = { ...calls, offered: 125, abandoned: 13 };
    const again = step(reopened.value, {
      type: 'closePeriod',
      payload: { ...payload, calls: newCalls, closedBy: 'supervisor-li' },
      at: midnight + 7_200_000,
    });
    if (!again.ok) throw again.error;
    expect(again.value).toMatchObject({
      status: 'closed',
      calls: newCalls,
      closedBy: 'supervisor-li',
      closedAt: midnight + 7_200_000,
      reopenCount: 1,
    });
    expect(again.value.history.map((e) => e.action)).toEqual(['closed', 'reopened', 'closed']);
  });

  test('only a supervisor of the county reopens, only a closed period, with a reason', () => {
    const state = closed();
    const reopen = { type: 'reopenPeriod', payload: { reason: 'wrong figures' } };
    expect(refusal(step(state, { ...reopen, role: Role.system }))).toEqual({
      code: 'forbidden',
      field: 'command.actor.role',
    });
    expect(
      refusal(
        step(state, {
          ...reopen,
          role: Role.supervisor,
          context: { mode: 'home', actorCountyCode: '330105' },
        }),
      ),
    ).toEqual({ code: 'forbidden', field: 'command.actor' });
    expect(refusal(step(state, { ...reopen, payload: { reason: ' ' }, role: Role.supervisor }))).toEqual({
      code: 'invalid_input',
      field: 'command.payload.reason',
    });
    expect(refusal(step(null, { ...reopen, role: Role.supervisor }))).toEqual({
      code: 'not_found',
      field: 'command.type',
    });
    const reopened = step(state, { ...reopen, role: Role.supervisor });
    if (!reopened.ok) throw reopened.error;
    expect(refusal(step(reopened.value, { ...reopen, role: Role.supervisor }))).toMatchObject({
      code: 'invalid_transition',
    });
  });

  test('a re-close must name the same record, county and period; a call-taker may not re-close', () => {
    const reopened = step(closed(), {
      type: 'reopenPeriod',
      payload: { reason: 'wrong figures' },
      role: Role.supervisor,
    });
    if (!reopened.ok) throw reopened.error;
    expect(
      refusal(
        step(reopened.value, {
          type: 'closePeriod',
          payload: { ...payload, period: { kind: 'day', start: '2026-11-27' } },
        }),
      ),
    ).toEqual({ code: 'invalid_input', field: 'payload.period' });
    expect(
      refusal(
        step(reopened.value, {
          type: 'closePeriod',
          payload: { ...payload, closingId: 'closing:330106:01JBQ5M8X0000000000000000D' },
        }),
      ),
    ).toEqual({ code: 'invalid_input', field: 'payload.closingId' });
    expect(refusal(step(reopened.value, { type: 'closePeriod', payload, role: Role.callTaker }))).toEqual({
      code: 'forbidden',
      field: 'command.actor.role',
    });
  });

  test('replay gives the state stepping gave; the table lists who may do what', () => {
    const commands = [
      command({ type: 'closePeriod', payload, role: Role.system, at: midnight + 1 }),
      command({ type: 'reopenPeriod', payload: { reason: 'r' }, role: Role.supervisor, at: midnight + 2 }),
      command({ type: 'closePeriod', payload, role: Role.supervisor, at: midnight + 3 }),
    ];
    let state: ClosingState | null = null;
    for (const c of commands) {
      const r = applyClosingCommand({ state, command: c, context: replay });
      if (!r.ok) throw r.error;
      state = r.value;
    }
    expect(replayClosingLog({ log: commands })).toEqual(state);
    expect(closingTransitionList).toEqual([
      { type: 'closePeriod', from: 'create', roles: ['supervisor', 'system'] },
      { type: 'reopenPeriod', from: ['closed'], roles: ['supervisor'] },
    ]);
  });
});
