import type pg from 'pg';
import { describe, expect, test } from 'vitest';
import { describeRecordStoreContract } from '../../ports/record-store.contract';
import { findMissingAcks, runKill9Writer, type Kill9Ack } from './kill9-harness';
import { PostgresRecordStore } from './postgres-record-store';
import { usePostgresTestServer } from './postgres-test-hooks';
import { startPostgresTestServer, type PostgresTestServer } from './postgres-test-server';

// A real PostgreSQL 15 started for this file. Without one installed, every test fails with the apt-get
// line to run: this suite never skips silently.
const postgres = usePostgresTestServer({ poolMax: 10 });

function connection(): { server: PostgresTestServer; pool: pg.Pool } {
  return { server: postgres.server(), pool: postgres.pool() };
}

describeRecordStoreContract({
  name: 'PostgreSQL 15',
  open: async () => {
    await connection().pool.query('DROP TABLE IF EXISTS record_updates, records, meta, change_seq');
    return PostgresRecordStore.open({ pool: connection().pool });
  },
  // A new pool: new connections see only what the earlier ones committed.
  reopen: () => PostgresRecordStore.open({ connectionString: connection().server.connectionString }),
});

describe('PostgresRecordStore', () => {
  test('a store over a pool leaves the pool open when it closes', async () => {
    const store = await PostgresRecordStore.open({ pool: connection().pool });
    await store.close();
    expect((await connection().pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  test('stores opened at the same time create the schema once, without a race', async () => {
    await connection().pool.query('DROP TABLE IF EXISTS record_updates, records, meta, change_seq');
    const stores = await Promise.all(
      Array.from({ length: 4 }, () =>
        PostgresRecordStore.open({ connectionString: connection().server.connectionString }),
      ),
    );
    await Promise.all(stores.map((store) => store.close()));
  });

  test('the test server refuses to pretend: no PostgreSQL means a failure that says how to install it', async () => {
    await expect(startPostgresTestServer({ searchDirs: ['/nonexistent/bin'] })).rejects.toThrow(
      'apt-get install -y postgresql-15',
    );
  });
});

describe('PostgresRecordStore under kill -9 of the client', () => {
  const dropTables = (): Promise<unknown> =>
    connection().pool.query('DROP TABLE IF EXISTS record_updates, records, meta, change_seq');

  test('every update acknowledged before the client died is in the database', async () => {
    await dropTables();
    const acknowledged: Kill9Ack[] = [];
    for (const [round, args] of [[], ['--compact-every', '1'], []].entries()) {
      const killAfter = 1 + Math.floor(Math.random() * 60);
      const { acks } = await runKill9Writer({
        args: [
          '--store',
          'postgres',
          '--connection-string',
          connection().server.connectionString,
          '--round',
          String(round),
          ...args,
        ],
        killWhen: ({ acks: count }) => count >= killAfter,
      });
      acknowledged.push(...acks);
      const store = await PostgresRecordStore.open({ pool: connection().pool });
      try {
        expect(await findMissingAcks({ store, acks: acknowledged })).toEqual([]);
        expect(await store.currentSeq()).toBeGreaterThanOrEqual(
          Math.max(...acknowledged.map((ack) => ack.seq)),
        );
      } finally {
        await store.close();
      }
    }
  }, 30_000);

  test('the check has teeth: a writer that acknowledges before committing is caught', async () => {
    await dropTables();
    const { acks } = await runKill9Writer({
      args: [
        '--store',
        'postgres',
        '--connection-string',
        connection().server.connectionString,
        '--ack-before-commit',
      ],
      killWhen: ({ acks: count }) => count >= 1,
    });
    const store = await PostgresRecordStore.open({ pool: connection().pool });
    try {
      expect(await findMissingAcks({ store, acks })).toEqual([`${acks[0]?.recordId} ${acks[0]?.key}`]);
    } finally {
      await store.close();
    }
  }, 30_000);
});
