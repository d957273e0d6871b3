import { findItem, rankEnterprises, type OrderState } from '@jiazheng/sync/domain';
import { SimulatedNetwork } from '@jiazheng/sync/projections/test-support';
import { listDispatchCandidates } from '@jiazheng/sync/replica';
import { DexieRecordStore } from '@jiazheng/sync/storage/dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { get } from 'svelte/store';
import { expect, test } from 'vitest';
import { recordViewCache } from '../db/console-db';
import { testDb } from '../test-support';
import { OrderBook } from './order-book';

const county = '330106';

/** What the appliance ranks on: every record decoded from the store at the moment of the dispatch. */
async function rankFromStore(options: { store: DexieRecordStore; order: OrderState; now: number }) {
  const item = findItem({ code: options.order.itemCode });
  if (!item) throw new Error(`unknown item ${options.order.itemCode}`);
  return rankEnterprises({
    request: {
      orderId: options.order.id,
      itemCode: options.order.itemCode,
      countyCode: options.order.countyCode,
      wantedAt: options.order.wantedAt,
      durationMinutes: options.order.durationMinutes,
      requiredQualifications: [...item.standard.qualifications],
      excludeEnterpriseIds: options.order.attempts.map((a) => a.enterpriseId),
    },
    candidates: await listDispatchCandidates({ store: options.store, countyCode: county, now: options.now }),
    now: options.now,
  });
}

test('the ranking held in memory is the one the store gives, through registry and order changes', async () => {
  const store = await DexieRecordStore.open({ name: 'rank', indexedDB: new IDBFactory(), IDBKeyRange });
  try {
    const network = await SimulatedNetwork.create({ store, seed: 7 });
    await network.receiveOrders({ count: 40 });
    await network.advanceOrders({ maxSteps: 3 });
    const seat = network.devices.seats.get(county);
    if (!seat) throw new Error('no seat for the county');
    let now = 0;
    const book = new OrderBook({
      store,
      device: seat,
      enrolment: {
        deviceId: seat.deviceId,
        userId: `ct-${county}`,
        role: 'call_taker',
        countyCode: county,
        directoryId: 'directory:hub:test',
      },
      onLocalChange: () => {},
      dismissed: () => Promise.resolve(new Set()),
      now: () => now,
    });
    await book.load();

    let rankedAtAll = 0;
    const compare = async (): Promise<number> => {
      const waiting = network
        .readOrderStates()
        .filter((order) => order.countyCode === county && order.status === 'awaiting_dispatch');
      now = Math.max(...network.readOrderStates().map((order) => order.receivedAt)) + 60_000;
      for (const order of waiting) {
        const ranked = book.rank({ recordId: order.id });
        expect(ranked).toEqual(await rankFromStore({ store, order, now }));
        rankedAtAll += ranked.ranked.length;
      }
      return waiting.length;
    };
    expect(await compare()).toBeGreaterThan(0);

    // Suspensions, warnings and new workers at the hub, more orders: the book hears of each change.
    for (let round = 0; round < 3; round++) {
      await network.changeRegistry({ round });
      await network.receiveOrders({ count: 10 });
      await network.advanceOrders({ maxSteps: 2 });
      for (const recordId of network.takeChanged()) await book.refresh({ recordId });
      await compare();
    }
    // Not a comparison of two empty lists.
    expect(rankedAtAll).toBeGreaterThan(0);
  } finally {
    await store.close();
  }
}, 60_000);

test('a second login takes unchanged records from the cache and decodes only what changed', async () => {
  const store = await DexieRecordStore.open({ name: 'cache', indexedDB: new IDBFactory(), IDBKeyRange });
  const db = testDb();
  try {
    const network = await SimulatedNetwork.create({ store, seed: 9 });
    await network.receiveOrders({ count: 30 });
    await network.advanceOrders({ maxSteps: 3 });
    const seat = network.devices.seats.get(county);
    if (!seat) throw new Error('no seat for the county');
    const reads: string[] = [];
    // The store as the book sees it, counting the records it reads (decodes).
    const counting = new Proxy(store, {
      get(target, property) {
        if (property === 'readRecord') {
          return (options: { recordId: string }) => {
            reads.push(options.recordId);
            return target.readRecord(options);
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        // Bound to the store itself: its methods use private fields.
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const open = async () => {
      const book = new OrderBook({
        store: counting,
        device: seat,
        enrolment: {
          deviceId: seat.deviceId,
          userId: `ct-${county}`,
          role: 'call_taker',
          countyCode: county,
          directoryId: 'directory:hub:test',
        },
        onLocalChange: () => {},
        dismissed: () => Promise.resolve(new Set()),
        cache: recordViewCache({ db, deviceId: seat.deviceId }),
      });
      await book.load();
      return get(book.state);
    };
    network.takeChanged();
    const first = await open();
    const records = reads.length;
    expect(records).toBeGreaterThan(30);

    reads.length = 0;
    expect(await open()).toEqual(first);
    expect(reads).toEqual([]);

    // Orders move on while the seat is logged out: only those are decoded again.
    await network.advanceOrders({ maxSteps: 2 });
    const changed = [...network.takeChanged()].filter((id) => !id.startsWith('directory:'));
    expect(changed.length).toBeGreaterThan(0);
    const third = await open();
    expect(new Set(reads)).toEqual(new Set(changed));
    // The same as decoding everything afresh.
    await db.recordViews.clear();
    expect(await open()).toEqual(third);
  } finally {
    await store.close();
    db.close();
  }
}, 60_000);
