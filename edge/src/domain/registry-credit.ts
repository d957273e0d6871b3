import {
  computeCreditScore,
  CreditList,
  defaultCreditRules,
  EnterpriseStatus,
  InspectionOutcome,
  InspectionStatus,
  type CreditComponent,
  type CreditRules,
  type CreditScore,
  type EnterpriseState,
  type InspectionState,
} from '@jiazheng/sync/domain';
import { roundTo } from './order-report';

/*
 * The credit lists (信用名单) of the registry: every enterprise the registry has approved, scored by the
 * sync domain's computeCreditScore from what the hub's records say about it, and sorted onto the
 * recommended, normal and punishment lists. Pure: the facts are gathered by an adapter
 * (adapters/sync/hub-registry.ts) and the result cached by services/credit-list-service.ts.
 */

/** Findings older than this no longer cost points: an enterprise that put things right recovers in a year. */
export const INSPECTION_WINDOW_MS = 365 * 24 * 3600 * 1000;

/** What the hub knows about one enterprise, gathered from its records and the projections. */
export type CreditFacts = {
  enterprise: Pick<EnterpriseState, 'id' | 'name' | 'kind' | 'status'>;
  /** Orders it served whose latest reached return visit was rated: how many, and the sum of the ratings 1–5. */
  returnVisits: { count: number; satisfactionSum: number };
  /** Its workers who have not left, and how many of them hold valid pre-post training now. */
  workers: { total: number; withValidTraining: number };
  inspections: readonly Pick<InspectionState, 'status' | 'outcome' | 'completedAt' | 'findings'>[];
  /** Penalty points of complaints upheld against it (complaint records: see hub-registry.ts). */
  upheldComplaints: readonly { points: number }[];
  /**
   * 派给它的工单的数量指标（来自 orders 投影，口径同统计报表）。The quantity figures of the orders dispatched to it,
   * from the `orders` projection and counted as the order statistics count them: dispatched (the order's
   * current dispatch names it), completed (served, or closed as served), completed with a return visit,
   * rated (latest reached return visit scored) and satisfied (rated 4–5).
   */
  orders: { dispatched: number; completed: number; returnVisited: number; rated: number; satisfied: number };
};

/**
 * 数量指标，企业和志愿者组织同一口径；比率为小数，保留 4 位，分母为 0 时为 null（不是 0）。
 * The quantity figures of a list row, the same for enterprises and volunteer groups. Rates are fractions
 * rounded to 4 places, null when there is nothing to divide by (not 0), as in the order statistics.
 */
export type CreditFigures = {
  dispatched: number;
  completed: number;
  /** completed / dispatched */
  completionRate: number | null;
  /** completed orders with at least one return visit */
  returnVisited: number;
  /** satisfied (4–5) / rated */
  satisfactionRate: number | null;
};

export type CreditEntry = {
  enterpriseId: string;
  name: string;
  kind: EnterpriseState['kind'];
  status: EnterpriseState['status'];
  score: number;
  list: CreditList;
  listReason: string;
  components: CreditComponent[];
  figures: CreditFigures;
};

export type CreditLists = {
  /** Epoch ms, like every time in the records. */
  computedAt: number;
  rules: CreditRules;
  recommended: CreditEntry[];
  punishment: CreditEntry[];
  normal: CreditEntry[];
};

function rate(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : roundTo({ value: numerator / denominator, places: 4 });
}

export function creditFigures(options: { orders: CreditFacts['orders'] }): CreditFigures {
  const o = options.orders;
  return {
    dispatched: o.dispatched,
    completed: o.completed,
    completionRate: rate(o.completed, o.dispatched),
    returnVisited: o.returnVisited,
    satisfactionRate: rate(o.satisfied, o.rated),
  };
}

/** Enterprises the registry has approved: applicants and rejected applications have no credit yet. */
const SCORED: ReadonlySet<string> = new Set([
  EnterpriseStatus.approved,
  EnterpriseStatus.active,
  EnterpriseStatus.warned,
  EnterpriseStatus.suspended,
  EnterpriseStatus.blacklisted,
]);

export function isScored(options: { status: string }): boolean {
  return SCORED.has(options.status);
}

