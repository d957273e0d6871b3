import type { ProjectionDatabase } from '@jiazheng/sync/projections';
import { and, asc, eq, gte, inArray, isNull, lt, lte, ne, sql } from 'drizzle-orm';
import { bigint, boolean, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import {
  accountScopeSchema,
  hubRoleSchema,
  type AccountScope,
  type HubRole,
} from '../../domain/hub-accounts';
import type { HubAccount, HubAccountStore, HubSession } from '../../ports/hub-account-store';

/*
 * The hub's staff accounts and sessions in the hub's database (PGlite or PostgreSQL), so several hub
 * processes sharing one PostgreSQL share their users and sessions. Timestamps stay the ISO strings the
 * service gives (they come back exactly as saved); a session's expiry is kept in epoch ms beside its
 * string for the sweep.
 */

export const hubAccounts = pgTable('hub_accounts', {
  username: text('username').primaryKey(),
  passwordHash: text('password_hash').notNull(),
  displayName: text('display_name').notNull(),
  role: text('role').$type<HubRole>().notNull(),
  scope: jsonb('scope').$type<AccountScope>().notNull(),
  createdAt: text('created_at').notNull(),
  createdBy: text('created_by').notNull(),
  disabled: boolean('disabled').notNull(),
  disabledAt: text('disabled_at'),
  disabledReason: text('disabled_reason'),
});

export const hubSessions = pgTable(
  'hub_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    username: text('username').notNull(),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
    expiresAtMs: bigint('expires_at_ms', { mode: 'number' }).notNull(),
  },
  (t) => [index('hub_sessions_expires_idx').on(t.expiresAtMs)],
);

/** Failed sign-ins, one row each, so that every hub process on the database counts them together. */
export const hubLoginFailures = pgTable(
  'hub_login_failures',
  {
    key: text('key').notNull(),
    at: bigint('at', { mode: 'number' }).notNull(),
  },
  (t) => [index('hub_login_failures_key_idx').on(t.key, t.at), index('hub_login_failures_at_idx').on(t.at)],
);

/**
 * Idempotent DDL, run at every start; keep it in step with the drizzle tables above (the contract tests read
 * and write every column through them).
 */
export const createAccountSchemaSql = [
  `CREATE TABLE IF NOT EXISTS hub_accounts (
  username text PRIMARY KEY,
  password_hash text NOT NULL,
  display_name text NOT NULL,
  role text NOT NULL,
  scope jsonb NOT NULL,
  created_at text NOT NULL,
  created_by text NOT NULL,
  disabled boolean NOT NULL,
  disabled_at text,
  disabled_reason text
)`,
  // Tables made before accounts could be disabled over the API.
  `ALTER TABLE hub_accounts ADD COLUMN IF NOT EXISTS disabled_at text`,
  `ALTER TABLE hub_accounts ADD COLUMN IF NOT EXISTS disabled_reason text`,
  `CREATE TABLE IF NOT EXISTS hub_sessions (
  token_hash text PRIMARY KEY,
  username text NOT NULL,
  created_at text NOT NULL,
  expires_at text NOT NULL,
  expires_at_ms bigint NOT NULL
)`,
  `CREATE INDEX IF NOT EXISTS hub_sessions_expires_idx ON hub_sessions (expires_at_ms)`,
  `CREATE TABLE IF NOT EXISTS hub_login_failures (
  key text NOT NULL,
  at bigint NOT NULL
)`,
  `CREATE INDEX IF NOT EXISTS hub_login_failures_key_idx ON hub_login_failures (key, at)`,
  `CREATE INDEX IF NOT EXISTS hub_login_failures_at_idx ON hub_login_failures (at)`,
];

/** Serialises the DDL of several hub processes starting at once on one PostgreSQL. */
const accountSchemaLockKey = 7_310_406_203;

/**
 * `HubAccountStore` on drizzle, the same code for PGlite and PostgreSQL. Every method is one statement, so
 * concurrent hubs cannot interleave half-changes: a taken username is the primary key's conflict.
 */
export class DrizzleAccountStore implements HubAccountStore {
  readonly #db: ProjectionDatabase;

  private constructor(options: { db: ProjectionDatabase }) {
    this.#db = options.db;
  }

