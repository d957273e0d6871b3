import { z } from 'zod';
import { DomainError, DomainErrorCode, parseInput } from '../errors';
import { fenSchema } from '../money';
import { Qualification, qualificationSchema } from '../qualifications';
import { catalogueData } from './catalogue-data';
import { cataloguePinyin } from './catalogue-pinyin.generated';

/** Category codes are stored in orders and reports, so they never change once issued. */
export const CategoryCode = {
  family: 'FAM',
  maintenance: 'MNT',
  elderCare: 'ELD',
  medical: 'MED',
  property: 'PRP',
  shopping: 'SHP',
  housing: 'HSE',
  jobs: 'JOB',
  legal: 'LAW',
  information: 'INF',
} as const;
export type CategoryCode = (typeof CategoryCode)[keyof typeof CategoryCode];
export const categoryCodeSchema = z.enum(CategoryCode);

/**
 * `dispatch`: the call becomes an order handed to an affiliated enterprise.
 * `information`: the call-taker answers from the knowledge base and closes the call; no order, no price.
 */
export const Handling = {
  dispatch: 'dispatch',
  information: 'information',
} as const;
export type Handling = (typeof Handling)[keyof typeof Handling];
export const handlingSchema = z.enum(Handling);

export const PriceUnit = {
  perHour: 'per_hour',
  perVisit: 'per_visit',
  perDay: 'per_day',
  perMonth: 'per_month',
  perSqm: 'per_sqm',
  perItem: 'per_item',
  perTrip: 'per_trip',
} as const;
export type PriceUnit = (typeof PriceUnit)[keyof typeof PriceUnit];
export const priceUnitSchema = z.enum(PriceUnit);

export const priceUnitNames: Readonly<Record<PriceUnit, { zh: string; en: string }>> = {
  per_hour: { zh: '每小时', en: 'per hour' },
  per_visit: { zh: '每次', en: 'per visit' },
  per_day: { zh: '每天', en: 'per day' },
  per_month: { zh: '每月', en: 'per month' },
  per_sqm: { zh: '每平方米', en: 'per m²' },
  per_item: { zh: '每件', en: 'per item' },
  per_trip: { zh: '每趟', en: 'per trip' },
};

/** Which part of an item a search query hit; the UI shows it so call-takers trust the ranking. */
export const MatchKind = {
  name: 'name',
  keyword: 'keyword',
  pinyin: 'pinyin',
  initials: 'initials',
  english: 'english',
} as const;
export type MatchKind = (typeof MatchKind)[keyof typeof MatchKind];

const ITEM_CODE_PATTERN = new RegExp(
  `^(?:${Object.values(CategoryCode).join('|')})-[A-Z0-9]+(?:-[A-Z0-9]+)*$`,
);

/** Item codes are permanent order references, hence plain uppercase ASCII with the category as prefix. */
export const itemCodeSchema = z
  .string()
  .max(40, 'must be at most 40 characters')
  .regex(ITEM_CODE_PATTERN, 'must be a category prefix plus uppercase ASCII words, e.g. FAM-NANNY');
export type ItemCode = z.infer<typeof itemCodeSchema>;

// Stray spaces in data would silently break exact-match search, so they are rejected rather than trimmed.
const tidyTextSchema = z
  .string()
  .min(1, 'must not be empty')
  .refine((s) => s.trim() === s, 'must not start or end with whitespace');

export const localisedTextSchema = z.object({ zh: tidyTextSchema, en: tidyTextSchema });
export type LocalisedText = z.infer<typeof localisedTextSchema>;

export const guidePriceSchema = z
  .object({ minFen: fenSchema, maxFen: fenSchema, unit: priceUnitSchema })
  .refine((p) => p.minFen <= p.maxFen, { message: 'minFen must not exceed maxFen', path: ['minFen'] });
export type GuidePrice = z.infer<typeof guidePriceSchema>;

