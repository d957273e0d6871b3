import fc from 'fast-check';
import { expect, test } from 'vitest';
import { createId } from '../ids';
import { command, day, makeEnterprise, makeWorker, t0 } from '../test-support';
import type { Role } from '../roles';
import {
  applyOrderCommand,
  orderTransitionList,
  replayOrderLog,
  type OrderContext,
  type OrderItemFacts,
  type OrderState,
} from './order';

const orderId = `order:330106:${createId({ now: t0 })}`;
const items: Record<string, OrderItemFacts> = {
  'FAM-NANNY': { handling: 'dispatch', qualifications: ['pre_post_training', 'health_certificate'] },
  'ELD-CARE': { handling: 'dispatch', qualifications: ['elder_care_cert'] },
  'INF-WEATHER': { handling: 'information', qualifications: [] },
};
const enterprises = [
  makeEnterprise({ id: 'e-good', items: ['FAM-NANNY', 'ELD-CARE'] }),
  makeEnterprise({ id: 'e-other', items: ['FAM-NANNY'] }),
  makeEnterprise({ id: 'e-black', status: 'blacklisted' }),
  makeEnterprise({ id: 'e-far', counties: ['110101'] }),
];
const workers = [
  makeWorker({ id: 'w-trained', enterpriseId: 'e-good' }),
  makeWorker({ id: 'w-untrained', enterpriseId: 'e-good', trained: false }),
  makeWorker({ id: 'w-other', enterpriseId: 'e-other' }),
];
const home: OrderContext = {
  mode: 'home',
  findItem: (code) => items[code],
  findEnterprise: (id) => enterprises.find((e) => e.id === id),
  findWorker: (id) => workers.find((w) => w.id === id),
};

const receive = (itemCode = 'FAM-NANNY', durationMinutes: number | null = 240) =>
  command({
    type: 'receive',
    role: 'call_taker',
    payload: {
      orderId,
      channel: 'call',
      citizenPhone: '+8613812345678',
      citizenName: '张女士',
      itemCode,
      urgency: 'urgent',
      address: '西湖区文三路 100 号',
      wantedAt: t0 + day,
      durationMinutes,
      notes: '需要会做饭',
    },
  });

function run(state: OrderState | null, ...commands: unknown[]): OrderState {
  let s = state;
  for (const c of commands) {
    const r = applyOrderCommand({ state: s, command: c, context: home });
    if (!r.ok) throw r.error;
    s = r.value;
  }
  return s as OrderState;
}

function refusal(state: OrderState | null, c: unknown) {
  const r = applyOrderCommand({ state, command: c, context: home });
  if (r.ok) throw new Error(`expected ${JSON.stringify(c)} to be refused`);
  return r.error;
}

const c = (type: string, payload: unknown, role: Role = 'call_taker', at = t0) =>
  command({ type, payload, role, at });

test('the whole journey: received → dispatched → accepted → in service → served → return visit → closed', () => {
  const served = run(
    null,
    receive(),
    c('awaitDispatch', {}),
    c('dispatch', { enterpriseId: 'e-good' }),
    c('accept', { enterpriseId: 'e-good', workerId: 'w-trained' }, 'enterprise'),
    c('startService', {}, 'enterprise'),
    c('markServed', { feeFen: 30000 }, 'enterprise'),
  );
  expect(served).toMatchObject({
    status: 'served',
    countyCode: '330106',
    dispatch: { enterpriseId: 'e-good', workerId: 'w-trained', feeFen: 30000 },
  });
  const closed = run(served, c('recordReturnVisit', { reached: true, satisfaction: 5, comment: '很满意' }));
  expect(closed).toMatchObject({ status: 'closed', resolution: 'served', closedAt: t0 });
  expect(closed.returnVisits).toHaveLength(1);
});

test('an information demand is answered and closed at once; an information item cannot be dispatched', () => {
  const answered = run(null, receive('INF-WEATHER'), c('answerInformation', { answer: '明天晴，最高 18°C' }));
  expect(answered).toMatchObject({
    status: 'closed',
    resolution: 'information',
    informationAnswer: '明天晴，最高 18°C',
  });
  expect(refusal(run(null, receive('INF-WEATHER')), c('awaitDispatch', {})).message).toMatch(
    /answered as information/,
  );
  expect(refusal(null, receive('FAM-NOPE')).field).toBe('payload.itemCode');
  expect(refusal(null, receive('NOPE')).field).toBe('command.payload.itemCode');
});

