import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import * as Y from 'yjs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { MemoryRecordStore } from '../adapters/storage/memory-record-store';
import { createId } from '../domain';
import { loadRecordDoc } from '../records/record-doc';
import { readRecordSnapshot } from '../records/record-state';
import { buildDirectory, createTestDevice, directoryId, type TestDevice } from '../records/test-support';
import { HomeService } from '../replica/home-service';
import { proposeToStore } from '../replica/local-writes';
import { Projector, type ProjectionDatabase } from './projector';
import { projectStates, readProjectionTables } from './test-support';

// Closings signed by real device keys, decided by a real home against a real directory, projected into a
// real PGlite round after round; a rebuild from seq 0 must give back the same rows.
let pglite: PGlite;
let db: ProjectionDatabase;
let store: MemoryRecordStore;
let home: HomeService;
let appliance: TestDevice;
let supervisor: TestDevice;
let foreign: TestDevice;
/** December 2026, China time: every day of November is over. */
const december = Date.UTC(2026, 11, 2, 1);

beforeAll(async () => {
  pglite = new PGlite();
  db = drizzle({ client: pglite });
  store = await MemoryRecordStore.open();
  const hub = await createTestDevice({ deviceId: 'hub-1', userId: 'hub', role: 'system', countyCode: null });
  appliance = await createTestDevice({
    deviceId: 'appliance-330106-1',
    userId: 'appliance-330106',
    role: 'system',
    countyCode: '330106',
  });
  supervisor = await createTestDevice({
    deviceId: 'pwa-sv-1',
    userId: 'sv-330106',
    role: 'supervisor',
    countyCode: '330106',
  });
  foreign = await createTestDevice({
    deviceId: 'appliance-330105-1',
    userId: 'appliance-330105',
    role: 'system',
    countyCode: '330105',
  });
  const directory = await buildDirectory({ hub, devices: [appliance, supervisor, foreign] });
  await store.appendUpdate({ recordId: directoryId, update: Y.encodeStateAsUpdate(directory.doc) });
  home = new HomeService({
    store,
    directoryId,
    selfDeviceId: appliance.deviceId,
    publish: ({ recordId, update }) => store.appendUpdate({ recordId, update }),
  });
}, 60_000);

afterAll(async () => {
  await pglite.close();
}, 30_000);

const figures = (n: number) => ({
  calls: {
    offered: 100 + n,
    answered: 90 + n,
    answeredWithin15s: 80,
    abandoned: 6,
    handleSecondsTotal: 9_000 + n,
  },
  orders: { received: 30, information: 10, dispatched: 18, completed: 15 },
});

async function propose(options: {
  device: TestDevice;
  recordId: string;
  type: string;
  payload: unknown;
  at: number;
}): Promise<void> {
  await proposeToStore({
    store,
    recordId: options.recordId,
    device: options.device,
    actor: options.device.actor,
    type: options.type,
    payload: options.payload,
    at: options.at,
  });
  await home.sequence({ recordId: options.recordId });
}

function closePayload(recordId: string, day: number, n: number) {
  return {
    closingId: recordId,
    countyCode: '330106',
    period: { kind: 'day', start: `2026-11-${String(day).padStart(2, '0')}` },
    ...figures(n),
    closedBy: 'sv-330106',
  };
}

async function readStates(): Promise<Map<string, unknown>> {
  const states = new Map<string, unknown>();
  for (const change of await store.listChanges({ after: 0, limit: 1000 })) {
    const record = await store.readRecord({ recordId: change.recordId });
    if (!record) continue;
    const doc = loadRecordDoc({ recordId: change.recordId, update: record.update });
    states.set(change.recordId, readRecordSnapshot({ doc, recordId: change.recordId }).state);
    doc.destroy();
  }
  return states;
}

test('closings project as they are closed, reopened and closed again; a rebuild equals the incremental tables', async () => {
  const projector = new Projector({ db, store, batchSize: 3 });
  await projector.migrate();
  const ids = Array.from({ length: 6 }, () => `closing:330106:${createId()}`);
  const forgedId = `closing:330106:${createId()}`;

  // Round 1: six days closed by the appliance; another county's appliance trying to close one of ours.
  for (const [i, recordId] of ids.entries())
    await propose({
      device: appliance,
      recordId,
      type: 'closePeriod',
      payload: closePayload(recordId, i + 1, i),
      at: december + i,
    });
  await propose({
    device: foreign,
    recordId: forgedId,
    type: 'closePeriod',
    payload: closePayload(forgedId, 20, 0),
    at: december,
  });
  const first = await projector.catchUp();
  expect(first.records).toBe(1 + ids.length + 1); // the directory too
  let tables = await readProjectionTables({ db });
  expect(tables.closings.map((c) => c.recordId)).toEqual([...ids].sort());
  expect(tables).toEqual(projectStates({ states: await readStates() }));

  // Round 2: the supervisor reopens two; round 3: one of them closes again with new figures.
  for (const recordId of ids.slice(0, 2))
    await propose({
      device: supervisor,
      recordId,
      type: 'reopenPeriod',
      payload: { reason: '补录' },
      at: december + 100,
    });
  expect((await projector.catchUp()).records).toBe(2);
  tables = await readProjectionTables({ db });
  expect(tables.closings.filter((c) => c.status === 'reopened')).toHaveLength(2);
  const reclosed = ids[0] ?? '';
  await propose({
    device: supervisor,
    recordId: reclosed,
    type: 'closePeriod',
    payload: closePayload(reclosed, 1, 50),
    at: december + 200,
  });
  expect((await projector.catchUp()).records).toBe(1);
  tables = await readProjectionTables({ db });
  expect(tables.closings.find((c) => c.recordId === reclosed)).toMatchObject({
    status: 'closed',
    periodKind: 'day',
    periodStart: '2026-11-01',
    callsOffered: 150,
    callsAnswered: 140,
    callsAnsweredWithin15s: 80,
    callsAbandoned: 6,
    handleSecondsTotal: 9_050,
    callbacks: null,
    ordersReceived: 30,
    closedBy: 'sv-330106',
    closedAt: december + 200,
    reopenCount: 1,
  });
  expect(tables).toEqual(projectStates({ states: await readStates() }));

  const rebuilt = await projector.rebuild();
  expect(rebuilt.consumedSeq).toBe(await store.currentSeq());
  expect(await readProjectionTables({ db })).toEqual(tables);
}, 120_000);
