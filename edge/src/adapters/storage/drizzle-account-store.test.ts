import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { contractAccount, describeHubAccountStoreContract } from '../../ports/hub-account-store.contract';
import { importAccountsFile } from '../files/import-accounts-file';
import { JsonFileAccountStore } from '../files/json-file-account-store';
import { DrizzleAccountStore } from './drizzle-account-store';

// One in-memory PGlite for the file (a new one costs seconds); `open` empties the tables.
let pglite: PGlite;
beforeAll(async () => {
  pglite = new PGlite();
  await pglite.waitReady;
}, 60_000);
afterAll(async () => {
  await pglite.close();
});
const db = () => drizzle({ client: pglite });

describeHubAccountStoreContract({
  name: 'PGlite',
  open: async () => {
    await pglite.exec('DROP TABLE IF EXISTS hub_accounts, hub_sessions, hub_login_failures');
    return DrizzleAccountStore.open({ db: db() });
  },
  reopen: () => DrizzleAccountStore.open({ db: db() }),
});

test('an existing accounts.json is imported once, then renamed to accounts.json.imported', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'jz-import-'));
  try {
    const path = join(dir, 'accounts.json');
    const file = await JsonFileAccountStore.open({ path });
    await file.createAccount({ account: contractAccount('li') });
    await file.createAccount({
      account: contractAccount('admin', { role: 'administrator', scope: { level: 'country' } }),
    });
    const session = {
      tokenHash: 'h1',
      username: 'li',
      createdAt: '2026-11-29T08:00:00.000Z',
      expiresAt: '2026-11-29T20:00:00.000Z',
    };
    await file.saveSession({ session });

    await pglite.exec('DROP TABLE IF EXISTS hub_accounts, hub_sessions, hub_login_failures');
    const store = await DrizzleAccountStore.open({ db: db() });
    // A user created in the database before the import (another hub): the database's one is kept.
    await store.createAccount({ account: contractAccount('li', { displayName: 'already here' }) });
    expect(await importAccountsFile({ path, store })).toEqual({
      imported: true,
      accounts: 1,
      sessions: 1,
      renamedTo: `${path}.imported`,
    });
    expect(await readdir(dir)).toEqual(['accounts.json.imported']);
    expect((await store.getAccount({ username: 'li' }))?.displayName).toBe('already here');
    expect(await store.getAccount({ username: 'admin' })).toEqual(
      contractAccount('admin', { role: 'administrator', scope: { level: 'country' } }),
    );
    expect(await store.getSession({ tokenHash: 'h1' })).toEqual(session);
    // The next start finds no file and imports nothing.
    expect(await importAccountsFile({ path, store })).toEqual({ imported: false, accounts: 0, sessions: 0 });

    // A damaged file stops the start rather than being skipped.
    await writeFile(path, '{"version":1,"accounts":[{"username":1}]}');
    await expect(importAccountsFile({ path, store })).rejects.toThrow(/not a hub accounts file/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a table made before accounts could be disabled over the API gains the columns, its accounts enabled', async () => {
  await pglite.exec('DROP TABLE IF EXISTS hub_accounts, hub_sessions, hub_login_failures');
  await pglite.exec(`CREATE TABLE hub_accounts (
    username text PRIMARY KEY, password_hash text NOT NULL, display_name text NOT NULL, role text NOT NULL,
    scope jsonb NOT NULL, created_at text NOT NULL, created_by text NOT NULL, disabled boolean NOT NULL
  )`);
  await pglite.exec(`INSERT INTO hub_accounts VALUES ('li', 'scrypt$x', '李', 'technician',
    '{"level":"county","code":"330106"}', '2026-11-29T08:00:00.000Z', 'admin', false)`);
  const store = await DrizzleAccountStore.open({ db: db() });
  expect(await store.getAccount({ username: 'li' })).toMatchObject({
    disabled: false,
    disabledAt: null,
    disabledReason: null,
  });
  expect(
    await store.setDisabled({ username: 'li', disabled: { at: '2026-11-30T00:00:00.000Z', reason: '离职' } }),
  ).toBe(true);
  expect(
    (await DrizzleAccountStore.open({ db: db() }).then((again) => again.getAccount({ username: 'li' })))
      ?.disabledAt,
  ).toBe('2026-11-30T00:00:00.000Z');
});
