// The county's callers: 200,000 citizens with real-looking numbers (mobiles `+861…`, Hangzhou fixed lines
// `+86571…`) and names, and how often each calls. Deterministic from a seed, so the seeding process and the
// bench draw the same people.
import { createRandom, pick, randomInt, type Random } from './random';

export type Citizen = {
  /** E.164, as the appliance stores callers and the projections store citizens' phones. */
  phone: string;
  kind: 'mobile' | 'landline';
  name: string;
};

export type Population = {
  citizens: Citizen[];
  /** Relative calling frequency per citizen (Zipf-like: a few call every day, most once or twice). */
  weights: Float64Array;
  /** Citizens ordered by weight, heaviest first (indexes into `citizens`). */
  byWeight: Int32Array;
};

// Mobile number blocks of the three carriers (all valid for libphonenumber's metadata).
const MOBILE_PREFIXES = [
  '130', '131', '132', '133', '134', '135', '136', '137', '138', '139', '147', '150', '151', '152', '153',
  '155', '156', '157', '158', '159', '166', '173', '175', '176', '177', '178', '180', '181', '182', '183',
  '184', '185', '186', '187', '188', '189', '191', '198', '199',
]; // prettier-ignore

// Hangzhou (0571) local numbers are eight digits; most start with 8, some with 5, 2 or 6.
const FIXED_FIRST_DIGITS = ['8', '8', '8', '8', '5', '2', '6'];

const SURNAMES = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
];
const GIVEN = [
  ...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强红梅玉兰凤英淑珍海燕文斌浩宇子涵欣怡梓轩雨桐佳琪思远晓明春花秋菊冬梅国庆建军卫东小红小平',
];

/** Zipf exponent and offset: the heaviest caller rings ~1,800 times in two years, the median one or two. */
const ZIPF_S = 0.8;
const ZIPF_Q = 20;

function digits(random: Random, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += String(randomInt(random, 10));
  return out;
}

function mobile(random: Random): string {
  return `+86${pick(random, MOBILE_PREFIXES)}${digits(random, 8)}`;
}

function landline(random: Random): string {
  return `+86571${pick(random, FIXED_FIRST_DIGITS)}${digits(random, 7)}`;
}

function name(random: Random): string {
  const given = random() < 0.35 ? pick(random, GIVEN) : pick(random, GIVEN) + pick(random, GIVEN);
  return pick(random, SURNAMES) + given.slice(0, 2);
}

export function buildPopulation(options: { citizens: number; seed: number }): Population {
  const random = createRandom(options.seed);
  const seen = new Set<string>();
  const citizens: Citizen[] = [];
  while (citizens.length < options.citizens) {
    const kind = random() < 0.85 ? 'mobile' : 'landline';
    const phone = kind === 'mobile' ? mobile(random) : landline(random);
    if (seen.has(phone)) continue;
    seen.add(phone);
    citizens.push({ phone, kind, name: name(random) });
  }
  // Ranks in a shuffled order, so heavy callers are not all of one kind or one number block.
  const ranks = Int32Array.from({ length: citizens.length }, (_, i) => i);
  for (let i = ranks.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    const a = ranks[i] ?? 0;
    ranks[i] = ranks[j] ?? 0;
    ranks[j] = a;
  }
  const weights = new Float64Array(citizens.length);
  const byWeight = new Int32Array(citizens.length);
  for (let i = 0; i < citizens.length; i++) {
    const rank = ranks[i] ?? 0;
    weights[i] = 1 / Math.pow(rank + 1 + ZIPF_Q, ZIPF_S);
    byWeight[rank] = i;
  }
  return { citizens, weights, byWeight };
}

/**
 * The caller ID as a switch in Hangzhou presents it: mobiles mostly as 11 national digits (sometimes with
 * +86, or the 0 trunk prefix of an out-of-town mobile), local fixed lines as 8 digits or with 0571.
 */
export function callerIdOf(random: Random, citizen: Citizen): string {
  const r = random();
  if (citizen.kind === 'mobile') {
    const national = citizen.phone.slice(3);
    return r < 0.9 ? national : r < 0.96 ? citizen.phone : `0${national}`;
  }
  const local = citizen.phone.slice(6);
  return r < 0.8 ? local : `0571${local}`;
}

/** Numbers that are not in the population: callers the appliance has never seen. */
export function unknownNumbers(options: { population: Population; count: number; seed: number }): string[] {
  const random = createRandom(options.seed);
  const known = new Set(options.population.citizens.map((c) => c.phone));
  const out: string[] = [];
  while (out.length < options.count) {
    const phone = random() < 0.85 ? mobile(random) : landline(random);
    if (!known.has(phone)) out.push(phone);
  }
  return out;
}
