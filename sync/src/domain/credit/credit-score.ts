import { z } from 'zod';
import { parseInput } from '../errors';

/**
 * The enterprise credit score (信用分), 0–100, built so that every point can be explained to the
 * enterprise it is about. Four parts:
 *   satisfaction  40  mean return-visit score, pulled towards a neutral prior while there are few visits
 *   complaints    25  minus the penalty points of upheld complaints (dismissed ones cost nothing)
 *   inspections   20  minus points per finding by severity
 *   training      15  share of the enterprise's workers with valid pre-post training
 */
const count = z.number().int().min(0).max(10_000_000);

export const creditInputSchema = z.object({
  returnVisits: z
    .object({ count, satisfactionSum: z.number().int().min(0).max(50_000_000) })
    .refine((v) => v.satisfactionSum >= v.count && v.satisfactionSum <= v.count * 5, {
      message: 'satisfactionSum must lie between count and 5 × count',
      path: ['satisfactionSum'],
    }),
  upheldComplaints: z.array(z.object({ points: z.number().int().min(0).max(100) })).max(10_000),
  inspectionFindings: z.object({ minor: count, major: count, critical: count }),
  workers: z
    .object({ total: count, withValidTraining: count })
    .refine((w) => w.withValidTraining <= w.total, {
      message: 'cannot exceed total',
      path: ['withValidTraining'],
    }),
});
export type CreditInput = z.infer<typeof creditInputSchema>;

export const creditRulesSchema = z.object({
  /** Visits the prior is worth, and its mean: a new enterprise starts as if rated this often this well. */
  priorVisits: z.number().min(0).max(1000),
  priorSatisfaction: z.number().min(1).max(5),
  inspectionPoints: z.object({
    minor: z.number().min(0),
    major: z.number().min(0),
    critical: z.number().min(0),
  }),
  recommendedAtLeast: z.number().min(0).max(100),
  punishmentBelow: z.number().min(0).max(100),
});
export type CreditRules = z.infer<typeof creditRulesSchema>;

export const defaultCreditRules: CreditRules = {
  priorVisits: 5,
  priorSatisfaction: 4,
  inspectionPoints: { minor: 2, major: 6, critical: 20 },
  recommendedAtLeast: 85,
  punishmentBelow: 60,
};

export const CreditList = { recommended: 'recommended', normal: 'normal', punishment: 'punishment' } as const;
export type CreditList = (typeof CreditList)[keyof typeof CreditList];

export type CreditComponent = {
  key: 'satisfaction' | 'complaints' | 'inspections' | 'training';
  points: number;
  max: number;
  explanation: string;
};

export type CreditScore = {
  score: number;
  components: CreditComponent[];
  list: CreditList;
  listReason: string;
};

const round1 = (n: number) => Math.round(n * 10) / 10;

export function computeCreditScore(options: { input: CreditInput; rules?: CreditRules }): CreditScore {
  const input = parseInput({ schema: creditInputSchema, input: options.input, what: 'input' });
  const rules = parseInput({
    schema: creditRulesSchema,
    input: options.rules ?? defaultCreditRules,
    what: 'rules',
  });

  const { count: visits, satisfactionSum } = input.returnVisits;
  const mean =
    (satisfactionSum + rules.priorVisits * rules.priorSatisfaction) / (visits + rules.priorVisits || 1);
  const satisfaction = round1(((mean - 1) / 4) * 40);

  const penalty = input.upheldComplaints.reduce((s, c) => s + c.points, 0);
  const complaints = Math.max(0, 25 - penalty);

  const f = input.inspectionFindings;
  const deducted =
    f.minor * rules.inspectionPoints.minor +
    f.major * rules.inspectionPoints.major +
    f.critical * rules.inspectionPoints.critical;
  const inspections = Math.max(0, 20 - deducted);

  const { total, withValidTraining } = input.workers;
  const share = total === 0 ? 0 : withValidTraining / total;
  const training = round1(share * 15);

  const components: CreditComponent[] = [
    {
      key: 'satisfaction',
      points: satisfaction,
      max: 40,
      explanation: `mean satisfaction ${mean.toFixed(2)} over ${visits} return visits (with ${rules.priorVisits} assumed at ${rules.priorSatisfaction})`,
    },
    {
      key: 'complaints',
      points: complaints,
      max: 25,
      explanation: `${input.upheldComplaints.length} upheld complaints costing ${penalty} points`,
    },
    {
      key: 'inspections',
      points: inspections,
      max: 20,
      explanation: `${f.minor} minor, ${f.major} major, ${f.critical} critical inspection findings costing ${deducted} points`,
    },
    {
      key: 'training',
      points: training,
      max: 15,
      explanation: `${withValidTraining} of ${total} workers hold valid pre-post training`,
    },
  ];
  const score = round1(components.reduce((s, c) => s + c.points, 0));

  // A critical finding (e.g. an untrained worker sent into a home) lists the enterprise for punishment
  // whatever its other figures; a recommendation needs a clean complaint record as well as the score.
  let list: CreditList = CreditList.normal;
  let listReason = `score ${score} between ${rules.punishmentBelow} and ${rules.recommendedAtLeast}`;
  if (f.critical > 0) {
    list = CreditList.punishment;
    listReason = `${f.critical} critical inspection finding(s)`;
  } else if (score < rules.punishmentBelow) {
    list = CreditList.punishment;
    listReason = `score ${score} below ${rules.punishmentBelow}`;
  } else if (score >= rules.recommendedAtLeast && input.upheldComplaints.length === 0) {
    list = CreditList.recommended;
    listReason = `score ${score} at least ${rules.recommendedAtLeast} with no upheld complaints`;
  } else if (score >= rules.recommendedAtLeast) {
    listReason = `score ${score} is high but ${input.upheldComplaints.length} complaint(s) were upheld`;
  }
  return { score, components, list, listReason };
}
