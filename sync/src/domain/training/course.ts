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
import { Qualification, qualificationSchema } from '../qualifications';
import { Role } from '../roles';
import type { TrainingRecord, Worker } from '../worker/worker';

/*
 * A course or lecture the centre runs (培训与讲座): the centralised pre-post training every new worker must
 * pass (岗前培训), skills courses that grant a qualification, and management lectures for enterprises'
 * staff. The registry schedules it, enrols workers and staff, records attendance per session and the
 * exam score, and completes it; completing it is what puts a training record on each worker's record,
 * which is what dispatch's training gate reads (worker.ts, checkWorkerEligibility). The hub is its home
 * (`course:hub:<ULID>`); counties never read it: they read the worker records it results in.
 *
 *   schedule → scheduled ─complete→ completed
 *                        ─cancel→   cancelled
 *   enrol, withdraw, recordAttendance, recordScore while scheduled
 */

export const CourseStatus = {
  scheduled: 'scheduled',
  completed: 'completed',
  cancelled: 'cancelled',
} as const;
export type CourseStatus = (typeof CourseStatus)[keyof typeof CourseStatus];

export const CourseKind = { prePost: 'pre_post', skill: 'skill', lecture: 'lecture' } as const;
export type CourseKind = (typeof CourseKind)[keyof typeof CourseKind];
export const courseKindSchema = z.enum(['pre_post', 'skill', 'lecture']);

/** A worker must attend this share of a course's sessions for it to count (the usual 80 % 出勤率 rule). */
export const minAttendanceShare = 0.8;
export const maxCourseSessions = 60;
export const maxCourseCapacity = 500;

const epochMsSchema = z.number().int().min(0).max(8_640_000_000_000_000);
const reasonSchema = z.string().trim().min(1, 'a reason is required').max(500);
const textSchema = (max: number) => z.string().trim().max(max);

