import type pg from 'pg';
import type { LeaderLock } from '../../ports/leader-lock';

/** The advisory lock's two keys: "JZ" and 1, the hub's leader (an application-wide name, not a table). */
const LOCK_KEYS = [0x4a5a, 1] as const;

/**
 * A PostgreSQL session-level advisory lock on a connection of its own: the lock lives exactly as long as
 * that session, so a hub process that dies (or whose connection the server terminates) frees it for the
 * next one without any lease to expire. Pool connections cannot hold it: a pooled client changes session.
 */
export class PgAdvisoryLeaderLock implements LeaderLock {
  readonly #pool: pg.Pool;
  #client: pg.PoolClient | null = null;
  #lost = false;

  constructor(options: { pool: pg.Pool }) {
    this.#pool = options.pool;
  }

  async tryAcquire(): Promise<boolean> {
    if (this.#client && !this.#lost) return true;
    await this.#drop();
    const client = await this.#pool.connect();
    // A terminated session emits 'error' on an idle client; unhandled, it would crash the process.
    const onError = (): void => {
      this.#lost = true;
    };
    client.on('error', onError);
    try {
      const result = await client.query<{ held: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS held', [
        ...LOCK_KEYS,
      ]);
      if (result.rows[0]?.held === true) {
        this.#client = client;
        this.#lost = false;
        return true;
      }
    } catch {
      // The database is unreachable: not the leader, asked again at the next poll.
    }
    client.off('error', onError);
    client.release(true);
    return false;
  }

  async stillHeld(): Promise<boolean> {
    if (!this.#client || this.#lost) return false;
    try {
      await this.#client.query('SELECT 1');
      return !this.#lost;
    } catch {
      this.#lost = true;
      return false;
    }
  }

  async release(): Promise<void> {
    const client = this.#client;
    if (client && !this.#lost) {
      try {
        await client.query('SELECT pg_advisory_unlock($1, $2)', [...LOCK_KEYS]);
      } catch {
        // The session is gone, and the lock with it.
      }
    }
    await this.#drop();
  }

  async #drop(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    // Destroyed, not returned to the pool: a session that held the lock must not be reused holding it.
    if (client) client.release(true);
    await Promise.resolve();
  }
}
