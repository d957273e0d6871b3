import { PGlite } from '@electric-sql/pglite';
import {
  orders,
  projectOrder,
  ProjectionService,
  Projector,
  type ProjectionDatabase,
} from '@jiazheng/sync/projections';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import { drizzle } from 'drizzle-orm/pglite';
import { afterAll, beforeAll, expect, test } from 'vitest';
// The sync package's simulated network: orders by real signed proposals, decided by their counties' homes.
import { runScenario, SimulatedNetwork } from '@jiazheng/sync/projections/test-support';
import {
  buildOrderReport,
  countOrderFacts,
  parseOrderReportQuery,
  type OrderFact,
  type OrderGroupCounts,
  type OrderReportQuery,
} from '../../domain/order-report';
import { SqlOrderReportSource } from './sql-order-report-source';

let pglite: PGlite;
let db: ProjectionDatabase;
let network: SimulatedNetwork;
let source: SqlOrderReportSource;

beforeAll(async () => {
  pglite = new PGlite();
  db = drizzle({ client: pglite });
  const store = new MemoryRecordStore();
  const projector = new Projector({ db, store, batchSize: 50 });
  await projector.migrate();
  network = await SimulatedNetwork.create({ store, seed: 20_261_129 });
  const rounds = await runScenario({ network, projector, db, rounds: 5, ordersPerRound: 40 });
  expect(rounds.every((round) => round.matches)).toBe(true);
  source = new SqlOrderReportSource({ db });
}, 120_000);

afterAll(async () => {
  await pglite.close();
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

test.each([
  { level: 'country' },
  { level: 'province' },
  { level: 'city' },
  { level: 'county' },
  { level: 'county', period: 'day' },
  { level: 'county', within: '330000' },
  { level: 'county', within: '330100', category: 'FAM' },
  { level: 'province', within: '110000', period: 'day' },
  { level: 'county', within: '110105', category: 'MED' },
  { level: 'province', from: '2027-01-01', to: '2027-01-31' },
  { level: 'county', from: '2026-11-01', to: '2026-11-20' },
  { level: 'city', period: 'day', from: '2026-11-02', to: '2026-11-03' },
])('in the database, %o counts as the pure function over the records does', async (input) => {
  const q = query(input);
  const sql = await source.countOrders({ query: q });
  const pure = countOrderFacts({ facts: factsOfRecords(), query: q });
  expect(byKey(sql.groups)).toEqual(byKey(pure.groups));
  expect(sql.total).toEqual(pure.total);
  if (input.from === undefined) expect(pure.total.received).toBeGreaterThan(0);
});

test('the national monthly report of the projected tables: two provinces, every order once', async () => {
  const q = query({ level: 'province' });
  const report = buildOrderReport({ query: q, ...(await source.countOrders({ query: q })) });
  expect(report.rows.map((r) => r.regionName)).toEqual(expect.arrayContaining(['北京市', '浙江省']));
  const count = factsOfRecords().length;
  expect(report.rows.reduce((sum, r) => sum + r.received, 0)).toBe(count);
  expect(report.total.received).toBe(count);
  const { call, sms, web, walk_in } = report.total.byChannel;
  expect(call + sms + web + walk_in).toBe(count);
  expect(report.total.completionRate).toBeGreaterThan(0);
  expect(report.total.dispatchHoursMedian).toBeGreaterThan(0);
});

test('the projection service catches the tables up at start and on its interval, and stops cleanly', async () => {
  const store = new MemoryRecordStore();
  const local = new PGlite();
  try {
    const localDb = drizzle({ client: local });
    const service = new ProjectionService({
      projector: new Projector({ db: localDb, store }),
      logger: { error: () => {} },
      intervalMs: 20,
    });
    const simulated = await SimulatedNetwork.create({ store, seed: 7 });
    await simulated.receiveOrders({ count: 3 });
    await service.start();
    expect(await localDb.$count(orders)).toBe(simulated.readOrderStates().length);
    await simulated.receiveOrders({ count: 2 });
    const expected = simulated.readOrderStates().length;
    expect(expected).toBeGreaterThan(0);
    await expect.poll(() => localDb.$count(orders), { timeout: 5_000 }).toBe(expected);
    await service.stop();
  } finally {
    await local.close();
  }
}, 60_000);
