import type { CallRecord } from './call-record';
import { maskCaller } from './caller-mask';
import type { AgentState, LiveCall } from './live-calls';
import { summariseQueueCalls } from './queue-figures';

/**
 * The supervisor's wall board: who is waiting in which queue and for how long, what each seat is doing,
 * and how today and this week are going. Pure: the route hands in the live picture, the week's call
 * records and the time; "today" and "this week" are China time, as the queue figures are.
 */

export type WallboardQueue = {
  name: string;
  /** Longest wait first. */
  waiting: Array<{ callId: string; callerMasked: string; waitingSeconds: number }>;
  /** 0 when nobody waits. */
  longestWaitSeconds: number;
};

export type WallboardAgent = {
  name: string;
  status: string;
  state: string;
  /** Seconds in the current state; null when the switch gave no usable time. */
  sinceSeconds: number | null;
  answeredToday: number;
  handleSecondsToday: number;
};

export type WallboardToday = {
  offered: number;
  answered: number;
  /** Answered within 15 s over offered (GB/T 33358's service level), 0..1; null with nothing offered. */
  answeredWithin15sRate: number | null;
  /** Calls lost in the queue: abandoned by the caller or timed out by the queue. */
  abandoned: number;
  /** abandoned / offered, 0..1 (the queue figures' abandon rate); null with nothing offered. */
  abandonRate: number | null;
  averageHandleSeconds: number | null;
  averageWaitSeconds: number | null;
};

export type Wallboard = {
  at: string;
  queues: WallboardQueue[];
  agents: WallboardAgent[];
  today: WallboardToday;
  week: { agents: Array<{ name: string; answered: number; averageHandleSeconds: number | null }> };
};

type WallboardCall = Pick<
  CallRecord,
  'direction' | 'startedAt' | 'queue' | 'outcome' | 'waitSec' | 'talkSec' | 'agent' | 'queueJoinedAt'
>;

const DAY_MS = 24 * 3600 * 1000;
/** China Standard Time, UTC+8 all year: China has kept no daylight saving time since 1991. */
const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** Where today and this week (from Monday) begin in China time, as ISO instants. */
export function wallboardPeriods(options: { now: Date }): { todayFrom: string; weekFrom: string } {
  const local = options.now.getTime() + CHINA_OFFSET_MS;
  const localMidnight = Math.floor(local / DAY_MS) * DAY_MS;
  const daysSinceMonday = (new Date(localMidnight).getUTCDay() + 6) % 7;
  return {
    todayFrom: new Date(localMidnight - CHINA_OFFSET_MS).toISOString(),
    weekFrom: new Date(localMidnight - daysSinceMonday * DAY_MS - CHINA_OFFSET_MS).toISOString(),
  };
}

/**
 * The board at `now` from the live calls and seats and this week's call records (any direction; only
 * inbound calls that reached a queue count, as in the queue figures). The queues shown are those with
 * a caller waiting or a call today, so a queue that emptied stays on the board with its zero.
 */
export function buildWallboard(options: {
  now: Date;
  calls: readonly LiveCall[];
  agents: readonly AgentState[];
  weekCalls: readonly WallboardCall[];
}): Wallboard {
  const { now } = options;
  const nowMs = now.getTime();
  const { todayFrom, weekFrom } = wallboardPeriods({ now });
  const inPeriod = (call: WallboardCall, from: string): boolean => {
    const started = Date.parse(call.startedAt);
    return call.direction === 'inbound' && started >= Date.parse(from) && started <= nowMs;
  };
  const week = options.weekCalls.filter((call) => inPeriod(call, weekFrom));
  const today = week.filter((call) => inPeriod(call, todayFrom));
  const hourOf = (): string => '';
  const todayFigures = summariseQueueCalls({ calls: today, hourOf }).total;
  const weekByAgent = summariseQueueCalls({ calls: week, hourOf }).byAgent;

  const secondsSince = (iso: string): number | null => {
    const at = Date.parse(iso);
    return Number.isNaN(at) ? null : Math.max(0, Math.floor((nowMs - at) / 1000));
  };

  const waitingByQueue = new Map<string, WallboardQueue['waiting']>();
  for (const call of today)
    if (call.queue !== null && !waitingByQueue.has(call.queue)) waitingByQueue.set(call.queue, []);
  for (const call of options.calls) {
    // In the greeting a call has no queue yet; ringing at a seat, the caller is still waiting.
    if (call.direction !== 'inbound' || call.queue === null) continue;
    if (call.state !== 'queued' && call.state !== 'ringing') continue;
    const list = waitingByQueue.get(call.queue) ?? [];
    list.push({
      callId: call.id,
      callerMasked: maskCaller({ caller: call.caller, callerRaw: call.callerRaw }),
      waitingSeconds: secondsSince(call.queuedAt ?? call.startedAt) ?? 0,
    });
    waitingByQueue.set(call.queue, list);
  }
  const queues = [...waitingByQueue]
    .map(([name, waiting]) => {
      waiting.sort((a, b) => b.waitingSeconds - a.waitingSeconds || a.callId.localeCompare(b.callId));
      return { name, waiting, longestWaitSeconds: waiting[0]?.waitingSeconds ?? 0 };
    })
    .sort((a, b) => a.name.localeCompare(b.name));

  const todayByAgent = new Map<string, { answered: number; handleSeconds: number }>();
  for (const call of today) {
    if (call.queue === null || call.outcome !== 'answered' || call.agent === null) continue;
    const entry = todayByAgent.get(call.agent) ?? { answered: 0, handleSeconds: 0 };
    entry.answered += 1;
    entry.handleSeconds += call.talkSec ?? 0;
    todayByAgent.set(call.agent, entry);
  }
  const agents = [...options.agents]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((agent) => ({
      name: agent.name,
      status: agent.status,
      state: agent.state,
      sinceSeconds: secondsSince(agent.since),
      answeredToday: todayByAgent.get(agent.name)?.answered ?? 0,
      handleSecondsToday: todayByAgent.get(agent.name)?.handleSeconds ?? 0,
    }));

  return {
    at: now.toISOString(),
    queues,
    agents,
    today: {
      offered: todayFigures.offered,
      answered: todayFigures.answered,
      answeredWithin15sRate: todayFigures.serviceLevel,
      abandoned: todayFigures.abandoned + todayFigures.timedOut,
      abandonRate: todayFigures.abandonRate,
      averageHandleSeconds: roundSeconds(todayFigures.averageHandleSec),
      averageWaitSeconds: roundSeconds(todayFigures.averageWaitSec),
    },
    week: {
      agents: weekByAgent.map((figures) => ({
        name: figures.agent,
        answered: figures.answered,
        averageHandleSeconds: roundSeconds(figures.averageHandleSec),
      })),
    },
  };
}

function roundSeconds(seconds: number | null): number | null {
  return seconds === null ? null : Math.round(seconds);
}
