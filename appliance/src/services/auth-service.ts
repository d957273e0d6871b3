import { createHash, randomBytes } from 'node:crypto';
import { hashPassword, verifyPassword } from '@jiazheng/sync/node';
import type { ApplianceUser, AuthStore } from '../ports/auth-store';
import type { Logger } from '../ports/logger';

/** The appliance's local roles. */
export const ApplianceRole = {
  admin: 'admin',
  supervisor: 'supervisor',
  callTaker: 'call_taker',
  technician: 'technician',
} as const;
export type ApplianceRole = (typeof ApplianceRole)[keyof typeof ApplianceRole];

/** A shift is eight hours; twelve leaves room for overtime without a login mid-call. */
export const SESSION_TTL_MS = 12 * 3600 * 1000;
const MAX_FAILURES = 5;
const FAILURE_WINDOW_MS = 5 * 60 * 1000;
export const MIN_PASSWORD_LENGTH = 10;

export type AuthenticatedUser = {
  username: string;
  role: ApplianceRole;
  displayName: string;
  seat: string | null;
};

export class LoginError extends Error {
  constructor(
    readonly code: 'invalid_credentials' | 'rate_limited',
    message: string,
    readonly retryAfterSec?: number,
  ) {
    super(message);
  }
}

const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * Logins and sessions: scrypt password hashes, random 256-bit bearer tokens stored only as their SHA-256,
 * sessions that expire, and a limit of five failed logins per username and per address in five minutes.
 */
export class AuthService {
  readonly #store: AuthStore;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #failures = new Map<string, number[]>();
  /** A dummy hash verified for unknown usernames, so timing does not reveal which usernames exist. */
  #dummyHash: Promise<string> | undefined;

  constructor(options: { store: AuthStore; logger: Logger; now?: () => Date }) {
    this.#store = options.store;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
  }

  /** On an empty data dir, creates `admin` with the given password (BOOTSTRAP_ADMIN_PASSWORD). */
  async bootstrapAdmin(options: { password: string | undefined }): Promise<'created' | 'exists' | 'skipped'> {
    if ((await this.#store.countUsers()) > 0) return 'exists';
    if (options.password === undefined) return 'skipped';
    await this.createUser({
      username: 'admin',
      password: options.password,
      role: 'admin',
      displayName: '管理员',
    });
    this.#logger.info('auth: created user admin from BOOTSTRAP_ADMIN_PASSWORD');
    return 'created';
  }

  async createUser(options: {
    username: string;
    password: string;
    role: ApplianceRole;
    displayName: string;
    seat?: string | null;
  }): Promise<void> {
    if (!/^[a-z0-9_.-]{2,32}$/.test(options.username)) {
      throw new Error('username: 2–32 lowercase letters, digits, dot, dash or underscore');
    }
    if (options.password.length < MIN_PASSWORD_LENGTH) {
      throw new Error(`password: at least ${MIN_PASSWORD_LENGTH} characters`);
    }
    const user: ApplianceUser = {
      username: options.username,
      passwordHash: await hashPassword({ password: options.password }),
      role: options.role,
      displayName: options.displayName,
      seat: options.seat ?? null,
      createdAt: this.#now().toISOString(),
      disabled: false,
    };
    if (!(await this.#store.createUser({ user }))) throw new Error(`username: ${options.username} is taken`);
  }

  async login(options: { username: string; password: string; address: string }): Promise<{
    token: string;
    expiresAt: string;
    user: AuthenticatedUser;
  }> {
    const now = this.#now().getTime();
    const keys = [`user:${options.username}`, `address:${options.address}`];
    for (const key of keys) {
      const recent = (this.#failures.get(key) ?? []).filter((at) => at > now - FAILURE_WINDOW_MS);
      this.#failures.set(key, recent);
      if (recent.length >= MAX_FAILURES) {
        const retryAfterSec = Math.ceil(((recent[0] ?? now) + FAILURE_WINDOW_MS - now) / 1000);
        throw new LoginError(
          'rate_limited',
          `too many failed logins; try again in ${retryAfterSec} s`,
          retryAfterSec,
        );
      }
    }
    const user = await this.#store.getUser({ username: options.username });
    this.#dummyHash ??= hashPassword({ password: randomBytes(16).toString('hex') });
    const ok = await verifyPassword({
      password: options.password,
      hash: user?.passwordHash ?? (await this.#dummyHash),
    });
    if (user === undefined || !ok || user.disabled) {
      for (const key of keys) this.#failures.get(key)?.push(now);
      this.#logger.info(
        `auth: failed login for ${JSON.stringify(options.username.slice(0, 40))} from ${options.address}`,
      );
      throw new LoginError('invalid_credentials', 'wrong username or password');
    }
    for (const key of keys) this.#failures.delete(key);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now + SESSION_TTL_MS).toISOString();
    await this.#store.saveSession({
      session: {
        tokenHash: tokenHash(token),
        username: user.username,
        createdAt: new Date(now).toISOString(),
        expiresAt,
      },
    });
    return { token, expiresAt, user: toAuthenticated(user) };
  }

  async authenticate(options: { token: string }): Promise<AuthenticatedUser | undefined> {
    if (options.token.length < 20 || options.token.length > 200) return undefined;
    const session = await this.#store.getSession({ tokenHash: tokenHash(options.token) });
    if (session === undefined || Date.parse(session.expiresAt) <= this.#now().getTime()) return undefined;
    const user = await this.#store.getUser({ username: session.username });
    return user === undefined || user.disabled ? undefined : toAuthenticated(user);
  }

  async logout(options: { token: string }): Promise<void> {
    await this.#store.deleteSession({ tokenHash: tokenHash(options.token) });
  }
}

function toAuthenticated(user: ApplianceUser): AuthenticatedUser {
  return {
    username: user.username,
    role: user.role as ApplianceRole,
    displayName: user.displayName,
    seat: user.seat,
  };
}
