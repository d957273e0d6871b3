import { expect, test } from 'vitest';
import type { PeriodClosing } from '../api/hub-types';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';
import {
  canReopenPeriod,
  checkReopenReason,
  closingHistory,
  REOPEN_REASON_MAX,
  REOPEN_WAIT_MS,
  reopenProgress,
} from './period-reopen';

test('only a supervisor is offered reopening, and only on a closed period; an admin views', () => {
  for (const [status, role, offered] of [
    ['closed', 'supervisor', true],
    ['reopened', 'supervisor', false],
    ['closed', 'admin', false],
    ['closed', 'call_taker', false],
    ['closed', 'technician', false],
    ['closed', 'system', false],
    ['closed', null, false],
    ['closed', undefined, false],
  ] as const) {
    expect(canReopenPeriod({ closing: { status }, role }), `${status} ${String(role)}`).toBe(offered);
  }
});

test('the reason is trimmed, required and at most 500 characters, as the domain takes it', () => {
  expect(checkReopenReason({ reason: '  补录漏记的来电 ' })).toEqual({ ok: true, reason: '补录漏记的来电' });
  expect(checkReopenReason({ reason: '' })).toEqual({ ok: false, field: 'reason', problem: 'required' });
  expect(checkReopenReason({ reason: ' \n\t ' })).toEqual({
    ok: false,
    field: 'reason',
    problem: 'required',
  });
  expect(checkReopenReason({ reason: '因'.repeat(REOPEN_REASON_MAX) })).toMatchObject({ ok: true });
  expect(checkReopenReason({ reason: ` ${'因'.repeat(REOPEN_REASON_MAX)} ` })).toMatchObject({ ok: true });
  expect(checkReopenReason({ reason: '因'.repeat(REOPEN_REASON_MAX + 1) })).toEqual({
    ok: false,
    field: 'reason',
    problem: 'tooLong',
  });
});

test('a reopening is waiting until the appliance lists it reopened, refused by the home’s word, or out of time', () => {
  const closingId = 'closing:330106:01JBQ5M8X0000000000000000C';
  const base = { closingId, startedAt: 1_000, now: 2_000 };
  const closed = [{ id: closingId, status: 'closed' as const }];
  const reopened = [{ id: closingId, status: 'reopened' as const }];
  expect(reopenProgress({ ...base, closings: closed, decision: { outcome: 'pending' } })).toEqual({
    kind: 'waiting',
  });
  expect(reopenProgress({ ...base, closings: reopened, decision: { outcome: 'pending' } })).toEqual({
    kind: 'reopened',
  });
  // Offline: the appliance's list cannot be read, but its acceptance has synced back.
  expect(reopenProgress({ ...base, closings: null, decision: { outcome: 'accepted' } })).toEqual({
    kind: 'reopened',
  });
  // Another closing reopened says nothing of this one.
  expect(
    reopenProgress({
      ...base,
      closings: [{ id: 'closing:330106:01JBQ5M8X0000000000000000D', status: 'reopened' }, ...closed],
      decision: { outcome: 'pending' },
    }),
  ).toEqual({ kind: 'waiting' });
  const refusal = {
    outcome: 'rejected',
    code: 'forbidden',
    field: 'command.actor.role',
    message: 'role call_taker may not reopenPeriod a closing (allowed: supervisor)',
  } as const;
  expect(reopenProgress({ ...base, closings: reopened, decision: refusal })).toEqual({
    kind: 'refused',
    code: 'forbidden',
    field: 'command.actor.role',
    message: refusal.message,
  });
  expect(
    reopenProgress({
      ...base,
      now: base.startedAt + REOPEN_WAIT_MS,
      closings: null,
      decision: { outcome: 'pending' },
    }),
  ).toEqual({ kind: 'timedOut' });
  expect(
    reopenProgress({ ...base, now: 1_500, limitMs: 500, closings: closed, decision: { outcome: 'pending' } }),
  ).toEqual({ kind: 'timedOut' });
});

test('the history reads newest first, with the console’s user shown by the county’s username', () => {
  const closing: Pick<PeriodClosing, 'countyCode' | 'history'> = {
    countyCode: '330106',
    history: [
      { action: 'closed', at: 1, by: 'lead' },
      { action: 'reopened', at: 2, by: '330106-lead', reason: '补录' },
      { action: 'closed', at: 3, by: 'lead2' },
      { action: 'reopened', at: 4, by: '330102-other', reason: '别县' },
    ],
  };
  expect(closingHistory({ closing })).toEqual([
    { action: 'reopened', at: 4, by: '330102-other', reason: '别县' },
    { action: 'closed', at: 3, by: 'lead2', reason: null },
    { action: 'reopened', at: 2, by: 'lead', reason: '补录' },
    { action: 'closed', at: 1, by: 'lead', reason: null },
  ]);
});

test('every reopening label is in both languages', () => {
  for (const key of [
    'reopen',
    'reopenReason',
    'reopenSubmit',
    'reopenCancel',
    'reopening',
    'reopened',
    'reopenWaiting',
    'reopenRefused',
    'reopenFailed',
    'reopenNotSynced',
    'reasonRequired',
    'reasonTooLong',
    'recordsNotReady',
    'supervisorOnly',
    'history',
    'historyClosed',
    'historyReopened',
  ] as const) {
    expect(zhCN.periods[key], key).toBeTruthy();
    expect(en.periods[key], key).toBeTruthy();
  }
});
