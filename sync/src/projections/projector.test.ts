import { PGlite } from '@electric-sql/pglite';
import { and, asc, count, desc, eq, gte, lt, sql } from 'drizzle-orm';
import { getTableConfig, type IndexedColumn, type PgTable } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/pglite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MemoryRecordStore } from '../adapters/storage/memory-record-store';
import { PgliteRecordStore } from '../adapters/storage/pglite-record-store';
import type { OrderState } from '../domain';
import { directoryId, t0 } from '../records/test-support';
import { orders, projectedTables, projectionMeta } from './projection-schema';
import { Projector, type ProjectionDatabase } from './projector';
import {
  counties,
  phones,
  projectStates,
  readProjectionTables,
  registryRecordCount,
  runScenario,
  SimulatedNetwork,
  type ScenarioRound,
} from './test-support';

// One in-memory PGlite for the file: starting one costs seconds, and every test resets what it uses.
let pglite: PGlite;
let db: ProjectionDatabase;

beforeAll(async () => {
  pglite = new PGlite();
  db = drizzle({ client: pglite });
  await new Projector({ db, store: new MemoryRecordStore() }).migrate();
}, 30_000);

afterAll(async () => {
  await pglite.close();
});

test('migrate is idempotent and creates exactly the drizzle tables: columns, types, nullability, keys, indexes', async () => {
  await new Projector({ db, store: new MemoryRecordStore() }).migrate();
  for (const table of [...Object.values(projectedTables), projectionMeta] as PgTable[]) {
    const config = getTableConfig(table);
    const columns = await pglite.query<{ name: string; type: string; not_null: boolean }>(
      `SELECT attname AS name, format_type(atttypid, atttypmod) AS type, attnotnull AS not_null
         FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
      [config.name],
    );
    expect(columns.rows, config.name).toEqual(
      config.columns.map((c) => ({ name: c.name, type: c.getSQLType(), not_null: c.notNull })),
    );
    const indexes = await pglite.query<{ name: string; def: string }>(
      `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE tablename = $1 ORDER BY indexname`,
      [config.name],
    );
    const keyColumns =
      config.primaryKeys[0]?.columns.map((c) => c.name) ??
      config.columns.filter((c) => c.primary).map((c) => c.name);
    const expected = [
      { name: `${config.name}_pkey`, columns: keyColumns },
      ...config.indexes.map((i) => ({
        name: i.config.name ?? '',
        columns: i.config.columns.map((c) => (c as IndexedColumn).name ?? ''),
      })),
    ].sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(
      indexes.rows.map((i) => ({
        name: i.name,
        columns: (/\(([^)]*)\)$/.exec(i.def)?.[1] ?? '').split(', '),
      })),
      config.name,
    ).toEqual(expected);
  }
});

describe('200 orders with random lifecycles, signed and sequenced, projected as they change', () => {
  const store = new MemoryRecordStore();
  let network: SimulatedNetwork;
  let projector: Projector;
  let rounds: ScenarioRound[];

  beforeAll(async () => {
    // A small batch, so one catch-up spans several batches and resumes between them.
    projector = new Projector({ db, store, batchSize: 37 });
    await projector.rebuild(); // empties what earlier tests left
    network = await SimulatedNetwork.create({ store, seed: 20_261_101 });
    rounds = await runScenario({ network, projector, db, rounds: 7, ordersPerRound: 40 });
  }, 60_000);

  test('the simulation reached the cases worth projecting', () => {
    const states = network.readOrderStates();
    expect(states).toHaveLength(200);
    const some = (what: string, pick: (s: OrderState) => boolean) =>
      expect(states.filter(pick).length, what).toBeGreaterThan(2);
    some('closed after service', (s) => s.resolution === 'served');
    some('answered as information', (s) => s.resolution === 'information');
    some('cancelled', (s) => s.status === 'cancelled');
    some('reopened', (s) => s.reopenCount > 0);
    some('with an open complaint', (s) => s.complaints.some((c) => c.status === 'open'));
    some('with a resolved complaint', (s) => s.complaints.some((c) => c.status === 'resolved'));
    some('in flight', (s) =>
      ['dispatched', 'accepted', 'in_service', 'served', 'awaiting_dispatch'].includes(s.status),
    );
    some('anonymous', (s) => s.citizenPhone === null);
    // Workers come from their records: the homes checked those records when the enterprise named them.
    some(
      'served by a worker of a worker record',
      (s) => s.dispatch?.workerId?.startsWith('worker:hub:') ?? false,
    );
  });

  test('each catch-up projects exactly the records changed since the last one, and the tables then equal the records', () => {
    expect(rounds.length).toBe(8);
    for (const [i, round] of rounds.entries()) {
      expect(round.caughtUp.records, `round ${i}`).toBe(round.changed);
      expect(round.caughtUp.consumedSeq, `round ${i}`).toBe(round.storeSeq);
      expect(round.matches, `round ${i}`).toBe(true);
    }
    expect(rounds[0]?.changed).toBe(registryRecordCount); // the directory, 6 enterprises, 12 workers
    expect(registryRecordCount).toBe(19);
  });

  test('nothing new: catch-up reads nothing; a new projector on the same tables resumes where it stopped', async () => {
    const seq = await store.currentSeq();
    expect(await projector.catchUp()).toEqual({ records: 0, consumedSeq: seq });
    const restarted = new Projector({ db, store });
    expect(await restarted.readConsumedSeq()).toBe(seq);
    expect(await restarted.catchUp()).toEqual({ records: 0, consumedSeq: seq });
  });

  test('rebuilding from seq 0 gives back the incremental tables, row for row', async () => {
    const incremental = await readProjectionTables({ db });
    expect(incremental.orders).toHaveLength(200);
    expect(incremental.enterprises).toHaveLength(6);
    expect(incremental.workers.map((w) => w.status).sort()).toEqual([
      ...Array<string>(11).fill('active'),
      'left',
    ]);
    expect(incremental.directoryDevices.some((d) => d.revokedAt !== null)).toBe(true);
    const rebuilt = await projector.rebuild();
    expect(rebuilt).toEqual({ records: 200 + registryRecordCount, consumedSeq: await store.currentSeq() });
    expect(await readProjectionTables({ db })).toEqual(incremental);
    expect(incremental).toEqual(projectStates({ states: network.readStates() }));
  });

  test('tables of an older mapping (no statistics columns) are upgraded and rebuilt by migrate', async () => {
    const current = await readProjectionTables({ db });
    // What a version-1 database looks like: the columns missing and no mapping version kept.
    for (const column of ['first_dispatched_at', 'return_visit_count', 'complaint_count'])
      await db.execute(sql.raw(`ALTER TABLE orders DROP COLUMN ${column}`));
    await db.delete(projectionMeta).where(eq(projectionMeta.key, 'mapping_version'));
    await projector.migrate();
    expect(await projector.readConsumedSeq()).toBe(0);
    expect(await db.select().from(orders)).toEqual([]);
    await projector.catchUp();
    expect(await readProjectionTables({ db })).toEqual(current);
    // The same version again keeps the rows.
    await projector.migrate();
    expect(await projector.readConsumedSeq()).toBe(await store.currentSeq());
  });

  test('applyRecord replaces one record from the store and leaves the consumed seq alone', async () => {
    const [victim] = await db.select({ recordId: orders.recordId }).from(orders).limit(1);
    if (!victim) throw new Error('no orders projected');
    const before = await readProjectionTables({ db });
    await db
      .update(orders)
      .set({ status: 'received', openComplaints: 99 })
      .where(eq(orders.recordId, victim.recordId));
    await projector.applyRecord({ recordId: victim.recordId });
    expect(await readProjectionTables({ db })).toEqual(before);
    expect(await projector.readConsumedSeq()).toBe(await store.currentSeq());
    // A record the store has never seen has no rows.
    await projector.applyRecord({ recordId: victim.recordId.replace(/.$/, (c) => (c === '0' ? '1' : '0')) });
    expect((await readProjectionTables({ db })).orders).toHaveLength(200);
  });

  test('queries: a county seat queue by status, a caller by phone, category statistics, an enterprise', async () => {
    const states = network.readOrderStates();
    const newestFirst = (a: OrderState, b: OrderState) =>
      b.receivedAt - a.receivedAt || (a.id < b.id ? -1 : 1);

    for (const county of counties) {
      for (const status of ['awaiting_dispatch', 'closed'] as const) {
        const rows = await db
          .select({ recordId: orders.recordId })
          .from(orders)
          .where(and(eq(orders.countyCode, county), eq(orders.status, status)))
          .orderBy(desc(orders.receivedAt), sql`${orders.recordId} COLLATE "C"`);
        const expected = states
          .filter((s) => s.countyCode === county && s.status === status)
          .sort(newestFirst);
        expect(
          rows.map((r) => r.recordId),
          `${county} ${status}`,
        ).toEqual(expected.map((s) => s.id));
      }
    }

    const busiest = phones
      .map((phone) => ({ phone, n: states.filter((s) => s.citizenPhone === phone).length }))
      .sort((a, b) => b.n - a.n)[0];
    if (!busiest) throw new Error('no phones');
    expect(busiest.n).toBeGreaterThan(3);
    const history = await db
      .select({ recordId: orders.recordId, status: orders.status })
      .from(orders)
      .where(eq(orders.citizenPhone, busiest.phone))
      .orderBy(desc(orders.receivedAt))
      .limit(5);
    expect(history).toEqual(
      states
        .filter((s) => s.citizenPhone === busiest.phone)
        .sort(newestFirst)
        .slice(0, 5)
        .map((s) => ({ recordId: s.id, status: s.status })),
    );

    const from = t0;
    const to = t0 + 5 * 24 * 3_600_000;
    const byCategory = await db
      .select({ countyCode: orders.countyCode, categoryCode: orders.categoryCode, n: count() })
      .from(orders)
      .where(and(gte(orders.receivedAt, from), lt(orders.receivedAt, to)))
      .groupBy(orders.countyCode, orders.categoryCode)
      .orderBy(asc(orders.countyCode), asc(orders.categoryCode));
    const tally = new Map<string, number>();
    for (const s of states) {
      if (s.receivedAt < from || s.receivedAt >= to) continue;
      const key = `${s.countyCode} ${s.itemCode.split('-')[0] ?? ''}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
    expect(byCategory.map((r) => [`${r.countyCode} ${r.categoryCode}`, r.n])).toEqual(
      [...tally.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    );
    expect(byCategory.length).toBeGreaterThan(6);

    const plumbing = await db
      .select({ recordId: orders.recordId })
      .from(orders)
      .where(
        and(eq(orders.countyCode, '330106'), eq(orders.categoryCode, 'MNT'), gte(orders.receivedAt, from)),
      )
      .orderBy(sql`${orders.recordId} COLLATE "C"`);
    expect(plumbing.map((r) => r.recordId)).toEqual(
      states
        .filter((s) => s.countyCode === '330106' && s.itemCode.startsWith('MNT-'))
        .map((s) => s.id)
        .sort((a, b) => (a < b ? -1 : 1)),
    );

    const shunda = await db
      .select({ recordId: orders.recordId })
      .from(orders)
      .where(eq(orders.enterpriseId, 'ent-shunda'))
      .orderBy(sql`${orders.recordId} COLLATE "C"`);
    expect(shunda.map((r) => r.recordId)).toEqual(
      states
        .filter((s) => s.dispatch?.enterpriseId === 'ent-shunda')
        .map((s) => s.id)
        .sort((a, b) => (a < b ? -1 : 1)),
    );
  });

  test('those queries can be answered from the indexes', async () => {
    const plans: [string, string][] = [
      [
        `SELECT record_id FROM orders WHERE county_code = '330106' AND status = 'closed' ORDER BY received_at DESC`,
        'orders_county_status_idx',
      ],
      [
        `SELECT record_id FROM orders WHERE citizen_phone = '${phones[0] ?? ''}' ORDER BY received_at DESC LIMIT 5`,
        'orders_citizen_phone_idx',
      ],
      [
        `SELECT count(*) FROM orders WHERE county_code = '330106' AND category_code = 'FAM' AND received_at >= ${t0}`,
        'orders_county_category_received_idx',
      ],
      [`SELECT record_id FROM orders WHERE enterprise_id = 'ent-shunda'`, 'orders_enterprise_idx'],
      [
        `SELECT count(*) FROM workers WHERE enterprise_id = 'ent-shunda' AND status = 'active' AND pre_post_training_passed`,
        'workers_enterprise_status_idx',
      ],
    ];
    // 200 rows fit one page, where a sequential scan is cheapest: forbid it to see which index serves.
    await pglite.exec('SET enable_seqscan = off');
    try {
      for (const [query, index] of plans) {
        const plan = await pglite.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${query}`);
        expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n'), query).toContain(index);
      }
    } finally {
      await pglite.exec('RESET enable_seqscan');
    }
  });
});

test('a record store in the same PGlite as the tables (the appliance): catch-up and rebuild do not wait on themselves', async () => {
  const store = await PgliteRecordStore.attach({ pglite });
  const projector = new Projector({ db, store, batchSize: 10 });
  await projector.rebuild();
  const network = await SimulatedNetwork.create({ store, seed: 7 });
  await network.receiveOrders({ count: 15 });
  await network.advanceOrders({ maxSteps: 6 });
  const caughtUp = await projector.catchUp();
  expect(caughtUp.records).toBe(15 + registryRecordCount);
  const expected = projectStates({ states: network.readStates() });
  expect(await readProjectionTables({ db })).toEqual(expected);
  expect(await projector.rebuild()).toEqual({
    records: 15 + registryRecordCount,
    consumedSeq: await store.currentSeq(),
  });
  expect(await readProjectionTables({ db })).toEqual(expected);
  expect(expected.directoryUsers.every((u) => u.recordId === directoryId)).toBe(true);
  await store.close();
}, 30_000);

test('concurrent calls are serialised: the consumed seq never goes back', async () => {
  const store = new MemoryRecordStore();
  const projector = new Projector({ db, store, batchSize: 3 });
  await projector.rebuild();
  const network = await SimulatedNetwork.create({ store, seed: 11 });
  await network.receiveOrders({ count: 10 });
  const results = await Promise.all([
    projector.catchUp(),
    projector.catchUp(),
    projector.rebuild(),
    projector.catchUp(),
  ]);
  const seq = await store.currentSeq();
  expect(results.map((r) => r.consumedSeq)).toEqual([seq, seq, seq, seq]);
  expect(results.map((r) => r.records)).toEqual([10 + registryRecordCount, 0, 10 + registryRecordCount, 0]);
  expect(await readProjectionTables({ db })).toEqual(projectStates({ states: network.readStates() }));
  expect(() => new Projector({ db, store, batchSize: 0 })).toThrow(/batchSize/);
});

test('tables made from another store (consumed seq ahead of the store) are rebuilt rather than left stale', async () => {
  const first = new MemoryRecordStore();
  await new Projector({ db, store: first }).rebuild();
  const network = await SimulatedNetwork.create({ store: first, seed: 3 });
  await network.receiveOrders({ count: 5 });
  await new Projector({ db, store: first }).catchUp();
  const replaced = new MemoryRecordStore();
  const other = await SimulatedNetwork.create({ store: replaced, seed: 4 });
  expect(await replaced.currentSeq()).toBeLessThan(await first.currentSeq());
  expect(await new Projector({ db, store: replaced }).catchUp()).toEqual({
    records: registryRecordCount,
    consumedSeq: await replaced.currentSeq(),
  });
  expect(await readProjectionTables({ db })).toEqual(projectStates({ states: other.readStates() }));
});
