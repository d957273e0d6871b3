import { expect, test } from 'vitest';
import {
  applyDirectoryCommand,
  applyOrderCommand,
  applyWorkerCommand,
  createId,
  type DirectoryState,
  type OrderState,
  type Role,
  type WorkerState,
} from '../domain';
import { command, day, makeEnterprise, t0 } from '../domain/test-support';
import { projectDirectory, projectOrder, projectRecord, type OrderRow } from './project-record';

const orderId = `order:330106:${createId({ now: t0 })}`;
const hour = 3_600_000;
const complaintA = createId({ now: t0 });
const complaintB = createId({ now: t0 });

/** Steps an order through accepted commands, as replaying its log does (the home checked them). */
function orderAfter(steps: [type: string, payload: unknown, role: Role, at: number][]): OrderState {
  let state: OrderState | null = null;
  for (const [type, payload, role, at] of steps) {
    const result = applyOrderCommand({
      state,
      command: command({ type, payload, role, at }),
      context: { mode: 'replay' },
    });
    if (!result.ok) throw result.error;
    state = result.value;
  }
  if (!state) throw new Error('no steps');
  return state;
}

const receive = (options: { itemCode: string; citizenPhone: string | null; channel?: string }) =>
  [
    'receive',
    {
      orderId,
      channel: options.channel ?? 'call',
      citizenPhone: options.citizenPhone,
      citizenName: '张女士',
      itemCode: options.itemCode,
      urgency: 'urgent',
      address: '西湖区文三路 100 号',
      wantedAt: null,
      durationMinutes: null,
      notes: '',
    },
    'call_taker',
    t0,
  ] as [string, unknown, Role, number];

const untilServed: [string, unknown, Role, number][] = [
  receive({ itemCode: 'FAM-NEW-HOME-CLEAN', citizenPhone: '+8613812345678' }),
  ['awaitDispatch', {}, 'call_taker', t0 + 1 * hour],
  ['dispatch', { enterpriseId: 'e-good' }, 'call_taker', t0 + 2 * hour],
  ['accept', { enterpriseId: 'e-good', workerId: 'w-1' }, 'enterprise', t0 + 3 * hour],
  ['startService', {}, 'enterprise', t0 + 4 * hour],
  ['markServed', { feeFen: 12_000 }, 'enterprise', t0 + 6 * hour],
];

test('a served order closed by a satisfied return visit, then complained about twice, one complaint resolved', () => {
  const state = orderAfter([
    ...untilServed,
    ['recordReturnVisit', { reached: false, comment: '无人接听' }, 'call_taker', t0 + day],
    ['recordReturnVisit', { reached: true, satisfaction: 4, comment: '满意' }, 'call_taker', t0 + 2 * day],
    [
      'openComplaint',
      { complaintId: complaintA, kind: 'price', description: '多收费' },
      'call_taker',
      t0 + 3 * day,
    ],
    [
      'openComplaint',
      { complaintId: complaintB, kind: 'quality', description: '划伤地板' },
      'call_taker',
      t0 + 4 * day,
    ],
    [
      'resolveComplaint',
      { complaintId: complaintA, outcome: { kind: 'refund', amountFen: 2_000 }, reason: '退差价' },
      'quality_inspector',
      t0 + 5 * day,
    ],
  ]);
  const expected: OrderRow = {
    recordId: orderId,
    countyCode: '330106',
    status: 'closed',
    channel: 'call',
    itemCode: 'FAM-NEW-HOME-CLEAN',
    categoryCode: 'FAM',
    urgency: 'urgent',
    citizenPhone: '+8613812345678',
    citizenName: '张女士',
    enterpriseId: 'e-good',
    workerId: 'w-1',
    receivedAt: t0,
    dispatchedAt: t0 + 2 * hour,
    servedAt: t0 + 6 * hour,
    closedAt: t0 + 2 * day,
    feeFen: 12_000,
    resolution: 'served',
    reopenCount: 0,
    openComplaints: 1,
    lastSatisfaction: 4,
    updatedAt: t0 + 5 * day,
    firstDispatchedAt: t0 + 2 * hour,
    returnVisitCount: 2,
    complaintCount: 2,
  };
  expect(projectRecord({ recordId: orderId, state })).toEqual({
    recordId: orderId,
    kind: 'order',
    replaces: ['orders'],
    rows: {
      orders: [expected],
      enterprises: [],
      workers: [],
      directoryUsers: [],
      directoryDevices: [],
      closings: [],
    },
  });
});

