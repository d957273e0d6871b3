import { describe, expect, test } from 'vitest';
import { ApplyMode } from '../lifecycle';
import { Role } from '../roles';
import { command, day, makeWorker, t0 } from '../test-support';
import { checkWorkerEligibility } from '../worker/worker';
import {
  addMonthsInChina,
  applyCourseCommand,
  courseResultOf,
  courseTrainingRecords,
  courseTransitionList,
  hasCourseTraining,
  replayCourseLog,
  type CourseContext,
  type CourseState,
} from './course';

const courseId = 'course:hub:01JBQ5M8X0000000000000000K';
const enterpriseId = 'enterprise:hub:01JBQ5M8X0000000000000000E';
const workerA = 'worker:hub:01JBQ5M8X0000000000000000A';
const workerB = 'worker:hub:01JBQ5M8X0000000000000000B';
const workerGone = 'worker:hub:01JBQ5M8X0000000000000000G';
const hour = 3_600_000;
const workers = new Map([
  [workerA, makeWorker({ id: workerA, enterpriseId, trained: false })],
  [workerB, makeWorker({ id: workerB, enterpriseId, trained: false })],
  [workerGone, makeWorker({ id: workerGone, enterpriseId, status: 'left' })],
]);
const centre: CourseContext = {
  mode: ApplyMode.home,
  actorCountyCode: null,
  findWorker: (id) => workers.get(id),
};

const sessions = [
  { startsAt: t0 + day, endsAt: t0 + day + 4 * hour },
  { startsAt: t0 + 2 * day, endsAt: t0 + 2 * day + 4 * hour },
  { startsAt: t0 + 3 * day, endsAt: t0 + 3 * day + 4 * hour },
  { startsAt: t0 + 4 * day, endsAt: t0 + 4 * day + 4 * hour },
  { startsAt: t0 + 5 * day, endsAt: t0 + 5 * day + 4 * hour },
];
const prePost = {
  courseId,
  kind: 'pre_post',
  code: 'GQPX-2026-11',
  name: '家政服务员岗前培训',
  grants: 'pre_post_training',
  hours: 20,
  passMark: 60,
  certificateValidMonths: 24,
  venue: '西湖区家政服务中心 3 楼培训室',
  trainer: '王老师',
  capacity: 2,
  sessions,
};
const after = sessions[4]!.endsAt + hour;

type Step = { type: string; payload: unknown; role?: Role; at?: number };
let n = 0;
function step(state: CourseState | null, s: Step, context: CourseContext = centre) {
  return applyCourseCommand({
    state,
    command: command({
      type: s.type,
      payload: s.payload,
      role: s.role ?? Role.registryOfficer,
      userId: 'hub:officer',
      at: s.at ?? t0 + n++,
    }),
    context,
  });
}
function must(state: CourseState | null, s: Step, context?: CourseContext): CourseState {
  const r = step(state, s, context);
  if (!r.ok) throw r.error;
  return r.value;
}
function refused(state: CourseState | null, s: Step, context?: CourseContext) {
  const r = step(state, s, context);
  if (r.ok) throw new Error(`expected ${s.type} to be refused`);
  return r.error;
}
const enrolWorker = (workerId: string) => ({
  type: 'enrol',
  payload: { participant: { kind: 'worker', workerId, name: '李阿姨', enterpriseId } },
});

function scheduledWithTwo(): CourseState {
  let s = must(null, { type: 'schedule', payload: prePost });
  s = must(s, enrolWorker(workerA));
  return must(s, enrolWorker(workerB));
}

function attendAll(state: CourseState, participantId: string, upTo = sessions.length): CourseState {
  let s = state;
  for (let i = 0; i < upTo; i++) {
    s = must(s, {
      type: 'recordAttendance',
      payload: { session: i, marks: [{ participantId, present: true }] },
      at: sessions[i]!.startsAt + hour,
    });
  }
  return s;
}

