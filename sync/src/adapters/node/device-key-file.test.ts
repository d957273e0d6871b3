import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signBytes } from '@jiazheng/sync/records';
import { afterEach, expect, test } from 'vitest';
import { loadOrCreateDeviceKey } from './device-key-file';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'jz-appliance-key-'));
  dirs.push(dir);
  return dir;
}

const quiet = { info: () => {}, error: () => {} };

test('makes the key once, 0600, and loads the same device at the next start', async () => {
  const path = join(await tempDir(), 'device-key.json');
  const made = await loadOrCreateDeviceKey({ path, newDeviceId: () => 'appliance-330106-1', logger: quiet });
  expect(made).toMatchObject({ deviceId: 'appliance-330106-1', created: true });
  expect((await stat(path)).mode & 0o777).toBe(0o600);
  const again = await loadOrCreateDeviceKey({ path, newDeviceId: () => 'appliance-330106-2', logger: quiet });
  expect(again).toMatchObject({ deviceId: 'appliance-330106-1', publicKey: made.publicKey, created: false });
  // The key in memory signs but can never be exported again.
  expect(await signBytes({ privateKey: again.privateKey, bytes: new Uint8Array([1]) })).toHaveLength(64);
  expect(again.privateKey.extractable).toBe(false);
});

test('narrows a key file others can read back to 0600, with a warning', async () => {
  const path = join(await tempDir(), 'device-key.json');
  await loadOrCreateDeviceKey({ path, newDeviceId: () => 'appliance-330106-1', logger: quiet });
  await chmod(path, 0o644);
  const warnings: string[] = [];
  await loadOrCreateDeviceKey({
    path,
    newDeviceId: () => 'x',
    logger: { info: () => {}, error: (message) => warnings.push(message) },
  });
  expect((await stat(path)).mode & 0o777).toBe(0o600);
  expect(warnings.join()).toContain('644');
});

test('refuses a key file that is not one, rather than making a new identity over it', async () => {
  const path = join(await tempDir(), 'device-key.json');
  await writeFile(path, '{"format":"something else"}', { mode: 0o600 });
  await expect(loadOrCreateDeviceKey({ path, newDeviceId: () => 'x', logger: quiet })).rejects.toThrow(
    /not a jiazheng-device-key\/1 file/,
  );
});
