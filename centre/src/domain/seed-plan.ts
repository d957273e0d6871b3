import { findItem, type Qualification } from '@jiazheng/sync/domain';
import type { DemoCounty } from './demo-logins';
import { seedRecordId } from './seed-ids';

/**
 * The demo data, decided without IO from a seed and a clock: the enterprises and their workers the
 * registry officer brings in at the hub, and a month of each county's orders as the commands its
 * call-takers' devices propose, each at the time it happened. Every enterprise, worker and order has its
 * record id here, made from the plan (`seedRecordId`), not by chance: the same seed and clock give the same
 * ids, so a seeding interrupted and started again can skip what its home already holds. Steps name
 * enterprises and workers by their index in the plan.
 */

const minuteMs = 60_000;
const hourMs = 60 * minuteMs;
const dayMs = 24 * hourMs;
/** China time (UTC+8): the working day and the reports' days are in it. */
const chinaOffsetMs = 8 * hourMs;

/** A small, fast, seedable generator (mulberry32): the same seed gives the same centre. */
export type Random = {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
};

export function createRandom(seed: number): Random {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(0, items.length - 1)] as T;
    },
    chance: (p: number) => next() < p,
  };
}

// ── Enterprises and workers ────────────────────────────────────────────────────────────────────────

export type WorkerSeed = {
  /** Its record id (`worker:hub:…`). */
  id: string;
  name: string;
  /** As the registry keeps it: region, eight stars, the last four characters. */
  idNumberMasked: string;
  phone: string;
  /** Every qualification the enterprise's items need. */
  qualifications: Qualification[];
  /** When the pre-post training was passed (before any order of the history). */
  trainedAt: number;
  examScore: number;
};

export type EnterpriseSeed = {
  /** Its record id (`enterprise:hub:…`). */
  id: string;
  name: string;
  /** A unified social credit code with a correct check character. */
  licenceNumber: string;
  contactName: string;
  contactPhone: string;
  counties: string[];
  items: string[];
  /** The quality-assurance agreement: in force over the whole history. */
  agreement: { number: string; validFrom: number; validTo: number };
  workers: WorkerSeed[];
};

type EnterpriseTemplate = { suffix: string; items: readonly string[] };

/** What a county's affiliated enterprises offer, across the catalogue's categories. */
const COUNTY_TEMPLATES: readonly EnterpriseTemplate[] = [
  { suffix: '阿姨家政服务有限公司', items: ['FAM-NANNY', 'FAM-HOURLY', 'FAM-CLEANING'] },
  { suffix: '月嫂育婴服务有限公司', items: ['FAM-MATERNITY', 'FAM-CHILDCARE'] },
  { suffix: '洁净保洁服务有限公司', items: ['FAM-CLEANING', 'FAM-NEW-HOME-CLEAN', 'FAM-APPLIANCE-CLEANING'] },
  { suffix: '搬家服务有限公司', items: ['FAM-MOVING'] },
  { suffix: '家电维修服务部', items: ['MNT-APPLIANCE', 'MNT-AIRCON'] },
  { suffix: '水电维修服务部', items: ['MNT-WATER', 'MNT-DRAIN', 'MNT-ELECTRICAL'] },
  { suffix: '开锁修缮服务部', items: ['MNT-LOCKSMITH', 'MNT-HOUSE', 'MNT-DAILY-GOODS'] },
  { suffix: '居家养老服务中心', items: ['ELD-HOME-CARE', 'ELD-DAY-CARE', 'ELD-MEALS', 'ELD-VISIT'] },
  { suffix: '康复护理服务有限公司', items: ['ELD-MEDICAL-CARE', 'ELD-REHAB', 'FAM-ESCORT'] },
  { suffix: '电脑通讯维修部', items: ['MNT-COMPUTER', 'MNT-TELECOM'] },
  { suffix: '再生资源回收有限公司', items: ['SHP-RECYCLING', 'SHP-DELIVERY'] },
  { suffix: '房产经纪有限公司', items: ['HSE-AGENT'] },
  { suffix: '律师事务所', items: ['LAW-CONSULT', 'LAW-DOCUMENTS'] },
  { suffix: '燃气服务有限公司', items: ['MNT-GAS', 'FAM-LPG'] },
  { suffix: '物业服务有限公司', items: ['PRP-WATER', 'PRP-LIGHTING', 'PRP-GARAGE'] },
];

