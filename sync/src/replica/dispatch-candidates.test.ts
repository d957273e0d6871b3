import { expect, test } from 'vitest';
import {
  applyOrderCommand,
  computeCreditScore,
  createId,
  formatRecordId,
  rankEnterprises,
  type OrderState,
  type Qualification,
  type Role,
} from '../domain';
import { command, day, makeEnterprise } from '../domain/test-support';
import { buildDispatchCandidates, listDispatchCandidates } from './dispatch-candidates';
import { county, createRegistryWorld, receivePayload, t0 } from './test-support';

const hour = 3_600_000;

test('candidates from a county store: enterprises serving the county, their workers, load, rotation and credit', async () => {
  const world = await createRegistryWorld();
  const { devices } = world;
  const busy = await world.createEnterprise({ items: ['FAM-CLEANING'], counties: [county, '330105'] });
  const idle = await world.createEnterprise({ items: ['FAM-CLEANING'], counties: [county] });
  const elsewhere = await world.createEnterprise({ items: ['FAM-CLEANING'], counties: ['330105'] });
  const trained = await world.createWorker({ enterpriseId: busy, name: '李阿姨', trained: true });
  const untrained = await world.createWorker({ enterpriseId: busy, name: '新员工', trained: false });
  const gone = await world.createWorker({ enterpriseId: busy, name: '老王', trained: true });
  world.expectAccepted(
    await world.atHub({
      recordId: gone,
      commands: [{ type: 'leaveEnterprise', payload: { reason: '离职' } }],
    }),
  );
  for (const recordId of [busy, idle, elsewhere, trained, untrained, gone]) await world.sync({ recordId });

  // One order accepted by `busy` with its trained worker, booked tomorrow 9:00–12:00; one declined by `idle`.
  const tomorrow = t0 + day;
  const booked = formatRecordId({ kind: 'order', scope: county, id: createId() });
  world.expectAccepted(
    await world.atCounty({
      recordId: booked,
      device: devices.seat,
      commands: [
        {
          type: 'receive',
          payload: receivePayload({ orderId: booked, wantedAt: tomorrow, durationMinutes: 180 }),
        },
        { type: 'awaitDispatch', payload: {} },
        { type: 'dispatch', payload: { enterpriseId: busy } },
      ],
    }),
  );
  const dispatchedToBusy = world.now();
  world.expectAccepted(
    await world.atCounty({
      recordId: booked,
      device: devices.enterpriseStaff,
      commands: [{ type: 'accept', payload: { enterpriseId: busy, workerId: trained } }],
    }),
  );
  const declined = formatRecordId({ kind: 'order', scope: county, id: createId() });
  world.expectAccepted(
    await world.atCounty({
      recordId: declined,
      device: devices.seat,
      commands: [
        { type: 'receive', payload: receivePayload({ orderId: declined }) },
        { type: 'awaitDispatch', payload: {} },
        { type: 'dispatch', payload: { enterpriseId: idle } },
      ],
    }),
  );
  const dispatchedToIdle = world.now();
  world.expectAccepted(
    await world.atCounty({
      recordId: declined,
      device: devices.enterpriseStaff,
      commands: [{ type: 'decline', payload: { enterpriseId: idle, reason: '人手不足' } }],
    }),
  );

  const now = world.now() + hour;
  const candidates = await listDispatchCandidates({ store: world.countyStore, countyCode: county, now });
  expect(candidates.map((c) => c.enterprise.id)).toEqual([busy, idle]);
  const [forBusy, forIdle] = candidates;
  expect(forBusy?.workers.map((w) => w.id)).toEqual([trained, untrained]);
  expect(forBusy?.workers[0]?.bookings).toEqual([
    { orderId: booked, from: tomorrow, to: tomorrow + 3 * hour },
  ]);
  expect(forBusy).toMatchObject({ openOrders: 1, lastDispatchedAt: dispatchedToBusy });
  expect(forIdle).toMatchObject({ workers: [], openOrders: 0, lastDispatchedAt: dispatchedToIdle });
  // No visits yet (the prior: 30), no complaints (25), no inspection records (20), training 1 of 2 (7.5).
  expect(forBusy?.creditScore).toBe(82.5);
  expect(forIdle?.creditScore).toBe(75);

  const request = {
    orderId: formatRecordId({ kind: 'order', scope: county, id: createId() }),
    itemCode: 'FAM-CLEANING',
    countyCode: county,
    wantedAt: tomorrow + 4 * hour,
    durationMinutes: 120,
    requiredQualifications: [
      'pre_post_training',
      'health_certificate',
      'domestic_service_cert',
    ] as Qualification[],
    excludeEnterpriseIds: [],
  };
  const ranking = rankEnterprises({ request, candidates, now });
  expect(ranking.ranked.map((r) => [r.enterpriseId, r.eligibleWorkerIds])).toEqual([[busy, [trained]]]);
  expect(ranking.excluded.map((e) => [e.enterpriseId, e.reasons.map((r) => r.code)])).toEqual([
    [idle, ['no_eligible_worker']],
  ]);
  // Wanted while the trained worker is booked: nobody is free.
  const clash = rankEnterprises({
    request: { ...request, requiredQualifications: [], wantedAt: tomorrow + hour },
    candidates,
    now,
  });
  expect(clash.ranked).toEqual([]);
  expect(clash.excluded.find((e) => e.enterpriseId === busy)?.reasons[0]?.detail).toMatch(/busy/);

  // Another county's desk sees only what serves it; an empty store has no candidates.
  const far = await listDispatchCandidates({ store: world.countyStore, countyCode: '330105', now });
  expect(far.map((c) => [c.enterprise.id, c.openOrders, c.lastDispatchedAt])).toEqual([
    [busy, 0, null],
    [elsewhere, 0, null],
  ]);
  await expect(listDispatchCandidates({ store: world.countyStore, countyCode: '3301', now })).rejects.toThrow(
    /countyCode/,
  );
});

