import { describe, expect, test } from 'vitest';
import type { Course, CourseParticipant, EnterpriseRow, WorkerRow } from '../api/hub-types';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';
import {
  allPresentCommand,
  attendanceCell,
  attendanceCommand,
  attendanceSummary,
  buildCancelCommand,
  buildEnrolCommand,
  buildScheduleRequest,
  buildScoreCommand,
  buildWithdrawCommand,
  chinaEpoch,
  chinaParts,
  courseActions,
  courseQuery,
  DEFAULT_COURSE_FILTER,
  emptyEnrolForm,
  emptyScheduleForm,
  enrolFieldOfRefusal,
  enterpriseChoices,
  issuanceOf,
  mayActOnCourses,
  nextSessionRow,
  parseNumber,
  scheduleFieldOfRefusal,
  sessionPhase,
  SKILL_QUALIFICATIONS,
  sortCourses,
  sortParticipants,
  summariseCourse,
  TRAINING_ERRORS,
  workerChoices,
  type ScheduleForm,
} from './course-review';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** 2026-12-01 09:00 China time. */
const DAY1_9 = Date.parse('2026-12-01T09:00:00+08:00');
const RECORD = 'course:hub:01JZ00000000000000000000CC';

function participant(over: Partial<CourseParticipant> = {}): CourseParticipant {
  return {
    participantId: 'worker:hub:01JZ0000000000000000000W01',
    kind: 'worker',
    workerId: 'worker:hub:01JZ0000000000000000000W01',
    enterpriseId: 'enterprise:hub:E1',
    name: '李阿姨',
    organisation: '',
    enrolledAt: DAY1_9 - 10 * DAY,
    enrolledBy: 'hub:registry',
    withdrawnAt: null,
    withdrawReason: null,
    attendance: [null, null],
    examScore: null,
    ...over,
  };
}

function course(over: Partial<Course> = {}): Course {
  return {
    recordId: RECORD,
    id: RECORD,
    kind: 'pre_post',
    code: 'GQPX-2026-12',
    name: '岗前培训 12 月班',
    grants: 'pre_post_training',
    hours: 16,
    passMark: 60,
    certificateValidMonths: 24,
    venue: '西湖区培训中心 301',
    trainer: '王老师',
    capacity: 2,
    sessions: [
      { startsAt: DAY1_9, endsAt: DAY1_9 + 3 * HOUR },
      { startsAt: DAY1_9 + DAY, endsAt: DAY1_9 + DAY + 3 * HOUR },
    ],
    status: 'scheduled',
    participants: [participant()],
    scheduledAt: DAY1_9 - 20 * DAY,
    scheduledBy: 'hub:registry',
    completedAt: null,
    completedBy: null,
    cancelledAt: null,
    cancelReason: null,
    updatedAt: DAY1_9 - 10 * DAY,
    enrolled: 1,
    ...over,
  };
}

function form(over: Partial<ScheduleForm> = {}): ScheduleForm {
  return {
    ...emptyScheduleForm(),
    code: 'GQPX-2026-12',
    name: '岗前培训 12 月班',
    hours: '16',
    passMark: '60',
    validMonths: '24',
    venue: '西湖区培训中心 301',
    trainer: '王老师',
    capacity: '30',
    sessions: [
      { date: '2026-12-01', start: '09:00', end: '12:00' },
      { date: '2026-12-02', start: '09:00', end: '12:00' },
    ],
    ...over,
  };
}

describe('China time', () => {
  test('a date and time typed are read as UTC+8, whatever the browser’s zone', () => {
    expect(chinaEpoch({ date: '2026-12-01', time: '09:00' })).toBe(Date.parse('2026-12-01T01:00:00Z'));
    // Just after midnight in China is still the day before in UTC.
    expect(chinaEpoch({ date: '2026-12-01', time: '00:30' })).toBe(Date.parse('2026-11-30T16:30:00Z'));
    expect(chinaParts({ at: Date.parse('2026-11-30T16:30:00Z') })).toEqual({
      date: '2026-12-01',
      time: '00:30',
    });
  });

  test('what is not a real date or time is null', () => {
    for (const [date, time] of [
      ['2026-02-30', '09:00'],
      ['2026-13-01', '09:00'],
      ['2026-12-01', '24:00'],
      ['2026-12-01', '09:60'],
      ['2026/12/01', '09:00'],
      ['', '09:00'],
      ['2026-12-01', '9:00'],
    ] as const) {
      expect(chinaEpoch({ date, time }), `${date} ${time}`).toBeNull();
    }
  });
});

