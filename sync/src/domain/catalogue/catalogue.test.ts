import fc from 'fast-check';
import { expect, test } from 'vitest';
import { DomainError } from '../errors';
import { Qualification } from '../qualifications';
import { catalogueData } from './catalogue-data';
import {
  CategoryCode,
  Handling,
  MAX_QUERY_LENGTH,
  catalogueSchema,
  findItem,
  getItem,
  isFreeCommunityService,
  itemCodeSchema,
  listCategories,
  listItems,
  searchCatalogue,
  validateCatalogue,
  type CatalogueData,
  type ServiceItem,
} from './index';

/** SEED §2, category by category: each item the seed names, as the code and Chinese name we gave it. */
const seedItems: Record<CategoryCode, Record<string, string>> = {
  FAM: {
    'FAM-TUTOR': '家教',
    'FAM-NANNY': '家庭保姆',
    'FAM-DECORATION': '家庭装修',
    'FAM-MOVING': '搬家',
    'FAM-HOUSE-SWAP': '换房服务',
    'FAM-LPG': '液化气配送',
    'FAM-FLORAL': '鲜花礼仪',
    'FAM-CLEANING': '家庭保洁',
    'FAM-APPLIANCE-CLEANING': '家电清洗',
    'FAM-ESCORT': '医院陪护',
    'FAM-ELDER-COMPANION': '老人看护',
    'FAM-STAFFING': '各类雇员',
    'FAM-ERRANDS': '代购物品',
    'FAM-SCHOOL-RUN': '学生接送',
  },
  MNT: {
    'MNT-HOUSE': '房屋维修',
    'MNT-APPLIANCE': '家电维修',
    'MNT-VEHICLE': '车辆维修',
    'MNT-TELECOM': '通讯维修',
    'MNT-ELECTRICAL': '电路维修',
    'MNT-WATER': '水管维修',
    'MNT-GAS': '燃气设备维修',
    'MNT-DAILY-GOODS': '日用品维修',
  },
  ELD: {
    'ELD-VISIT': '尊老敬老探访',
    'ELD-HOME-CARE': '居家养老护理',
    'ELD-INSTITUTION': '机构养老',
    'ELD-MEDICAL-CARE': '医疗护理',
    'ELD-REHAB': '康复护理',
  },
  MED: {
    'MED-ONLINE-CONSULT': '网上医疗咨询',
    'MED-EXPERT-CONSULT': '专家会诊',
    'MED-CONSULT': '医疗咨询',
    'MED-ONLINE-HOSPITAL': '网上医院',
    'MED-EXPERT-ONLINE': '专家在线',
    'MED-PHARMACY': '网上药店',
    'MED-KNOWLEDGE': '医疗知识',
  },
  PRP: {
    'PRP-METER-READING': '自动抄表',
    'PRP-PATROL': '电子巡更',
    'PRP-GARAGE': '车库管理',
    'PRP-FEE-COLLECTION': '物业费代收',
    'PRP-WATER': '小区供排水',
    'PRP-LIGHTING': '区域照明',
    'PRP-POWER': '配套用电',
  },
  SHP: {
    'SHP-HOT-GOODS': '热销商品',
    'SHP-SECOND-HAND': '二手市场',
    'SHP-MALLS': '商场名录',
    'SHP-DELIVERY': '优惠快递',
    'SHP-PRICES': '市场行情',
    'SHP-ONLINE-TRADE': '网上交易',
  },
  HSE: {
    'HSE-BUY': '购房档案',
    'HSE-SELL': '售房档案',
    'HSE-RENT': '租房查询',
    'HSE-LISTINGS': '交易专栏',
  },
  JOB: {
    'JOB-VACANCIES': '招聘信息',
    'JOB-SEEKERS': '求职信息',
    'JOB-TRAINING': '职业培训介绍',
  },
  LAW: {
    'LAW-FIRMS': '律师事务所介绍',
    'LAW-CONSULT': '专业法律咨询',
    'LAW-KNOWLEDGE': '法律知识',
  },
  INF: {
    'INF-BUSINESS-LICENCE': '营业执照',
    'INF-TAX': '税务管理',
    'INF-DRIVING': '驾驶证与车辆',
    'INF-TRAFFIC': '交通信息',
    'INF-EDUCATION': '教育咨询',
    'INF-HEALTH': '健康养生',
    'INF-FASHION': '时尚潮流',
    'INF-DECOR': '装饰天地',
    'INF-ETIQUETTE': '社交礼仪',
    'INF-STOCKS': '即时股评',
    'INF-EXCHANGE-RATE': '外汇牌价',
    'INF-TV': '影视节目',
    'INF-TICKETS': '票务信息',
    'INF-WEATHER': '天气预报',
    'INF-MARRIAGE': '婚姻服务',
    'INF-FUNERAL': '殡葬服务',
    'INF-GOING-ABROAD': '出国指南',
    'INF-PUBLIC-WELFARE': '公益活动',
    'INF-POLICY': '政策法规咨询',
  },
};

