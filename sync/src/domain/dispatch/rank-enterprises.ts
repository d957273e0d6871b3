import { z } from 'zod';
import { isFreeCommunityService, itemCodeSchema } from '../catalogue/catalogue';
import { checkEnterpriseDispatchable, type EnterpriseState } from '../enterprise/enterprise';
import { parseInput } from '../errors';
import { qualificationSchema } from '../qualifications';
import { regionCodeSchema } from '../regions/regions';
import { checkWorkerEligibility, type Worker } from '../worker/worker';

/**
 * Ranks the enterprises that could take an order, best first, and says why for every rank and every
 * exclusion, so the call-taker can explain the choice and a supervisor can audit it. Pure: the caller
 * gathers enterprises, their workers and their figures from the projections.
 */
export const rankingWeightsSchema = z
  .object({ credit: z.number().min(0), load: z.number().min(0), rotation: z.number().min(0) })
  .refine((w) => w.credit + w.load + w.rotation > 0, { message: 'weights must not all be zero' });
export type RankingWeights = z.infer<typeof rankingWeightsSchema>;

export const defaultRankingWeights: RankingWeights = { credit: 50, load: 30, rotation: 20 };

/** Waiting this long since the last order earns the full rotation share; fairness beyond it is moot. */
export const rotationHorizonMs = 72 * 3_600_000;
/** A warned enterprise still gets orders, but below an otherwise equal clean one. */
export const warningPenalty = 10;

/**
 * 免费社区服务（探访、陪诊）先派给志愿者组织，没有志愿者能接时才派给企业。其余各项合计在 −10（受警告）到 100
 * 之间，加 120 分后任何合格的志愿者组织（即使受警告）都严格高于所有企业，不会同分。以分数而非另一套排序表达，是为了
 * 名次仍按总分、总分仍是各项之和。
 * A free community service goes to a volunteer group first, to an enterprise only when no volunteer group
 * can take it. The other parts add up to −10 (warned) … 100, so with 120 every eligible volunteer group, even
 * a warned one, is strictly above every enterprise, never tied. Points rather than a separate tier, so the
 * rank still follows the score and the score is still the sum of its reasons, as the call-taker sees them.
 */
export const volunteerPriorityPoints = 120;

const epochMsSchema = z.number().int().min(0).max(8_640_000_000_000_000);

export const dispatchRequestSchema = z.object({
  orderId: z.string().min(1).max(80),
  itemCode: itemCodeSchema,
  countyCode: regionCodeSchema,
  wantedAt: epochMsSchema.nullable(),
  durationMinutes: z.number().int().positive().nullable(),
  requiredQualifications: z.array(qualificationSchema),
  /** Enterprises that already declined or failed this order: not offered it again. */
  excludeEnterpriseIds: z.array(z.string()),
});
export type DispatchRequest = z.infer<typeof dispatchRequestSchema>;

export type DispatchCandidate = {
  enterprise: EnterpriseState;
  workers: readonly Worker[];
  creditScore: number;
  openOrders: number;
  lastDispatchedAt: number | null;
};

export const ExclusionReason = {
  previouslyDeclined: 'previously_declined',
  doesNotServeItem: 'does_not_serve_item',
  /** 志愿者组织只做免费社区服务。A volunteer group serves free community services only. */
  volunteerPaidItem: 'volunteer_paid_item',
  doesNotServeCounty: 'does_not_serve_county',
  notActive: 'not_active',
  suspended: 'suspended',
  blacklisted: 'blacklisted',
  agreementNotInForce: 'agreement_not_in_force',
  noEligibleWorker: 'no_eligible_worker',
} as const;
export type ExclusionReason = (typeof ExclusionReason)[keyof typeof ExclusionReason];

export type RankReason = {
  code: 'credit' | 'load' | 'rotation' | 'warned' | 'volunteer_first';
  points: number;
  detail: string;
};
export type RankedEnterprise = {
  enterpriseId: string;
  name: string;
  rank: number;
  score: number;
  reasons: RankReason[];
  eligibleWorkerIds: string[];
};
export type ExcludedEnterprise = {
  enterpriseId: string;
  name: string;
  reasons: { code: ExclusionReason; detail: string }[];
};
export type DispatchRanking = { ranked: RankedEnterprise[]; excluded: ExcludedEnterprise[] };

const round1 = (n: number) => Math.round(n * 10) / 10;

