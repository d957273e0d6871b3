import { z } from 'zod';
import type { EnterpriseState } from '../enterprise/enterprise';
import { DomainErrorCode, ok, parseInput, type Result } from '../errors';
import {
  ApplyMode,
  applyTransition,
  commandEnvelopeSchema,
  describeTransitions,
  rejectWith,
  replayLog,
  type TransitionTable,
} from '../lifecycle';
import { Qualification } from '../qualifications';
import { Role } from '../roles';
import { maskIdNumber, maskedIdNumberSchema, validateIdNumber } from './identity-number';
import {
  bookingSchema,
  certificateSchema,
  trainingRecordSchema,
  WorkerStatus,
  type Booking,
  type Certificate,
  type TrainingRecord,
  type Worker,
} from './worker';

/*
 * The worker's record: registered by the registry for an enterprise, then trained, certified, suspended,
 * reinstated, and finally gone. The hub is its home; every county reads it, so a county's appliance can
 * check, when an enterprise names a worker for an order, that the worker is active and trained.
 *
 *   registerWorker → active ⇄ suspended → left
 *   recordTraining, addCertificate, recordBackgroundCheck: while active or suspended
 */

const epochMsSchema = z.number().int().min(0).max(8_640_000_000_000_000);
const reasonSchema = z.string().trim().min(1, 'a reason is required').max(500);

