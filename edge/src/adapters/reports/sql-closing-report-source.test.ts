import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { describeClosingReportSources } from './closing-report-source.suite';

// The same suite runs on PostgreSQL 15 in sql-closing-report-source.pg.test.ts.
describeClosingReportSources({
  name: 'PGlite',
  open: async () => {
    const pglite = new PGlite();
    await pglite.waitReady;
    return { db: drizzle({ client: pglite }), close: () => pglite.close() };
  },
});
