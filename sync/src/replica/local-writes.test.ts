import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { describe, expect, test } from 'vitest';
import { MemoryRecordStore } from '../adapters/storage/memory-record-store';
import { PgliteRecordStore } from '../adapters/storage/pglite-record-store';
import type { RecordStore } from '../ports/record-store';
import { fieldsOf, loadRecordDoc } from '../records/record-doc';
import { maxReusedClientIds, setFieldInStore } from './local-writes';

const recordId = 'directory:hub:01JBQ5M8X00000000000000000';

function clientsOf(update: Uint8Array): number[] {
  return [...Y.parseUpdateMeta(update).to.keys()];
}

async function clientsOfRecord(store: RecordStore, id = recordId): Promise<number[]> {
  const record = await store.readRecord({ recordId: id });
  return [...Y.decodeStateVector(record?.stateVector ?? Uint8Array.of(0)).keys()];
}

async function fieldsOfRecord(store: RecordStore, id = recordId): Promise<unknown> {
  const record = await store.readRecord({ recordId: id });
  const doc = loadRecordDoc({ recordId: id, update: record?.update ?? null });
  const json = fieldsOf(doc).toJSON();
  doc.destroy();
  return json;
}

/**
 * Whether two copies of a record that should agree do: a (client, clock) written twice with different
 * content makes two stores that exchanged everything still differ.
 */
function converge(a: Uint8Array, b: Uint8Array): boolean {
  const x = loadRecordDoc({ recordId, update: a });
  const y = loadRecordDoc({ recordId, update: b });
  Y.applyUpdate(x, Y.encodeStateAsUpdate(y));
  Y.applyUpdate(y, Y.encodeStateAsUpdate(x));
  const same = JSON.stringify(fieldsOf(x).toJSON()) === JSON.stringify(fieldsOf(y).toJSON());
  x.destroy();
  y.destroy();
  return same;
}