test('a reopened order loses its dispatch until redispatched and keeps the low score and the count', () => {
  const reopened = orderAfter([
    ...untilServed,
    ['recordReturnVisit', { reached: true, satisfaction: 2, comment: '没打扫干净' }, 'call_taker', t0 + day],
  ]);
  expect(projectOrder({ recordId: orderId, state: reopened })).toMatchObject({
    status: 'awaiting_dispatch',
    enterpriseId: null,
    workerId: null,
    dispatchedAt: null,
    servedAt: null,
    feeFen: null,
    closedAt: null,
    resolution: null,
    reopenCount: 1,
    lastSatisfaction: 2,
    updatedAt: t0 + day,
  });
  const redispatched = orderAfter([
    ...untilServed,
    ['recordReturnVisit', { reached: true, satisfaction: 2, comment: '没打扫干净' }, 'call_taker', t0 + day],
    ['dispatch', { enterpriseId: 'e-other' }, 'supervisor', t0 + day + hour],
    // A complaint about the first, failed service: it counts against the order while the new one runs.
    [
      'openComplaint',
      { complaintId: complaintA, kind: 'quality', description: '第一次没做好' },
      'call_taker',
      t0 + 2 * day,
    ],
  ]);
  expect(projectOrder({ recordId: orderId, state: redispatched })).toMatchObject({
    status: 'dispatched',
    enterpriseId: 'e-other',
    workerId: null,
    dispatchedAt: t0 + day + hour,
    reopenCount: 1,
    openComplaints: 1,
    lastSatisfaction: 2,
    // Time to dispatch runs to the first dispatch, not to the one after the reopening.
    firstDispatchedAt: t0 + 2 * hour,
    returnVisitCount: 1,
    complaintCount: 1,
  });
});

test('an information answer closes the order without enterprise, fee or visit; anonymous demands have no phone', () => {
  const state = orderAfter([
    receive({ itemCode: 'MED-KNOWLEDGE', citizenPhone: null, channel: 'sms' }),
    ['answerInformation', { answer: '高血压患者宜低盐饮食' }, 'call_taker', t0 + 10 * 60_000],
  ]);
  expect(projectOrder({ recordId: orderId, state })).toEqual({
    recordId: orderId,
    countyCode: '330106',
    status: 'closed',
    channel: 'sms',
    itemCode: 'MED-KNOWLEDGE',
    categoryCode: 'MED',
    urgency: 'urgent',
    citizenPhone: null,
    citizenName: '张女士',
    enterpriseId: null,
    workerId: null,
    receivedAt: t0,
    dispatchedAt: null,
    servedAt: null,
    closedAt: t0 + 10 * 60_000,
    feeFen: null,
    resolution: 'information',
    reopenCount: 0,
    openComplaints: 0,
    lastSatisfaction: null,
    updatedAt: t0 + 10 * 60_000,
    firstDispatchedAt: null,
    returnVisitCount: 0,
    complaintCount: 0,
  });
});

test('a cancelled order keeps the dispatch it had, so the enterprise still sees it', () => {
  const state = orderAfter([
    ...untilServed.slice(0, 3),
    ['cancel', { reason: '市民另找' }, 'call_taker', t0 + 5 * hour],
  ]);
  expect(projectOrder({ recordId: orderId, state })).toMatchObject({
    status: 'cancelled',
    resolution: 'cancelled',
    enterpriseId: 'e-good',
    closedAt: t0 + 5 * hour,
  });
});

test('a record with nothing accepted yet projects to a deletion of its rows', () => {
  expect(projectRecord({ recordId: orderId, state: null })).toEqual({
    recordId: orderId,
    kind: 'order',
    replaces: ['orders'],
    rows: {
      orders: [],
      enterprises: [],
      workers: [],
      directoryUsers: [],
      directoryDevices: [],
      closings: [],
    },
  });
});

test('an enterprise row carries its registry facts; the rows do not alias the state', () => {
  const recordId = `enterprise:hub:${createId({ now: t0 })}`;
  const state = makeEnterprise({
    id: 'e-good',
    items: ['FAM-NANNY', 'ELD-VISIT'],
    counties: ['330106', '330105'],
    status: 'suspended',
  });
  const projection = projectRecord({ recordId, state });
  expect(projection.replaces).toEqual(['enterprises']);
  expect(projection.rows.enterprises).toEqual([
    {
      recordId,
      enterpriseId: 'e-good',
      name: '企业 e-good',
      kind: 'enterprise',
      status: 'suspended',
      licenceNumber: '91330106MA27XL0R2J',
      items: ['FAM-NANNY', 'ELD-VISIT'],
      counties: ['330106', '330105'],
      agreementValidTo: t0 + 365 * day,
      suspendedUntil: null,
      updatedAt: t0,
    },
  ]);
  expect(projection.rows.enterprises[0]?.items).not.toBe(state.items);
  expect(
    projectRecord({ recordId, state: makeEnterprise({ id: 'e-new', status: 'applied' }) }).rows
      .enterprises[0],
  ).toMatchObject({
    status: 'applied',
    agreementValidTo: null,
  });
});