function findEligibleWorkers(options: {
  request: DispatchRequest;
  workers: readonly Worker[];
  enterpriseId: string;
  now: number;
}): { ids: string[]; why: string } {
  const { request, workers, enterpriseId, now } = options;
  const from = request.wantedAt ?? now;
  const window =
    request.durationMinutes === null ? undefined : { from, to: from + request.durationMinutes * 60_000 };
  const ids: string[] = [];
  const tally = new Map<string, number>();
  for (const worker of workers) {
    if (worker.enterpriseId !== enterpriseId) continue;
    const e = checkWorkerEligibility({ worker, required: request.requiredQualifications, at: now, window });
    if (e.eligible) ids.push(worker.id);
    for (const r of e.reasons) {
      const key = r.qualification ? `${r.code}:${r.qualification}` : r.code;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
  }
  const why = [...tally].map(([k, n]) => `${n}× ${k}`).join(', ');
  return { ids, why: workers.length === 0 ? 'no workers registered' : why };
}

export function rankEnterprises(options: {
  request: DispatchRequest;
  candidates: readonly DispatchCandidate[];
  now: number;
  weights?: RankingWeights;
}): DispatchRanking {
  const request = parseInput({ schema: dispatchRequestSchema, input: options.request, what: 'request' });
  const weights = parseInput({
    schema: rankingWeightsSchema,
    input: options.weights ?? defaultRankingWeights,
    what: 'weights',
  });
  const total = weights.credit + weights.load + weights.rotation;
  const { now } = options;
  const freeService = isFreeCommunityService({ code: request.itemCode });

  const scored: Omit<RankedEnterprise, 'rank'>[] = [];
  const excluded: ExcludedEnterprise[] = [];
  for (const c of options.candidates) {
    const e = c.enterprise;
    const reasons: ExcludedEnterprise['reasons'] = [];
    if (request.excludeEnterpriseIds.includes(e.id)) {
      reasons.push({
        code: ExclusionReason.previouslyDeclined,
        detail: 'already declined or failed this order',
      });
    }
    if (!e.items.includes(request.itemCode)) {
      reasons.push({ code: ExclusionReason.doesNotServeItem, detail: `does not offer ${request.itemCode}` });
    } else if (e.kind === 'volunteer' && !freeService) {
      // 只在志愿者组织列出了收费项目时（规则之前的记录）才需要；未列出的已被 does_not_serve_item 排除。
      // Needed only when it lists a paid item (a record made before the rule); one that does not is excluded above.
      reasons.push({
        code: ExclusionReason.volunteerPaidItem,
        detail: `a volunteer group serves only free community services, not ${request.itemCode}`,
      });
    }
    if (!e.counties.includes(request.countyCode)) {
      reasons.push({
        code: ExclusionReason.doesNotServeCounty,
        detail: `does not serve county ${request.countyCode}`,
      });
    }
    const status = checkEnterpriseDispatchable({ enterprise: e, at: now });
    if (status.reason) reasons.push({ code: status.reason, detail: `enterprise is ${e.status}` });
    const workers = findEligibleWorkers({ request, workers: c.workers, enterpriseId: e.id, now });
    if (workers.ids.length === 0) {
      reasons.push({
        code: ExclusionReason.noEligibleWorker,
        detail: `no trained worker free: ${workers.why}`,
      });
    }
    if (reasons.length > 0) {
      excluded.push({ enterpriseId: e.id, name: e.name, reasons });
      continue;
    }

    const credit = (Math.min(100, Math.max(0, c.creditScore)) / 100) * (weights.credit / total) * 100;
    const free = workers.ids.length;
    const load = (free / (free + Math.max(0, c.openOrders))) * (weights.load / total) * 100;
    const idleMs = c.lastDispatchedAt === null ? rotationHorizonMs : Math.max(0, now - c.lastDispatchedAt);
    const rotation =
      (Math.min(idleMs, rotationHorizonMs) / rotationHorizonMs) * (weights.rotation / total) * 100;
    const rankReasons: RankReason[] = [
      { code: 'credit', points: round1(credit), detail: `credit score ${c.creditScore}` },
      { code: 'load', points: round1(load), detail: `${c.openOrders} open orders, ${free} eligible workers` },
      {
        code: 'rotation',
        points: round1(rotation),
        detail:
          c.lastDispatchedAt === null
            ? 'never dispatched to yet'
            : `${Math.round(idleMs / 3_600_000)} h since last order`,
      },
    ];
    if (e.status === 'warned')
      rankReasons.push({ code: 'warned', points: -warningPenalty, detail: 'under a warning' });
    if (freeService && e.kind === 'volunteer') {
      rankReasons.push({
        code: 'volunteer_first',
        points: volunteerPriorityPoints,
        detail: 'free community service: volunteer groups are offered it before enterprises',
      });
    }
    const score = round1(rankReasons.reduce((s, r) => s + r.points, 0));
    scored.push({
      enterpriseId: e.id,
      name: e.name,
      score,
      reasons: rankReasons,
      eligibleWorkerIds: workers.ids,
    });
  }
  // Equal scores fall back to the id so that every replica shows the same order.
  scored.sort((a, b) => b.score - a.score || (a.enterpriseId < b.enterpriseId ? -1 : 1));
  return { ranked: scored.map((s, i) => ({ ...s, rank: i + 1 })), excluded };
}
