import {
  categoryCodeSchema,
  findRegion,
  formatRegionName,
  listCategories,
  regionCodeSchema,
  type Channel,
  type OrderStatus,
} from '@jiazheng/sync/domain';
import { z } from 'zod';

/*
 * The hub's order statistics: the query, the counting of projected order rows (`orders`, see
 * sync/src/projections) into groups of region × period, and the figures derived from the counts. The SQL
 * adapter counts in the database and hands its counts to `buildOrderReport`, so both paths share the
 * rates, the rounding and the names; `countOrderFacts` is the reference the adapter is tested against.
 *
 * Call figures (15-second answer rate, abandon rate, handle time) are not here: call records stay at
 * the county appliances; what the counties closed of them is reported by call-report.ts.
 */

export const ReportLevel = {
  country: 'country',
  province: 'province',
  city: 'city',
  county: 'county',
} as const;
export type ReportLevel = (typeof ReportLevel)[keyof typeof ReportLevel];
export const reportLevelSchema = z.enum(ReportLevel);

export const ReportPeriod = { day: 'day', month: 'month' } as const;
export type ReportPeriod = (typeof ReportPeriod)[keyof typeof ReportPeriod];
export const reportPeriodSchema = z.enum(ReportPeriod);

export const reportFormatSchema = z.enum(['json', 'csv', 'xlsx']);
export type ReportFormat = z.infer<typeof reportFormatSchema>;

/** Periods are days and months as lived in China: UTC+8 all year (no daylight saving since 1991). */
export const CHINA_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;
/** The most `to − from` may be: a year and a day, so any one-year comparison fits; longer is a slow query. */
export const MAX_REPORT_DAYS = 366;

const levelRank: Readonly<Record<ReportLevel, number>> = { country: 0, province: 1, city: 2, county: 3 };
/** How many leading digits of a county code name the region at each level. */
const prefixLength: Readonly<Record<ReportLevel, number>> = { country: 0, province: 2, city: 4, county: 6 };

const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }, 'must be a real calendar date');

/** The report request as sent (query string values); `parseOrderReportQuery` checks how they fit together. */
export const orderReportQuerySchema = z.strictObject({
  level: reportLevelSchema,
  within: regionCodeSchema.optional(),
  period: reportPeriodSchema,
  from: dateSchema,
  to: dateSchema,
  category: categoryCodeSchema.optional(),
  format: reportFormatSchema.default('json'),
});

export type OrderReportQuery = {
  level: ReportLevel;
  /** The region the report is limited to (at or above `level`); undefined: the whole country. */
  within: { code: string; level: Exclude<ReportLevel, 'country'>; prefix: string } | undefined;
  period: ReportPeriod;
  /** The first day, YYYY-MM-DD, and the epoch ms of its start in China time. */
  from: string;
  fromMs: number;
  /** The last day (inclusive), YYYY-MM-DD, and the epoch ms of the next day's start in China time. */
  to: string;
  toMsExclusive: number;
  category: string | undefined;
  format: ReportFormat;
};

export type FieldIssue = { field: string; message: string };

/** Checks a request; returns the query or the first problem, naming the field. Never throws. */
export function parseOrderReportQuery(options: {
  input: unknown;
}): { ok: true; query: OrderReportQuery } | { ok: false; issue: FieldIssue } {
  const parsed = orderReportQuerySchema.safeParse(options.input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.code === 'unrecognized_keys') {
      return {
        ok: false,
        issue: { field: (issue.keys[0] ?? 'query').slice(0, 40), message: 'is not a known parameter' },
      };
    }
    return {
      ok: false,
      issue: { field: String(issue?.path[0] ?? 'query'), message: issue?.message ?? 'is invalid' },
    };
  }
  const input = parsed.data;
  const fromMs = Date.parse(`${input.from}T00:00:00Z`) - CHINA_OFFSET_MS;
  const toMsExclusive = Date.parse(`${input.to}T00:00:00Z`) + DAY_MS - CHINA_OFFSET_MS;
  if (toMsExclusive <= fromMs)
    return { ok: false, issue: { field: 'to', message: 'must not be before from' } };
  if (toMsExclusive - DAY_MS - fromMs > MAX_REPORT_DAYS * DAY_MS) {
    return {
      ok: false,
      issue: { field: 'to', message: `must be at most ${MAX_REPORT_DAYS} days after from` },
    };
  }
  let within: OrderReportQuery['within'];
  if (input.within !== undefined) {
    const region = findRegion({ code: input.within });
    if (!region)
      return { ok: false, issue: { field: 'within', message: `no region has code ${input.within}` } };
    if (levelRank[region.level] > levelRank[input.level]) {
      return {
        ok: false,
        issue: {
          field: 'within',
          message: `is a ${region.level}: a ${input.level} report cannot be within it`,
        },
      };
    }
    within = {
      code: region.code,
      level: region.level,
      prefix: region.code.slice(0, prefixLength[region.level]),
    };
  }
  return {
    ok: true,
    query: {
      level: input.level,
      within,
      period: input.period,
      from: input.from,
      fromMs,
      to: input.to,
      toMsExclusive,
      category: input.category,
      format: input.format,
    },
  };
}

