import type { ProjectionDatabase } from '@jiazheng/sync/projections';
import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { CHINA_OFFSET_MS, DISPATCH_BUCKET_COUNT, DISPATCH_BUCKET_EDGES_MS } from '../../domain/order-report';
import type { Service } from '../../ports/service';

/*
 * Pre-aggregated order statistics (rollups) over the projected `orders` table, so the national report reads
 * a few hundred thousand rows instead of every order. Two tables of the same additive counts, by county,
 * category and China-time day, and by county, category and China-time month. Every figure of the report is
 * a sum of these, except the median time to dispatch, which is estimated from the histogram columns
 * h0…h31 (order-report.ts, `histogramMedian`).
 *
 * Triggers on `orders` keep them current: rows inserted add their contribution, rows deleted subtract it,
 * an update does both (statement triggers over the transition tables: one grouped upsert per table and
 * statement), in the transaction that writes the projection (the projector replaces an order's row
 * and commits with its consumed seq, so the rollups can never be ahead of or behind the orders). TRUNCATE
 * (a projection rebuild) empties them. The tables belong to the hub, not to the sync package's projection:
 * the appliances project orders too but need no national rollups.
 */

const histogramColumns = Array.from({ length: DISPATCH_BUCKET_COUNT }, (_, i) => `h${i}`);

/** The additive columns, in order: their names in SQL and in the report's counts. */
export const rollupCountColumns = [
  ['received', 'received'],
  ['call', 'call'],
  ['sms', 'sms'],
  ['web', 'web'],
  ['walk_in', 'walkIn'],
  ['information', 'information'],
  ['dispatched', 'dispatched'],
  ['dispatch_ms_sum', 'dispatchMsSum'],
  ['completed', 'completed'],
  ['return_visited', 'returnVisited'],
  ['rated', 'rated'],
  ['satisfied', 'satisfied'],
  ['complained', 'complained'],
] as const;
export const rollupHistogramColumns: readonly string[] = histogramColumns;

const counts = () => ({
  received: integer('received').notNull(),
  call: integer('call').notNull(),
  sms: integer('sms').notNull(),
  web: integer('web').notNull(),
  walkIn: integer('walk_in').notNull(),
  information: integer('information').notNull(),
  dispatched: integer('dispatched').notNull(),
  dispatchMsSum: bigint('dispatch_ms_sum', { mode: 'number' }).notNull(),
  completed: integer('completed').notNull(),
  returnVisited: integer('return_visited').notNull(),
  rated: integer('rated').notNull(),
  satisfied: integer('satisfied').notNull(),
  complained: integer('complained').notNull(),
});

/** One row per county, category and day (its start in epoch ms, China midnight) with an order. */
export const orderRollupDays = pgTable(
  'order_rollup_days',
  {
    countyCode: text('county_code').notNull(),
    categoryCode: text('category_code').notNull(),
    at: bigint('day_ms', { mode: 'number' }).notNull(),
    ...counts(),
  },
  (t) => [
    primaryKey({ name: 'order_rollup_days_pkey', columns: [t.countyCode, t.categoryCode, t.at] }),
    index('order_rollup_days_category_idx').on(t.categoryCode, t.at),
  ],
);

/**
 * One row per county, category and month (its first day's start in epoch ms, China time) with an order, and
 * one per county and month over all categories (category `*`).
 */
export const orderRollupMonths = pgTable(
  'order_rollup_months',
  {
    countyCode: text('county_code').notNull(),
    categoryCode: text('category_code').notNull(),
    at: bigint('month_ms', { mode: 'number' }).notNull(),
    ...counts(),
  },
  (t) => [
    primaryKey({ name: 'order_rollup_months_pkey', columns: [t.countyCode, t.categoryCode, t.at] }),
    index('order_rollup_months_category_idx').on(t.categoryCode, t.at),
  ],
);

/**
 * The category of the rows summing every category of a county's day or month, so a report over all
 * categories (the national one) reads one row per county and period instead of one per category too.
 */
export const ALL_CATEGORIES = '*';

/** Raised whenever the rollups' columns or rules change: the tables are then refilled from `orders`. */
export const orderRollupsVersion = 4;
const rollupLockKey = 7_310_406_204;

const offset = CHINA_OFFSET_MS;
const dayExpr = (ms: string) => `((${ms} + ${offset}) / 86400000) * 86400000 - ${offset}`;
// Calendar months in China time (UTC+8 all year): shift the instant, truncate in UTC, shift back.
const monthExpr = (ms: string) =>
  `(extract(epoch FROM date_trunc('month', to_timestamp((${ms} + ${offset}) / 1000.0) AT TIME ZONE 'UTC')) * 1000)::bigint - ${offset}`;
