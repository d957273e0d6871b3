/**
 * The order report at scale, on a real PostgreSQL 15 started for the run in a temporary directory:
 * `npm run bench -w @jiazheng/edge [-- N] [--write]` (default N = 10,000,000; `--write` puts the results
 * in edge/BENCH.md). N projected orders over every county of the country and one year (2026, China time)
 * are made by SQL in the database (INSERT … SELECT over generate_series, not through records: this
 * measures the report and the rollups, not the projection), then:
 *
 * - the national monthly report (provinces × 12 months) from the rollups: p50/p95 of several runs;
 * - drill-downs: every county of a province from the rollups, and one county from its raw orders;
 * - orders streaming in at 500 per second for 30 s (new ones and existing ones moving on, written as the
 *   projector writes them: delete and insert the order's row, in one transaction per tenth of a second),
 *   with the rollups kept by the triggers in the same transaction, and the national report read meanwhile;
 * - the same national report computed naively from the raw facts (one GROUP BY over every order).
 *
 * The server runs with fsync, synchronous_commit and full_page_writes off (a throwaway cluster: it makes
 * generating the rows faster and changes nothing in the reads), shared_buffers 2 GB, work_mem 1 GB.
 */
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { CategoryCode, listChildren } from '@jiazheng/sync/domain';
import { Projector } from '@jiazheng/sync/projections';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import { startPostgresTestServer } from '@jiazheng/sync/test-support/postgres';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { migrateOrderRollups, refillOrderRollupsSql } from '../src/adapters/reports/order-rollups';
import { RollupOrderReportSource } from '../src/adapters/reports/rollup-order-report-source';
import { SqlOrderReportSource } from '../src/adapters/reports/sql-order-report-source';
import { buildOrderReport, parseOrderReportQuery, type OrderReportQuery } from '../src/domain/order-report';
import type { OrderReportSource } from '../src/ports/order-report-source';

const args = process.argv.slice(2);
const write = args.includes('--write');
const countArg = args.find((a) => !a.startsWith('--'));
const count = Number(countArg ?? 10_000_000);
if (!Number.isSafeInteger(count) || count < 1)
  throw new Error(`N must be a positive integer (got ${countArg})`);
const streamSeconds = Number(process.env.BENCH_STREAM_SECONDS ?? 30);
const streamRate = 500;

const counties = listChildren({})
  .flatMap((province) => listChildren({ code: province.code }))
  .flatMap((city) => (city.level === 'county' ? [city] : listChildren({ code: city.code })))
  .filter((region) => region.level === 'county')
  .map((region) => region.code);
const categories = Object.values(CategoryCode);

const startLoad = loadavg()
  .map((l) => l.toFixed(1))
  .join(' / ');
const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