/** The code of the region at `level` that holds the county (`000000` for the country). */
export function regionAtLevel(options: { countyCode: string; level: ReportLevel }): string {
  const length = prefixLength[options.level];
  return options.countyCode.slice(0, length).padEnd(6, '0');
}

/** The period key of an instant: `2026-03-07` or `2026-03`, in China time. */
export function periodOf(options: { at: number; period: ReportPeriod }): string {
  const day = new Date(options.at + CHINA_OFFSET_MS).toISOString().slice(0, 10);
  return options.period === 'day' ? day : day.slice(0, 7);
}

/**
 * The query's periods in order, each with the epoch ms it starts at (the first starts at `from`): lets the
 * database group by a bucket number (integer division for days, width_bucket over these starts for
 * months) instead of formatting a date for every row.
 */
export function periodBuckets(options: { query: OrderReportQuery }): { keys: string[]; starts: number[] } {
  const { query } = options;
  const keys: string[] = [];
  const starts: number[] = [];
  for (let at = query.fromMs; at < query.toMsExclusive; at += DAY_MS) {
    const key = periodOf({ at, period: query.period });
    if (keys.at(-1) === key) continue;
    keys.push(key);
    starts.push(at);
  }
  return { keys, starts };
}

/** The columns of the projected `orders` table a report reads. */
export type OrderFact = {
  countyCode: string;
  categoryCode: string;
  channel: Channel;
  status: OrderStatus;
  resolution: 'information' | 'served' | 'cancelled' | null;
  receivedAt: number;
  firstDispatchedAt: number | null;
  returnVisitCount: number;
  lastSatisfaction: number | null;
  complaintCount: number;
};

/** What one group (or the total) counts: everything a figure is derived from. */
export type OrderCounts = {
  received: number;
  call: number;
  sms: number;
  web: number;
  walkIn: number;
  information: number;
  dispatched: number;
  /** Sum and median of the times from receipt to first dispatch over the dispatched orders, in ms. */
  dispatchMsSum: number;
  dispatchMsMedian: number | null;
  completed: number;
  /** Completed orders with at least one return visit. */
  returnVisited: number;
  /** Orders whose latest reached return visit scored, and those of them scoring 4 or 5. */
  rated: number;
  satisfied: number;
  /** Dispatched orders with at least one complaint. */
  complained: number;
};

export type OrderGroupCounts = OrderCounts & { regionCode: string; period: string };

/** Whether the order was served: waiting for its visit, or closed as served. */
export function isCompleted(fact: Pick<OrderFact, 'status' | 'resolution'>): boolean {
  return fact.status === 'served' || fact.resolution === 'served';
}

/** Whether a county's order falls in the query's region, range and category. */
export function matchesQuery(options: { fact: OrderFact; query: OrderReportQuery }): boolean {
  const { fact, query } = options;
  return (
    fact.receivedAt >= query.fromMs &&
    fact.receivedAt < query.toMsExclusive &&
    (query.within === undefined || fact.countyCode.startsWith(query.within.prefix)) &&
    (query.category === undefined || fact.categoryCode === query.category)
  );
}

/**
 * How the median time to first dispatch is found. `exact`: over every order (the raw facts, as
 * percentile_cont). `histogram`: estimated from counts per bucket of `DISPATCH_BUCKET_EDGES_MS`, which add
 * up across days, counties and categories (medians do not): what the pre-aggregated rollups can give.
 */
export type MedianMethod = 'exact' | 'histogram';

const MINUTE_MS = 60_000;
/**
 * Upper edges of the dispatch-time buckets (receipt to first dispatch): 10 and 15 minutes wide at first, where
 * most orders are, then wider; the last bucket is a week and more. Bucket i holds times t with
 * edges[i-1] <= t < edges[i] (bucket 0 everything under 10 minutes, negative clock skew included), which is
 * what PostgreSQL's width_bucket(t, edges) answers.
 */
