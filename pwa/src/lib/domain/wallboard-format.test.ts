import { describe, expect, test } from 'vitest';
import type { Wallboard } from '../api/types';
import {
  agentLabel,
  agentWorkRows,
  belowServiceLevel,
  formatDuration,
  formatRate,
  isLongWait,
  waitingCount,
} from './wallboard-format';

function board(patch: Partial<Wallboard> = {}): Wallboard {
  return {
    at: '2026-12-09T02:00:00.000Z',
    queues: [],
    agents: [],
    today: {
      offered: 0,
      answered: 0,
      answeredWithin15sRate: null,
      abandoned: 0,
      abandonRate: null,
      averageHandleSeconds: null,
      averageWaitSeconds: null,
    },
    week: { agents: [] },
    ...patch,
  };
}

describe('formatRate', () => {
  test('a share as the language writes a percentage, one decimal at most', () => {
    expect(formatRate({ rate: 0.8234, language: 'zh-CN' })).toBe('82.3%');
    expect(formatRate({ rate: 1, language: 'en' })).toBe('100%');
    expect(formatRate({ rate: 0, language: 'en' })).toBe('0%');
  });

  test('no calls offered: a dash, not 0 %', () => {
    expect(formatRate({ rate: null, language: 'zh-CN' })).toBe('—');
    expect(formatRate({ rate: Number.NaN, language: 'en' })).toBe('—');
  });
});

describe('formatDuration', () => {
  test('the two largest units, in the language’s own words', () => {
    expect(formatDuration({ seconds: 45, language: 'zh-CN' })).toBe('45秒');
    expect(formatDuration({ seconds: 65, language: 'zh-CN' })).toBe('1分钟5秒');
    expect(formatDuration({ seconds: 7380, language: 'zh-CN' })).toBe('2小时3分钟');
    expect(formatDuration({ seconds: 45, language: 'en' })).toBe('45s');
    expect(formatDuration({ seconds: 65, language: 'en' })).toBe('1m 5s');
    expect(formatDuration({ seconds: 7380, language: 'en' })).toBe('2h 3m');
  });

  test('whole units drop the zero; fractions round; unknown is a dash', () => {
    expect(formatDuration({ seconds: 120, language: 'en' })).toBe('2m');
    expect(formatDuration({ seconds: 3600, language: 'en' })).toBe('1h');
    expect(formatDuration({ seconds: 0, language: 'en' })).toBe('0s');
    expect(formatDuration({ seconds: 59.6, language: 'en' })).toBe('1m');
    expect(formatDuration({ seconds: -3, language: 'en' })).toBe('0s');
    expect(formatDuration({ seconds: null, language: 'zh-CN' })).toBe('—');
  });
});

describe('wall board helpers', () => {
  test('a wait over a minute is long; a minute exactly is not yet', () => {
    expect(isLongWait({ seconds: 60 })).toBe(false);
    expect(isLongWait({ seconds: 61 })).toBe(true);
  });

  test('the 15-second answer rate misses the standard below 80 %, not with nothing offered', () => {
    expect(belowServiceLevel({ rate: 0.79 })).toBe(true);
    expect(belowServiceLevel({ rate: 0.8 })).toBe(false);
    expect(belowServiceLevel({ rate: null })).toBe(false);
  });

  test('counts the callers waiting in every queue', () => {
    const waiting = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        callId: `c${i}`,
        callerMasked: '138****0000',
        waitingSeconds: i,
      }));
    expect(waitingCount({ board: board() })).toBe(0);
    expect(
      waitingCount({
        board: board({
          queues: [
            { name: 'hotline', waiting: waiting(2), longestWaitSeconds: 1 },
            { name: 'complaints', waiting: waiting(1), longestWaitSeconds: 0 },
          ],
        }),
      }),
    ).toBe(3);
  });

  test('one row per agent for today and the week, busiest this week first', () => {
    const rows = agentWorkRows({
      board: board({
        agents: [
          {
            name: '1001@default',
            status: 'Available',
            state: 'Waiting',
            sinceSeconds: 5,
            answeredToday: 3,
            handleSecondsToday: 300,
          },
          {
            name: '1003@default',
            status: 'Logged Out',
            state: 'Waiting',
            sinceSeconds: null,
            answeredToday: 0,
            handleSecondsToday: 0,
          },
        ],
        week: {
          agents: [
            { name: '1002@default', answered: 20, averageHandleSeconds: 90 },
            { name: '1001@default', answered: 12, averageHandleSeconds: 100 },
          ],
        },
      }),
    });
    expect(rows).toEqual([
      {
        name: '1002@default',
        answeredToday: null,
        handleSecondsToday: null,
        answeredWeek: 20,
        averageHandleSecondsWeek: 90,
      },
      {
        name: '1001@default',
        answeredToday: 3,
        handleSecondsToday: 300,
        answeredWeek: 12,
        averageHandleSecondsWeek: 100,
      },
      {
        name: '1003@default',
        answeredToday: 0,
        handleSecondsToday: 0,
        answeredWeek: null,
        averageHandleSecondsWeek: null,
      },
    ]);
  });

  test('an agent shows as its extension', () => {
    expect(agentLabel({ name: '1001@default' })).toBe('1001');
    expect(agentLabel({ name: 'lead' })).toBe('lead');
    expect(agentLabel({ name: '@odd' })).toBe('@odd');
  });
});
