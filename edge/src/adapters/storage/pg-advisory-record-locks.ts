import pg from 'pg';

/** The first key of every record lock ("JZ" and 2); the second is the record id's hash. */
const RECORD_LOCK_SPACE = 0x4a5a02;

/**
 * Per-record locks among the hub processes on one PostgreSQL: session-level advisory locks keyed by the
 * record id's hash (two records sharing a hash merely wait for each other). The locks hold connections
 * of a pool of their own, so a task that needs the store's pool never waits for a connection its own
 * lock is holding.
 */
export class PgAdvisoryRecordLocks {
  readonly #pool: pg.Pool;

  constructor(options: { connectionString: string; maxConcurrent?: number }) {
    this.#pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConcurrent ?? 4 });
    // An idle client whose session the server ended emits 'error' on the pool; unhandled, it would end
    // the process. The pool discards that client; the next lock takes a fresh one.
    this.#pool.on('error', () => {});
  }

  /** Runs `task` holding the record's lock; the lock goes when the task settles (or its session dies). */
  readonly run = async <T>(options: { recordId: string; task: () => Promise<T> }): Promise<T> => {
    const keys = [RECORD_LOCK_SPACE, options.recordId];
    const client = await this.#pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1, hashtext($2))', keys);
    } catch (error) {
      client.release(true);
      throw error;
    }
    try {
      return await options.task();
    } finally {
      try {
        await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', keys);
        client.release();
      } catch {
        // A session that may still hold the lock must not go back to the pool: destroyed, it frees it.
        client.release(true);
      }
    }
  };

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
