import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildRegisterWorkerPayload,
  checkWorkerEligibility,
  createId,
  formatRecordId,
  toWorker,
  type CourseState,
  type WorkerState,
} from '@jiazheng/sync/domain';
import type { DeviceKey } from '@jiazheng/sync/node';
import { exportPublicKey, generateDeviceKeys } from '@jiazheng/sync/records';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HubAccountService } from '../../services/hub-account-service';
import { TrainingService } from '../../services/training-service';
import { JsonFileAccountStore } from '../files/json-file-account-store';
import { HubRecordSet } from '../sync/hub-record-set';
import { HubSync } from '../sync/hub-sync';
import { createHubHttpApp } from './http-app';

/*
 * The training endpoints against the real hub: a course scheduled, workers enrolled, attendance and exam
 * scores recorded as time passes, the course completed; then the trainings are on the workers' records,
 * signed by the hub, and the training gate (checkWorkerEligibility) lets through exactly the worker who
 * attended and passed.
 */

const quiet = { info: () => {}, error: () => {} };
const adminToken = 'test-admin-token-0123456789';
const password = 'training-pass-123';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The hub's clock: real time, moved ahead as the course's sessions pass. */
const clock = { offset: 0 };
const now = () => Date.now() + clock.offset;

let dir: string;
let hub: HubSync;
let app: Hono;
let training: TrainingService;
let enterpriseId: string;
const workerIds: string[] = [];
const tokens = new Map<string, string>();

async function makeKey(deviceId: string): Promise<DeviceKey> {
  const keys = await generateDeviceKeys({ extractable: false });
  return { deviceId, publicKey: await exportPublicKey({ key: keys.publicKey }), privateKey: keys.privateKey };
}

async function readWorker(recordId: string): Promise<WorkerState | null> {
  return ((await hub.report({ recordId }))?.accepted as WorkerState | null | undefined) ?? null;
}

async function call(options: {
  method: 'GET' | 'POST';
  path: string;
  as: string;
  body?: unknown;
}): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { authorization: `Bearer ${tokens.get(options.as) ?? ''}` };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await app.request(
    options.path,
    {
      method: options.method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    },
    { incoming: { socket: { remoteAddress: '203.0.113.9' } } },
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const act = (recordId: string, type: string, payload: unknown, as = 'officer') =>
  call({
    method: 'POST',
    path: `/api/training/courses/${encodeURIComponent(recordId)}/commands`,
    as,
    body: { type, payload },
  });

const errorOf = (body: Record<string, unknown>) =>
  body.error as { code: string; field: string; message: string };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jz-training-'));
  const store = await MemoryRecordStore.open();
  hub = new HubSync({ store, device: await makeKey('hub-1'), logger: quiet, now });
  await hub.start();
  enterpriseId = formatRecordId({ kind: 'enterprise', scope: 'hub', id: createId() });
  await hub.propose({
    recordId: enterpriseId,
    commands: [
      {
        type: 'apply',
        payload: {
          enterpriseId,
          kind: 'enterprise',
          name: '西湖家政',
          licenceNumber: '91330106MA27XL0R2J',
          contactName: '王经理',
          contactPhone: '+8657188886666',
          documents: [],
          items: ['FAM-CLEANING'],
          counties: ['330106'],
        },
      },
    ],
  });
  // Two new workers, registered by the hub (as the registry's import does), neither trained yet.
  for (const name of ['周阿姨', '吴阿姨']) {
    const workerId = formatRecordId({ kind: 'worker', scope: 'hub', id: createId() });
    const payload = buildRegisterWorkerPayload({
      workerId,
      enterpriseId,
      name,
      idNumber: '11010519491231002X',
      phone: null,
    });
    if (!payload.ok) throw payload.error;
    await hub.propose({ recordId: workerId, commands: [{ type: 'registerWorker', payload: payload.value }] });
    workerIds.push(workerId);
  }
  const accounts = new HubAccountService({
    store: await JsonFileAccountStore.open({ path: join(dir, 'accounts.json') }),
    logger: quiet,
    bootstrapAdminPassword: password,
  });
  await accounts.start();
  training = new TrainingService({
    courses: new HubRecordSet<CourseState>({ store, hub, prefix: 'course:' }),
    workers: { readWorker: (o) => readWorker(o.recordId), proposeAsSystem: (o) => hub.propose(o) },
    logger: quiet,
    now,
  });
  app = createHubHttpApp({ hub, adminToken, logger: quiet, accounts, training });
  const login = async (username: string) => {
    const session = await accounts.login({ username, password, address: '127.0.0.1' });
    tokens.set(username, session.token);
  };
  await login('admin');
  for (const [username, role, scope] of [
    ['officer', 'registry_officer', { level: 'country' }],
    ['analyst', 'central_office', { level: 'country' }],
    ['zj-officer', 'registry_officer', { level: 'province', code: '330000' }],
    ['taker', 'call_taker', { level: 'county', code: '330106' }],
  ] as const) {
    const made = await call({
      method: 'POST',
      path: '/api/users',
      as: 'admin',
      body: { username, password, displayName: username, role, scope },
    });
    if (made.status !== 201) throw new Error(JSON.stringify(made.body));
    await login(username);
  }
}, 120_000);