test('an unsatisfied return visit reopens the order for a new dispatch (发回重办); an unreached one is an attempt', () => {
  const served = run(
    null,
    receive(),
    c('awaitDispatch', {}),
    c('dispatch', { enterpriseId: 'e-good' }),
    c('accept', { enterpriseId: 'e-good', workerId: 'w-trained' }),
    c('startService', {}),
    c('markServed', { feeFen: 30000 }),
  );
  const unreached = run(served, c('recordReturnVisit', { reached: false, comment: '无人接听' }));
  expect(unreached.status).toBe('served');
  const reopened = run(
    unreached,
    c('recordReturnVisit', { reached: true, satisfaction: 2, comment: '没打扫干净' }, 'call_taker', t0 + day),
  );
  expect(reopened).toMatchObject({
    status: 'awaiting_dispatch',
    reopenCount: 1,
    dispatch: null,
    awaitingDispatchSince: t0 + day,
  });
  expect(reopened.attempts).toEqual([
    {
      enterpriseId: 'e-good',
      dispatchedAt: t0,
      feeFen: 30000,
      outcome: 'reopened',
      reason: 'satisfaction 2: 没打扫干净',
      at: t0 + day,
    },
  ]);
  const redone = run(reopened, c('dispatch', { enterpriseId: 'e-other' }));
  expect(redone.dispatch?.enterpriseId).toBe('e-other');
});

test('decline returns the order to the queue and records who declined', () => {
  const declined = run(
    null,
    receive(),
    c('awaitDispatch', {}),
    c('dispatch', { enterpriseId: 'e-good' }),
    c('decline', { enterpriseId: 'e-good', reason: '人手不足' }, 'enterprise'),
  );
  expect(declined).toMatchObject({ status: 'awaiting_dispatch', dispatch: null });
  expect(declined.attempts[0]).toMatchObject({
    enterpriseId: 'e-good',
    outcome: 'declined',
    reason: '人手不足',
  });
  const dispatched = run(declined, c('dispatch', { enterpriseId: 'e-other' }));
  expect(refusal(dispatched, c('decline', { enterpriseId: 'e-good', reason: 'x' })).field).toBe(
    'payload.enterpriseId',
  );
  expect(refusal(dispatched, c('accept', { enterpriseId: 'e-good', workerId: null })).field).toBe(
    'payload.enterpriseId',
  );
});

test('dispatch checks the enterprise at the home', () => {
  const waiting = run(null, receive(), c('awaitDispatch', {}));
  expect(refusal(waiting, c('dispatch', { enterpriseId: 'e-black' })).message).toMatch(/blacklisted/);
  expect(refusal(waiting, c('dispatch', { enterpriseId: 'e-far' })).message).toMatch(/does not serve/);
  expect(refusal(waiting, c('dispatch', { enterpriseId: 'e-none' })).code).toBe('not_found');
  expect(refusal(run(null, receive('ELD-CARE')), c('dispatch', { enterpriseId: 'e-good' })).code).toBe(
    'invalid_transition',
  );
});

test('a worker without valid pre-post training can never be assigned', () => {
  const dispatched = run(null, receive(), c('awaitDispatch', {}), c('dispatch', { enterpriseId: 'e-good' }));
  expect(
    refusal(dispatched, c('accept', { enterpriseId: 'e-good', workerId: 'w-untrained' })).message,
  ).toMatch(/no_pre_post_training/);
  expect(refusal(dispatched, c('accept', { enterpriseId: 'e-good', workerId: 'w-other' })).message).toMatch(
    /does not belong/,
  );
  expect(refusal(dispatched, c('accept', { enterpriseId: 'e-good', workerId: 'w-ghost' })).code).toBe(
    'not_found',
  );
  const accepted = run(dispatched, c('accept', { enterpriseId: 'e-good', workerId: null }));
  expect(refusal(accepted, c('startService', {})).field).toBe('dispatch.workerId');
  expect(refusal(accepted, c('assignWorker', { workerId: 'w-untrained' })).message).toMatch(
    /no_pre_post_training/,
  );
  const eldOrder = run(
    null,
    receive('ELD-CARE'),
    c('awaitDispatch', {}),
    c('dispatch', { enterpriseId: 'e-good' }),
  );
  expect(refusal(eldOrder, c('accept', { enterpriseId: 'e-good', workerId: 'w-trained' })).message).toMatch(
    /missing_qualification:elder_care_cert/,
  );
  const assigned = run(accepted, c('assignWorker', { workerId: 'w-trained' }), c('startService', {}));
  expect(assigned.status).toBe('in_service');
});

