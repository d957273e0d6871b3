import type { ProjectionDatabase } from '@jiazheng/sync/projections';
import { and, eq, gte, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import {
  DISPATCH_BUCKET_COUNT,
  histogramMedian,
  periodBuckets,
  periodOf,
  type OrderCounts,
  type OrderGroupCounts,
  type OrderReportQuery,
} from '../../domain/order-report';
import type { OrderReportSource } from '../../ports/order-report-source';
import {
  orderRollupDays,
  ALL_CATEGORIES,
  orderRollupMonths,
  rollupCountColumns,
  rollupHistogramColumns,
} from './order-rollups';
import { SqlOrderReportSource } from './sql-order-report-source';

const prefixLength = { country: 0, province: 2, city: 4, county: 6 } as const;
type Additive = Exclude<keyof OrderCounts, 'dispatchMsMedian'>;
type Tally = { counts: Record<Additive, number>; histogram: number[] };

/**
 * The order report read from the rollups (order-rollups.ts) instead of every order: whole months of a
 * monthly report from the month table, the days of a partial month (or of a daily report) from the day
 * table, summed by region and period in the database and merged here. Every count equals the raw query's
 * (`SqlOrderReportSource`, kept as the reference); the median time to dispatch is the histogram's estimate
 * (`histogramMedian`), except in a drill-down into one county, which reads that county's raw orders (a few
 * thousand a year, through the county index) and gives the exact median.
 */
export class RollupOrderReportSource implements OrderReportSource {
  readonly #db: ProjectionDatabase;
  readonly #raw: SqlOrderReportSource;

  constructor(options: { db: ProjectionDatabase }) {
    this.#db = options.db;
    this.#raw = new SqlOrderReportSource({ db: options.db });
  }

  async countOrders(options: {
    query: OrderReportQuery;
  }): Promise<{ groups: OrderGroupCounts[]; total: OrderCounts }> {
    const { query } = options;
    if (query.within !== undefined && query.within.prefix.length === 6)
      return this.#raw.countOrders({ query });

    const buckets = periodBuckets({ query });
    const fullMonths: number[] = [];
    const dayRanges: Array<{ from: number; to: number }> = [];
    if (query.period === 'day') dayRanges.push({ from: query.fromMs, to: query.toMsExclusive });
    else {
      for (const [i, start] of buckets.starts.entries()) {
        const end = buckets.starts[i + 1] ?? query.toMsExclusive;
        if (isMonthStart(start) && isMonthStart(end)) fullMonths.push(start);
        else dayRanges.push({ from: start, to: end });
      }
    }
    const parts = await Promise.all([
      fullMonths.length === 0
        ? []
        : this.#sum({ table: orderRollupMonths, query, range: inArray(orderRollupMonths.at, fullMonths) }),
      dayRanges.length === 0
        ? []
        : this.#sum({
            table: orderRollupDays,
            query,
            range: or(
              ...dayRanges.map((r) => and(gte(orderRollupDays.at, r.from), lt(orderRollupDays.at, r.to))),
            ) as SQL,
          }),
    ]);

    const groups = new Map<string, Tally & { regionCode: string; period: string }>();
    const total = emptyTally();
    for (const row of parts.flat()) {
      const regionCode = row.regionPrefix.padEnd(6, '0');
      const period =
        buckets.keys[bucketOf({ starts: buckets.starts, at: Math.max(row.at, query.fromMs) })] ?? '';
      const key = `${regionCode} ${period}`;
      let group = groups.get(key);
      if (!group) {
        group = { ...emptyTally(), regionCode, period };
        groups.set(key, group);
      }
      add(group, row);
      add(total, row);
    }
    return {
      groups: [...groups.values()]
        .filter((g) => g.counts.received > 0)
        .map((g) => ({ regionCode: g.regionCode, period: g.period, ...finish(g) })),
      total: finish(total),
    };
  }

  async #sum(options: {
    table: typeof orderRollupDays | typeof orderRollupMonths;
    query: OrderReportQuery;
    range: SQL;
  }): Promise<Array<Tally & { regionPrefix: string; at: number }>> {
    const { table, query } = options;
    const region = sql.raw(`left(county_code, ${prefixLength[query.level]})`);
    const conditions: SQL[] = [options.range];
    if (query.within !== undefined) {
      conditions.push(
        gte(table.countyCode, query.within.prefix.padEnd(6, '0')),
        lte(table.countyCode, query.within.prefix.padEnd(6, '9')),
      );
    }
    if (query.category !== undefined) conditions.push(eq(table.categoryCode, query.category));
    // Every category of a county's day or month is summed in a row of its own.
    else conditions.push(eq(table.categoryCode, ALL_CATEGORIES));
    const sums: Record<string, SQL<number>> = {};
    for (const [column, name] of rollupCountColumns)
      sums[name] = sql<number>`sum(${sql.raw(column)})::float8`;
    for (const column of rollupHistogramColumns) sums[column] = sql<number>`sum(${sql.raw(column)})::float8`;
    const rows = await this.#db
      .select({ regionPrefix: sql<string>`${region}`, at: table.at, ...sums })
      .from(table)
      .where(and(...conditions))
      .groupBy(sql`1, 2`);
    return rows.map((row) => {
      const values = row as unknown as Record<string, number | string>;
      const counts = {} as Record<Additive, number>;
      for (const [, name] of rollupCountColumns) counts[name] = Number(values[name] ?? 0);
      return {
        regionPrefix: String(row.regionPrefix ?? ''),
        at: Number(row.at),
        counts,
        histogram: rollupHistogramColumns.map((column) => Number(values[column] ?? 0)),
      };
    });
  }
}

function isMonthStart(at: number): boolean {
  return periodOf({ at, period: 'day' }).endsWith('-01');
}

/** The index of the last start at or before `at`. */
function bucketOf(options: { starts: readonly number[]; at: number }): number {
  let low = 0;
  let high = options.starts.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if ((options.starts[mid] ?? 0) <= options.at) low = mid;
    else high = mid - 1;
  }
  return low;
}

function emptyTally(): Tally {
  const counts = {} as Record<Additive, number>;
  for (const [, name] of rollupCountColumns) counts[name] = 0;
  return { counts, histogram: new Array<number>(DISPATCH_BUCKET_COUNT).fill(0) };
}

function add(into: Tally, from: Tally): void {
  for (const [, name] of rollupCountColumns) into.counts[name] += from.counts[name];
  for (let i = 0; i < DISPATCH_BUCKET_COUNT; i++)
    into.histogram[i] = (into.histogram[i] ?? 0) + (from.histogram[i] ?? 0);
}

function finish(tally: Tally): OrderCounts {
  return { ...tally.counts, dispatchMsMedian: histogramMedian(tally.histogram) };
}
