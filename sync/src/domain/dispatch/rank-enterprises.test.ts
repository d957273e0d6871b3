import fc from 'fast-check';
import { expect, test } from 'vitest';
import { createId } from '../ids';
import { day, makeEnterprise, makeWorker, t0 } from '../test-support';
import { rankEnterprises, type DispatchCandidate, type DispatchRequest } from './rank-enterprises';

const request: DispatchRequest = {
  orderId: `order:330106:${createId()}`,
  itemCode: 'FAM-NANNY',
  countyCode: '330106',
  wantedAt: t0 + day,
  durationMinutes: 240,
  requiredQualifications: ['pre_post_training', 'health_certificate'],
  excludeEnterpriseIds: [],
};

function candidate(
  options: Partial<DispatchCandidate> & { id: string; enterprise?: DispatchCandidate['enterprise'] },
): DispatchCandidate {
  return {
    enterprise: options.enterprise ?? makeEnterprise({ id: options.id }),
    workers: options.workers ?? [makeWorker({ id: `${options.id}-w1`, enterpriseId: options.id })],
    creditScore: options.creditScore ?? 80,
    openOrders: options.openOrders ?? 0,
    lastDispatchedAt: options.lastDispatchedAt ?? null,
  };
}

test('ranks by credit, load and rotation, with the points behind each rank', () => {
  const { ranked, excluded } = rankEnterprises({
    request,
    now: t0,
    candidates: [
      candidate({ id: 'busy', creditScore: 95, openOrders: 9, lastDispatchedAt: t0 - 3_600_000 }),
      candidate({ id: 'steady', creditScore: 90, openOrders: 0, lastDispatchedAt: t0 - 2 * day }),
      candidate({ id: 'weak', creditScore: 50, openOrders: 0 }),
    ],
  });
  expect(excluded).toEqual([]);
  expect(ranked.map((r) => [r.rank, r.enterpriseId])).toEqual([
    [1, 'steady'],
    [2, 'weak'],
    [3, 'busy'],
  ]);
  const steady = ranked[0];
  expect(steady?.reasons.map((r) => r.code)).toEqual(['credit', 'load', 'rotation']);
  expect(steady?.reasons[0]).toEqual({ code: 'credit', points: 45, detail: 'credit score 90' });
  expect(steady?.score).toBeCloseTo(steady?.reasons.reduce((s, r) => s + r.points, 0) ?? 0, 1);
  expect(steady?.eligibleWorkerIds).toEqual(['steady-w1']);
});

test('every exclusion says why', () => {
  const { ranked, excluded } = rankEnterprises({
    request: { ...request, excludeEnterpriseIds: ['declined'] },
    now: t0 + 2000,
    candidates: [
      candidate({ id: 'declined' }),
      candidate({ id: 'no-item', enterprise: makeEnterprise({ id: 'no-item', items: ['MNT-APPLIANCE'] }) }),
      candidate({ id: 'elsewhere', enterprise: makeEnterprise({ id: 'elsewhere', counties: ['330105'] }) }),
      candidate({ id: 'black', enterprise: makeEnterprise({ id: 'black', status: 'blacklisted' }) }),
      candidate({ id: 'suspended', enterprise: makeEnterprise({ id: 'suspended', status: 'suspended' }) }),
      candidate({ id: 'expired', enterprise: makeEnterprise({ id: 'expired', validTo: t0 + 1000 }) }),
      candidate({ id: 'applied', enterprise: makeEnterprise({ id: 'applied', status: 'applied' }) }),
      candidate({
        id: 'untrained',
        workers: [makeWorker({ id: 'u1', enterpriseId: 'untrained', trained: false })],
      }),
      candidate({
        id: 'booked',
        workers: [
          makeWorker({
            id: 'b1',
            enterpriseId: 'booked',
            bookings: [{ orderId: 'x', from: t0 + day, to: t0 + day + 60_000 }],
          }),
        ],
      }),
      candidate({ id: 'nobody', workers: [] }),
      candidate({ id: 'warned', enterprise: makeEnterprise({ id: 'warned', status: 'warned' }) }),
    ],
  });
  const why = Object.fromEntries(excluded.map((e) => [e.enterpriseId, e.reasons.map((r) => r.code)]));
  expect(why).toEqual({
    declined: ['previously_declined'],
    'no-item': ['does_not_serve_item'],
    elsewhere: ['does_not_serve_county'],
    black: ['blacklisted'],
    suspended: ['suspended'],
    expired: ['agreement_not_in_force'],
    applied: ['not_active'],
    untrained: ['no_eligible_worker'],
    booked: ['no_eligible_worker'],
    nobody: ['no_eligible_worker'],
  });
  expect(excluded.find((e) => e.enterpriseId === 'untrained')?.reasons[0]?.detail).toMatch(
    /1× no_pre_post_training/,
  );
  expect(excluded.find((e) => e.enterpriseId === 'nobody')?.reasons[0]?.detail).toMatch(
    /no workers registered/,
  );
  expect(ranked.map((r) => r.enterpriseId)).toEqual(['warned']);
  expect(ranked[0]?.reasons.at(-1)).toEqual({ code: 'warned', points: -10, detail: 'under a warning' });
});