test('a booked worker is not double-booked, but their booking for this very order is no clash', () => {
  const bookedElsewhere = makeWorker({
    id: 'w-busy',
    enterpriseId: 'e-good',
    bookings: [{ orderId: 'other', from: t0 + day, to: t0 + day + 3_600_000 }],
  });
  const bookedHere = makeWorker({
    id: 'w-here',
    enterpriseId: 'e-good',
    bookings: [{ orderId, from: t0 + day, to: t0 + day + 3_600_000 }],
  });
  const ctx: OrderContext = {
    ...home,
    findWorker: (id) => [bookedElsewhere, bookedHere].find((w) => w.id === id),
  };
  const dispatched = run(null, receive(), c('awaitDispatch', {}), c('dispatch', { enterpriseId: 'e-good' }));
  const busy = applyOrderCommand({
    state: dispatched,
    command: c('accept', { enterpriseId: 'e-good', workerId: 'w-busy' }),
    context: ctx,
  });
  expect(busy.ok ? '' : busy.error.message).toMatch(/busy/);
  const here = applyOrderCommand({
    state: dispatched,
    command: c('accept', { enterpriseId: 'e-good', workerId: 'w-here' }),
    context: ctx,
  });
  expect(here.ok).toBe(true);
  const open = run(
    null,
    receive('FAM-NANNY', null),
    c('awaitDispatch', {}),
    c('dispatch', { enterpriseId: 'e-good' }),
  );
  const noWindow = applyOrderCommand({
    state: open,
    command: c('accept', { enterpriseId: 'e-good', workerId: 'w-busy' }),
    context: ctx,
  });
  expect(noWindow.ok).toBe(true);
});

test('complaints open after dispatch, are arbitrated once, and refunds never exceed the fee', () => {
  const closed = run(
    null,
    receive(),
    c('awaitDispatch', {}),
    c('dispatch', { enterpriseId: 'e-good' }),
    c('accept', { enterpriseId: 'e-good', workerId: 'w-trained' }),
    c('startService', {}),
    c('markServed', { feeFen: 30000 }),
    c('recordReturnVisit', { reached: true, satisfaction: 4, comment: '' }),
  );
  const complaintId = createId();
  const open = run(
    closed,
    c('openComplaint', { complaintId, kind: 'price', description: '多收了 100 元' }, 'quality_inspector'),
  );
  expect(open.complaints[0]).toMatchObject({ status: 'open', enterpriseId: 'e-good', kind: 'price' });
  expect(refusal(open, c('openComplaint', { complaintId, kind: 'price', description: 'again' })).code).toBe(
    'conflict',
  );
  expect(
    refusal(
      open,
      c(
        'resolveComplaint',
        { complaintId, outcome: { kind: 'refund', amountFen: 30001 }, reason: '多收' },
        'legal_consultant',
      ),
    ).field,
  ).toBe('payload.outcome.amountFen');
  expect(
    refusal(
      open,
      c('resolveComplaint', { complaintId, outcome: { kind: 'dismissed' }, reason: 'x' }, 'call_taker'),
    ).code,
  ).toBe('forbidden');
  const resolved = run(
    open,
    c(
      'resolveComplaint',
      { complaintId, outcome: { kind: 'refund', amountFen: 10000 }, reason: '多收属实' },
      'legal_consultant',
    ),
  );
  expect(resolved.complaints[0]).toMatchObject({
    status: 'resolved',
    outcome: { kind: 'refund', amountFen: 10000 },
    resolvedBy: 'u-legal_consultant',
  });
  expect(
    refusal(
      resolved,
      c('resolveComplaint', { complaintId, outcome: { kind: 'dismissed' }, reason: 'x' }, 'legal_consultant'),
    ).message,
  ).toMatch(/already resolved/);
  expect(
    refusal(
      resolved,
      c(
        'resolveComplaint',
        { complaintId: createId(), outcome: { kind: 'dismissed' }, reason: 'x' },
        'legal_consultant',
      ),
    ).code,
  ).toBe('not_found');
  const second = createId();
  const twice = run(
    resolved,
    c('openComplaint', { complaintId: second, kind: 'quality', description: '打碎花瓶' }),
  );
  expect(
    refusal(
      twice,
      c(
        'resolveComplaint',
        { complaintId: second, outcome: { kind: 'refund', amountFen: 20001 }, reason: 'x' },
        'quality_inspector',
      ),
    ).message,
  ).toMatch(/30001 fen/);
  expect(
    refusal(run(null, receive()), c('openComplaint', { complaintId, kind: 'quality', description: 'x' }))
      .code,
  ).toBe('invalid_transition');
});

