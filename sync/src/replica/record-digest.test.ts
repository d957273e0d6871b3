import * as Y from 'yjs';
import { expect, test } from 'vitest';
import { MemoryRecordStore } from '../adapters/storage/memory-record-store';
import { digestRecord, digestRecords } from './record-digest';

const a = 'order:330106:01JBQ5M8X00000000000000001';
const b = 'order:330106:01JBQ5M8X00000000000000002';
const other = 'order:330108:01JBQ5M8X00000000000000003';

function edit(doc: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
  const before = Y.encodeStateVector(doc);
  change(doc);
  return Y.encodeStateAsUpdate(doc, before);
}

test('equal records give equal digests; a deletion alone changes the digest', async () => {
  const doc = new Y.Doc({ guid: a });
  const first = edit(doc, (d) => d.getMap('fields').set('note', 'x'));
  const copy = new Y.Doc();
  Y.applyUpdate(copy, first);
  expect(await digestRecord({ recordId: a, update: first })).toBe(
    await digestRecord({ recordId: a, update: Y.encodeStateAsUpdate(copy) }),
  );
  // Same state vector afterwards, different content: the digest must see it.
  const withDelete = Y.mergeUpdates([first, edit(doc, (d) => d.getMap('fields').delete('note'))]);
  expect(await digestRecord({ recordId: a, update: withDelete })).not.toBe(
    await digestRecord({ recordId: a, update: first }),
  );
  expect(await digestRecord({ recordId: a, update: first })).toMatch(/^[0-9a-f]{64}$/);
});

test('digestRecords lists the records under a prefix, sorted, with the store seq', async () => {
  const store = await MemoryRecordStore.open();
  for (const id of [b, a, other]) {
    const doc = new Y.Doc({ guid: id });
    await store.appendUpdate({ recordId: id, update: edit(doc, (d) => d.getArray('log').push([id])) });
  }
  const digests = await digestRecords({ store, prefix: 'order:330106:' });
  expect(digests.seq).toBe(3);
  expect(Object.keys(digests.records)).toEqual([a, b]);
  expect(Object.keys((await digestRecords({ store, prefix: '' })).records)).toHaveLength(3);
});