afterAll(async () => {
  await hub.stop();
  await rm(dir, { recursive: true, force: true });
});

function prePostCourse() {
  const start = now() + DAY;
  return {
    kind: 'pre_post',
    code: 'GQPX-2026-12',
    name: '家政服务员岗前培训（12 月班）',
    hours: 16,
    passMark: 60,
    certificateValidMonths: 24,
    venue: '西湖区家政服务中心 3 楼培训室',
    trainer: '王老师',
    capacity: 30,
    sessions: [
      { startsAt: start, endsAt: start + 8 * HOUR },
      { startsAt: start + DAY, endsAt: start + DAY + 8 * HOUR },
    ],
  };
}

describe('scheduling', () => {
  test('bad requests are refused naming the field, before anything is signed', async () => {
    const noSessions = await call({
      method: 'POST',
      path: '/api/training/courses',
      as: 'officer',
      body: { ...prePostCourse(), sessions: [] },
    });
    expect(noSessions.status).toBe(400);
    expect(errorOf(noSessions.body).field).toBe('sessions');
    const noPassMark = await call({
      method: 'POST',
      path: '/api/training/courses',
      as: 'officer',
      body: { ...prePostCourse(), passMark: null },
    });
    expect(noPassMark.status).toBe(400);
    expect(errorOf(noPassMark.body).field).toBe('payload.passMark');
    const extra = await call({
      method: 'POST',
      path: '/api/training/courses',
      as: 'officer',
      body: { ...prePostCourse(), price: 100 },
    });
    expect(extra.status).toBe(400);
    const badKind = await call({ method: 'GET', path: '/api/training/courses?kind=yoga', as: 'officer' });
    expect(badKind.status).toBe(400);
    expect(errorOf(badKind.body).field).toBe('kind');
    expect((await training.list({ by: principal('officer'), query: {} })).length).toBe(0);
  });

  test('only the whole country’s registry officers and administrators act; the analyst reads', async () => {
    for (const as of ['analyst', 'zj-officer', 'taker']) {
      const answer = await call({ method: 'POST', path: '/api/training/courses', as, body: prePostCourse() });
      expect(answer.status, as).toBe(403);
    }
    expect((await call({ method: 'GET', path: '/api/training/courses', as: 'analyst' })).status).toBe(200);
    expect((await call({ method: 'GET', path: '/api/training/courses', as: 'taker' })).status).toBe(403);
  });
});

// A stand-in principal for the service's own read in the test above: the routes' callers are real sessions.
function principal(username: string) {
  return {
    username,
    displayName: username,
    role: 'registry_officer',
    scope: { level: 'country' },
  } as Parameters<TrainingService['list']>[0]['by'];
}

