import { mkdtemp, rm, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { RecordingFiles } from '../adapters/files/recording-files';
import { PgliteCallStore } from '../adapters/pglite/pglite-call-store';
import { RecordingRetention } from './recording-retention';

let pglite: PGlite;
let store: PgliteCallStore;
let dir: string;

beforeAll(async () => {
  pglite = await PGlite.create();
  store = await PgliteCallStore.open({ pglite });
  dir = await mkdtemp(join(tmpdir(), 'jz-retention-'));
}, 60_000);

afterAll(async () => {
  await pglite.close();
  await rm(dir, { recursive: true, force: true });
});

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

test('a retention run deletes the chosen files and marks them purged; disputed evidence stays on disk', async () => {
  const now = new Date('2026-11-29T00:00:00Z');
  const entries = [
    { id: 'r-old', days: 40, disputed: false },
    { id: 'r-disputed', days: 400, disputed: true },
    { id: 'r-new', days: 1, disputed: false },
  ];
  for (const entry of entries) {
    const path = join(dir, `${entry.id}.wav`);
    await writeFile(path, Buffer.alloc(100));
    await store.saveRecording({
      recording: {
        id: entry.id,
        callId: `call-${entry.id}`,
        path,
        category: 'call',
        durationMs: 1000,
        bytes: 100,
        sha256: 'x',
        createdAt: new Date(now.getTime() - entry.days * 86_400_000).toISOString(),
        disputed: entry.disputed,
        purgedAt: null,
        missing: false,
      },
    });
  }
  const retention = new RecordingRetention({
    files: new RecordingFiles({ root: dir }),
    store,
    policy: { retentionDays: { default: 30 }, quotaBytes: 10_000 },
    logger: { info: () => undefined, error: () => undefined },
    now: () => now,
  });
  expect(await retention.run()).toEqual({ purged: 1, overQuotaBytes: 0 });
  expect(await exists(join(dir, 'r-old.wav'))).toBe(false);
  expect(await exists(join(dir, 'r-disputed.wav'))).toBe(true);
  expect(await exists(join(dir, 'r-new.wav'))).toBe(true);
  expect((await store.getRecording({ id: 'r-old' }))?.purgedAt).toBe(now.toISOString());
  expect((await store.getRecording({ id: 'r-disputed' }))?.purgedAt).toBeNull();
  // A second run has nothing left to do.
  expect(await retention.run()).toEqual({ purged: 0, overQuotaBytes: 0 });
});
