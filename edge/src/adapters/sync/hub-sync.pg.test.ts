import { PGlite } from '@electric-sql/pglite';
import { PgliteRecordStore } from '@jiazheng/sync/storage/pglite';
import { PostgresRecordStore } from '@jiazheng/sync/storage/postgres';
import { startPostgresTestServer, type PostgresTestServer } from '@jiazheng/sync/test-support/postgres';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { describeHubSync } from './hub-sync.suite';

// The hub's databases: a real PostgreSQL 15 for this file (without one installed every test fails with the
// line to install it), and PGlite, each store emptied before a test.
let server: PostgresTestServer | undefined;
let pool: pg.Pool | undefined;
let pglite: PGlite | undefined;

beforeAll(async () => {
  server = await startPostgresTestServer();
  pool = new pg.Pool({ connectionString: server.connectionString, max: 4 });
  pglite = new PGlite();
  await pglite.waitReady;
}, 60_000);

afterAll(async () => {
  await pool?.end();
  await server?.stop();
  await pglite?.close();
}, 30_000);

describeHubSync({
  name: 'PostgreSQL 15',
  openStore: async () => {
    if (!pool) throw new Error('the PostgreSQL test server did not start');
    await pool.query('DROP TABLE IF EXISTS record_updates, records, meta, change_seq');
    return PostgresRecordStore.open({ pool });
  },
});

describeHubSync({
  name: 'PGlite',
  openStore: async () => {
    if (!pglite) throw new Error('PGlite did not start');
    await pglite.exec('DROP TABLE IF EXISTS record_updates, records, meta, change_seq');
    return PgliteRecordStore.attach({ pglite });
  },
});