test('a free community service goes to volunteer groups first, enterprises only when none can take it', () => {
  const visit: DispatchRequest = {
    ...request,
    itemCode: 'ELD-VISIT',
    requiredQualifications: ['pre_post_training'],
  };
  const volunteer = (id: string) => makeEnterprise({ id, kind: 'volunteer', items: ['ELD-VISIT'] });
  const enterprise = (id: string) => makeEnterprise({ id, items: ['ELD-VISIT', 'FAM-NANNY'] });
  const { ranked } = rankEnterprises({
    request: visit,
    now: t0,
    candidates: [
      // 信用满分、空闲的企业仍排在信用一般、较忙的志愿者组织之后。The best enterprise still follows a busy volunteer group.
      candidate({ id: 'best-firm', enterprise: enterprise('best-firm'), creditScore: 100 }),
      candidate({
        id: 'busy-vol',
        enterprise: volunteer('busy-vol'),
        creditScore: 40,
        openOrders: 5,
        lastDispatchedAt: t0,
      }),
      candidate({ id: 'good-vol', enterprise: volunteer('good-vol'), creditScore: 90 }),
      // 受警告、信用 0、刚派过单的志愿者组织也在企业之前。Even a warned, zero-credit, just-used group comes first.
      candidate({
        id: 'warned-vol',
        enterprise: makeEnterprise({
          id: 'warned-vol',
          kind: 'volunteer',
          items: ['ELD-VISIT'],
          status: 'warned',
        }),
        creditScore: 0,
        openOrders: 1_000,
        lastDispatchedAt: t0,
      }),
    ],
  });
  expect(ranked.map((r) => r.enterpriseId)).toEqual(['good-vol', 'busy-vol', 'warned-vol', 'best-firm']);
  const first = ranked[0];
  expect(first?.reasons.at(-1)).toEqual({
    code: 'volunteer_first',
    points: 120,
    detail: 'free community service: volunteer groups are offered it before enterprises',
  });
  expect(first?.score).toBeCloseTo(first?.reasons.reduce((sum, r) => sum + r.points, 0) ?? 0, 1);
  expect(ranked[3]?.reasons.map((r) => r.code)).toEqual(['credit', 'load', 'rotation']);

  // 没有志愿者组织能接（无合格人员）时，企业照常派单。With no volunteer group able to, enterprises take it.
  const fallback = rankEnterprises({
    request: visit,
    now: t0,
    candidates: [
      candidate({ id: 'firm', enterprise: enterprise('firm') }),
      candidate({ id: 'vol', enterprise: volunteer('vol'), workers: [] }),
    ],
  });
  expect(fallback.ranked.map((r) => r.enterpriseId)).toEqual(['firm']);
  expect(fallback.excluded.map((e) => [e.enterpriseId, e.reasons.map((r) => r.code)])).toEqual([
    ['vol', ['no_eligible_worker']],
  ]);
});

