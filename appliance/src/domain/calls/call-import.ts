import { recordIdSchema } from '@jiazheng/sync/domain';
import { z } from 'zod';
import {
  CallDirection,
  CallOutcome,
  cleanCallerName,
  MAX_CALLER_NAME_LENGTH,
  normaliseCaller,
  type CallRecord,
} from './call-record';

/**
 * Call history from the system a centre replaces (its old call-centre's CDRs), taken in so the screen pop,
 * the call history and the call figures know the county's past callers from the first day. An imported call
 * is a fact told by a technician, not seen by this switch: it is stored with `source: 'imported'`, has no
 * recording (the old system's audio is not migrated), never overwrites a call the switch recorded, and
 * importing the same call id again changes nothing.
 */

/** A batch of typical calls (~350 bytes each) stays under the appliance's 16 KB request body limit. */
export const MAX_IMPORTED_CALLS = 40;

const isoTime = z.iso.datetime({
  offset: true,
  message: 'must be an ISO 8601 time, e.g. 2026-11-29T09:30:00Z',
});

export const importedCallSchema = z.strictObject({
  /** The old system's call id: unique per county, what makes a repeated import harmless. */
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'must be 1–64 letters, digits, . _ : or -'),
  direction: z.enum(CallDirection).default('inbound'),
  /** The citizen's number as the old system recorded it, in any form the appliance normalises. */
  caller: z.string().max(40, 'must be at most 40 characters'),
  callerName: z.string().max(MAX_CALLER_NAME_LENGTH).nullable().default(null),
  /** The number the citizen dialled (the hotline). */
  destination: z.string().max(40).default(''),
  startedAt: isoTime,
  endedAt: isoTime,
  queue: z.string().min(1).max(64).nullable().default(null),
  queueJoinedAt: isoTime.nullable().default(null),
  /** When a seat answered; null for a call nobody answered. */
  agentAnsweredAt: isoTime.nullable().default(null),
  /** The seat phone's extension that answered. */
  seat: z
    .string()
    .regex(/^\d{3,6}$/, 'must be the seat phone’s extension, 3–6 digits')
    .nullable()
    .default(null),
  outcome: z.enum(CallOutcome),
  hangupCause: z.string().min(1).max(64).default('NORMAL_CLEARING'),
  /** The order the call became, when it became one. */
  orderId: recordIdSchema.nullable().default(null),
});
export type ImportedCall = z.infer<typeof importedCallSchema>;

export const callImportSchema = z.strictObject({
  calls: z
    .array(importedCallSchema)
    .min(1, 'must hold at least one call')
    .max(MAX_IMPORTED_CALLS, `must hold at most ${MAX_IMPORTED_CALLS} calls a request`),
});

/** A call whose facts contradict each other: `field` names the offending one, as the HTTP error does. */
export class CallImportError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

const seconds = (fromIso: string, toIso: string): number =>
  Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000));

/**
 * The call record an imported call becomes: times checked against each other and against `now`, the number
 * normalised like the switch's caller IDs, wait and talk time derived from the times (as the switch's own
 * records derive them), the seat named as its mod_callcenter agent. `field` prefixes the error's field.
 */
export function importedCallRecord(options: {
  call: ImportedCall;
  now: Date;
  defaultAreaCode: string | undefined;
  agentName: (options: { seat: string }) => string;
  field: string;
}): CallRecord {
  const { call, field } = options;
  const fail = (name: string, message: string): never => {
    throw new CallImportError(`${field}.${name}`, message);
  };
  const started = Date.parse(call.startedAt);
  const ended = Date.parse(call.endedAt);
  if (ended < started) fail('endedAt', 'must not be before startedAt');
  if (ended > options.now.getTime()) fail('endedAt', 'must be in the past: only finished calls are imported');
  const within = (name: string, iso: string | null): void => {
    if (iso === null) return;
    const at = Date.parse(iso);
    if (at < started || at > ended) fail(name, 'must lie between startedAt and endedAt');
  };
  within('queueJoinedAt', call.queueJoinedAt);
  within('agentAnsweredAt', call.agentAnsweredAt);
  if (call.queueJoinedAt !== null && call.queue === null) fail('queue', 'is required with queueJoinedAt');
  if (
    call.queueJoinedAt !== null &&
    call.agentAnsweredAt !== null &&
    Date.parse(call.agentAnsweredAt) < Date.parse(call.queueJoinedAt)
  )
    fail('agentAnsweredAt', 'must not be before queueJoinedAt');
  const answered = call.outcome === 'answered';
  if (answered !== (call.agentAnsweredAt !== null))
    fail('agentAnsweredAt', answered ? 'is required for an answered call' : 'must be null unless answered');
  if (answered && call.seat === null) fail('seat', 'is required for an answered call');
  // Abandoned and timed out are queue outcomes: the figures count them by their wait in the queue.
  if ((call.outcome === 'abandoned' || call.outcome === 'timed_out') && call.queueJoinedAt === null)
    fail('queueJoinedAt', `is required for a ${call.outcome} call`);
  const caller = normaliseCaller({ raw: call.caller, defaultAreaCode: options.defaultAreaCode });
  const waitEnd = call.agentAnsweredAt ?? call.endedAt;
  const iso = (time: string | null): string | null =>
    time === null ? null : new Date(Date.parse(time)).toISOString();
  return {
    id: call.id,
    direction: call.direction,
    caller,
    callerRaw: call.caller.trim(),
    callerName: call.callerName === null ? null : cleanCallerName({ name: call.callerName }),
    destination: call.destination,
    startedAt: new Date(started).toISOString(),
    // Old systems keep the seat's answer, not the greeting's: the only answer time there is.
    answeredAt: iso(call.agentAnsweredAt),
    endedAt: new Date(ended).toISOString(),
    queue: call.queue,
    queueJoinedAt: iso(call.queueJoinedAt),
    agentAnsweredAt: iso(call.agentAnsweredAt),
    agent: call.seat === null ? null : options.agentName({ seat: call.seat }),
    waitSec: call.queueJoinedAt === null ? null : seconds(call.queueJoinedAt, waitEnd),
    talkSec: call.agentAnsweredAt === null ? null : seconds(call.agentAnsweredAt, call.endedAt),
    billsec: call.agentAnsweredAt === null ? 0 : seconds(call.agentAnsweredAt, call.endedAt),
    durationSec: seconds(call.startedAt, call.endedAt),
    hangupCause: call.hangupCause,
    outcome: call.outcome,
    kind: null,
    orderId: call.orderId,
    source: 'imported',
  };
}
