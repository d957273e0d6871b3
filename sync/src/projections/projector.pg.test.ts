import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { MemoryRecordStore } from '../adapters/storage/memory-record-store';
import { PostgresRecordStore } from '../adapters/storage/postgres-record-store';
import { startPostgresTestServer, type PostgresTestServer } from '../adapters/storage/postgres-test-server';
import { Projector, type ProjectionDatabase } from './projector';
import {
  phones,
  projectStates,
  readProjectionTables,
  registryRecordCount,
  runScenario,
  SimulatedNetwork,
} from './test-support';

// A real PostgreSQL 15 for this file. Without PostgreSQL installed every test fails with the line to
// install it (see postgres-test-server.ts): this suite never skips silently.
let server: PostgresTestServer | undefined;
let pool: pg.Pool | undefined;

function connection(): { server: PostgresTestServer; pool: pg.Pool; db: ProjectionDatabase } {
  if (!server || !pool) throw new Error('the PostgreSQL test server did not start');
  return { server, pool, db: drizzle({ client: pool }) };
}

beforeAll(async () => {
  server = await startPostgresTestServer();
  pool = new pg.Pool({ connectionString: server.connectionString, max: 4 });
}, 60_000);

afterAll(async () => {
  await pool?.end();
  await server?.stop();
}, 30_000);

test('migrations from several processes at once create the tables once', async () => {
  const { server } = connection();
  const pools = Array.from(
    { length: 3 },
    () => new pg.Pool({ connectionString: server.connectionString, max: 1 }),
  );
  try {
    const store = await PostgresRecordStore.open({ pool: connection().pool });
    await Promise.all(pools.map((p) => new Projector({ db: drizzle({ client: p }), store }).migrate()));
    await new Projector({ db: connection().db, store }).migrate();
  } finally {
    await Promise.all(pools.map((p) => p.end()));
  }
});

test('on PostgreSQL too, catching up round by round equals rebuilding from seq 0, row for row', async () => {
  const { db, pool } = connection();
  // The records in memory: ~2,500 appends to a PostgreSQL store would take most of this file's time budget.
  const store = new MemoryRecordStore();
  const projector = new Projector({ db, store, batchSize: 50 });
  await projector.migrate();
  await projector.rebuild();
  const network = await SimulatedNetwork.create({ store, seed: 20_261_101 });
  const rounds = await runScenario({ network, projector, db, rounds: 7, ordersPerRound: 40 });
  for (const [i, round] of rounds.entries()) {
    expect(round.caughtUp.records, `round ${i}`).toBe(round.changed);
    expect(round.caughtUp.consumedSeq, `round ${i}`).toBe(round.storeSeq);
    expect(round.matches, `round ${i}`).toBe(true);
  }

  const incremental = await readProjectionTables({ db });
  expect(incremental.orders).toHaveLength(200);
  expect(await projector.rebuild()).toEqual({
    records: 200 + registryRecordCount,
    consumedSeq: await store.currentSeq(),
  });
  expect(await readProjectionTables({ db })).toEqual(incremental);
  expect(incremental).toEqual(projectStates({ states: network.readStates() }));

  // node-postgres hands bigint out as strings and arrays as arrays: the drizzle columns make them numbers.
  expect(typeof incremental.orders[0]?.receivedAt).toBe('number');
  expect(Array.isArray(incremental.enterprises[0]?.items)).toBe(true);

  const client = await pool.connect();
  try {
    await client.query('SET enable_seqscan = off');
    const plan = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT record_id FROM orders WHERE citizen_phone = $1 ORDER BY received_at DESC LIMIT 5`,
      [phones[0]],
    );
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('orders_citizen_phone_idx');
  } finally {
    client.release();
  }
}, 60_000);

test('a PostgreSQL record store in the same database as the tables (a hub): catch-up and rebuild agree', async () => {
  const { db, pool } = connection();
  const store = await PostgresRecordStore.open({ pool });
  const projector = new Projector({ db, store, batchSize: 8 });
  await projector.rebuild();
  const network = await SimulatedNetwork.create({ store, seed: 5 });
  await network.receiveOrders({ count: 12 });
  await network.advanceOrders({ maxSteps: 6 });
  expect(await projector.catchUp()).toEqual({
    records: 12 + registryRecordCount,
    consumedSeq: await store.currentSeq(),
  });
  const expected = projectStates({ states: network.readStates() });
  expect(await readProjectionTables({ db })).toEqual(expected);
  await network.advanceOrders({ maxSteps: 6 });
  await projector.catchUp();
  const incremental = await readProjectionTables({ db });
  expect(incremental).toEqual(projectStates({ states: network.readStates() }));
  await projector.rebuild();
  expect(await readProjectionTables({ db })).toEqual(incremental);
  await store.close();
}, 30_000);
