import type { ClosingCalls } from '@jiazheng/sync/domain';
import type { CallRecord } from './call-record';
import { summariseQueueCalls } from './queue-figures';

type PeriodCall = Pick<
  CallRecord,
  'direction' | 'queue' | 'outcome' | 'waitSec' | 'talkSec' | 'agent' | 'queueJoinedAt'
>;

/**
 * A period's call figures as a closing records them, from the same counting as the supervisor's daily
 * figures (`summariseQueueCalls`), so a closed day shows what `GET /api/calls/figures` showed for it.
 * Abandoned counts the calls the queue timed out too (the caller was not served either way); the handle
 * time is summed rather than averaged, so the hub can add counties and days up.
 */
export function closingCallFigures(options: { calls: readonly PeriodCall[] }): ClosingCalls {
  const inbound = options.calls.filter((call) => call.direction === 'inbound');
  const { total } = summariseQueueCalls({ calls: inbound, hourOf: () => '' });
  let handleSecondsTotal = 0;
  for (const call of inbound) {
    if (call.queue !== null && call.outcome === 'answered') handleSecondsTotal += call.talkSec ?? 0;
  }
  return {
    offered: total.offered,
    answered: total.answered,
    answeredWithin15s: total.answeredWithinTarget,
    abandoned: total.abandoned + total.timedOut,
    handleSecondsTotal,
  };
}