test('a complaint after a reopen is held against the enterprise that served', () => {
  const reopened = run(
    null,
    receive(),
    c('awaitDispatch', {}),
    c('dispatch', { enterpriseId: 'e-good' }),
    c('accept', { enterpriseId: 'e-good', workerId: 'w-trained' }),
    c('startService', {}),
    c('markServed', { feeFen: 100 }),
    c('recordReturnVisit', { reached: true, satisfaction: 1, comment: '很差' }),
    c('dispatch', { enterpriseId: 'e-other' }),
  );
  const complaint = run(
    reopened,
    c('openComplaint', { complaintId: createId(), kind: 'quality', description: 'x' }),
  );
  expect(complaint.complaints[0]?.enterpriseId).toBe('e-other');
});

test('cancel, roles, unknown commands and malformed input are refused with the field named', () => {
  const received = run(null, receive());
  expect(run(received, c('cancel', { reason: '市民已自行解决' }))).toMatchObject({
    status: 'cancelled',
    resolution: 'cancelled',
  });
  expect(refusal(received, c('cancel', { reason: '' })).field).toBe('command.payload.reason');
  expect(refusal(received, c('dispatch', { enterpriseId: 'e-good' }, 'quality_inspector')).code).toBe(
    'forbidden',
  );
  expect(refusal(received, receive()).code).toBe('conflict');
  expect(refusal(null, c('cancel', { reason: 'x' })).code).toBe('not_found');
  expect(refusal(received, c('markServed', { feeFen: 1.5 })).field).toBe('command.payload.feeFen');
  expect(refusal(received, { ...c('cancel', { reason: 'x' }), id: 'nope' }).field).toBe('command.id');
  expect(
    refusal(received, c('recordReturnVisit', { reached: true, satisfaction: 6, comment: '' })).message,
  ).toMatch(/1 to 5/);
  expect(
    refusal(null, { ...receive(), payload: { ...receive().payload, orderId: 'order:33:x' } }).field,
  ).toBe('command.payload.orderId');
  expect(orderTransitionList.find((t) => t.type === 'accept')?.roles).toEqual([
    'call_taker',
    'supervisor',
    'enterprise',
  ]);
});

// ---- model-based property tests ---------------------------------------------------------------

// A fixed pool of concrete commands. Each step picks mostly among those the current state allows,
// with roles mostly among those allowed, so that sequences reach deep states (served, disputed,
// reopened) instead of being refused at the first step.
const commandPool: [string, Record<string, unknown>][] = [
  ['awaitDispatch', {}],
  ['answerInformation', { answer: '已答复' }],
  ...enterprises.map((e): [string, Record<string, unknown>] => ['dispatch', { enterpriseId: e.id }]),
  ...['e-good', 'e-other'].flatMap((e) =>
    [null, ...workers.map((w) => w.id)].map((w): [string, Record<string, unknown>] => [
      'accept',
      { enterpriseId: e, workerId: w },
    ]),
  ),
  ...['e-good', 'e-other'].map((e): [string, Record<string, unknown>] => [
    'decline',
    { enterpriseId: e, reason: '忙' },
  ]),
  ...workers.map((w): [string, Record<string, unknown>] => ['assignWorker', { workerId: w.id }]),
  ['startService', {}],
  ['markServed', { feeFen: 0 }],
  ['markServed', { feeFen: 30000 }],
  ...[1, 2, 3, 4, 5].map((n): [string, Record<string, unknown>] => [
    'recordReturnVisit',
    { reached: true, satisfaction: n, comment: '' },
  ]),
  ['recordReturnVisit', { reached: false, comment: '' }],
  ['cancel', { reason: '取消' }],
  ['openComplaint', { kind: 'quality', description: 'd' }],
  ['openComplaint', { kind: 'price', description: 'd' }],
  ['resolveComplaint', { outcome: { kind: 'dismissed' }, reason: 'r' }],
  ['resolveComplaint', { outcome: { kind: 'refund', amountFen: 10000 }, reason: 'r' }],
  ['resolveComplaint', { outcome: { kind: 'refund', amountFen: 30000 }, reason: 'r' }],
  ['resolveComplaint', { outcome: { kind: 'refund', amountFen: 40000 }, reason: 'r' }],
  ['resolveComplaint', { outcome: { kind: 'penalty', points: 5 }, reason: 'r' }],
];
const allRoles: Role[] = [
  'call_taker',
  'supervisor',
  'enterprise',
  'quality_inspector',
  'legal_consultant',
  'system',
  'technician',
];
const stepArb = fc.record({
  pick: fc.nat(),
  rolePick: fc.nat(),
  anyCommand: fc.nat({ max: 9 }),
  anyRole: fc.nat({ max: 9 }),
});