test('a volunteer group is never offered a paid item, even one its record lists from before the rule', () => {
  const listed = makeEnterprise({ id: 'old-vol', kind: 'volunteer', items: ['ELD-VISIT'] });
  // 规则之前的记录可能列有收费项目，排序仍把它排除。A record from before the rule may list a paid item.
  const legacy = { ...listed, items: [...listed.items, 'FAM-NANNY'] };
  const { ranked, excluded } = rankEnterprises({
    request,
    now: t0,
    candidates: [
      candidate({ id: 'old-vol', enterprise: legacy }),
      candidate({
        id: 'new-vol',
        enterprise: makeEnterprise({ id: 'new-vol', kind: 'volunteer', items: ['ELD-ESCORT'] }),
      }),
      candidate({ id: 'firm' }),
    ],
  });
  expect(ranked.map((r) => r.enterpriseId)).toEqual(['firm']);
  expect(ranked[0]?.reasons.map((r) => r.code)).not.toContain('volunteer_first');
  expect(excluded).toEqual([
    {
      enterpriseId: 'old-vol',
      name: '志愿队 old-vol',
      reasons: [
        {
          code: 'volunteer_paid_item',
          detail: 'a volunteer group serves only free community services, not FAM-NANNY',
        },
      ],
    },
    {
      enterpriseId: 'new-vol',
      name: '志愿队 new-vol',
      reasons: [{ code: 'does_not_serve_item', detail: 'does not offer FAM-NANNY' }],
    },
  ]);
});

test('bad requests and weights are refused with the field named', () => {
  expect(() =>
    rankEnterprises({ request: { ...request, countyCode: '33' }, candidates: [], now: t0 }),
  ).toThrow(/request.countyCode/);
  expect(() =>
    rankEnterprises({ request, candidates: [], now: t0, weights: { credit: 0, load: 0, rotation: 0 } }),
  ).toThrow(/weights/);
});

test('property: the ranking never returns an excluded enterprise, ranks are dense, scores descend', () => {
  const candidateArb = fc.record({
    items: fc.constantFrom<string[]>(['FAM-NANNY'], ['MNT-APPLIANCE'], ['FAM-NANNY', 'MNT-APPLIANCE']),
    counties: fc.constantFrom<string[]>(['330106'], ['330105']),
    status: fc.constantFrom<'active' | 'warned' | 'suspended' | 'blacklisted' | 'applied'>(
      'active',
      'warned',
      'suspended',
      'blacklisted',
      'applied',
    ),
    workers: fc.array(fc.record({ trained: fc.boolean(), busy: fc.boolean() }), { maxLength: 3 }),
    creditScore: fc.integer({ min: 0, max: 100 }),
    openOrders: fc.integer({ min: 0, max: 20 }),
    idleHours: fc.option(fc.integer({ min: 0, max: 200 })),
  });
  fc.assert(
    fc.property(
      fc.array(candidateArb, { maxLength: 8 }),
      fc.array(fc.nat({ max: 7 }), { maxLength: 3 }),
      (specs, declined) => {
        const candidates = specs.map((s, i) =>
          candidate({
            id: `e${i}`,
            enterprise: makeEnterprise({
              id: `e${i}`,
              items: s.items,
              counties: s.counties,
              status: s.status,
            }),
            workers: s.workers.map((w, j) =>
              makeWorker({
                id: `e${i}-w${j}`,
                enterpriseId: `e${i}`,
                trained: w.trained,
                bookings: w.busy ? [{ orderId: 'x', from: t0 + day, to: t0 + 2 * day }] : [],
              }),
            ),
            creditScore: s.creditScore,
            openOrders: s.openOrders,
            lastDispatchedAt: s.idleHours === null ? null : t0 - s.idleHours * 3_600_000,
          }),
        );
        const excludeEnterpriseIds = declined.map((d) => `e${d}`);
        const { ranked, excluded } = rankEnterprises({
          request: { ...request, excludeEnterpriseIds },
          candidates,
          now: t0,
        });
        const excludedIds = new Set(excluded.map((e) => e.enterpriseId));
        expect(ranked.length + excluded.length).toBe(candidates.length);
        for (const r of ranked) {
          expect(excludedIds.has(r.enterpriseId)).toBe(false);
          expect(excludeEnterpriseIds).not.toContain(r.enterpriseId);
          const spec = specs[Number(r.enterpriseId.slice(1))];
          expect(spec?.items).toContain('FAM-NANNY');
          expect(spec?.counties).toContain('330106');
          expect(['active', 'warned']).toContain(spec?.status);
          expect(r.eligibleWorkerIds.length).toBeGreaterThan(0);
        }
        for (const e of excluded) expect(e.reasons.length).toBeGreaterThan(0);
        ranked.forEach((r, i) => {
          expect(r.rank).toBe(i + 1);
          if (i > 0) expect(r.score).toBeLessThanOrEqual(ranked[i - 1]?.score ?? Infinity);
        });
      },
    ),
    { numRuns: 200 },
  );
}, 60_000);