describe('scheduling', () => {
  test('pre-post training must grant pre_post_training and have an exam', () => {
    expect(refused(null, { type: 'schedule', payload: { ...prePost, grants: null } }).field).toBe(
      'payload.grants',
    );
    expect(refused(null, { type: 'schedule', payload: { ...prePost, passMark: null } }).field).toBe(
      'payload.passMark',
    );
  });

  test('a lecture has no exam and grants nothing; a skills course may not grant pre-post training', () => {
    const lecture = { ...prePost, kind: 'lecture', grants: null, passMark: null };
    expect(must(null, { type: 'schedule', payload: lecture }).status).toBe('scheduled');
    expect(refused(null, { type: 'schedule', payload: { ...lecture, passMark: 60 } }).field).toBe(
      'payload.passMark',
    );
    expect(refused(null, { type: 'schedule', payload: { ...prePost, kind: 'skill' } }).message).toMatch(
      /only a pre_post course/,
    );
  });

  test('sessions must be in order and not overlap; a bad code is named', () => {
    const overlapping = [sessions[1]!, sessions[0]!];
    expect(refused(null, { type: 'schedule', payload: { ...prePost, sessions: overlapping } }).field).toBe(
      'payload.sessions.1.startsAt',
    );
    expect(refused(null, { type: 'schedule', payload: { ...prePost, code: '岗前' } }).field).toBe(
      'command.payload.code',
    );
    expect(refused(null, { type: 'schedule', payload: { ...prePost, sessions: [] } }).field).toBe(
      'command.payload.sessions',
    );
  });

  test("only the centre's registry staff run courses", () => {
    expect(refused(null, { type: 'schedule', payload: prePost, role: Role.supervisor }).code).toBe(
      'forbidden',
    );
    const countyOfficer: CourseContext = { ...centre, actorCountyCode: '330106' };
    expect(refused(null, { type: 'schedule', payload: prePost }, countyOfficer).code).toBe('forbidden');
  });
});

describe('enrolment', () => {
  test('a worker is checked against the registry at the home, and enrolled once', () => {
    const s = must(null, { type: 'schedule', payload: prePost });
    expect(refused(s, enrolWorker(workerGone)).message).toMatch(/has left/);
    expect(refused(s, enrolWorker('worker:hub:01JBQ5M8X0000000000000000Z')).code).toBe('not_found');
    const wrongEnterprise = {
      type: 'enrol',
      payload: {
        participant: {
          kind: 'worker',
          workerId: workerA,
          name: '李阿姨',
          enterpriseId: 'enterprise:hub:01JBQ5M8X0000000000000000X',
        },
      },
    };
    expect(refused(s, wrongEnterprise).field).toBe('payload.participant.enterpriseId');
    const one = must(s, enrolWorker(workerA));
    expect(one.participants[0]).toMatchObject({
      participantId: workerA,
      kind: 'worker',
      attendance: [null, null, null, null, null],
      examScore: null,
    });
    expect(refused(one, enrolWorker(workerA)).code).toBe('conflict');
  });

  test('capacity counts those not withdrawn; a withdrawn worker may come back', () => {
    let s = scheduledWithTwo();
    expect(
      refused(s, {
        type: 'enrol',
        payload: {
          participant: { kind: 'staff', name: '赵经理', organisation: '好帮手', enterpriseId: null },
        },
      }).message,
    ).toMatch(/full \(2 places\)/);
    s = must(s, { type: 'withdraw', payload: { participantId: workerB, reason: '生病' } });
    s = must(s, {
      type: 'enrol',
      payload: { participant: { kind: 'staff', name: '赵经理', organisation: '好帮手', enterpriseId: null } },
    });
    expect(s.participants.map((p) => p.participantId)).toEqual([workerA, workerB, 'staff:1']);
    s = must(s, { type: 'withdraw', payload: { participantId: 'staff:1', reason: '出差' } });
    s = must(s, enrolWorker(workerB));
    expect(s.participants.find((p) => p.participantId === workerB)?.withdrawnAt).toBeNull();
    expect(s.participants.filter((p) => p.participantId === workerB)).toHaveLength(1);
  });
});

