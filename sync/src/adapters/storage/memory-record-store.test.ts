import * as Y from 'yjs';
import { expect, test } from 'vitest';
import { describeRecordStoreContract } from '../../ports/record-store.contract';
import { MemoryRecordStore } from './memory-record-store';
import { mergeRecordUpdates, planAppend } from './record-bytes';

describeRecordStoreContract({ name: 'memory', open: () => MemoryRecordStore.open() });

function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

test('appends decided from the state vector agree with merging, whatever order and repeats', async () => {
  for (let seed = 1; seed <= 40; seed++) {
    const random = createRandom(seed);
    // Three writers editing one record; every update is kept, plus merges of some of them.
    const docs = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
    const updates: Uint8Array[] = [];
    for (const doc of docs) doc.on('update', (update: Uint8Array) => updates.push(update));
    for (let step = 0; step < 30; step++) {
      const doc = docs[Math.floor(random() * docs.length)] ?? new Y.Doc();
      const text = doc.getText('notes');
      if (random() < 0.3 && text.length > 2) text.delete(Math.floor(random() * (text.length - 1)), 1);
      else if (random() < 0.5) doc.getMap('fields').set(`k${Math.floor(random() * 4)}`, step);
      else text.insert(Math.floor(random() * (text.length + 1)), `${step};`);
      if (random() < 0.3) {
        const other = docs[Math.floor(random() * docs.length)] ?? doc;
        Y.applyUpdate(other, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(other)));
      }
    }
    for (let i = 0; i < 5; i++) {
      const from = Math.floor(random() * updates.length);
      updates.push(mergeRecordUpdates({ updates: updates.slice(from, from + 1 + Math.floor(random() * 5)) }));
    }
    const order = [...updates, ...updates.slice(0, 10)].sort(() => random() - 0.5);

    const store = await MemoryRecordStore.open();
    const recordId = `inspection:seed-${seed}`;
    const held: Uint8Array[] = [];
    for (const [index, update] of order.entries()) {
      const expected = planAppend({
        stored: held.length === 0 ? null : held,
        update,
        decoded: Y.decodeUpdate(update),
      });
      const { changed } = await store.appendUpdate({ recordId, update });
      expect(changed, `seed ${seed}, append ${index}`).toBe(expected.changed);
      if (changed) held.push(update);
      if (random() < 0.2) {
        const stored = await store.readRecord({ recordId });
        expect(stored?.stateVector).toEqual(expected.stateVector);
      }
    }
    const stored = await store.readRecord({ recordId });
    const whole = new Y.Doc();
    for (const update of updates) Y.applyUpdate(whole, update);
    expect(stored?.stateVector).toEqual(Y.encodeStateVector(whole));
    const doc = new Y.Doc();
    Y.applyUpdate(doc, stored?.update ?? Uint8Array.of(0, 0));
    expect(doc.getText('notes').toJSON()).toBe(whole.getText('notes').toJSON());
    expect(doc.getMap('fields').toJSON()).toEqual(whole.getMap('fields').toJSON());
  }
});
