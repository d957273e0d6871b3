// Deterministic randomness for the bench: the same seed gives the same citizens, calls and orders, so the
// parent process can rebuild the population (to draw callers) without reading it back from the database.

export type Random = () => number;

/** mulberry32: small, fast, good enough for test data (not for anything secret). */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomInt(random: Random, below: number): number {
  return Math.floor(random() * below);
}

export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[randomInt(random, items.length)];
  if (item === undefined) throw new Error('pick: empty list');
  return item;
}

/** A value between min and max, log-normally spread around the median (talk times, waits). */
export function logNormal(
  random: Random,
  options: { median: number; sigma: number; min: number; max: number },
) {
  // Box–Muller; 1 - random() keeps the logarithm finite.
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.min(options.max, Math.max(options.min, options.median * Math.exp(options.sigma * z)));
}

const HEX = '0123456789abcdef';

export function randomHex(random: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += HEX[randomInt(random, 16)];
  return out;
}

/** A version-4-shaped UUID, as FreeSWITCH gives channels. */
export function randomUuid(random: Random): string {
  const h = randomHex(random, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${HEX[8 + randomInt(random, 4)]}${h.slice(17, 20)}-${h.slice(20)}`;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID for a given time (the product's `createId` is monotonic, so it cannot be given past times). */
export function ulidAt(random: Random, ms: number): string {
  let time = '';
  let rest = Math.floor(ms);
  for (let i = 0; i < 10; i++) {
    time = (CROCKFORD[rest % 32] ?? '0') + time;
    rest = Math.floor(rest / 32);
  }
  let tail = '';
  for (let i = 0; i < 16; i++) tail += CROCKFORD[randomInt(random, 32)];
  return time + tail;
}

/**
 * Draws indexes in proportion to weights: built once over a cumulative table, then a binary search per
 * draw (200,000 weights, a million draws: well under a second).
 */
export class WeightedPicker {
  readonly #cumulative: Float64Array;

  constructor(weights: ArrayLike<number>) {
    this.#cumulative = new Float64Array(weights.length);
    let sum = 0;
    for (let i = 0; i < weights.length; i++) {
      sum += weights[i] ?? 0;
      this.#cumulative[i] = sum;
    }
  }

  draw(random: Random): number {
    const cumulative = this.#cumulative;
    const target = random() * (cumulative[cumulative.length - 1] ?? 0);
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] ?? 0) > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
