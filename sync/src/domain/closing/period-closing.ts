import { z } from 'zod';
import { DomainErrorCode, ok, type Result } from '../errors';
import {
  ApplyMode,
  applyTransition,
  commandEnvelopeSchema,
  describeTransitions,
  rejectWith,
  replayLog,
  type TransitionTable,
} from '../lifecycle';
import { Role } from '../roles';

/*
 * A county closing a period (a day or a month): the county's own call and order figures for it, frozen
 * when the supervisor closes it, so the hub's statistics read what the county signed off rather than
 * figures that move while orders do. Homed at the county's appliance, like its orders; the hub gets a copy.
 *
 *   closePeriod → closed ─reopenPeriod→ reopened ─closePeriod→ closed (new figures: the latest close counts)
 */

export const ClosingStatus = { closed: 'closed', reopened: 'reopened' } as const;
export type ClosingStatus = (typeof ClosingStatus)[keyof typeof ClosingStatus];

export const PeriodKind = { day: 'day', month: 'month' } as const;
export type PeriodKind = (typeof PeriodKind)[keyof typeof PeriodKind];

/** Periods are lived in China time: UTC+8 all year. */
const CHINA_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

function isCalendarDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

export const periodSchema = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('day'),
      start: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day period starts YYYY-MM-DD'),
    }),
    z.object({
      kind: z.literal('month'),
      start: z.string().regex(/^\d{4}-\d{2}$/, 'a month period starts YYYY-MM'),
    }),
  ])
  .refine((p) => isCalendarDate(p.kind === 'day' ? p.start : `${p.start}-01`), {
    message: 'must be a real calendar date',
    path: ['start'],
  });
export type Period = z.infer<typeof periodSchema>;

/** The period's bounds in epoch ms, China time: [startMs, endMs). */
export function periodBounds(options: { period: Period }): { startMs: number; endMs: number } {
  const { period } = options;
  if (period.kind === 'day') {
    const startMs = Date.parse(`${period.start}T00:00:00Z`) - CHINA_OFFSET_MS;
    return { startMs, endMs: startMs + DAY_MS };
  }
  const [year, month] = period.start.split('-').map(Number) as [number, number];
  return {
    startMs: Date.UTC(year, month - 1, 1) - CHINA_OFFSET_MS,
    endMs: Date.UTC(year, month, 1) - CHINA_OFFSET_MS,
  };
}

/** `day:2026-11-28` or `month:2026-11`: one period of one county has one key. */
export function periodKey(options: { period: Period }): string {
  return `${options.period.kind}:${options.period.start}`;
}

const count = z.number().int().min(0).max(100_000_000);

/** The county's queue figures for the period, from its own call records. */
export const closingCallsSchema = z.object({
  /** Calls that reached a queue. */
  offered: count,
  answered: count,
  /** Answered after waiting at most 15 seconds (GB/T 33358's service level). */
  answeredWithin15s: count,
  /** Given up in the queue, or timed out there. */
  abandoned: count,
  /** Talk time of the answered calls, summed. */
  handleSecondsTotal: z
    .number()
    .int()
    .min(0)
    .max(100_000 * 365 * 86_400),
  /** Missed calls put on the callback list, when the county counts them. */
  callbacks: count.optional(),
});
export type ClosingCalls = z.infer<typeof closingCallsSchema>;

/** The county's orders received in the period, as its own projection counts them. */
export const closingOrdersSchema = z.object({
  received: count,
  /** Answered as information, no dispatch. */
  information: count,
  /** Dispatched (ever) to an enterprise. */
  dispatched: count,
  /** Served, or closed as served. */
  completed: count,
});
export type ClosingOrders = z.infer<typeof closingOrdersSchema>;

