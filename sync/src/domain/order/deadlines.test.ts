import { expect, test } from 'vitest';
import { createId } from '../ids';
import { command, day, t0 } from '../test-support';
import { defaultOrderDeadlineRules, listOrderDeadlines, listOverdue } from './deadlines';
import { applyOrderCommand, findCatalogueItemFacts, type OrderState } from './order';
import type { Role } from '../roles';

const hour = 3_600_000;

function order(
  urgency: 'normal' | 'urgent' | 'emergency',
  steps: [string, unknown, Role?, number?][] = [],
): OrderState {
  let state: OrderState | null = null;
  const all: [string, unknown, Role?, number?][] = [
    [
      'receive',
      {
        orderId: `order:330106:${createId()}`,
        channel: 'call',
        citizenPhone: null,
        citizenName: '',
        itemCode: 'FAM-CLEANING',
        urgency,
        address: '',
        wantedAt: null,
        durationMinutes: null,
        notes: '',
      },
    ],
    ...steps,
  ];
  for (const [type, payload, role, at] of all) {
    const r = applyOrderCommand({
      state,
      command: command({ type, payload, role: role ?? 'call_taker', at: at ?? t0 }),
      context: { mode: 'replay' },
    });
    if (!r.ok) throw r.error;
    state = r.value;
  }
  return state as OrderState;
}

test('the dispatch deadline depends on urgency and restarts when the order waits again', () => {
  expect(listOrderDeadlines({ order: order('emergency'), rules: defaultOrderDeadlineRules })).toEqual([
    expect.objectContaining({ kind: 'dispatch', dueAt: t0 + hour }),
  ]);
  const declined = order('normal', [
    ['awaitDispatch', {}],
    ['dispatch', { enterpriseId: 'e1' }],
    ['decline', { enterpriseId: 'e1', reason: '忙' }, 'enterprise', t0 + 5 * hour],
  ]);
  expect(listOrderDeadlines({ order: declined, rules: defaultOrderDeadlineRules })[0]?.dueAt).toBe(
    t0 + 29 * hour,
  );
});

test('acceptance, return-visit and complaint deadlines; the overdue list puts the worst first', () => {
  const dispatched = order('urgent', [
    ['awaitDispatch', {}],
    ['dispatch', { enterpriseId: 'e1' }],
  ]);
  const served = order('normal', [
    ['awaitDispatch', {}],
    ['dispatch', { enterpriseId: 'e1' }],
    ['accept', { enterpriseId: 'e1', workerId: 'w1' }],
    ['startService', {}],
    ['markServed', { feeFen: 100 }],
    ['openComplaint', { complaintId: createId(), kind: 'price', description: '贵' }],
  ]);
  expect(listOrderDeadlines({ order: served, rules: defaultOrderDeadlineRules }).map((d) => d.kind)).toEqual([
    'return_visit',
    'complaint',
  ]);
  const fresh = order('normal');
  const overdue = listOverdue({
    orders: [fresh, dispatched, served],
    now: t0 + 4 * day,
    rules: defaultOrderDeadlineRules,
  });
  expect(
    overdue.map((d) => [
      d.orderId === served.id ? 'served' : d.orderId === fresh.id ? 'fresh' : 'dispatched',
      d.kind,
    ]),
  ).toEqual([
    ['dispatched', 'acceptance'],
    ['fresh', 'dispatch'],
    ['served', 'return_visit'],
  ]);
  expect(overdue[0]?.overdueMs).toBe(4 * day - 2 * hour);
  const closed = order('normal', [['answerInformation', { answer: '好' }]]);
  expect(listOrderDeadlines({ order: closed, rules: defaultOrderDeadlineRules })).toEqual([]);
});

test('rules are validated', () => {
  expect(() =>
    listOverdue({ orders: [], now: t0, rules: { ...defaultOrderDeadlineRules, acceptWithinHours: -1 } }),
  ).toThrow(/rules.acceptWithinHours/);
  expect(() =>
    listOrderDeadlines({
      order: order('normal'),
      rules: { ...defaultOrderDeadlineRules, returnVisitWithinDays: 0 },
    }),
  ).toThrow(/rules.returnVisitWithinDays/);
});

test('the shipped catalogue answers the order lifecycle: handling and required qualifications', () => {
  expect(findCatalogueItemFacts('FAM-NANNY')).toMatchObject({ handling: 'dispatch' });
  expect(findCatalogueItemFacts('FAM-NANNY')?.qualifications).toContain('pre_post_training');
  expect(findCatalogueItemFacts('FAM-NOPE')).toBeUndefined();
});
