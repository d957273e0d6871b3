import type { AccountScope, HubRole } from '../domain/hub-accounts';

export type HubAccount = {
  username: string;
  /** `scrypt$N$r$p$salt$hash` (`@jiazheng/sync/node`'s hashPassword). */
  passwordHash: string;
  displayName: string;
  role: HubRole;
  scope: AccountScope;
  createdAt: string;
  createdBy: string;
  disabled: boolean;
};

/** A session is kept only as the SHA-256 of its bearer token: a stolen store logs nobody in. */
export type HubSession = { tokenHash: string; username: string; createdAt: string; expiresAt: string };

/** The hub's staff accounts and their sessions. */
export interface HubAccountStore {
  countAccounts(): Promise<number>;
  getAccount(options: { username: string }): Promise<HubAccount | undefined>;
  listAccounts(): Promise<HubAccount[]>;
  /** Refuses (returns false) when the username is taken. */
  createAccount(options: { account: HubAccount }): Promise<boolean>;
  saveSession(options: { session: HubSession }): Promise<void>;
  getSession(options: { tokenHash: string }): Promise<HubSession | undefined>;
  deleteSession(options: { tokenHash: string }): Promise<void>;
  /** Drops sessions that expired at or before `now`; answers how many. */
  deleteExpiredSessions(options: { now: string }): Promise<number>;
}
