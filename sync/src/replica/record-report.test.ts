import * as Y from 'yjs';
import { expect, test } from 'vitest';
import { MemoryRecordStore } from '../adapters/storage/memory-record-store';
import { createId } from '../domain';
import { sequenceRecord } from '../records/home-sequencer';
import { logOf } from '../records/record-doc';
import { buildDirectory, createTestDevice, emptyRegistry, t0 } from '../records/test-support';
import { proposeToStore } from './local-writes';
import { reportStoredRecord } from './record-report';

test('reports the accepted state, each proposal’s decision and the raw log, duplicates included', async () => {
  const hub = await createTestDevice({ deviceId: 'hub-1', userId: 'hub', role: 'system', countyCode: null });
  const seat = await createTestDevice({
    deviceId: 'pwa-1',
    userId: 'ct-1',
    role: 'call_taker',
    countyCode: '330106',
  });
  const { state: directory } = await buildDirectory({ hub, devices: [seat] });
  const store = await MemoryRecordStore.open();
  const recordId = `order:330106:${createId({ now: t0 })}`;
  const propose = (type: string, payload: unknown, at: number) =>
    proposeToStore({ store, recordId, device: seat, actor: seat.actor, type, payload, at });
  await propose(
    'receive',
    {
      orderId: recordId,
      channel: 'call',
      citizenPhone: '+8613812345678',
      citizenName: '市民',
      itemCode: 'FAM-CLEANING',
      urgency: 'normal',
      address: '',
      wantedAt: null,
      durationMinutes: null,
      notes: '',
    },
    t0,
  );
  const bad = await propose('dispatch', { enterpriseId: 'e9' }, t0 + 1);

  expect(await reportStoredRecord({ store, recordId: `order:330106:${createId()}` })).toBeNull();
  expect(await reportStoredRecord({ store, recordId })).toMatchObject({
    pending: 2,
    logLength: 0,
    accepted: null,
  });

  const stored = await store.readRecord({ recordId });
  const doc = new Y.Doc({ guid: recordId });
  Y.applyUpdate(doc, stored?.update ?? new Uint8Array());
  const { update } = await sequenceRecord({ doc, recordId, directory, registry: emptyRegistry });
  await store.appendUpdate({ recordId, update });
  const report = await reportStoredRecord({ store, recordId });
  expect(report).toMatchObject({ kind: 'order', pending: 0, logLength: 2, accepted: { status: 'received' } });
  expect(report?.proposals.map((p) => [p.type, p.decision])).toEqual([
    ['receive', 'accepted'],
    ['dispatch', 'rejected'],
  ]);
  expect(report?.log[1]).toMatchObject({ proposalId: bad.proposalId, outcome: 'rejected' });

  // A second home deciding again would show as a duplicate in the raw log.
  const again = logOf(doc).get(0);
  const before = Y.encodeStateVector(doc);
  logOf(doc).push([again]);
  await store.appendUpdate({ recordId, update: Y.encodeStateAsUpdate(doc, before) });
  expect((await reportStoredRecord({ store, recordId }))?.logLength).toBe(3);
});
