import { orders, type ProjectionDatabase } from '@jiazheng/sync/projections';
import { and, eq, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import {
  periodBuckets,
  type OrderCounts,
  type OrderGroupCounts,
  type OrderReportQuery,
} from '../../domain/order-report';
import type { OrderReportSource } from '../../ports/order-report-source';

const prefixLength = { country: 0, province: 2, city: 4, county: 6 } as const;
const DAY_MS = 24 * 3600 * 1000;

/**
 * Counts the projected `orders` in the database (PGlite or PostgreSQL), one pass for the groups and the
 * total (GROUPING SETS), so the national report does not ship millions of rows to Node. Its answers equal
 * `countOrderFacts` over the same rows (tested); figures and names are then made by `buildOrderReport`.
 */
export class SqlOrderReportSource implements OrderReportSource {
  readonly #db: ProjectionDatabase;

  constructor(options: { db: ProjectionDatabase }) {
    this.#db = options.db;
  }

  async countOrders(options: {
    query: OrderReportQuery;
  }): Promise<{ groups: OrderGroupCounts[]; total: OrderCounts }> {
    const { query } = options;
    // Literals, not parameters: the same expression must appear in the select and the GROUP BY, and
    // PostgreSQL does not see two parameters as one expression. All are integers this code computed.
    const length = prefixLength[query.level];
    // For the country too (left(…, 0) is ''): GROUP BY refuses a bare constant.
    const region = sql.raw(`left(county_code, ${length})`);
    // A bucket number per row rather than a formatted date: formatting every row was most of the time.
    const buckets = periodBuckets({ query });
    const period =
      query.period === 'day'
        ? sql.raw(`((received_at - ${query.fromMs}) / ${DAY_MS})::int`)
        : buckets.starts.length === 1
          ? sql.raw(`(received_at * 0)::int`)
          : sql.raw(`width_bucket(received_at, ARRAY[${buckets.starts.slice(1).join(',')}]::bigint[])`);
    const completed = sql`(${orders.status} = 'served' OR ${orders.resolution} = 'served')`;
    const dispatchMs = sql`(${orders.firstDispatchedAt} - ${orders.receivedAt})`;
    const conditions: SQL[] = [
      gte(orders.receivedAt, query.fromMs),
      lt(orders.receivedAt, query.toMsExclusive),
    ];
    if (query.within !== undefined) {
      // A range rather than LIKE, so a btree index on county_code serves it whatever the collation.
      conditions.push(
        gte(orders.countyCode, query.within.prefix.padEnd(6, '0')),
        lte(orders.countyCode, query.within.prefix.padEnd(6, '9')),
      );
    }
    if (query.category !== undefined) conditions.push(eq(orders.categoryCode, query.category));
    const count = (filter: SQL) => sql<number>`(count(*) FILTER (WHERE ${filter}))::int`;

    const rows = await this.#db
      .select({
        grouping: sql<number>`GROUPING(${region}, ${period})::int`,
        regionPrefix: sql<string | null>`${region}`,
        bucket: sql<number | null>`${period}`,
        received: sql<number>`count(*)::int`,
        call: count(sql`${orders.channel} = 'call'`),
        sms: count(sql`${orders.channel} = 'sms'`),
        web: count(sql`${orders.channel} = 'web'`),
        walkIn: count(sql`${orders.channel} = 'walk_in'`),
        information: count(sql`${orders.resolution} = 'information'`),
        dispatched: sql<number>`count(${orders.firstDispatchedAt})::int`,
        dispatchMsSum: sql<number>`coalesce(sum(${dispatchMs}), 0)::float8`,
        dispatchMsMedian: sql<
          number | null
        >`(percentile_cont(0.5) WITHIN GROUP (ORDER BY ${dispatchMs}))::float8`,
        completed: count(completed),
        returnVisited: count(sql`${completed} AND ${orders.returnVisitCount} > 0`),
        rated: sql<number>`count(${orders.lastSatisfaction})::int`,
        satisfied: count(sql`${orders.lastSatisfaction} >= 4`),
        complained: count(sql`${orders.firstDispatchedAt} IS NOT NULL AND ${orders.complaintCount} > 0`),
      })
      .from(orders)
      .where(and(...conditions))
      .groupBy(sql`GROUPING SETS ((${region}, ${period}), ())`);

    const groups: OrderGroupCounts[] = [];
    let total: OrderCounts = emptyCounts();
    for (const row of rows) {
      const { grouping, regionPrefix, bucket, ...raw } = row;
      const counts = toCounts(raw);
      if (Number(grouping) !== 0) total = counts;
      else {
        groups.push({
          regionCode: (regionPrefix ?? '').padEnd(6, '0'),
          period: buckets.keys[Number(bucket)] ?? '',
          ...counts,
        });
      }
    }
    return { groups, total };
  }
}

// Drivers differ in what they return for numeric types; the casts above make them numbers, this makes sure.
function toCounts(raw: Record<keyof OrderCounts, number | null>): OrderCounts {
  const n = (value: number | null) => Number(value ?? 0);
  return {
    received: n(raw.received),
    call: n(raw.call),
    sms: n(raw.sms),
    web: n(raw.web),
    walkIn: n(raw.walkIn),
    information: n(raw.information),
    dispatched: n(raw.dispatched),
    dispatchMsSum: n(raw.dispatchMsSum),
    dispatchMsMedian: raw.dispatchMsMedian === null ? null : Number(raw.dispatchMsMedian),
    completed: n(raw.completed),
    returnVisited: n(raw.returnVisited),
    rated: n(raw.rated),
    satisfied: n(raw.satisfied),
    complained: n(raw.complained),
  };
}

function emptyCounts(): OrderCounts {
  return {
    received: 0,
    call: 0,
    sms: 0,
    web: 0,
    walkIn: 0,
    information: 0,
    dispatched: 0,
    dispatchMsSum: 0,
    dispatchMsMedian: null,
    completed: 0,
    returnVisited: 0,
    rated: 0,
    satisfied: 0,
    complained: 0,
  };
}
