import type { Wallboard } from '../api/types';

/** A caller waiting longer than this is highlighted: a minute on hold is when callers start to give up. */
export const LONG_WAIT_SECONDS = 60;

/** How often the wall board asks the appliance again while it is on screen. */
export const WALLBOARD_POLL_MS = 3000;

const NONE = '—';

/** A share of 0..1 as the language writes a percentage (`82.3%`); `—` when there is nothing to share. */
export function formatRate(options: { rate: number | null; language: string }): string {
  if (options.rate === null || !Number.isFinite(options.rate)) return NONE;
  return new Intl.NumberFormat(options.language, { style: 'percent', maximumFractionDigits: 1 }).format(
    options.rate,
  );
}

/**
 * Seconds as the language writes a short duration, to the two largest units that matter: `45秒`,
 * `1分钟5秒`, `2小时3分钟` / `45s`, `1m 5s`, `2h 3m`. `—` when unknown.
 */
export function formatDuration(options: { seconds: number | null; language: string }): string {
  const { seconds, language } = options;
  if (seconds === null || !Number.isFinite(seconds)) return NONE;
  const total = Math.max(0, Math.round(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = total % 60;
  const unit = (value: number, name: 'hour' | 'minute' | 'second'): string =>
    new Intl.NumberFormat(language, { style: 'unit', unit: name, unitDisplay: 'narrow' }).format(value);
  const parts =
    hours > 0
      ? [unit(hours, 'hour'), ...(minutes > 0 ? [unit(minutes, 'minute')] : [])]
      : minutes > 0
        ? [unit(minutes, 'minute'), ...(rest > 0 ? [unit(rest, 'second')] : [])]
        : [unit(rest, 'second')];
  return new Intl.ListFormat(language, { type: 'unit', style: 'narrow' }).format(parts);
}

/** GB/T 33358 asks that at least 80 % of calls be answered within 15 seconds. */
export const SERVICE_LEVEL_TARGET = 0.8;

/** Today's 15-second answer rate misses the standard (nothing offered yet misses nothing). */
export function belowServiceLevel(options: { rate: number | null }): boolean {
  return options.rate !== null && options.rate < SERVICE_LEVEL_TARGET;
}

export function isLongWait(options: { seconds: number }): boolean {
  return options.seconds > LONG_WAIT_SECONDS;
}

/** Every caller waiting in any queue: the number a supervisor watches first. */
export function waitingCount(options: { board: Wallboard }): number {
  return options.board.queues.reduce((sum, queue) => sum + queue.waiting.length, 0);
}

export type AgentWorkRow = {
  name: string;
  answeredToday: number | null;
  handleSecondsToday: number | null;
  answeredWeek: number | null;
  averageHandleSecondsWeek: number | null;
};

/**
 * One row per agent for the today-and-week table: the seats the switch knows (today's work) and every
 * agent who answered this week, also one not configured any more. Busiest this week first.
 */
export function agentWorkRows(options: { board: Wallboard }): AgentWorkRow[] {
  const rows = new Map<string, AgentWorkRow>();
  for (const agent of options.board.agents) {
    rows.set(agent.name, {
      name: agent.name,
      answeredToday: agent.answeredToday,
      handleSecondsToday: agent.handleSecondsToday,
      answeredWeek: null,
      averageHandleSecondsWeek: null,
    });
  }
  for (const week of options.board.week.agents) {
    const row = rows.get(week.name) ?? {
      name: week.name,
      answeredToday: null,
      handleSecondsToday: null,
      answeredWeek: null,
      averageHandleSecondsWeek: null,
    };
    rows.set(week.name, {
      ...row,
      answeredWeek: week.answered,
      averageHandleSecondsWeek: week.averageHandleSeconds,
    });
  }
  return [...rows.values()].sort(
    (a, b) =>
      (b.answeredWeek ?? 0) - (a.answeredWeek ?? 0) ||
      (b.answeredToday ?? 0) - (a.answeredToday ?? 0) ||
      a.name.localeCompare(b.name),
  );
}

/** The agent's extension for a narrow screen: `1001@default` → `1001`. */
export function agentLabel(options: { name: string }): string {
  const at = options.name.indexOf('@');
  return at > 0 ? options.name.slice(0, at) : options.name;
}
