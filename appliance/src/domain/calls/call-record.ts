import { normalisePhone } from '@jiazheng/sync/domain';
import { z } from 'zod';

/**
 * Call records (CDR) from the switch's own variables on `CHANNEL_HANGUP_COMPLETE`, never from the time
 * events happened to arrive: a reconnect or a slow appliance must not change a call's figures.
 *
 * One citizen's call is one record. The agent's leg (mod_callcenter sets `cc_member_session_uuid` on it)
 * and a leg dialled by `bridge` (it carries the A leg's `call_uuid`) are parts of that call, merged into its
 * record; they are never records of their own.
 */

/** Where a call ended up, for the queue figures and the callback list. */
export const CallOutcome = {
  /** An agent (or, outbound, the citizen) answered. */
  answered: 'answered',
  /** The caller hung up while waiting in the queue. */
  abandoned: 'abandoned',
  /** The queue gave up (max wait time, no agent): the centre failed the caller. */
  timedOut: 'timed_out',
  /** The caller hung up before reaching a queue (in the greeting). */
  ended: 'ended',
  /** Outbound: nobody answered, busy, or the call failed. */
  unanswered: 'unanswered',
} as const;
export type CallOutcome = (typeof CallOutcome)[keyof typeof CallOutcome];

export const CallDirection = { inbound: 'inbound', outbound: 'outbound' } as const;
export type CallDirection = (typeof CallDirection)[keyof typeof CallDirection];

/** Caller-supplied text is capped so one hostile INVITE cannot bloat every screen that shows it. */
export const MAX_CALLER_NAME_LENGTH = 80;
const MAX_RAW_NUMBER_LENGTH = 40;

export const callRecordSchema = z.strictObject({
  /** The citizen's leg's Unique-ID. */
  id: z.string(),
  direction: z.enum(CallDirection),
  /** E.164 (`+8613800138000`) when the caller ID is a valid number; null when withheld or garbage. */
  caller: z.string().nullable(),
  /** The caller ID as the switch gave it, capped: what to show when it does not normalise. */
  callerRaw: z.string(),
  callerName: z.string().nullable(),
  destination: z.string(),
  startedAt: z.string(),
  answeredAt: z.string().nullable(),
  endedAt: z.string(),
  queue: z.string().nullable(),
  queueJoinedAt: z.string().nullable(),
  /** When an agent's phone was answered (mod_callcenter's `cc_queue_answered_epoch`). */
  agentAnsweredAt: z.string().nullable(),
  agent: z.string().nullable(),
  /** Seconds in the queue until an agent answered, or until the caller gave up. */
  waitSec: z.number().int().nonnegative().nullable(),
  /** Seconds talking to an agent (bridged). */
  talkSec: z.number().int().nonnegative().nullable(),
  billsec: z.number().int().nonnegative(),
  durationSec: z.number().int().nonnegative(),
  hangupCause: z.string(),
  outcome: z.enum(CallOutcome),
  /** Channel variables the appliance set when it placed the call (`jz_call_kind`, `jz_order_id`). */
  kind: z.string().nullable(),
  orderId: z.string().nullable(),
  /**
   * `switch`: read from CHANNEL_HANGUP_COMPLETE. `reconstructed`: the call ended while the link to the switch
   * was down, so its record was made from what the appliance had seen, with the end time when it noticed.
   * `imported`: call history from the system this centre replaced (`POST /api/calls/import`); no recording.
   */
  source: z.enum(['switch', 'reconstructed', 'imported']),
});
export type CallRecord = z.infer<typeof callRecordSchema>;

/** What a leg that belongs to someone else's call adds to that call's record. */
export type CallLeg = {
  readonly callId: string;
  readonly legId: string;
  readonly agent: string | null;
  readonly answeredAt: string | null;
};

export type HangupResult =
  | { readonly type: 'call'; readonly record: CallRecord }
  | { readonly type: 'leg'; readonly leg: CallLeg }
  | { readonly type: 'ignored'; readonly reason: string };

