import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { accountScopeSchema, hubRoleSchema } from '../../domain/hub-accounts';
import type { HubAccount, HubAccountStore, HubSession } from '../../ports/hub-account-store';

const accountSchema = z.object({
  username: z.string(),
  passwordHash: z.string(),
  displayName: z.string(),
  role: hubRoleSchema,
  scope: accountScopeSchema,
  createdAt: z.string(),
  createdBy: z.string(),
  disabled: z.boolean(),
  // Files written before accounts could be disabled over the API have neither.
  disabledAt: z.string().nullable().default(null),
  disabledReason: z.string().nullable().default(null),
});
const sessionSchema = z.object({
  tokenHash: z.string(),
  username: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
});
const fileSchema = z.object({
  version: z.literal(1),
  accounts: z.array(accountSchema),
  sessions: z.array(sessionSchema),
});
type AccountsFile = z.infer<typeof fileSchema>;

/** The most keys (usernames, addresses) whose failed sign-ins are remembered. */
const MAX_FAILURE_KEYS = 10_000;

/**
 * The hub's staff accounts and sessions in one JSON file in the data directory (`accounts.json`, 0600).
 * Chosen over tables in the records database because the hub's staff is a few hundred people, written to
 * at logins only, and the file works the same whether the records are in PGlite or PostgreSQL; it also
 * keeps the accounts out of the store another process may share. Every change rewrites the file
 * atomically (temporary file, fsync, rename, fsync of the directory), so a crash leaves the old file or
 * the new one, never half of either. One hub process owns it: two hubs on one data directory would
 * overwrite each other's sessions. The hub now keeps its accounts in its database
 * (`DrizzleAccountStore`) and imports this file once at start (`importAccountsFile`); the class stays as
 * the reader of that file and as a store for tools and tests.
 */
export class JsonFileAccountStore implements HubAccountStore {
  readonly #path: string;
  #data: AccountsFile;
  /** Writes one at a time, in order; a failed write does not block the next. */
  #writing: Promise<void> = Promise.resolve();
  /**
   * Failed sign-ins, in memory: this store is one process's file (the database store shares them between
   * processes). At most MAX_FAILURE_KEYS keys, the oldest dropped first, so a flood of addresses is bounded.
   */
  readonly #failures = new Map<string, number[]>();

  private constructor(options: { path: string; data: AccountsFile }) {
    this.#path = options.path;
    this.#data = options.data;
  }

