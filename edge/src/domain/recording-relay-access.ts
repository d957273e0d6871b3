import { findRegion, RegionLevel } from '@jiazheng/sync/domain';
import { relayCallIdSchema, relayPurposeSchema, relayRangeSchema } from '@jiazheng/sync/protocol';
import { z } from 'zod';

/**
 * What the hub records each time someone plays (or tries to play) a county's recording through the relay:
 * the recording itself never reaches the hub's disk, so this log and the county's own access log are the
 * only trace that it was heard.
 */
export const RecordingAccessOutcome = {
  /** Every byte asked for reached the listener. */
  served: 'served',
  /** The listener went away before the end (a seek in the player does this too). */
  aborted: 'aborted',
  /** The appliance failed or went away in the middle. */
  failed: 'failed',
  notConnected: 'not_connected',
  timeout: 'timeout',
  notFound: 'not_found',
  tooLarge: 'too_large',
  unsatisfiable: 'unsatisfiable',
  refused: 'refused',
  busy: 'busy',
  forbidden: 'forbidden',
} as const;
export type RecordingAccessOutcome = (typeof RecordingAccessOutcome)[keyof typeof RecordingAccessOutcome];

export const recordingAccessEntrySchema = z.strictObject({
  at: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.string(),
  countyCode: z.string(),
  callId: z.string(),
  purpose: z.string(),
  range: z.string().nullable(),
  status: z.number().int(),
  outcome: z.enum(RecordingAccessOutcome),
  bytes: z.number().int().nonnegative(),
  durationMs: z.number().int().nonnegative(),
});
export type RecordingAccessEntry = z.infer<typeof recordingAccessEntrySchema>;

export type FieldIssue = { field: string; message: string };

/** A county's code: six digits naming a county in the region table (not a city or a province). */
export function parseCountyCode(options: {
  input: string;
}): { ok: true; countyCode: string } | { ok: false; issue: FieldIssue } {
  const { input } = options;
  if (!/^\d{6}$/.test(input)) {
    return {
      ok: false,
      issue: { field: 'countyCode', message: 'must be a six-digit county code, e.g. 330106' },
    };
  }
  const region = findRegion({ code: input });
  if (region === undefined)
    return { ok: false, issue: { field: 'countyCode', message: `no region has code ${input}` } };
  if (region.level !== RegionLevel.county) {
    return {
      ok: false,
      issue: { field: 'countyCode', message: `${input} (${region.name}) is a ${region.level}, not a county` },
    };
  }
  return { ok: true, countyCode: input };
}

/** What `GET /api/recordings/:countyCode/:callId?purpose=` needs, or the first field that is wrong. */
export function parseRecordingRequest(options: {
  countyCode: string;
  callId: string;
  purposes: readonly string[];
  range: string | undefined;
}):
  | { ok: true; request: { countyCode: string; callId: string; purpose: string; range: string | null } }
  | { ok: false; issue: FieldIssue } {
  const county = parseCountyCode({ input: options.countyCode });
  if (!county.ok) return county;
  const callId = relayCallIdSchema.safeParse(options.callId);
  if (!callId.success) {
    return {
      ok: false,
      issue: { field: 'callId', message: callId.error.issues[0]?.message ?? 'is invalid' },
    };
  }
  if (options.purposes.length > 1)
    return { ok: false, issue: { field: 'purpose', message: 'must be given once' } };
  const purpose = relayPurposeSchema.safeParse(options.purposes[0] ?? '');
  if (!purpose.success) {
    return {
      ok: false,
      issue: {
        field: 'purpose',
        message: `${purpose.error.issues[0]?.message ?? 'is invalid'}: say why you listen (text or a complaint record id)`,
      },
    };
  }
  // A Range the appliance would not understand is dropped: the whole recording is then answered (RFC 9110).
  const range = relayRangeSchema.safeParse(options.range ?? null);
  return {
    ok: true,
    request: {
      countyCode: county.countyCode,
      callId: callId.data,
      purpose: purpose.data,
      range: range.success ? range.data : null,
    },
  };
}
