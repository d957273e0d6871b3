import { z } from 'zod';

/** A seeded source of numbers in [0, 1): the same seed replays the same day of calls. */
export type Random = { next(): number };

/** mulberry32: tiny, fast and good enough for arrival times and talk times (not for cryptography). */
export function createRandom(options: { seed: number }): Random {
  let state = options.seed >>> 0;
  return {
    next() {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

const boundsSchema = { min: z.number().nonnegative().optional(), max: z.number().positive().optional() };

/** How long something lasts, in seconds: talk time, a caller's patience, an agent's time to pick up. */
export const distributionSchema = z.discriminatedUnion('distribution', [
  z.object({ distribution: z.literal('fixed'), value: z.number().nonnegative() }).strict(),
  z
    .object({ distribution: z.literal('uniform'), min: z.number().nonnegative(), max: z.number().positive() })
    .strict()
    .refine((d) => d.min <= d.max, { message: 'min must not exceed max' }),
  z.object({ distribution: z.literal('exponential'), mean: z.number().positive(), ...boundsSchema }).strict(),
  z
    .object({
      distribution: z.literal('lognormal'),
      /** The median; a log-normal fits call talk times well (many short calls, a long tail). */
      median: z.number().positive(),
      sigma: z.number().positive(),
      ...boundsSchema,
    })
    .strict(),
  z
    .object({
      distribution: z.literal('normal'),
      mean: z.number(),
      sd: z.number().nonnegative(),
      ...boundsSchema,
    })
    .strict(),
]);
export type Distribution = z.infer<typeof distributionSchema>;

function standardNormal(random: Random): number {
  // Box–Muller; 1 - next() keeps the logarithm away from zero.
  const u = 1 - random.next();
  const v = random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function clamp(value: number, min: number | undefined, max: number | undefined): number {
  let result = value;
  if (min !== undefined) result = Math.max(min, result);
  if (max !== undefined) result = Math.min(max, result);
  return Math.max(0, result);
}

/** Draws one value (in the distribution's unit, seconds in scenarios). */
export function sampleDistribution(options: { random: Random; distribution: Distribution }): number {
  const { random, distribution: d } = options;
  switch (d.distribution) {
    case 'fixed':
      return d.value;
    case 'uniform':
      return d.min + (d.max - d.min) * random.next();
    case 'exponential':
      return clamp(-d.mean * Math.log(1 - random.next()), d.min, d.max);
    case 'lognormal':
      return clamp(d.median * Math.exp(d.sigma * standardNormal(random)), d.min, d.max);
    case 'normal':
      return clamp(d.mean + d.sd * standardNormal(random), d.min, d.max);
  }
}