/** Enterprises that serve both counties (chains). */
const CHAINS: readonly { name: string; items: readonly string[] }[] = [
  { name: '杭州安心家政连锁有限公司', items: ['FAM-NANNY', 'FAM-HOURLY', 'FAM-ELDER-COMPANION'] },
  { name: '杭州快修侠家电维修有限公司', items: ['MNT-APPLIANCE', 'MNT-AIRCON', 'MNT-WATER'] },
  { name: '杭州颐康养老服务集团有限公司', items: ['ELD-HOME-CARE', 'ELD-VISIT', 'ELD-MEALS'] },
];

/** Place names used as brands, per county (streets and neighbourhoods of each district). */
const BRANDS: Readonly<Record<string, readonly string[]>> = {
  '330106': [
    '西湖',
    '灵隐',
    '龙井',
    '北山',
    '文三',
    '翠苑',
    '蒋村',
    '留下',
    '转塘',
    '古荡',
    '西溪',
    '三墩',
    '双浦',
    '之江',
    '紫金',
  ],
  '330102': [
    '上城',
    '清波',
    '湖滨',
    '小营',
    '望江',
    '南星',
    '紫阳',
    '钱江',
    '四季青',
    '凯旋',
    '采荷',
    '闸弄口',
    '笕桥',
    '九堡',
    '彭埠',
  ],
};
const FALLBACK_BRANDS = [
  '安康',
  '福泰',
  '顺心',
  '惠民',
  '同心',
  '和美',
  '利民',
  '万家',
  '佳和',
  '乐邦',
  '众诚',
  '信达',
  '宏远',
  '永安',
  '嘉禾',
];

const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '林',
  '罗',
  '高',
];
const GIVEN = [
  '秀英',
  '桂芳',
  '建国',
  '丽华',
  '海燕',
  '志强',
  '红梅',
  '玉兰',
  '国平',
  '春花',
  '伟',
  '敏',
  '静',
  '磊',
  '军',
  '芳',
  '娟',
  '勇',
  '艳',
  '杰',
  '晓东',
  '美华',
  '金凤',
  '永华',
];

/** The credit code's alphabet (GB 32100-2015: no I, O, Z, S, V) and weights. */
const CREDIT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** A unified social credit code: `91` (enterprise, company), the region, an organisation code, check. */
export function makeCreditCode(options: { regionCode: string; random: Random }): string {
  let body = `91${options.regionCode}`;
  while (body.length < 17) body += CREDIT_ALPHABET[options.random.int(0, 30)] ?? '0';
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_ALPHABET.indexOf(body[i] ?? '0') * (CREDIT_WEIGHTS[i] ?? 0);
  return body + (CREDIT_ALPHABET[(31 - (sum % 31)) % 31] ?? '0');
}

function personName(random: Random): string {
  return random.pick(SURNAMES) + random.pick(GIVEN);
}

/** A fictional mobile number in the 139 0571 range (杭州), unlike the simulator's 1380013xxxx citizens. */
function mobile(random: Random, prefix = '1390571'): string {
  return `${prefix}${String(random.int(0, 9999)).padStart(4, '0')}`;
}

function qualificationsFor(items: readonly string[]): Qualification[] {
  return [...new Set(items.flatMap((code) => findItem({ code })?.standard.qualifications ?? []))];
}

function makeWorkers(options: {
  random: Random;
  count: number;
  regionCode: string;
  items: readonly string[];
  now: number;
  /** Makes the worker's id from its index. */
  idKey: string;
}): WorkerSeed[] {
  const { random } = options;
  const qualifications = qualificationsFor(options.items);
  return Array.from({ length: options.count }, (_, j) => ({
    id: seedRecordId({ kind: 'worker', scope: 'hub', at: options.now, key: `${options.idKey}:${j}` }),
    name: personName(random),
    idNumberMasked: `${options.regionCode}********${String(random.int(0, 999)).padStart(3, '0')}${random.pick(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X'])}`,
    phone: mobile(random, '1370571'),
    qualifications,
    trainedAt: options.now - random.int(90, 600) * dayMs,
    examScore: random.int(68, 98),
  }));
}