describe('local writes reuse one Yjs client id per record', () => {
  test('consecutive writes to a record add one client, not one per write', async () => {
    const store = await MemoryRecordStore.open();
    const updates: Uint8Array[] = [];
    for (let i = 0; i < 50; i++) {
      updates.push(await setFieldInStore({ store, recordId, key: 'ping', value: String(i) }));
    }
    expect(await clientsOfRecord(store)).toHaveLength(1);
    expect(new Set(updates.flatMap(clientsOf)).size).toBe(1);
    expect(await fieldsOfRecord(store)).toEqual({ ping: '49' });
    // The state vector stays one entry, however many writes.
    const record = await store.readRecord({ recordId });
    expect(record?.stateVector.length).toBeLessThanOrEqual(8);
  });

  test('concurrent writes to one record are serialised and each builds on the last', async () => {
    const store = await MemoryRecordStore.open();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => setFieldInStore({ store, recordId, key: `k${i}`, value: 'v' })),
    );
    expect(await clientsOfRecord(store)).toHaveLength(1);
    expect(Object.keys((await fieldsOfRecord(store)) as object)).toHaveLength(20);
  });

  test('two stores in one process (two replicas) never share an id', async () => {
    const a = await MemoryRecordStore.open();
    const b = await MemoryRecordStore.open();
    const fromA = await setFieldInStore({ store: a, recordId, key: 'a', value: '1' });
    await b.appendUpdate({ recordId, update: fromA });
    const fromB = await setFieldInStore({ store: b, recordId, key: 'b', value: '1' });
    expect(clientsOf(fromB)).not.toEqual(clientsOf(fromA));
  });

  test('after a RESET dropped its structs, the writer draws a new id rather than rewrite their clocks', async () => {
    const store = await MemoryRecordStore.open();
    const relayCopy = await MemoryRecordStore.open();
    const first = await setFieldInStore({ store, recordId, key: 'status', value: 'accepted' });
    await relayCopy.appendUpdate({ recordId, update: first });
    // This one reaches a third replica (say, a PWA of the appliance) but the relay refuses it.
    const refused = await setFieldInStore({ store, recordId, key: 'status', value: 'refused' });
    const elsewhere = await MemoryRecordStore.open();
    await elsewhere.appendUpdate({ recordId, update: first });
    await elsewhere.appendUpdate({ recordId, update: refused });
    const relayState = (await relayCopy.readRecord({ recordId }))?.update ?? Uint8Array.of(0, 0);
    await store.replaceRecord({ recordId, update: relayState });

    const next = await setFieldInStore({ store, recordId, key: 'status', value: 'next' });
    expect(clientsOf(next)).not.toEqual(clientsOf(first));
    const mine = (await store.readRecord({ recordId }))?.update ?? relayState;
    const theirs = (await elsewhere.readRecord({ recordId }))?.update ?? relayState;
    expect(converge(mine, theirs)).toBe(true);
  });

  test('a write whose append failed is never followed by another at the same clock', async () => {
    const store = await MemoryRecordStore.open();
    // The append throws after storing (a lost acknowledgement) or before: either way the next write
    // must not reuse the id, since the store may or may not hold what it wrote.
    let fail: 'none' | 'after' | 'before' = 'none';
    const flaky: RecordStore = Object.create(store) as RecordStore;
    flaky.readRecord = (options) => store.readRecord(options);
    flaky.appendUpdate = async (options) => {
      const mode = fail;
      fail = 'none';
      if (mode === 'before') throw new Error('connection lost');
      const result = await store.appendUpdate(options);
      if (mode === 'after') throw new Error('connection lost after commit');
      return result;
    };
    const write = (value: string) => setFieldInStore({ store: flaky, recordId, key: 'n', value });
    const first = await write('1');
    expect(clientsOf(await write('2'))).toEqual(clientsOf(first));
    fail = 'after';
    await expect(write('3')).rejects.toThrow('after commit');
    const afterLost = await write('4');
    expect(clientsOf(afterLost)).not.toEqual(clientsOf(first));
    fail = 'before';
    await expect(write('5')).rejects.toThrow('connection lost');
    const afterFailed = await write('6');
    expect(clientsOf(afterFailed)).not.toEqual(clientsOf(afterLost));
    expect(await fieldsOfRecord(store)).toEqual({ n: '6' });
    expect(await clientsOfRecord(store)).toHaveLength(3);
  });

  test('after a restart from storage the writer draws a new id, and both runs’ writes stand', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'local-writes-'));
    try {
      let pglite = await PgliteRecordStore.openDatabase({ dataDir });
      let store: RecordStore = await PgliteRecordStore.attach({ pglite });
      const before: Uint8Array[] = [];
      for (let i = 0; i < 3; i++)
        before.push(await setFieldInStore({ store, recordId, key: 'a', value: `${i}` }));
      const peer = await MemoryRecordStore.open();
      for (const update of before) await peer.appendUpdate({ recordId, update });
      await store.close();
      await pglite.close();

      pglite = await PgliteRecordStore.openDatabase({ dataDir });
      store = await PgliteRecordStore.attach({ pglite });
      const after = await setFieldInStore({ store, recordId, key: 'b', value: 'x' });
      expect(clientsOf(after)).not.toEqual(clientsOf(before[0] ?? after));
      await peer.appendUpdate({ recordId, update: after });
      const mine = (await store.readRecord({ recordId }))?.update ?? after;
      const theirs = (await peer.readRecord({ recordId }))?.update ?? after;
      expect(converge(mine, theirs)).toBe(true);
      expect(await fieldsOfRecord(store)).toEqual({ a: '2', b: 'x' });
      await store.close();
      await pglite.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  test('leases are bounded: the least recently written record draws a new id', async () => {
    const store = await MemoryRecordStore.open();
    const idOf = (n: number) => `order:330106:01JBQ5M8X0000000000000${String(n).padStart(4, '0')}`;
    const first = await setFieldInStore({ store, recordId: idOf(0), key: 'k', value: '0' });
    for (let n = 1; n <= maxReusedClientIds; n++) {
      await setFieldInStore({ store, recordId: idOf(n), key: 'k', value: '0' });
    }
    const again = await setFieldInStore({ store, recordId: idOf(0), key: 'k', value: '1' });
    expect(clientsOf(again)).not.toEqual(clientsOf(first));
    expect(await clientsOfRecord(store, idOf(0))).toHaveLength(2);
  });
});