/** Closing records are homed at the county's appliance: `closing:<county>:<ULID>` (see ids.ts). */
export const closingIdSchema = z
  .string()
  .regex(/^closing:\d{6}:[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a closing record id like closing:330106:01J…');

const userIdSchema = z.string().min(1).max(64);

export const closePeriodPayloadSchema = z
  .object({
    closingId: closingIdSchema,
    countyCode: z.string().regex(/^\d{6}$/, 'must be a GB/T 2260 county code'),
    period: periodSchema,
    calls: closingCallsSchema,
    orders: closingOrdersSchema,
    /** The supervisor who closed it (the appliance signs for them as its county's system user). */
    closedBy: userIdSchema,
  })
  .refine((p) => p.closingId.slice(8, 14) === p.countyCode, {
    message: 'must be the county the closing id names',
    path: ['countyCode'],
  });
export type ClosePeriodPayload = z.infer<typeof closePeriodPayloadSchema>;

export const closingCommandSchema = z.discriminatedUnion('type', [
  commandEnvelopeSchema.extend({ type: z.literal('closePeriod'), payload: closePeriodPayloadSchema }),
  commandEnvelopeSchema.extend({
    type: z.literal('reopenPeriod'),
    payload: z.object({ reason: z.string().trim().min(1, 'a reason is required').max(500) }),
  }),
]);
export type ClosingCommand = z.infer<typeof closingCommandSchema>;

export type ClosingEvent =
  | { action: 'closed'; at: number; by: string; calls: ClosingCalls; orders: ClosingOrders }
  | { action: 'reopened'; at: number; by: string; reason: string };

export type ClosingState = {
  id: string;
  countyCode: string;
  period: Period;
  status: ClosingStatus;
  /** The latest close's figures: they count, also while reopened (until closed again). */
  calls: ClosingCalls;
  orders: ClosingOrders;
  closedBy: string;
  closedAt: number;
  reopenCount: number;
  history: ClosingEvent[];
  updatedAt: number;
};

/**
 * At the home the signer's county (from the directory) must be the closing's: a county closes only its
 * own periods. Replay trusts what the home decided.
 */
export type ClosingContext =
  { mode: typeof ApplyMode.replay } | { mode: typeof ApplyMode.home; actorCountyCode: string | null };

/** The checks a person would make before signing: no part larger than the whole it belongs to. */
export function checkClosingFigures(options: {
  calls: ClosingCalls;
  orders: ClosingOrders;
}): { field: string; message: string } | null {
  const { calls, orders } = options;
  if (calls.answered > calls.offered)
    return { field: 'calls.answered', message: 'cannot exceed calls.offered' };
  if (calls.answeredWithin15s > calls.answered)
    return { field: 'calls.answeredWithin15s', message: 'cannot exceed calls.answered' };
  if (calls.abandoned > calls.offered - calls.answered)
    return { field: 'calls.abandoned', message: 'cannot exceed calls.offered − calls.answered' };
  if (calls.answered === 0 && calls.handleSecondsTotal > 0)
    return { field: 'calls.handleSecondsTotal', message: 'must be 0 when no call was answered' };
  if (calls.handleSecondsTotal > calls.answered * 86_400)
    return { field: 'calls.handleSecondsTotal', message: 'cannot exceed a day per answered call' };
  if (orders.information > orders.received)
    return { field: 'orders.information', message: 'cannot exceed orders.received' };
  if (orders.dispatched > orders.received)
    return { field: 'orders.dispatched', message: 'cannot exceed orders.received' };
  if (orders.completed > orders.dispatched)
    return { field: 'orders.completed', message: 'cannot exceed orders.dispatched' };
  return null;
}

const closers = [Role.supervisor, Role.system] as const;
// Reopening undoes what the county signed off: a person decides it, never the appliance on its own.
const reopeners = [Role.supervisor] as const;

function checkCounty(options: { countyCode: string; context: ClosingContext }): Result<null> {
  const { countyCode, context } = options;
  if (context.mode === ApplyMode.home && context.actorCountyCode !== countyCode) {
    return rejectWith({
      code: DomainErrorCode.forbidden,
      field: 'command.actor',
      message: `only a user of county ${countyCode} may close or reopen its periods`,
    });
  }
  return ok(null);
}

function close(options: {
  state: ClosingState | null;
  command: Extract<ClosingCommand, { type: 'closePeriod' }>;
  context: ClosingContext;
}): Result<ClosingState> {
  const { state, command, context } = options;
  const p = command.payload;
  const county = checkCounty({ countyCode: p.countyCode, context });
  if (!county.ok) return county;
  if (state !== null) {
    // A re-close carries the whole payload again: it must name the same record and period.
    for (const [field, same] of [
      ['payload.closingId', p.closingId === state.id],
      ['payload.countyCode', p.countyCode === state.countyCode],
      ['payload.period', periodKey({ period: p.period }) === periodKey({ period: state.period })],
    ] as const) {
      if (!same)
        return rejectWith({
          code: DomainErrorCode.invalidInput,
          field,
          message: `${field} must be the closing's own`,
        });
    }
  }
  if (periodBounds({ period: p.period }).endMs > command.at) {
    return rejectWith({
      code: DomainErrorCode.conflict,
      field: 'payload.period',
      message: `the ${p.period.kind} ${p.period.start} is not over yet (China time)`,
    });
  }
  const issue = checkClosingFigures({ calls: p.calls, orders: p.orders });
  if (issue !== null) {
    return rejectWith({
      code: DomainErrorCode.invalidInput,
      field: `payload.${issue.field}`,
      message: `payload.${issue.field}: ${issue.message}`,
    });
  }
  const event: ClosingEvent = {
    action: 'closed',
    at: command.at,
    by: p.closedBy,
    calls: { ...p.calls },
    orders: { ...p.orders },
  };
  return ok({
    id: p.closingId,
    countyCode: p.countyCode,
    period: { ...p.period },
    status: ClosingStatus.closed,
    calls: { ...p.calls },
    orders: { ...p.orders },
    closedBy: p.closedBy,
    closedAt: command.at,
    reopenCount: state?.reopenCount ?? 0,
    history: [...(state?.history ?? []), event],
    updatedAt: Math.max(state?.updatedAt ?? 0, command.at),
  });
}

export const closingTransitions: TransitionTable<ClosingState, ClosingCommand, ClosingContext> = {
  closePeriod: {
    from: 'create',
    roles: closers,
    apply: ({ command, context }) => close({ state: null, command, context }),
  },
  reopenPeriod: {
    from: [ClosingStatus.closed],
    roles: reopeners,
    apply: ({ state, command, context }) => {
      const county = checkCounty({ countyCode: state.countyCode, context });
      if (!county.ok) return county;
      return ok({
        ...state,
        status: ClosingStatus.reopened,
        reopenCount: state.reopenCount + 1,
        history: [
          ...state.history,
          { action: 'reopened', at: command.at, by: command.actor.userId, reason: command.payload.reason },
        ],
        updatedAt: Math.max(state.updatedAt, command.at),
      });
    },
  },
};

/**
 * Applies one command; on refusal the state is returned untouched inside the error result. A closePeriod
 * on a reopened closing closes it again (the table's `create` rule covers only a new record).
 */
export function applyClosingCommand(options: {
  state: ClosingState | null;
  command: unknown;
  context: ClosingContext;
}): Result<ClosingState> {
  const { state, context } = options;
  if (state !== null && state.status === ClosingStatus.reopened) {
    const parsed = closingCommandSchema.safeParse(options.command);
    if (parsed.success && parsed.data.type === 'closePeriod') {
      if (!(closers as readonly Role[]).includes(parsed.data.actor.role)) {
        return rejectWith({
          code: DomainErrorCode.forbidden,
          field: 'command.actor.role',
          message: `role ${parsed.data.actor.role} may not closePeriod (allowed: ${closers.join(', ')})`,
        });
      }
      return close({ state, command: parsed.data, context });
    }
  }
  return applyTransition({
    record: 'closing',
    schema: closingCommandSchema,
    table: closingTransitions,
    state,
    command: options.command,
    context,
  });
}

/** State = reduce(log): replays commands the home has already accepted. */
export function replayClosingLog(options: { log: readonly unknown[] }): ClosingState | null {
  return replayLog({
    log: options.log,
    apply: ({ state, command }) =>
      applyClosingCommand({ state, command, context: { mode: ApplyMode.replay } }),
  });
}

export const closingTransitionList = describeTransitions({ table: closingTransitions });

/** Derived figures, shared by the appliance's list and the hub's report. Null with nothing to divide by. */
export function closingRates(options: { calls: ClosingCalls }): {
  answeredWithin15sRate: number | null;
  abandonRate: number | null;
  averageHandleSeconds: number | null;
} {
  const { calls } = options;
  return {
    answeredWithin15sRate: calls.offered === 0 ? null : calls.answeredWithin15s / calls.offered,
    abandonRate: calls.offered === 0 ? null : calls.abandoned / calls.offered,
    averageHandleSeconds: calls.answered === 0 ? null : calls.handleSecondsTotal / calls.answered,
  };
}