/**
 * The registry: per county one enterprise of each template (named after a place in the county), plus
 * chains serving both; 1–4 workers each, holding what their items need.
 */
export function planEnterprises(options: {
  counties: readonly DemoCounty[];
  now: number;
  random: Random;
  /** What sets this plan's ids apart from another plan's (default: the clock). */
  idKey?: string;
}): EnterpriseSeed[] {
  const { random, now } = options;
  const idKey = options.idKey ?? String(now);
  const agreementFrom = now - 120 * dayMs;
  const enterprises: EnterpriseSeed[] = [];
  const make = (name: string, counties: string[], items: readonly string[]): EnterpriseSeed => {
    const region = counties[0] ?? '330100';
    const key = `${idKey}:enterprise:${enterprises.length}`;
    return {
      id: seedRecordId({ kind: 'enterprise', scope: 'hub', at: now, key }),
      name,
      licenceNumber: makeCreditCode({ regionCode: region, random }),
      contactName: `${random.pick(SURNAMES)}经理`,
      contactPhone: mobile(random),
      counties,
      items: [...items],
      agreement: {
        number: `QA-${region}-${String(random.int(1, 9999)).padStart(4, '0')}`,
        validFrom: agreementFrom,
        validTo: agreementFrom + 2 * 365 * dayMs,
      },
      workers: makeWorkers({
        random,
        count: random.int(1, 4),
        regionCode: region,
        items,
        now,
        idKey: `${key}:worker`,
      }),
    };
  };
  for (const county of options.counties) {
    const brands = BRANDS[county.code] ?? FALLBACK_BRANDS;
    COUNTY_TEMPLATES.forEach((template, i) => {
      const brand = brands[i % brands.length] ?? '惠民';
      enterprises.push(make(`杭州${brand}${template.suffix}`, [county.code], template.items));
    });
  }
  if (options.counties.length > 1)
    for (const chain of CHAINS)
      enterprises.push(
        make(
          chain.name,
          options.counties.map((c) => c.code),
          chain.items,
        ),
      );
  return enterprises;
}

// ── Orders ─────────────────────────────────────────────────────────────────────────────────────────

export type Citizen = { phone: string; name: string };

/** One command of an order's history; enterprises and workers by their index in the plan. */
export type OrderStep = { at: number } & (
  | {
      type: 'receive';
      channel: 'call' | 'sms' | 'web';
      citizen: Citizen;
      itemCode: string;
      urgency: 'normal' | 'urgent';
      address: string;
      notes: string;
    }
  | { type: 'answerInformation'; answer: string }
  | { type: 'awaitDispatch' }
  | { type: 'dispatch'; enterprise: number }
  | { type: 'decline'; enterprise: number; reason: string }
  | { type: 'accept'; enterprise: number; worker: number }
  | { type: 'startService' }
  | { type: 'markServed'; feeFen: number }
  | { type: 'recordReturnVisit'; reached: true; satisfaction: number; comment: string }
  | { type: 'recordReturnVisit'; reached: false; comment: string }
  | { type: 'cancel'; reason: string }
  | { type: 'openComplaint'; kind: 'quality' | 'price'; description: string }
);

export type OrderSeed = {
  /** Its record id (`order:<county>:…`, the time part its receipt's). */
  id: string;
  countyCode: string;
  /** Index into the county's seeding call-takers: who took the call. */
  taker: number;
  steps: OrderStep[];
};

const INFORMATION_ANSWERS: Readonly<Record<string, string>> = {
  'INF-WEATHER': '已告知明后两天杭州天气：多云转小雨，气温 12–19 度。',
  'MED-CONSULT': '已告知就近社区卫生服务中心的门诊时间和预约方式。',
  'JOB-RIGHTS': '已说明劳动合同和工资拖欠的投诉渠道（12333），并告知区劳动监察大队地址。',
  'HSE-RENT': '已介绍区住房保障中心的公租房申请条件和材料清单。',
  'LAW-AID': '已告知区法律援助中心地址、电话和申请条件。',
  'INF-POLICY': '已解释居家养老服务补贴政策的申领条件和办理窗口。',
  'INF-TRAFFIC': '已告知地铁和公交换乘线路及末班车时间。',
  'JOB-VACANCIES': '已介绍本周社区招聘会时间地点和岗位类别。',
  'INF-EDUCATION': '已告知学区划分查询方式和入学报名时间。',
};
const INFORMATION_ITEMS = Object.keys(INFORMATION_ANSWERS);