export const DISPATCH_BUCKET_EDGES_MS: readonly number[] = [
  10, 20, 30, 45, 60, 75, 90, 105, 120, 150, 180, 210, 240, 270, 300, 360, 420, 480, 540, 600, 720, 840, 960,
  1200, 1440, 1800, 2160, 2880, 4320, 7200, 10080,
].map((minutes) => minutes * MINUTE_MS);
export const DISPATCH_BUCKET_COUNT = DISPATCH_BUCKET_EDGES_MS.length + 1;

/** The bucket of a dispatch time: how many edges are at or below it. */
export function dispatchBucketOf(ms: number): number {
  let bucket = 0;
  while (bucket < DISPATCH_BUCKET_EDGES_MS.length && ms >= (DISPATCH_BUCKET_EDGES_MS[bucket] ?? 0)) bucket++;
  return bucket;
}

/**
 * The median estimated from bucket counts: the bucket holding the middle order, and a straight line across
 * it (orders spread evenly inside a bucket); the open last bucket answers its lower edge. Null for none.
 * At most one bucket's width from the exact median (10 to 15 minutes up to 2 hours, wider beyond).
 */
export function histogramMedian(counts: readonly number[]): number | null {
  const n = counts.reduce((sum, c) => sum + c, 0);
  if (n === 0) return null;
  const target = n / 2;
  let before = 0;
  for (let bucket = 0; bucket < counts.length; bucket++) {
    const count = counts[bucket] ?? 0;
    if (count > 0 && before + count >= target) {
      const lower = bucket === 0 ? 0 : (DISPATCH_BUCKET_EDGES_MS[bucket - 1] ?? 0);
      const upper = DISPATCH_BUCKET_EDGES_MS[bucket];
      if (upper === undefined) return lower;
      return lower + ((upper - lower) * (target - before)) / count;
    }
    before += count;
  }
  return null;
}

/** Counts order rows by region and period, as the SQL adapters do in the database. */
export function countOrderFacts(options: {
  facts: Iterable<OrderFact>;
  query: OrderReportQuery;
  /** Default `exact`. */
  median?: MedianMethod;
}): {
  groups: OrderGroupCounts[];
  total: OrderCounts;
} {
  const { query } = options;
  const method = options.median ?? 'exact';
  const groups = new Map<string, { counts: Tally; regionCode: string; period: string }>();
  const total = new Tally();
  for (const fact of options.facts) {
    if (!matchesQuery({ fact, query })) continue;
    const regionCode = regionAtLevel({ countyCode: fact.countyCode, level: query.level });
    const period = periodOf({ at: fact.receivedAt, period: query.period });
    const key = `${regionCode} ${period}`;
    let group = groups.get(key);
    if (!group) {
      group = { counts: new Tally(), regionCode, period };
      groups.set(key, group);
    }
    group.counts.add(fact);
    total.add(fact);
  }
  return {
    groups: [...groups.values()].map((g) => ({
      regionCode: g.regionCode,
      period: g.period,
      ...g.counts.finish(method),
    })),
    total: total.finish(method),
  };
}

