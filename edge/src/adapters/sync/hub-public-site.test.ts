import { ReviewCheck, type EnterpriseState, type OrderState } from '@jiazheng/sync/domain';
import {
  exportPublicKey,
  generateDeviceKeys,
  loadRecordDoc,
  readRecordSnapshot,
} from '@jiazheng/sync/records';
import { HomeService, proposeToStore, viewStoredRecord } from '@jiazheng/sync/replica';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import type { DeviceKey } from '@jiazheng/sync/node';
import { expect, test } from 'vitest';
import type { CreditFacts } from '../../domain/registry-credit';
import { CreditListService } from '../../services/credit-list-service';
import { HubPublicSite } from './hub-public-site';
import { HubSync } from './hub-sync';

const quiet = { info: () => {}, error: () => {} };
const day = 24 * 3600 * 1000;

async function makeKey(deviceId: string): Promise<DeviceKey> {
  const keys = await generateDeviceKeys({ extractable: false });
  return { deviceId, publicKey: await exportPublicKey({ key: keys.publicKey }), privateKey: keys.privateKey };
}

async function startWorld() {
  const store = await MemoryRecordStore.open();
  const hubKey = await makeKey('hub-1');
  const hub = new HubSync({ store, device: hubKey, logger: quiet });
  await hub.start();
  const published: string[] = [];
  let now = Date.now();
  // The credit lists from the enterprises' records, with the rest of each one's facts set by the test.
  const trainedWorkers = new Map<string, number>();
  const credit = new CreditListService({
    now: () => now,
    source: {
      readCreditFacts: async (): Promise<CreditFacts[]> => {
        const facts: CreditFacts[] = [];
        for (const change of await store.listChanges({ after: 0, limit: 100, prefixes: ['enterprise:'] })) {
          const record = await store.readRecord({ recordId: change.recordId });
          const doc = loadRecordDoc({ recordId: change.recordId, update: record?.update ?? null });
          const state = readRecordSnapshot({ doc, recordId: change.recordId }).state as EnterpriseState;
          doc.destroy();
          const trained = trainedWorkers.get(state.id) ?? 0;
          facts.push({
            enterprise: state,
            returnVisits: { count: 20, satisfactionSum: 95 },
            workers: { total: 4, withValidTraining: trained },
            inspections: [],
            upheldComplaints: [],
            orders: { dispatched: 25, completed: 20, returnVisited: 20, rated: 20, satisfied: 19 },
          });
        }
        return facts;
      },
    },
  });
  const site = new HubPublicSite({
    store,
    device: hubKey,
    publish: async (update) => {
      published.push(update.recordId);
      return hub.server.publish(update);
    },
    directory: () => hub.directory(),
    propose: (o) => hub.propose(o),
    credit,
    now: () => now,
  });
  return { store, hub, hubKey, site, published, trainedWorkers, advance: (ms: number) => (now += ms) };
}

test('an order goes only to a county with an enrolled appliance, signed by the hub, and that county accepts it', async () => {
  const { store, hub, site, published, advance } = await startWorld();
  expect(await site.listOrderCounties()).toEqual([]);
  await expect(
    site.receiveWebOrder({
      countyCode: '330106',
      citizenName: '王女士',
      citizenPhone: '+8613812345678',
      itemCode: 'FAM-CLEANING',
      address: '文三路 100 号',
      wantedAt: null,
      notes: '',
    }),
  ).rejects.toThrow(/no appliance/);

  const appliance = await makeKey('appliance-330106-a');
  await hub.provisionAppliance({
    countyCode: '330106',
    deviceId: appliance.deviceId,
    publicKey: appliance.publicKey,
  });
  // The list is kept for 30 s (page views are not rate-limited); then the new appliance shows.
  expect(await site.listOrderCounties()).toEqual([]);
  advance(31_000);
  expect(await site.listOrderCounties()).toEqual(['330106']);

  const { recordId, proposalId } = await site.receiveWebOrder({
    countyCode: '330106',
    citizenName: '王女士',
    citizenPhone: '+8613812345678',
    itemCode: 'FAM-CLEANING',
    address: '文三路 100 号 <b>',
    wantedAt: null,
    notes: '请上午来',
  });
  expect(recordId).toMatch(/^order:330106:[0-9A-Z]{26}$/);
  expect(published).toEqual([recordId]);
  const stored = await store.readRecord({ recordId });
  const doc = loadRecordDoc({ recordId, update: stored?.update ?? null });
  const snapshot = readRecordSnapshot({ doc, recordId });
  doc.destroy();
  expect(snapshot.proposals).toHaveLength(1);
  expect(snapshot.proposals[0]).toMatchObject({
    id: proposalId,
    type: 'receive',
    device: 'hub-1',
    actor: { userId: 'hub', role: 'system' },
    payload: {
      orderId: recordId,
      channel: 'web',
      citizenPhone: '+8613812345678',
      citizenName: '王女士',
      itemCode: 'FAM-CLEANING',
      urgency: 'normal',
      address: '文三路 100 号 <b>',
      wantedAt: null,
      durationMinutes: null,
      notes: '请上午来',
    },
  });
  // The hub is not the order's home: nothing decided it there.
  expect(snapshot.decided.size).toBe(0);

  // The county's appliance, home of the order, has the directory and the order from the relay and decides.
  const countyStore = await MemoryRecordStore.open();
  const { directoryId } = hub.identity();
  for (const id of [directoryId, recordId]) {
    const record = await store.readRecord({ recordId: id });
    await countyStore.appendUpdate({ recordId: id, update: record?.update ?? new Uint8Array() });
  }
  const countyHome = new HomeService({
    store: countyStore,
    publish: (update) => countyStore.appendUpdate(update),
    directoryId,
    selfDeviceId: appliance.deviceId,
  });
  await countyHome.sequence({ recordId });
  const view = await viewStoredRecord({ store: countyStore, recordId, deviceId: null });
  expect(view?.accepted as OrderState).toMatchObject({
    id: recordId,
    countyCode: '330106',
    status: 'received',
    channel: 'web',
    receivedBy: 'hub',
  });
  await hub.stop();
});

