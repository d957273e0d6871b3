import { createHash, randomBytes } from 'node:crypto';
import { DomainError, DomainErrorCode, Role } from '@jiazheng/sync/domain';
import { hashPassword, verifyPassword } from '@jiazheng/sync/node';
import {
  COUNTRY_SCOPE,
  MIN_PASSWORD_LENGTH,
  scopeContains,
  type AccountScope,
  type CreateAccountRequest,
  type HubRole,
} from '../domain/hub-accounts';
import type { HubAccount, HubAccountStore } from '../ports/hub-account-store';
import type { Logger } from '../ports/logger';
import type { Service } from '../ports/service';

/** A working day with overtime; sliding expiry is not needed for office staff. */
export const HUB_SESSION_TTL_MS = 12 * 3600 * 1000;
export const MAX_LOGIN_FAILURES = 5;
export const LOGIN_FAILURE_WINDOW_MS = 5 * 60 * 1000;
const SESSION_SWEEP_MS = 3600 * 1000;
/** Bounds the failure counts, so a flood of made-up usernames cannot grow them without end. */
const MAX_FAILURE_KEYS = 10_000;
export const BOOTSTRAP_ADMIN_USERNAME = 'admin';

/** Who is calling the API: a signed-in account, or the admin token (a country-wide administrator). */
export type HubPrincipal = {
  username: string;
  displayName: string;
  role: HubRole;
  scope: AccountScope;
  via: 'session' | 'admin-token';
};

export const ADMIN_TOKEN_PRINCIPAL: HubPrincipal = Object.freeze({
  username: 'admin-token',
  displayName: '管理令牌 admin token',
  role: Role.administrator,
  scope: COUNTRY_SCOPE,
  via: 'admin-token',
});

/** What an account looks like to a client: never its hash. */
export type PublicAccount = Omit<HubAccount, 'passwordHash'>;

export class LoginError extends Error {
  readonly code: 'invalid_credentials' | 'rate_limited';
  readonly retryAfterSec: number | undefined;

  constructor(options: {
    code: 'invalid_credentials' | 'rate_limited';
    message: string;
    retryAfterSec?: number;
  }) {
    super(options.message);
    this.code = options.code;
    this.retryAfterSec = options.retryAfterSec;
  }
}

const tokenHash = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * The hub's staff logins, as the appliance does them (scrypt hashes, random 256-bit tokens stored only
 * as their SHA-256, sessions of 12 h, five failures per username and per address in five minutes), plus
 * roles and scopes: an administrator manages accounts within their own scope only.
 */
export class HubAccountService implements Service {
  readonly #store: HubAccountStore;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #bootstrapPassword: string | undefined;
  readonly #failures = new Map<string, number[]>();
  /** Verified for unknown usernames, so timing does not tell which usernames exist. */
  #dummyHash: Promise<string> | undefined;
  #sweeper: NodeJS.Timeout | undefined;

  constructor(options: {
    store: HubAccountStore;
    logger: Logger;
    bootstrapAdminPassword?: string | undefined;
    now?: () => number;
  }) {
    this.#store = options.store;
    this.#logger = options.logger;
    this.#bootstrapPassword = options.bootstrapAdminPassword;
    this.#now = options.now ?? Date.now;
  }

