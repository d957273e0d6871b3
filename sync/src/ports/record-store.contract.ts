import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import type { RecordStore } from './record-store';

/**
 * The one contract every RecordStore is held to (memory, PGlite, PostgreSQL, Dexie). Each test file
 * calls describeRecordStoreContract with a way to open its store.
 *
 * Test support, not production code: it imports vitest.
 */

/** A store that can also say how many appended updates wait for compaction (the port need not). */
export type InspectableRecordStore = RecordStore & {
  countPendingUpdates(options: { recordId: string }): Promise<number>;
};

export type RecordStoreContractOptions = {
  name: string;
  /** A new, empty store. */
  open: () => Promise<InspectableRecordStore>;
  /**
   * Opens again the storage that the last `open` created, after that store was closed (another process
   * would see the same). Omit for a store that is not durable: the persistence test is then not registered.
   */
  reopen?: (() => Promise<InspectableRecordStore>) | undefined;
  /** How many records the bulk test writes (default 2,000). */
  manyRecords?: number | undefined;
  /** Per-test timeout for the slower tests (default 20 s). */
  slowTestTimeoutMs?: number | undefined;
};

/** A Y.Doc whose every change is captured as the update a replica would send. */
function createEditor(): {
  doc: Y.Doc;
  updates: Uint8Array[];
  change: (edit: (doc: Y.Doc) => void) => Uint8Array;
} {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  return {
    doc,
    updates,
    change(edit) {
      const before = updates.length;
      doc.transact(() => edit(doc));
      if (updates.length !== before + 1) throw new Error('the edit produced no single update');
      const update = updates[updates.length - 1];
      if (!update) throw new Error('unreachable: no update');
      return update;
    },
  };
}

function loadDoc(update: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return doc;
}

/** mulberry32: small, seeded, so a failure reproduces. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = copy[i] as T;
    copy[i] = copy[j] as T;
    copy[j] = a;
  }
  return copy;
}

/** A record written with all three shared types, the way record documents use them. */
function writeSampleRecord(): { doc: Y.Doc; updates: Uint8Array[] } {
  const editor = createEditor();
  editor.change((doc) => {
    doc.getMap('fields').set('status', 'new');
    doc.getMap('fields').set('phone', '+8657188888888');
  });
  editor.change((doc) => doc.getArray('proposals').push([{ id: 'p1', type: 'dispatch' }]));
  editor.change((doc) => doc.getText('notes').insert(0, '客户要求周末上门'));
  editor.change((doc) => doc.getText('notes').insert(0, '【加急】'));
  editor.change((doc) =>
    doc.getArray('proposals').push([
      { id: 'p2', type: 'mark-served' },
      { id: 'p3', type: 'visit' },
    ]),
  );
  editor.change((doc) => doc.getMap('fields').set('status', 'dispatched'));
  editor.change((doc) => doc.getText('notes').delete(0, 4));
  return { doc: editor.doc, updates: editor.updates };
}

async function expectDomainError(promise: Promise<unknown>, field: string): Promise<void> {
  await expect(promise).rejects.toMatchObject({ name: 'DomainError', code: 'invalid_input', field });
  await expect(promise).rejects.toThrow(field);
}

/** Everything a reader can observe, to prove a refused call changed nothing. */
async function observe(store: RecordStore, recordIds: readonly string[]): Promise<unknown> {
  return {
    seq: await store.currentSeq(),
    changes: await store.listChanges({ after: 0, limit: 10_000 }),
    records: await Promise.all(recordIds.map((recordId) => store.readRecord({ recordId }))),
  };
}