export const serviceStandardSchema = z.object({
  includes: localisedTextSchema,
  qualifications: z.array(qualificationSchema),
  guidePrice: guidePriceSchema.nullable(),
});
export type ServiceStandard = z.infer<typeof serviceStandardSchema>;

const itemFields = {
  code: itemCodeSchema,
  name: localisedTextSchema,
  handling: handlingSchema,
  keywords: z.array(tidyTextSchema).min(1, 'needs at least one keyword people actually say'),
  standard: serviceStandardSchema,
  /**
   * 免费社区服务（探访、陪诊）：志愿者组织只能承接这类服务，派单时也优先给志愿者组织。单独标注而不按 0 元判断，
   * 因为上门回收也是 0 元，却是回收商的生意。
   * A free community service (a visit, an escort): volunteer groups may serve only these and are offered them
   * first. Marked rather than read off a 0–0 price, since a recycling pick-up is priced 0–0 too and is trade.
   */
  freeCommunityService: z.literal(true).optional(),
};

export const serviceItemSchema = z
  .object({ ...itemFields, categoryCode: categoryCodeSchema })
  .superRefine((item, ctx) => {
    const quals = item.standard.qualifications;
    if (!item.code.startsWith(`${item.categoryCode}-`)) {
      ctx.addIssue({
        code: 'custom',
        path: ['code'],
        message: `${item.code} must start with ${item.categoryCode}-`,
      });
    }
    if (item.handling === Handling.dispatch) {
      if (item.standard.guidePrice === null) {
        ctx.addIssue({
          code: 'custom',
          path: ['standard', 'guidePrice'],
          message: `${item.code}: a dispatched item needs a guide price`,
        });
      }
      if (!quals.includes(Qualification.prePostTraining)) {
        ctx.addIssue({
          code: 'custom',
          path: ['standard', 'qualifications'],
          message: `${item.code}: every dispatched worker must have passed pre-post training`,
        });
      }
    } else {
      if (item.standard.guidePrice !== null) {
        ctx.addIssue({
          code: 'custom',
          path: ['standard', 'guidePrice'],
          message: `${item.code}: an information item is free and has no price`,
        });
      }
      if (quals.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['standard', 'qualifications'],
          message: `${item.code}: an information item is answered by the call-taker and needs no qualifications`,
        });
      }
    }
    if (
      item.freeCommunityService === true &&
      (item.handling !== Handling.dispatch ||
        item.standard.guidePrice?.minFen !== 0 ||
        item.standard.guidePrice.maxFen !== 0)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['freeCommunityService'],
        message: `${item.code}: a free community service is dispatched and priced 0–0`,
      });
    }
    if (new Set(quals).size !== quals.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['standard', 'qualifications'],
        message: `${item.code}: duplicate qualification`,
      });
    }
    if (new Set(item.keywords).size !== item.keywords.length) {
      ctx.addIssue({ code: 'custom', path: ['keywords'], message: `${item.code}: duplicate keyword` });
    }
  });
export type ServiceItem = z.infer<typeof serviceItemSchema>;

export const serviceCategorySchema = z.object({ code: categoryCodeSchema, name: localisedTextSchema });
export type ServiceCategory = z.infer<typeof serviceCategorySchema>;

/** The shape authors write in catalogue-data.ts: categories with their items nested, so no item repeats its category. */
export const catalogueDataSchema = z.array(
  serviceCategorySchema.extend({ items: z.array(z.object(itemFields)) }),
);
export type CatalogueData = z.input<typeof catalogueDataSchema>;

