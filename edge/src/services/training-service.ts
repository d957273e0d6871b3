import {
  applyCourseCommand,
  ApplyMode,
  courseResultOf,
  courseTrainingRecords,
  createId,
  DomainError,
  DomainErrorCode,
  formatRecordId,
  hasCourseTraining,
  Role,
  CourseStatus,
  type CourseResult,
  type CourseState,
  type WorkerState,
} from '@jiazheng/sync/domain';
import type { HubRole } from '../domain/hub-accounts';
import { staffActorOf, staffDirectoryUserId } from '../domain/staff-actor';
import {
  enrolRequestPayloadSchema,
  type CourseCommandRequest,
  type CourseListQuery,
  type ScheduleCourseRequest,
} from '../domain/training-requests';
import type { HubRecordHistoryEntry, HubRecords } from '../ports/hub-records';
import type { Logger } from '../ports/logger';
import type { HubPrincipal } from './hub-account-service';
import { requireRegistry } from './registry-service';
import { asRequestError, recordNotFound } from './request-errors';

/** Who runs the centre's training: the registry keeps the workers' records it results in. */
export const TRAINING_ROLES: readonly HubRole[] = [Role.registryOfficer, Role.administrator];
/** Who reads the courses: also the central office, which reports on training. */
export const TRAINING_READER_ROLES: readonly HubRole[] = [...TRAINING_ROLES, Role.centralOffice];

export type CourseView = CourseState & { recordId: string; enrolled: number };
export type CourseIssuance = { participantId: string; result: CourseResult; trainingRecorded: boolean };
export type CourseDetail = {
  course: CourseView;
  issuance: CourseIssuance[];
  history: HubRecordHistoryEntry[];
};

/** What the service needs of the workers' records: reading one, and the hub's own signature on them. */
export type TrainingWorkers = {
  readWorker(options: { recordId: string }): Promise<WorkerState | null>;
  /** Signs as the hub's system user (the training centre's results are the hub's to record). */
  proposeAsSystem(options: {
    recordId: string;
    commands: ReadonlyArray<{ type: string; payload: unknown }>;
  }): Promise<unknown>;
};

/**
 * The centre's training and lectures (`course:hub:` records): scheduling, enrolment, attendance, exam
 * scores, completion; and then the training gate's input: every worker who attended enough gets the
 * course as a training record on their worker record, signed by the hub's system user (the results are
 * the training centre's, not an officer's opinion). Issuing is idempotent (a worker record already
 * holding the course's training is left alone), so it runs after each completion and again at start-up,
 * which catches a process that stopped between the two. Like the registry, training is national: it
 * needs an account of the whole country.
 */
export class TrainingService {
  readonly #courses: HubRecords<CourseState>;
  readonly #workers: TrainingWorkers;
  readonly #logger: Logger;
  readonly #now: () => number;
  /** Invalidates the credit lists: the trained share of an enterprise's workers is part of its score. */
  readonly #onTrainingRecorded: () => void;

  constructor(options: {
    courses: HubRecords<CourseState>;
    workers: TrainingWorkers;
    logger: Logger;
    now?: () => number;
    onTrainingRecorded?: () => void;
  }) {
    this.#courses = options.courses;
    this.#workers = options.workers;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
    this.#onTrainingRecorded = options.onTrainingRecorded ?? (() => {});
  }

  async list(options: { by: HubPrincipal; query: CourseListQuery }): Promise<CourseView[]> {
    requireRegistry(options.by, TRAINING_READER_ROLES);
    const { query } = options;
    return (await this.#courses.list())
      .filter(({ state }) => query.status === undefined || state.status === query.status)
      .filter(({ state }) => query.kind === undefined || state.kind === query.kind)
      .map(({ recordId, state }) => present({ recordId, state }))
      .sort(
        (a, b) =>
          (a.sessions[0]?.startsAt ?? 0) - (b.sessions[0]?.startsAt ?? 0) ||
          a.recordId.localeCompare(b.recordId),
      );
  }

  async detail(options: { by: HubPrincipal; recordId: string }): Promise<CourseDetail> {
    requireRegistry(options.by, TRAINING_READER_ROLES);
    const { state, history } = await this.#requireCourse(options.recordId);
    return {
      course: present({ recordId: options.recordId, state }),
      issuance: await this.#issuanceOf(state),
      history,
    };
  }

  async schedule(options: { by: HubPrincipal; request: ScheduleCourseRequest }): Promise<CourseView> {
    const { by, request } = options;
    requireRegistry(by, TRAINING_ROLES);
    const at = this.#now();
    const recordId = formatRecordId({ kind: 'course', scope: 'hub', id: createId({ now: at }) });
    const command = { type: 'schedule', payload: { ...request, courseId: recordId } };
    this.#tryFirst({ by, state: null, command });
    await this.#courses.propose({ recordId, commands: [command], staff: staffActorOf({ account: by }) });
    const { state } = await this.#requireCourse(recordId);
    return present({ recordId, state });
  }

  async command(options: {
    by: HubPrincipal;
    recordId: string;
    request: CourseCommandRequest;
  }): Promise<{ proposalId: string; course: CourseView }> {
    const { by, recordId, request } = options;
    requireRegistry(by, TRAINING_ROLES);
    const { state } = await this.#requireCourse(recordId);
    const command =
      request.type === 'enrol'
        ? { type: 'enrol', payload: await this.#enrolPayload(request.payload) }
        : { type: request.type, payload: request.payload };
    this.#tryFirst({ by, state, command });
    const { proposalIds } = await this.#courses.propose({
      recordId,
      commands: [command],
      staff: staffActorOf({ account: by }),
    });
    const after = await this.#requireCourse(recordId);
    if (after.state.status === CourseStatus.completed) await this.#issue({ recordId, state: after.state });
    return { proposalId: proposalIds[0] ?? '', course: present({ recordId, state: after.state }) };
  }

