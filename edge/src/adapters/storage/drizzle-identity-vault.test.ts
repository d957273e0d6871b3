import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { ProjectionDatabase } from '@jiazheng/sync/projections';
import { drizzle } from 'drizzle-orm/pglite';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadOrCreateIdentityKey } from '../files/identity-key-file';
import { DrizzleIdentityVault, workerIdentities } from './drizzle-identity-vault';

const ID_NUMBER = '11010519491231002X';
const workerA = 'worker:hub:01JBQ5M8X0000000000000000A';
const workerB = 'worker:hub:01JBQ5M8X0000000000000000B';

let pglite: PGlite;
let db: ProjectionDatabase;
let dir: string;

beforeAll(async () => {
  pglite = new PGlite();
  await pglite.waitReady;
  db = drizzle({ client: pglite });
  dir = await mkdtemp(join(tmpdir(), 'jz-identity-'));
}, 60_000);

afterAll(async () => {
  await pglite.close();
  await rm(dir, { recursive: true, force: true });
});

test('a number is kept sealed: the table holds no digit of it, and it opens with the key', async () => {
  const vault = await DrizzleIdentityVault.open({ db, key: randomBytes(32) });
  await vault.keep({ workerId: workerA, idNumber: ID_NUMBER });
  const [row] = await db.select().from(workerIdentities);
  expect(row?.workerId).toBe(workerA);
  expect(JSON.stringify(row)).not.toContain('19491231');
  expect(await vault.reveal({ workerId: workerA })).toBe(ID_NUMBER);
  expect(await vault.reveal({ workerId: workerB })).toBeNull();
  // Kept again (a corrected number) replaces it; forgetting removes it.
  await vault.keep({ workerId: workerA, idNumber: '110105194912310021' });
  expect(await vault.reveal({ workerId: workerA })).toBe('110105194912310021');
  await vault.forget({ workerId: workerA });
  expect(await vault.reveal({ workerId: workerA })).toBeNull();
});

test('another key, a row moved to another worker or an altered row do not open', async () => {
  await db.delete(workerIdentities);
  const key = randomBytes(32);
  const vault = await DrizzleIdentityVault.open({ db, key });
  await vault.keep({ workerId: workerA, idNumber: ID_NUMBER });
  const other = await DrizzleIdentityVault.open({ db, key: randomBytes(32) });
  await expect(other.reveal({ workerId: workerA })).rejects.toThrow(
    /sealed with key [0-9a-f]{16}, not this hub's/,
  );

  const [row] = await db.select().from(workerIdentities);
  await db.insert(workerIdentities).values({ ...row!, workerId: workerB });
  await expect(vault.reveal({ workerId: workerB })).rejects.toThrow(/does not open: it was altered or moved/);

  const flipped = Buffer.from(row!.ciphertext, 'base64');
  flipped[0] = (flipped[0] ?? 0) ^ 1;
  await db.update(workerIdentities).set({ ciphertext: flipped.toString('base64') });
  await expect(vault.reveal({ workerId: workerA })).rejects.toThrow(/altered or moved/);
});

test('the key file is made once, private, and read back', async () => {
  const path = join(dir, 'identity-key');
  const first = await loadOrCreateIdentityKey({ path });
  expect(first.created).toBe(true);
  expect(first.key).toHaveLength(32);
  expect((await stat(path)).mode & 0o777).toBe(0o600);
  const again = await loadOrCreateIdentityKey({ path });
  expect(again).toEqual({ key: first.key, created: false });
  expect((await readFile(path, 'utf8')).trim()).toBe(first.key.toString('base64'));
  await expect(DrizzleIdentityVault.open({ db, key: randomBytes(16) })).rejects.toThrow(/must be 32 bytes/);
});