/** An order stepped through commands the home accepted (replay: the registry checks happened there). */
function orderAfter(options: {
  countyCode: string;
  steps: [type: string, payload: unknown, role: Role][];
}): OrderState {
  const orderId = formatRecordId({ kind: 'order', scope: options.countyCode, id: createId() });
  let state: OrderState | null = null;
  let at = t0;
  for (const [type, payload, role] of [
    ['receive', receivePayload({ orderId }), 'call_taker'] as [string, unknown, Role],
    ...options.steps,
  ]) {
    at += hour;
    const result = applyOrderCommand({
      state,
      command: command({ type, payload, role, at }),
      context: { mode: 'replay' },
    });
    if (!result.ok) throw result.error;
    state = result.value;
  }
  if (!state) throw new Error('no order');
  return state;
}

const serve = (enterpriseId: string): [string, unknown, Role][] => [
  ['dispatch', { enterpriseId }, 'call_taker'],
  ['accept', { enterpriseId, workerId: 'w' }, 'enterprise'],
  ['startService', {}, 'enterprise'],
  ['markServed', { feeFen: 10_000 }, 'enterprise'],
];

test('credit: a low visit counts against the enterprise whose service reopened the order, upheld complaints cost points', () => {
  const complaint1 = createId();
  const complaint2 = createId();
  const complaint3 = createId();
  const reopened = orderAfter({
    countyCode: county,
    steps: [
      ['awaitDispatch', {}, 'call_taker'],
      ...serve('e1'),
      ['recordReturnVisit', { reached: false, comment: '无人接听' }, 'call_taker'],
      ['recordReturnVisit', { reached: true, satisfaction: 1, comment: '不干净' }, 'call_taker'],
      ...serve('e2'),
      ['recordReturnVisit', { reached: true, satisfaction: 5, comment: '满意' }, 'call_taker'],
      ['openComplaint', { complaintId: complaint1, kind: 'price', description: '多收费' }, 'call_taker'],
      ['openComplaint', { complaintId: complaint2, kind: 'quality', description: '态度' }, 'call_taker'],
      ['openComplaint', { complaintId: complaint3, kind: 'quality', description: '迟到' }, 'call_taker'],
      [
        'resolveComplaint',
        { complaintId: complaint1, outcome: { kind: 'refund', amountFen: 2_000 }, reason: '属实' },
        'quality_inspector',
      ],
      [
        'resolveComplaint',
        { complaintId: complaint2, outcome: { kind: 'penalty', points: 5 }, reason: '属实' },
        'quality_inspector',
      ],
      [
        'resolveComplaint',
        { complaintId: complaint3, outcome: { kind: 'dismissed' }, reason: '不属实' },
        'quality_inspector',
      ],
    ],
  });
  // The same enterprise's orders in another county are not this county's to count.
  const elsewhere = orderAfter({
    countyCode: '330105',
    steps: [
      ['awaitDispatch', {}, 'call_taker'],
      ...serve('e1'),
      ['recordReturnVisit', { reached: true, satisfaction: 5, comment: '' }, 'call_taker'],
    ],
  });
  const enterprises = ['e1', 'e2'].map((id) => makeEnterprise({ id, counties: [county, '330105'] }));
  const candidates = buildDispatchCandidates({
    enterprises,
    workers: [],
    orders: [reopened, elsewhere],
    countyCode: county,
    now: t0 + 30 * day,
  });
  const score = (visits: number, satisfactionSum: number, upheld: number[]) =>
    computeCreditScore({
      input: {
        returnVisits: { count: visits, satisfactionSum },
        upheldComplaints: upheld.map((points) => ({ points })),
        inspectionFindings: { minor: 0, major: 0, critical: 0 },
        workers: { total: 0, withValidTraining: 0 },
      },
    }).score;
  expect(candidates.map((c) => [c.enterprise.id, c.creditScore])).toEqual([
    ['e1', score(1, 1, [])],
    ['e2', score(1, 5, [0, 5])],
  ]);
  expect(candidates.map((c) => [c.openOrders, c.lastDispatchedAt])).toEqual([
    [0, reopened.attempts[0]?.dispatchedAt],
    [0, reopened.dispatch?.dispatchedAt],
  ]);
  expect(() =>
    buildDispatchCandidates({ enterprises, workers: [], orders: [], countyCode: county, now: -1 }),
  ).toThrow(/now/);
});
