import {
  complaintEvidenceSchema,
  complaintKindSchema,
  complaintSourceSchema,
  findRegion,
  maxComplaintTimeLimitDays,
  RegionLevel,
  tryNormalisePhone,
} from '@jiazheng/sync/domain';
import { z } from 'zod';

/*
 * What staff send to the complaint endpoints (`src/adapters/http/complaint-routes.ts`). The reducer
 * checks the commands again at the hub; these make a bad request a 400 naming the field before anything
 * is signed.
 */

/** The commands staff make through the hub; `file` has its own endpoint. */
const STAFF_COMMANDS = ['assign', 'attachEvidence', 'decide', 'withdraw'] as const;

const countyCodeSchema = z
  .string()
  .refine((code) => findRegion({ code })?.level === RegionLevel.county, 'must be a GB/T 2260 county code');

/** A phone number as typed, normalised to its canonical form (see sync's phone/), or refused. */
export const canonicalPhoneSchema = z
  .string()
  .max(40)
  .transform((input, ctx) => {
    const result = tryNormalisePhone({ input });
    if (result.ok) return result.value.canonical;
    ctx.addIssue({ code: 'custom', message: 'not a valid phone number' });
    return z.NEVER;
  });

/** What staff send to `POST /api/complaints` (e.g. a citizen who phoned the centre). */
export const fileComplaintRequestSchema = z.strictObject({
  source: complaintSourceSchema.default('call'),
  countyCode: countyCodeSchema,
  orderId: z.string().max(80).nullable().default(null),
  enterpriseId: z.string().min(1).max(80).nullable().default(null),
  enterpriseName: z.string().trim().max(100).default(''),
  kind: complaintKindSchema,
  description: z.string().trim().min(1).max(2000),
  citizenName: z.string().trim().max(40).default(''),
  citizenPhone: canonicalPhoneSchema.nullable().default(null),
  evidence: z.array(complaintEvidenceSchema).max(50).default([]),
  /** Days from now to the time limit; default: the domain's rule for the kind (15 quality, 7 price). */
  timeLimitDays: z.number().int().min(1).max(maxComplaintTimeLimitDays).optional(),
});

export const complaintCommandRequestSchema = z.strictObject({
  type: z.enum(STAFF_COMMANDS),
  payload: z.unknown(),
});

/** `GET /api/complaints`' filters, each at most once. */
export const complaintListQuerySchema = z.strictObject({
  status: z.enum(['filed', 'assigned', 'decided', 'withdrawn']).optional(),
  overdue: z.enum(['1', '0']).optional(),
  assignedTo: z.string().min(1).max(64).optional(),
});