describe('the list', () => {
  test('the query asks only what is set', () => {
    expect(courseQuery({ filter: DEFAULT_COURSE_FILTER })).toEqual({ status: 'scheduled' });
    expect(courseQuery({ filter: { status: 'all', kind: 'all' } })).toEqual({});
    expect(courseQuery({ filter: { status: 'completed', kind: 'lecture' } })).toEqual({
      status: 'completed',
      kind: 'lecture',
    });
  });

  test('a row: first session, enrolment over capacity, full, running once it has started', () => {
    const before = summariseCourse({ course: course(), now: DAY1_9 - 1 });
    expect(before).toEqual({
      firstStartsAt: DAY1_9,
      lastEndsAt: DAY1_9 + DAY + 3 * HOUR,
      sessionCount: 2,
      enrolment: '1/2',
      full: false,
      running: false,
    });
    const full = summariseCourse({ course: course({ enrolled: 2 }), now: DAY1_9 });
    expect(full.full).toBe(true);
    expect(full.running).toBe(true);
    expect(summariseCourse({ course: course({ status: 'completed' }), now: DAY1_9 }).running).toBe(false);
    expect(summariseCourse({ course: course({ sessions: [] }), now: DAY1_9 }).firstStartsAt).toBeNull();
  });

  test('soonest first session first, a course without sessions last', () => {
    const late = course({
      recordId: 'c:late',
      sessions: [{ startsAt: DAY1_9 + DAY, endsAt: DAY1_9 + DAY + HOUR }],
    });
    const early = course({ recordId: 'c:early', sessions: [{ startsAt: DAY1_9, endsAt: DAY1_9 + HOUR }] });
    const none = course({ recordId: 'c:none', sessions: [] });
    expect(sortCourses({ courses: [none, late, early] }).map((c) => c.recordId)).toEqual([
      'c:early',
      'c:late',
      'c:none',
    ]);
  });
});

describe('what a course lets a role do now', () => {
  test('only registry officers and administrators act; analysts read', () => {
    expect(mayActOnCourses({ role: 'registry_officer' })).toBe(true);
    expect(mayActOnCourses({ role: 'administrator' })).toBe(true);
    expect(mayActOnCourses({ role: 'central_office' })).toBe(false);
    const read = courseActions({ course: course(), role: 'central_office', now: DAY1_9 + 5 * DAY });
    expect(read).toMatchObject({
      mayAct: false,
      enrol: false,
      withdraw: false,
      complete: false,
      cancel: false,
    });
    expect(read.attendance).toEqual([false, false]);
  });

  test('before the course: enrol, withdraw, cancel; no attendance, score or completion yet', () => {
    const a = courseActions({ course: course(), role: 'registry_officer', now: DAY1_9 - HOUR });
    expect(a).toMatchObject({ enrol: true, withdraw: true, cancel: true, score: false, complete: false });
    expect(a.attendance).toEqual([false, false]);
    expect(a.completeWaitsUntil).toBe(DAY1_9 + DAY + 3 * HOUR);
  });

  test('attendance session by session as each starts; completion once the last has ended', () => {
    const first = courseActions({ course: course(), role: 'registry_officer', now: DAY1_9 });
    expect(first.attendance).toEqual([true, false]);
    // The exam is at the last session: no score before it starts.
    expect(first.score).toBe(false);
    expect(first.complete).toBe(false);
    const second = courseActions({ course: course(), role: 'registry_officer', now: DAY1_9 + DAY + HOUR });
    expect(second.attendance).toEqual([true, true]);
    expect(second.score).toBe(true);
    expect(second.complete).toBe(false);
    const after = courseActions({ course: course(), role: 'administrator', now: DAY1_9 + DAY + 3 * HOUR });
    expect(after.complete).toBe(true);
    expect(after.completeWaitsUntil).toBeNull();
  });

  test('a full course takes no more; a lecture has no score; a finished course nothing at all', () => {
    const now = DAY1_9 + 2 * DAY;
    expect(courseActions({ course: course({ enrolled: 2 }), role: 'registry_officer', now }).enrol).toBe(
      false,
    );
    expect(
      courseActions({ course: course({ kind: 'lecture', passMark: null }), role: 'registry_officer', now })
        .score,
    ).toBe(false);
    for (const status of ['completed', 'cancelled'] as const) {
      const a = courseActions({ course: course({ status }), role: 'registry_officer', now });
      expect(a).toMatchObject({
        enrol: false,
        withdraw: false,
        score: false,
        complete: false,
        cancel: false,
      });
      expect(a.attendance).toEqual([false, false]);
      expect(a.completeWaitsUntil).toBeNull();
    }
  });

  test('session phases', () => {
    const session = { startsAt: DAY1_9, endsAt: DAY1_9 + HOUR };
    expect(sessionPhase({ session, now: DAY1_9 - 1 })).toBe('upcoming');
    expect(sessionPhase({ session, now: DAY1_9 })).toBe('running');
    expect(sessionPhase({ session, now: DAY1_9 + HOUR })).toBe('ended');
  });
});

