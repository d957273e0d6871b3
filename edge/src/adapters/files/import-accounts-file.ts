import { access, rename } from 'node:fs/promises';
import type { HubAccountStore } from '../../ports/hub-account-store';
import { JsonFileAccountStore } from './json-file-account-store';

/**
 * Moves the accounts and sessions of an older hub's `accounts.json` into `store` (the database), then renames
 * the file to `accounts.json.imported` so it is imported once and kept for reference. Safe to repeat after a
 * crash midway: a username or session already there is left as it is. Answers what it did.
 */
export async function importAccountsFile(options: {
  path: string;
  store: HubAccountStore;
}): Promise<{ imported: boolean; accounts: number; sessions: number; renamedTo?: string }> {
  try {
    await access(options.path);
  } catch {
    return { imported: false, accounts: 0, sessions: 0 };
  }
  // Opening validates the file: a damaged one stops the start, as it did when it was the store.
  const file = await JsonFileAccountStore.open({ path: options.path });
  let accounts = 0;
  for (const account of await file.listAccounts()) {
    if (await options.store.createAccount({ account })) accounts++;
  }
  const sessions = await file.listSessions();
  for (const session of sessions) await options.store.saveSession({ session });
  const renamedTo = `${options.path}.imported`;
  await rename(options.path, renamedTo);
  return { imported: true, accounts, sessions: sessions.length, renamedTo };
}
