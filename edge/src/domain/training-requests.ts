import { courseKindSchema, Qualification, scheduleCoursePayloadSchema } from '@jiazheng/sync/domain';
import { z } from 'zod';

/*
 * What staff send to the training endpoints (`src/adapters/http/training-routes.ts`). The reducer checks
 * the commands again at the hub; these make a bad request a 400 naming the field before anything is
 * signed.
 */

const fields = scheduleCoursePayloadSchema.omit({ courseId: true }).shape;

/**
 * `POST /api/training/courses`. A pre-post course always grants pre-post training, so it need not be
 * said; a lecture has neither a qualification nor an exam, so they may be left out.
 */
export const scheduleCourseRequestSchema = z
  .strictObject({
    ...fields,
    grants: fields.grants.optional(),
    passMark: fields.passMark.optional(),
    certificateValidMonths: fields.certificateValidMonths.default(null),
    trainer: fields.trainer.default(''),
  })
  .transform(({ grants, passMark, ...rest }) => ({
    ...rest,
    grants: grants ?? (rest.kind === 'pre_post' ? Qualification.prePostTraining : null),
    passMark: passMark ?? null,
  }));
export type ScheduleCourseRequest = z.infer<typeof scheduleCourseRequestSchema>;

const enterpriseIdSchema = z
  .string()
  .regex(
    /^enterprise:hub:[0-9A-HJKMNP-TV-Z]{26}$/,
    'must be an enterprise record id like enterprise:hub:01J…',
  );

/** A worker is named by record only: the hub fills in the name and enterprise from the registry. */
export const enrolRequestPayloadSchema = z.strictObject({
  participant: z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('worker'),
      workerId: z
        .string()
        .regex(/^worker:hub:[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a worker record id like worker:hub:01J…'),
    }),
    z.strictObject({
      kind: z.literal('staff'),
      name: z.string().trim().min(1, 'a name is required').max(40),
      organisation: z.string().trim().max(100).default(''),
      enterpriseId: enterpriseIdSchema.nullable().default(null),
    }),
  ]),
});

export const COURSE_STAFF_COMMANDS = [
  'enrol',
  'withdraw',
  'recordAttendance',
  'recordScore',
  'complete',
  'cancel',
] as const;

export const courseCommandRequestSchema = z.strictObject({
  type: z.enum(COURSE_STAFF_COMMANDS),
  payload: z.unknown(),
});
export type CourseCommandRequest = z.infer<typeof courseCommandRequestSchema>;

/** `GET /api/training/courses`' filters, each at most once. */
export const courseListQuerySchema = z.strictObject({
  status: z.enum(['scheduled', 'completed', 'cancelled']).optional(),
  kind: courseKindSchema.optional(),
});
export type CourseListQuery = z.infer<typeof courseListQuerySchema>;