  /** Creates the tables if missing (safe from several processes at once). */
  static async open(options: { db: ProjectionDatabase }): Promise<DrizzleAccountStore> {
    await options.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${accountSchemaLockKey})`);
      for (const statement of createAccountSchemaSql) await tx.execute(sql.raw(statement));
    });
    return new DrizzleAccountStore(options);
  }

  async recordLoginFailure(options: {
    keys: readonly string[];
    at: number;
    forgetBefore: number;
  }): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await tx.delete(hubLoginFailures).where(lt(hubLoginFailures.at, options.forgetBefore));
      if (options.keys.length > 0)
        await tx.insert(hubLoginFailures).values(options.keys.map((key) => ({ key, at: options.at })));
    });
  }

  async loginFailures(options: { key: string; since: number }): Promise<number[]> {
    const rows = await this.#db
      .select({ at: hubLoginFailures.at })
      .from(hubLoginFailures)
      .where(and(eq(hubLoginFailures.key, options.key), gte(hubLoginFailures.at, options.since)))
      .orderBy(asc(hubLoginFailures.at));
    return rows.map((r) => r.at);
  }

  async clearLoginFailures(options: { keys: readonly string[] }): Promise<void> {
    if (options.keys.length === 0) return;
    await this.#db.delete(hubLoginFailures).where(inArray(hubLoginFailures.key, [...options.keys]));
  }

  async countAccounts(): Promise<number> {
    return Number(await this.#db.$count(hubAccounts));
  }

  async getAccount(options: { username: string }): Promise<HubAccount | undefined> {
    const [row] = await this.#db.select().from(hubAccounts).where(eq(hubAccounts.username, options.username));
    return row === undefined ? undefined : toAccount(row);
  }

  async listAccounts(): Promise<HubAccount[]> {
    const rows = await this.#db
      .select()
      .from(hubAccounts)
      .orderBy(asc(hubAccounts.createdAt), asc(hubAccounts.username));
    return rows.map(toAccount);
  }

  async createAccount(options: { account: HubAccount }): Promise<boolean> {
    const { account } = options;
    const inserted = await this.#db
      .insert(hubAccounts)
      .values({ ...account, scope: accountScopeSchema.parse(account.scope) })
      .onConflictDoNothing({ target: hubAccounts.username })
      .returning({ username: hubAccounts.username });
    return inserted.length === 1;
  }

  async saveSession(options: { session: HubSession }): Promise<void> {
    const { session } = options;
    const expiresAtMs = Date.parse(session.expiresAt);
    if (!Number.isFinite(expiresAtMs)) throw new RangeError(`expiresAt is not a time: ${session.expiresAt}`);
    await this.#db
      .insert(hubSessions)
      .values({ ...session, expiresAtMs })
      .onConflictDoNothing({ target: hubSessions.tokenHash });
  }

  async getSession(options: { tokenHash: string }): Promise<HubSession | undefined> {
    const [row] = await this.#db
      .select({
        tokenHash: hubSessions.tokenHash,
        username: hubSessions.username,
        createdAt: hubSessions.createdAt,
        expiresAt: hubSessions.expiresAt,
      })
      .from(hubSessions)
      .where(eq(hubSessions.tokenHash, options.tokenHash));
    return row;
  }

  async deleteSession(options: { tokenHash: string }): Promise<void> {
    await this.#db.delete(hubSessions).where(eq(hubSessions.tokenHash, options.tokenHash));
  }

  async setPassword(options: {
    username: string;
    passwordHash: string;
    keepTokenHash: string | null;
  }): Promise<boolean> {
    // One transaction: a new password never stands beside the sessions the old one opened.
    return this.#db.transaction(async (tx) => {
      const changed = await tx
        .update(hubAccounts)
        .set({ passwordHash: options.passwordHash })
        .where(eq(hubAccounts.username, options.username))
        .returning({ username: hubAccounts.username });
      if (changed.length === 0) return false;
      const mine = eq(hubSessions.username, options.username);
      await tx
        .delete(hubSessions)
        .where(
          options.keepTokenHash === null ? mine : and(mine, ne(hubSessions.tokenHash, options.keepTokenHash)),
        );
      return true;
    });
  }

  async setDisabled(options: {
    username: string;
    disabled: { at: string; reason: string } | null;
  }): Promise<boolean> {
    const { username, disabled } = options;
    return this.#db.transaction(async (tx) => {
      const [row] = await tx
        .select({ username: hubAccounts.username })
        .from(hubAccounts)
        .where(eq(hubAccounts.username, username))
        .for('update');
      if (row === undefined) return false;
      if (disabled === null) {
        await tx
          .update(hubAccounts)
          .set({ disabled: false, disabledAt: null, disabledReason: null })
          .where(eq(hubAccounts.username, username));
        return true;
      }
      // An account already disabled keeps when and why it first was.
      await tx
        .update(hubAccounts)
        .set({ disabled: true, disabledAt: disabled.at, disabledReason: disabled.reason })
        .where(and(eq(hubAccounts.username, username), isNull(hubAccounts.disabledAt)));
      await tx.update(hubAccounts).set({ disabled: true }).where(eq(hubAccounts.username, username));
      await tx.delete(hubSessions).where(eq(hubSessions.username, username));
      return true;
    });
  }

  async deleteExpiredSessions(options: { now: string }): Promise<number> {
    const now = Date.parse(options.now);
    const gone = await this.#db
      .delete(hubSessions)
      .where(lte(hubSessions.expiresAtMs, now))
      .returning({ tokenHash: hubSessions.tokenHash });
    return gone.length;
  }
}

function toAccount(row: typeof hubAccounts.$inferSelect): HubAccount {
  // jsonb and text come back as stored; parsing refuses a row someone edited by hand into nonsense.
  return {
    ...row,
    role: hubRoleSchema.parse(row.role),
    scope: accountScopeSchema.parse(row.scope),
  };
}
