import { CreditList, type InspectionState } from '@jiazheng/sync/domain';
import { expect, test } from 'vitest';
import {
  computeCreditLists,
  countInspectionFindings,
  filterCreditLists,
  INSPECTION_WINDOW_MS,
  scoreEnterprise,
  type CreditFacts,
} from './registry-credit';

const now = Date.parse('2026-11-30T02:00:00Z');
const day = 24 * 3600 * 1000;

type Inspection = CreditFacts['inspections'][number];
function inspection(options: {
  outcome: InspectionState['outcome'];
  failed: number;
  passed?: number;
  completedAt?: number | null;
  status?: InspectionState['status'];
}): Inspection {
  const findings = [
    ...Array.from({ length: options.failed }, (_, i) => ({ key: `f${i}`, passed: false })),
    ...Array.from({ length: options.passed ?? 1 }, (_, i) => ({ key: `p${i}`, passed: true })),
  ].map((f) => ({ ...f, note: '', at: now - 2 * day, by: 'hub:inspector' }));
  return {
    status: options.status ?? 'completed',
    outcome: options.outcome,
    completedAt: options.completedAt === undefined ? now - day : options.completedAt,
    findings,
  };
}

function facts(
  name: string,
  overrides: Partial<CreditFacts> & { status?: CreditFacts['enterprise']['status'] } = {},
): CreditFacts {
  const { status, ...rest } = overrides;
  return {
    enterprise: { id: `enterprise:hub:${name}`, name, kind: 'enterprise', status: status ?? 'active' },
    returnVisits: { count: 0, satisfactionSum: 0 },
    workers: { total: 0, withValidTraining: 0 },
    inspections: [],
    upheldComplaints: [],
    orders: { dispatched: 0, completed: 0, returnVisited: 0, rated: 0, satisfied: 0 },
    ...rest,
  };
}

test('inspection findings by severity: rectify → minor per failed item, fail → major per item and one critical', () => {
  expect(
    countInspectionFindings({
      now,
      inspections: [
        inspection({ outcome: 'pass', failed: 0, passed: 5 }),
        inspection({ outcome: 'rectify', failed: 2 }),
        inspection({ outcome: 'fail', failed: 3 }),
        // Not completed, or older than a year: nothing.
        inspection({ outcome: null, failed: 4, status: 'in_progress', completedAt: null }),
        inspection({ outcome: 'fail', failed: 4, completedAt: now - INSPECTION_WINDOW_MS - 1 }),
      ],
    }),
  ).toEqual({ minor: 2, major: 3, critical: 1 });
});

test('a busy, well-rated enterprise with a trained roster is recommended; its score is explained part by part', () => {
  // 120 rated visits summing 570 (mean 4.75), with 5 assumed at 4: mean 4.72, 37.2 of 40.
  const score = scoreEnterprise({
    now,
    facts: facts('西湖好帮手', {
      returnVisits: { count: 120, satisfactionSum: 570 },
      workers: { total: 12, withValidTraining: 11 },
      inspections: [inspection({ outcome: 'rectify', failed: 1 })],
    }),
  });
  expect(score.components.map((c) => [c.key, c.points])).toEqual([
    ['satisfaction', 37.2],
    ['complaints', 25],
    ['inspections', 18],
    ['training', 13.8],
  ]);
  expect(score).toMatchObject({ score: 94, list: CreditList.recommended });
});

test('suspended and blacklisted enterprises are punished whatever they score; a failed inspection punishes an active one', () => {
  const strong = {
    returnVisits: { count: 50, satisfactionSum: 250 },
    workers: { total: 5, withValidTraining: 5 },
  };
  for (const status of ['suspended', 'blacklisted'] as const) {
    const score = scoreEnterprise({ now, facts: facts('甲', { ...strong, status }) });
    expect(score.score).toBeGreaterThan(90);
    expect(score.list).toBe(CreditList.punishment);
    expect(score.listReason).toContain(status);
  }
  const failed = scoreEnterprise({
    now,
    facts: facts('乙', { ...strong, inspections: [inspection({ outcome: 'fail', failed: 1 })] }),
  });
  expect(failed).toMatchObject({ list: CreditList.punishment });
  expect(failed.components.find((c) => c.key === 'inspections')?.points).toBe(0);
});

test('upheld complaints cost their points and bar a recommendation', () => {
  const score = scoreEnterprise({
    now,
    facts: facts('丙', {
      returnVisits: { count: 200, satisfactionSum: 1000 },
      workers: { total: 3, withValidTraining: 3 },
      upheldComplaints: [{ points: 2 }],
    }),
  });
  expect(score.components.find((c) => c.key === 'complaints')?.points).toBe(23);
  expect(score.score).toBeGreaterThanOrEqual(85);
  expect(score.list).toBe(CreditList.normal);
});

