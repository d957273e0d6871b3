import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { describeRecordStoreContract } from '../../ports/record-store.contract';
import { PgliteRecordStore } from './pglite-record-store';

// One PGlite for the whole file (a new data dir costs seconds), on disk so that reopening is real.
let dataDir = '';
let pglite: PGlite | undefined;

function shared(): PGlite {
  if (!pglite) throw new Error('the shared PGlite is not open');
  return pglite;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pglite-record-store-'));
  pglite = await PgliteRecordStore.openDatabase({ dataDir });
}, 30_000);

afterAll(async () => {
  await pglite?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describeRecordStoreContract({
  name: 'PGlite',
  // PGlite takes ~4 ms of CPU per append (one wasm postgres, five statements); 1,000 keeps the file fast.
  manyRecords: 1_000,
  open: async () => {
    // Dropping the tables gives each test an empty store; attach creates them again.
    await shared().exec('DROP TABLE IF EXISTS record_updates, records, meta, change_seq');
    return PgliteRecordStore.attach({ pglite: shared() });
  },
  reopen: async () => {
    // A real reopen: the database process goes away and the data dir is read back from disk.
    await shared().close();
    pglite = await PgliteRecordStore.openDatabase({ dataDir });
    return PgliteRecordStore.attach({ pglite });
  },
});

describe('PgliteRecordStore on a data dir', () => {
  test('runs postgres with fsync on and a real fsync underneath', async () => {
    const setting = async (name: string): Promise<unknown> =>
      (await shared().query<Record<string, unknown>>(`SHOW ${name}`)).rows[0]?.[name];
    expect(await setting('fsync')).toBe('on');
    expect(await setting('synchronous_commit')).toBe('on');
    expect(await setting('wal_sync_method')).toBe('fsync');
    const nodefs: unknown = shared().Module.NODEFS;
    expect(nodefs).toMatchObject({ stream_ops: { fsync: expect.any(Function) as unknown } });
  });

  test('closing an attached store leaves the caller’s database open', async () => {
    const store = await PgliteRecordStore.attach({ pglite: shared() });
    await store.close();
    expect(shared().closed).toBe(false);
    expect((await shared().query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  test('open({ dataDir }) owns its database and finds what an earlier process wrote', async () => {
    await shared().exec('DROP TABLE IF EXISTS record_updates, records, meta, change_seq');
    const writer = await PgliteRecordStore.attach({ pglite: shared() });
    const doc = new Y.Doc();
    doc.getMap('m').set('county', '330106');
    await writer.appendUpdate({ recordId: 'order:330106:owned', update: Y.encodeStateAsUpdate(doc) });
    await shared().close();

    const owned = await PgliteRecordStore.open({ dataDir });
    try {
      const stored = await owned.readRecord({ recordId: 'order:330106:owned' });
      expect(stored?.stateVector).toEqual(Y.encodeStateVector(doc));
    } finally {
      await owned.close();
    }
    pglite = await PgliteRecordStore.openDatabase({ dataDir });
  }, 20_000);
});
