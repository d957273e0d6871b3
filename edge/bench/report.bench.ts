/**
 * Times the national monthly order report (by province and month, one year) over N projected orders in an
 * in-memory PGlite: `npx tsx bench/report.bench.ts [N]` in edge/ (default 200,000). The rows are made by
 * SQL directly (not through records): this measures the report's query, not the projection.
 *
 * The issue's target is PostgreSQL with 10,000,000 orders in at most 1 s; that run is not done here.
 */
import { PGlite } from '@electric-sql/pglite';
import { listChildren } from '@jiazheng/sync/domain';
import { Projector } from '@jiazheng/sync/projections';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { SqlOrderReportSource } from '../src/adapters/reports/sql-order-report-source';
import { buildOrderReport, parseOrderReportQuery } from '../src/domain/order-report';

const count = Number(process.argv[2] ?? 200_000);
if (!Number.isSafeInteger(count) || count < 1)
  throw new Error(`N must be a positive integer (got ${process.argv[2]})`);

// Every county of the country, so the grouping sees real prefixes.
const counties = listChildren({})
  .flatMap((province) => listChildren({ code: province.code }))
  .flatMap((city) => listChildren({ code: city.code }))
  .filter((region) => region.level === 'county')
  .map((region) => region.code);

const pglite = new PGlite();
const db = drizzle({ client: pglite });
await new Projector({ db, store: new MemoryRecordStore() }).migrate();

const yearStart = Date.parse('2026-01-01T00:00:00+08:00');
const year = 365 * 24 * 3600 * 1000;
let started = performance.now();
const countyList = `ARRAY[${counties.map((c) => `'${c}'`).join(',')}]`;
for (let done = 0; done < count; done += 100_000) {
  const batch = Math.min(100_000, count - done);
  // One INSERT … SELECT per batch: random but plausible rows (a tenth information, most dispatched). The
  // laterals mention i, or PostgreSQL would draw their random() once for all rows.
  await db.execute(
    sql.raw(`
    INSERT INTO orders (record_id, county_code, status, channel, item_code, category_code, urgency,
      citizen_phone, citizen_name, enterprise_id, worker_id, received_at, dispatched_at, served_at,
      closed_at, fee_fen, resolution, reopen_count, open_complaints, last_satisfaction, updated_at,
      first_dispatched_at, return_visit_count, complaint_count)
    SELECT 'order:bench:' || (${done} + i), c.county, s.status, s.channel, 'FAM-CLEANING', s.category, 'normal',
      NULL, '张女士', NULL, NULL, s.received,
      CASE WHEN s.info THEN NULL ELSE s.received + s.wait END, NULL, NULL, NULL,
      CASE WHEN s.info THEN 'information' WHEN s.status = 'closed' THEN 'served' ELSE NULL END,
      0, 0, CASE WHEN s.status = 'closed' THEN 1 + floor(s.r * 5)::int ELSE NULL END, s.received,
      CASE WHEN s.info THEN NULL ELSE s.received + s.wait END,
      CASE WHEN s.status = 'closed' THEN 1 ELSE 0 END,
      CASE WHEN s.r < 0.03 THEN 1 ELSE 0 END
    FROM generate_series(1, ${batch}) AS i
    CROSS JOIN LATERAL (SELECT random() + 0 * i AS r, random() + 0 * i < 0.1 AS info) AS x
    CROSS JOIN LATERAL (SELECT
      (${countyList})[1 + floor(random() * ${counties.length} + 0 * i)::int] AS county) AS c
    CROSS JOIN LATERAL (SELECT
      ${yearStart} + floor(random() * ${year} + 0 * i)::bigint AS received,
      floor(random() * 8 * 3600 * 1000)::bigint AS wait,
      (ARRAY['call','call','call','sms','web','walk_in'])[1 + floor(random() * 6)::int] AS channel,
      (ARRAY['FAM','MNT','ELD','MED','SHP'])[1 + floor(random() * 5)::int] AS category,
      CASE WHEN x.info THEN 'closed' WHEN x.r < 0.7 THEN 'closed' WHEN x.r < 0.85 THEN 'served' ELSE 'dispatched' END AS status,
      x.r AS r, x.info AS info) AS s`),
  );
}
await db.execute(sql`ANALYZE orders`);
const loadMs = performance.now() - started;

const parsed = parseOrderReportQuery({
  input: { level: 'province', period: 'month', from: '2026-01-01', to: '2026-12-31' },
});
if (!parsed.ok) throw new Error(parsed.issue.message);
const source = new SqlOrderReportSource({ db });
const timings: number[] = [];
let rows = 0;
for (let run = 0; run < 5; run++) {
  started = performance.now();
  const report = buildOrderReport({
    query: parsed.query,
    ...(await source.countOrders({ query: parsed.query })),
  });
  timings.push(performance.now() - started);
  rows = report.rows.length;
  if (report.total.received !== count) throw new Error(`counted ${report.total.received} of ${count}`);
}
timings.sort((a, b) => a - b);
console.log(
  [
    `orders: ${count.toLocaleString('en')} in PGlite (in memory), made in ${(loadMs / 1000).toFixed(1)} s`,
    `national monthly report (provinces × 12 months, ${rows} rows + total): ` +
      `median ${timings[2]?.toFixed(0)} ms, best ${timings[0]?.toFixed(0)} ms of 5`,
    'not measured: PostgreSQL with 10,000,000 orders (the target: at most 1 s)',
  ].join('\n'),
);
await pglite.close();