/**
 * Inspection findings by severity, since inspectors record items as passed or failed and the inspection's
 * outcome says how grave the failures were: a failed item of an inspection to be rectified is minor, of a
 * failed inspection major, and the failed inspection itself one critical finding (which alone lists the
 * enterprise for punishment). Only completed inspections within INSPECTION_WINDOW_MS of `now` count.
 */
export function countInspectionFindings(options: { inspections: CreditFacts['inspections']; now: number }): {
  minor: number;
  major: number;
  critical: number;
} {
  const counts = { minor: 0, major: 0, critical: 0 };
  for (const inspection of options.inspections) {
    if (inspection.status !== InspectionStatus.completed || inspection.completedAt === null) continue;
    if (inspection.completedAt < options.now - INSPECTION_WINDOW_MS) continue;
    const failed = inspection.findings.filter((f) => !f.passed).length;
    if (inspection.outcome === InspectionOutcome.rectify) counts.minor += failed;
    if (inspection.outcome === InspectionOutcome.fail) {
      counts.major += failed;
      counts.critical += 1;
    }
  }
  return counts;
}

/**
 * One enterprise's score with its explained parts; a suspended or blacklisted one is punished whatever it
 * scores. 志愿者组织与企业同样计分：kind 不参与。A volunteer group is scored exactly as an enterprise: kind
 * plays no part, so the two are compared on the same figures.
 */
export function scoreEnterprise(options: {
  facts: CreditFacts;
  now: number;
  rules?: CreditRules;
}): CreditScore {
  const { facts, now } = options;
  const score = computeCreditScore({
    input: {
      returnVisits: facts.returnVisits,
      upheldComplaints: [...facts.upheldComplaints],
      inspectionFindings: countInspectionFindings({ inspections: facts.inspections, now }),
      workers: facts.workers,
    },
    rules: options.rules ?? defaultCreditRules,
  });
  const status = facts.enterprise.status;
  if (status === EnterpriseStatus.blacklisted || status === EnterpriseStatus.suspended) {
    return {
      ...score,
      list: CreditList.punishment,
      listReason: `${status}, whatever the score (${score.score})`,
    };
  }
  return score;
}

/**
 * The three lists. Recommended and normal best first; punishment worst first (the first to act on).
 * Ties by name, as a Chinese reader sorts.
 */
export function computeCreditLists(options: {
  facts: readonly CreditFacts[];
  now: number;
  rules?: CreditRules;
}): CreditLists {
  const rules = options.rules ?? defaultCreditRules;
  const lists: CreditLists = { computedAt: options.now, rules, recommended: [], punishment: [], normal: [] };
  for (const facts of options.facts) {
    if (!isScored({ status: facts.enterprise.status })) continue;
    const score = scoreEnterprise({ facts, now: options.now, rules });
    lists[score.list].push({
      enterpriseId: facts.enterprise.id,
      name: facts.enterprise.name,
      kind: facts.enterprise.kind,
      status: facts.enterprise.status,
      score: score.score,
      list: score.list,
      listReason: score.listReason,
      components: score.components,
      figures: creditFigures({ orders: facts.orders }),
    });
  }
  const collator = new Intl.Collator('zh-CN');
  const byName = (a: CreditEntry, b: CreditEntry) => collator.compare(a.name, b.name);
  lists.recommended.sort((a, b) => b.score - a.score || byName(a, b));
  lists.normal.sort((a, b) => b.score - a.score || byName(a, b));
  lists.punishment.sort((a, b) => a.score - b.score || byName(a, b));
  return lists;
}

/** The lists of one kind only (`?kind=`), each list still in its order; the rules and time unchanged. */
export function filterCreditLists(options: {
  lists: CreditLists;
  kind: EnterpriseState['kind'] | undefined;
}): CreditLists {
  const { lists, kind } = options;
  if (kind === undefined) return lists;
  const only = (entries: CreditEntry[]) => entries.filter((e) => e.kind === kind);
  return {
    ...lists,
    recommended: only(lists.recommended),
    punishment: only(lists.punishment),
    normal: only(lists.normal),
  };
}
