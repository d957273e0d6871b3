import { createId, findCatalogueItemFacts } from '@jiazheng/sync/domain';
import {
  exportPublicKey,
  generateDeviceKeys,
  loadRecordDoc,
  proposeCommand,
  sequenceRecord,
  type SigningDevice,
} from '@jiazheng/sync/records';
import { HomeService } from '@jiazheng/sync/replica';
import type { RecordStore } from '@jiazheng/sync/storage';
import { DexieRecordStore } from '@jiazheng/sync/storage/dexie';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { get } from 'svelte/store';
import { afterEach, describe, expect, test } from 'vitest';
import type { DeviceEnrolment } from '../api/types';
import type { ConsoleDb } from '../db/console-db';
import { testDb } from '../test-support';
import { OrderBook, type DemandInput } from './order-book';

const county = '330106';

type Key = SigningDevice & { publicKey: string };

async function makeKey(deviceId: string): Promise<Key> {
  const keys = await generateDeviceKeys({ extractable: false });
  return { deviceId, privateKey: keys.privateKey, publicKey: await exportPublicKey({ key: keys.publicKey }) };
}

/** The directory as the hub makes it (its own key trusted), enrolling the seat's browser as a call-taker. */
async function directoryListing(options: {
  hub: Key;
  seat: Key;
}): Promise<{ id: string; updates: Uint8Array[] }> {
  const id = `directory:hub:${createId()}`;
  const doc = loadRecordDoc({ recordId: id, update: null });
  const actor = { userId: 'hub', role: 'system' };
  let at = Date.now();
  const updates: Uint8Array[] = [];
  const propose = async (type: string, payload: unknown) => {
    const { update } = await proposeCommand({
      doc,
      recordId: id,
      device: options.hub,
      actor,
      type,
      payload,
      at: at++,
    });
    updates.push(update);
  };
  await propose('createDirectory', { directoryId: id });
  await propose('registerUser', { userId: 'ct-li', name: '李', role: 'call_taker', countyCode: county });
  await propose('enrolDevice', {
    deviceId: options.seat.deviceId,
    kind: 'pwa',
    publicKey: options.seat.publicKey,
    userId: 'ct-li',
  });
  const decided = await sequenceRecord({
    doc,
    recordId: id,
    directory: null,
    registry: {
      findItem: findCatalogueItemFacts,
      findEnterprise: () => undefined,
      findWorker: () => undefined,
    },
    trusted: [
      {
        deviceId: options.hub.deviceId,
        publicKey: options.hub.publicKey,
        userId: 'hub',
        role: 'system',
        countyCode: null,
      },
    ],
  });
  updates.push(decided.update);
  doc.destroy();
  return { id, updates };
}

/**
 * A seat's browser (Dexie on fake-indexeddb, the real OrderBook) and its county appliance (a HomeService
 * over a memory store), joined by a hand-cranked sync: `deliver` carries one record each way.
 */
async function setUp(): Promise<{
  book: OrderBook;
  db: ConsoleDb;
  store: RecordStore;
  changed: string[];
  deliver: (recordId: string) => Promise<void>;
  reopen: () => Promise<OrderBook>;
}> {
  const hub = await makeKey('hub-1');
  const seat = await makeKey('pwa-seat-li');
  const directory = await directoryListing({ hub, seat });
  const homeStore = await MemoryRecordStore.open();
  for (const update of directory.updates) await homeStore.appendUpdate({ recordId: directory.id, update });
  const home = new HomeService({
    store: homeStore,
    publish: ({ recordId, update }) => homeStore.appendUpdate({ recordId, update }),
    directoryId: directory.id,
    selfDeviceId: 'appliance-330106',
  });
  const store = await DexieRecordStore.open({
    name: `records-${createId()}`,
    indexedDB: new IDBFactory(),
    IDBKeyRange,
  });
  opened.push(store);
  const db = testDb();
  const enrolment: DeviceEnrolment = {
    deviceId: seat.deviceId,
    userId: 'ct-li',
    role: 'call_taker',
    countyCode: county,
    directoryId: directory.id,
  };
  const changed: string[] = [];
  const makeBook = async (): Promise<OrderBook> => {
    const made = new OrderBook({
      store,
      device: seat,
      enrolment,
      onLocalChange: ({ recordId }) => changed.push(recordId),
      dismissed: async () => new Set((await db.dismissedConflicts.toArray()).map((row) => row.proposalId)),
    });
    await made.load();
    return made;
  };
  const book = await makeBook();
  const deliver = async (recordId: string): Promise<void> => {
    const mine = await store.readRecord({ recordId });
    if (mine === null || mine === undefined) throw new Error(`nothing to deliver for ${recordId}`);
    await homeStore.appendUpdate({ recordId, update: mine.update });
    await home.sequence({ recordId });
    const decided = await homeStore.readRecord({ recordId });
    if (decided === null || decided === undefined) throw new Error(`the home lost ${recordId}`);
    await store.appendUpdate({ recordId, update: decided.update });
    await book.refresh({ recordId });
  };
  return { book, db, store, changed, deliver, reopen: makeBook };
}