test('a directory projects to its users and devices, sorted by id, revocations and disabled users included', () => {
  const recordId = `directory:hub:${createId({ now: t0 })}`;
  const publicKey = 'B'.repeat(87);
  let state: DirectoryState | null = null;
  const steps: [string, unknown, number][] = [
    ['createDirectory', { directoryId: recordId }, t0],
    ['registerUser', { userId: 'ct-wang', name: '王坐席', role: 'call_taker', countyCode: '330106' }, t0 + 1],
    ['registerUser', { userId: 'admin', name: '管理员', role: 'administrator', countyCode: null }, t0 + 2],
    ['enrolDevice', { deviceId: 'pwa-seat-2', kind: 'pwa', publicKey, userId: 'ct-wang' }, t0 + 3],
    ['enrolDevice', { deviceId: 'pwa-seat-1', kind: 'pwa', publicKey, userId: 'ct-wang' }, t0 + 4],
    ['revokeDevice', { deviceId: 'pwa-seat-2', reason: '丢失' }, t0 + 5],
    ['disableUser', { userId: 'ct-wang', reason: '离职' }, t0 + 6],
  ];
  for (const [type, payload, at] of steps) {
    const result = applyDirectoryCommand({
      state,
      command: command({ type, payload, role: 'administrator', at, userId: 'admin' }),
      context: { mode: 'replay' },
    });
    if (!result.ok) throw result.error;
    state = result.value;
  }
  if (!state) throw new Error('no directory');
  const { users, devices } = projectDirectory({ recordId, state });
  expect(users).toEqual([
    { recordId, userId: 'admin', name: '管理员', role: 'administrator', countyCode: null, disabledAt: null },
    {
      recordId,
      userId: 'ct-wang',
      name: '王坐席',
      role: 'call_taker',
      countyCode: '330106',
      disabledAt: t0 + 6,
    },
  ]);
  expect(devices.map((d) => [d.deviceId, d.revokedAt, d.revokeReason, d.enrolledBy])).toEqual([
    ['pwa-seat-1', null, null, 'admin'],
    ['pwa-seat-2', t0 + 5, '丢失', 'admin'],
  ]);
  const projection = projectRecord({ recordId, state });
  expect(projection.replaces).toEqual(['directoryUsers', 'directoryDevices']);
  expect(projection.rows.directoryUsers).toEqual(users);
  expect(projection.rows.directoryDevices).toEqual(devices);
});

test('a worker row carries the masked identity number, status and pre-post training', () => {
  const recordId = `worker:hub:${createId({ now: t0 })}`;
  const training = (examScore: number, validUntil: number | null) => ({
    training: {
      courseCode: 'PPT-2026',
      courseName: '岗前培训',
      grants: 'pre_post_training',
      hours: 40,
      examScore,
      passMark: 60,
      completedAt: t0 - day,
      validUntil,
    },
  });
  let state: WorkerState | null = null;
  const rowAfter = (type: string, payload: unknown) => {
    const result = applyWorkerCommand({
      state,
      command: command({ type, payload, role: 'registry_officer', at: t0 }),
      context: { mode: 'replay' },
    });
    if (!result.ok) throw result.error;
    state = result.value;
    const projection = projectRecord({ recordId, state });
    expect(projection.replaces).toEqual(['workers']);
    return projection.rows.workers[0];
  };
  expect(
    rowAfter('registerWorker', {
      workerId: recordId,
      enterpriseId: 'e-good',
      name: '李阿姨',
      idNumberMasked: '330106********0026',
      phone: null,
    }),
  ).toEqual({
    recordId,
    workerId: recordId,
    enterpriseId: 'e-good',
    name: '李阿姨',
    idNumberMasked: '330106********0026',
    phone: null,
    status: 'active',
    healthCertificateValidUntil: null,
    backgroundCheckedAt: null,
    prePostTrainingPassed: false,
    prePostTrainingValidUntil: null,
    registeredAt: t0,
    updatedAt: t0,
  });
  expect(rowAfter('recordTraining', training(40, null))).toMatchObject({ prePostTrainingPassed: false });
  expect(rowAfter('recordTraining', training(70, t0 + 300 * day))).toMatchObject({
    prePostTrainingPassed: true,
    prePostTrainingValidUntil: t0 + 300 * day,
  });
  expect(rowAfter('recordTraining', training(90, t0 + 700 * day))).toMatchObject({
    prePostTrainingValidUntil: t0 + 700 * day,
  });
  // A pass that never expires outranks any end date.
  expect(rowAfter('recordTraining', training(90, null))).toMatchObject({
    prePostTrainingPassed: true,
    prePostTrainingValidUntil: null,
  });
  expect(rowAfter('leaveEnterprise', { reason: '合同到期' })).toMatchObject({ status: 'left' });
});

test('kinds without tables and ids that are not records replace nothing', () => {
  const complaintId = `complaint:hub:${createId({ now: t0 })}`;
  expect(projectRecord({ recordId: complaintId, state: { id: 'c-1' } })).toMatchObject({
    kind: 'complaint',
    replaces: [],
  });
  expect(projectRecord({ recordId: 'cursor:peer-1', state: null })).toMatchObject({
    kind: null,
    replaces: [],
  });
});
