import { Qualification, Role } from '@jiazheng/sync/domain';
import type {
  Course,
  CourseCommandRequest,
  CourseIssuance,
  CourseKind,
  CourseListQuery,
  CourseParticipant,
  CourseSession,
  CourseStatus,
  EnterpriseRow,
  NewCourseRequest,
  WorkerRow,
} from '../api/hub-types';

/**
 * Training and lectures (培训与讲座) at the hub as pure code: the list's query and rows, what a course lets a
 * role do now, the schedule form turned into the hub's request (China time, checked before a round trip),
 * the attendance cell and the participants' commands. The contract is the hub's (training-api.md); the hub
 * has the last word, these checks only spare the officer a refusal. Errors are i18n keys under
 * `training.errors`; the components translate.
 */

const HOUR_MS = 3_600_000;
const CHINA_OFFSET_MS = 8 * HOUR_MS;

export const COURSE_KINDS: readonly CourseKind[] = ['pre_post', 'skill', 'lecture'];
export const COURSE_STATUSES: readonly CourseStatus[] = ['scheduled', 'completed', 'cancelled'];

export type CourseStatusFilter = 'all' | CourseStatus;
export type CourseKindFilter = 'all' | CourseKind;
export const COURSE_STATUS_FILTERS: readonly CourseStatusFilter[] = ['all', ...COURSE_STATUSES];
export const COURSE_KIND_FILTERS: readonly CourseKindFilter[] = ['all', ...COURSE_KINDS];

export type CourseFilter = { status: CourseStatusFilter; kind: CourseKindFilter };
/** The officer's day is the courses still to run. */
export const DEFAULT_COURSE_FILTER: CourseFilter = { status: 'scheduled', kind: 'all' };

export function courseQuery(options: { filter: CourseFilter }): CourseListQuery {
  const { filter } = options;
  const query: CourseListQuery = {};
  if (filter.status !== 'all') query.status = filter.status;
  if (filter.kind !== 'all') query.kind = filter.kind;
  return query;
}

/** POST /api/training/…: registry officers and administrators (the hub also wants country scope). */
const ACTOR_ROLES: ReadonlySet<string> = new Set([Role.registryOfficer, Role.administrator]);

export function mayActOnCourses(options: { role: string }): boolean {
  return ACTOR_ROLES.has(options.role);
}

/** Whether a kind has an exam: pre-post and skill training do, a lecture does not. */
export function kindHasExam(options: { kind: CourseKind }): boolean {
  return options.kind !== 'lecture';
}

/**
 * What a skill course may grant: the trade certificates. Not pre-post training (its own kind), the health
 * certificate (a medical check, not a course) nor the practising licences (issued by the state).
 */
export const SKILL_QUALIFICATIONS: readonly Qualification[] = Object.values(Qualification).filter(
  (q) =>
    q !== Qualification.prePostTraining && q !== Qualification.healthCertificate && !q.endsWith('_licence'),
);

// ------------------------------------------------------------------------------------------ China time

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Epoch ms of a China-time `YYYY-MM-DD` and `HH:MM`, or null when either is not a real date or time. */
export function chinaEpoch(options: { date: string; time: string }): number | null {
  const { date, time } = options;
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (d === null || t === null) return null;
  const [year, month, day, hour, minute] = [d[1], d[2], d[3], t[1], t[2]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (hour > 23 || minute > 59) return null;
  const utc = Date.UTC(year, month - 1, day, hour, minute);
  // Date.UTC rolls 2026-02-30 over to March: a real date reads back as itself.
  const back = new Date(utc);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day)
    return null;
  return utc - CHINA_OFFSET_MS;
}