  /** Records every completed course's trainings that are not on their workers' records yet. */
  async issueCompletedCourses(): Promise<number> {
    let issued = 0;
    for (const { recordId, state } of await this.#courses.list()) {
      if (state.status === CourseStatus.completed) issued += await this.#issue({ recordId, state });
    }
    return issued;
  }

  async #issue(options: { recordId: string; state: CourseState }): Promise<number> {
    let issued = 0;
    for (const { workerId, training } of courseTrainingRecords({ course: options.state })) {
      const worker = await this.#workers.readWorker({ recordId: workerId });
      if (worker === null || hasCourseTraining({ trainings: worker.trainings, training })) continue;
      try {
        await this.#workers.proposeAsSystem({
          recordId: workerId,
          commands: [{ type: 'recordTraining', payload: { training } }],
        });
        issued++;
      } catch (error) {
        // A worker who has left since enrolling cannot take a training; the others still get theirs.
        this.#logger.error(
          `training: ${options.recordId} could not record its training on ${workerId}: ${
            error instanceof Error ? error.message : String(error)
          }`,
        );
      }
    }
    if (issued > 0) this.#onTrainingRecorded();
    return issued;
  }

  async #issuanceOf(state: CourseState): Promise<CourseIssuance[]> {
    if (state.status !== CourseStatus.completed) return [];
    const records = new Map(courseTrainingRecords({ course: state }).map((r) => [r.workerId, r.training]));
    return Promise.all(
      state.participants.map(async (participant) => {
        const training = participant.workerId === null ? undefined : records.get(participant.workerId);
        const worker =
          training === undefined || participant.workerId === null
            ? null
            : await this.#workers.readWorker({ recordId: participant.workerId });
        return {
          participantId: participant.participantId,
          result: courseResultOf({ course: state, participant }),
          trainingRecorded:
            training !== undefined &&
            worker !== null &&
            hasCourseTraining({ trainings: worker.trainings, training }),
        };
      }),
    );
  }

  /** The enrolment as the domain takes it: a worker's name and enterprise come from the registry. */
  async #enrolPayload(input: unknown): Promise<unknown> {
    const parsed = enrolRequestPayloadSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DomainError({
        code: DomainErrorCode.invalidInput,
        field: ['payload', ...(issue?.path ?? []).map(String)].join('.'),
        message: issue?.message ?? 'is invalid',
      });
    }
    const { participant } = parsed.data;
    if (participant.kind === 'staff') return { participant };
    const worker = await this.#workers.readWorker({ recordId: participant.workerId });
    if (worker === null) {
      throw new DomainError({
        code: DomainErrorCode.notFound,
        field: 'payload.participant.workerId',
        message: `payload.participant.workerId: the registry holds no worker ${participant.workerId}`,
      });
    }
    if (worker.status === 'left') {
      throw new DomainError({
        code: DomainErrorCode.invalidInput,
        field: 'payload.participant.workerId',
        message: `payload.participant.workerId: ${worker.name} has left the network`,
      });
    }
    return {
      participant: {
        kind: 'worker',
        workerId: worker.id,
        name: worker.name,
        enterpriseId: worker.enterpriseId,
      },
    };
  }

  /**
   * Tries the act on the accepted state first, so a refusal is answered without a rejected proposal left
   * in the course's log for good. The registry lookups were done above; the home checks them again.
   */
  #tryFirst(options: {
    by: HubPrincipal;
    state: CourseState | null;
    command: { type: string; payload: unknown };
  }): void {
    const at = this.#now();
    const tried = applyCourseCommand({
      state: options.state,
      command: {
        id: createId({ now: at }),
        type: options.command.type,
        actor: { userId: staffDirectoryUserId({ username: options.by.username }), role: options.by.role },
        at,
        payload: options.command.payload,
      },
      context: { mode: ApplyMode.replay },
    });
    if (!tried.ok) throw asRequestError(tried.error);
  }

  async #requireCourse(recordId: string): Promise<{ state: CourseState; history: HubRecordHistoryEntry[] }> {
    const found = await this.#courses.read({ recordId });
    if (found === null || found.state === null) throw recordNotFound(recordId);
    return { state: found.state, history: found.history };
  }
}

function present(options: { recordId: string; state: CourseState }): CourseView {
  const { recordId, state } = options;
  return {
    ...state,
    recordId,
    enrolled: state.participants.filter((p) => p.withdrawnAt === null).length,
  };
}
