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
import type { HubAccount, HubAccountStore, StaffDirectory } from '../ports/hub-account-store';
import type { Logger } from '../ports/logger';
import type { Service } from '../ports/service';

/** A working day with overtime; sliding expiry is not needed for office staff. */
export const HUB_SESSION_TTL_MS = 12 * 3600 * 1000;
export const MAX_LOGIN_FAILURES = 5;
export const LOGIN_FAILURE_WINDOW_MS = 5 * 60 * 1000;
const SESSION_SWEEP_MS = 3600 * 1000;
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
  readonly code: 'invalid_credentials' | 'rate_limited' | 'disabled';
  readonly retryAfterSec: number | undefined;

  constructor(options: {
    code: 'invalid_credentials' | 'rate_limited' | 'disabled';
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
  readonly #directory: StaffDirectory | undefined;
  /** Verified for unknown usernames, so timing does not tell which usernames exist. */
  #dummyHash: Promise<string> | undefined;
  #sweeper: NodeJS.Timeout | undefined;

  constructor(options: {
    store: HubAccountStore;
    logger: Logger;
    bootstrapAdminPassword?: string | undefined;
    /** Where a disabled account's directory user is disabled too (the hub's directory); none: not done. */
    directory?: StaffDirectory | undefined;
    now?: () => number;
  }) {
    this.#store = options.store;
    this.#directory = options.directory;
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
      disabledAt: null,
      disabledReason: null,
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
    await this.#checkFailureLimit({ keys, now });
    const account = await this.#store.getAccount({ username: options.username });
    this.#dummyHash ??= hashPassword({ password: randomBytes(16).toString('hex') });
    const ok = await verifyPassword({
      password: options.password,
      hash: account?.passwordHash ?? (await this.#dummyHash),
    });
    if (account === undefined || !ok) {
      await this.#recordFailure({ keys, now });
      this.#logger.info(
        `auth: failed login for ${JSON.stringify(options.username.slice(0, 40))} from ${options.address}`,
      );
      throw new LoginError({ code: 'invalid_credentials', message: 'wrong username or password' });
    }
    await this.#store.clearLoginFailures({ keys });
    // Said only to someone who knows the password: it tells them whom to ask, and nobody else anything.
    if (account.disabled) {
      throw new LoginError({
        code: 'disabled',
        message: `this account was disabled${account.disabledAt === null ? '' : ` at ${account.disabledAt}`}; ask an administrator`,
      });
    }
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

  /**
   * A signed-in account changes its own password: the current one is checked and limited like a login
   * (five failures per account and per address in five minutes); every other session of it ends.
   */
  async changeOwnPassword(options: {
    by: HubPrincipal;
    token: string;
    currentPassword: string;
    newPassword: string;
    address: string;
  }): Promise<void> {
    const { by } = options;
    if (by.via !== 'session') {
      throw new DomainError({
        code: DomainErrorCode.forbidden,
        field: 'authorization',
        message: 'authorization: the admin token has no password to change; sign in as an account',
      });
    }
    const now = this.#now();
    const keys = [`user:${by.username}`, `address:${options.address}`];
    await this.#checkFailureLimit({ keys, now });
    const account = await this.#store.getAccount({ username: by.username });
    const ok =
      account !== undefined &&
      (await verifyPassword({ password: options.currentPassword, hash: account.passwordHash }));
    if (!ok) {
      await this.#recordFailure({ keys, now });
      this.#logger.info(`auth: wrong current password for ${by.username} from ${options.address}`);
      throw new DomainError({
        code: DomainErrorCode.forbidden,
        field: 'currentPassword',
        message: 'currentPassword: is not the current password',
      });
    }
    await this.#store.clearLoginFailures({ keys });
    if (options.newPassword === options.currentPassword) {
      throw new DomainError({
        code: DomainErrorCode.invalidInput,
        field: 'newPassword',
        message: 'newPassword: must differ from the current password',
      });
    }
    await this.#store.setPassword({
      username: by.username,
      passwordHash: await hashPassword({ password: options.newPassword }),
      keepTokenHash: tokenHash(options.token),
    });
    this.#logger.info(`auth: ${by.username} changed their password`);
  }

  /** An administrator sets another account's password (within their scope); its sessions end. */
  async resetPassword(options: {
    by: HubPrincipal;
    username: string;
    newPassword: string;
  }): Promise<PublicAccount> {
    await this.#managedAccount(options);
    await this.#store.setPassword({
      username: options.username,
      passwordHash: await hashPassword({ password: options.newPassword }),
      keepTokenHash: null,
    });
    this.#logger.info(`auth: ${options.by.username} reset the password of ${options.username}`);
    return this.#publicAccount(options.username);
  }

  /**
   * An administrator disables an account within their scope (never their own): it cannot log in, its
   * sessions end at once, and its directory user, if it has one, is disabled so its key stops too. The
   * account is disabled first: if the directory then fails, the key can sign nothing, because only the
   * account's own requests make the hub sign with it.
   */
  async disableAccount(options: {
    by: HubPrincipal;
    username: string;
    reason: string;
  }): Promise<PublicAccount> {
    const { by, username, reason } = options;
    if (username === by.username) {
      throw new DomainError({
        code: DomainErrorCode.forbidden,
        field: 'username',
        message: 'username: an administrator cannot disable their own account',
      });
    }
    await this.#managedAccount(options);
    await this.#store.setDisabled({
      username,
      disabled: { at: new Date(this.#now()).toISOString(), reason },
    });
    await this.#directory?.disableStaffUser({ username, reason, by });
    this.#logger.info(`auth: ${by.username} disabled ${username}`);
    return this.#publicAccount(username);
  }

  /**
   * Lets a disabled account log in again (new sessions only: the old ones ended when it was disabled); its
   * acts through the hub are signed by a new directory user, the old one staying disabled.
   */
  async enableAccount(options: { by: HubPrincipal; username: string }): Promise<PublicAccount> {
    await this.#managedAccount(options);
    await this.#store.setDisabled({ username: options.username, disabled: null });
    await this.#directory?.renewStaffUser({ username: options.username });
    this.#logger.info(`auth: ${options.by.username} enabled ${options.username}`);
    return this.#publicAccount(options.username);
  }

  /** The account an administrator manages: within their scope, else 404 as if it did not exist. */
  async #managedAccount(options: { by: HubPrincipal; username: string }): Promise<HubAccount> {
    requireRole({ principal: options.by, roles: [Role.administrator] });
    const account = await this.#store.getAccount({ username: options.username });
    if (account === undefined || !scopeContains({ outer: options.by.scope, inner: account.scope })) {
      throw new DomainError({
        code: DomainErrorCode.notFound,
        field: 'username',
        message: `username: no account ${options.username} within the scope of ${options.by.username}`,
      });
    }
    return account;
  }

  async #publicAccount(username: string): Promise<PublicAccount> {
    const account = await this.#store.getAccount({ username });
    if (account === undefined) throw new Error(`account ${username} vanished`);
    return toPublic(account);
  }

  /** The failures are the store's, so every hub process on one database counts them together. */
  async #checkFailureLimit(options: { keys: readonly string[]; now: number }): Promise<void> {
    const { now } = options;
    for (const key of options.keys) {
      const recent = await this.#store.loginFailures({ key, since: now - LOGIN_FAILURE_WINDOW_MS + 1 });
      if (recent.length >= MAX_LOGIN_FAILURES) {
        const retryAfterSec = Math.max(
          1,
          Math.ceil(((recent[0] ?? now) + LOGIN_FAILURE_WINDOW_MS - now) / 1000),
        );
        throw new LoginError({
          code: 'rate_limited',
          message: `too many failed attempts; try again in ${retryAfterSec} s`,
          retryAfterSec,
        });
      }
    }
  }

  async #recordFailure(options: { keys: readonly string[]; now: number }): Promise<void> {
    await this.#store.recordLoginFailure({
      keys: options.keys,
      at: options.now,
      forgetBefore: options.now - LOGIN_FAILURE_WINDOW_MS,
    });
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