/** Work done inside someone's home or with food: the worker must hold a health certificate. */
const householdCodes = [
  'FAM-NANNY',
  'FAM-MATERNITY',
  'FAM-CHILDCARE',
  'FAM-HOURLY',
  'FAM-CLEANING',
  'FAM-NEW-HOME-CLEAN',
  'FAM-APPLIANCE-CLEANING',
  'FAM-ESCORT',
  'FAM-ELDER-COMPANION',
  'FAM-STAFFING',
  'ELD-HOME-CARE',
  'ELD-INSTITUTION',
  'ELD-DAY-CARE',
  'ELD-MEALS',
];

function codesOf(results: readonly { item: ServiceItem }[]): string[] {
  return results.map((r) => r.item.code);
}

function errorOf(run: () => unknown): DomainError {
  try {
    run();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

/** A deep copy of the real data, so a test can break one thing and see validation catch it. */
function copyData(): CatalogueData {
  return JSON.parse(JSON.stringify(catalogueData)) as CatalogueData;
}

function firstItem(
  data: CatalogueData,
  categoryIndex = 0,
  itemIndex = 0,
): CatalogueData[number]['items'][number] {
  const item = data[categoryIndex]?.items[itemIndex];
  if (!item) throw new Error('test data has no such item');
  return item;
}

test('every category in the seed is present, in order, with both names', () => {
  const categories = listCategories();
  expect(categories.map((c) => c.code)).toEqual([
    'FAM',
    'MNT',
    'ELD',
    'MED',
    'PRP',
    'SHP',
    'HSE',
    'JOB',
    'LAW',
    'INF',
  ]);
  expect(categories.map((c) => c.name.zh)).toEqual([
    '家庭服务',
    '维修服务',
    '养老服务',
    '医疗服务',
    '物业管理',
    '社区导购',
    '房屋租售',
    '人才招聘',
    '法律服务',
    '生活资讯',
  ]);
  for (const category of categories) expect(category.name.en).toMatch(/^[A-Z]/);
});

test('every item the seed names exists in its category under the expected name', () => {
  for (const [categoryCode, items] of Object.entries(seedItems)) {
    const inCategory = new Map(
      listItems({ categoryCode: categoryCode as CategoryCode }).map((i) => [i.code, i]),
    );
    for (const [code, zh] of Object.entries(items)) {
      expect(inCategory.get(code)?.name.zh, code).toBe(zh);
    }
    expect(inCategory.size).toBeGreaterThanOrEqual(Object.keys(items).length);
  }
});

test('the extras a real centre needs are there', () => {
  expect(getItem({ code: 'FAM-MATERNITY' }).name.zh).toBe('月嫂');
  expect(getItem({ code: 'FAM-CHILDCARE' }).name.zh).toBe('育儿嫂');
  expect(getItem({ code: 'FAM-HOURLY' }).name.zh).toBe('钟点工');
  expect(getItem({ code: 'MNT-LOCKSMITH' }).keywords).toContain('开锁');
  expect(getItem({ code: 'MNT-DRAIN' }).name.zh).toBe('管道疏通');
});

test('codes are unique, well formed and carry their category as prefix', () => {
  const items = listItems();
  expect(new Set(items.map((i) => i.code)).size).toBe(items.length);
  expect(new Set(items.map((i) => i.name.zh)).size).toBe(items.length);
  for (const item of items) {
    expect(item.code).toMatch(/^[A-Z]{3}(-[A-Z0-9]+)+$/);
    expect(item.code.startsWith(`${item.categoryCode}-`)).toBe(true);
    expect(itemCodeSchema.safeParse(item.code).success).toBe(true);
    expect(item.keywords.length).toBeGreaterThan(0);
    expect(item.standard.includes.zh.length).toBeGreaterThan(0);
    expect(item.standard.includes.en.length).toBeGreaterThan(0);
  }
  expect(items.length).toBeGreaterThanOrEqual(80);
});

test('dispatched items need pre-post training and a sane fen price range', () => {
  const dispatched = listItems().filter((i) => i.handling === Handling.dispatch);
  expect(dispatched.length).toBeGreaterThan(40);
  for (const item of dispatched) {
    expect(item.standard.qualifications, item.code).toContain(Qualification.prePostTraining);
    const price = item.standard.guidePrice;
    expect(price, item.code).not.toBeNull();
    if (price === null) continue;
    expect(Number.isInteger(price.minFen) && Number.isInteger(price.maxFen)).toBe(true);
    expect(price.minFen).toBeLessThanOrEqual(price.maxFen);
    // Nothing the centre dispatches costs more than ¥20,000 per unit; a bigger number is a yuan/fen slip.
    expect(price.maxFen, item.code).toBeLessThanOrEqual(2_000_000);
  }
});

test('information items are free and need no qualifications', () => {
  const info = listItems().filter((i) => i.handling === Handling.information);
  expect(info.map((i) => i.code)).toEqual(
    expect.arrayContaining(['INF-WEATHER', 'INF-EXCHANGE-RATE', 'LAW-KNOWLEDGE', 'INF-POLICY']),
  );
  for (const item of info) {
    expect(item.standard.guidePrice, item.code).toBeNull();
    expect(item.standard.qualifications, item.code).toEqual([]);
  }
  expect(listItems({ categoryCode: 'INF' }).every((i) => i.handling === Handling.information)).toBe(true);
});

test('qualifications follow the kind of work', () => {
  for (const code of householdCodes) {
    expect(getItem({ code }).standard.qualifications, code).toContain(Qualification.healthCertificate);
  }
  const needs = (code: string, q: Qualification) =>
    expect(getItem({ code }).standard.qualifications, code).toContain(q);
  needs('MNT-ELECTRICAL', Qualification.electricianLicence);
  needs('PRP-LIGHTING', Qualification.electricianLicence);
  needs('MNT-GAS', Qualification.gasLicence);
  needs('FAM-LPG', Qualification.gasLicence);
  needs('MNT-WATER', Qualification.plumberCert);
  needs('MNT-APPLIANCE', Qualification.applianceRepairCert);
  needs('MNT-VEHICLE', Qualification.vehicleRepairCert);
  needs('FAM-MATERNITY', Qualification.maternityNurseCert);
  needs('FAM-CHILDCARE', Qualification.childcareCert);
  needs('ELD-HOME-CARE', Qualification.elderCareCert);
  needs('ELD-MEDICAL-CARE', Qualification.nursingLicence);
  needs('MED-EXPERT-CONSULT', Qualification.medicalLicence);
  needs('FAM-TUTOR', Qualification.teacherCert);
  needs('LAW-CONSULT', Qualification.lawyerLicence);
  needs('HSE-AGENT', Qualification.realEstateAgentCert);
  needs('PRP-GARAGE', Qualification.propertyManagerCert);
});

test('guide prices are realistic for a county town', () => {
  const price = (code: string) => getItem({ code }).standard.guidePrice;
  expect(price('FAM-NANNY')).toEqual({ minFen: 350000, maxFen: 600000, unit: 'per_month' });
  expect(price('FAM-HOURLY')?.unit).toBe('per_hour');
  expect(price('ELD-VISIT')).toEqual({ minFen: 0, maxFen: 0, unit: 'per_visit' });
  expect(price('INF-WEATHER')).toBeNull();
});

test('free community services are marked, dispatched and priced 0–0: the ones volunteer groups serve', () => {
  const free = listItems()
    .filter((item) => isFreeCommunityService({ code: item.code }))
    .map((item) => item.code);
  expect(free).toEqual(['ELD-VISIT', 'ELD-ESCORT']);
  expect(getItem({ code: 'ELD-ESCORT' })).toMatchObject({
    name: { zh: '爱心助老陪诊' },
    handling: 'dispatch',
    standard: { qualifications: ['pre_post_training'], guidePrice: { minFen: 0, maxFen: 0 } },
  });
  // 信息类项目也免费但不派单；上门回收 0 元却是生意。Information items are free but not dispatched; recycling is trade.
  expect(isFreeCommunityService({ code: 'INF-WEATHER' })).toBe(false);
  expect(getItem({ code: 'SHP-RECYCLING' }).standard.guidePrice).toMatchObject({ minFen: 0, maxFen: 0 });
  expect(isFreeCommunityService({ code: 'SHP-RECYCLING' })).toBe(false);
  expect(isFreeCommunityService({ code: 'FAM-ESCORT' })).toBe(false);
  expect(isFreeCommunityService({ code: 'ELD-NOPE' })).toBe(false);
  expect(searchCatalogue({ query: '陪同就医' })[0]?.item.code).toBe('ELD-ESCORT');
  expect(codesOf(searchCatalogue({ query: 'peizhen' }))).toEqual(
    expect.arrayContaining(['FAM-ESCORT', 'ELD-ESCORT']),
  );
});

test('the catalogue is frozen so no caller can corrupt it for everyone else', () => {
  const item = getItem({ code: 'FAM-NANNY' });
  expect(Object.isFrozen(item)).toBe(true);
  expect(Object.isFrozen(item.standard.qualifications)).toBe(true);
  expect(Object.isFrozen(listItems())).toBe(true);
  expect(() => {
    item.keywords.push('x');
  }).toThrow(TypeError);
});

test('listItems filters by category and rejects an unknown one by field', () => {
  expect(listItems().length).toBe(
    listCategories().reduce((n, c) => n + listItems({ categoryCode: c.code }).length, 0),
  );
  expect(listItems({ categoryCode: 'LAW' }).every((i) => i.categoryCode === 'LAW')).toBe(true);
  expect(listItems({ categoryCode: undefined })).toBe(listItems());
  expect(errorOf(() => listItems({ categoryCode: 'XYZ' as CategoryCode }))).toMatchObject({
    code: 'invalid_input',
    field: 'categoryCode',
  });
});

test('getItem finds by code and names the field when it cannot', () => {
  expect(getItem({ code: 'FAM-NANNY' }).name).toEqual({ zh: '家庭保姆', en: 'Family nanny' });
  const missing = errorOf(() => getItem({ code: 'FAM-UNICORN' }));
  expect(missing).toMatchObject({ code: 'not_found', field: 'code' });
  expect(missing.message).toContain('FAM-UNICORN');
  expect(errorOf(() => getItem({ code: 'fam-nanny' }))).toMatchObject({
    code: 'invalid_input',
    field: 'code',
  });
  expect(errorOf(() => getItem({ code: 'XXX-NANNY' }))).toMatchObject({
    code: 'invalid_input',
    field: 'code',
  });
  expect(errorOf(() => getItem({ code: 42 as unknown as string }))).toMatchObject({ field: 'code' });
});

test('search by Chinese puts the nanny first for 保姆', () => {
  const results = searchCatalogue({ query: '保姆' });
  expect(results[0]).toMatchObject({ item: { code: 'FAM-NANNY' }, matchedOn: 'keyword' });
  expect(codesOf(results)).toEqual(expect.arrayContaining(['FAM-CHILDCARE', 'FAM-ELDER-COMPANION']));
});

test('search by full pinyin, spaced pinyin and initials', () => {
  expect(searchCatalogue({ query: 'baomu' })[0]).toMatchObject({
    item: { code: 'FAM-NANNY' },
    matchedOn: 'pinyin',
  });
  expect(searchCatalogue({ query: 'BaoMu' })[0]?.item.code).toBe('FAM-NANNY');
  expect(searchCatalogue({ query: 'bm' })[0]).toMatchObject({
    item: { code: 'FAM-NANNY' },
    matchedOn: 'initials',
  });
  expect(searchCatalogue({ query: 'bao jie' })[0]?.item.code).toBe('FAM-CLEANING');
  expect(searchCatalogue({ query: 'kongtiao' })[0]?.item.code).toBe('MNT-AIRCON');
  expect(searchCatalogue({ query: 'ktwx' })[0]?.item.code).toBe('MNT-AIRCON');
  expect(searchCatalogue({ query: 'kai suo' })[0]?.item.code).toBe('MNT-LOCKSMITH');
  expect(searchCatalogue({ query: "xi'an" })).toBeInstanceOf(Array);
});

test('ü can be typed as v, ü or u', () => {
  for (const query of ['lvshi', 'lüshi', 'lushi']) {
    expect(codesOf(searchCatalogue({ query })), query).toContain('LAW-FIRMS');
  }
});

test('pinyin matches only at syllable starts, so a stray fragment does not match mid-syllable', () => {
  // "aomu" sits inside "baomu" but starts no syllable.
  expect(codesOf(searchCatalogue({ query: 'aomu' }))).not.toContain('FAM-NANNY');
  expect(codesOf(searchCatalogue({ query: 'mu' }))).toContain('FAM-NANNY');
});

test('search by English words, case-insensitive', () => {
  expect(searchCatalogue({ query: 'nanny' })[0]).toMatchObject({
    item: { code: 'FAM-NANNY' },
    matchedOn: 'english',
  });
  expect(searchCatalogue({ query: 'Family Nanny' })[0]).toMatchObject({
    item: { code: 'FAM-NANNY' },
    score: 324,
  });
  expect(searchCatalogue({ query: 'WEATHER' })[0]?.item.code).toBe('INF-WEATHER');
  expect(codesOf(searchCatalogue({ query: 'repair', limit: 100 }))).toEqual(
    expect.arrayContaining(['MNT-HOUSE', 'MNT-APPLIANCE', 'MNT-ELECTRICAL', 'MNT-GAS']),
  );
  // Mid-word hits count only from three letters on.
  expect(codesOf(searchCatalogue({ query: 'ocksmith' }))).toEqual(['MNT-LOCKSMITH']);
  expect(codesOf(searchCatalogue({ query: 'ck' })).filter((c) => c === 'MNT-LOCKSMITH')).toEqual([]);
});

test('ranking: exact beats prefix beats substring, and names beat keywords', () => {
  const [exact] = searchCatalogue({ query: '空调' });
  expect(exact).toMatchObject({ item: { code: 'MNT-AIRCON' }, matchedOn: 'keyword' });
  const tutor = searchCatalogue({ query: '家教' })[0];
  expect(tutor).toMatchObject({ item: { code: 'FAM-TUTOR' }, matchedOn: 'name' });
  const prefix = searchCatalogue({ query: '空调安' })[0];
  const substring = searchCatalogue({ query: '安装维修' })[0];
  expect(prefix?.item.code).toBe('MNT-AIRCON');
  expect(substring?.item.code).toBe('MNT-AIRCON');
  expect(tutor?.score).toBeGreaterThan(exact?.score ?? Infinity);
  expect(exact?.score).toBeGreaterThan(prefix?.score ?? Infinity);
  expect(prefix?.score).toBeGreaterThan(substring?.score ?? Infinity);
  // 保洁 is a keyword of home cleaning but only inside the name of post-renovation cleaning.
  expect(codesOf(searchCatalogue({ query: '保洁' })).slice(0, 2)).toEqual([
    'FAM-CLEANING',
    'FAM-NEW-HOME-CLEAN',
  ]);
});

test('limit caps the results and is validated', () => {
  expect(searchCatalogue({ query: '维修', limit: 3 })).toHaveLength(3);
  expect(searchCatalogue({ query: '维修' }).length).toBeGreaterThan(3);
  expect(errorOf(() => searchCatalogue({ query: '维修', limit: 0 }))).toMatchObject({ field: 'limit' });
  expect(errorOf(() => searchCatalogue({ query: '维修', limit: 1.5 }))).toMatchObject({ field: 'limit' });
  expect(errorOf(() => searchCatalogue({ query: '维修', limit: 1000 }))).toMatchObject({ field: 'limit' });
});

test('a query that matches nothing returns an empty list', () => {
  expect(searchCatalogue({ query: '火星殖民' })).toEqual([]);
  expect(searchCatalogue({ query: '!!!' })).toEqual([]);
});

test('bad queries fail with a DomainError naming the query field', () => {
  for (const query of ['', '   ', '\t\n']) {
    const error = errorOf(() => searchCatalogue({ query }));
    expect(error).toMatchObject({ code: 'invalid_input', field: 'query' });
    expect(error.message).toMatch(/empty/);
  }
  const tooLong = errorOf(() => searchCatalogue({ query: 'a'.repeat(MAX_QUERY_LENGTH + 1) }));
  expect(tooLong).toMatchObject({ code: 'invalid_input', field: 'query' });
  expect(tooLong.message).toMatch(/64/);
  expect(errorOf(() => searchCatalogue({ query: '😀'.repeat(MAX_QUERY_LENGTH + 1) }))).toMatchObject({
    field: 'query',
  });
  expect(errorOf(() => searchCatalogue({ query: 'x'.repeat(10_000) }))).toMatchObject({ field: 'query' });
  expect(errorOf(() => searchCatalogue({ query: null as unknown as string }))).toMatchObject({
    field: 'query',
  });
  // Length is counted in characters, so 64 Chinese characters or emoji are fine.
  expect(() => searchCatalogue({ query: '保'.repeat(MAX_QUERY_LENGTH) })).not.toThrow();
  expect(() => searchCatalogue({ query: '😀'.repeat(MAX_QUERY_LENGTH) })).not.toThrow();
});

test('search never throws for a non-blank query of up to 64 characters and is always sorted', () => {
  const catalogueChars = [...new Set(listItems().flatMap((i) => [...i.name.zh, ...i.keywords.join('')]))];
  const query = fc
    .oneof(
      fc.string({ minLength: 1, maxLength: MAX_QUERY_LENGTH }),
      fc.string({ minLength: 1, maxLength: MAX_QUERY_LENGTH, unit: 'binary' }),
      fc.string({ minLength: 1, maxLength: 8, unit: fc.constantFrom(...catalogueChars, 'a', 'b', 'm', ' ') }),
      fc.stringMatching(/^[a-z ]{1,20}$/),
    )
    .filter((s) => s.trim().length > 0);
  fc.assert(
    fc.property(query, fc.integer({ min: 1, max: 100 }), (q, limit) => {
      const results = searchCatalogue({ query: q, limit });
      expect(results.length).toBeLessThanOrEqual(limit);
      expect(new Set(codesOf(results)).size).toBe(results.length);
      for (let i = 1; i < results.length; i++) {
        expect(results[i - 1]!.score).toBeGreaterThanOrEqual(results[i]!.score);
      }
    }),
    { numRuns: 300 },
  );
});

test('search is fast once the index is built', () => {
  const queries = ['保姆', 'baomu', 'bm', 'repair', '维修', 'x', 'zhuang xiu', 'weather forecast'];
  const runs = 4000;
  const started = Date.now();
  for (let i = 0; i < runs; i++) searchCatalogue({ query: queries[i % queries.length]! });
  expect((Date.now() - started) / runs).toBeLessThan(0.5);
});

test('validateCatalogue accepts the real data and rejects broken copies loudly, naming the spot', () => {
  expect(validateCatalogue({ data: catalogueData }).items).toHaveLength(listItems().length);

  const broken = (mutate: (data: CatalogueData) => void) => {
    const data = copyData();
    mutate(data);
    return errorOf(() => validateCatalogue({ data }));
  };

  expect(
    broken((d) => {
      firstItem(d).standard.qualifications = ['health_certificate'];
    }),
  ).toMatchObject({ code: 'invalid_input', field: 'catalogue.items.0.standard.qualifications' });
  expect(
    broken((d) => {
      firstItem(d).standard.guidePrice = null;
    }).message,
  ).toMatch(/FAM-NANNY: a dispatched item needs a guide price/);
  expect(
    broken((d) => {
      firstItem(d).standard.guidePrice = { minFen: 500, maxFen: 100, unit: 'per_hour' };
    }),
  ).toMatchObject({ field: 'catalogue.0.items.0.standard.guidePrice.minFen' });
  expect(
    broken((d) => {
      firstItem(d).standard.guidePrice = { minFen: 1.5, maxFen: 100, unit: 'per_hour' };
    }),
  ).toMatchObject({ field: 'catalogue.0.items.0.standard.guidePrice.minFen' });
  // 收费项目不能标为免费社区服务，否则志愿者组织就能承接收费服务。A paid item marked free would let volunteers take it.
  expect(
    broken((d) => {
      firstItem(d).freeCommunityService = true;
    }),
  ).toMatchObject({ field: 'catalogue.items.0.freeCommunityService' });
  expect(
    broken((d) => {
      firstItem(d).code = 'MNT-NANNY';
    }).message,
  ).toMatch(/must start with FAM-/);
  expect(
    broken((d) => {
      firstItem(d).code = 'FAM-nanny';
    }),
  ).toMatchObject({ field: 'catalogue.0.items.0.code' });
  expect(
    broken((d) => {
      firstItem(d).name.zh = ' 家庭保姆';
    }),
  ).toMatchObject({ field: 'catalogue.0.items.0.name.zh' });
  expect(
    broken((d) => {
      firstItem(d).keywords = [];
    }),
  ).toMatchObject({ field: 'catalogue.0.items.0.keywords' });
  expect(
    broken((d) => {
      firstItem(d).keywords = ['保姆', '保姆'];
    }).message,
  ).toMatch(/duplicate keyword/);
  expect(
    broken((d) => {
      firstItem(d).standard.qualifications = ['pre_post_training', 'pre_post_training'];
    }).message,
  ).toMatch(/duplicate qualification/);

  const infoIndex = catalogueData.length - 1;
  expect(
    broken((d) => {
      firstItem(d, infoIndex).standard.guidePrice = { minFen: 0, maxFen: 0, unit: 'per_item' };
    }).message,
  ).toMatch(/information item is free/);
  expect(
    broken((d) => {
      firstItem(d, infoIndex).standard.qualifications = ['pre_post_training'];
    }).message,
  ).toMatch(/needs no qualifications/);

  expect(
    broken((d) => {
      firstItem(d, 0, 1).code = 'FAM-NANNY';
    }).message,
  ).toMatch(/duplicate item code FAM-NANNY/);
  expect(
    broken((d) => {
      firstItem(d, 0, 1).name.zh = '家庭保姆';
    }).message,
  ).toMatch(/duplicate name 家庭保姆/);
  expect(
    broken((d) => {
      const first = d[0];
      if (first) d.push({ ...first, items: [] });
    }).message,
  ).toMatch(/duplicate category FAM/);
  expect(
    broken((d) => {
      const law = d.find((c) => c.code === 'LAW');
      if (law) law.items = [];
    }).message,
  ).toMatch(/category LAW has no items/);
  expect(errorOf(() => validateCatalogue({ data: [] }))).toMatchObject({ field: 'catalogue.categories' });
  expect(errorOf(() => validateCatalogue({ data: 'nonsense' }))).toMatchObject({ field: 'catalogue' });
});

test('the stored catalogue shape rejects items whose category does not exist', () => {
  const nanny = getItem({ code: 'FAM-NANNY' });
  const parsed = catalogueSchema.safeParse({
    categories: [{ code: 'MNT', name: { zh: '维修服务', en: 'Maintenance services' } }],
    items: [nanny, { ...getItem({ code: 'MNT-DRAIN' }) }],
  });
  expect(parsed.success).toBe(false);
  expect(parsed.error?.issues.map((i) => i.message)).toContain('FAM-NANNY: unknown category FAM');
});

test('public constants cover every category', () => {
  expect(Object.values(CategoryCode)).toEqual(listCategories().map((c) => c.code));
});

test('findItem answers undefined for an unknown code instead of throwing', () => {
  expect(findItem({ code: 'FAM-NANNY' })?.name.zh).toBe(getItem({ code: 'FAM-NANNY' }).name.zh);
  expect(findItem({ code: 'FAM-NOPE' })).toBeUndefined();
});

test('the generated pinyin table is current: pinyin-pro gives the same syllables for every catalogue text', async () => {
  const { cataloguePinyin } = await import('./catalogue-pinyin.generated');
  const { catalogueTexts, renderPinyinTable } = await import('./catalogue-pinyin-table');
  const { toSyllables } = await import('./catalogue-pinyin');
  const texts = catalogueTexts();
  expect(cataloguePinyin.size).toBe(texts.length);
  for (const text of texts) expect(cataloguePinyin.get(text), text).toBe(toSyllables(text).join(' '));
  expect(renderPinyinTable({ texts: ['保姆', 'AC'] })).toContain('["保姆", "bao mu"],\n  ["AC", ""],');
});
