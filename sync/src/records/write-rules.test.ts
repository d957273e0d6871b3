import * as Y from 'yjs';
import { expect, test } from 'vitest';
import { createId } from '../domain';
import { sequenceRecord } from './home-sequencer';
import { proposeCommand } from './propose';
import { fieldsOf, logOf, proposalsOf } from './record-doc';
import { buildDirectory, createTestDevice, emptyRegistry, t0 } from './test-support';
import {
  checkRecordWrite,
  checkRecordWriteByComparing,
  type WriteCheck,
  type WriteRights,
} from './write-rules';

const messageOf = (check: WriteCheck): string => (check.ok ? 'accepted' : check.message);

const peer: WriteRights = { isHome: false, mayPropose: true, mayEditFields: true };
const home: WriteRights = { isHome: true, mayPropose: true, mayEditFields: true };
const reader: WriteRights = { isHome: false, mayPropose: false, mayEditFields: false };

async function fixture() {
  const hub = await createTestDevice({ deviceId: 'hub', userId: 'hub', role: 'system', countyCode: null });
  const seat = await createTestDevice({
    deviceId: 'seat',
    userId: 'ct',
    role: 'call_taker',
    countyCode: '330106',
  });
  const { state: directory } = await buildDirectory({ hub, devices: [seat] });
  const id = `order:330106:${createId()}`;
  const doc = new Y.Doc({ guid: id });
  await proposeCommand({
    doc,
    recordId: id,
    device: seat,
    actor: seat.actor,
    type: 'cancel',
    payload: { reason: 'x' },
    at: t0,
  });
  await sequenceRecord({ doc, recordId: id, directory, registry: emptyRegistry });
  return { id, doc, seat, current: Y.encodeStateAsUpdate(doc) };
}

/** An update made by a replica that started from `current`. */
function edit(id: string, current: Uint8Array, change: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc({ guid: id });
  Y.applyUpdate(doc, current);
  const sv = Y.encodeStateVector(doc);
  change(doc);
  return Y.encodeStateAsUpdate(doc, sv);
}

test('a peer may append proposals and edit fields; a reader may not', async () => {
  const { id, doc, seat, current } = await fixture();
  const sv = Y.encodeStateVector(doc);
  await proposeCommand({
    doc,
    recordId: id,
    device: seat,
    actor: seat.actor,
    type: 'cancel',
    payload: { reason: 'y' },
    at: t0 + 1,
  });
  const update = Y.encodeStateAsUpdate(doc, sv);
  expect(checkRecordWrite({ recordId: id, current, update, rights: peer })).toEqual({ ok: true });
  expect(checkRecordWrite({ recordId: id, current, update, rights: reader })).toMatchObject({
    ok: false,
    code: 'forbidden',
  });
  const note = edit(id, current, (d) => fieldsOf(d).set('note', '备注'));
  expect(checkRecordWrite({ recordId: id, current, update: note, rights: peer }).ok).toBe(true);
  expect(messageOf(checkRecordWrite({ recordId: id, current, update: note, rights: reader }))).toMatch(
    /fields/,
  );
});

test('only the home writes the log, and nobody rewrites history', async () => {
  const { id, current } = await fixture();
  const forged = edit(id, current, (d) => logOf(d).push([new Uint8Array([1, 2, 3])]));
  expect(messageOf(checkRecordWrite({ recordId: id, current, update: forged, rights: peer }))).toMatch(
    /only the home/,
  );
  expect(checkRecordWrite({ recordId: id, current, update: forged, rights: home })).toMatchObject({
    ok: false,
    code: 'malformed',
  });
  const erase = edit(id, current, (d) => logOf(d).delete(0, 1));
  expect(messageOf(checkRecordWrite({ recordId: id, current, update: erase, rights: home }))).toMatch(
    /may not be removed/,
  );
  const unpropose = edit(id, current, (d) => proposalsOf(d).delete(0, 1));
  expect(messageOf(checkRecordWrite({ recordId: id, current, update: unpropose, rights: home }))).toMatch(
    /proposals may not be removed/,
  );
  const junk = edit(id, current, (d) => proposalsOf(d).push([new Uint8Array(10)]));
  expect(checkRecordWrite({ recordId: id, current, update: junk, rights: peer })).toMatchObject({
    ok: false,
    code: 'malformed',
  });
  const extra = edit(id, current, (d) => d.getMap('evil').set('x', 1));
  expect(messageOf(checkRecordWrite({ recordId: id, current, update: extra, rights: home }))).toMatch(
    /unknown top-level field evil/,
  );
  expect(
    checkRecordWrite({ recordId: id, current, update: new Uint8Array([255, 1, 2]), rights: home }),
  ).toMatchObject({ ok: false, code: 'malformed' });
  expect(checkRecordWrite({ recordId: id, current: null, update: current, rights: home })).toEqual({
    ok: true,
  });
});

