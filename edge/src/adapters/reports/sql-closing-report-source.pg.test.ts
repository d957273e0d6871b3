import { usePostgresTestServer } from '@jiazheng/sync/test-support/postgres-hooks';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { describeClosingReportSources } from './closing-report-source.suite';

// A real PostgreSQL 15 for this file; without one installed every test fails with the line to install it.
const postgres = usePostgresTestServer();

describeClosingReportSources({
  name: 'PostgreSQL 15',
  open: () => {
    const pool = new pg.Pool({ connectionString: postgres.server().connectionString, max: 4 });
    return Promise.resolve({ db: drizzle({ client: pool }), close: () => pool.end() });
  },
});
