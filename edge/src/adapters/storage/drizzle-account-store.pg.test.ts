import type { PostgresTestServer } from '@jiazheng/sync/test-support/postgres';
import { usePostgresTestServer } from '@jiazheng/sync/test-support/postgres-hooks';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { expect, test } from 'vitest';
import { contractAccount, describeHubAccountStoreContract } from '../../ports/hub-account-store.contract';
import { DrizzleAccountStore } from './drizzle-account-store';
import type { LoginError } from '../../services/hub-account-service';
import { HubAccountService } from '../../services/hub-account-service';

// A real PostgreSQL 15 for this file; without one installed every test fails with the line to install it.
const postgres = usePostgresTestServer();

function connection(): { server: PostgresTestServer; pool: pg.Pool } {
  return { server: postgres.server(), pool: postgres.pool() };
}

describeHubAccountStoreContract({
  name: 'PostgreSQL 15',
  open: async () => {
    await connection().pool.query('DROP TABLE IF EXISTS hub_accounts, hub_sessions, hub_login_failures');
    return DrizzleAccountStore.open({ db: drizzle({ client: connection().pool }) });
  },
  reopen: () => DrizzleAccountStore.open({ db: drizzle({ client: connection().pool }) }),
});

test('two hub processes on one PostgreSQL share accounts and sessions, and start together', async () => {
  await connection().pool.query('DROP TABLE IF EXISTS hub_accounts, hub_sessions, hub_login_failures');
  const pools = [0, 1].map(
    () => new pg.Pool({ connectionString: connection().server.connectionString, max: 2 }),
  );
  try {
    const [a, b] = await Promise.all(
      pools.map((p) => DrizzleAccountStore.open({ db: drizzle({ client: p }) })),
    );
    if (!a || !b) throw new Error('unreachable');
    const created = await Promise.all([
      a.createAccount({ account: contractAccount('li') }),
      b.createAccount({ account: contractAccount('li') }),
    ]);
    expect(created.filter(Boolean)).toHaveLength(1);
    await a.saveSession({
      session: {
        tokenHash: 't',
        username: 'li',
        createdAt: '2026-11-29T08:00:00.000Z',
        expiresAt: '2026-11-29T20:00:00.000Z',
      },
    });
    expect(await b.getSession({ tokenHash: 't' })).toMatchObject({ username: 'li' });
    await b.deleteSession({ tokenHash: 't' });
    expect(await a.getSession({ tokenHash: 't' })).toBeUndefined();
  } finally {
    await Promise.all(pools.map((p) => p.end()));
  }
});

test('the sign-in limit counts the failures at every hub process on the database together', async () => {
  await connection().pool.query('DROP TABLE IF EXISTS hub_accounts, hub_sessions, hub_login_failures');
  const pools = [0, 1].map(
    () => new pg.Pool({ connectionString: connection().server.connectionString, max: 2 }),
  );
  try {
    const stores = await Promise.all(
      pools.map((p) => DrizzleAccountStore.open({ db: drizzle({ client: p }) })),
    );
    await stores[0]!.createAccount({ account: contractAccount('li') });
    const quiet = { info: () => {}, error: () => {} };
    const [a, b] = stores.map((store) => new HubAccountService({ store, logger: quiet }));
    const attempt = (service: HubAccountService | undefined) =>
      service!.login({ username: 'li', password: 'guess-guess-guess', address: '203.0.113.7' }).then(
        () => 'signed in',
        (error: LoginError) => error.code,
      );
    // Three wrong guesses at one process, two at the other: the five of the window, wherever they came.
    for (const service of [a, a, a, b, b]) expect(await attempt(service)).toBe('invalid_credentials');
    expect(await attempt(a)).toBe('rate_limited');
    expect(await attempt(b)).toBe('rate_limited');
  } finally {
    await Promise.all(pools.map((p) => p.end()));
  }
}, 60_000);
