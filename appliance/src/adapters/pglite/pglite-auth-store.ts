import { eq, lt } from 'drizzle-orm';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { ApplianceSession, ApplianceUser, AuthStore } from '../../ports/auth-store';
import { sessions, users } from './call-schema';

/** Accounts and sessions in the appliance's PGlite; the tables are created with the call store's. */
export class PgliteAuthStore implements AuthStore {
  readonly #db: PgliteDatabase;

  constructor(options: { db: PgliteDatabase }) {
    this.#db = options.db;
  }

  async countUsers(): Promise<number> {
    return this.#db.$count(users);
  }

  async getUser(options: { username: string }): Promise<ApplianceUser | undefined> {
    const [row] = await this.#db.select().from(users).where(eq(users.username, options.username)).limit(1);
    return row === undefined ? undefined : { ...row, createdAt: new Date(row.createdAt).toISOString() };
  }

  async createUser(options: { user: ApplianceUser }): Promise<boolean> {
    const inserted = await this.#db
      .insert(users)
      .values({ ...options.user, createdAt: Date.parse(options.user.createdAt) })
      .onConflictDoNothing({ target: users.username })
      .returning({ username: users.username });
    return inserted.length > 0;
  }

  async saveSession(options: { session: ApplianceSession }): Promise<void> {
    const { session } = options;
    await this.#db.insert(sessions).values({
      ...session,
      createdAt: Date.parse(session.createdAt),
      expiresAt: Date.parse(session.expiresAt),
    });
  }

  async getSession(options: { tokenHash: string }): Promise<ApplianceSession | undefined> {
    const [row] = await this.#db
      .select()
      .from(sessions)
      .where(eq(sessions.tokenHash, options.tokenHash))
      .limit(1);
    return row === undefined
      ? undefined
      : {
          ...row,
          createdAt: new Date(row.createdAt).toISOString(),
          expiresAt: new Date(row.expiresAt).toISOString(),
        };
  }

  async deleteSession(options: { tokenHash: string }): Promise<void> {
    await this.#db.delete(sessions).where(eq(sessions.tokenHash, options.tokenHash));
  }

  async deleteExpiredSessions(options: { now: string }): Promise<number> {
    const gone = await this.#db
      .delete(sessions)
      .where(lt(sessions.expiresAt, Date.parse(options.now)))
      .returning({ tokenHash: sessions.tokenHash });
    return gone.length;
  }
}