const opened: DexieRecordStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

const demand: DemandInput = {
  channel: 'call',
  citizenPhone: '+8613812345678',
  citizenName: '王女士',
  itemCode: 'FAM-CLEANING',
  urgency: 'normal',
  address: '西湖区文三路 1 号',
  wantedAt: null,
  durationMinutes: 120,
  notes: '周末上门',
};

describe('OrderBook (IndexedDB records, decided by a home)', () => {
  test('a received order shows at once, pending, until the home accepts it', async () => {
    const { book, changed, deliver } = await setUp();
    expect(get(book.state)).toMatchObject({ loaded: true, orders: [], pending: 0, conflicts: [] });

    const recordId = await book.receive({ demand });
    expect(recordId).toMatch(/^order:330106:[0-9A-Z]{26}$/);
    expect(changed).toEqual([recordId]);
    let state = get(book.state);
    expect(state.pending).toBe(1);
    expect(state.orders).toHaveLength(1);
    expect(state.orders[0]).toMatchObject({
      recordId,
      accepted: false,
      state: { status: 'received', citizenName: '王女士', itemCode: 'FAM-CLEANING' },
      pending: [{ type: 'receive' }],
    });

    await deliver(recordId);
    state = get(book.state);
    expect(state.pending).toBe(0);
    expect(state.conflicts).toEqual([]);
    expect(book.order({ recordId })).toMatchObject({
      accepted: true,
      pending: [],
      state: { status: 'received' },
    });
  });

  test('a proposal the home refuses (dispatch to an unknown enterprise) becomes a conflict with its reason', async () => {
    const { book, deliver } = await setUp();
    const recordId = await book.receive({ demand });
    await book.propose({ recordId, type: 'awaitDispatch', payload: {} });
    const unknown = `enterprise:hub:${createId()}`;
    const proposalId = await book.propose({ recordId, type: 'dispatch', payload: { enterpriseId: unknown } });
    // Before the home decides, the view runs the proposals optimistically: dispatched, three pending.
    expect(book.order({ recordId })?.state?.status).toBe('dispatched');
    expect(get(book.state).pending).toBe(3);

    await deliver(recordId);
    const state = get(book.state);
    expect(state.pending).toBe(0);
    expect(book.order({ recordId })?.state?.status).toBe('awaiting_dispatch');
    expect(state.conflicts).toHaveLength(1);
    expect(state.conflicts[0]).toMatchObject({
      recordId,
      proposalId,
      type: 'dispatch',
      payload: { enterpriseId: unknown },
      code: 'not_found',
      field: 'payload.enterpriseId',
    });
    expect(state.conflicts[0]?.message).toContain(unknown);
  });

  test('forgetConflicts hides a dismissed conflict, also after a reload; others stay', async () => {
    const { book, db, deliver, reopen } = await setUp();
    const first = await book.receive({ demand });
    const second = await book.receive({ demand: { ...demand, citizenName: '赵先生' } });
    for (const recordId of [first, second]) {
      await book.propose({ recordId, type: 'awaitDispatch', payload: {} });
      await book.propose({
        recordId,
        type: 'dispatch',
        payload: { enterpriseId: `enterprise:hub:${createId()}` },
      });
      await deliver(recordId);
    }
    const conflicts = get(book.state).conflicts;
    expect(conflicts).toHaveLength(2);
    const dismissed = conflicts.find((c) => c.recordId === first);
    if (dismissed === undefined) throw new Error('no conflict on the first order');

    await db.dismissedConflicts.put({ proposalId: dismissed.proposalId, at: new Date().toISOString() });
    // Until told, the book still shows it: the list it holds is what it last read.
    expect(get(book.state).conflicts).toHaveLength(2);
    await book.forgetConflicts();
    expect(get(book.state).conflicts.map((c) => c.recordId)).toEqual([second]);
    // The order keeps its own history: only the desk's list forgets.
    expect(book.order({ recordId: first })?.conflicts).toHaveLength(1);

    const reloaded = await reopen();
    expect(get(reloaded.state).conflicts.map((c) => c.recordId)).toEqual([second]);
    expect(get(reloaded.state).orders).toHaveLength(2);
  });

  test('redoing a refused command is a new proposal on the same record, decided afresh', async () => {
    const { book, deliver } = await setUp();
    const recordId = await book.receive({ demand });
    await book.propose({ recordId, type: 'awaitDispatch', payload: {} });
    await book.propose({ recordId, type: 'cancel', payload: { reason: '市民改期' } });
    await deliver(recordId);
    expect(book.order({ recordId })?.state?.status).toBe('cancelled');
    // A second cancel of a cancelled order is refused: the transition table, not a lookup, says so.
    const again = await book.propose({ recordId, type: 'cancel', payload: { reason: '重复' } });
    await deliver(recordId);
    expect(get(book.state).conflicts).toMatchObject([
      { proposalId: again, type: 'cancel', code: 'invalid_transition' },
    ]);
  });
});