log(
  `starting PostgreSQL 15 (${counties.length} counties, ${categories.length} categories, ${count.toLocaleString('en')} orders)`,
);
const server = await startPostgresTestServer({
  settings: [
    'shared_buffers=2GB',
    'work_mem=1GB',
    'maintenance_work_mem=1GB',
    'max_wal_size=8GB',
    'checkpoint_timeout=30min',
    'max_parallel_workers_per_gather=2',
    'random_page_cost=1.1',
  ],
});
const pool = new pg.Pool({ connectionString: server.connectionString, max: 6 });
const lines: string[] = [];
try {
  const db = drizzle({ client: pool });
  const version = (await pool.query<{ v: string }>('SELECT version() AS v')).rows[0]?.v ?? '';
  await new Projector({ db, store: new MemoryRecordStore() }).migrate();

  // Bulk load without indexes, then build them once: far faster than maintaining them row by row.
  const indexes = (
    await pool.query<{ name: string }>(
      `SELECT indexname AS name FROM pg_indexes WHERE tablename = 'orders' AND indexname <> 'orders_pkey'`,
    )
  ).rows.map((r) => r.name);
  for (const name of indexes) await pool.query(`DROP INDEX ${name}`);
  await pool.query('ALTER TABLE orders DROP CONSTRAINT orders_pkey');
  // The rollup tables and triggers now, on no orders; the triggers are off while the orders are loaded and
  // the rollups are then filled set-based from them, as a hub does when it first meets a full table.
  await migrateOrderRollups({ db });
  await pool.query('ALTER TABLE orders DISABLE TRIGGER USER');

  const yearStart = Date.parse('2026-01-01T00:00:00+08:00');
  const year = 365 * 24 * 3600 * 1000;
  const countyList = `ARRAY[${counties.map((c) => `'${c}'`).join(',')}]`;
  // Family services, maintenance and elderly care are most of the demand; information the rest.
  const categoryList = `ARRAY[${['FAM', 'FAM', 'FAM', 'MNT', 'MNT', 'ELD', 'ELD', ...categories].map((c) => `'${c}'`).join(',')}]`;
  const categoryCount = 7 + categories.length;
  const insertBatch = (from: number, size: number) => `
    INSERT INTO orders (record_id, county_code, status, channel, item_code, category_code, urgency,
      citizen_phone, citizen_name, enterprise_id, worker_id, received_at, dispatched_at, served_at,
      closed_at, fee_fen, resolution, reopen_count, open_complaints, last_satisfaction, updated_at,
      first_dispatched_at, return_visit_count, complaint_count)
    SELECT 'order:' || c.county || ':bench' || (${from} + i), c.county, s.status, s.channel, s.category || '-ITEM',
      s.category, 'normal', NULL, '张女士', NULL, NULL, s.received,
      CASE WHEN s.info THEN NULL ELSE s.received + s.wait END, NULL, NULL, NULL,
      CASE WHEN s.info THEN 'information' WHEN s.status = 'closed' THEN 'served' ELSE NULL END,
      0, 0, CASE WHEN s.status = 'closed' AND NOT s.info THEN 1 + floor(s.r * 5)::int ELSE NULL END, s.received,
      CASE WHEN s.info THEN NULL ELSE s.received + s.wait END,
      CASE WHEN s.status = 'closed' AND NOT s.info THEN 1 ELSE 0 END,
      CASE WHEN s.r < 0.03 THEN 1 ELSE 0 END
    FROM generate_series(1, ${size}) AS i
    CROSS JOIN LATERAL (SELECT random() + 0 * i AS r, random() + 0 * i < 0.1 AS info) AS x
    CROSS JOIN LATERAL (SELECT
      (${countyList})[1 + floor(random() * ${counties.length} + 0 * i)::int] AS county) AS c
    CROSS JOIN LATERAL (SELECT
      ${yearStart} + floor(random() * ${year} + 0 * i)::bigint AS received,
      floor(power(random(), 2) * 8 * 3600 * 1000)::bigint AS wait,
      (ARRAY['call','call','call','sms','web','walk_in'])[1 + floor(random() * 6)::int] AS channel,
      CASE WHEN x.info THEN 'INF' ELSE (${categoryList})[1 + floor(random() * ${categoryCount})::int] END AS category,
      CASE WHEN x.info THEN 'closed' WHEN x.r < 0.7 THEN 'closed' WHEN x.r < 0.85 THEN 'served' ELSE 'dispatched' END AS status,
      x.r AS r, x.info AS info) AS s`;

  let started = performance.now();
  const batch = 500_000;
  const jobs: Array<{ from: number; size: number }> = [];
  for (let done = 0; done < count; done += batch)
    jobs.push({ from: done, size: Math.min(batch, count - done) });
  let made = 0;
  // Two connections: one per core.
  await Promise.all(
    [0, 1].map(async () => {
      for (let job = jobs.shift(); job !== undefined; job = jobs.shift()) {
        await pool.query(insertBatch(job.from, job.size));
        made += job.size;
        if (made % 2_000_000 === 0 || made === count) log(`  ${made.toLocaleString('en')} orders`);
      }
    }),
  );
  const generateMs = performance.now() - started;
  log(`generated in ${seconds(generateMs)}; building the indexes`);
  started = performance.now();
  await pool.query('ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY (record_id)');
  await new Projector({ db, store: new MemoryRecordStore() }).migrate();
  const indexMs = performance.now() - started;
  log(`indexes in ${seconds(indexMs)}; building the rollups`);
  started = performance.now();
  const refillTimes: string[] = [];
  for (const statement of refillOrderRollupsSql) {
    const at = performance.now();
    await pool.query(statement);
    refillTimes.push(seconds(performance.now() - at));
  }
  await pool.query('ALTER TABLE orders ENABLE TRIGGER USER');
  const rollupMs = performance.now() - started;
  await pool.query('VACUUM ANALYZE');
  const sizes = (
    await pool.query<{ name: string; rows: string; size: string }>(
      `SELECT c.relname AS name, c.reltuples::bigint AS rows, pg_size_pretty(pg_total_relation_size(c.oid)) AS size
       FROM pg_class c WHERE c.relname IN ('orders', 'order_rollup_days', 'order_rollup_months') ORDER BY 1`,
    )
  ).rows;
  log(`rollups in ${seconds(rollupMs)} (${refillTimes.join(', ')})`);

  const rollups = new RollupOrderReportSource({ db });
  const raw = new SqlOrderReportSource({ db });
  const query = (input: Record<string, string>): OrderReportQuery => {
    const parsed = parseOrderReportQuery({
      input: { from: '2026-01-01', to: '2026-12-31', period: 'month', ...input },
    });
    if (!parsed.ok) throw new Error(parsed.issue.message);
    return parsed.query;
  };
  const time = async (source: OrderReportSource, q: OrderReportQuery, runs: number) => {
    const timings: number[] = [];
    let report: ReturnType<typeof buildOrderReport> | undefined;
    for (let run = 0; run < runs; run++) {
      const at = performance.now();
      report = buildOrderReport({ query: q, ...(await source.countOrders({ query: q })) });
      timings.push(performance.now() - at);
    }
    timings.sort((a, b) => a - b);
    const pick = (p: number) => timings[Math.min(timings.length - 1, Math.ceil(p * timings.length) - 1)] ?? 0;
    if (!report) throw new Error('no run');
    return { p50: pick(0.5), p95: pick(0.95), max: timings.at(-1) ?? 0, report };
  };
  const ms = (value: number) => `${value < 10 ? value.toFixed(1) : value.toFixed(0)} ms`;

  const national = query({ level: 'province' });
  await time(rollups, national, 2); // warm
  const nationalRollup = await time(rollups, national, 20);
  if (nationalRollup.report.total.received !== count)
    throw new Error(`counted ${nationalRollup.report.total.received} of ${count}`);
  log(`national monthly report (rollups): p50 ${ms(nationalRollup.p50)}, p95 ${ms(nationalRollup.p95)}`);

  const someCounties = counties.filter((_, i) => i % Math.ceil(counties.length / 20) === 0);
  const countyTimings: number[] = [];
  for (const code of someCounties) {
    const one = await time(rollups, query({ level: 'county', within: code }), 3);
    countyTimings.push(one.p50);
  }
  countyTimings.sort((a, b) => a - b);
  const countyP50 = countyTimings[Math.floor(countyTimings.length / 2)] ?? 0;
  const countyP95 = countyTimings[Math.ceil(countyTimings.length * 0.95) - 1] ?? 0;
  log(
    `one county by month (raw orders, exact median): p50 ${ms(countyP50)}, p95 ${ms(countyP95)} over ${someCounties.length} counties`,
  );
  const province = await time(rollups, query({ level: 'county', within: '330000' }), 10);
  log(`Zhejiang's counties by month (rollups): p50 ${ms(province.p50)}, p95 ${ms(province.p95)}`);
  const partial = await time(rollups, query({ level: 'province', from: '2026-03-15', to: '2026-09-14' }), 10);
  log(
    `provinces, 15 Mar – 14 Sep (partial months from the day table): p50 ${ms(partial.p50)}, p95 ${ms(partial.p95)}`,
  );
  const daily = await time(
    rollups,
    query({ level: 'province', period: 'day', from: '2026-06-01', to: '2026-06-30' }),
    5,
  );
  log(`provinces by day, June (day table): p50 ${ms(daily.p50)}, p95 ${ms(daily.p95)}`);

  // The stream: 500 orders a second, half of them new, half existing ones moving on a step.
  log(`streaming ${streamRate} orders/s for ${streamSeconds} s`);
  const tickMs = 100;
  const perTick = streamRate / (1000 / tickMs);
  const writeTimings: number[] = [];
  const readTimings: number[] = [];
  let streamed = 0;
  let moved = 0;
  let behindMs = 0;
  const streamStart = performance.now();
  let reading = true;
  const reader = (async () => {
    while (reading) {
      const at = performance.now();
      await rollups.countOrders({ query: national });
      readTimings.push(performance.now() - at);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  for (let tick = 0; tick < (streamSeconds * 1000) / tickMs; tick++) {
    const due = streamStart + tick * tickMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    else behindMs = Math.max(behindMs, -wait);
    const client = await pool.connect();
    try {
      const at = performance.now();
      await client.query('BEGIN');
      // Existing orders move on (dispatched → served, served → closed with a visit): delete and insert, as
      // the projector replaces a changed record's row.
      const changed = await client.query(
        `DELETE FROM orders WHERE record_id IN (
           SELECT record_id FROM orders TABLESAMPLE SYSTEM (0.01) WHERE status IN ('dispatched', 'served') LIMIT ${perTick / 2})
         RETURNING *`,
      );
      for (const row of changed.rows as Array<Record<string, unknown>>) {
        const closing = row.status === 'served';
        row.status = closing ? 'closed' : 'served';
        if (closing) {
          row.resolution = 'served';
          row.return_visit_count = 1;
          row.last_satisfaction = 5;
        }
        row.updated_at = Date.now();
      }
      const now = Date.now();
      const fresh = Array.from({ length: perTick - changed.rows.length }, (_, i): Record<string, unknown> => {
        const county = counties[(tick * 7919 + i * 104_729) % counties.length] ?? '110101';
        return {
          record_id: `order:${county}:stream${tick}-${i}`,
          county_code: county,
          status: 'dispatched',
          channel: i % 3 === 0 ? 'sms' : 'call',
          item_code: 'FAM-CLEANING',
          category_code: 'FAM',
          urgency: 'normal',
          citizen_phone: null,
          citizen_name: '王先生',
          enterprise_id: null,
          worker_id: null,
          received_at: now - 60_000,
          dispatched_at: now,
          served_at: null,
          closed_at: null,
          fee_fen: null,
          resolution: null,
          reopen_count: 0,
          open_complaints: 0,
          last_satisfaction: null,
          updated_at: now,
          first_dispatched_at: now,
          return_visit_count: 0,
          complaint_count: 0,
        };
      });
      const rows = [...(changed.rows as Array<Record<string, unknown>>), ...fresh];
      const columns = Object.keys(fresh[0] ?? rows[0] ?? {});
      if (rows.length > 0) {
        const params: unknown[] = [];
        const values = rows.map(
          (row) => `(${columns.map((c) => `$${params.push(row[c] ?? null)}`).join(', ')})`,
        );
        await client.query(`INSERT INTO orders (${columns.join(', ')}) VALUES ${values.join(', ')}`, params);
      }
      await client.query('COMMIT');
      writeTimings.push(performance.now() - at);
      streamed += fresh.length;
      moved += changed.rows.length;
    } finally {
      client.release();
    }
  }
  reading = false;
  await reader;
  const streamMs = performance.now() - streamStart;
  writeTimings.sort((a, b) => a - b);
  readTimings.sort((a, b) => a - b);
  const pct = (list: number[], p: number) =>
    list[Math.min(list.length - 1, Math.ceil(p * list.length) - 1)] ?? 0;
  log(
    `stream: ${streamed} new + ${moved} moved in ${seconds(streamMs)} (${((streamed + moved) / (streamMs / 1000)).toFixed(0)}/s); ` +
      `write+rollup transaction p50 ${ms(pct(writeTimings, 0.5))}, p95 ${ms(pct(writeTimings, 0.95))}, max ${ms(writeTimings.at(-1) ?? 0)}; ` +
      `national report meanwhile p50 ${ms(pct(readTimings, 0.5))}, p95 ${ms(pct(readTimings, 0.95))}`,
  );

  const after = await time(rollups, national, 5);
  log('the naive report: one GROUP BY over every order');
  const naiveRuns = count > 1_000_000 ? 1 : 2;
  const naive = await time(raw, national, naiveRuns);
  log(`naive national monthly report: ${ms(naive.p50)} (${naiveRuns} run${naiveRuns === 1 ? '' : 's'})`);
  const total = count + streamed;
  const same =
    after.report.total.received === total &&
    naive.report.total.received === total &&
    JSON.stringify(after.report.rows.map(({ dispatchHoursMedian: _, ...r }) => r)) ===
      JSON.stringify(naive.report.rows.map(({ dispatchHoursMedian: _, ...r }) => r));
  const medianGap = Math.max(
    ...after.report.rows.map((r, i) =>
      Math.abs((r.dispatchHoursMedian ?? 0) - (naive.report.rows[i]?.dispatchHoursMedian ?? 0)),
    ),
  );
  log(
    `rollups and raw facts agree on every count of every row: ${same}; largest median gap ${medianGap.toFixed(2)} h`,
  );

  const cpu = cpus()[0]?.model ?? 'unknown';
  lines.push(
    `# Hub report benchmark`,
    '',
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC by \`npm run bench -w @jiazheng/edge${countArg ? ` -- ${count}` : ''}\`.`,
    '',
    `Machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, shared with other work while it ran (load average at the start ${startLoad}, at the end ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')}: the figures are a floor of what a dedicated machine does).`,
    `Database: ${version.split(',')[0]}, a throwaway cluster in a temporary directory with fsync, synchronous_commit and full_page_writes off, shared_buffers 2 GB, work_mem 1 GB.`,
    '',
    `## Data`,
    '',
    `${count.toLocaleString('en')} orders over ${counties.length.toLocaleString('en')} counties and ${categories.length} categories, received at random through 2026 (China time), made in the database (INSERT … SELECT over generate_series, two connections).`,
    '',
    `| step | time |`,
    `| --- | --- |`,
    `| generate the orders (no indexes) | ${seconds(generateMs)} |`,
    `| primary key and the projection's four indexes | ${seconds(indexMs)} |`,
    `| fill the rollups from the orders (set-based: days, days over all categories, months) | ${seconds(rollupMs)} (${refillTimes.slice(1).join(', ')}) |`,
    '',
    `| table | rows (estimate) | size with indexes |`,
    `| --- | --- | --- |`,
    ...sizes.map((s) => `| \`${s.name}\` | ${Number(s.rows).toLocaleString('en')} | ${s.size} |`),
    '',
    `## Reads (target: national monthly ≤ 1 s, county drill-down ≤ 100 ms)`,
    '',
    `| report | source | p50 | p95 |`,
    `| --- | --- | --- | --- |`,
    `| national monthly: provinces × 12 months (${nationalRollup.report.rows.length} rows + total), 20 runs | rollups (month table) | ${ms(nationalRollup.p50)} | ${ms(nationalRollup.p95)} |`,
    `| one county by month (drill-down), ${someCounties.length} counties × 3 runs | its raw orders (exact median) | ${ms(countyP50)} | ${ms(countyP95)} |`,
    `| Zhejiang's counties by month (${province.report.rows.length} rows), 10 runs | rollups | ${ms(province.p50)} | ${ms(province.p95)} |`,
    `| provinces, 15 Mar – 14 Sep (partial months) , 10 runs | rollups (month + day tables) | ${ms(partial.p50)} | ${ms(partial.p95)} |`,
    `| provinces by day, June, 5 runs | rollups (day table) | ${ms(daily.p50)} | ${ms(daily.p95)} |`,
    `| national monthly, computed naively, ${naiveRuns} run${naiveRuns === 1 ? '' : 's'} | one GROUP BY GROUPING SETS over every order (exact median) | ${ms(naive.p50)} | ${ms(naive.max)} |`,
    '',
    `## Orders streaming in`,
    '',
    `${streamRate} orders a second for ${streamSeconds} s (${seconds(streamMs)} measured): ${streamed.toLocaleString('en')} new orders and ${moved.toLocaleString('en')} existing ones moving on a step (dispatched → served → closed), written as the projector writes (delete and insert the order's row), one transaction every ${tickMs} ms; the triggers update both rollup tables in the same transaction, so the aggregates are never behind the orders: the lag is the transaction's own time.`,
    '',
    `| measure | p50 | p95 | max |`,
    `| --- | --- | --- | --- |`,
    `| write transaction (${perTick} orders + rollups) | ${ms(pct(writeTimings, 0.5))} | ${ms(pct(writeTimings, 0.95))} | ${ms(writeTimings.at(-1) ?? 0)} |`,
    `| national monthly report read meanwhile (${readTimings.length} reads) | ${ms(pct(readTimings, 0.5))} | ${ms(pct(readTimings, 0.95))} | ${ms(readTimings.at(-1) ?? 0)} |`,
    '',
    `The writer fell at most ${ms(behindMs)} behind its schedule.`,
    '',
    `## Rollups against the raw facts`,
    '',
    `After the stream, the national monthly report from the rollups and from the raw facts agree on every count of every row and the total (${total.toLocaleString('en')} orders): **${same ? 'yes' : 'NO'}**. The median hours to first dispatch differ by at most ${medianGap.toFixed(2)} h (the rollups estimate it from a histogram of 32 dispatch-time buckets; the raw query computes it exactly).`,
    '',
  );
} finally {
  await pool.end();
  await server.stop();
}
const text = lines.join('\n');
console.log(`\n${text}`);
if (write) {
  await writeFile(new URL('../BENCH.md', import.meta.url), text);
  log('written to edge/BENCH.md');
}