export const catalogueSchema = z
  .object({ categories: z.array(serviceCategorySchema).min(1), items: z.array(serviceItemSchema) })
  .superRefine((catalogue, ctx) => {
    const categoryCodes = new Set<string>();
    catalogue.categories.forEach((category, i) => {
      if (categoryCodes.has(category.code)) {
        ctx.addIssue({
          code: 'custom',
          path: ['categories', i, 'code'],
          message: `duplicate category ${category.code}`,
        });
      }
      categoryCodes.add(category.code);
      if (!catalogue.items.some((item) => item.categoryCode === category.code)) {
        ctx.addIssue({
          code: 'custom',
          path: ['categories', i],
          message: `category ${category.code} has no items`,
        });
      }
    });
    const itemCodes = new Set<string>();
    const zhNames = new Set<string>();
    catalogue.items.forEach((item, i) => {
      if (itemCodes.has(item.code)) {
        ctx.addIssue({
          code: 'custom',
          path: ['items', i, 'code'],
          message: `duplicate item code ${item.code}`,
        });
      }
      itemCodes.add(item.code);
      // Call-takers pick items by their Chinese name; two identical names would be indistinguishable.
      if (zhNames.has(item.name.zh)) {
        ctx.addIssue({
          code: 'custom',
          path: ['items', i, 'name', 'zh'],
          message: `duplicate name ${item.name.zh}`,
        });
      }
      zhNames.add(item.name.zh);
      if (!categoryCodes.has(item.categoryCode)) {
        ctx.addIssue({
          code: 'custom',
          path: ['items', i, 'categoryCode'],
          message: `${item.code}: unknown category ${item.categoryCode}`,
        });
      }
    });
  });
export type Catalogue = z.infer<typeof catalogueSchema>;

function freezeDeep<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) freezeDeep(child);
  }
  return value;
}

/**
 * Turns authored catalogue data into the validated, frozen catalogue. Bad data throws a DomainError naming
 * the offending path, so a typo in catalogue-data.ts stops the app at start-up instead of corrupting orders.
 */
export function validateCatalogue(options: { data: unknown }): Catalogue {
  const categories = parseInput({ schema: catalogueDataSchema, input: options.data, what: 'catalogue' });
  const catalogue = parseInput({
    schema: catalogueSchema,
    input: {
      categories: categories.map(({ code, name }) => ({ code, name })),
      items: categories.flatMap((category) =>
        category.items.map((item) => ({ ...item, categoryCode: category.code })),
      ),
    },
    what: 'catalogue',
  });
  return freezeDeep(catalogue);
}

// ---------------------------------------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------------------------------------

export type SearchResult = { item: ServiceItem; score: number; matchedOn: MatchKind };

const Strength = { exact: 300, prefix: 200, substring: 100 } as const;
type Strength = (typeof Strength)[keyof typeof Strength];

// Exactness dominates, then where the hit was (name before keyword), then how direct the form is:
// typed Chinese is unambiguous, pinyin nearly so, initials collide most often.
const FIELD_BONUS = { name: 20, keyword: 10 } as const;
const KIND_BONUS: Readonly<Record<MatchKind, number>> = {
  name: 5,
  keyword: 5,
  pinyin: 4,
  english: 4,
  initials: 0,
};

type Term = {
  readonly item: ServiceItem;
  /** Position in the catalogue; breaks score ties so results are stable. */
  readonly itemIndex: number;
  readonly text: string;
  readonly kind: MatchKind;
  readonly fromName: boolean;
  /** Offsets other than 0 where a match may begin: syllable starts for pinyin, word starts for English. */
  readonly starts: readonly number[];
};

type SearchIndex = {
  readonly chinese: readonly Term[];
  readonly pinyin: readonly Term[];
  readonly initials: readonly Term[];
  readonly english: readonly Term[];
};

export const MAX_QUERY_LENGTH = 64;
export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_SEARCH_LIMIT = 100;

export const searchQuerySchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  // Counted in code points so a query of 64 Chinese characters or emoji is still accepted.
  .refine(
    (s) =>
      s.length <= MAX_QUERY_LENGTH || (s.length <= 2 * MAX_QUERY_LENGTH && [...s].length <= MAX_QUERY_LENGTH),
    `must be at most ${MAX_QUERY_LENGTH} characters`,
  );