type Headers = Readonly<Record<string, string>>;

/** Reads `CHANNEL_HANGUP_COMPLETE`: the call's record, a leg of another call, or why it was not either. */
export function readHangup(options: {
  headers: Headers;
  defaultAreaCode?: string | undefined;
}): HangupResult {
  const { headers } = options;
  const uuid = headers['Unique-ID'];
  if (uuid === undefined || uuid === '') return { type: 'ignored', reason: 'no Unique-ID' };
  const variable = (name: string): string | undefined => headers[`variable_${name}`];

  const owner = ownerCallId({ headers, uuid });
  if (owner !== uuid) {
    return {
      type: 'leg',
      leg: {
        callId: owner,
        legId: uuid,
        agent: nonEmpty(variable('cc_agent')) ?? null,
        answeredAt: microsToIso(variable('answer_uepoch')) ?? secondsToIso(variable('answer_epoch')) ?? null,
      },
    };
  }

  const startedAt = microsToIso(variable('start_uepoch')) ?? secondsToIso(variable('start_epoch'));
  const endedAt = microsToIso(variable('end_uepoch')) ?? secondsToIso(variable('end_epoch'));
  if (startedAt === undefined || endedAt === undefined) {
    return { type: 'ignored', reason: `${uuid}: no start_epoch/end_epoch (not a call record)` };
  }

  const direction: CallDirection =
    headers['Call-Direction'] === 'outbound' || nonEmpty(variable('jz_call_kind')) !== undefined
      ? 'outbound'
      : 'inbound';
  // Outbound calls the appliance placed: the citizen is the number dialled, not the seat.
  const rawNumber =
    direction === 'outbound'
      ? (nonEmpty(variable('jz_citizen_number')) ?? headers['Caller-Destination-Number'] ?? '')
      : (headers['Caller-Caller-ID-Number'] ?? variable('caller_id_number') ?? '');
  const callerRaw = cap(rawNumber, MAX_RAW_NUMBER_LENGTH);
  const nameText = direction === 'outbound' ? undefined : headers['Caller-Caller-ID-Name'];

  const joined = epochSeconds(variable('cc_queue_joined_epoch'));
  const agentAnswered = epochSeconds(variable('cc_queue_answered_epoch'));
  const canceled = epochSeconds(variable('cc_queue_canceled_epoch'));
  const bridged = epochSeconds(variable('bridge_epoch'));
  const end = epochSeconds(variable('end_epoch'));
  const queue = nonEmpty(variable('cc_queue')) ?? null;
  const answered = agentAnswered ?? bridged;

  return {
    type: 'call',
    record: {
      id: uuid,
      direction,
      caller: normaliseCaller({ raw: rawNumber, defaultAreaCode: options.defaultAreaCode }),
      callerRaw,
      callerName: nameText === undefined ? null : cleanCallerName({ name: nameText }),
      destination: cap(headers['Caller-Destination-Number'] ?? '', MAX_RAW_NUMBER_LENGTH),
      startedAt,
      answeredAt: microsToIso(variable('answer_uepoch')) ?? secondsToIso(variable('answer_epoch')) ?? null,
      endedAt,
      queue,
      queueJoinedAt: joined === undefined ? null : new Date(joined * 1000).toISOString(),
      agentAnsweredAt: agentAnswered === undefined ? null : new Date(agentAnswered * 1000).toISOString(),
      // An outbound call's seat is known from the start (jz_agent, set when the appliance dialled).
      agent:
        nonEmpty(variable('jz_agent')) ??
        (answered === undefined ? null : (nonEmpty(variable('cc_agent')) ?? null)),
      waitSec:
        joined === undefined ? null : Math.max(0, (agentAnswered ?? canceled ?? end ?? joined) - joined),
      talkSec: bridged === undefined || end === undefined ? null : Math.max(0, end - bridged),
      billsec: wholeSeconds(variable('billsec')),
      durationSec: wholeSeconds(variable('duration')),
      hangupCause: cap(variable('hangup_cause') ?? headers['Hangup-Cause'] ?? 'UNKNOWN', 64),
      outcome: decideOutcome({ direction, queue, answered, cause: variable('cc_cause'), variable }),
      kind: nonEmpty(variable('jz_call_kind')) ?? null,
      orderId: nonEmpty(variable('jz_order_id')) ?? null,
      source: 'switch',
    },
  };
}

