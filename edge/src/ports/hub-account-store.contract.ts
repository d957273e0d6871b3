import { describe, expect, test } from 'vitest';
import type { HubAccount, HubAccountStore, HubSession } from './hub-account-store';

/**
 * The one contract every HubAccountStore is held to (the JSON file, PGlite, PostgreSQL). Each test file
 * calls describeHubAccountStoreContract with a way to open its store.
 *
 * Test support, not production code: it imports vitest.
 */
export type HubAccountStoreContractOptions = {
  name: string;
  /** A new, empty store. */
  open: () => Promise<HubAccountStore>;
  /** Opens the storage the last `open` created again, as another process (or a restart) would see it. */
  reopen: () => Promise<HubAccountStore>;
};

export const contractAccount = (username: string, overrides: Partial<HubAccount> = {}): HubAccount => ({
  username,
  passwordHash: 'scrypt$32768$8$1$c2FsdA$aGFzaA',
  displayName: `${username} 张`,
  role: 'technician',
  scope: { level: 'county', code: '330106' },
  createdAt: '2026-11-29T08:00:00.000Z',
  createdBy: 'admin',
  disabled: false,
  disabledAt: null,
  disabledReason: null,
  ...overrides,
});

const session = (tokenHash: string, expiresAt: string, username = 'li'): HubSession => ({
  tokenHash,
  username,
  createdAt: '2026-11-29T08:00:00.000Z',
  expiresAt,
});

const names = (accounts: readonly HubAccount[]) => accounts.map((a) => a.username).sort();

