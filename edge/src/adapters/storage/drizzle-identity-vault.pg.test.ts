import { randomBytes } from 'node:crypto';
import { usePostgresTestServer } from '@jiazheng/sync/test-support/postgres-hooks';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { expect, test } from 'vitest';
import { DrizzleIdentityVault } from './drizzle-identity-vault';

// A real PostgreSQL 15 for this file; without one installed every test fails with the line to install it.
const postgres = usePostgresTestServer();

test('two hub processes sharing the key share the sealed numbers on one PostgreSQL', async () => {
  await postgres.pool().query('DROP TABLE IF EXISTS worker_identities');
  const key = randomBytes(32);
  const pools = [0, 1].map(
    () => new pg.Pool({ connectionString: postgres.server().connectionString, max: 2 }),
  );
  try {
    // Both create the table at once: the advisory lock serialises their DDL.
    const [a, b] = await Promise.all(
      pools.map((p) => DrizzleIdentityVault.open({ db: drizzle({ client: p }), key })),
    );
    await a!.keep({ workerId: 'worker:hub:01JBQ5M8X0000000000000000A', idNumber: '11010519491231002X' });
    expect(await b!.reveal({ workerId: 'worker:hub:01JBQ5M8X0000000000000000A' })).toBe('11010519491231002X');
    const { rows } = await postgres
      .pool()
      .query<{ ciphertext: string }>('SELECT ciphertext FROM worker_identities');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.ciphertext).not.toContain('1949');
  } finally {
    await Promise.all(pools.map((p) => p.end()));
  }
});