describe('the attendance cell', () => {
  const actions = courseActions({ course: course(), role: 'registry_officer', now: DAY1_9 + HOUR });

  test('tri-state display; a click records present, or absent when present', () => {
    const p = participant({ attendance: [null, null] });
    expect(attendanceCell({ participant: p, session: 0, actions })).toEqual({
      state: 'notRecorded',
      symbol: '—',
      next: true,
      disabled: false,
    });
    const present = participant({ attendance: [true, null] });
    expect(attendanceCell({ participant: present, session: 0, actions })).toMatchObject({
      state: 'present',
      symbol: '✓',
      next: false,
    });
    const absent = participant({ attendance: [false, null] });
    expect(attendanceCell({ participant: absent, session: 0, actions })).toMatchObject({
      state: 'absent',
      symbol: '✗',
      next: true,
    });
  });

  test('disabled before its session starts, for a withdrawn participant, and after completion', () => {
    const p = participant();
    expect(attendanceCell({ participant: p, session: 1, actions }).disabled).toBe(true);
    const gone = participant({ withdrawnAt: DAY1_9 - DAY, withdrawReason: '生病' });
    expect(attendanceCell({ participant: gone, session: 0, actions }).disabled).toBe(true);
    const done = courseActions({
      course: course({ status: 'completed' }),
      role: 'administrator',
      now: DAY1_9 + 9 * DAY,
    });
    expect(
      attendanceCell({ participant: participant({ attendance: [true, true] }), session: 0, actions: done }),
    ).toMatchObject({ state: 'present', disabled: true });
  });

  test("a cell's click is a one-line register; 全部出勤 marks everyone not yet recorded, in one act", () => {
    const one = participant({ participantId: 'staff:1' });
    expect(attendanceCommand({ participant: one, session: 1, present: false })).toEqual({
      type: 'recordAttendance',
      payload: { session: 1, marks: [{ participantId: 'staff:1', present: false }] },
    });
    const class_ = course({
      participants: [
        participant({ participantId: 'staff:1', attendance: [null, null] }),
        participant({ participantId: 'staff:2', attendance: [false, null] }),
        participant({ participantId: 'staff:3', attendance: [true, null] }),
        participant({
          participantId: 'staff:4',
          attendance: [null, null],
          withdrawnAt: DAY1_9,
          withdrawReason: '病',
        }),
      ],
    });
    // The one marked absent stays absent, the one present is not sent again, the withdrawn one is left out.
    expect(allPresentCommand({ course: class_, session: 0 })).toEqual({
      type: 'recordAttendance',
      payload: { session: 0, marks: [{ participantId: 'staff:1', present: true }] },
    });
    expect(allPresentCommand({ course: class_, session: 1 })?.payload).toEqual({
      session: 1,
      marks: ['staff:1', 'staff:2', 'staff:3'].map((participantId) => ({ participantId, present: true })),
    });
    const allMarked = course({ participants: [participant({ attendance: [true, false] })] });
    expect(allPresentCommand({ course: allMarked, session: 0 })).toBeNull();
  });

  test('the summary counts sessions present', () => {
    expect(
      attendanceSummary({ participant: participant({ attendance: [true, false, null, true] }) }),
    ).toEqual({
      present: 2,
      sessions: 4,
    });
  });
});