  static async open(options: { path: string }): Promise<JsonFileAccountStore> {
    let text: string | undefined;
    try {
      text = await readFile(options.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (text === undefined) {
      await mkdir(dirname(options.path), { recursive: true, mode: 0o700 });
      return new JsonFileAccountStore({
        path: options.path,
        data: { version: 1, accounts: [], sessions: [] },
      });
    }
    const parsed = fileSchema.safeParse(JSON.parse(text));
    // Refusing to start beats starting with no accounts and letting the bootstrap create a new administrator.
    if (!parsed.success)
      throw new Error(`${options.path}: not a hub accounts file (${parsed.error.message})`);
    return new JsonFileAccountStore({ path: options.path, data: parsed.data });
  }

  recordLoginFailure(options: { keys: readonly string[]; at: number; forgetBefore: number }): Promise<void> {
    for (const key of options.keys) {
      const kept = (this.#failures.get(key) ?? []).filter((at) => at >= options.forgetBefore);
      this.#failures.delete(key);
      this.#failures.set(key, [...kept, options.at]);
    }
    for (const key of this.#failures.keys()) {
      if (this.#failures.size <= MAX_FAILURE_KEYS) break;
      this.#failures.delete(key);
    }
    return Promise.resolve();
  }

  loginFailures(options: { key: string; since: number }): Promise<number[]> {
    return Promise.resolve((this.#failures.get(options.key) ?? []).filter((at) => at >= options.since));
  }

  clearLoginFailures(options: { keys: readonly string[] }): Promise<void> {
    for (const key of options.keys) this.#failures.delete(key);
    return Promise.resolve();
  }

  countAccounts(): Promise<number> {
    return Promise.resolve(this.#data.accounts.length);
  }

  getAccount(options: { username: string }): Promise<HubAccount | undefined> {
    const account = this.#data.accounts.find((a) => a.username === options.username);
    return Promise.resolve(account === undefined ? undefined : structuredClone(account));
  }

  listAccounts(): Promise<HubAccount[]> {
    return Promise.resolve(structuredClone(this.#data.accounts));
  }

  async createAccount(options: { account: HubAccount }): Promise<boolean> {
    let created = false;
    await this.#commit((data) => {
      if (data.accounts.some((a) => a.username === options.account.username)) return null;
      created = true;
      return { ...data, accounts: [...data.accounts, structuredClone(options.account)] };
    });
    return created;
  }

  async setPassword(options: {
    username: string;
    passwordHash: string;
    keepTokenHash: string | null;
  }): Promise<boolean> {
    let found = false;
    await this.#commit((data) => {
      if (!data.accounts.some((a) => a.username === options.username)) return null;
      found = true;
      return {
        ...data,
        accounts: data.accounts.map((a) =>
          a.username === options.username ? { ...a, passwordHash: options.passwordHash } : a,
        ),
        sessions: data.sessions.filter(
          (s) => s.username !== options.username || s.tokenHash === options.keepTokenHash,
        ),
      };
    });
    return found;
  }

  async setDisabled(options: {
    username: string;
    disabled: { at: string; reason: string } | null;
  }): Promise<boolean> {
    const { username, disabled } = options;
    let found = false;
    await this.#commit((data) => {
      if (!data.accounts.some((a) => a.username === username)) return null;
      found = true;
      const accounts = data.accounts.map((a) => {
        if (a.username !== username) return a;
        if (disabled === null) return { ...a, disabled: false, disabledAt: null, disabledReason: null };
        // An account already disabled keeps when and why it first was.
        return a.disabledAt !== null
          ? { ...a, disabled: true }
          : { ...a, disabled: true, disabledAt: disabled.at, disabledReason: disabled.reason };
      });
      const sessions =
        disabled === null ? data.sessions : data.sessions.filter((s) => s.username !== username);
      return { ...data, accounts, sessions };
    });
    return found;
  }

  async saveSession(options: { session: HubSession }): Promise<void> {
    await this.#commit((data) => ({ ...data, sessions: [...data.sessions, { ...options.session }] }));
  }

  /** Every session (for importing the file into the database; not part of the port). */
  listSessions(): Promise<HubSession[]> {
    return Promise.resolve(this.#data.sessions.map((s) => ({ ...s })));
  }

  getSession(options: { tokenHash: string }): Promise<HubSession | undefined> {
    const session = this.#data.sessions.find((s) => s.tokenHash === options.tokenHash);
    return Promise.resolve(session === undefined ? undefined : { ...session });
  }

  async deleteSession(options: { tokenHash: string }): Promise<void> {
    await this.#commit((data) => {
      const sessions = data.sessions.filter((s) => s.tokenHash !== options.tokenHash);
      return sessions.length === data.sessions.length ? null : { ...data, sessions };
    });
  }

  async deleteExpiredSessions(options: { now: string }): Promise<number> {
    const now = Date.parse(options.now);
    let gone = 0;
    await this.#commit((data) => {
      const sessions = data.sessions.filter((s) => Date.parse(s.expiresAt) > now);
      gone = data.sessions.length - sessions.length;
      return gone === 0 ? null : { ...data, sessions };
    });
    return gone;
  }

  /**
   * Applies `change` to the state after every earlier write (null: nothing to write), and makes the result
   * the state once it is on disk; until then readers see the previous state.
   */
  async #commit(change: (data: AccountsFile) => AccountsFile | null): Promise<void> {
    const run = this.#writing.then(async () => {
      const next = change(this.#data);
      if (next === null) return;
      await writeAtomically({ path: this.#path, text: JSON.stringify(next) });
      this.#data = next;
    });
    this.#writing = run.catch(() => {});
    await run;
  }
}

async function writeAtomically(options: { path: string; text: string }): Promise<void> {
  const temporary = `${options.path}.${process.pid}.tmp`;
  const file = await open(temporary, 'w', 0o600);
  try {
    await file.writeFile(options.text, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, options.path);
  // The rename is durable only once the directory entry is.
  const dir = await open(dirname(options.path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
