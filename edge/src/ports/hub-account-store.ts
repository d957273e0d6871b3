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
  /** When an administrator disabled the account (null while enabled), and why. */
  disabledAt: string | null;
  disabledReason: string | null;
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
  /**
   * Replaces the account's password hash and, in the same step, ends its sessions except the one
   * `keepTokenHash` names (the caller's own, when changing one's own password). False: no such account.
   */
  setPassword(options: {
    username: string;
    passwordHash: string;
    keepTokenHash: string | null;
  }): Promise<boolean>;
  /**
   * Disables the account (`disabled` given: every session of it ends in the same step; an account already
   * disabled keeps its first time and reason) or enables it (`null`). False: no such account.
   */
  setDisabled(options: {
    username: string;
    disabled: { at: string; reason: string } | null;
  }): Promise<boolean>;
  /** Drops sessions that expired at or before `now`; answers how many. */
  deleteExpiredSessions(options: { now: string }): Promise<number>;
  /**
   * Failed sign-ins (and wrong current passwords), under each key (`user:<name>`, `address:<ip>`): kept in
   * the store so that every hub process sharing it counts them together. Failures before `forgetBefore`
   * may be dropped in the same step.
   */
  recordLoginFailure(options: { keys: readonly string[]; at: number; forgetBefore: number }): Promise<void>;
  /** The times of the key's failures at or after `since`, oldest first. */
  loginFailures(options: { key: string; since: number }): Promise<number[]>;
  clearLoginFailures(options: { keys: readonly string[] }): Promise<void>;
}

/**
 * The directory side of an account: a hub account that has acted through the hub has a directory user
 * `hub:<username>` with a custodial key (HubSync's staff signer). Disabling the account disables that
 * user too, signed by the administrator who asked, so the key stops everywhere the directory syncs.
 */
export interface StaffDirectory {
  /** False when the account never acted (no directory user): nothing to disable. */
  disableStaffUser(options: {
    username: string;
    reason: string;
    by: { username: string; displayName: string; role: HubRole; scope: AccountScope };
  }): Promise<boolean>;
  /**
   * An account enabled again gets a new directory user at its next act (the directory cannot enable a
   * disabled one); answers the user id it will sign as.
   */
  renewStaffUser(options: { username: string }): Promise<string>;
}
