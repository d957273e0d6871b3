import { z } from 'zod';
import { parseInput } from '../errors';
import { Qualification, qualificationSchema } from '../qualifications';
import { maskedIdNumberSchema } from './identity-number';

const epochMsSchema = z.number().int().min(0).max(8_640_000_000_000_000);

export const trainingRecordSchema = z.object({
  courseCode: z.string().min(1).max(32),
  courseName: z.string().min(1).max(100),
  /** The qualification passing this course grants, if any (pre-post training grants `pre_post_training`). */
  grants: qualificationSchema.nullable(),
  hours: z.number().min(0).max(2000),
  examScore: z.number().min(0).max(100).nullable(),
  passMark: z.number().min(0).max(100),
  completedAt: epochMsSchema,
  /** Null when the certificate does not expire. */
  validUntil: epochMsSchema.nullable(),
});
export type TrainingRecord = z.infer<typeof trainingRecordSchema>;

export const certificateSchema = z.object({
  qualification: qualificationSchema,
  number: z.string().max(64),
  validUntil: epochMsSchema.nullable(),
});
export type Certificate = z.infer<typeof certificateSchema>;

export const bookingSchema = z
  .object({ orderId: z.string().min(1).max(80), from: epochMsSchema, to: epochMsSchema })
  .refine((b) => b.from < b.to, { message: 'from must be before to', path: ['to'] });
export type Booking = z.infer<typeof bookingSchema>;

export const WorkerStatus = { active: 'active', suspended: 'suspended', left: 'left' } as const;
export type WorkerStatus = (typeof WorkerStatus)[keyof typeof WorkerStatus];

export const workerSchema = z.object({
  id: z.string().min(1).max(80),
  enterpriseId: z.string().min(1).max(80),
  name: z.string().trim().min(1).max(40),
  idNumberMasked: maskedIdNumberSchema,
  status: z.enum(['active', 'suspended', 'left']),
  healthCertificateValidUntil: epochMsSchema.nullable(),
  backgroundCheckedAt: epochMsSchema.nullable(),
  certificates: z.array(certificateSchema).max(50),
  trainings: z.array(trainingRecordSchema).max(500),
  bookings: z.array(bookingSchema).max(1000),
});
export type Worker = z.infer<typeof workerSchema>;

export function parseWorker(options: { input: unknown }): Worker {
  return parseInput({ schema: workerSchema, input: options.input, what: 'worker' });
}

function trainingPassed(t: TrainingRecord): boolean {
  return t.examScore !== null && t.examScore >= t.passMark;
}

function validAt(validUntil: number | null, at: number): boolean {
  return validUntil === null || validUntil >= at;
}

/** Every qualification the worker holds that is still valid at `at`. */
export function listWorkerQualifications(options: { worker: Worker; at: number }): Set<Qualification> {
  const { worker, at } = options;
  const held = new Set<Qualification>();
  if (worker.healthCertificateValidUntil !== null && worker.healthCertificateValidUntil >= at) {
    held.add(Qualification.healthCertificate);
  }
  for (const c of worker.certificates) if (validAt(c.validUntil, at)) held.add(c.qualification);
  for (const t of worker.trainings) {
    if (t.grants && trainingPassed(t) && t.completedAt <= at && validAt(t.validUntil, at)) held.add(t.grants);
  }
  return held;
}

export const WorkerIneligibility = {
  notActive: 'worker_not_active',
  noPrePostTraining: 'no_pre_post_training',
  missingQualification: 'missing_qualification',
  busy: 'busy',
} as const;
export type WorkerIneligibility = (typeof WorkerIneligibility)[keyof typeof WorkerIneligibility];

export type WorkerEligibility = {
  eligible: boolean;
  reasons: { code: WorkerIneligibility; qualification?: Qualification; orderId?: string }[];
};

/**
 * Whether the worker may be assigned to work needing `required` during `window`. Pre-post training is
 * always required, whatever the item says: the centre's rule is that no untrained worker is ever sent.
 */
export function checkWorkerEligibility(options: {
  worker: Worker;
  required: readonly Qualification[];
  at: number;
  window?: { from: number; to: number } | undefined;
}): WorkerEligibility {
  const { worker, required, at, window } = options;
  const reasons: WorkerEligibility['reasons'] = [];
  if (worker.status !== WorkerStatus.active) reasons.push({ code: WorkerIneligibility.notActive });
  const held = listWorkerQualifications({ worker, at: window?.from ?? at });
  if (!held.has(Qualification.prePostTraining)) reasons.push({ code: WorkerIneligibility.noPrePostTraining });
  for (const q of new Set(required)) {
    if (q !== Qualification.prePostTraining && !held.has(q)) {
      reasons.push({ code: WorkerIneligibility.missingQualification, qualification: q });
    }
  }
  if (window) {
    const clash = worker.bookings.find((b) => b.from < window.to && window.from < b.to);
    if (clash) reasons.push({ code: WorkerIneligibility.busy, orderId: clash.orderId });
  }
  return { eligible: reasons.length === 0, reasons };
}
