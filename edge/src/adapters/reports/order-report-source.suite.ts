import { projectOrder, Projector, type ProjectionDatabase } from '@jiazheng/sync/projections';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
// The sync package's simulated network: orders by real signed proposals, decided by their counties' homes.
import { runScenario, SimulatedNetwork } from '@jiazheng/sync/projections/test-support';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  buildOrderReport,
  countOrderFacts,
  parseOrderReportQuery,
  type OrderFact,
  type OrderGroupCounts,
  type OrderReportQuery,
} from '../../domain/order-report';
import { migrateOrderRollups, refillOrderRollupsSql } from './order-rollups';
import { RollupOrderReportSource } from './rollup-order-report-source';
import { SqlOrderReportSource } from './sql-order-report-source';

/**
 * The order report's tests, run against every database the hub supports (PGlite in
 * sql-order-report-source.test.ts, PostgreSQL 15 in sql-order-report-source.pg.test.ts): the raw query
 * and the rollups each against the pure `countOrderFacts` over the records of a simulated network.
 *
 * Test support, not production code: it imports vitest.
 */
export function describeOrderReportSources(options: {
  name: string;
  /** A new, empty database and how to close it. */
  open: () => Promise<{ db: ProjectionDatabase; close: () => Promise<void> }>;
}): void {
  describe(`order report sources on ${options.name}`, () => {
    let db: ProjectionDatabase;
    let close: () => Promise<void> = () => Promise.resolve();
    let network: SimulatedNetwork;
    let projector: Projector;
    let raw: SqlOrderReportSource;
    let rollups: RollupOrderReportSource;

    beforeAll(async () => {
      ({ db, close } = await options.open());
      const store = new MemoryRecordStore();
      projector = new Projector({ db, store, batchSize: 50 });
      await projector.migrate();
      // Before any order: from here on the triggers keep the rollups as the projection changes orders.
      expect(await migrateOrderRollups({ db })).toEqual({ refilled: true });
      network = await SimulatedNetwork.create({ store, seed: 20_261_129 });
      const rounds = await runScenario({ network, projector, db, rounds: 5, ordersPerRound: 40 });
      expect(rounds.every((round) => round.matches)).toBe(true);
      raw = new SqlOrderReportSource({ db });
      rollups = new RollupOrderReportSource({ db });
    }, 180_000);

    afterAll(async () => {
      await close();
    });

    function query(input: Record<string, string>): OrderReportQuery {
      const parsed = parseOrderReportQuery({
        input: { from: '2026-10-01', to: '2026-12-31', period: 'month', ...input },
      });
      if (!parsed.ok) throw new Error(`${parsed.issue.field}: ${parsed.issue.message}`);
      return parsed.query;
    }

    /** The facts straight from the records' accepted states, not from the tables. */
    function factsOfRecords(): OrderFact[] {
      return network
        .readOrderStates()
        .map((state) => projectOrder({ recordId: `order:${state.countyCode}:${state.id}`, state }));
    }

    const byKey = (groups: readonly OrderGroupCounts[]) =>
      [...groups].sort((a, b) => `${a.regionCode}${a.period}`.localeCompare(`${b.regionCode}${b.period}`));

    const cases = [
      { level: 'country' },
      { level: 'province' },
      { level: 'city' },
      { level: 'county' },
      { level: 'county', period: 'day' },
      { level: 'county', within: '330000' },
      { level: 'county', within: '330100', category: 'FAM' },
      { level: 'province', within: '110000', period: 'day' },
      { level: 'county', within: '110105', category: 'MED' },
      { level: 'county', within: '330106' },
      { level: 'province', from: '2027-01-01', to: '2027-01-31' },
      { level: 'county', from: '2026-11-01', to: '2026-11-20' },
      { level: 'province', from: '2026-10-15', to: '2026-12-10' },
      { level: 'city', period: 'day', from: '2026-11-02', to: '2026-11-03' },
    ];

    test('the simulated orders span two provinces, several statuses, channels and resolutions', () => {
      const facts = factsOfRecords();
      expect(facts.length).toBeGreaterThan(100);
      expect(new Set(facts.map((f) => f.countyCode.slice(0, 2)))).toEqual(new Set(['33', '11']));
      expect(new Set(facts.map((f) => f.status)).size).toBeGreaterThan(3);
      expect(new Set(facts.map((f) => f.channel)).size).toBe(4);
      expect(facts.some((f) => f.resolution === 'information')).toBe(true);
      expect(facts.some((f) => f.resolution === 'served' && f.returnVisitCount > 0)).toBe(true);
      expect(facts.some((f) => f.complaintCount > 0)).toBe(true);
      expect(facts.some((f) => f.lastSatisfaction !== null && f.lastSatisfaction < 4)).toBe(true);
    });

    test.each(cases)('raw facts: %o counts as the pure function over the records does', async (input) => {
      const q = query(input);
      const counted = await raw.countOrders({ query: q });
      const pure = countOrderFacts({ facts: factsOfRecords(), query: q });
      expect(byKey(counted.groups)).toEqual(byKey(pure.groups));
      expect(counted.total).toEqual(pure.total);
      if (input.from === undefined) expect(pure.total.received).toBeGreaterThan(0);
    });

    test.each(cases)(
      'rollups: %o counts as the pure function does, the median from the histogram',
      async (input) => {
        const q = query(input);
        const counted = await rollups.countOrders({ query: q });
        // A drill-down into one county reads its raw orders: the exact median there.
        const oneCounty = q.within !== undefined && q.within.prefix.length === 6;
        const pure = countOrderFacts({
          facts: factsOfRecords(),
          query: q,
          median: oneCounty ? 'exact' : 'histogram',
        });
        expect(byKey(counted.groups)).toEqual(byKey(pure.groups));
        expect(counted.total).toEqual(pure.total);
        // And every count but the median equals the raw query's.
        const reference = await raw.countOrders({ query: q });
        const withoutMedian = (groups: readonly OrderGroupCounts[]) =>
          byKey(groups).map(({ dispatchMsMedian: _, ...rest }) => rest);
        expect(withoutMedian(counted.groups)).toEqual(withoutMedian(reference.groups));
      },
    );

    test('the rollups kept by the triggers equal rollups made afresh from the orders', async () => {
      const read = async () => ({
        days: await db.execute(sql`SELECT * FROM order_rollup_days WHERE received > 0 ORDER BY 1, 2, 3`),
        months: await db.execute(sql`SELECT * FROM order_rollup_months WHERE received > 0 ORDER BY 1, 2, 3`),
      });
      const rowsOf = (result: unknown) => (result as { rows: unknown[] }).rows;
      const incremental = await read();
      expect(rowsOf(incremental.months).length).toBeGreaterThan(0);
      await db.transaction(async (tx) => {
        for (const statement of refillOrderRollupsSql) await tx.execute(sql.raw(statement));
      });
      const fresh = await read();
      expect(rowsOf(incremental.days)).toEqual(rowsOf(fresh.days));
      expect(rowsOf(incremental.months)).toEqual(rowsOf(fresh.months));
    });

    test('a projection rebuild (TRUNCATE, then every order again) leaves the same report', async () => {
      const q = query({ level: 'county' });
      const before = await rollups.countOrders({ query: q });
      await projector.rebuild();
      expect(await rollups.countOrders({ query: q })).toEqual(before);
      expect(await migrateOrderRollups({ db })).toEqual({ refilled: false });
    }, 60_000);

    test('the national monthly report: two provinces, every order once', async () => {
      const q = query({ level: 'province' });
      const report = buildOrderReport({ query: q, ...(await rollups.countOrders({ query: q })) });
      expect(report.rows.map((r) => r.regionName)).toEqual(expect.arrayContaining(['北京市', '浙江省']));
      const count = factsOfRecords().length;
      expect(report.rows.reduce((sum, r) => sum + r.received, 0)).toBe(count);
      expect(report.total.received).toBe(count);
      const { call, sms, web, walk_in } = report.total.byChannel;
      expect(call + sms + web + walk_in).toBe(count);
      expect(report.total.completionRate).toBeGreaterThan(0);
      expect(report.total.dispatchHoursMedian).toBeGreaterThan(0);
    });
  });
}
