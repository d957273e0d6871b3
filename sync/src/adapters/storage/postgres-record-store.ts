import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { DrizzleRecordStore } from './drizzle-record-store';

/**
 * A RecordStore in PostgreSQL, for a hub that outgrows one PGlite. Same tables and SQL as PGlite
 * (DrizzleRecordStore). Durability is the server's: keep its defaults (fsync, synchronous_commit on).
 */
export class PostgresRecordStore extends DrizzleRecordStore {
  /**
   * Opens a store over `pool` (left open when the store closes: the caller owns it) or over a new pool
   * to `connectionString` (closed with the store).
   */
  static async open(options: { pool: pg.Pool } | { connectionString: string }): Promise<PostgresRecordStore> {
    const owned = !('pool' in options);
    const pool =
      'pool' in options ? options.pool : new pg.Pool({ connectionString: options.connectionString });
    try {
      const db = drizzle({ client: pool });
      await DrizzleRecordStore.createSchema({ db });
      return new PostgresRecordStore({ db, onClose: () => (owned ? pool.end() : Promise.resolve()) });
    } catch (error) {
      if (owned) await pool.end();
      throw error;
    }
  }
}