describe('participants', () => {
  test('those enrolled first in enrolment order, the withdrawn after', () => {
    const a = participant({ participantId: 'a', enrolledAt: 3 });
    const b = participant({ participantId: 'b', enrolledAt: 1, withdrawnAt: 5 });
    const c = participant({ participantId: 'c', enrolledAt: 2 });
    expect(sortParticipants({ participants: [a, b, c] }).map((p) => p.participantId)).toEqual([
      'c',
      'a',
      'b',
    ]);
  });

  test('the issuance of a participant, or null before completion', () => {
    const issuance = [
      { participantId: 'a', result: 'passed' as const, trainingRecorded: true },
      { participantId: 'b', result: 'absent' as const, trainingRecorded: false },
    ];
    expect(issuanceOf({ issuance, participantId: 'b' })?.result).toBe('absent');
    expect(issuanceOf({ issuance: [], participantId: 'a' })).toBeNull();
  });
});

describe('the schedule form', () => {
  test('pre-post training: grants fixed, pass mark and validity sent, sessions in China time', () => {
    const built = buildScheduleRequest({ form: form({ grants: 'elder_care_cert' }) });
    expect(built).toEqual({
      ok: true,
      value: {
        kind: 'pre_post',
        code: 'GQPX-2026-12',
        name: '岗前培训 12 月班',
        grants: 'pre_post_training',
        hours: 16,
        passMark: 60,
        certificateValidMonths: 24,
        venue: '西湖区培训中心 301',
        trainer: '王老师',
        capacity: 30,
        sessions: [
          { startsAt: Date.parse('2026-12-01T01:00:00Z'), endsAt: Date.parse('2026-12-01T04:00:00Z') },
          { startsAt: Date.parse('2026-12-02T01:00:00Z'), endsAt: Date.parse('2026-12-02T04:00:00Z') },
        ],
      },
    });
  });

  test('a skill course grants the chosen qualification or none; a blank validity does not expire', () => {
    const elder = buildScheduleRequest({
      form: form({ kind: 'skill', grants: 'elder_care_cert', validMonths: ' ' }),
    });
    expect(elder.ok && elder.value).toMatchObject({
      grants: 'elder_care_cert',
      certificateValidMonths: null,
    });
    const none = buildScheduleRequest({ form: form({ kind: 'skill', grants: '' }) });
    expect(none.ok && none.value.grants).toBeNull();
    // A licence is the state's: no course of the centre grants one.
    const licence = buildScheduleRequest({ form: form({ kind: 'skill', grants: 'medical_licence' }) });
    expect(licence).toEqual({ ok: false, errors: { grants: 'grantsInvalid' } });
    expect(SKILL_QUALIFICATIONS).toContain('elder_care_cert');
    expect(SKILL_QUALIFICATIONS).not.toContain('pre_post_training');
    expect(SKILL_QUALIFICATIONS).not.toContain('health_certificate');
  });

  test('a lecture grants nothing and has no exam, whatever was typed in the hidden fields', () => {
    const built = buildScheduleRequest({
      form: form({
        kind: 'lecture',
        grants: 'elder_care_cert',
        passMark: 'abc',
        validMonths: '12',
        hours: '1.5',
      }),
    });
    expect(built.ok && built.value).toMatchObject({
      kind: 'lecture',
      grants: null,
      passMark: null,
      certificateValidMonths: null,
      hours: 1.5,
    });
  });

  test('every field is checked at once, each problem beside its field', () => {
    const built = buildScheduleRequest({
      form: form({
        code: 'GQPX 2026',
        name: ' ',
        hours: '0',
        passMark: '101',
        validMonths: '0',
        venue: '',
        trainer: '',
        capacity: '-3',
      }),
    });
    expect(built).toEqual({
      ok: false,
      errors: {
        code: 'codeInvalid',
        name: 'nameRequired',
        hours: 'hoursInvalid',
        passMark: 'passMarkInvalid',
        validMonths: 'validMonthsInvalid',
        venue: 'venueRequired',
        trainer: 'trainerRequired',
        capacity: 'capacityInvalid',
      },
    });
    expect(buildScheduleRequest({ form: form({ code: '' }) })).toEqual({
      ok: false,
      errors: { code: 'codeRequired' },
    });
    expect(buildScheduleRequest({ form: form({ name: '课'.repeat(101) }) })).toEqual({
      ok: false,
      errors: { name: 'tooLong' },
    });
    // Pre-post training needs its pass mark.
    expect(buildScheduleRequest({ form: form({ passMark: '' }) })).toEqual({
      ok: false,
      errors: { passMark: 'passMarkInvalid' },
    });
  });

  test('sessions: at least one, each ending after it starts, in order without overlap', () => {
    expect(buildScheduleRequest({ form: form({ sessions: [] }) })).toEqual({
      ok: false,
      errors: { sessions: 'sessionsRequired' },
    });
    expect(
      buildScheduleRequest({
        form: form({ sessions: [{ date: '2026-12-01', start: '12:00', end: '12:00' }] }),
      }),
    ).toEqual({ ok: false, errors: { 'session.0': 'sessionEndBeforeStart' } });
    expect(
      buildScheduleRequest({
        form: form({
          sessions: [
            { date: '2026-12-01', start: '09:00', end: '12:00' },
            { date: '2026-02-30', start: '09:00', end: '12:00' },
          ],
        }),
      }),
    ).toEqual({ ok: false, errors: { 'session.1': 'sessionInvalid' } });
    const outOfOrder = [
      { date: '2026-12-02', start: '09:00', end: '12:00' },
      { date: '2026-12-01', start: '09:00', end: '12:00' },
    ];
    expect(buildScheduleRequest({ form: form({ sessions: outOfOrder }) })).toEqual({
      ok: false,
      errors: { 'session.1': 'sessionsOutOfOrder' },
    });
    const overlapping = [
      { date: '2026-12-01', start: '09:00', end: '12:00' },
      { date: '2026-12-01', start: '11:00', end: '13:00' },
    ];
    expect(buildScheduleRequest({ form: form({ sessions: overlapping }) }).ok).toBe(false);
    const backToBack = [
      { date: '2026-12-01', start: '09:00', end: '12:00' },
      { date: '2026-12-01', start: '12:00', end: '13:00' },
    ];
    expect(buildScheduleRequest({ form: form({ sessions: backToBack }) }).ok).toBe(true);
  });

  test('a new session row is the next day at the same hours', () => {
    expect(nextSessionRow({ sessions: [{ date: '2026-12-31', start: '14:00', end: '17:30' }] })).toEqual({
      date: '2027-01-01',
      start: '14:00',
      end: '17:30',
    });
    expect(nextSessionRow({ sessions: [{ date: '', start: '14:00', end: '17:30' }] }).date).toBe('');
    expect(nextSessionRow({ sessions: [] })).toEqual({ date: '', start: '09:00', end: '12:00' });
  });

  test('numbers as an IME types them', () => {
    expect(parseNumber({ text: '３０' })).toBe(30);
    expect(parseNumber({ text: '１．５', decimals: 1 })).toBe(1.5);
    expect(parseNumber({ text: '1.5' })).toBeNull();
    expect(parseNumber({ text: '1.25', decimals: 1 })).toBeNull();
    expect(parseNumber({ text: '' })).toBeNull();
  });

  test('the hub’s refusal goes beside the field it names', () => {
    expect(scheduleFieldOfRefusal({ field: 'code' })).toBe('code');
    expect(scheduleFieldOfRefusal({ field: 'payload.passMark' })).toBe('passMark');
    expect(scheduleFieldOfRefusal({ field: 'certificateValidMonths' })).toBe('validMonths');
    expect(scheduleFieldOfRefusal({ field: 'sessions.1.endsAt' })).toBe('session.1');
    expect(scheduleFieldOfRefusal({ field: 'sessions' })).toBe('sessions');
    expect(scheduleFieldOfRefusal({ field: 'command.actor' })).toBe('form');
    expect(scheduleFieldOfRefusal({ field: null })).toBe('form');
  });
});