const NOTES: Readonly<Record<string, string>> = {
  FAM: '家里有老人，希望阿姨做事细心，会做杭帮菜。',
  MNT: '最好今天下午上门，先电话联系。',
  ELD: '老人行动不便，需每天上午上门照护。',
  SHP: '旧家具和纸箱若干，请带推车。',
  HSE: '想了解二手房过户代办流程和费用。',
  LAW: '劳动合同纠纷，想咨询律师。',
  PRP: '小区地下车库照明坏了好几盏。',
};

const STREETS: Readonly<Record<string, readonly string[]>> = {
  '330106': [
    '文三路',
    '天目山路',
    '文一西路',
    '古墩路',
    '学院路',
    '教工路',
    '保俶路',
    '龙井路',
    '转塘街',
    '留下街',
  ],
  '330102': [
    '解放路',
    '建国南路',
    '望江路',
    '清泰街',
    '秋涛路',
    '江城路',
    '凯旋路',
    '庆春路',
    '复兴路',
    '近江路',
  ],
};

const DECLINE_REASONS = ['当天人手已排满', '师傅生病请假', '距离太远无法按时上门'];
const CANCEL_REASONS = ['居民已自行解决', '居民改期，稍后再来电', '家人已另行安排'];
const COMPLAINTS: readonly { kind: 'quality' | 'price'; description: string }[] = [
  { kind: 'quality', description: '服务人员迟到一个多小时，打扫不彻底，厨房油污没有处理。' },
  { kind: 'price', description: '上门后加收材料费 120 元，事先没有说明。' },
  { kind: 'quality', description: '维修后第二天又出现同样故障，要求返修。' },
  { kind: 'price', description: '收费高于服务中心公布的指导价。' },
];
const GOOD_COMMENTS = [
  '很满意，阿姨做事认真',
  '师傅准时，态度好',
  '满意',
  '服务不错，下次还找他们',
  '价格合理，干活利索',
];
const POOR_COMMENTS = ['一般，时间拖得有点长', '还行，但收费偏高'];
const BAD_COMMENTS = ['不满意，活没干好，要求重新安排', '很不满意，服务人员态度差'];

function address(random: Random, county: DemoCounty): string {
  const street = random.pick(STREETS[county.code] ?? ['人民路']);
  return `浙江省${county.name}${street}${random.int(1, 399)}号${random.int(1, 30)}幢${random.int(1, 4)}单元${random.int(1, 18)}0${random.int(1, 4)}室`;
}

/** A fee within the item's guide price (a month's wage for a live-in nanny, a visit for a repair). */
function feeFor(random: Random, itemCode: string): number {
  const price = findItem({ code: itemCode })?.standard.guidePrice;
  if (!price) return random.int(50, 300) * 100;
  return Math.round((price.minFen + random.next() * (price.maxFen - price.minFen)) / 100) * 100;
}

function satisfaction(random: Random): number {
  const r = random.next();
  if (r < 0.62) return 5;
  if (r < 0.9) return 4;
  if (r < 0.96) return 3;
  if (r < 0.99) return 2;
  return 1;
}