/**
 * The call a channel belongs to: the member's session for an agent leg, the originating channel's
 * `call_uuid` for a leg dialled by `bridge`, otherwise the channel itself.
 */
export function ownerCallId(options: { headers: Headers; uuid: string }): string {
  const { headers, uuid } = options;
  const member = nonEmpty(headers.variable_cc_member_session_uuid);
  if (member !== undefined && member !== uuid) return member;
  const callUuid = nonEmpty(headers.variable_call_uuid) ?? nonEmpty(headers['Channel-Call-UUID']);
  // An outbound leg the appliance originated is its own call (it carries jz_call_kind).
  if (callUuid !== undefined && callUuid !== uuid && headers.variable_jz_call_kind === undefined)
    return callUuid;
  return uuid;
}

function decideOutcome(options: {
  direction: CallDirection;
  queue: string | null;
  answered: number | undefined;
  cause: string | undefined;
  variable: (name: string) => string | undefined;
}): CallOutcome {
  if (options.answered !== undefined) return 'answered';
  if (options.direction === 'outbound') return 'unanswered';
  if (options.queue === null) return 'ended';
  const reason = options.variable('cc_cancel_reason');
  if (reason === 'TIMEOUT' || reason === 'NO_AGENT_TIMEOUT') return 'timed_out';
  return 'abandoned';
}

/** Normalises a caller ID; null for withheld, anonymous or malformed ones (they are kept raw). */
export function normaliseCaller(options: {
  raw: string;
  defaultAreaCode?: string | undefined;
}): string | null {
  const raw = options.raw.trim();
  if (raw === '' || raw.length > MAX_RAW_NUMBER_LENGTH) return null;
  try {
    return normalisePhone({
      input: raw,
      ...(options.defaultAreaCode === undefined ? {} : { defaultAreaCode: options.defaultAreaCode }),
    }).canonical;
  } catch {
    return null;
  }
}

/**
 * A caller name as the carrier sent it, made safe to store: control and bidi-override characters out,
 * whitespace collapsed, capped. Markup stays as text: it is escaped wherever it is shown.
 */
export function cleanCallerName(options: { name: string }): string | null {
  const cleaned = options.name
    // eslint-disable-next-line no-control-regex -- control characters are what is being removed
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  // FreeSWITCH's placeholders for "no name".
  if (cleaned === '' || cleaned === '_undef_' || cleaned.toLowerCase() === 'unknown') return null;
  return cap(cleaned, MAX_CALLER_NAME_LENGTH);
}

function cap(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max).join('')}…`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' || value === '_undef_' ? undefined : value;
}

/** A positive whole number of seconds since the epoch, or undefined for 0, missing or garbage. */
function epochSeconds(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,12}$/.test(value)) return undefined;
  const seconds = Number(value);
  return seconds > 0 ? seconds : undefined;
}

function secondsToIso(value: string | undefined): string | undefined {
  const seconds = epochSeconds(value);
  return seconds === undefined ? undefined : new Date(seconds * 1000).toISOString();
}

function microsToIso(value: string | undefined): string | undefined {
  if (value === undefined || !/^\d{1,18}$/.test(value)) return undefined;
  const micros = Number(value);
  return micros > 0 ? new Date(Math.floor(micros / 1000)).toISOString() : undefined;
}

function wholeSeconds(value: string | undefined): number {
  return value !== undefined && /^\d{1,9}$/.test(value) ? Number(value) : 0;
}
