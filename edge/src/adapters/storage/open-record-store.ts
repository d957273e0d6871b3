import { join } from 'node:path';
import type { ProjectionDatabase } from '@jiazheng/sync/projections';
import type { RecordStore } from '@jiazheng/sync/storage';
import { PgliteRecordStore } from '@jiazheng/sync/storage/pglite';
import { PostgresRecordStore } from '@jiazheng/sync/storage/postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { LeaderLock } from '../../ports/leader-lock';
import { SoleLeaderLock } from '../../services/leader-services';
import { PgAdvisoryLeaderLock } from './pg-advisory-leader-lock';
import { PgAdvisoryRecordLocks } from './pg-advisory-record-locks';
import type { ExclusiveRun } from '@jiazheng/sync/replica';

/**
 * The hub's record store: PostgreSQL when a database URL is configured (a hub that outgrew one box),
 * else embedded PGlite in `<dataDir>/records`. The projections (the statistics' tables) live in the same
 * database, as on the appliance: one PGlite, one WASM heap. Returns a description for the start-up
 * banner, without the URL's credentials, and `close`, which closes the store and then the database.
 */
export async function openHubRecordStore(options: {
  dataDir: string;
  databaseUrl?: string | undefined;
}): Promise<{
  store: RecordStore;
  db: ProjectionDatabase;
  description: string;
  /** PostgreSQL: an advisory lock among the hub processes on it; PGlite: this process, the only one. */
  leaderLock: LeaderLock;
  /** PostgreSQL: per-record locks, so several hub processes never decide one record at once. */
  exclusive?: ExclusiveRun;
  close: () => Promise<void>;
}> {
  if (options.databaseUrl !== undefined) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl });
    const locks = new PgAdvisoryRecordLocks({ connectionString: options.databaseUrl });
    try {
      const store = await PostgresRecordStore.open({ pool });
      return {
        store,
        db: drizzlePostgres({ client: pool }),
        description: `PostgreSQL ${redact(options.databaseUrl)}`,
        leaderLock: new PgAdvisoryLeaderLock({ pool }),
        exclusive: locks.run,
        close: async () => {
          await store.close();
          await locks.close();
          await pool.end();
        },
      };
    } catch (error) {
      await locks.close();
      await pool.end();
      throw error;
    }
  }
  const dir = join(options.dataDir, 'records');
  const pglite = await PgliteRecordStore.openDatabase({ dataDir: dir });
  try {
    const store = await PgliteRecordStore.attach({ pglite });
    return {
      store,
      db: drizzlePglite({ client: pglite }),
      description: `PGlite ${dir}`,
      leaderLock: new SoleLeaderLock(),
      close: async () => {
        await store.close();
        await pglite.close();
      },
    };
  } catch (error) {
    await pglite.close();
    throw error;
  }
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://…';
  }
}
