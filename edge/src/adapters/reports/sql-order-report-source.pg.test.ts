import { startPostgresTestServer, type PostgresTestServer } from '@jiazheng/sync/test-support/postgres';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { describeOrderReportSources } from './order-report-source.suite';

// A real PostgreSQL 15 for this file; without one installed every test fails with the line to install it.
let server: PostgresTestServer | undefined;

beforeAll(async () => {
  server = await startPostgresTestServer();
}, 60_000);

afterAll(async () => {
  await server?.stop();
}, 30_000);

describeOrderReportSources({
  name: 'PostgreSQL 15',
  open: () => {
    if (!server) throw new Error('the PostgreSQL test server did not start');
    const pool = new pg.Pool({ connectionString: server.connectionString, max: 4 });
    return Promise.resolve({ db: drizzle({ client: pool }), close: () => pool.end() });
  },
});