/** The steps of one dispatched order from its receipt on, with the times they happened. */
function dispatchedSteps(options: {
  random: Random;
  receivedAt: number;
  candidates: readonly number[];
  enterprises: readonly EnterpriseSeed[];
  itemCode: string;
}): OrderStep[] {
  const { random, candidates, enterprises, itemCode } = options;
  const steps: OrderStep[] = [];
  let t = options.receivedAt + random.int(1, 3) * minuteMs;
  steps.push({ type: 'awaitDispatch', at: t });
  if (random.chance(0.03)) {
    steps.push({
      type: 'cancel',
      at: t + random.int(10, 120) * minuteMs,
      reason: random.pick(CANCEL_REASONS),
    });
    return steps;
  }
  let enterprise = random.pick(candidates);
  for (let round = 0; round < 2; round++) {
    t += random.int(5, 40) * minuteMs;
    steps.push({ type: 'dispatch', at: t, enterprise });
    const others = candidates.filter((c) => c !== enterprise);
    if (round === 0 && others.length > 0 && random.chance(0.05)) {
      t += random.int(15, 60) * minuteMs;
      steps.push({ type: 'decline', at: t, enterprise, reason: random.pick(DECLINE_REASONS) });
      enterprise = random.pick(others);
      t += random.int(5, 20) * minuteMs;
      steps.push({ type: 'dispatch', at: t, enterprise });
    }
    const workers = enterprises[enterprise]?.workers.length ?? 1;
    t += random.int(10, 90) * minuteMs;
    steps.push({ type: 'accept', at: t, enterprise, worker: random.int(0, workers - 1) });
    t += random.int(2, 30) * hourMs;
    steps.push({ type: 'startService', at: t });
    t += random.int(60, 300) * minuteMs;
    steps.push({ type: 'markServed', at: t, feeFen: feeFor(random, itemCode) });
    t += random.int(18, 48) * hourMs;
    if (random.chance(0.08)) {
      steps.push({ type: 'recordReturnVisit', at: t, reached: false, comment: '无人接听' });
      t += random.int(2, 6) * hourMs;
    }
    // A second round (after an unsatisfied visit sent it back) is always done well.
    const score = round === 0 ? satisfaction(random) : random.int(4, 5);
    const comment =
      score >= 4
        ? random.pick(GOOD_COMMENTS)
        : score === 3
          ? random.pick(POOR_COMMENTS)
          : random.pick(BAD_COMMENTS);
    steps.push({ type: 'recordReturnVisit', at: t, reached: true, satisfaction: score, comment });
    if (score > 2) break;
    // Reopened (发回重办): dispatched again, to another enterprise when there is one.
    enterprise = others.length > 0 ? random.pick(others) : enterprise;
  }
  if (random.chance(0.04)) {
    const complaint = random.pick(COMPLAINTS);
    steps.push({ type: 'openComplaint', at: t + random.int(1, 48) * hourMs, ...complaint });
  }
  return steps;
}

/**
 * A county's order history: about `ordersPerDay` orders a day (fewer at weekends) over the last `days`
 * days and today so far, received between 08:00 and 20:00 China time by call (most), SMS or the web
 * form; some answered as information, most dispatched to an enterprise serving the item in the county,
 * accepted, served and visited back with a score; a few declined and redispatched, cancelled, sent back
 * after a poor score, or complained about. Steps that would lie in the future are left out, so the
 * latest orders are still under way, as in a real centre.
 */