test('recommended enterprises: those the credit lists recommend that may take orders and carry no warning, best first', async () => {
  const { store, hub, site, trainedWorkers, advance } = await startWorld();
  const officer = await makeKey('pwa-registry');
  await hub.provisionDevice({
    userId: 'officer-zhao',
    name: '赵科长',
    role: 'registry_officer',
    countyCode: null,
    deviceId: officer.deviceId,
    publicKey: officer.publicKey,
    kind: 'pwa',
  });
  const { directoryId } = hub.identity();
  const home = new HomeService({
    store,
    publish: (update) => store.appendUpdate(update),
    directoryId,
    selfDeviceId: 'hub-1',
  });
  const now = Date.now();
  let at = now - 3_600_000;
  const makeEnterprise = async (options: { id: string; name: string; then: string[] }) => {
    const recordId = `enterprise:hub:${options.id}`;
    const commands: { type: string; payload: unknown }[] = [
      {
        type: 'apply',
        payload: {
          enterpriseId: recordId,
          kind: 'enterprise',
          name: options.name,
          licenceNumber: '91330106MA27XL0R2J',
          contactName: '王经理',
          contactPhone: '+8657188886666',
          documents: [],
          items: ['FAM-CLEANING'],
          counties: ['330106'],
        },
      },
      { type: 'startReview', payload: {} },
      {
        type: 'approve',
        payload: {
          checklist: Object.fromEntries(Object.values(ReviewCheck).map((c) => [c, true])),
          agreement: { number: 'QA-1', signedAt: now - day, validFrom: now - day, validTo: now + 365 * day },
        },
      },
      ...options.then.map((type) => ({
        type,
        payload:
          type === 'activate'
            ? {}
            : type === 'suspend'
              ? { reason: '投诉核查', until: null }
              : { reason: '投诉核查' },
      })),
    ];
    for (const command of commands) {
      await proposeToStore({
        store,
        recordId,
        device: officer,
        actor: { userId: 'officer-zhao', role: 'registry_officer' },
        type: command.type,
        payload: command.payload,
        at: at++,
      });
    }
    await home.sequence({ recordId });
    return recordId;
  };
  const active = await makeEnterprise({
    id: '01JBQ5M8X00000000000000001',
    name: '西湖家政',
    then: ['activate'],
  });
  const warned = await makeEnterprise({
    id: '01JBQ5M8X00000000000000002',
    name: '阿福家政',
    then: ['activate', 'warn'],
  });
  const suspended = await makeEnterprise({
    id: '01JBQ5M8X00000000000000003',
    name: '不良家政',
    then: ['activate', 'suspend'],
  });
  const pending = await makeEnterprise({ id: '01JBQ5M8X00000000000000004', name: '待审家政', then: [] });
  const untrained = await makeEnterprise({
    id: '01JBQ5M8X00000000000000005',
    name: '新开家政',
    then: ['activate'],
  });
  const threeOfFour = await makeEnterprise({
    id: '01JBQ5M8X00000000000000006',
    name: '滨江家政',
    then: ['activate'],
  });
  // 20 visits rated 95 in all, with the 5 assumed at 4: mean 4.6, 36 of 40; 25 for no complaints, 20 for
  // no findings; the training share decides: 4 of 4 trained 15 (96), 3 of 4 11.3 (92.3), none 0 (81: normal).
  for (const id of [active, warned, suspended, pending]) trainedWorkers.set(id, 4);
  trainedWorkers.set(threeOfFour, 3);
  trainedWorkers.set(untrained, 0);

  const listed = await site.listRecommendedEnterprises();
  // The warned one scores as well, but a warning is a sanction; the suspended one is punished whatever it
  // scores; the applicant has no score yet.
  expect(listed.map((e) => [e.id, e.status])).toEqual([
    [active, 'active'],
    [threeOfFour, 'active'],
  ]);
  expect(listed[0]).toMatchObject({ name: '西湖家政', items: ['FAM-CLEANING'], counties: ['330106'] });
  trainedWorkers.set(threeOfFour, 4);
  advance(20_000);
  expect(await site.listRecommendedEnterprises()).toEqual(listed);
  // Both caches (the site's and the credit lists') expire; equal scores then go by name: 滨江 before 西湖.
  advance(61_000);
  expect((await site.listRecommendedEnterprises()).map((e) => e.id)).toEqual([threeOfFour, active]);
  await hub.stop();
});