test('the quick check decides every write as the entry-by-entry comparison does', async () => {
  const { id, doc, seat, current } = await fixture();
  const proposal = async (d: Y.Doc, reason: string): Promise<void> => {
    await proposeCommand({
      doc: d,
      recordId: id,
      device: seat,
      actor: seat.actor,
      type: 'cancel',
      payload: { reason },
      at: t0 + 5,
    });
  };
  const signed = new Y.Doc({ guid: id });
  Y.applyUpdate(signed, current);
  const before = Y.encodeStateVector(signed);
  await proposal(signed, 'again');
  const newProposal = Y.encodeStateAsUpdate(signed, before);
  const entry = (logOf(doc).get(0) as Uint8Array | undefined) ?? new Uint8Array();
  const withNote = edit(id, current, (d) => fieldsOf(d).set('note', 'a'));
  const afterNote = Y.mergeUpdates([current, withNote]);

  const samples: Array<[string, Uint8Array | null, Uint8Array]> = [
    ['new record', null, current],
    ['a new proposal', current, newProposal],
    ['a proposal re-sent with a new one', current, Y.encodeStateAsUpdate(signed)],
    ['a field set', current, withNote],
    ['a field overwritten', afterNote, edit(id, afterNote, (d) => fieldsOf(d).set('note', 'b'))],
    ['a field deleted', afterNote, edit(id, afterNote, (d) => fieldsOf(d).delete('note'))],
    ['a text typed', current, edit(id, current, (d) => fieldsOf(d).set('text', new Y.Text('hi')))],
    ['a log entry appended', current, edit(id, current, (d) => logOf(d).push([entry]))],
    ['a log entry inserted first', current, edit(id, current, (d) => logOf(d).insert(0, [entry]))],
    ['a junk log entry', current, edit(id, current, (d) => logOf(d).push([new Uint8Array(4)]))],
    ['a log entry as a number', current, edit(id, current, (d) => logOf(d).push([7 as never]))],
    ['a log entry removed', current, edit(id, current, (d) => logOf(d).delete(0, 1))],
    ['a proposal removed', current, edit(id, current, (d) => proposalsOf(d).delete(0, 1))],
    ['a junk proposal', current, edit(id, current, (d) => proposalsOf(d).push([new Uint8Array(9)]))],
    ['a nested map proposal', current, edit(id, current, (d) => proposalsOf(d).push([new Y.Map() as never]))],
    ['an unknown root', current, edit(id, current, (d) => d.getMap('evil').set('x', 1))],
    ['garbage', current, new Uint8Array([255, 1, 2])],
    [
      'a proposal removed and put back',
      current,
      edit(id, current, (d) => {
        const first = proposalsOf(d).get(0);
        proposalsOf(d).delete(0, 1);
        proposalsOf(d).push([first]);
      }),
    ],
    [
      'a proposal added and removed',
      current,
      edit(id, current, (d) => {
        proposalsOf(d).push([new Uint8Array(3)]);
        proposalsOf(d).delete(proposalsOf(d).length - 1, 1);
      }),
    ],
  ];
  const rightsSets: WriteRights[] = [
    peer,
    home,
    reader,
    { isHome: true, mayPropose: false, mayEditFields: false },
  ];
  let accepted = 0;
  for (const [name, stored, update] of samples) {
    for (const rights of rightsSets) {
      const quick = checkRecordWrite({ recordId: id, current: stored, update, rights });
      const full = checkRecordWriteByComparing({ recordId: id, current: stored, update, rights });
      expect(quick, `${name} with ${JSON.stringify(rights)}`).toEqual(full);
      if (quick.ok) accepted += 1;
    }
  }
  expect(accepted).toBeGreaterThan(10);
});
