import type { ProjectionDatabase } from '@jiazheng/sync/projections';
import { eq, sql } from 'drizzle-orm';
import { pgTable, text } from 'drizzle-orm/pg-core';
import type { IdentityVault } from '../../ports/identity-vault';
import { checkIdentityKey, openIdentity, sealIdentity } from './identity-cipher';

/** The sealed numbers, one row per worker record (see identity-cipher.ts for what each column holds). */
export const workerIdentities = pgTable('worker_identities', {
  workerId: text('worker_id').primaryKey(),
  keyId: text('key_id').notNull(),
  nonce: text('nonce').notNull(),
  ciphertext: text('ciphertext').notNull(),
  tag: text('tag').notNull(),
  keptAt: text('kept_at').notNull(),
});

export const createIdentitySchemaSql = [
  `CREATE TABLE IF NOT EXISTS worker_identities (
  worker_id text PRIMARY KEY,
  key_id text NOT NULL,
  nonce text NOT NULL,
  ciphertext text NOT NULL,
  tag text NOT NULL,
  kept_at text NOT NULL
)`,
];

/** Serialises the DDL of several hub processes starting at once on one PostgreSQL. */
const identitySchemaLockKey = 7_310_406_204;

/** `IdentityVault` in the hub's database (PGlite or PostgreSQL), AES-256-GCM sealed with the hub's key. */
export class DrizzleIdentityVault implements IdentityVault {
  readonly #db: ProjectionDatabase;
  readonly #key: Buffer;
  readonly #now: () => number;

  private constructor(options: { db: ProjectionDatabase; key: Buffer; now: () => number }) {
    this.#db = options.db;
    this.#key = checkIdentityKey({ key: options.key });
    this.#now = options.now;
  }

  static async open(options: {
    db: ProjectionDatabase;
    key: Buffer;
    now?: () => number;
  }): Promise<DrizzleIdentityVault> {
    await options.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${identitySchemaLockKey})`);
      for (const statement of createIdentitySchemaSql) await tx.execute(sql.raw(statement));
    });
    return new DrizzleIdentityVault({ db: options.db, key: options.key, now: options.now ?? Date.now });
  }

  async keep(options: { workerId: string; idNumber: string }): Promise<void> {
    const sealed = sealIdentity({ key: this.#key, ...options });
    const row = { ...sealed, keptAt: new Date(this.#now()).toISOString() };
    await this.#db
      .insert(workerIdentities)
      .values({ workerId: options.workerId, ...row })
      .onConflictDoUpdate({ target: workerIdentities.workerId, set: row });
  }

  async reveal(options: { workerId: string }): Promise<string | null> {
    const [row] = await this.#db
      .select()
      .from(workerIdentities)
      .where(eq(workerIdentities.workerId, options.workerId));
    return row === undefined
      ? null
      : openIdentity({ key: this.#key, workerId: options.workerId, sealed: row });
  }

  async forget(options: { workerId: string }): Promise<void> {
    await this.#db.delete(workerIdentities).where(eq(workerIdentities.workerId, options.workerId));
  }
}