const edges = `ARRAY[${DISPATCH_BUCKET_EDGES_MS.join(',')}]::bigint[]`;

/**
 * One order row's contribution to each additive column, times `s` (1 to add, -1 to subtract); `b` is the
 * row's dispatch-time bucket (`bucketOf`), computed once per row by the caller.
 */
function contributions(o: string, s: string, b: string): string[] {
  const completed = `(${o}.status = 'served' OR ${o}.resolution IS NOT DISTINCT FROM 'served')`;
  const dispatched = `${o}.first_dispatched_at IS NOT NULL`;
  const when = (condition: string) => `CASE WHEN ${condition} THEN ${s} ELSE 0 END`;
  return [
    s,
    when(`${o}.channel = 'call'`),
    when(`${o}.channel = 'sms'`),
    when(`${o}.channel = 'web'`),
    when(`${o}.channel = 'walk_in'`),
    when(`${o}.resolution IS NOT DISTINCT FROM 'information'`),
    when(dispatched),
    `CASE WHEN ${dispatched} THEN ${s} * (${o}.first_dispatched_at - ${o}.received_at) ELSE 0 END`,
    when(completed),
    when(`${completed} AND ${o}.return_visit_count > 0`),
    when(`${o}.last_satisfaction IS NOT NULL`),
    when(`${o}.last_satisfaction >= 4`),
    when(`${dispatched} AND ${o}.complaint_count > 0`),
    ...histogramColumns.map((_, i) => when(`${b} = ${i}`)),
  ];
}

/** The dispatch-time bucket of an order row, -1 when not dispatched. */
const bucketOf = (o: string) =>
  `CASE WHEN ${o}.first_dispatched_at IS NULL THEN -1 ELSE width_bucket(${o}.first_dispatched_at - ${o}.received_at, ${edges}) END`;

const allColumns = [...rollupCountColumns.map(([column]) => column), ...histogramColumns];
const columnDefinitions = allColumns
  .map((c) => `  ${c} ${c === 'dispatch_ms_sum' ? 'bigint' : 'integer'} NOT NULL`)
  .join(',\n');

/**
 * Adds the contributions of the rows `source` yields (order rows with a sign `s`: 1 to add, -1 to subtract)
 * to a rollup table: grouped first, so a statement that changed many orders makes one upsert per group, each
 * row counted under its own category and under `*`.
 */
function applyDelta(table: 'order_rollup_days' | 'order_rollup_months', source: string): string {
  const at = table === 'order_rollup_days' ? 'day_ms' : 'month_ms';
  const period = table === 'order_rollup_days' ? dayExpr('o.received_at') : monthExpr('o.received_at');
  return `INSERT INTO ${table} AS r (county_code, category_code, ${at}, ${allColumns.join(', ')})
    SELECT o.county_code, c.category, ${period}, ${contributions('o', 'o.s', 'o.b')
      .map((value) => `sum(${value})`)
      .join(', ')}
    FROM (SELECT x.*, ${bucketOf('x')} AS b FROM (${source}) x) o
    CROSS JOIN LATERAL (VALUES (o.category_code), ('${ALL_CATEGORIES}')) AS c(category)
    GROUP BY 1, 2, 3
    ON CONFLICT ON CONSTRAINT ${table}_pkey DO UPDATE SET
    ${allColumns.map((c) => `${c} = r.${c} + excluded.${c}`).join(', ')};`;
}

const deltaFunction = (name: string, source: string) => `CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  ${applyDelta('order_rollup_days', source)}
  ${applyDelta('order_rollup_months', source)}
  RETURN NULL;
END
$fn$`;
const added = 'SELECT n.*, 1 AS s FROM new_rows n';
const removed = 'SELECT d.*, -1 AS s FROM old_rows d';

