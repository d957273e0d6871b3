import { createId } from '@jiazheng/sync/domain';
import { captureUpdate, createDeviceToken, fieldsOf, loadRecordDoc } from '@jiazheng/sync/records';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import { afterEach, expect, test } from 'vitest';
import { ApplianceSync } from './appliance-sync';
import { PublishingRecordStore } from './publishing-record-store';
import { directoryOf, makeKey, quiet, UnreachableSocket } from './test-support';

const running: ApplianceSync[] = [];
afterEach(async () => {
  for (const sync of running.splice(0)) await sync.stop();
});

test('serves nobody until enrolled, retries the enrolment, then authenticates its county’s PWAs only', async () => {
  const hub = await makeKey('hub-1');
  const appliance = await makeKey('appliance-330106-a');
  const seat = await makeKey('pwa-a');
  const foreignSeat = await makeKey('pwa-b');
  const central = await makeKey('pwa-c');
  const directory = await directoryOf({
    hub,
    people: [
      { key: appliance, userId: 'appliance-330106', role: 'system', countyCode: '330106', kind: 'appliance' },
      { key: seat, userId: 'ct-a', role: 'call_taker', countyCode: '330106', kind: 'pwa' },
      { key: foreignSeat, userId: 'ct-b', role: 'call_taker', countyCode: '330108', kind: 'pwa' },
      { key: central, userId: 'sv-c', role: 'supervisor', countyCode: null, kind: 'pwa' },
    ],
  });
  const store = await MemoryRecordStore.open();
  // As if the directory had arrived from the hub already.
  for (const update of directory.updates)
    await store.appendUpdate({ recordId: directory.directoryId, update });
  let attempts = 0;
  const sync = new ApplianceSync({
    store,
    device: appliance,
    countyCode: '330106',
    hub: { url: 'http://hub.invalid:8090', reconnectMaxMs: 100 },
    provisioner: {
      provisionAppliance: () => {
        attempts += 1;
        return attempts === 1
          ? Promise.reject(new Error('connect ECONNREFUSED'))
          : Promise.resolve({ directoryId: directory.directoryId, hubDeviceId: 'hub-1' });
      },
    },
    WebSocketImpl: UnreachableSocket,
    logger: quiet,
    random: () => 0,
  });
  running.push(sync);
  const now = Date.now();
  const seatToken = await createDeviceToken({ device: seat, now });

  await sync.start();
  expect(await sync.authenticate(seatToken)).toBeNull();
  for (let i = 0; i < 100 && !sync.status().provisioned; i++) await new Promise((r) => setTimeout(r, 10));
  expect(attempts).toBe(2);
  expect(sync.status()).toEqual({
    deviceId: 'appliance-330106-a',
    provisioned: true,
    directoryId: directory.directoryId,
    hub: { url: 'http://hub.invalid:8090', connected: false },
  });
  expect(await store.getMeta({ key: 'sync:directoryId' })).toBe(directory.directoryId);

  expect(await sync.authenticate(seatToken)).toMatchObject({
    id: 'pwa-a',
    kind: 'pwa',
    countyCode: '330106',
  });
  expect(await sync.authenticate(await createDeviceToken({ device: central, now }))).toMatchObject({
    countyCode: null,
  });
  expect(await sync.authenticate(await createDeviceToken({ device: foreignSeat, now }))).toBeNull();
  expect(await sync.authenticate(await createDeviceToken({ device: appliance, now }))).toBeNull();
  expect(Object.keys((await sync.digest({ prefix: 'directory:' })).records)).toEqual([directory.directoryId]);
});

test('an appliance that was never enrolled and has no admin token runs without sync', async () => {
  const store = await MemoryRecordStore.open();
  const sync = new ApplianceSync({
    store,
    device: await makeKey('appliance-330106-b'),
    countyCode: '330106',
    hub: undefined,
    provisioner: undefined,
    WebSocketImpl: UnreachableSocket,
    logger: quiet,
  });
  running.push(sync);
  await sync.start();
  expect(sync.status()).toMatchObject({ provisioned: false, hub: null });
});

test('the hub client’s appends go through the relay’s publish; the rest is the store', async () => {
  const store = await MemoryRecordStore.open();
  const published: string[] = [];
  const publishing = new PublishingRecordStore({
    store,
    publish: async ({ recordId, update }) => {
      published.push(recordId);
      return store.appendUpdate({ recordId, update });
    },
  });
  const recordId = `order:330106:${createId()}`;
  const doc = loadRecordDoc({ recordId, update: null });
  const update = captureUpdate({ doc, origin: 'local', change: () => fieldsOf(doc).set('note', 'x') });
  expect(await publishing.appendUpdate({ recordId, update })).toMatchObject({
    changed: true,
  });
  expect(published).toEqual([recordId]);
  expect(await publishing.readRecord({ recordId })).not.toBeNull();
  expect(await publishing.currentSeq()).toBe(1);
  await publishing.setMeta({ key: 'k', value: 'v' });
  expect(await store.getMeta({ key: 'k' })).toBe('v');
  await publishing.close();
  expect(await store.listChanges({ after: 0, limit: 10 })).toHaveLength(1);
});
