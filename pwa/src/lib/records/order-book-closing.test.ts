import { createId, findCatalogueItemFacts, type ClosingState } from '@jiazheng/sync/domain';
import {
  exportPublicKey,
  generateDeviceKeys,
  loadRecordDoc,
  proposeCommand,
  sequenceRecord,
  type SigningDevice,
} from '@jiazheng/sync/records';
import { HomeService, proposeToStore, viewStoredRecord } from '@jiazheng/sync/replica';
import { DexieRecordStore } from '@jiazheng/sync/storage/dexie';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, expect, test } from 'vitest';
import { OrderBook } from './order-book';

// Reopening a closed period from the console: the book's proposal on a closing record, decided by a real
// HomeService (the appliance's part) over the directory the hub makes, carried by a hand-cranked sync.

const county = '330106';
type Key = SigningDevice & { publicKey: string };

async function makeKey(deviceId: string): Promise<Key> {
  const keys = await generateDeviceKeys({ extractable: false });
  return { deviceId, privateKey: keys.privateKey, publicKey: await exportPublicKey({ key: keys.publicKey }) };
}

type Person = { key: Key; userId: string; role: string; kind: 'pwa' | 'appliance' };

async function directoryOf(options: {
  hub: Key;
  people: Person[];
}): Promise<{ id: string; updates: Uint8Array[] }> {
  const id = `directory:hub:${createId()}`;
  const doc = loadRecordDoc({ recordId: id, update: null });
  let at = Date.UTC(2026, 10, 1);
  const updates: Uint8Array[] = [];
  const propose = async (type: string, payload: unknown) => {
    const { update } = await proposeCommand({
      doc,
      recordId: id,
      device: options.hub,
      actor: { userId: 'hub', role: 'system' },
      type,
      payload,
      at: at++,
    });
    updates.push(update);
  };
  await propose('createDirectory', { directoryId: id });
  for (const p of options.people) {
    await propose('registerUser', { userId: p.userId, name: p.userId, role: p.role, countyCode: county });
    await propose('enrolDevice', {
      deviceId: p.key.deviceId,
      kind: p.kind,
      publicKey: p.key.publicKey,
      userId: p.userId,
    });
  }
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

const opened: DexieRecordStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

/** 28 November closed by the appliance (its system user, for the supervisor); two consoles' books. */
async function setUp() {
  const hub = await makeKey('hub-1');
  const appliance = await makeKey(`appliance-${county}-1`);
  const lead = await makeKey('pwa-lead-1');
  const seat = await makeKey('pwa-seat1-1');
  const directory = await directoryOf({
    hub,
    people: [
      { key: appliance, userId: `appliance-${county}`, role: 'system', kind: 'appliance' },
      { key: lead, userId: `${county}-lead`, role: 'supervisor', kind: 'pwa' },
      { key: seat, userId: `${county}-seat1`, role: 'call_taker', kind: 'pwa' },
    ],
  });
  const homeStore = await MemoryRecordStore.open();
  for (const update of directory.updates) await homeStore.appendUpdate({ recordId: directory.id, update });
  const home = new HomeService({
    store: homeStore,
    publish: ({ recordId, update }) => homeStore.appendUpdate({ recordId, update }),
    directoryId: directory.id,
    selfDeviceId: appliance.deviceId,
  });
  const closingId = `closing:${county}:${createId()}`;
  const closedAt = Date.parse('2026-11-29T10:00:00+08:00');
  await proposeToStore({
    store: homeStore,
    recordId: closingId,
    device: appliance,
    actor: { userId: `appliance-${county}`, role: 'system' },
    type: 'closePeriod',
    payload: {
      closingId,
      countyCode: county,
      period: { kind: 'day', start: '2026-11-28' },
      calls: { offered: 5, answered: 3, answeredWithin15s: 2, abandoned: 2, handleSecondsTotal: 420 },
      orders: { received: 3, information: 1, dispatched: 2, completed: 1 },
      closedBy: 'lead',
    },
    at: closedAt,
  });
  await home.sequence({ recordId: closingId });

  const console = async (key: Key, userId: string, role: string) => {
    const store = await DexieRecordStore.open({
      name: `records-${createId()}`,
      indexedDB: new IDBFactory(),
      IDBKeyRange,
    });
    opened.push(store);
    const changed: string[] = [];
    const book = new OrderBook({
      store,
      device: key,
      enrolment: { deviceId: key.deviceId, userId, role, countyCode: county, directoryId: directory.id },
      onLocalChange: ({ recordId }) => changed.push(recordId),
      dismissed: () => Promise.resolve(new Set()),
      now: () => closedAt + 3_600_000,
    });
    await book.load();
    /** The sync, by hand: the console's copy to the home, decided, and back. */
    const exchange = async (): Promise<void> => {
      const mine = await store.readRecord({ recordId: closingId });
      if (mine) await homeStore.appendUpdate({ recordId: closingId, update: mine.update });
      await home.sequence({ recordId: closingId });
      const decided = await homeStore.readRecord({ recordId: closingId });
      if (decided) await store.appendUpdate({ recordId: closingId, update: decided.update });
    };
    return { book, store, changed, exchange, key };
  };
  return {
    closingId,
    homeStore,
    lead: await console(lead, `${county}-lead`, 'supervisor'),
    seat: await console(seat, `${county}-seat1`, 'call_taker'),
  };
}

test('a supervisor’s reopening is signed on this device, pending, pushed, and accepted by the home', async () => {
  const { closingId, homeStore, lead } = await setUp();
  // Not synced here yet: nothing is proposed, the error names the field.
  await expect(lead.book.reopenPeriod({ closingId, reason: '漏记来电' })).rejects.toMatchObject({
    field: 'closingId',
  });
  expect(await lead.store.readRecord({ recordId: closingId })).toBeNull();

  await lead.exchange();
  const before = get(lead.book);
  const proposalId = await lead.book.reopenPeriod({ closingId, reason: '补录 28 日漏记的来电' });
  expect(lead.changed).toEqual([closingId]);
  expect(await lead.book.decisionOf({ recordId: closingId, proposalId })).toEqual({ outcome: 'pending' });
  // Not an order: the book's orders are untouched.
  expect(get(lead.book)).toEqual(before);

  await lead.exchange();
  expect(await lead.book.decisionOf({ recordId: closingId, proposalId })).toEqual({ outcome: 'accepted' });
  const atHome = await viewStoredRecord({ store: homeStore, recordId: closingId, deviceId: null });
  expect(atHome?.accepted).toMatchObject({
    status: 'reopened',
    reopenCount: 1,
    history: [
      { action: 'closed', by: 'lead' },
      { action: 'reopened', by: `${county}-lead`, reason: '补录 28 日漏记的来电' },
    ],
  } satisfies Partial<Omit<ClosingState, 'history'>> & { history: unknown[] });
});

test('a call-taker’s reopening is refused by the home, by role, and the refusal reaches the console', async () => {
  const { closingId, homeStore, seat } = await setUp();
  await seat.exchange();
  const proposalId = await seat.book.reopenPeriod({ closingId, reason: '想改数字' });
  await seat.exchange();
  expect(await seat.book.decisionOf({ recordId: closingId, proposalId })).toMatchObject({
    outcome: 'rejected',
    code: 'forbidden',
    field: 'command.actor.role',
  });
  const atHome = await viewStoredRecord({ store: homeStore, recordId: closingId, deviceId: null });
  expect(atHome?.accepted).toMatchObject({ status: 'closed', reopenCount: 0 });
});

/** The book's published orders and counts: what the order screens show. */
function get(book: OrderBook): unknown {
  let value: unknown;
  book.state.subscribe((v) => (value = v))();
  return value;
}