describe('the participants’ commands', () => {
  const c = course();

  test('enrol a worker by its record id, not one already enrolled', () => {
    const worker = { ...emptyEnrolForm(), enterpriseId: 'enterprise:hub:E1', workerId: 'worker:hub:W2' };
    expect(buildEnrolCommand({ form: worker, course: c })).toEqual({
      ok: true,
      value: { type: 'enrol', payload: { participant: { kind: 'worker', workerId: 'worker:hub:W2' } } },
    });
    expect(buildEnrolCommand({ form: { ...worker, workerId: '' }, course: c })).toEqual({
      ok: false,
      errors: { workerId: 'workerRequired' },
    });
    const again = { ...worker, workerId: 'worker:hub:01JZ0000000000000000000W01' };
    expect(buildEnrolCommand({ form: again, course: c })).toEqual({
      ok: false,
      errors: { workerId: 'alreadyEnrolled' },
    });
  });

  test('enrol enterprise or centre staff by name and organisation', () => {
    const staff = { ...emptyEnrolForm(), mode: 'staff' as const, name: ' 陈经理 ', organisation: '西湖家政' };
    expect(buildEnrolCommand({ form: staff, course: c })).toEqual({
      ok: true,
      value: {
        type: 'enrol',
        payload: {
          participant: { kind: 'staff', name: '陈经理', organisation: '西湖家政', enterpriseId: null },
        },
      },
    });
    const built = buildEnrolCommand({ form: { ...staff, enterpriseId: 'enterprise:hub:E1' }, course: c });
    expect(built.ok && built.value.payload).toMatchObject({
      participant: { enterpriseId: 'enterprise:hub:E1' },
    });
    expect(buildEnrolCommand({ form: { ...staff, name: '', organisation: '' }, course: c })).toEqual({
      ok: false,
      errors: { name: 'staffNameRequired', organisation: 'organisationRequired' },
    });
    expect(enrolFieldOfRefusal({ field: 'payload.participant.workerId' })).toBe('workerId');
    expect(enrolFieldOfRefusal({ field: 'payload.participant.organisation' })).toBe('organisation');
    expect(enrolFieldOfRefusal({ field: 'capacity' })).toBe('enrol');
  });

  test('withdraw and cancel need a reason', () => {
    expect(buildWithdrawCommand({ participantId: 'p1', reason: ' 生病 ' })).toEqual({
      ok: true,
      value: { type: 'withdraw', payload: { participantId: 'p1', reason: '生病' } },
    });
    expect(buildWithdrawCommand({ participantId: 'p1', reason: '  ' })).toEqual({
      ok: false,
      errors: { reason: 'reasonRequired' },
    });
    expect(buildCancelCommand({ reason: '讲师生病' })).toEqual({
      ok: true,
      value: { type: 'cancel', payload: { reason: '讲师生病' } },
    });
    expect(buildCancelCommand({ reason: 'x'.repeat(501) })).toEqual({
      ok: false,
      errors: { reason: 'tooLong' },
    });
  });

  test('a score from 0 to 100, one decimal; the same score again is not sent', () => {
    const p = participant({ examScore: 72 });
    expect(buildScoreCommand({ participant: p, text: '85.5' })).toEqual({
      ok: true,
      value: { type: 'recordScore', payload: { participantId: p.participantId, examScore: 85.5 } },
    });
    expect(buildScoreCommand({ participant: p, text: '0' }).ok).toBe(true);
    expect(buildScoreCommand({ participant: p, text: '72' })).toEqual({ ok: true, value: null });
    for (const text of ['101', '-1', '', 'abc', '85.55']) {
      expect(buildScoreCommand({ participant: p, text }), text).toEqual({
        ok: false,
        errors: { score: 'scoreInvalid' },
      });
    }
  });
});

