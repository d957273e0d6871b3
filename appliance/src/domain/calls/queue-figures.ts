import type { CallRecord } from './call-record';

/** GB/T 33358 asks that at least 80 % of calls be answered within 15 seconds. */
export const SERVICE_LEVEL_SECONDS = 15;
export const SERVICE_LEVEL_TARGET = 0.8;

export type QueueFigures = {
  /** Calls that reached a queue. */
  offered: number;
  answered: number;
  answeredWithinTarget: number;
  abandoned: number;
  timedOut: number;
  /** answeredWithinTarget / offered; null with nothing offered. */
  serviceLevel: number | null;
  /** (abandoned + timed out) / offered. */
  abandonRate: number | null;
  /** Mean talk time of answered calls, seconds. */
  averageHandleSec: number | null;
  averageWaitSec: number | null;
  longestWaitSec: number | null;
};

export type AgentFigures = QueueFigures & { agent: string };
export type HourFigures = QueueFigures & { hour: string };

type QueuedCall = Pick<CallRecord, 'queue' | 'outcome' | 'waitSec' | 'talkSec' | 'agent' | 'queueJoinedAt'>;

/**
 * Queue figures over inbound call records: the whole set, per agent (answered calls only, so their share is
 * of what they took) and per hour of joining the queue (`hourOf` turns an ISO time into the label, so the
 * caller picks the time zone).
 */
export function summariseQueueCalls(options: {
  calls: readonly QueuedCall[];
  hourOf: (iso: string) => string;
}): { total: QueueFigures; byAgent: AgentFigures[]; byHour: HourFigures[] } {
  const queued = options.calls.filter((call) => call.queue !== null);
  const byAgent = new Map<string, QueuedCall[]>();
  const byHour = new Map<string, QueuedCall[]>();
  for (const call of queued) {
    if (call.agent !== null && call.outcome === 'answered') push(byAgent, call.agent, call);
    if (call.queueJoinedAt !== null) push(byHour, options.hourOf(call.queueJoinedAt), call);
  }
  return {
    total: figuresOf(queued),
    byAgent: [...byAgent]
      .map(([agent, calls]) => ({ agent, ...figuresOf(calls) }))
      .sort((a, b) => b.answered - a.answered || a.agent.localeCompare(b.agent)),
    byHour: [...byHour]
      .map(([hour, calls]) => ({ hour, ...figuresOf(calls) }))
      .sort((a, b) => a.hour.localeCompare(b.hour)),
  };
}

function figuresOf(calls: readonly QueuedCall[]): QueueFigures {
  let answered = 0;
  let within = 0;
  let abandoned = 0;
  let timedOut = 0;
  let talk = 0;
  let talked = 0;
  let wait = 0;
  let waited = 0;
  let longest: number | null = null;
  for (const call of calls) {
    if (call.outcome === 'answered') {
      answered += 1;
      if (call.waitSec !== null && call.waitSec <= SERVICE_LEVEL_SECONDS) within += 1;
      if (call.talkSec !== null) {
        talk += call.talkSec;
        talked += 1;
      }
    } else if (call.outcome === 'abandoned') abandoned += 1;
    else if (call.outcome === 'timed_out') timedOut += 1;
    if (call.waitSec !== null) {
      wait += call.waitSec;
      waited += 1;
      longest = Math.max(longest ?? 0, call.waitSec);
    }
  }
  const offered = calls.length;
  return {
    offered,
    answered,
    answeredWithinTarget: within,
    abandoned,
    timedOut,
    serviceLevel: offered === 0 ? null : within / offered,
    abandonRate: offered === 0 ? null : (abandoned + timedOut) / offered,
    averageHandleSec: talked === 0 ? null : talk / talked,
    averageWaitSec: waited === 0 ? null : wait / waited,
    longestWaitSec: longest,
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