test('the lists: applicants are not scored; recommended best first, punishment worst first, ties by name', () => {
  const trained = { workers: { total: 4, withValidTraining: 4 } };
  const lists = computeCreditLists({
    now,
    facts: [
      facts('申请中', { status: 'applied', ...trained }),
      facts('被拒', { status: 'rejected', ...trained }),
      facts('西湖', trained),
      facts('滨江', trained),
      facts('上城', { returnVisits: { count: 10, satisfactionSum: 50 }, ...trained }),
      facts('新开', { status: 'approved' }),
      facts('黑名单', { status: 'blacklisted', ...trained }),
      facts('差评', { returnVisits: { count: 40, satisfactionSum: 60 } }),
    ],
  });
  expect(lists.computedAt).toBe(now);
  expect(lists.recommended.map((e) => [e.name, e.score])).toEqual([
    ['上城', 96.7],
    ['滨江', 90],
    ['西湖', 90],
  ]);
  expect(lists.normal.map((e) => e.name)).toEqual(['新开']);
  expect(lists.punishment.map((e) => [e.name, e.listReason.split(' ')[0]])).toEqual([
    ['差评', 'score'],
    ['黑名单', 'blacklisted,'],
  ]);
  expect(lists.recommended[0]).toMatchObject({
    enterpriseId: 'enterprise:hub:上城',
    kind: 'enterprise',
    status: 'active',
  });
});

test('a volunteer group is scored exactly as an enterprise with the same facts, and listed with its kind', () => {
  const same: Partial<CreditFacts> = {
    returnVisits: { count: 30, satisfactionSum: 141 },
    workers: { total: 5, withValidTraining: 4 },
    inspections: [inspection({ outcome: 'rectify', failed: 1 })],
    upheldComplaints: [{ points: 5 }],
    orders: { dispatched: 40, completed: 36, returnVisited: 30, rated: 30, satisfied: 27 },
  };
  const firm = facts('企业甲', same);
  const group = facts('志愿队乙', same);
  group.enterprise = { ...group.enterprise, kind: 'volunteer' };
  expect(scoreEnterprise({ facts: group, now })).toEqual(scoreEnterprise({ facts: firm, now }));
  for (const status of ['suspended', 'blacklisted'] as const) {
    const punished = (f: CreditFacts) =>
      scoreEnterprise({ facts: { ...f, enterprise: { ...f.enterprise, status } }, now });
    expect(punished(group)).toEqual(punished(firm));
  }

  const lists = computeCreditLists({ facts: [firm, group], now });
  const rows = [...lists.recommended, ...lists.normal, ...lists.punishment];
  const row = (name: string) => {
    const found = rows.find((r) => r.name === name);
    if (found === undefined) throw new Error(`${name} not listed`);
    return found;
  };
  const firmRow = row('企业甲');
  const groupRow = row('志愿队乙');
  expect([firmRow.kind, groupRow.kind]).toEqual(['enterprise', 'volunteer']);
  // 同一名单、同一分数、同样的分项说明。Same list, score and explained components.
  const comparable = (r: typeof firmRow) => ({
    status: r.status,
    score: r.score,
    list: r.list,
    listReason: r.listReason,
    components: r.components,
    figures: r.figures,
  });
  expect(comparable(groupRow)).toEqual(comparable(firmRow));
  // 数量指标：派单 40，完成 36（90%），回访 30，满意 27/30（90%）。The quantity figures, the same for both kinds.
  expect(groupRow.figures).toEqual({
    dispatched: 40,
    completed: 36,
    completionRate: 0.9,
    returnVisited: 30,
    satisfactionRate: 0.9,
  });
});

test('the quantity figures: rates rounded to 4 places, null (not 0) with nothing to divide by', () => {
  const lists = computeCreditLists({
    now,
    facts: [
      facts('新队', { orders: { dispatched: 0, completed: 0, returnVisited: 0, rated: 0, satisfied: 0 } }),
      facts('老队', { orders: { dispatched: 3, completed: 2, returnVisited: 1, rated: 3, satisfied: 2 } }),
    ],
  });
  const figures = new Map(
    [...lists.recommended, ...lists.normal, ...lists.punishment].map((e) => [e.name, e.figures]),
  );
  expect(figures.get('新队')).toEqual({
    dispatched: 0,
    completed: 0,
    completionRate: null,
    returnVisited: 0,
    satisfactionRate: null,
  });
  expect(figures.get('老队')).toEqual({
    dispatched: 3,
    completed: 2,
    completionRate: 0.6667,
    returnVisited: 1,
    satisfactionRate: 0.6667,
  });
});

test('the lists of one kind keep their order, rules and time', () => {
  const volunteer = (name: string, overrides: Parameters<typeof facts>[1] = {}): CreditFacts => {
    const f = facts(name, overrides);
    return { ...f, enterprise: { ...f.enterprise, kind: 'volunteer' } };
  };
  const trained = { workers: { total: 2, withValidTraining: 2 } };
  const all = computeCreditLists({
    now,
    facts: [
      facts('企业', { returnVisits: { count: 10, satisfactionSum: 50 }, ...trained }),
      volunteer('甲队', { returnVisits: { count: 10, satisfactionSum: 50 }, ...trained }),
      volunteer('乙队', { returnVisits: { count: 10, satisfactionSum: 45 }, ...trained }),
      volunteer('停队', { status: 'suspended' }),
    ],
  });
  const volunteers = filterCreditLists({ lists: all, kind: 'volunteer' });
  expect(volunteers.computedAt).toBe(all.computedAt);
  expect(volunteers.rules).toEqual(all.rules);
  expect(volunteers.recommended.map((e) => e.name)).toEqual(['甲队', '乙队']);
  expect(volunteers.punishment.map((e) => e.name)).toEqual(['停队']);
  expect(filterCreditLists({ lists: all, kind: 'enterprise' }).recommended.map((e) => e.name)).toEqual([
    '企业',
  ]);
  expect(filterCreditLists({ lists: all, kind: undefined })).toBe(all);
});
