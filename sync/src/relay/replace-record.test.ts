import { PGlite } from '@electric-sql/pglite';
import 'fake-indexeddb/auto';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DexieRecordStore } from '../adapters/storage/dexie-record-store';
import { MemoryRecordStore } from '../adapters/storage/memory-record-store';
import { PgliteRecordStore } from '../adapters/storage/pglite-record-store';
import type { RecordStore } from '../ports/record-store';
import { recordIdOf } from './test-support';

/**
 * RecordStore.replaceRecord, which the relay's RESET needs, on every store that exists so far. (Belongs in
 * the port's contract suite; kept here until it moves there.)
 */

let pglite: PGlite | undefined;
afterAll(async () => {
  await pglite?.close();
});

const stores: Array<[string, () => Promise<RecordStore>]> = [
  ['memory', () => MemoryRecordStore.open()],
  ['Dexie (fake-indexeddb)', () => DexieRecordStore.open({ name: 'relay-replace-record' })],
  [
    'PGlite (in memory)',
    async () => {
      pglite = await PGlite.create();
      return PgliteRecordStore.attach({ pglite });
    },
  ],
];

function fieldsOf(update: Uint8Array | undefined): unknown {
  const doc = new Y.Doc();
  if (update) Y.applyUpdate(doc, update);
  return doc.getMap('fields').toJSON();
}

function edit(doc: Y.Doc, key: string, value: string): Uint8Array {
  const before = Y.encodeStateVector(doc);
  doc.getMap('fields').set(key, value);
  return Y.encodeStateAsUpdate(doc, before);
}

describe.each(stores)('replaceRecord on %s', (_name, open) => {
  it('replaces what the record held, bumps its seq, and appends go on from the new state', async () => {
    const store = await open();
    const recordId = recordIdOf({ n: 1 });
    const local = new Y.Doc();
    await store.appendUpdate({ recordId, update: edit(local, 'status', 'new') });
    await store.appendUpdate({ recordId, update: edit(local, 'refused', 'yes') });
    const relay = new Y.Doc();
    const relayState = edit(relay, 'status', 'assigned');
    const before = await store.currentSeq();

    const { seq } = await store.replaceRecord({ recordId, update: relayState });
    expect(seq).toBe(before + 1);
    expect(await store.currentSeq()).toBe(seq);
    const replaced = await store.readRecord({ recordId });
    expect(fieldsOf(replaced?.update)).toEqual({ status: 'assigned' });
    expect(replaced?.stateVector).toEqual(Y.encodeStateVectorFromUpdate(relayState));
    expect(replaced?.seq).toBe(seq);
    expect(await store.listChanges({ after: before, limit: 10 })).toEqual([{ recordId, seq }]);

    const next = await store.appendUpdate({ recordId, update: edit(relay, 'note', 'later') });
    expect(next.changed).toBe(true);
    expect(fieldsOf((await store.readRecord({ recordId }))?.update)).toEqual({
      status: 'assigned',
      note: 'later',
    });

    // A record it never had is created; an empty state is a record with nothing in it.
    const fresh = recordIdOf({ n: 2 });
    await store.replaceRecord({ recordId: fresh, update: Uint8Array.of(0, 0) });
    expect(fieldsOf((await store.readRecord({ recordId: fresh }))?.update)).toEqual({});
    await expect(store.replaceRecord({ recordId: fresh, update: Uint8Array.of(9, 9, 9) })).rejects.toThrow();
    await store.close();
  }, 20_000);
});