export function planOrders(options: {
  county: DemoCounty;
  enterprises: readonly EnterpriseSeed[];
  citizens: readonly Citizen[];
  now: number;
  days: number;
  ordersPerDay: number;
  takers: number;
  random: Random;
  /** What sets this plan's ids apart from another plan's (default: the clock). */
  idKey?: string;
}): OrderSeed[] {
  const { county, enterprises, random, now } = options;
  const idKey = options.idKey ?? String(now);
  const serving = enterprises
    .map((e, index) => ({ e, index }))
    .filter(({ e }) => e.counties.includes(county.code));
  if (serving.length === 0) throw new Error(`no enterprise serves county ${county.code}`);
  const todayStart = Math.floor((now + chinaOffsetMs) / dayMs) * dayMs - chinaOffsetMs;
  const orders: OrderSeed[] = [];
  for (let day = options.days; day >= 0; day--) {
    const dayStart = todayStart - day * dayMs;
    const weekday = new Date(dayStart + chinaOffsetMs).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    const mean = weekend ? options.ordersPerDay * 0.7 : options.ordersPerDay;
    const spread = (random.next() - 0.5) * Math.max(2, mean * 0.6);
    const count = mean <= 0 ? 0 : Math.max(0, Math.round(mean + spread));
    const times = Array.from(
      { length: count },
      () => dayStart + 8 * hourMs + random.int(0, 12 * 60 - 1) * minuteMs,
    ).sort((a, b) => a - b);
    for (const receivedAt of times) {
      if (receivedAt > now - 5 * minuteMs) continue;
      const r = random.next();
      const channel = r < 0.7 ? 'call' : r < 0.85 ? 'sms' : 'web';
      const citizen =
        options.citizens.length > 0 && random.chance(0.6)
          ? random.pick(options.citizens)
          : { phone: `+86${mobile(random, '1385710')}`, name: personName(random) };
      // The morning shift's call-taker until 14:00, the afternoon's after.
      const hourOfDay = Math.floor((receivedAt - dayStart) / hourMs);
      const taker = Math.max(0, Math.min(options.takers - 1, hourOfDay < 14 ? 0 : 1));
      let steps: OrderStep[];
      if (random.chance(0.15)) {
        const itemCode = random.pick(INFORMATION_ITEMS);
        steps = [
          {
            type: 'receive',
            at: receivedAt,
            channel,
            citizen,
            itemCode,
            urgency: 'normal',
            address: '',
            notes: '',
          },
          {
            type: 'answerInformation',
            at: receivedAt + random.int(2, 6) * minuteMs,
            answer: INFORMATION_ANSWERS[itemCode] ?? '已答复。',
          },
        ];
      } else {
        const first = random.pick(serving);
        const itemCode = random.pick(first.e.items);
        const candidates = serving.filter(({ e }) => e.items.includes(itemCode)).map(({ index }) => index);
        steps = [
          {
            type: 'receive',
            at: receivedAt,
            channel,
            citizen,
            itemCode,
            urgency: random.chance(0.1) ? 'urgent' : 'normal',
            address: address(random, county),
            notes: NOTES[itemCode.slice(0, 3)] ?? '',
          },
          ...dispatchedSteps({ random, receivedAt, candidates, enterprises, itemCode }),
        ];
      }
      // What has not happened yet is left out: the history is the prefix of steps already past.
      const cut = steps.findIndex((s) => s.at > now - minuteMs);
      orders.push({
        id: seedRecordId({
          kind: 'order',
          scope: county.code,
          at: receivedAt,
          key: `${idKey}:order:${county.code}:${orders.length}`,
        }),
        countyCode: county.code,
        taker,
        steps: cut === -1 ? steps : steps.slice(0, cut),
      });
    }
  }
  return orders;
}

export type SeedPlan = {
  enterprises: EnterpriseSeed[];
  orders: Readonly<Record<string, OrderSeed[]>>;
};

/** The whole demo data set for the given counties. */
export function planSeed(options: {
  counties: readonly DemoCounty[];
  citizens: readonly Citizen[];
  now: number;
  days: number;
  ordersPerDay: number;
  takers: number;
  seed?: number;
}): SeedPlan {
  const seed = options.seed ?? 20260101;
  const random = createRandom(seed);
  // The seed and the clock: a plan made again with both (a resumed first start) has the same ids.
  const idKey = `${seed}:${options.now}`;
  const enterprises = planEnterprises({ counties: options.counties, now: options.now, random, idKey });
  const orders: Record<string, OrderSeed[]> = {};
  for (const county of options.counties)
    orders[county.code] = planOrders({ ...options, county, enterprises, random, idKey });
  return { enterprises, orders };
}

/** Figures for the banner and the marker file. */
export function summarisePlan(plan: SeedPlan): {
  enterprises: number;
  workers: number;
  orders: Record<string, number>;
  proposals: number;
} {
  const orders: Record<string, number> = {};
  let proposals = 0;
  for (const e of plan.enterprises)
    proposals += 4 + e.workers.length * (1 + (e.workers[0]?.qualifications.length ?? 0));
  for (const [county, list] of Object.entries(plan.orders)) {
    orders[county] = list.length;
    for (const o of list) proposals += o.steps.length;
  }
  return {
    enterprises: plan.enterprises.length,
    workers: plan.enterprises.reduce((n, e) => n + e.workers.length, 0),
    orders,
    proposals,
  };
}

/** Reads the simulator's population file (`number,name`, `#` comments) into citizens, numbers as E.164. */
export function parseCitizens(csv: string): Citizen[] {
  const citizens: Citizen[] = [];
  for (const line of csv.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('number,')) continue;
    const [number, name] = trimmed.split(',');
    if (number === undefined || !/^1\d{10}$/.test(number.trim())) continue;
    citizens.push({ phone: `+86${number.trim()}`, name: (name ?? '').trim().slice(0, 40) });
  }
  return citizens;
}
