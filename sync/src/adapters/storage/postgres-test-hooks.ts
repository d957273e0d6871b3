import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { startPostgresTestServer, type PostgresTestServer } from './postgres-test-server';

/**
 * TEST SUPPORT ONLY: a real PostgreSQL 15 for the calling test file, started before its tests and stopped
 * after them, with a pool on it (and any pools made with `openPool`, ended first). Without PostgreSQL
 * installed, every test of the file fails with the line that installs it.
 */
export function usePostgresTestServer(options: { poolMax?: number } = {}): {
  server: () => PostgresTestServer;
  pool: () => pg.Pool;
  /** Another pool on the same server (a second hub process, say), ended after the file's tests. */
  openPool: (options?: { max?: number }) => pg.Pool;
} {
  let server: PostgresTestServer | undefined;
  let pool: pg.Pool | undefined;
  const extraPools: pg.Pool[] = [];
  const started = (): PostgresTestServer => {
    if (!server) throw new Error('the PostgreSQL test server did not start');
    return server;
  };
  beforeAll(async () => {
    server = await startPostgresTestServer();
    pool = new pg.Pool({ connectionString: server.connectionString, max: options.poolMax ?? 4 });
  }, 60_000);
  afterAll(async () => {
    for (const extra of extraPools) await extra.end();
    await pool?.end();
    await server?.stop();
  }, 30_000);
  return {
    server: started,
    pool: () => {
      if (!pool) throw new Error('the PostgreSQL test server did not start');
      return pool;
    },
    openPool: (poolOptions = {}) => {
      const extra = new pg.Pool({ connectionString: started().connectionString, max: poolOptions.max ?? 4 });
      extraPools.push(extra);
      return extra;
    },
  };
}