class Tally {
  readonly #counts = {
    received: 0,
    call: 0,
    sms: 0,
    web: 0,
    walkIn: 0,
    information: 0,
    dispatched: 0,
    dispatchMsSum: 0,
    completed: 0,
    returnVisited: 0,
    rated: 0,
    satisfied: 0,
    complained: 0,
  };
  readonly #dispatchMs: number[] = [];

  add(fact: OrderFact): void {
    const c = this.#counts;
    c.received += 1;
    if (fact.channel === 'walk_in') c.walkIn += 1;
    else c[fact.channel] += 1;
    if (fact.resolution === 'information') c.information += 1;
    if (fact.firstDispatchedAt !== null) {
      c.dispatched += 1;
      c.dispatchMsSum += fact.firstDispatchedAt - fact.receivedAt;
      this.#dispatchMs.push(fact.firstDispatchedAt - fact.receivedAt);
      if (fact.complaintCount > 0) c.complained += 1;
    }
    if (isCompleted(fact)) {
      c.completed += 1;
      if (fact.returnVisitCount > 0) c.returnVisited += 1;
    }
    if (fact.lastSatisfaction !== null) {
      c.rated += 1;
      if (fact.lastSatisfaction >= 4) c.satisfied += 1;
    }
  }

  finish(method: MedianMethod): OrderCounts {
    if (method === 'exact') return { ...this.#counts, dispatchMsMedian: median(this.#dispatchMs) };
    const counts = new Array<number>(DISPATCH_BUCKET_COUNT).fill(0);
    for (const ms of this.#dispatchMs) counts[dispatchBucketOf(ms)] = (counts[dispatchBucketOf(ms)] ?? 0) + 1;
    return { ...this.#counts, dispatchMsMedian: histogramMedian(counts) };
  }
}

/** The median (the mean of the middle two for an even count), null for none: as percentile_cont(0.5). */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The figures of one row. Rates are fractions (0.1234) rounded to 4 places; null when nothing to divide by. */
export type OrderFigures = {
  received: number;
  byChannel: { call: number; sms: number; web: number; walk_in: number };
  information: number;
  dispatched: number;
  dispatchHoursMedian: number | null;
  dispatchHoursAverage: number | null;
  completed: number;
  /** completed / dispatched */
  completionRate: number | null;
  returnVisited: number;
  /** returnVisited / completed */
  returnVisitRate: number | null;
  /** satisfied (4–5) / rated (latest reached return visit scored) */
  satisfactionRate: number | null;
  /** dispatched orders with a complaint / dispatched */
  complaintRate: number | null;
};

export type OrderReportRow = { regionCode: string; regionName: string; period: string } & OrderFigures;

export type OrderReport = {
  query: {
    level: ReportLevel;
    within: string | null;
    withinName: string | null;
    period: ReportPeriod;
    from: string;
    to: string;
    category: string | null;
    categoryName: string | null;
  };
  /** By region code, then period; only groups with at least one order. */
  rows: OrderReportRow[];
  total: OrderFigures;
  notes: string[];
};

export const REPORT_NOTES: readonly string[] = [
  'Orders count in the period (China time, UTC+8) in which they were received, wherever they are now.',
  'Time to dispatch runs from receipt to the first dispatch, declined or reopened ones included.',
  'Completed: served, or closed as served. Satisfaction is the latest reached return visit of each order.',
  'Call figures (15-second answer rate, abandon rate, handle time) are not included here: they are in /api/reports/calls, from the periods the counties closed.',
  'Figures follow the projected records: orders a county has not synced yet are missing.',
];

const HOUR_MS = 3600 * 1000;

export function roundTo(options: { value: number; places: number }): number {
  const factor = 10 ** options.places;
  // The epsilon keeps 0.12345 (stored as 0.123449999…) rounding up, as a person would.
  return Math.round((options.value + Number.EPSILON * Math.abs(options.value)) * factor) / factor;
}

function rate(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : roundTo({ value: numerator / denominator, places: 4 });
}

function hours(ms: number | null): number | null {
  return ms === null ? null : roundTo({ value: ms / HOUR_MS, places: 2 });
}

export function figuresOf(counts: OrderCounts): OrderFigures {
  return {
    received: counts.received,
    byChannel: { call: counts.call, sms: counts.sms, web: counts.web, walk_in: counts.walkIn },
    information: counts.information,
    dispatched: counts.dispatched,
    dispatchHoursMedian: hours(counts.dispatchMsMedian),
    dispatchHoursAverage: counts.dispatched === 0 ? null : hours(counts.dispatchMsSum / counts.dispatched),
    completed: counts.completed,
    completionRate: rate(counts.completed, counts.dispatched),
    returnVisited: counts.returnVisited,
    returnVisitRate: rate(counts.returnVisited, counts.completed),
    satisfactionRate: rate(counts.satisfied, counts.rated),
    complaintRate: rate(counts.complained, counts.dispatched),
  };
}

/** A region's name in Chinese as written in an address (浙江省杭州市西湖区); 全国 for the country. */
export function regionName(options: { code: string }): string {
  if (options.code === '000000') return '全国';
  return findRegion({ code: options.code }) ? formatRegionName({ code: options.code }) : options.code;
}

/** The report from counts (however they were made): names, figures, rows in a stable order. */
export function buildOrderReport(options: {
  query: OrderReportQuery;
  groups: readonly OrderGroupCounts[];
  total: OrderCounts;
}): OrderReport {
  const { query } = options;
  const rows = options.groups
    .map((g) => ({
      regionCode: g.regionCode,
      regionName: regionName({ code: g.regionCode }),
      period: g.period,
      ...figuresOf(g),
    }))
    .sort((a, b) => compareText(a.regionCode, b.regionCode) || compareText(a.period, b.period));
  const category =
    query.category === undefined ? undefined : listCategories().find((c) => c.code === query.category);
  return {
    query: {
      level: query.level,
      within: query.within?.code ?? null,
      withinName: query.within ? regionName({ code: query.within.code }) : null,
      period: query.period,
      from: query.from,
      to: query.to,
      category: query.category ?? null,
      categoryName: category?.name.zh ?? null,
    },
    rows,
    total: figuresOf(options.total),
    notes: [...REPORT_NOTES],
  };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
