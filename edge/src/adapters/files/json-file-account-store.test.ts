import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import type { HubAccount } from '../../ports/hub-account-store';
import { describeHubAccountStoreContract } from '../../ports/hub-account-store.contract';
import { JsonFileAccountStore } from './json-file-account-store';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempPath(): Promise<{ dir: string; path: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'jz-accounts-'));
  dirs.push(dir);
  return { dir, path: join(dir, 'sub', 'accounts.json') };
}

let contractPath = '';
describeHubAccountStoreContract({
  name: 'JSON file',
  open: async () => {
    contractPath = (await tempPath()).path;
    return JsonFileAccountStore.open({ path: contractPath });
  },
  reopen: () => JsonFileAccountStore.open({ path: contractPath }),
});

const account = (username: string): HubAccount => ({
  username,
  passwordHash: 'scrypt$x',
  displayName: username,
  role: 'technician',
  scope: { level: 'county', code: '330106' },
  createdAt: '2026-11-29T08:00:00.000Z',
  createdBy: 'admin',
  disabled: false,
  disabledAt: null,
  disabledReason: null,
});

test('accounts and sessions survive a reopen; the file is 0600 and no temporary file is left', async () => {
  const { dir, path } = await tempPath();
  const store = await JsonFileAccountStore.open({ path });
  expect(await store.countAccounts()).toBe(0);
  // Concurrent creates of the same name: exactly one wins, none is lost.
  const results = await Promise.all([
    store.createAccount({ account: account('li') }),
    store.createAccount({ account: account('li') }),
    store.createAccount({ account: account('wang') }),
  ]);
  expect(results.filter(Boolean)).toHaveLength(2);
  await store.saveSession({
    session: {
      tokenHash: 'a',
      username: 'li',
      createdAt: '2026-11-29T08:00:00Z',
      expiresAt: '2026-11-29T20:00:00Z',
    },
  });
  await store.saveSession({
    session: {
      tokenHash: 'b',
      username: 'li',
      createdAt: '2026-11-29T08:00:00Z',
      expiresAt: '2026-11-29T09:00:00Z',
    },
  });
  expect(await store.deleteExpiredSessions({ now: '2026-11-29T10:00:00Z' })).toBe(1);

  const again = await JsonFileAccountStore.open({ path });
  expect((await again.listAccounts()).map((a) => a.username)).toEqual(['li', 'wang']);
  expect(await again.getSession({ tokenHash: 'a' })).toMatchObject({ username: 'li' });
  expect(await again.getSession({ tokenHash: 'b' })).toBeUndefined();
  await again.deleteSession({ tokenHash: 'a' });
  expect(await (await JsonFileAccountStore.open({ path })).getSession({ tokenHash: 'a' })).toBeUndefined();
  expect((await stat(path)).mode & 0o777).toBe(0o600);
  expect(await readdir(join(dir, 'sub'))).toEqual(['accounts.json']);
  expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ version: 1 });
});

test('a damaged file stops the hub rather than looking like no accounts at all', async () => {
  const { path } = await tempPath();
  await JsonFileAccountStore.open({ path });
  await (await JsonFileAccountStore.open({ path })).createAccount({ account: account('li') });
  await writeFile(path, '{"version":1,"accounts":[{"username":1}]}');
  await expect(JsonFileAccountStore.open({ path })).rejects.toThrow(/not a hub accounts file/);
});