export const searchLimitSchema = z
  .number()
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(MAX_SEARCH_LIMIT, `must be at most ${MAX_SEARCH_LIMIT}`);

/** Pinyin from the generated table (see catalogue-pinyin.ts for why not pinyin-pro at run time). */
function toSyllables(text: string): string[] {
  const syllables = cataloguePinyin.get(text);
  if (syllables === undefined)
    throw new Error(
      `no pinyin for catalogue text ${text}: run npx tsx sync/scripts/generate-catalogue-pinyin.ts`,
    );
  return syllables === '' ? [] : syllables.split(' ');
}

function syllableStarts(syllables: readonly string[]): number[] {
  const starts: number[] = [];
  let offset = 0;
  for (const syllable of syllables) {
    if (offset > 0) starts.push(offset);
    offset += syllable.length;
  }
  return starts;
}

function buildSearchIndex(options: { items: readonly ServiceItem[] }): SearchIndex {
  const chinese: Term[] = [];
  const pinyinTerms: Term[] = [];
  const initials: Term[] = [];
  const english: Term[] = [];
  options.items.forEach((item, itemIndex) => {
    const sources = [
      { text: item.name.zh, fromName: true },
      ...item.keywords.map((text) => ({ text, fromName: false })),
    ];
    for (const { text, fromName } of sources) {
      chinese.push({
        item,
        itemIndex,
        text: normaliseCompact(text),
        kind: fromName ? MatchKind.name : MatchKind.keyword,
        fromName,
        starts: [],
      });
      const syllables = toSyllables(text);
      if (syllables.length === 0) continue;
      const starts = syllableStarts(syllables);
      const full = syllables.join('');
      pinyinTerms.push({ item, itemIndex, text: full, kind: MatchKind.pinyin, fromName, starts });
      // Many people type ü as u (lushi for 律师), so index that spelling too.
      if (full.includes('v')) {
        pinyinTerms.push({
          item,
          itemIndex,
          text: full.replaceAll('v', 'u'),
          kind: MatchKind.pinyin,
          fromName,
          starts,
        });
      }
      initials.push({
        item,
        itemIndex,
        text: syllables.map((s) => s.charAt(0)).join(''),
        kind: MatchKind.initials,
        fromName,
        starts: [],
      });
    }
    const en = normaliseSpaced(item.name.en);
    const wordStarts = [...en.matchAll(/[a-z0-9]+/g)].map((m) => m.index).filter((i) => i > 0);
    english.push({ item, itemIndex, text: en, kind: MatchKind.english, fromName: true, starts: wordStarts });
  });
  return { chinese, pinyin: pinyinTerms, initials, english };
}

function normaliseCompact(text: string): string {
  return text.toLowerCase().replace(/\s+/g, '');
}