function chooseStep(
  state: OrderState,
  step: { pick: number; rolePick: number; anyCommand: number; anyRole: number },
) {
  // Ending commands (cancel, answer as information) are picked rarely, or every run would end early.
  const ending = step.anyCommand < 2 ? [] : ['cancel', 'answerInformation'];
  const allowed = commandPool.filter(([type]) => {
    const from = orderTransitionList.find((t) => t.type === type)?.from;
    return Array.isArray(from) && from.includes(state.status) && !ending.includes(type);
  });
  const pool = step.anyCommand === 0 || allowed.length === 0 ? commandPool : allowed;
  const [type, payload] = pool[step.pick % pool.length] as [string, Record<string, unknown>];
  const roles =
    step.anyRole === 0 ? allRoles : (orderTransitionList.find((t) => t.type === type)?.roles ?? allRoles);
  return { type, payload: { ...payload }, role: roles[step.rolePick % roles.length] as Role };
}
const itemArb = fc.constantFrom('FAM-NANNY', 'ELD-CARE', 'INF-WEATHER');

function checkInvariants(s: OrderState) {
  if (['dispatched', 'accepted', 'in_service', 'served'].includes(s.status))
    expect(s.dispatch).not.toBeNull();
  if (['received', 'awaiting_dispatch'].includes(s.status)) expect(s.dispatch).toBeNull();
  if (s.resolution === 'served') expect(s.dispatch?.servedAt).not.toBeNull();
  if (s.status === 'in_service' || s.status === 'served') {
    const worker = workers.find((w) => w.id === s.dispatch?.workerId);
    expect(worker?.enterpriseId).toBe(s.dispatch?.enterpriseId);
    expect(worker?.trainings.length).toBeGreaterThan(0); // only trained workers ever serve
  }
  if (s.status === 'served') expect(Number.isInteger(s.dispatch?.feeFen)).toBe(true);
  if (s.status === 'closed' || s.status === 'cancelled') {
    expect(s.closedAt).not.toBeNull();
    expect(s.resolution).not.toBeNull();
  } else {
    expect(s.resolution).toBeNull();
  }
  if (s.resolution === 'served') expect(s.returnVisits.at(-1)?.satisfaction).toBeGreaterThan(2);
  if (s.dispatch) expect(['e-black', 'e-far']).not.toContain(s.dispatch.enterpriseId);
  expect(s.reopenCount).toBe(s.attempts.filter((a) => a.outcome === 'reopened').length);
  // Refunds for one service never exceed what that service cost.
  const services = [...s.attempts, ...(s.dispatch ? [s.dispatch] : [])];
  for (const service of services) {
    const refunds = s.complaints
      .filter((x) => x.dispatchedAt === service.dispatchedAt)
      .reduce((sum, x) => sum + (x.outcome?.kind === 'refund' ? x.outcome.amountFen : 0), 0);
    expect(refunds).toBeLessThanOrEqual(service.feeFen ?? 0);
  }
  for (const x of s.complaints) expect(services.some((v) => v.dispatchedAt === x.dispatchedAt)).toBe(true);
}

test('property: no command sequence reaches an invalid state, refusals change nothing, replay equals stepping', () => {
  fc.assert(
    fc.property(itemArb, fc.array(stepArb, { minLength: 30, maxLength: 80 }), (itemCode, steps) => {
      const first = receive(itemCode);
      let state = run(null, first);
      const log: unknown[] = [first];
      const complaintIds: string[] = [];
      for (const step of steps) {
        const { type, payload: p, role } = chooseStep(state, step);
        if (type === 'openComplaint') p.complaintId = createId();
        if (type === 'resolveComplaint') p.complaintId = complaintIds.at(-1) ?? createId();
        const cmd = command({ type, payload: p, role, at: t0 + log.length * 60_000 });
        const frozen = JSON.stringify(state);
        const r = applyOrderCommand({ state, command: cmd, context: home });
        if (r.ok) {
          state = r.value;
          log.push(cmd);
          if (type === 'openComplaint') complaintIds.push(p.complaintId as string);
        } else {
          expect(JSON.stringify(state)).toBe(frozen);
        }
        checkInvariants(state);
      }
      expect(replayOrderLog({ log })).toEqual(state);
    }),
    { numRuns: 400 },
  );
}, 60_000);

test('replaying a corrupt log throws instead of inventing a state', () => {
  expect(() => replayOrderLog({ log: [c('cancel', { reason: 'x' })] })).toThrow(/does not exist/);
  expect(replayOrderLog({ log: [] })).toBeNull();
});