/** The DDL, one statement per entry (PGlite takes one per call); idempotent. */
export const createOrderRollupsSql: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS order_rollup_days (
  county_code text NOT NULL,
  category_code text NOT NULL,
  day_ms bigint NOT NULL,
${columnDefinitions},
  CONSTRAINT order_rollup_days_pkey PRIMARY KEY (county_code, category_code, day_ms)
)`,
  // A report over one category, or over all (`*`), reads only that category's rows of its days.
  `DROP INDEX IF EXISTS order_rollup_days_day_idx`,
  `CREATE INDEX IF NOT EXISTS order_rollup_days_category_idx ON order_rollup_days (category_code, day_ms)`,
  `CREATE TABLE IF NOT EXISTS order_rollup_months (
  county_code text NOT NULL,
  category_code text NOT NULL,
  month_ms bigint NOT NULL,
${columnDefinitions},
  CONSTRAINT order_rollup_months_pkey PRIMARY KEY (county_code, category_code, month_ms)
)`,
  // A report over one category, or over all (`*`), reads only that category's rows.
  `CREATE INDEX IF NOT EXISTS order_rollup_months_category_idx ON order_rollup_months (category_code, month_ms)`,
  `CREATE TABLE IF NOT EXISTS order_rollup_meta (key text PRIMARY KEY, value text NOT NULL)`,
  // Statement triggers with transition tables: one grouped upsert per table and statement, however many
  // orders the statement changed. PostgreSQL allows one event per trigger with transition tables, so three.
  `DROP TRIGGER IF EXISTS order_rollups_change ON orders`,
  `DROP FUNCTION IF EXISTS order_rollups_on_change()`,
  `DROP FUNCTION IF EXISTS order_rollups_add(orders, integer)`,
  deltaFunction('order_rollups_on_insert', added),
  deltaFunction('order_rollups_on_delete', removed),
  deltaFunction('order_rollups_on_update', `${removed} UNION ALL ${added}`),
  `CREATE OR REPLACE FUNCTION order_rollups_on_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  TRUNCATE order_rollup_days, order_rollup_months;
  RETURN NULL;
END
$fn$`,
  `CREATE OR REPLACE TRIGGER order_rollups_insert AFTER INSERT ON orders REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION order_rollups_on_insert()`,
  `CREATE OR REPLACE TRIGGER order_rollups_delete AFTER DELETE ON orders REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION order_rollups_on_delete()`,
  `CREATE OR REPLACE TRIGGER order_rollups_update AFTER UPDATE ON orders
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION order_rollups_on_update()`,
  `CREATE OR REPLACE TRIGGER order_rollups_truncate AFTER TRUNCATE ON orders
  FOR EACH STATEMENT EXECUTE FUNCTION order_rollups_on_truncate()`,
];

/** Refills both tables from `orders` in set-based statements (a new hub, a changed version, the bench). */
export const refillOrderRollupsSql: readonly string[] = [
  `TRUNCATE order_rollup_days, order_rollup_months`,
  `INSERT INTO order_rollup_days (county_code, category_code, day_ms, ${allColumns.join(', ')})
   SELECT o.county_code, o.category_code, ${dayExpr('o.received_at')},
     ${contributions('o', '1', 'o.b')
       .map((c) => `sum(${c})`)
       .join(', ')}
   FROM (SELECT *, ${bucketOf('orders')} AS b FROM orders) o GROUP BY 1, 2, 3`,
  `INSERT INTO order_rollup_days (county_code, category_code, day_ms, ${allColumns.join(', ')})
   SELECT d.county_code, '${ALL_CATEGORIES}', d.day_ms, ${allColumns.map((c) => `sum(d.${c})`).join(', ')}
   FROM order_rollup_days d GROUP BY 1, 3`,
  `INSERT INTO order_rollup_months (county_code, category_code, month_ms, ${allColumns.join(', ')})
   SELECT d.county_code, d.category_code, ${monthExpr('d.day_ms')},
     ${allColumns.map((c) => `sum(d.${c})`).join(', ')}
   FROM order_rollup_days d GROUP BY 1, 2, 3`,
];

/**
 * Creates the rollup tables and the triggers on `orders` (which must exist: start this after the
 * projection's migration), and refills the tables when they are new or of another version. One
 * transaction holding a lock that keeps `orders` unchanged meanwhile, so no change falls between the
 * refill and the triggers; safe from several processes at once.
 */
export async function migrateOrderRollups(options: {
  db: ProjectionDatabase;
}): Promise<{ refilled: boolean }> {
  return options.db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${rollupLockKey})`);
    await tx.execute(sql`LOCK TABLE orders IN SHARE ROW EXCLUSIVE MODE`);
    for (const statement of createOrderRollupsSql) await tx.execute(sql.raw(statement));
    const result = await tx.execute(sql`SELECT value FROM order_rollup_meta WHERE key = 'version'`);
    const version = String(orderRollupsVersion);
    if (rowsOf<{ value: string }>(result)[0]?.value === version) return { refilled: false };
    for (const statement of refillOrderRollupsSql) await tx.execute(sql.raw(statement));
    await tx.execute(
      sql`INSERT INTO order_rollup_meta (key, value) VALUES ('version', ${version})
          ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    );
    return { refilled: true };
  });
}

/** node-postgres answers a QueryResult, PGlite a Results: both carry `rows`. */
function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

/** The rollups as a hub service: migrated at start (after the projection's), nothing to stop. */
export class OrderRollupsService implements Service {
  readonly #db: ProjectionDatabase;

  constructor(options: { db: ProjectionDatabase }) {
    this.#db = options.db;
  }

  async start(): Promise<void> {
    await migrateOrderRollups({ db: this.#db });
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}