export function describeHubAccountStoreContract(options: HubAccountStoreContractOptions): void {
  describe(`HubAccountStore contract: ${options.name}`, () => {
    test('an empty store has no accounts and no sessions', async () => {
      const store = await options.open();
      expect(await store.countAccounts()).toBe(0);
      expect(await store.listAccounts()).toEqual([]);
      expect(await store.getAccount({ username: 'li' })).toBeUndefined();
      expect(await store.getSession({ tokenHash: 'x' })).toBeUndefined();
      expect(await store.deleteExpiredSessions({ now: '2030-01-01T00:00:00Z' })).toBe(0);
    });

    test('an account comes back field for field; a taken username is refused, even at once', async () => {
      const store = await options.open();
      const country = contractAccount('wang', {
        role: 'administrator',
        scope: { level: 'country' },
        disabled: true,
        disabledAt: '2026-11-29T09:00:00.000Z',
        disabledReason: '离职',
      });
      const results = await Promise.all([
        store.createAccount({ account: contractAccount('li') }),
        store.createAccount({ account: contractAccount('li', { displayName: 'other' }) }),
        store.createAccount({ account: country }),
      ]);
      expect(results.filter(Boolean)).toHaveLength(2);
      expect(await store.countAccounts()).toBe(2);
      expect(await store.getAccount({ username: 'wang' })).toEqual(country);
      const li = await store.getAccount({ username: 'li' });
      expect(li?.scope).toEqual({ level: 'county', code: '330106' });
      expect(names(await store.listAccounts())).toEqual(['li', 'wang']);
      // What the caller holds is a copy: changing it changes nothing stored.
      if (li) li.displayName = 'changed';
      expect((await store.getAccount({ username: 'li' }))?.displayName).not.toBe('changed');
      expect(await store.getAccount({ username: 'LI' })).toBeUndefined();
    });

    test('sessions: saved, read, deleted, and swept when expired at or before now', async () => {
      const store = await options.open();
      await store.createAccount({ account: contractAccount('li') });
      await store.saveSession({ session: session('a', '2026-11-29T20:00:00.000Z') });
      await store.saveSession({ session: session('b', '2026-11-29T09:00:00.000Z') });
      await store.saveSession({ session: session('c', '2026-11-29T10:00:00.000Z') });
      expect(await store.getSession({ tokenHash: 'a' })).toEqual(session('a', '2026-11-29T20:00:00.000Z'));
      expect(await store.deleteExpiredSessions({ now: '2026-11-29T10:00:00.000Z' })).toBe(2);
      expect(await store.getSession({ tokenHash: 'b' })).toBeUndefined();
      expect(await store.getSession({ tokenHash: 'c' })).toBeUndefined();
      await store.deleteSession({ tokenHash: 'a' });
      await store.deleteSession({ tokenHash: 'never-was' });
      expect(await store.getSession({ tokenHash: 'a' })).toBeUndefined();
    });

    test('accounts and sessions survive a reopen', async () => {
      const store = await options.open();
      await store.createAccount({ account: contractAccount('li') });
      await store.createAccount({
        account: contractAccount('zhao', { scope: { level: 'province', code: '330000' } }),
      });
      await store.saveSession({ session: session('a', '2026-11-29T20:00:00.000Z') });
      const again = await options.reopen();
      expect(names(await again.listAccounts())).toEqual(['li', 'zhao']);
      expect((await again.getAccount({ username: 'zhao' }))?.scope).toEqual({
        level: 'province',
        code: '330000',
      });
      expect(await again.getSession({ tokenHash: 'a' })).toMatchObject({ username: 'li' });
    });

    test('a new password replaces the old one and ends every session but the one kept', async () => {
      const store = await options.open();
      await store.createAccount({ account: contractAccount('li') });
      await store.createAccount({ account: contractAccount('zhao') });
      for (const hash of ['a', 'b'])
        await store.saveSession({ session: session(hash, '2026-11-29T20:00:00.000Z') });
      await store.saveSession({ session: session('z', '2026-11-29T20:00:00.000Z', 'zhao') });
      expect(
        await store.setPassword({ username: 'li', passwordHash: 'scrypt$new', keepTokenHash: 'a' }),
      ).toBe(true);
      expect((await store.getAccount({ username: 'li' }))?.passwordHash).toBe('scrypt$new');
      expect(await store.getSession({ tokenHash: 'a' })).toMatchObject({ username: 'li' });
      expect(await store.getSession({ tokenHash: 'b' })).toBeUndefined();
      // Another account's sessions are untouched.
      expect(await store.getSession({ tokenHash: 'z' })).toMatchObject({ username: 'zhao' });
      expect(await store.setPassword({ username: 'li', passwordHash: 'scrypt$3', keepTokenHash: null })).toBe(
        true,
      );
      expect(await store.getSession({ tokenHash: 'a' })).toBeUndefined();
      expect(
        await store.setPassword({ username: 'nobody', passwordHash: 'scrypt$x', keepTokenHash: null }),
      ).toBe(false);
      expect(await store.countAccounts()).toBe(2);
      expect(
        (await options.reopen().then((again) => again.getAccount({ username: 'li' })))?.passwordHash,
      ).toBe('scrypt$3');
    });

    test('disabling ends every session of the account at once; enabling clears it; a second disable keeps the first', async () => {
      const store = await options.open();
      await store.createAccount({ account: contractAccount('li') });
      await store.createAccount({ account: contractAccount('zhao') });
      await store.saveSession({ session: session('a', '2026-11-29T20:00:00.000Z') });
      await store.saveSession({ session: session('z', '2026-11-29T20:00:00.000Z', 'zhao') });
      const first = { at: '2026-11-29T09:00:00.000Z', reason: '离职' };
      expect(await store.setDisabled({ username: 'li', disabled: first })).toBe(true);
      expect(await store.getAccount({ username: 'li' })).toEqual(
        contractAccount('li', { disabled: true, disabledAt: first.at, disabledReason: first.reason }),
      );
      expect(await store.getSession({ tokenHash: 'a' })).toBeUndefined();
      expect(await store.getSession({ tokenHash: 'z' })).toMatchObject({ username: 'zhao' });
      expect(
        await store.setDisabled({
          username: 'li',
          disabled: { at: '2026-11-29T10:00:00.000Z', reason: 'again' },
        }),
      ).toBe(true);
      expect((await store.getAccount({ username: 'li' }))?.disabledAt).toBe(first.at);
      expect(
        (await options.reopen().then((again) => again.getAccount({ username: 'li' })))?.disabledReason,
      ).toBe('离职');
      expect(await store.setDisabled({ username: 'li', disabled: null })).toBe(true);
      expect(await store.getAccount({ username: 'li' })).toEqual(contractAccount('li'));
      expect(await store.setDisabled({ username: 'nobody', disabled: first })).toBe(false);
    });

    test('failed sign-ins: counted per key from a time on, old ones forgotten, cleared after a success', async () => {
      const store = await options.open();
      const keys = ['user:li', 'address:203.0.113.7'];
      for (const at of [1_000, 2_000, 3_000]) await store.recordLoginFailure({ keys, at, forgetBefore: 0 });
      await store.recordLoginFailure({ keys: ['user:zhao'], at: 3_500, forgetBefore: 0 });
      expect(await store.loginFailures({ key: 'user:li', since: 0 })).toEqual([1_000, 2_000, 3_000]);
      expect(await store.loginFailures({ key: 'address:203.0.113.7', since: 2_000 })).toEqual([2_000, 3_000]);
      expect(await store.loginFailures({ key: 'user:wang', since: 0 })).toEqual([]);
      // A later failure forgets what is older than its window: the store does not grow without end.
      await store.recordLoginFailure({ keys: ['user:li'], at: 9_000, forgetBefore: 2_500 });
      expect(await store.loginFailures({ key: 'user:li', since: 0 })).toEqual([3_000, 9_000]);
      await store.clearLoginFailures({ keys });
      expect(await store.loginFailures({ key: 'user:li', since: 0 })).toEqual([]);
      expect(await store.loginFailures({ key: 'address:203.0.113.7', since: 0 })).toEqual([]);
      expect(await store.loginFailures({ key: 'user:zhao', since: 0 })).toEqual([3_500]);
    });
  });
}