/** Worker records are registry records, homed at the hub: `worker:hub:<ULID>` (see ids.ts). */
export const workerIdSchema = z
  .string()
  .regex(/^worker:hub:[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a worker record id like worker:hub:01J…');

/** The most a worker record may hold (workerSchema's limits): past them a command is refused. */
const maxCertificates = 50;
const maxTrainings = 500;

/*
 * Only the masked identity number travels: a proposal stays in the record for good (proposals are
 * append-only and replicated to every county and PWA), so a raw number in a payload could never be taken
 * back. The proposing device checks the full number and masks it (buildRegisterWorkerPayload); `strict`
 * refuses a payload that carries anything else, such as the raw number under another key, loudly.
 */
export const registerWorkerPayloadSchema = z
  .object({
    workerId: workerIdSchema,
    /** The enterprise's id as orders name it in their dispatch (its record id). */
    enterpriseId: z.string().min(1).max(80),
    name: z.string().trim().min(1).max(40),
    idNumberMasked: maskedIdNumberSchema,
    phone: z.string().trim().min(5).max(40).nullable(),
  })
  .strict();
export type RegisterWorkerPayload = z.infer<typeof registerWorkerPayloadSchema>;

export const workerCommandSchema = z.discriminatedUnion('type', [
  commandEnvelopeSchema.extend({ type: z.literal('registerWorker'), payload: registerWorkerPayloadSchema }),
  commandEnvelopeSchema.extend({
    type: z.literal('recordTraining'),
    payload: z.object({ training: trainingRecordSchema }),
  }),
  commandEnvelopeSchema.extend({
    type: z.literal('addCertificate'),
    payload: z.object({ certificate: certificateSchema }),
  }),
  commandEnvelopeSchema.extend({
    type: z.literal('recordBackgroundCheck'),
    payload: z.object({ checkedAt: epochMsSchema, reference: z.string().trim().min(1).max(64) }),
  }),
  commandEnvelopeSchema.extend({
    type: z.literal('suspendWorker'),
    payload: z.object({ reason: reasonSchema }),
  }),
  commandEnvelopeSchema.extend({
    type: z.literal('reinstateWorker'),
    payload: z.object({ reason: reasonSchema }),
  }),
  commandEnvelopeSchema.extend({
    type: z.literal('leaveEnterprise'),
    payload: z.object({ reason: reasonSchema }),
  }),
]);
export type WorkerCommand = z.infer<typeof workerCommandSchema>;
export type WorkerCommandType = WorkerCommand['type'];

export type WorkerStatusChange = {
  kind: 'suspend' | 'reinstate' | 'leave';
  reason: string;
  at: number;
  by: string;
};

/** The worker record's state: the registry's `Worker` (see toWorker) plus who did what when. */
export type WorkerState = Omit<Worker, 'bookings'> & {
  phone: string | null;
  /** The reference of the latest background check (police record check), for an auditor to find it. */
  backgroundCheckReference: string | null;
  statusChanges: WorkerStatusChange[];
  registeredAt: number;
  registeredBy: string;
  updatedAt: number;
};

/**
 * At the home (the hub) a registration is checked against the registry as the hub knows it: the
 * enterprise must exist and not be blacklisted. Replay trusts what the home decided.
 */
export type WorkerContext =
  | { mode: typeof ApplyMode.replay }
  | { mode: typeof ApplyMode.home; findEnterprise: (id: string) => EnterpriseState | undefined };

const staff = [Role.registryOfficer, Role.administrator] as const;
// The hub's own system user imports registrations and training results (from the training centre);
// sanctions stay decisions of people, as for enterprises.
const staffAndSystem = [...staff, Role.system] as const;
const current = [WorkerStatus.active, WorkerStatus.suspended] as const;

function touch(state: WorkerState, at: number, patch: Partial<WorkerState>): Result<WorkerState> {
  return ok({ ...state, ...patch, updatedAt: Math.max(state.updatedAt, at) });
}

function changeStatus(options: {
  state: WorkerState;
  kind: WorkerStatusChange['kind'];
  status: WorkerStatus;
  command: { at: number; actor: { userId: string }; payload: { reason: string } };
}): Result<WorkerState> {
  const { state, kind, status, command } = options;
  return touch(state, command.at, {
    status,
    statusChanges: [
      ...state.statusChanges,
      { kind, reason: command.payload.reason, at: command.at, by: command.actor.userId },
    ],
  });
}

export const workerTransitions: TransitionTable<WorkerState, WorkerCommand, WorkerContext> = {
  // The enterprise role is not allowed here: an actor carries a user id and a role, not the enterprise
  // it works for, so nothing could stop one enterprise's staff registering workers for another.
  registerWorker: {
    from: 'create',
    roles: staffAndSystem,
    apply: ({ command, context }) => {
      const p = command.payload;
      if (context.mode === ApplyMode.home) {
        const enterprise = context.findEnterprise(p.enterpriseId);
        if (!enterprise) {
          return rejectWith({
            code: DomainErrorCode.notFound,
            field: 'payload.enterpriseId',
            message: `unknown enterprise ${p.enterpriseId}`,
          });
        }
        if (enterprise.status === 'blacklisted') {
          return rejectWith({
            field: 'payload.enterpriseId',
            message: `enterprise ${p.enterpriseId} is blacklisted and may not register workers`,
          });
        }
      }
      return ok({
        id: p.workerId,
        enterpriseId: p.enterpriseId,
        name: p.name,
        idNumberMasked: p.idNumberMasked,
        phone: p.phone,
        status: WorkerStatus.active,
        healthCertificateValidUntil: null,
        backgroundCheckedAt: null,
        backgroundCheckReference: null,
        certificates: [],
        trainings: [],
        statusChanges: [],
        registeredAt: command.at,
        registeredBy: command.actor.userId,
        updatedAt: command.at,
      });
    },
  },
  recordTraining: {
    from: current,
    roles: staffAndSystem,
    apply: ({ state, command }) => {
      const { training } = command.payload;
      if (training.completedAt > command.at) {
        return rejectWith({
          code: DomainErrorCode.invalidInput,
          field: 'payload.training.completedAt',
          message: 'a training is recorded once it has been completed, not before',
        });
      }
      if (training.validUntil !== null && training.validUntil <= training.completedAt) {
        return rejectWith({
          code: DomainErrorCode.invalidInput,
          field: 'payload.training.validUntil',
          message: 'validUntil must be after completedAt',
        });
      }
      if (state.trainings.length >= maxTrainings) {
        return rejectWith({
          code: DomainErrorCode.conflict,
          field: 'trainings',
          message: `a worker record holds at most ${maxTrainings} trainings`,
        });
      }
      return touch(state, command.at, { trainings: [...state.trainings, training] });
    },
  },
  addCertificate: {
    from: current,
    roles: staffAndSystem,
    apply: ({ state, command }) => {
      const { certificate } = command.payload;
      // Passing the centre's own training is what eligibility demands; a certificate cannot stand in for it.
      if (certificate.qualification === Qualification.prePostTraining) {
        return rejectWith({
          code: DomainErrorCode.invalidInput,
          field: 'payload.certificate.qualification',
          message: 'pre-post training is recorded with recordTraining, with its exam score',
        });
      }
      const health = certificate.qualification === Qualification.healthCertificate;
      if (health && certificate.validUntil === null) {
        return rejectWith({
          code: DomainErrorCode.invalidInput,
          field: 'payload.certificate.validUntil',
          message: 'a health certificate is valid for a limited time: give its end',
        });
      }
      if (certificate.validUntil !== null && certificate.validUntil <= command.at) {
        return rejectWith({
          code: DomainErrorCode.invalidInput,
          field: 'payload.certificate.validUntil',
          message: 'the certificate has already expired',
        });
      }
      const same = (c: Certificate) =>
        c.qualification === certificate.qualification && c.number === certificate.number;
      // The same certificate again is a correction of its validity, not a second certificate.
      const certificates = state.certificates.some(same)
        ? state.certificates.map((c) => (same(c) ? certificate : c))
        : [...state.certificates, certificate];
      if (certificates.length > maxCertificates) {
        return rejectWith({
          code: DomainErrorCode.conflict,
          field: 'certificates',
          message: `a worker record holds at most ${maxCertificates} certificates`,
        });
      }
      const healthCertificateValidUntil =
        health && certificate.validUntil !== null
          ? Math.max(state.healthCertificateValidUntil ?? 0, certificate.validUntil)
          : state.healthCertificateValidUntil;
      return touch(state, command.at, { certificates, healthCertificateValidUntil });
    },
  },
  recordBackgroundCheck: {
    from: current,
    roles: staffAndSystem,
    apply: ({ state, command }) => {
      const { checkedAt, reference } = command.payload;
      if (checkedAt > command.at) {
        return rejectWith({
          code: DomainErrorCode.invalidInput,
          field: 'payload.checkedAt',
          message: 'a background check is recorded once it has been made, not before',
        });
      }
      // An older check recorded late does not replace a newer one.
      if (state.backgroundCheckedAt !== null && checkedAt < state.backgroundCheckedAt) {
        return touch(state, command.at, {});
      }
      return touch(state, command.at, {
        backgroundCheckedAt: checkedAt,
        backgroundCheckReference: reference,
      });
    },
  },
  suspendWorker: {
    from: [WorkerStatus.active],
    roles: staff,
    apply: ({ state, command }) =>
      changeStatus({ state, kind: 'suspend', status: WorkerStatus.suspended, command }),
  },
  reinstateWorker: {
    from: [WorkerStatus.suspended],
    roles: staff,
    apply: ({ state, command }) =>
      changeStatus({ state, kind: 'reinstate', status: WorkerStatus.active, command }),
  },
  leaveEnterprise: {
    from: current,
    roles: staffAndSystem,
    apply: ({ state, command }) => changeStatus({ state, kind: 'leave', status: WorkerStatus.left, command }),
  },
};

/** Applies one command; on refusal the state is returned untouched inside the error result. */
export function applyWorkerCommand(options: {
  state: WorkerState | null;
  command: unknown;
  context: WorkerContext;
}): Result<WorkerState> {
  return applyTransition({
    record: 'worker',
    schema: workerCommandSchema,
    table: workerTransitions,
    state: options.state,
    command: options.command,
    context: options.context,
  });
}

/** State = reduce(log): replays commands the home has already accepted. */
export function replayWorkerLog(options: { log: readonly unknown[] }): WorkerState | null {
  return replayLog({
    log: options.log,
    apply: ({ state, command }) =>
      applyWorkerCommand({ state, command, context: { mode: ApplyMode.replay } }),
  });
}

export const workerTransitionList = describeTransitions({ table: workerTransitions });

/**
 * The `Worker` that eligibility checks and dispatch ranking read. Bookings are not part of the worker's
 * record (they are the orders' business, homed at the counties): the caller passes those it knows.
 */
export function toWorker(options: { state: WorkerState; bookings?: readonly Booking[] }): Worker {
  const bookings = parseInput({
    schema: z.array(bookingSchema).max(1000),
    input: options.bookings ?? [],
    what: 'bookings',
  });
  const s = options.state;
  return {
    id: s.id,
    enterpriseId: s.enterpriseId,
    name: s.name,
    idNumberMasked: s.idNumberMasked,
    status: s.status,
    healthCertificateValidUntil: s.healthCertificateValidUntil,
    backgroundCheckedAt: s.backgroundCheckedAt,
    certificates: s.certificates.map((c) => ({ ...c })),
    trainings: s.trainings.map((t): TrainingRecord => ({ ...t })),
    bookings,
  };
}

/**
 * The registerWorker payload from what the registry officer typed, with the identity number checked
 * (GB 11643 check character, a real birth date) and masked here, on the proposing device, so the full
 * number is never written into the record.
 */
export function buildRegisterWorkerPayload(options: {
  workerId: string;
  enterpriseId: string;
  name: string;
  idNumber: string;
  phone: string | null;
}): Result<RegisterWorkerPayload> {
  const checked = validateIdNumber({ idNumber: options.idNumber });
  if (!checked.ok) return checked;
  const parsed = registerWorkerPayloadSchema.safeParse({
    workerId: options.workerId,
    enterpriseId: options.enterpriseId,
    name: options.name,
    idNumberMasked: maskIdNumber({ idNumber: options.idNumber }),
    phone: options.phone,
  });
  if (parsed.success) return ok(parsed.data);
  const issue = parsed.error.issues[0];
  const field = (issue?.path ?? []).map(String).join('.');
  return rejectWith({
    code: DomainErrorCode.invalidInput,
    field,
    message: `${field}: ${issue?.message ?? 'invalid'}`,
  });
}
