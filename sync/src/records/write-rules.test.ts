import * as Y from 'yjs';
import { expect, test } from 'vitest';
import { createId } from '../domain';
import { sequenceRecord } from './home-sequencer';
import { proposeCommand } from './propose';
import { fieldsOf, logOf, proposalsOf } from './record-doc';
import { buildDirectory, createTestDevice, emptyRegistry, t0 } from './test-support';
import { checkRecordWrite, type WriteCheck, type WriteRights } from './write-rules';

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