describe('attendance, scores and completion', () => {
  test('attendance is recorded only once its session has started, for an enrolled participant', () => {
    const s = scheduledWithTwo();
    const mark = (participantId: string, present = true) => ({ participantId, present });
    const early = { type: 'recordAttendance', payload: { session: 0, marks: [mark(workerA)] } };
    expect(refused(s, { ...early, at: sessions[0]!.startsAt - 1 }).message).toMatch(/not started yet/);
    expect(refused(s, { ...early, payload: { ...early.payload, session: 5 }, at: after }).field).toBe(
      'payload.session',
    );
    const marked = must(s, { ...early, at: sessions[0]!.startsAt });
    expect(marked.participants[0]?.attendance).toEqual([true, null, null, null, null]);
  });

  test("a session's register marks the whole class in one act, or refuses it whole", () => {
    const s = scheduledWithTwo();
    const at = sessions[1]!.startsAt;
    const register = (marks: unknown[]) => ({ type: 'recordAttendance', payload: { session: 1, marks }, at });
    const both = must(
      s,
      register([
        { participantId: workerA, present: true },
        { participantId: workerB, present: false },
      ]),
    );
    expect(both.participants.map((p) => p.attendance[1])).toEqual([true, false]);
    // A later correction of one participant leaves the others as they were.
    const corrected = must(both, register([{ participantId: workerB, present: true }]));
    expect(corrected.participants.map((p) => p.attendance[1])).toEqual([true, true]);
    // One unknown participant refuses the register, naming its mark; nothing of it is applied.
    const unknown = refused(
      s,
      register([
        { participantId: workerA, present: true },
        { participantId: 'staff:9', present: true },
      ]),
    );
    expect([unknown.code, unknown.field]).toEqual(['not_found', 'payload.marks.1.participantId']);
    const withdrawn = must(s, { type: 'withdraw', payload: { participantId: workerB, reason: '生病' } });
    expect(refused(withdrawn, register([{ participantId: workerB, present: true }])).code).toBe('conflict');
    expect(refused(s, register([])).field).toBe('command.payload.marks');
    expect(
      refused(
        s,
        register([
          { participantId: workerA, present: true },
          { participantId: workerA, present: false },
        ]),
      ).field,
    ).toBe('command.payload.marks');
  });

  test('the score waits for the last session; completion waits for its end', () => {
    const s = scheduledWithTwo();
    const score = { type: 'recordScore', payload: { participantId: workerA, examScore: 75 } };
    expect(refused(s, { ...score, at: sessions[3]!.endsAt }).field).toBe('payload.examScore');
    expect(must(s, { ...score, at: sessions[4]!.startsAt }).participants[0]?.examScore).toBe(75);
    expect(refused(s, { type: 'complete', payload: {}, at: sessions[4]!.endsAt - 1 }).message).toMatch(
      /last session has ended/,
    );
    const done = must(s, { type: 'complete', payload: {}, at: after });
    expect(done).toMatchObject({ status: 'completed', completedAt: after, completedBy: 'hub:officer' });
    expect(refused(done, { ...score, at: after + 1 }).code).toBe('invalid_transition');
    expect(refused(done, { type: 'cancel', payload: { reason: 'x' }, at: after + 1 }).code).toBe(
      'invalid_transition',
    );
  });

  test('a lecture has no score to record', () => {
    const lecture = must(null, {
      type: 'schedule',
      payload: { ...prePost, kind: 'lecture', grants: null, passMark: null },
    });
    const s = must(lecture, enrolWorker(workerA));
    expect(
      refused(s, { type: 'recordScore', payload: { participantId: workerA, examScore: 90 }, at: after })
        .message,
    ).toMatch(/no exam/);
  });
});