/** `{ date: 'YYYY-MM-DD', time: 'HH:MM' }` of an instant in China time. */
export function chinaParts(options: { at: number }): { date: string; time: string } {
  const d = new Date(options.at + CHINA_OFFSET_MS);
  return {
    date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`,
  };
}

// -------------------------------------------------------------------------------------------- the list

/** A course as the list shows it in a row. */
export type CourseSummary = {
  firstStartsAt: number | null;
  lastEndsAt: number | null;
  sessionCount: number;
  /** `12/30`. */
  enrolment: string;
  full: boolean;
  /** Scheduled and its first session started, not yet completed: the officer has attendance to take. */
  running: boolean;
};

export function summariseCourse(options: { course: Course; now: number }): CourseSummary {
  const { course, now } = options;
  const first = course.sessions[0] ?? null;
  const last = course.sessions.at(-1) ?? null;
  return {
    firstStartsAt: first?.startsAt ?? null,
    lastEndsAt: last?.endsAt ?? null,
    sessionCount: course.sessions.length,
    enrolment: `${course.enrolled}/${course.capacity}`,
    full: course.enrolled >= course.capacity,
    running: course.status === 'scheduled' && first !== null && now >= first.startsAt,
  };
}

/** Soonest first session first (as the hub answers), courses without a session last. */
export function sortCourses(options: { courses: readonly Course[] }): Course[] {
  const first = (c: Course): number => c.sessions[0]?.startsAt ?? Number.POSITIVE_INFINITY;
  return [...options.courses].sort(
    (a, b) => first(a) - first(b) || a.code.localeCompare(b.code) || a.recordId.localeCompare(b.recordId),
  );
}

// ----------------------------------------------------------------------------------- what may be done

export type SessionPhase = 'upcoming' | 'running' | 'ended';

export function sessionPhase(options: { session: CourseSession; now: number }): SessionPhase {
  const { session, now } = options;
  if (now < session.startsAt) return 'upcoming';
  return now < session.endsAt ? 'running' : 'ended';
}

export type CourseActions = {
  /** False for a reader (the analysts): every form is hidden. */
  mayAct: boolean;
  enrol: boolean;
  withdraw: boolean;
  /** Per session index: whether attendance can be recorded now. */
  attendance: boolean[];
  score: boolean;
  complete: boolean;
  cancel: boolean;
  /** Why completing is not offered yet, for the officer: the last session has not ended. */
  completeWaitsUntil: number | null;
};

/**
 * What the user may do to the course now. Everything happens while it is scheduled; attendance only once a
 * session has started (the hub refuses earlier), the score once the last session has started (the exam is
 * held there; the hub refuses earlier), completing only after the last session has ended.
 */
export function courseActions(options: { course: Course; role: string; now: number }): CourseActions {
  const { course, role, now } = options;
  const mayAct = mayActOnCourses({ role });
  const open = mayAct && course.status === 'scheduled';
  const last = course.sessions.at(-1);
  const ended = last !== undefined && now >= last.endsAt;
  return {
    mayAct,
    enrol: open && course.enrolled < course.capacity,
    withdraw: open,
    attendance: course.sessions.map((session) => open && now >= session.startsAt),
    score: open && course.passMark !== null && last !== undefined && now >= last.startsAt,
    complete: open && ended,
    cancel: open,
    completeWaitsUntil: open && !ended && last !== undefined ? last.endsAt : null,
  };
}

export function isWithdrawn(options: { participant: CourseParticipant }): boolean {
  return options.participant.withdrawnAt !== null;
}

/** Those still enrolled first (in the order they enrolled), then those who withdrew. */
export function sortParticipants(options: {
  participants: readonly CourseParticipant[];
}): CourseParticipant[] {
  return [...options.participants].sort(
    (a, b) =>
      Number(a.withdrawnAt !== null) - Number(b.withdrawnAt !== null) ||
      a.enrolledAt - b.enrolledAt ||
      a.participantId.localeCompare(b.participantId),
  );
}

export type AttendanceState = 'notRecorded' | 'present' | 'absent';

/** One attendance cell: what it shows (i18n key under `training.attendance`), and what a click records. */
export type AttendanceCell = {
  state: AttendanceState;
  symbol: string;
  /** The value a click proposes: unrecorded or absent → present; present → absent. */
  next: boolean;
  disabled: boolean;
};

export function attendanceCell(options: {
  participant: CourseParticipant;
  session: number;
  actions: CourseActions;
}): AttendanceCell {
  const { participant, session, actions } = options;
  const value = participant.attendance[session] ?? null;
  const state: AttendanceState = value === null ? 'notRecorded' : value ? 'present' : 'absent';
  return {
    state,
    symbol: state === 'present' ? '✓' : state === 'absent' ? '✗' : '—',
    next: value !== true,
    disabled: participant.withdrawnAt !== null || actions.attendance[session] !== true,
  };
}

/** One cell's click: that participant's mark for the session, as a one-line register. */
export function attendanceCommand(options: {
  participant: CourseParticipant;
  session: number;
  present: boolean;
}): CourseCommandRequest {
  const { participant, session, present } = options;
  return {
    type: 'recordAttendance',
    payload: { session, marks: [{ participantId: participant.participantId, present }] },
  };
}

/**
 * 全部出勤: everyone still on the course and not yet marked present is marked present in one act; null when
 * there is nobody left to mark (those marked absent stay absent: the officer took them so on purpose).
 */
export function allPresentCommand(options: { course: Course; session: number }): CourseCommandRequest | null {
  const { course, session } = options;
  const marks = course.participants
    .filter((p) => p.withdrawnAt === null && (p.attendance[session] ?? null) === null)
    .map((p) => ({ participantId: p.participantId, present: true }));
  return marks.length === 0 ? null : { type: 'recordAttendance', payload: { session, marks } };
}

/** Sessions attended of those recorded: `3/4`, for the officer's eye (the hub decides the 80 %). */
export function attendanceSummary(options: { participant: CourseParticipant }): {
  present: number;
  sessions: number;
} {
  const { attendance } = options.participant;
  return { present: attendance.filter((a) => a === true).length, sessions: attendance.length };
}

export function issuanceOf(options: {
  issuance: readonly CourseIssuance[];
  participantId: string;
}): CourseIssuance | null {
  return options.issuance.find((i) => i.participantId === options.participantId) ?? null;
}

// ---------------------------------------------------------------------------------- the schedule form

export type SessionRow = { date: string; start: string; end: string };

/** Everything the schedule form holds, as typed: kept while the hub refuses, so nothing is lost. */
export type ScheduleForm = {
  kind: CourseKind;
  code: string;
  name: string;
  /** '' for none (a skill course that grants nothing). */
  grants: Qualification | '';
  hours: string;
  passMark: string;
  /** Blank: the certificate does not expire. */
  validMonths: string;
  venue: string;
  trainer: string;
  capacity: string;
  sessions: SessionRow[];
};

export function emptyScheduleForm(): ScheduleForm {
  return {
    kind: 'pre_post',
    code: '',
    name: '',
    grants: '',
    hours: '',
    passMark: '60',
    validMonths: '',
    venue: '',
    trainer: '',
    capacity: '',
    sessions: [{ date: '', start: '09:00', end: '12:00' }],
  };
}

/** A new session row: the day after the last one, at the same hours (courses run on consecutive days). */
export function nextSessionRow(options: { sessions: readonly SessionRow[] }): SessionRow {
  const last = options.sessions.at(-1);
  if (last === undefined) return { date: '', start: '09:00', end: '12:00' };
  const start = chinaEpoch({ date: last.date, time: '00:00' });
  const date = start === null ? '' : chinaParts({ at: start + 24 * HOUR_MS }).date;
  return { date, start: last.start, end: last.end };
}

export type ScheduleField =
  | 'kind'
  | 'code'
  | 'name'
  | 'grants'
  | 'hours'
  | 'passMark'
  | 'validMonths'
  | 'venue'
  | 'trainer'
  | 'capacity'
  | 'sessions'
  | `session.${number}`
  | 'form';

export const TRAINING_ERRORS = [
  'codeRequired',
  'codeInvalid',
  'nameRequired',
  'tooLong',
  'hoursInvalid',
  'passMarkInvalid',
  'validMonthsInvalid',
  'venueRequired',
  'trainerRequired',
  'capacityInvalid',
  'sessionsRequired',
  'sessionInvalid',
  'sessionEndBeforeStart',
  'sessionsOutOfOrder',
  'grantsInvalid',
  'reasonRequired',
  'scoreInvalid',
  'workerRequired',
  'staffNameRequired',
  'organisationRequired',
  'alreadyEnrolled',
] as const;
export type TrainingError = (typeof TRAINING_ERRORS)[number];

export type FormResult<T, F extends string> =
  { ok: true; value: T } | { ok: false; errors: Partial<Record<F, TrainingError>> };

/** A number typed in a field, with an IME's full-width digits and point, or null. */
export function parseNumber(options: { text: string; decimals?: number }): number | null {
  const half = options.text
    .trim()
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/．/g, '.');
  const decimals = options.decimals ?? 0;
  const pattern = decimals === 0 ? /^\d{1,6}$/ : new RegExp(`^\\d{1,6}(\\.\\d{1,${decimals}})?$`);
  return pattern.test(half) ? Number(half) : null;
}

const CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
const LIMITS = { name: 100, venue: 200, trainer: 100 } as const;

function required(
  text: string,
  max: number,
  missing: TrainingError,
): { ok: true; value: string } | { ok: false; error: TrainingError } {
  const value = text.trim();
  if (value === '') return { ok: false, error: missing };
  if (value.length > max) return { ok: false, error: 'tooLong' };
  return { ok: true, value };
}

/** The sessions as epoch ms, each checked, then checked against each other. */
export function sessionsOf(options: {
  rows: readonly SessionRow[];
}): FormResult<CourseSession[], ScheduleField> {
  const { rows } = options;
  if (rows.length === 0) return { ok: false, errors: { sessions: 'sessionsRequired' } };
  const errors: Partial<Record<ScheduleField, TrainingError>> = {};
  const sessions: CourseSession[] = [];
  rows.forEach((row, index) => {
    const startsAt = chinaEpoch({ date: row.date, time: row.start });
    const endsAt = chinaEpoch({ date: row.date, time: row.end });
    if (startsAt === null || endsAt === null) errors[`session.${index}`] = 'sessionInvalid';
    else if (endsAt <= startsAt) errors[`session.${index}`] = 'sessionEndBeforeStart';
    else sessions.push({ startsAt, endsAt });
  });
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  // In order and not overlapping: a session starts when or after the one before has ended.
  for (let index = 1; index < sessions.length; index += 1) {
    const before = sessions[index - 1];
    const session = sessions[index];
    if (before !== undefined && session !== undefined && session.startsAt < before.endsAt) {
      const field: ScheduleField = `session.${index}`;
      return { ok: false, errors: { [field]: 'sessionsOutOfOrder' } };
    }
  }
  return { ok: true, value: sessions };
}

/**
 * The hub's request from the form, checked as the hub will check it. Pre-post training grants
 * `pre_post_training` whatever the form says, a lecture grants nothing and has no exam.
 */
export function buildScheduleRequest(options: {
  form: ScheduleForm;
}): FormResult<NewCourseRequest, ScheduleField> {
  const { form } = options;
  const errors: Partial<Record<ScheduleField, TrainingError>> = {};
  const code = form.code.trim();
  if (code === '') errors.code = 'codeRequired';
  else if (!CODE.test(code)) errors.code = 'codeInvalid';
  const name = required(form.name, LIMITS.name, 'nameRequired');
  if (!name.ok) errors.name = name.error;
  const venue = required(form.venue, LIMITS.venue, 'venueRequired');
  if (!venue.ok) errors.venue = venue.error;
  const trainer = required(form.trainer, LIMITS.trainer, 'trainerRequired');
  if (!trainer.ok) errors.trainer = trainer.error;
  const hours = parseNumber({ text: form.hours, decimals: 1 });
  if (hours === null || hours <= 0 || hours > 2000) errors.hours = 'hoursInvalid';
  const capacity = parseNumber({ text: form.capacity });
  if (capacity === null || capacity < 1 || capacity > 500) errors.capacity = 'capacityInvalid';
  const exam = kindHasExam({ kind: form.kind });
  const passMark = exam ? parseNumber({ text: form.passMark, decimals: 1 }) : null;
  if (exam && (passMark === null || passMark > 100)) errors.passMark = 'passMarkInvalid';
  let validMonths: number | null = null;
  if (form.kind !== 'lecture' && form.validMonths.trim() !== '') {
    validMonths = parseNumber({ text: form.validMonths });
    if (validMonths === null || validMonths < 1 || validMonths > 120)
      errors.validMonths = 'validMonthsInvalid';
  }
  let grants: Qualification | null = null;
  if (form.kind === 'pre_post') grants = Qualification.prePostTraining;
  else if (form.kind === 'skill' && form.grants !== '') {
    if (SKILL_QUALIFICATIONS.includes(form.grants)) grants = form.grants;
    else errors.grants = 'grantsInvalid';
  }
  const sessions = sessionsOf({ rows: form.sessions });
  if (!sessions.ok) Object.assign(errors, sessions.errors);
  if (
    Object.keys(errors).length > 0 ||
    !sessions.ok ||
    !name.ok ||
    !venue.ok ||
    !trainer.ok ||
    hours === null ||
    capacity === null
  ) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    value: {
      kind: form.kind,
      code,
      name: name.value,
      grants,
      hours,
      passMark: exam ? passMark : null,
      certificateValidMonths: validMonths,
      venue: venue.value,
      trainer: trainer.value,
      capacity,
      sessions: sessions.value,
    },
  };
}

const SCHEDULE_FIELDS: Readonly<Record<string, ScheduleField>> = {
  kind: 'kind',
  code: 'code',
  name: 'name',
  grants: 'grants',
  hours: 'hours',
  passMark: 'passMark',
  certificateValidMonths: 'validMonths',
  venue: 'venue',
  trainer: 'trainer',
  capacity: 'capacity',
};

/**
 * Where the hub's refusal of a schedule belongs, from the field it names (`code`, `payload.passMark`,
 * `sessions.1.endsAt`, `sessions`); anything else goes in the form's error line.
 */
export function scheduleFieldOfRefusal(options: { field: string | null }): ScheduleField {
  const parts = (options.field ?? '').split('.');
  if (parts[0] === 'payload' || parts[0] === 'body') parts.shift();
  const [head, index] = parts;
  if (head === 'sessions') {
    return index !== undefined && /^\d+$/.test(index) ? `session.${Number(index)}` : 'sessions';
  }
  return (head !== undefined && SCHEDULE_FIELDS[head]) || 'form';
}

// -------------------------------------------------------------------------------- participants' forms

export type EnrolForm = {
  mode: 'worker' | 'staff';
  /** The enterprise's record id, for a worker (which enterprise to list) or staff (who employs them). */
  enterpriseId: string;
  workerId: string;
  name: string;
  organisation: string;
};

export function emptyEnrolForm(): EnrolForm {
  return { mode: 'worker', enterpriseId: '', workerId: '', name: '', organisation: '' };
}

export type EnrolField = 'enterpriseId' | 'workerId' | 'name' | 'organisation' | 'enrol';

export function buildEnrolCommand(options: {
  form: EnrolForm;
  course: Pick<Course, 'participants'>;
}): FormResult<CourseCommandRequest, EnrolField> {
  const { form, course } = options;
  if (form.mode === 'worker') {
    if (form.workerId === '') return { ok: false, errors: { workerId: 'workerRequired' } };
    const enrolled = course.participants.some((p) => p.workerId === form.workerId && p.withdrawnAt === null);
    if (enrolled) return { ok: false, errors: { workerId: 'alreadyEnrolled' } };
    return {
      ok: true,
      value: { type: 'enrol', payload: { participant: { kind: 'worker', workerId: form.workerId } } },
    };
  }
  const errors: Partial<Record<EnrolField, TrainingError>> = {};
  const name = required(form.name, 40, 'staffNameRequired');
  if (!name.ok) errors.name = name.error;
  const organisation = required(form.organisation, 100, 'organisationRequired');
  if (!organisation.ok) errors.organisation = organisation.error;
  if (!name.ok || !organisation.ok) return { ok: false, errors };
  return {
    ok: true,
    value: {
      type: 'enrol',
      payload: {
        participant: {
          kind: 'staff',
          name: name.value,
          organisation: organisation.value,
          enterpriseId: form.enterpriseId === '' ? null : form.enterpriseId,
        },
      },
    },
  };
}

/** Where the hub's refusal of an enrolment belongs (`payload.participant.workerId`, …). */
export function enrolFieldOfRefusal(options: { field: string | null }): EnrolField {
  const last = (options.field ?? '').split('.').at(-1) ?? '';
  if (last === 'workerId') return 'workerId';
  if (last === 'name') return 'name';
  if (last === 'organisation') return 'organisation';
  if (last === 'enterpriseId') return 'enterpriseId';
  return 'enrol';
}

export function buildWithdrawCommand(options: {
  participantId: string;
  reason: string;
}): FormResult<CourseCommandRequest, 'reason'> {
  const reason = required(options.reason, 500, 'reasonRequired');
  if (!reason.ok) return { ok: false, errors: { reason: reason.error } };
  return {
    ok: true,
    value: { type: 'withdraw', payload: { participantId: options.participantId, reason: reason.value } },
  };
}

export function buildCancelCommand(options: { reason: string }): FormResult<CourseCommandRequest, 'reason'> {
  const reason = required(options.reason, 500, 'reasonRequired');
  if (!reason.ok) return { ok: false, errors: { reason: reason.error } };
  return { ok: true, value: { type: 'cancel', payload: { reason: reason.value } } };
}

/** The exam score as typed (0–100, one decimal), or the error; an unchanged score is not sent again. */
export function buildScoreCommand(options: {
  participant: CourseParticipant;
  text: string;
}): FormResult<CourseCommandRequest | null, 'score'> {
  const { participant, text } = options;
  const score = parseNumber({ text, decimals: 1 });
  if (score === null || score > 100) return { ok: false, errors: { score: 'scoreInvalid' } };
  if (score === participant.examScore) return { ok: true, value: null };
  return {
    ok: true,
    value: { type: 'recordScore', payload: { participantId: participant.participantId, examScore: score } },
  };
}

// -------------------------------------------------------------------------------------- the pickers

/** Enterprises whose workers can be trained, by name: not refused nor blacklisted. */
export function enterpriseChoices(options: { rows: readonly EnterpriseRow[] }): EnterpriseRow[] {
  return options.rows
    .filter((row) => row.status !== 'rejected' && row.status !== 'blacklisted')
    .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN') || a.id.localeCompare(b.id));
}

/**
 * An enterprise's workers the course can take, by name: not left (the hub refuses them) nor already
 * enrolled and not withdrawn.
 */
export function workerChoices(options: {
  workers: readonly WorkerRow[];
  course: Pick<Course, 'participants'>;
}): WorkerRow[] {
  const enrolled = new Set(
    options.course.participants.filter((p) => p.withdrawnAt === null).map((p) => p.workerId),
  );
  return options.workers
    .filter((w) => w.status !== 'left' && !enrolled.has(w.id))
    .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN') || a.id.localeCompare(b.id));
}