  async start(): Promise<void> {
    await this.bootstrapAdmin();
    this.#sweeper ??= setInterval(() => {
      this.#store
        .deleteExpiredSessions({ now: new Date(this.#now()).toISOString() })
        .catch((error: unknown) => this.#logger.error('auth: could not drop expired sessions', error));
    }, SESSION_SWEEP_MS);
    this.#sweeper.unref();
  }

  stop(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    return Promise.resolve();
  }

  /** With no account yet, creates `admin` (country-wide administrator) from JZ_HUB_BOOTSTRAP_ADMIN_PASSWORD. */
  async bootstrapAdmin(): Promise<'created' | 'exists' | 'skipped'> {
    if ((await this.#store.countAccounts()) > 0) return 'exists';
    if (this.#bootstrapPassword === undefined) return 'skipped';
    await this.createAccount({
      by: { ...ADMIN_TOKEN_PRINCIPAL, username: 'bootstrap' },
      request: {
        username: BOOTSTRAP_ADMIN_USERNAME,
        password: this.#bootstrapPassword,
        displayName: '管理员',
        role: Role.administrator,
        scope: COUNTRY_SCOPE,
      },
    });
    this.#logger.info('auth: created user admin from JZ_HUB_BOOTSTRAP_ADMIN_PASSWORD');
    return 'created';
  }

  async createAccount(options: { by: HubPrincipal; request: CreateAccountRequest }): Promise<PublicAccount> {
    const { by, request } = options;
    requireRole({ principal: by, roles: [Role.administrator] });
    if (!scopeContains({ outer: by.scope, inner: request.scope })) {
      throw new DomainError({
        code: DomainErrorCode.forbidden,
        field: 'scope',
        message: 'scope: an administrator creates accounts within their own scope only',
      });
    }
    if (request.password.length < MIN_PASSWORD_LENGTH) {
      throw new DomainError({
        code: DomainErrorCode.invalidInput,
        field: 'password',
        message: `password: must be at least ${MIN_PASSWORD_LENGTH} characters`,
      });
    }
    const account: HubAccount = {
      username: request.username,
      passwordHash: await hashPassword({ password: request.password }),
      displayName: request.displayName,
      role: request.role,
      scope: request.scope,
      createdAt: new Date(this.#now()).toISOString(),
      createdBy: by.username,
      disabled: false,
    };
    if (!(await this.#store.createAccount({ account }))) {
      throw new DomainError({
        code: DomainErrorCode.conflict,
        field: 'username',
        message: `username: ${request.username} is taken`,
      });
    }
    return toPublic(account);
  }

  /** The accounts within the caller's scope (administrators only). */
  async listAccounts(options: { by: HubPrincipal }): Promise<PublicAccount[]> {
    requireRole({ principal: options.by, roles: [Role.administrator] });
    const accounts = await this.#store.listAccounts();
    return accounts
      .filter((account) => scopeContains({ outer: options.by.scope, inner: account.scope }))
      .map(toPublic)
      .sort((a, b) => a.username.localeCompare(b.username));
  }

  async login(options: { username: string; password: string; address: string }): Promise<{
    token: string;
    expiresAt: string;
    user: HubPrincipal;
  }> {
    const now = this.#now();
    const keys = [`user:${options.username}`, `address:${options.address}`];
    for (const key of keys) {
      const recent = (this.#failures.get(key) ?? []).filter((at) => at > now - LOGIN_FAILURE_WINDOW_MS);
      if (recent.length === 0) this.#failures.delete(key);
      else this.#failures.set(key, recent);
      if (recent.length >= MAX_LOGIN_FAILURES) {
        const retryAfterSec = Math.max(
          1,
          Math.ceil(((recent[0] ?? now) + LOGIN_FAILURE_WINDOW_MS - now) / 1000),
        );
        throw new LoginError({
          code: 'rate_limited',
          message: `too many failed logins; try again in ${retryAfterSec} s`,
          retryAfterSec,
        });
      }
    }
    const account = await this.#store.getAccount({ username: options.username });
    this.#dummyHash ??= hashPassword({ password: randomBytes(16).toString('hex') });
    const ok = await verifyPassword({
      password: options.password,
      hash: account?.passwordHash ?? (await this.#dummyHash),
    });
    if (account === undefined || !ok || account.disabled) {
      for (const key of keys) this.#failures.set(key, [...(this.#failures.get(key) ?? []), now]);
      this.#trimFailures();
      this.#logger.info(
        `auth: failed login for ${JSON.stringify(options.username.slice(0, 40))} from ${options.address}`,
      );
      throw new LoginError({ code: 'invalid_credentials', message: 'wrong username or password' });
    }
    for (const key of keys) this.#failures.delete(key);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now + HUB_SESSION_TTL_MS).toISOString();
    await this.#store.saveSession({
      session: {
        tokenHash: tokenHash(token),
        username: account.username,
        createdAt: new Date(now).toISOString(),
        expiresAt,
      },
    });
    return { token, expiresAt, user: toPrincipal(account) };
  }

  /** The account a session token stands for, or undefined (unknown, expired, or the account disabled). */
  async authenticate(options: { token: string }): Promise<HubPrincipal | undefined> {
    if (options.token.length < 20 || options.token.length > 200) return undefined;
    const session = await this.#store.getSession({ tokenHash: tokenHash(options.token) });
    if (session === undefined || Date.parse(session.expiresAt) <= this.#now()) return undefined;
    const account = await this.#store.getAccount({ username: session.username });
    return account === undefined || account.disabled ? undefined : toPrincipal(account);
  }

  async logout(options: { token: string }): Promise<void> {
    await this.#store.deleteSession({ tokenHash: tokenHash(options.token) });
  }

  #trimFailures(): void {
    for (const key of this.#failures.keys()) {
      if (this.#failures.size <= MAX_FAILURE_KEYS) break;
      this.#failures.delete(key);
    }
  }
}

/** Throws `forbidden` unless the principal has one of the roles. */
export function requireRole(options: { principal: HubPrincipal; roles: readonly HubRole[] }): void {
  if (options.roles.includes(options.principal.role)) return;
  throw new DomainError({
    code: DomainErrorCode.forbidden,
    field: 'authorization',
    message: `authorization: needs the role ${options.roles.join(' or ')}, not ${options.principal.role}`,
  });
}

/** Throws `forbidden` unless the principal's scope contains `scope`. */
export function requireScope(options: { principal: HubPrincipal; scope: AccountScope; field: string }): void {
  if (scopeContains({ outer: options.principal.scope, inner: options.scope })) return;
  throw new DomainError({
    code: DomainErrorCode.forbidden,
    field: options.field,
    message: `${options.field}: outside the scope of ${options.principal.username}`,
  });
}

function toPublic(account: HubAccount): PublicAccount {
  const { passwordHash: _hash, ...rest } = account;
  return rest;
}

function toPrincipal(account: HubAccount): HubPrincipal {
  return {
    username: account.username,
    displayName: account.displayName,
    role: account.role,
    scope: account.scope,
    via: 'session',
  };
}