describe('what a completed course gives the training gate', () => {
  function completedCourse(): CourseState {
    let s = scheduledWithTwo();
    s = attendAll(s, workerA);
    s = attendAll(s, workerB, 3); // 3 of 5 sessions: under 80 %
    const at = sessions[4]!.startsAt + 2 * hour;
    s = must(s, { type: 'recordScore', payload: { participantId: workerA, examScore: 82 }, at });
    s = must(s, { type: 'recordScore', payload: { participantId: workerB, examScore: 95 }, at });
    return must(s, { type: 'complete', payload: {}, at: after });
  }

  test('attended enough and passed gives a record that makes the worker dispatchable; absent gives none', () => {
    const course = completedCourse();
    expect(course.participants.map((participant) => courseResultOf({ course, participant }))).toEqual([
      'passed',
      'absent',
    ]);
    const records = courseTrainingRecords({ course });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      workerId: workerA,
      result: 'passed',
      training: {
        courseCode: 'GQPX-2026-11',
        grants: 'pre_post_training',
        hours: 20,
        examScore: 82,
        passMark: 60,
        completedAt: after,
        validUntil: addMonthsInChina({ at: after, months: 24 }),
      },
    });
    const before = workers.get(workerA)!;
    expect(checkWorkerEligibility({ worker: before, required: [], at: after }).eligible).toBe(false);
    const trained = { ...before, trainings: [records[0]!.training] };
    expect(checkWorkerEligibility({ worker: trained, required: [], at: after + 1 }).eligible).toBe(true);
    expect(hasCourseTraining({ trainings: trained.trainings, training: records[0]!.training })).toBe(true);
    expect(hasCourseTraining({ trainings: before.trainings, training: records[0]!.training })).toBe(false);
  });

  test('a failed exam is on record but does not pass the gate; hours follow attendance', () => {
    let s = scheduledWithTwo();
    s = attendAll(s, workerA, 4);
    s = must(s, {
      type: 'recordScore',
      payload: { participantId: workerA, examScore: 59.5 },
      at: sessions[4]!.startsAt,
    });
    const course = must(s, { type: 'complete', payload: {}, at: after });
    const [record] = courseTrainingRecords({ course });
    expect(record).toMatchObject({ result: 'failed', training: { hours: 16, examScore: 59.5 } });
    const worker = { ...workers.get(workerA)!, trainings: [record!.training] };
    expect(checkWorkerEligibility({ worker, required: [], at: after + 1 }).reasons).toContainEqual({
      code: 'no_pre_post_training',
    });
  });

  test('a course not completed gives nothing', () => {
    expect(courseTrainingRecords({ course: attendAll(scheduledWithTwo(), workerA) })).toEqual([]);
  });
});

test('validity runs to the same calendar day in China time, clamped to the month end', () => {
  // 2026-01-31 10:00 in Beijing.
  const jan31 = Date.UTC(2026, 0, 31, 2, 0, 0);
  expect(new Date(addMonthsInChina({ at: jan31, months: 1 }) + 8 * hour).toISOString()).toBe(
    '2026-02-28T10:00:00.000Z',
  );
  // 2026-03-31 23:30 in Beijing is still 31 March there, though 15:30 UTC.
  const lateMarch = Date.UTC(2026, 2, 31, 15, 30, 0);
  expect(new Date(addMonthsInChina({ at: lateMarch, months: 24 }) + 8 * hour).toISOString()).toBe(
    '2028-03-31T23:30:00.000Z',
  );
});

test('replaying the accepted log gives the home’s state', () => {
  const log: unknown[] = [];
  let state: CourseState | null = null;
  const steps: Step[] = [
    { type: 'schedule', payload: prePost, at: t0 },
    { ...enrolWorker(workerA), at: t0 + 1 },
    {
      type: 'recordAttendance',
      payload: { session: 0, marks: [{ participantId: workerA, present: false }] },
      at: sessions[0]!.startsAt,
    },
    { type: 'cancel', payload: { reason: '讲师生病' }, at: sessions[0]!.endsAt },
  ];
  for (const s of steps) {
    const cmd = command({
      type: s.type,
      payload: s.payload,
      role: Role.registryOfficer,
      userId: 'hub:officer',
      at: s.at!,
    });
    const r = applyCourseCommand({ state, command: cmd, context: centre });
    if (!r.ok) throw r.error;
    state = r.value;
    log.push(cmd);
  }
  expect(replayCourseLog({ log })).toEqual(state);
  expect(state?.status).toBe('cancelled');
});

test('the transition table is described for the docs', () => {
  expect(courseTransitionList.map((t) => t.type)).toEqual([
    'schedule',
    'enrol',
    'withdraw',
    'recordAttendance',
    'recordScore',
    'complete',
    'cancel',
  ]);
});
