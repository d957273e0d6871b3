import { PGlite } from '@electric-sql/pglite';
import { orders, ProjectionService, Projector } from '@jiazheng/sync/projections';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import { SimulatedNetwork } from '@jiazheng/sync/projections/test-support';
import { drizzle } from 'drizzle-orm/pglite';
import { expect, test } from 'vitest';
import {
  DISPATCH_BUCKET_EDGES_MS,
  dispatchBucketOf,
  histogramMedian,
  median,
} from '../../domain/order-report';
import { describeOrderReportSources } from './order-report-source.suite';

// The same suite runs on PostgreSQL 15 in sql-order-report-source.pg.test.ts.
describeOrderReportSources({
  name: 'PGlite',
  open: async () => {
    const pglite = new PGlite();
    await pglite.waitReady;
    return { db: drizzle({ client: pglite }), close: () => pglite.close() };
  },
});

test('the dispatch histogram: buckets as width_bucket, and a median within its bucket', () => {
  expect(dispatchBucketOf(-5)).toBe(0);
  expect(dispatchBucketOf(0)).toBe(0);
  expect(dispatchBucketOf(DISPATCH_BUCKET_EDGES_MS[0] ?? 0)).toBe(1);
  expect(dispatchBucketOf(10 ** 12)).toBe(DISPATCH_BUCKET_EDGES_MS.length);
  expect(histogramMedian([])).toBeNull();
  const minutes = [3, 12, 14, 25, 40, 41, 50, 95, 200, 3000, 20_000];
  const counts = new Array<number>(DISPATCH_BUCKET_EDGES_MS.length + 1).fill(0);
  for (const m of minutes)
    counts[dispatchBucketOf(m * 60_000)] = (counts[dispatchBucketOf(m * 60_000)] ?? 0) + 1;
  const estimate = histogramMedian(counts) ?? 0;
  // The exact median is 41 minutes, in the 30–45 minute bucket.
  expect(median(minutes.map((m) => m * 60_000))).toBe(41 * 60_000);
  expect(estimate).toBeGreaterThanOrEqual(30 * 60_000);
  expect(estimate).toBeLessThan(45 * 60_000);
  // Only the open last bucket: its lower edge.
  const last = new Array<number>(DISPATCH_BUCKET_EDGES_MS.length + 1).fill(0);
  last[DISPATCH_BUCKET_EDGES_MS.length] = 3;
  expect(histogramMedian(last)).toBe(DISPATCH_BUCKET_EDGES_MS.at(-1));
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