describe('the enrolment pickers', () => {
  test('enterprises by name, without the refused and the blacklisted', () => {
    const rows = [
      { id: 'e:3', name: '乙家政', status: 'active' },
      { id: 'e:1', name: '甲家政', status: 'blacklisted' },
      { id: 'e:2', name: '丙家政', status: 'rejected' },
      { id: 'e:4', name: '丁家政', status: 'under_review' },
    ] as EnterpriseRow[];
    expect(enterpriseChoices({ rows }).map((r) => r.id)).toEqual(['e:4', 'e:3']);
  });

  test('workers not left and not already enrolled', () => {
    const workers = [
      { id: 'worker:hub:01JZ0000000000000000000W01', name: '李阿姨', status: 'active' },
      { id: 'w:2', name: '王阿姨', status: 'left' },
      { id: 'w:3', name: '张阿姨', status: 'suspended' },
      { id: 'w:4', name: '陈阿姨', status: 'active' },
    ] as WorkerRow[];
    expect(workerChoices({ workers, course: course() }).map((w) => w.id)).toEqual(['w:4', 'w:3']);
    // A withdrawn worker may be enrolled again.
    const withdrawn = course({ participants: [participant({ withdrawnAt: DAY1_9 - DAY })] });
    expect(workerChoices({ workers, course: withdrawn }).map((w) => w.id)).toContain(
      'worker:hub:01JZ0000000000000000000W01',
    );
  });
});

test('every problem the forms find reads in both languages', () => {
  for (const key of TRAINING_ERRORS) {
    expect(zhCN.training.errors[key], key).toBeTruthy();
    expect(en.training.errors[key], key).toBeTruthy();
  }
});