test('a pre-post course from schedule to the training gate', async () => {
  const [passing, absent] = workerIds as [string, string];
  const scheduled = await call({
    method: 'POST',
    path: '/api/training/courses',
    as: 'officer',
    body: prePostCourse(),
  });
  expect(scheduled.status).toBe(201);
  const course = scheduled.body.course as {
    recordId: string;
    grants: string;
    sessions: { startsAt: number }[];
  };
  expect(course.grants).toBe('pre_post_training');
  const { recordId } = course;

  for (const workerId of [passing, absent]) {
    expect((await act(recordId, 'enrol', { participant: { kind: 'worker', workerId } })).status).toBe(200);
  }
  const unknown = await act(recordId, 'enrol', {
    participant: {
      kind: 'worker',
      workerId: formatRecordId({ kind: 'worker', scope: 'hub', id: createId() }),
    },
  });
  expect(unknown.status).toBe(404);
  expect(errorOf(unknown.body).field).toBe('payload.participant.workerId');
  const twice = await act(recordId, 'enrol', { participant: { kind: 'worker', workerId: passing } });
  expect(twice.status).toBe(409);
  const manager = await act(recordId, 'enrol', {
    participant: { kind: 'staff', name: '王经理', organisation: '西湖家政', enterpriseId },
  });
  expect(manager.status).toBe(200);
  const enrolled = manager.body.course as {
    enrolled: number;
    participants: { participantId: string; name: string }[];
  };
  expect(enrolled.enrolled).toBe(3);
  expect(enrolled.participants.map((p) => p.name)).toEqual(['周阿姨', '吴阿姨', '王经理']);

  const early = await act(recordId, 'recordAttendance', {
    session: 0,
    marks: [{ participantId: passing, present: true }],
  });
  expect(early.status).toBe(409);
  expect(errorOf(early.body).field).toBe('payload.session');

  // The first day: both attend, one register. The second: only the first worker comes, and sits the exam.
  clock.offset = DAY + HOUR;
  const firstDay = await act(recordId, 'recordAttendance', {
    session: 0,
    marks: [passing, absent].map((participantId) => ({ participantId, present: true })),
  });
  expect(firstDay.status).toBe(200);
  clock.offset = 2 * DAY + HOUR;
  const secondDay = await act(recordId, 'recordAttendance', {
    session: 1,
    marks: [
      { participantId: passing, present: true },
      { participantId: absent, present: false },
    ],
  });
  expect(secondDay.status).toBe(200);
  const bad = await act(recordId, 'recordAttendance', {
    session: 1,
    marks: [{ participantId: 'staff:9', present: true }],
  });
  expect([bad.status, errorOf(bad.body).field]).toEqual([404, 'payload.marks.0.participantId']);
  expect((await act(recordId, 'recordScore', { participantId: passing, examScore: 86 })).status).toBe(200);
  const tooEarly = await act(recordId, 'complete', {});
  expect(tooEarly.status).toBe(409);
  expect(errorOf(tooEarly.body).message).toMatch(/last session has ended/);

  clock.offset = 2 * DAY + 9 * HOUR;
  const completed = await act(recordId, 'complete', {});
  expect(completed.status).toBe(200);
  expect((completed.body.course as { status: string }).status).toBe('completed');

  const detail = await call({ method: 'GET', path: `/api/training/courses/${recordId}`, as: 'analyst' });
  expect(detail.status).toBe(200);
  expect(detail.body.issuance).toEqual([
    { participantId: passing, result: 'passed', trainingRecorded: true },
    { participantId: absent, result: 'absent', trainingRecorded: false },
    { participantId: 'staff:1', result: 'absent', trainingRecorded: false },
  ]);
  const history = detail.body.history as { type: string; userId: string; decision: string }[];
  expect(history[0]).toMatchObject({ type: 'schedule', userId: 'hub:officer', decision: 'accepted' });
  expect(history.at(-1)).toMatchObject({ type: 'complete', decision: 'accepted' });

  // The gate: the worker who attended and passed may now be dispatched; the one who missed a day may not.
  const at = now();
  const trained = await readWorker(passing);
  expect(trained?.trainings).toEqual([
    expect.objectContaining({
      courseCode: 'GQPX-2026-12',
      grants: 'pre_post_training',
      examScore: 86,
      hours: 16,
    }),
  ]);
  expect(checkWorkerEligibility({ worker: toWorker({ state: trained! }), required: [], at }).eligible).toBe(
    true,
  );
  const untrained = await readWorker(absent);
  expect(untrained?.trainings).toEqual([]);
  expect(checkWorkerEligibility({ worker: toWorker({ state: untrained! }), required: [], at }).eligible).toBe(
    false,
  );
  const report = await hub.report({ recordId: passing });
  expect(report?.proposals.at(-1)).toMatchObject({
    type: 'recordTraining',
    role: 'system',
    decision: 'accepted',
  });

  // Issuing again (as a restarted hub does) records nothing twice.
  expect(await training.issueCompletedCourses()).toBe(0);
  expect((await readWorker(passing))?.trainings).toHaveLength(1);
  const after = await act(recordId, 'recordScore', { participantId: absent, examScore: 99 });
  expect(after.status).toBe(409);
}, 60_000);