function normaliseSpaced(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

/** How strongly `query` matches `term`, or undefined; `anywhere` allows matches not aligned to a start. */
function matchStrength(term: Term, query: string, anywhere: boolean): Strength | undefined {
  if (term.text === query) return Strength.exact;
  if (term.text.startsWith(query)) return Strength.prefix;
  if (anywhere) return term.text.includes(query) ? Strength.substring : undefined;
  return term.starts.some((start) => term.text.startsWith(query, start)) ? Strength.substring : undefined;
}

/**
 * English names are short phrases in no fixed word order, so a hit at any word start ("nanny" in "family
 * nanny") counts as a prefix. Single letters only match the first word and mid-word hits need three letters,
 * otherwise "a" would match nearly every item.
 */
function matchEnglish(term: Term, query: string): Strength | undefined {
  if (term.text === query) return Strength.exact;
  if (term.text.startsWith(query)) return Strength.prefix;
  if (query.length >= 2 && term.starts.some((start) => term.text.startsWith(query, start)))
    return Strength.prefix;
  if (query.length >= 3 && term.text.includes(query)) return Strength.substring;
  return undefined;
}

const catalogue = validateCatalogue({ data: catalogueData });
const itemsByCode = new Map<string, ServiceItem>(catalogue.items.map((item) => [item.code, item]));
const searchIndex = buildSearchIndex({ items: catalogue.items });

/** All categories in the centre's display order. */
export function listCategories(): readonly ServiceCategory[] {
  return catalogue.categories;
}

/** All items, or those of one category, in display order. */
export function listItems(options: { categoryCode?: CategoryCode | undefined } = {}): readonly ServiceItem[] {
  const categoryCode = parseInput({
    schema: categoryCodeSchema.optional(),
    input: options.categoryCode,
    what: 'categoryCode',
  });
  if (categoryCode === undefined) return catalogue.items;
  return catalogue.items.filter((item) => item.categoryCode === categoryCode);
}

/** The item with this code, or undefined; for callers that treat an unknown code as a normal answer. */
export function findItem(options: { code: string }): ServiceItem | undefined {
  return itemsByCode.get(options.code);
}

/** The item with this code; throws `not_found` (field `code`) for a well-formed code that does not exist. */
export function getItem(options: { code: string }): ServiceItem {
  const code = parseInput({ schema: itemCodeSchema, input: options.code, what: 'code' });
  const item = itemsByCode.get(code);
  if (item === undefined) {
    throw new DomainError({
      code: DomainErrorCode.notFound,
      field: 'code',
      message: `code: no service item ${code}`,
    });
  }
  return item;
}

/**
 * 是否免费社区服务（目录中标注 freeCommunityService 的派单项目，均为 0 元）；未知编码不是。
 * Whether the item is a free community service (marked in the catalogue, dispatched and priced 0–0);
 * an unknown code is not, so a volunteer group cannot be given one by a typo.
 */
export function isFreeCommunityService(options: { code: string }): boolean {
  return itemsByCode.get(options.code)?.freeCommunityService === true;
}

/**
 * Finds items by Chinese text, toneless pinyin (spaces optional), pinyin initials or English, best first.
 * Each item appears once, scored by its best-matching term; ties keep catalogue order so results are stable.
 */
export function searchCatalogue(options: { query: string; limit?: number | undefined }): SearchResult[] {
  const query = parseInput({ schema: searchQuerySchema, input: options.query, what: 'query' });
  const limit =
    parseInput({ schema: searchLimitSchema.optional(), input: options.limit, what: 'limit' }) ??
    DEFAULT_SEARCH_LIMIT;

  const best = new Map<number, SearchResult>();
  const consider = (term: Term, strength: Strength | undefined): void => {
    if (strength === undefined) return;
    const score = strength + (term.fromName ? FIELD_BONUS.name : FIELD_BONUS.keyword) + KIND_BONUS[term.kind];
    const current = best.get(term.itemIndex);
    if (current === undefined || score > current.score) {
      best.set(term.itemIndex, { item: term.item, score, matchedOn: term.kind });
    }
  };

  const compact = normaliseCompact(query);
  for (const term of searchIndex.chinese) consider(term, matchStrength(term, compact, true));

  const latin = compact.replaceAll('ü', 'v').replaceAll("'", '');
  if (/^[a-z]+$/.test(latin)) {
    for (const term of searchIndex.pinyin) consider(term, matchStrength(term, latin, false));
    for (const term of searchIndex.initials) consider(term, matchStrength(term, latin, true));
  }

  const spaced = normaliseSpaced(query);
  if (/[a-z0-9]/.test(spaced)) {
    for (const term of searchIndex.english) consider(term, matchEnglish(term, spaced));
  }

  return [...best.entries()]
    .sort(([a, x], [b, y]) => y.score - x.score || a - b)
    .slice(0, limit)
    .map(([, result]) => result);
}
