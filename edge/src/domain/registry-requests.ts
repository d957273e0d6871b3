import { EnterpriseStatus } from '@jiazheng/sync/domain';
import { z } from 'zod';
import { canonicalPhoneSchema } from './complaint-requests';

/** The registry endpoints' requests (adapters/http/registry-routes.ts); payloads are the domain's to check. */

/** What a registry officer may do to an enterprise over the API (apply and resubmit are the applicant's). */
export const REGISTRY_ENTERPRISE_COMMANDS = [
  'startReview',
  'approve',
  'reject',
  'activate',
  'renewAgreement',
  'updateServices',
  'warn',
  'suspend',
  'blacklist',
  'reinstate',
] as const;
export type RegistryEnterpriseCommand = (typeof REGISTRY_ENTERPRISE_COMMANDS)[number];

/** What a registry officer may do to a worker over the API (registration has its own endpoint). */
export const REGISTRY_WORKER_COMMANDS = [
  'recordTraining',
  'addCertificate',
  'recordBackgroundCheck',
  'suspendWorker',
  'reinstateWorker',
] as const;
export type RegistryWorkerCommand = (typeof REGISTRY_WORKER_COMMANDS)[number];

function commandRequestSchema<const T extends readonly [string, ...string[]]>(types: T) {
  return z.strictObject({
    type: z.enum(types, { error: `must be one of ${types.join(', ')}` }),
    payload: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }),
  });
}

export const enterpriseCommandRequestSchema = commandRequestSchema(REGISTRY_ENTERPRISE_COMMANDS);
export type EnterpriseCommandRequest = z.infer<typeof enterpriseCommandRequestSchema>;
export const workerCommandRequestSchema = commandRequestSchema(REGISTRY_WORKER_COMMANDS);
export type WorkerCommandRequest = z.infer<typeof workerCommandRequestSchema>;

const statuses = Object.values(EnterpriseStatus) as [EnterpriseStatus, ...EnterpriseStatus[]];

export const registryListQuerySchema = z.strictObject({
  status: z.enum(statuses, { error: `must be one of ${statuses.join(', ')}` }).optional(),
  kind: z.enum(['enterprise', 'volunteer'], { error: 'must be enterprise or volunteer' }).optional(),
  q: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters').optional(),
});
export type RegistryListQuery = z.infer<typeof registryListQuerySchema>;

/** `GET /api/registry/credit?kind=`: the lists of enterprises or of volunteer groups only. */
export const creditListQuerySchema = z.strictObject({
  kind: z.enum(['enterprise', 'volunteer'], { error: 'must be enterprise or volunteer' }).optional(),
});
export type CreditListQuery = z.infer<typeof creditListQuerySchema>;

/** Record ids of the registry, as the hub names them (`enterprise:hub:<ULID>`, `worker:hub:<ULID>`). */
export const enterpriseRecordIdSchema = z
  .string()
  .regex(
    /^enterprise:hub:[0-9A-HJKMNP-TV-Z]{26}$/,
    'must be an enterprise record id like enterprise:hub:01J…',
  );
export const workerRecordIdSchema = z
  .string()
  .regex(/^worker:hub:[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a worker record id like worker:hub:01J…');

/**
 * `POST /api/registry/workers`: a worker an enterprise brings in. The full identity number is checked and
 * masked at the hub (the record carries only the masked one) and kept sealed in the identity vault.
 */
export const registerWorkerRequestSchema = z.strictObject({
  enterpriseId: enterpriseRecordIdSchema,
  name: z.string().trim().min(1, 'a name is required').max(40, 'must be at most 40 characters'),
  idNumber: z.string().trim().min(1, 'the identity number is required').max(40),
  phone: canonicalPhoneSchema.nullable().default(null),
});
export type RegisterWorkerRequest = z.infer<typeof registerWorkerRequestSchema>;