export function describeRecordStoreContract(options: RecordStoreContractOptions): void {
  const { open, reopen } = options;
  const manyRecords = options.manyRecords ?? 2_000;
  const slow = { timeout: options.slowTestTimeoutMs ?? 20_000 };

  /** Opens a fresh store for one test and closes it whatever happens. */
  async function withStore(run: (store: InspectableRecordStore) => Promise<void>): Promise<void> {
    const store = await open();
    try {
      await run(store);
    } finally {
      await store.close();
    }
  }

  describe(`RecordStore contract: ${options.name}`, () => {
    test('a new store is empty', () =>
      withStore(async (store) => {
        expect(await store.currentSeq()).toBe(0);
        expect(await store.readRecord({ recordId: 'order:330106:01J0000000000000000000000' })).toBeNull();
        expect(await store.listChanges({ after: 0, limit: 100 })).toEqual([]);
        expect(await store.getMeta({ key: 'cursor:hub' })).toBeNull();
      }));

    test('appending creates the record, and reading it gives what a Y.Doc applying the same updates holds', () =>
      withStore(async (store) => {
        const { doc, updates } = writeSampleRecord();
        const recordId = 'order:330106:01J9ZP3K5N8W6X4Y2V7T1R0QAB';
        const seqs: number[] = [];
        for (const update of updates) {
          const result = await store.appendUpdate({ recordId, update });
          expect(result.changed).toBe(true);
          seqs.push(result.seq);
        }
        expect(seqs).toEqual(updates.map((_, index) => index + 1));

        const stored = await store.readRecord({ recordId });
        expect(stored).not.toBeNull();
        if (!stored) return;
        expect(stored.recordId).toBe(recordId);
        expect(stored.seq).toBe(updates.length);
        expect(stored.update).toBeInstanceOf(Uint8Array);
        expect(stored.stateVector).toEqual(Y.encodeStateVector(doc));
        expect(stored.stateVector).toEqual(Y.encodeStateVectorFromUpdate(stored.update));
        const loaded = loadDoc(stored.update);
        expect(Y.encodeStateAsUpdate(loaded)).toEqual(Y.encodeStateAsUpdate(doc));
        expect(loaded.getText('notes').toJSON()).toBe('客户要求周末上门');
        expect(loaded.getMap('fields').toJSON()).toEqual({ status: 'dispatched', phone: '+8657188888888' });
        expect(loaded.getArray('proposals').length).toBe(3);
      }));

    test('the whole state appended as one update reads back the same', () =>
      withStore(async (store) => {
        const { doc } = writeSampleRecord();
        await store.appendUpdate({
          recordId: 'worker:01J9ZP3K5N8W6X4Y2V7T1R0QAB',
          update: Y.encodeStateAsUpdate(doc),
        });
        const stored = await store.readRecord({ recordId: 'worker:01J9ZP3K5N8W6X4Y2V7T1R0QAB' });
        expect(stored && Y.encodeStateAsUpdate(loadDoc(stored.update))).toEqual(Y.encodeStateAsUpdate(doc));
      }));

    test('re-appending what the record already holds changes nothing and answers its current seq', () =>
      withStore(async (store) => {
        const recordId = 'enterprise:91330106MA2H000000';
        const { doc, updates } = writeSampleRecord();
        for (const update of updates) await store.appendUpdate({ recordId, update });
        // Another record moves the store's seq past this record's: the answer must be the record's seq.
        await store.appendUpdate({ recordId: 'other', update: Y.encodeStateAsUpdate(doc) });
        const before = await observe(store, [recordId]);
        const seqBefore = await store.currentSeq();
        const recordSeq = (await store.readRecord({ recordId }))?.seq;

        for (const update of [...updates, Y.encodeStateAsUpdate(doc), Y.encodeStateAsUpdate(new Y.Doc())]) {
          expect(await store.appendUpdate({ recordId, update })).toEqual({ seq: recordSeq, changed: false });
        }
        // A merge of old updates is no news either.
        const merged = Y.mergeUpdates(updates.slice(1, 4));
        expect(await store.appendUpdate({ recordId, update: merged })).toEqual({
          seq: recordSeq,
          changed: false,
        });
        expect(await store.currentSeq()).toBe(seqBefore);
        expect(await observe(store, [recordId])).toEqual(before);
      }));

    test('a delete-only update is a change, though the state vector stays the same', () =>
      withStore(async (store) => {
        const recordId = 'order:330106:deletes';
        const editor = createEditor();
        editor.change((doc) => doc.getArray('items').push(['a', 'b', 'c']));
        editor.change((doc) => doc.getMap('fields').set('note', 'x'));
        editor.change((doc) => doc.getText('text').insert(0, 'hello world'));
        for (const update of editor.updates) await store.appendUpdate({ recordId, update });
        const before = await store.readRecord({ recordId });

        for (const edit of [
          (doc: Y.Doc) => doc.getArray('items').delete(1, 1),
          (doc: Y.Doc) => doc.getMap('fields').delete('note'),
          (doc: Y.Doc) => doc.getText('text').delete(5, 6),
        ]) {
          const svBefore = Y.encodeStateVector(editor.doc);
          const update = editor.change(edit);
          expect(Y.encodeStateVector(editor.doc)).toEqual(svBefore); // only the delete set moved
          const seq = await store.currentSeq();
          expect(await store.appendUpdate({ recordId, update })).toEqual({ seq: seq + 1, changed: true });
          expect(await store.appendUpdate({ recordId, update })).toEqual({ seq: seq + 1, changed: false });
        }
        const after = await store.readRecord({ recordId });
        expect(after?.stateVector).toEqual(before?.stateVector);
        const loaded = loadDoc(after?.update ?? new Uint8Array());
        expect(loaded.getArray('items').toJSON()).toEqual(['a', 'c']);
        expect(loaded.getMap('fields').toJSON()).toEqual({});
        expect(loaded.getText('text').toJSON()).toBe('hello');
      }));

    test('updates that arrive out of order are kept, and re-appending one past a gap changes nothing', () =>
      withStore(async (store) => {
        const recordId = 'complaint:gap';
        const editor = createEditor();
        const first = editor.change((doc) => doc.getMap('m').set('a', 1));
        const second = editor.change((doc) => doc.getMap('m').set('b', 2));
        const third = editor.change((doc) => doc.getMap('m').set('c', 3));
        const deleteSecond = editor.change((doc) => doc.getMap('m').delete('b'));

        expect((await store.appendUpdate({ recordId, update: first })).changed).toBe(true);
        const afterFirst = (await store.readRecord({ recordId }))?.stateVector;
        expect((await store.appendUpdate({ recordId, update: third })).changed).toBe(true);
        // `third` waits for `second`: held, but not yet part of the state vector.
        expect((await store.readRecord({ recordId }))?.stateVector).toEqual(afterFirst);
        expect((await store.appendUpdate({ recordId, update: third })).changed).toBe(false);
        expect((await store.appendUpdate({ recordId, update: deleteSecond })).changed).toBe(true);
        expect((await store.appendUpdate({ recordId, update: second })).changed).toBe(true);
        expect((await store.appendUpdate({ recordId, update: third })).changed).toBe(false);

        const stored = await store.readRecord({ recordId });
        expect(stored?.stateVector).toEqual(Y.encodeStateVector(editor.doc));
        expect(
          loadDoc(stored?.update ?? new Uint8Array())
            .getMap('m')
            .toJSON(),
        ).toEqual({ a: 1, c: 3 });
      }));

    test('listChanges answers records changed after a seq, in seq order, limited, filtered by prefix', () =>
      withStore(async (store) => {
        const ids = [
          'order:330106:01',
          'order:330106:02',
          'order:330107:01',
          'enterprise:01',
          'worker:01',
          'order:330106:03',
          'odd%id_',
        ];
        const editors = new Map(ids.map((id) => [id, createEditor()]));
        const touch = async (recordId: string, value: number): Promise<number> => {
          const editor = editors.get(recordId);
          if (!editor) throw new Error(recordId);
          const update = editor.change((doc) => doc.getMap('m').set(`k${value}`, value));
          return (await store.appendUpdate({ recordId, update })).seq;
        };
        for (const [index, recordId] of ids.entries()) expect(await touch(recordId, index)).toBe(index + 1);

        expect(await store.listChanges({ after: 0, limit: 100 })).toEqual(
          ids.map((recordId, index) => ({ recordId, seq: index + 1 })),
        );
        expect(await store.listChanges({ after: 2, limit: 3 })).toEqual([
          { recordId: 'order:330107:01', seq: 3 },
          { recordId: 'enterprise:01', seq: 4 },
          { recordId: 'worker:01', seq: 5 },
        ]);
        expect(await store.listChanges({ after: 7, limit: 100 })).toEqual([]);
        expect(await store.listChanges({ after: 0, limit: 100, prefixes: ['order:330106:'] })).toEqual([
          { recordId: 'order:330106:01', seq: 1 },
          { recordId: 'order:330106:02', seq: 2 },
          { recordId: 'order:330106:03', seq: 6 },
        ]);
        expect(
          await store.listChanges({
            after: 1,
            limit: 2,
            prefixes: ['worker:', 'order:330106:', 'enterprise:'],
          }),
        ).toEqual([
          { recordId: 'order:330106:02', seq: 2 },
          { recordId: 'enterprise:01', seq: 4 },
        ]);
        // Prefixes are plain text, not patterns.
        expect(await store.listChanges({ after: 0, limit: 100, prefixes: ['odd%'] })).toEqual([
          { recordId: 'odd%id_', seq: 7 },
        ]);
        expect(await store.listChanges({ after: 0, limit: 100, prefixes: ['o_der:'] })).toEqual([]);
        expect(await store.listChanges({ after: 0, limit: 100, prefixes: [] })).toEqual([]);

        // A record changed again moves to the end, listed once, under its new seq.
        expect(await touch('order:330106:01', 100)).toBe(8);
        const all = await store.listChanges({ after: 0, limit: 100 });
        expect(all.map((change) => change.recordId)).toEqual([...ids.slice(1), 'order:330106:01']);
        expect(all.at(-1)).toEqual({ recordId: 'order:330106:01', seq: 8 });
        expect(await store.listChanges({ after: 7, limit: 100 })).toEqual([
          { recordId: 'order:330106:01', seq: 8 },
        ]);
      }));

    test('currentSeq is the highest seq handed out', () =>
      withStore(async (store) => {
        const a = createEditor();
        const b = createEditor();
        const updateA = a.change((doc) => doc.getMap('m').set('x', 1));
        expect(await store.appendUpdate({ recordId: 'a', update: updateA })).toEqual({
          seq: 1,
          changed: true,
        });
        expect(await store.currentSeq()).toBe(1);
        await store.appendUpdate({ recordId: 'b', update: b.change((doc) => doc.getMap('m').set('x', 1)) });
        expect(await store.currentSeq()).toBe(2);
        await store.appendUpdate({ recordId: 'a', update: updateA });
        expect(await store.currentSeq()).toBe(2);
        await store.appendUpdate({ recordId: 'a', update: a.change((doc) => doc.getMap('m').set('y', 2)) });
        expect(await store.currentSeq()).toBe(3);
        expect((await store.readRecord({ recordId: 'a' }))?.seq).toBe(3);
        expect((await store.readRecord({ recordId: 'b' }))?.seq).toBe(2);
      }));

    test('compaction keeps the content, the state vector and the seq, and empties the pending updates', () =>
      withStore(async (store) => {
        const recordId = 'inspection:compact';
        const editor = createEditor();
        const appendOne = async (index: number): Promise<void> => {
          const update = editor.change((doc) => {
            doc.getMap('answers').set(`q${index}`, index);
            doc.getText('notes').insert(0, `${index};`);
            if (index % 5 === 4) doc.getText('notes').delete(0, 2);
          });
          expect((await store.appendUpdate({ recordId, update })).changed).toBe(true);
        };
        for (let index = 0; index < 10; index++) await appendOne(index);
        expect(await store.countPendingUpdates({ recordId })).toBe(10);
        const before = await store.readRecord({ recordId });
        await store.compact({ recordId });
        expect(await store.countPendingUpdates({ recordId })).toBe(0);
        const after = await store.readRecord({ recordId });
        expect(after?.seq).toBe(before?.seq);
        expect(after?.stateVector).toEqual(before?.stateVector);
        expect(Y.encodeStateAsUpdate(loadDoc(after?.update ?? new Uint8Array()))).toEqual(
          Y.encodeStateAsUpdate(editor.doc),
        );
        await store.compact({ recordId }); // nothing pending: a no-op
        await store.compact({ recordId: 'never-seen' });
        expect(await store.readRecord({ recordId: 'never-seen' })).toBeNull();

        // Many appends compact by themselves, so the pending list stays short.
        for (let index = 10; index < 110; index++) await appendOne(index);
        expect(await store.countPendingUpdates({ recordId })).toBeLessThanOrEqual(32);
        expect(await store.countPendingUpdates({ recordId })).toBeGreaterThan(0);
        const stored = await store.readRecord({ recordId });
        expect(stored?.seq).toBe(110);
        expect(stored?.stateVector).toEqual(Y.encodeStateVector(editor.doc));
        expect(Y.encodeStateAsUpdate(loadDoc(stored?.update ?? new Uint8Array()))).toEqual(
          Y.encodeStateAsUpdate(editor.doc),
        );
        // Idempotence holds across compactions too.
        for (const update of editor.updates.slice(0, 40)) {
          expect(await store.appendUpdate({ recordId, update })).toEqual({ seq: 110, changed: false });
        }
      }));

    test('replaceRecord swaps what a record holds for the given state, atomically, under a new seq', () =>
      withStore(async (store) => {
        const recordId = 'order:330106:replaced';
        const local = createEditor();
        await store.appendUpdate({
          recordId,
          update: local.change((doc) => doc.getMap('fields').set('status', 'new')),
        });
        await store.appendUpdate({
          recordId,
          update: local.change((doc) => doc.getMap('fields').set('refused', 'yes')),
        });
        const relay = createEditor();
        relay.change((doc) => doc.getMap('fields').set('status', 'assigned'));
        const relayState = Y.encodeStateAsUpdate(relay.doc);
        const before = await store.currentSeq();

        const { seq } = await store.replaceRecord({ recordId, update: relayState });
        expect(seq).toBe(before + 1);
        expect(await store.currentSeq()).toBe(seq);
        expect(await store.countPendingUpdates({ recordId })).toBe(0);
        const replaced = await store.readRecord({ recordId });
        expect(replaced?.seq).toBe(seq);
        expect(replaced?.stateVector).toEqual(Y.encodeStateVector(relay.doc));
        expect(
          loadDoc(replaced?.update ?? new Uint8Array())
            .getMap('fields')
            .toJSON(),
        ).toEqual({ status: 'assigned' });
        expect(await store.listChanges({ after: before, limit: 10 })).toEqual([{ recordId, seq }]);

        // Appends go on from the new state, and what it holds is no news.
        expect(await store.appendUpdate({ recordId, update: relayState })).toEqual({ seq, changed: false });
        const later = relay.change((doc) => doc.getMap('fields').set('note', 'later'));
        expect(await store.appendUpdate({ recordId, update: later })).toEqual({
          seq: seq + 1,
          changed: true,
        });
        expect(
          Y.encodeStateAsUpdate(loadDoc((await store.readRecord({ recordId }))?.update ?? new Uint8Array())),
        ).toEqual(Y.encodeStateAsUpdate(relay.doc));

        // A record it never had is created; an empty state is a record with nothing in it.
        const fresh = await store.replaceRecord({
          recordId: 'order:330106:fresh',
          update: Uint8Array.of(0, 0),
        });
        expect(fresh.seq).toBe(seq + 2);
        expect((await store.readRecord({ recordId: 'order:330106:fresh' }))?.stateVector).toEqual(
          Uint8Array.of(0),
        );

        // Refused input changes nothing.
        const observed = await observe(store, [recordId, 'order:330106:fresh']);
        await expectDomainError(store.replaceRecord({ recordId, update: Uint8Array.of(9, 9, 9) }), 'update');
        await expectDomainError(store.replaceRecord({ recordId: '', update: relayState }), 'recordId');
        expect(await observe(store, [recordId, 'order:330106:fresh'])).toEqual(observed);
      }));

    test('meta values are kept by key and overwritten', () =>
      withStore(async (store) => {
        expect(await store.getMeta({ key: 'cursor:hub' })).toBeNull();
        await store.setMeta({ key: 'cursor:hub', value: '42' });
        await store.setMeta({ key: 'device-key-id', value: '设备-01' });
        expect(await store.getMeta({ key: 'cursor:hub' })).toBe('42');
        await store.setMeta({ key: 'cursor:hub', value: '43' });
        expect(await store.getMeta({ key: 'cursor:hub' })).toBe('43');
        await store.setMeta({ key: 'empty', value: '' });
        expect(await store.getMeta({ key: 'empty' })).toBe('');
        expect(await store.getMeta({ key: 'device-key-id' })).toBe('设备-01');
        expect(await store.currentSeq()).toBe(0); // meta is not a record change
      }));

    // A store that is not durable (memory) has nothing to reopen: the test is not registered for it.
    if (reopen)
      test(
        'everything survives closing and reopening the store',
        async () => {
          if (!reopen) return;
          const { doc, updates } = writeSampleRecord();
          const first = await open();
          try {
            for (const update of updates) await first.appendUpdate({ recordId: 'order:persist', update });
            await first.compact({ recordId: 'order:persist' });
            const extra = createEditor();
            await first.appendUpdate({ recordId: 'order:persist', update: Y.encodeStateAsUpdate(doc) });
            await first.appendUpdate({
              recordId: 'worker:persist',
              update: extra.change((d) => d.getMap('m').set('a', 1)),
            });
            await first.setMeta({ key: 'cursor:hub', value: '7' });
          } finally {
            await first.close();
          }
          const second = await reopen();
          try {
            expect(await second.currentSeq()).toBe(updates.length + 1);
            expect(await second.getMeta({ key: 'cursor:hub' })).toBe('7');
            expect(await second.listChanges({ after: 0, limit: 10 })).toEqual([
              { recordId: 'order:persist', seq: updates.length },
              { recordId: 'worker:persist', seq: updates.length + 1 },
            ]);
            const stored = await second.readRecord({ recordId: 'order:persist' });
            expect(stored && Y.encodeStateAsUpdate(loadDoc(stored.update))).toEqual(
              Y.encodeStateAsUpdate(doc),
            );
            // And it goes on from there.
            const more = createEditor();
            expect(
              await second.appendUpdate({
                recordId: 'order:new',
                update: more.change((d) => d.getMap('m').set('b', 2)),
              }),
            ).toEqual({ seq: updates.length + 2, changed: true });
          } finally {
            await second.close();
          }
        },
        slow.timeout,
      );

    test('invalid input is refused with an error naming the field', () =>
      withStore(async (store) => {
        const update = createEditor().change((doc) => doc.getMap('m').set('a', 1));
        const call = <T>(run: () => Promise<T>): Promise<T> => {
          try {
            return run();
          } catch (error) {
            return Promise.reject(error instanceof Error ? error : new Error(String(error)));
          }
        };
        await expectDomainError(store.appendUpdate({ recordId: '', update }), 'recordId');
        await expectDomainError(store.appendUpdate({ recordId: 'x'.repeat(121), update }), 'recordId');
        await expectDomainError(
          call(() => store.appendUpdate({ recordId: 42 as unknown as string, update })),
          'recordId',
        );
        await expect(store.appendUpdate({ recordId: 'x'.repeat(120), update })).resolves.toMatchObject({
          changed: true,
        });
        await expectDomainError(store.appendUpdate({ recordId: 'r', update: new Uint8Array(0) }), 'update');
        await expectDomainError(
          call(() => store.appendUpdate({ recordId: 'r', update: [0, 0] as unknown as Uint8Array })),
          'update',
        );
        await expectDomainError(
          store.appendUpdate({ recordId: 'r', update: new Uint8Array(16 * 1024 * 1024 + 1) }),
          'update',
        );
        await expectDomainError(store.readRecord({ recordId: '' }), 'recordId');
        await expectDomainError(store.compact({ recordId: '' }), 'recordId');
        await expectDomainError(store.listChanges({ after: 0, limit: 0 }), 'limit');
        await expectDomainError(store.listChanges({ after: 0, limit: 10_001 }), 'limit');
        await expectDomainError(store.listChanges({ after: 0, limit: 1.5 }), 'limit');
        await expectDomainError(store.listChanges({ after: -1, limit: 10 }), 'after');
        await expectDomainError(store.listChanges({ after: Number.NaN, limit: 10 }), 'after');
        await expectDomainError(
          call(() => store.listChanges({ after: 0, limit: 10, prefixes: 'order:' as unknown as string[] })),
          'prefixes',
        );
        await expectDomainError(store.getMeta({ key: '' }), 'key');
        await expectDomainError(
          call(() => store.setMeta({ key: 'k', value: 5 as unknown as string })),
          'value',
        );
        expect(await store.listChanges({ after: 0, limit: 10_000 })).toHaveLength(1);
        expect(await store.currentSeq()).toBe(1);
      }));

    test('malformed bytes are refused before anything is written', () =>
      withStore(async (store) => {
        const recordId = 'order:330106:malformed';
        const editor = createEditor();
        for (let i = 0; i < 5; i++) {
          await store.appendUpdate({
            recordId,
            update: editor.change((doc) => doc.getMap('m').set(`k${i}`, i)),
          });
        }
        const before = await observe(store, [recordId, 'order:330106:new']);
        const pendingBefore = await store.countPendingUpdates({ recordId });

        const valid = editor.change((doc) => doc.getMap('m').set('late', true));
        const samples = [
          Uint8Array.of(200, 1, 2, 3), // claims 200 clients, holds none
          Uint8Array.of(1),
          valid.slice(0, valid.length - 3), // a real update cut short
          new TextEncoder().encode('{"not":"yjs"}'),
        ];
        const random = createRandom(20_240_601);
        for (let i = 0; i < 200; i++) {
          samples.push(
            Uint8Array.from({ length: 1 + Math.floor(random() * 96) }, () => Math.floor(random() * 256)),
          );
        }
        let refused = 0;
        for (const update of samples) {
          for (const id of [recordId, 'order:330106:new']) {
            try {
              await store.appendUpdate({ recordId: id, update });
            } catch (error) {
              expect(error).toMatchObject({ name: 'DomainError', field: 'update' });
              refused += 1;
            }
          }
        }
        // Random bytes are (almost) never a valid update; the fixed samples never are.
        expect(refused).toBeGreaterThanOrEqual(2 * 4 + 2 * 190);
        expect(await observe(store, [recordId, 'order:330106:new'])).toEqual(before);
        expect(await store.countPendingUpdates({ recordId })).toBe(pendingBefore);

        // The record is still whole and takes valid updates.
        expect(await store.appendUpdate({ recordId, update: valid })).toMatchObject({ changed: true });
        const stored = await store.readRecord({ recordId });
        expect(
          loadDoc(stored?.update ?? new Uint8Array())
            .getMap('m')
            .toJSON(),
        ).toEqual(editor.doc.getMap('m').toJSON());
      }));

    test(
      `many records (${manyRecords}) keep their seqs and page through listChanges`,
      () =>
        withStore(async (store) => {
          const template = createEditor();
          template.change((doc) => {
            doc.getMap('fields').set('status', 'new');
            doc.getText('notes').insert(0, '家政服务');
          });
          const update = Y.encodeStateAsUpdate(template.doc);
          const ids = Array.from({ length: manyRecords }, (_, index) =>
            index % 4 === 0
              ? `enterprise:${String(index).padStart(6, '0')}`
              : `order:330106:${String(index).padStart(6, '0')}`,
          );
          // A few appends in flight at once, as a busy hub has; each record still gets its own seq.
          const width = 8;
          for (let start = 0; start < ids.length; start += width) {
            const results = await Promise.all(
              ids.slice(start, start + width).map((recordId) => store.appendUpdate({ recordId, update })),
            );
            for (const result of results) expect(result.changed).toBe(true);
          }
          expect(await store.currentSeq()).toBe(manyRecords);

          const seen: Array<{ recordId: string; seq: number }> = [];
          let after = 0;
          for (;;) {
            const page = await store.listChanges({ after, limit: 300 });
            if (page.length === 0) break;
            seen.push(...page);
            after = page[page.length - 1]?.seq ?? after;
          }
          expect(seen.map((change) => change.seq)).toEqual(ids.map((_, index) => index + 1));
          expect(new Set(seen.map((change) => change.recordId))).toEqual(new Set(ids));
          const enterprises = await store.listChanges({ after: 0, limit: 10_000, prefixes: ['enterprise:'] });
          expect(enterprises).toHaveLength(Math.ceil(manyRecords / 4));
          // Appends in flight together may take their seqs in any order among themselves.
          const last = seen[seen.length - 1];
          const sample = await store.readRecord({ recordId: last?.recordId ?? '' });
          expect(sample?.seq).toBe(manyRecords);
          expect(
            loadDoc(sample?.update ?? new Uint8Array())
              .getText('notes')
              .toJSON(),
          ).toBe('家政服务');
        }),
      slow.timeout,
    );

    test(
      'concurrent appends to one record (Promise.all) lose no update',
      () =>
        withStore(async (store) => {
          const recordId = 'order:330106:concurrent';
          const editors = [createEditor(), createEditor(), createEditor()];
          const updates: Uint8Array[] = [];
          for (let i = 0; i < 75; i++) {
            const editor = editors[i % editors.length];
            if (!editor) throw new Error('unreachable');
            updates.push(
              editor.change((doc) => {
                doc.getMap('m').set(`k${i}`, i);
                doc.getArray('log').push([i]);
              }),
            );
          }
          // The first appends also race to create the record.
          const results = await Promise.all(
            shuffle(updates, createRandom(7)).map((update) => store.appendUpdate({ recordId, update })),
          );
          expect(results.every((result) => result.changed)).toBe(true);
          expect(new Set(results.map((result) => result.seq)).size).toBe(updates.length);
          expect(await store.currentSeq()).toBe(updates.length);

          const expected = new Y.Doc();
          for (const update of updates) Y.applyUpdate(expected, update);
          const stored = await store.readRecord({ recordId });
          expect(stored?.seq).toBe(updates.length);
          expect(stored?.stateVector).toEqual(Y.encodeStateVector(expected));
          const loaded = loadDoc(stored?.update ?? new Uint8Array());
          expect(Object.keys(loaded.getMap('m').toJSON())).toHaveLength(updates.length);
          expect(Y.encodeStateAsUpdate(loaded)).toEqual(Y.encodeStateAsUpdate(expected));

          // And the same updates again, concurrently: all no-ops.
          const again = await Promise.all(updates.map((update) => store.appendUpdate({ recordId, update })));
          expect(again.every((result) => !result.changed && result.seq === updates.length)).toBe(true);
        }),
      slow.timeout,
    );

    test('a closed store refuses further calls', async () => {
      const store = await open();
      await store.close();
      await expect(store.currentSeq()).rejects.toThrow();
    });
  });
}