/** Course records are homed at the hub: `course:hub:<ULID>` (see ids.ts). */
export const courseIdSchema = z
  .string()
  .regex(/^course:hub:[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a course record id like course:hub:01J…');

const workerIdSchema = z
  .string()
  .regex(/^worker:hub:[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a worker record id like worker:hub:01J…');
const enterpriseIdSchema = z
  .string()
  .regex(
    /^enterprise:hub:[0-9A-HJKMNP-TV-Z]{26}$/,
    'must be an enterprise record id like enterprise:hub:01J…',
  );

export const courseSessionSchema = z
  .object({ startsAt: epochMsSchema, endsAt: epochMsSchema })
  .refine((s) => s.startsAt < s.endsAt, { message: 'a session must end after it starts', path: ['endsAt'] });
export type CourseSession = z.infer<typeof courseSessionSchema>;

export const scheduleCoursePayloadSchema = z.object({
  courseId: courseIdSchema,
  kind: courseKindSchema,
  /** The centre's course code, printed on the certificate (e.g. GQPX-2026-12). */
  code: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/, 'must be a course code (letters, digits, _ . -; up to 32)'),
  name: z.string().trim().min(1, 'a name is required').max(100),
  grants: qualificationSchema.nullable(),
  hours: z.number().positive('must be more than 0 hours').max(2000),
  /** Null: no exam (a lecture). */
  passMark: z.number().min(0).max(100).nullable(),
  /** Null: the certificate does not expire. */
  certificateValidMonths: z.number().int().min(1).max(120).nullable(),
  venue: z.string().trim().min(1, 'a venue is required').max(200),
  trainer: textSchema(100),
  capacity: z.number().int().min(1).max(maxCourseCapacity),
  sessions: z.array(courseSessionSchema).min(1, 'a course has at least one session').max(maxCourseSessions),
});
export type ScheduleCoursePayload = z.infer<typeof scheduleCoursePayloadSchema>;

export const courseParticipantInputSchema = z.discriminatedUnion('kind', [
  /** The hub fills in the name and enterprise from the registry; its home checks they match. */
  z.object({
    kind: z.literal('worker'),
    workerId: workerIdSchema,
    name: z.string().trim().min(1).max(40),
    enterpriseId: enterpriseIdSchema,
  }),
  /** An enterprise's manager or the centre's own staff at a lecture: known by name, not by record. */
  z.object({
    kind: z.literal('staff'),
    name: z.string().trim().min(1, 'a name is required').max(40),
    organisation: textSchema(100),
    enterpriseId: enterpriseIdSchema.nullable(),
  }),
]);
export type CourseParticipantInput = z.infer<typeof courseParticipantInputSchema>;

const participantIdSchema = z.string().min(1).max(80);

export const courseCommandSchema = z.discriminatedUnion('type', [
  commandEnvelopeSchema.extend({ type: z.literal('schedule'), payload: scheduleCoursePayloadSchema }),
  commandEnvelopeSchema.extend({
    type: z.literal('enrol'),
    payload: z.object({ participant: courseParticipantInputSchema }),
  }),
  commandEnvelopeSchema.extend({
    type: z.literal('withdraw'),
    payload: z.object({ participantId: participantIdSchema, reason: reasonSchema }),
  }),
  // One act per session's register: a whole class marked at once (or one participant corrected) is one
  // proposal, so a course of hundreds does not grow by one proposal a tick.
  commandEnvelopeSchema.extend({
    type: z.literal('recordAttendance'),
    payload: z.object({
      session: z
        .number()
        .int()
        .min(0)
        .max(maxCourseSessions - 1),
      marks: z
        .array(z.object({ participantId: participantIdSchema, present: z.boolean() }))
        .min(1, 'mark at least one participant')
        .max(maxCourseCapacity)
        .refine((marks) => new Set(marks.map((m) => m.participantId)).size === marks.length, {
          message: 'each participant at most once',
        }),
    }),
  }),
  commandEnvelopeSchema.extend({
    type: z.literal('recordScore'),
    payload: z.object({ participantId: participantIdSchema, examScore: z.number().min(0).max(100) }),
  }),
  commandEnvelopeSchema.extend({ type: z.literal('complete'), payload: z.object({}) }),
  commandEnvelopeSchema.extend({ type: z.literal('cancel'), payload: z.object({ reason: reasonSchema }) }),
]);
export type CourseCommand = z.infer<typeof courseCommandSchema>;
export type CourseCommandType = CourseCommand['type'];

export type CourseParticipant = {
  /** A worker's record id, or `staff:<n>` for the n-th staff member enrolled. */
  participantId: string;
  kind: 'worker' | 'staff';
  workerId: string | null;
  enterpriseId: string | null;
  name: string;
  organisation: string;
  enrolledAt: number;
  enrolledBy: string;
  withdrawnAt: number | null;
  withdrawReason: string | null;
  /** One per session; null until recorded. */
  attendance: Array<boolean | null>;
  examScore: number | null;
};

export type CourseState = Omit<ScheduleCoursePayload, 'courseId'> & {
  id: string;
  status: CourseStatus;
  participants: CourseParticipant[];
  scheduledAt: number;
  scheduledBy: string;
  completedAt: number | null;
  completedBy: string | null;
  cancelledAt: number | null;
  cancelReason: string | null;
  updatedAt: number;
};

/**
 * At the home (the hub) a worker's enrolment is checked against the registry, and the actor must be the
 * centre's (training is centralised). Replay trusts what the home decided.
 */
export type CourseContext =
  | { mode: typeof ApplyMode.replay }
  | {
      mode: typeof ApplyMode.home;
      /** The signer's county from the directory; null for the centre's staff. */
      actorCountyCode: string | null;
      findWorker: (id: string) => Worker | undefined;
    };

const staff = [Role.registryOfficer, Role.administrator] as const;

function touch(state: CourseState, at: number, patch: Partial<CourseState>): Result<CourseState> {
  return ok({ ...state, ...patch, updatedAt: Math.max(state.updatedAt, at) });
}

function checkCentral(options: { context: CourseContext }): Result<null> {
  const { context } = options;
  if (context.mode === ApplyMode.home && context.actorCountyCode !== null) {
    return rejectWith({
      code: DomainErrorCode.forbidden,
      field: 'command.actor',
      message: `training is the centre's: an actor of county ${context.actorCountyCode} may not run a course`,
    });
  }
  return ok(null);
}

/** Every course act is the centre's: the check runs before the act's own rules, as in each rule before. */
function centrally<C>(
  apply: (options: { state: CourseState; command: C; context: CourseContext }) => Result<CourseState>,
): (options: { state: CourseState; command: C; context: CourseContext }) => Result<CourseState> {
  return (options) => {
    const central = checkCentral({ context: options.context });
    return central.ok ? apply(options) : central;
  };
}

/** Each kind's rules on what a course grants and whether it has an exam. */
function checkKind(p: ScheduleCoursePayload): Result<null> {
  if (p.kind === CourseKind.prePost) {
    if (p.grants !== Qualification.prePostTraining) {
      return rejectWith({
        code: DomainErrorCode.invalidInput,
        field: 'payload.grants',
        message: 'pre-post training grants pre_post_training',
      });
    }
    if (p.passMark === null) {
      return rejectWith({
        code: DomainErrorCode.invalidInput,
        field: 'payload.passMark',
        message: 'pre-post training ends with an exam: give its pass mark',
      });
    }
  } else if (p.kind === CourseKind.skill) {
    if (p.grants === Qualification.prePostTraining) {
      return rejectWith({
        code: DomainErrorCode.invalidInput,
        field: 'payload.grants',
        message: 'only a pre_post course grants pre_post_training',
      });
    }
    if (p.grants !== null && p.passMark === null) {
      return rejectWith({
        code: DomainErrorCode.invalidInput,
        field: 'payload.passMark',
        message: 'a course that grants a qualification has an exam',
      });
    }
  } else if (p.grants !== null || p.passMark !== null) {
    return rejectWith({
      code: DomainErrorCode.invalidInput,
      field: p.grants !== null ? 'payload.grants' : 'payload.passMark',
      message: 'a lecture has no exam and grants nothing',
    });
  }
  for (let i = 1; i < p.sessions.length; i++) {
    if (p.sessions[i]!.startsAt < p.sessions[i - 1]!.endsAt) {
      return rejectWith({
        code: DomainErrorCode.invalidInput,
        field: `payload.sessions.${i}.startsAt`,
        message: 'sessions are given in order and do not overlap',
      });
    }
  }
  return ok(null);
}

function findParticipant(options: {
  state: CourseState;
  participantId: string;
  /** Where the payload names the participant (a register names each in `payload.marks.N`). */
  field?: string;
}): Result<{ index: number; participant: CourseParticipant }> {
  const field = options.field ?? 'payload.participantId';
  const index = options.state.participants.findIndex((p) => p.participantId === options.participantId);
  const participant = options.state.participants[index];
  if (participant === undefined) {
    return rejectWith({
      code: DomainErrorCode.notFound,
      field,
      message: `${options.participantId} is not enrolled on this course`,
    });
  }
  if (participant.withdrawnAt !== null) {
    return rejectWith({
      code: DomainErrorCode.conflict,
      field,
      message: `${options.participantId} has withdrawn from this course`,
    });
  }
  return ok({ index, participant });
}

function replaceParticipant(options: {
  state: CourseState;
  index: number;
  participant: CourseParticipant;
}): CourseParticipant[] {
  return options.state.participants.map((p, i) => (i === options.index ? options.participant : p));
}

function activeCount(state: CourseState): number {
  return state.participants.filter((p) => p.withdrawnAt === null).length;
}

function lastSession(state: CourseState): CourseSession {
  return state.sessions[state.sessions.length - 1]!;
}

export const courseTransitions: TransitionTable<CourseState, CourseCommand, CourseContext> = {
  schedule: {
    from: 'create',
    roles: staff,
    apply: centrally(({ command }) => {
      const p = command.payload;
      const kind = checkKind(p);
      if (!kind.ok) return kind;
      const { courseId, ...fields } = p;
      return ok({
        ...fields,
        id: courseId,
        status: CourseStatus.scheduled,
        participants: [],
        scheduledAt: command.at,
        scheduledBy: command.actor.userId,
        completedAt: null,
        completedBy: null,
        cancelledAt: null,
        cancelReason: null,
        updatedAt: command.at,
      });
    }),
  },
  enrol: {
    from: [CourseStatus.scheduled],
    roles: staff,
    apply: centrally(({ state, command, context }) => {
      const input = command.payload.participant;
      if (activeCount(state) >= state.capacity) {
        return rejectWith({
          code: DomainErrorCode.conflict,
          field: 'payload.participant',
          message: `the course is full (${state.capacity} places)`,
        });
      }
      let participantId: string;
      if (input.kind === 'worker') {
        participantId = input.workerId;
        const existing = state.participants.find((p) => p.participantId === participantId);
        if (existing !== undefined && existing.withdrawnAt === null) {
          return rejectWith({
            code: DomainErrorCode.conflict,
            field: 'payload.participant.workerId',
            message: `${input.workerId} is already enrolled`,
          });
        }
        if (context.mode === ApplyMode.home) {
          const worker = context.findWorker(input.workerId);
          if (worker === undefined) {
            return rejectWith({
              code: DomainErrorCode.notFound,
              field: 'payload.participant.workerId',
              message: `unknown worker ${input.workerId}`,
            });
          }
          if (worker.status === 'left') {
            return rejectWith({
              code: DomainErrorCode.invalidInput,
              field: 'payload.participant.workerId',
              message: `${input.workerId} has left the network`,
            });
          }
          if (worker.enterpriseId !== input.enterpriseId) {
            return rejectWith({
              code: DomainErrorCode.invalidInput,
              field: 'payload.participant.enterpriseId',
              message: `${input.workerId} works for ${worker.enterpriseId}, not ${input.enterpriseId}`,
            });
          }
        }
      } else {
        participantId = `staff:${state.participants.filter((p) => p.kind === 'staff').length + 1}`;
      }
      // A worker who withdrew and comes back starts afresh: their earlier entry is replaced.
      const participant: CourseParticipant = {
        participantId,
        kind: input.kind,
        workerId: input.kind === 'worker' ? input.workerId : null,
        enterpriseId: input.enterpriseId,
        name: input.name,
        organisation: input.kind === 'staff' ? input.organisation : '',
        enrolledAt: command.at,
        enrolledBy: command.actor.userId,
        withdrawnAt: null,
        withdrawReason: null,
        attendance: state.sessions.map(() => null),
        examScore: null,
      };
      return touch(state, command.at, {
        participants: [...state.participants.filter((p) => p.participantId !== participantId), participant],
      });
    }),
  },
  withdraw: {
    from: [CourseStatus.scheduled],
    roles: staff,
    apply: centrally(({ state, command }) => {
      const found = findParticipant({ state, participantId: command.payload.participantId });
      if (!found.ok) return found;
      const { index, participant } = found.value;
      return touch(state, command.at, {
        participants: replaceParticipant({
          state,
          index,
          participant: { ...participant, withdrawnAt: command.at, withdrawReason: command.payload.reason },
        }),
      });
    }),
  },
  recordAttendance: {
    from: [CourseStatus.scheduled],
    roles: staff,
    apply: centrally(({ state, command }) => {
      const { session, marks } = command.payload;
      const when = state.sessions[session];
      if (when === undefined) {
        return rejectWith({
          code: DomainErrorCode.invalidInput,
          field: 'payload.session',
          message: `the course has ${state.sessions.length} sessions (0 to ${state.sessions.length - 1})`,
        });
      }
      if (command.at < when.startsAt) {
        return rejectWith({
          field: 'payload.session',
          message: `session ${session} has not started yet: attendance is recorded once it has`,
        });
      }
      // The whole register or nothing: one unknown or withdrawn participant refuses it, naming the mark.
      let participants = state.participants;
      for (const [i, mark] of marks.entries()) {
        const found = findParticipant({
          state,
          participantId: mark.participantId,
          field: `payload.marks.${i}.participantId`,
        });
        if (!found.ok) return found;
        const { index, participant } = found.value;
        const attendance = participant.attendance.map((a, k) => (k === session ? mark.present : a));
        participants = participants.map((p, k) => (k === index ? { ...participant, attendance } : p));
      }
      return touch(state, command.at, { participants });
    }),
  },
  recordScore: {
    from: [CourseStatus.scheduled],
    roles: staff,
    apply: centrally(({ state, command }) => {
      if (state.passMark === null) {
        return rejectWith({
          code: DomainErrorCode.invalidInput,
          field: 'payload.examScore',
          message: 'this course has no exam',
        });
      }
      if (command.at < lastSession(state).startsAt) {
        return rejectWith({
          field: 'payload.examScore',
          message: 'the exam is at the last session: a score is recorded once it has started',
        });
      }
      const found = findParticipant({ state, participantId: command.payload.participantId });
      if (!found.ok) return found;
      const { index, participant } = found.value;
      return touch(state, command.at, {
        participants: replaceParticipant({
          state,
          index,
          participant: { ...participant, examScore: command.payload.examScore },
        }),
      });
    }),
  },
  complete: {
    from: [CourseStatus.scheduled],
    roles: staff,
    apply: centrally(({ state, command }) => {
      if (command.at < lastSession(state).endsAt) {
        return rejectWith({
          field: 'command.type',
          message: 'a course is completed once its last session has ended',
        });
      }
      return touch(state, command.at, {
        status: CourseStatus.completed,
        completedAt: command.at,
        completedBy: command.actor.userId,
      });
    }),
  },
  cancel: {
    from: [CourseStatus.scheduled],
    roles: staff,
    apply: centrally(({ state, command }) => {
      return touch(state, command.at, {
        status: CourseStatus.cancelled,
        cancelledAt: command.at,
        cancelReason: command.payload.reason,
      });
    }),
  },
};

/** Applies one command; on refusal the state is returned untouched inside the error result. */
export function applyCourseCommand(options: {
  state: CourseState | null;
  command: unknown;
  context: CourseContext;
}): Result<CourseState> {
  return applyTransition({
    record: 'course',
    schema: courseCommandSchema,
    table: courseTransitions,
    state: options.state,
    command: options.command,
    context: options.context,
  });
}

/** State = reduce(log): replays commands the home has already accepted. */
export function replayCourseLog(options: { log: readonly unknown[] }): CourseState | null {
  return replayLog({
    log: options.log,
    apply: ({ state, command }) =>
      applyCourseCommand({ state, command, context: { mode: ApplyMode.replay } }),
  });
}

export const courseTransitionList = describeTransitions({ table: courseTransitions });

export const CourseResult = {
  passed: 'passed',
  failed: 'failed',
  attended: 'attended',
  absent: 'absent',
  withdrawn: 'withdrawn',
} as const;
export type CourseResult = (typeof CourseResult)[keyof typeof CourseResult];

/**
 * How a participant came out of a course. `passed`: attended enough and scored at least the pass mark;
 * `failed`: attended enough but scored below it or sat no exam; `attended`: a course without an exam,
 * attended enough; `absent`: attended under minAttendanceShare of the sessions.
 */
export function courseResultOf(options: {
  course: CourseState;
  participant: CourseParticipant;
}): CourseResult {
  const { course, participant } = options;
  if (participant.withdrawnAt !== null) return CourseResult.withdrawn;
  const present = participant.attendance.filter((a) => a === true).length;
  if (present < course.sessions.length * minAttendanceShare) return CourseResult.absent;
  if (course.passMark === null) return CourseResult.attended;
  return participant.examScore !== null && participant.examScore >= course.passMark
    ? CourseResult.passed
    : CourseResult.failed;
}

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The same calendar day `months` later in China time (clamped to the month's end: 31 Jan + 1 → 28/29 Feb). */
export function addMonthsInChina(options: { at: number; months: number }): number {
  const local = new Date(options.at + CHINA_OFFSET_MS);
  const day = local.getUTCDate();
  const target = new Date(local.getTime());
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + options.months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.getTime() - CHINA_OFFSET_MS;
}

/**
 * The training records a completed course puts on its workers' records: one for every worker who
 * attended enough (passed or failed: a failed exam is on record too, and grants nothing, since the gate
 * compares the score with the pass mark). Staff and absent workers get none. The hours are the share of
 * the course's hours the worker attended.
 */
export function courseTrainingRecords(options: {
  course: CourseState;
}): Array<{ workerId: string; result: CourseResult; training: TrainingRecord }> {
  const { course } = options;
  if (course.status !== CourseStatus.completed || course.completedAt === null) return [];
  const completedAt = course.completedAt;
  return course.participants.flatMap((participant) => {
    if (participant.kind !== 'worker' || participant.workerId === null) return [];
    const result = courseResultOf({ course, participant });
    if (result === CourseResult.withdrawn || result === CourseResult.absent) return [];
    const present = participant.attendance.filter((a) => a === true).length;
    const training: TrainingRecord = {
      courseCode: course.code,
      courseName: course.name,
      grants: course.grants,
      hours: Math.round(((course.hours * present) / course.sessions.length) * 10) / 10,
      examScore: participant.examScore,
      passMark: course.passMark ?? 0,
      completedAt,
      validUntil:
        course.certificateValidMonths === null
          ? null
          : addMonthsInChina({ at: completedAt, months: course.certificateValidMonths }),
    };
    return [{ workerId: participant.workerId, result, training }];
  });
}

/** Whether a worker's record already holds the training this course gave them (issuing is idempotent). */
export function hasCourseTraining(options: {
  trainings: readonly TrainingRecord[];
  training: TrainingRecord;
}): boolean {
  return options.trainings.some(
    (t) => t.courseCode === options.training.courseCode && t.completedAt === options.training.completedAt,
  );
}
