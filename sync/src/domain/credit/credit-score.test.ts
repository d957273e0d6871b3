import fc from 'fast-check';
import { expect, test } from 'vitest';
import { computeCreditScore, defaultCreditRules, type CreditInput } from './credit-score';

const clean: CreditInput = {
  returnVisits: { count: 100, satisfactionSum: 480 },
  upheldComplaints: [],
  inspectionFindings: { minor: 0, major: 0, critical: 0 },
  workers: { total: 10, withValidTraining: 10 },
};

test('a well-rated, clean, fully trained enterprise is recommended, and each part is explained', () => {
  const result = computeCreditScore({ input: clean });
  expect(result.list).toBe('recommended');
  // (480 + 5 × 4) / 105 visits = 4.76 → 37.6 of 40
  expect(result.score).toBeCloseTo(37.6 + 25 + 20 + 15, 1);
  expect(result.components.map((c) => c.key)).toEqual([
    'satisfaction',
    'complaints',
    'inspections',
    'training',
  ]);
  expect(result.components[0]?.explanation).toMatch(/over 100 return visits/);
});

test('upheld complaints cost their penalty points and block a recommendation', () => {
  const result = computeCreditScore({ input: { ...clean, upheldComplaints: [{ points: 3 }] } });
  expect(result.components[1]?.points).toBe(22);
  expect(result.list).toBe('normal');
  expect(result.listReason).toMatch(/1 complaint\(s\) were upheld/);
});

test('a critical finding lists the enterprise for punishment whatever the score', () => {
  const result = computeCreditScore({
    input: { ...clean, inspectionFindings: { minor: 0, major: 0, critical: 1 } },
  });
  expect(result.score).toBeGreaterThan(defaultCreditRules.punishmentBelow);
  expect(result.list).toBe('punishment');
});

test('a low score lists for punishment; a new enterprise starts from the prior', () => {
  const poor = computeCreditScore({
    input: {
      returnVisits: { count: 50, satisfactionSum: 75 },
      upheldComplaints: [{ points: 10 }, { points: 10 }],
      inspectionFindings: { minor: 3, major: 1, critical: 0 },
      workers: { total: 4, withValidTraining: 1 },
    },
  });
  expect(poor.list).toBe('punishment');
  expect(poor.listReason).toMatch(/below 60/);
  const fresh = computeCreditScore({
    input: {
      ...clean,
      returnVisits: { count: 0, satisfactionSum: 0 },
      workers: { total: 0, withValidTraining: 0 },
    },
  });
  expect(fresh.components[0]?.points).toBe(30); // prior mean 4 → (4-1)/4 × 40
  expect(fresh.components[3]?.points).toBe(0);
});

test('impossible inputs are refused with the field named', () => {
  expect(() =>
    computeCreditScore({ input: { ...clean, returnVisits: { count: 2, satisfactionSum: 11 } } }),
  ).toThrow(/input.returnVisits.satisfactionSum/);
  expect(() =>
    computeCreditScore({ input: { ...clean, workers: { total: 1, withValidTraining: 2 } } }),
  ).toThrow(/input.workers.withValidTraining/);
  expect(() =>
    computeCreditScore({ input: clean, rules: { ...defaultCreditRules, priorSatisfaction: 9 } }),
  ).toThrow(/rules.priorSatisfaction/);
});

test('property: the score stays within 0–100, equals its parts, and never rises with more bad findings', () => {
  const inputArb = fc
    .record({
      count: fc.integer({ min: 0, max: 500 }),
      mean: fc.integer({ min: 1, max: 5 }),
      complaints: fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 6 }),
      minor: fc.integer({ min: 0, max: 10 }),
      major: fc.integer({ min: 0, max: 4 }),
      total: fc.integer({ min: 0, max: 50 }),
      trainedShare: fc.double({ min: 0, max: 1, noNaN: true }),
    })
    .map((r): CreditInput => ({
      returnVisits: { count: r.count, satisfactionSum: r.count * r.mean },
      upheldComplaints: r.complaints.map((points) => ({ points })),
      inspectionFindings: { minor: r.minor, major: r.major, critical: 0 },
      workers: { total: r.total, withValidTraining: Math.floor(r.total * r.trainedShare) },
    }));
  fc.assert(
    fc.property(inputArb, (input) => {
      const r = computeCreditScore({ input });
      expect(r.score).toBeGreaterThanOrEqual(0);
      expect(r.score).toBeLessThanOrEqual(100);
      expect(r.score).toBeCloseTo(
        r.components.reduce((s, c) => s + c.points, 0),
        5,
      );
      const worse = computeCreditScore({
        input: {
          ...input,
          inspectionFindings: { ...input.inspectionFindings, minor: input.inspectionFindings.minor + 1 },
        },
      });
      expect(worse.score).toBeLessThanOrEqual(r.score);
    }),
  );
});
