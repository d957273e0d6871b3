import { createId, formatRecordId, type OrderState } from '@jiazheng/sync/domain';
import type { DeviceKey } from '@jiazheng/sync/node';
import {
  exportPublicKey,
  generateDeviceKeys,
  loadRecordDoc,
  readRecordSnapshot,
} from '@jiazheng/sync/records';
import { SyncClient } from '@jiazheng/sync/relay';
import { MemoryLink, quiesce } from '@jiazheng/sync/relay/test-support';
import { HomeService, proposeToStore, type SyncPeer } from '@jiazheng/sync/replica';
import type { RecordStore } from '@jiazheng/sync/storage';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import { afterEach, expect, test } from 'vitest';
import { HubSync, type StaffActor } from '../adapters/sync/hub-sync';
import type { Logger } from '../ports/logger';
import { ComplaintOrderLinkService } from './complaint-order-link-service';

// Real parts: the hub's HubSync (relay, home of complaints and the registry) and a county built from the
// same sync parts as the appliance (its store, its HomeService deciding its orders, a SyncClient to the hub
// that sequences what the hub sends for its orders), linked in memory so the test can cut the link.
const county = '330106';
const quiet = { info: () => undefined, error: () => undefined };
const registrar: StaffActor = {
  username: 'registrar',
  name: '登记员',
  role: 'registry_officer',
  countyCode: null,
};
const inspector: StaffActor = { username: 'qi', name: '质检员', role: 'quality_inspector', countyCode: null };
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function makeKey(deviceId: string): Promise<DeviceKey> {
  const keys = await generateDeviceKeys({ extractable: false });
  return { deviceId, publicKey: await exportPublicKey({ key: keys.publicKey }), privateKey: keys.privateKey };
}

async function snapshotOf(store: RecordStore, recordId: string) {
  const record = await store.readRecord({ recordId });
  if (!record) return null;
  const doc = loadRecordDoc({ recordId, update: record.update });
  try {
    return readRecordSnapshot({ doc, recordId });
  } finally {
    doc.destroy();
  }
}

async function world() {
  const hubStore = await MemoryRecordStore.open();
  const hub = new HubSync({ store: hubStore, device: await makeKey('hub-1'), logger: quiet });
  await hub.start();
  stops.push(() => hub.stop());

  // The registry: one active enterprise serving the county.
  const enterpriseId = formatRecordId({ kind: 'enterprise', scope: 'hub', id: createId() });
  const now = Date.now();
  const commands = [
    {
      type: 'apply',
      payload: {
        enterpriseId,
        kind: 'enterprise',
        name: '西湖家政服务有限公司',
        licenceNumber: '91330106MA27XL0R2J',
        contactName: '张经理',
        contactPhone: '13900001111',
        documents: [],
        items: ['FAM-CLEANING'],
        counties: [county],
      },
    },
    { type: 'startReview', payload: {} },
    {
      type: 'approve',
      payload: {
        checklist: Object.fromEntries(
          [
            'licence_valid',
            'scope_covers_services',
            'premises_verified',
            'liability_insurance',
            'staff_roster',
            'fee_schedule_published',
            'no_serious_violations',
          ].map((check) => [check, true]),
        ),
        agreement: {
          number: 'QA-000001',
          signedAt: now,
          validFrom: now - 86_400_000,
          validTo: now + 365 * 86_400_000,
        },
      },
    },
    { type: 'activate', payload: {} },
  ];
  await hub.propose({ recordId: enterpriseId, commands, staff: registrar });

  // The county: its appliance and a call-taker's device, enrolled at the hub.
  const appliance = await makeKey(`appliance-${county}`);
  await hub.provisionAppliance({
    countyCode: county,
    deviceId: appliance.deviceId,
    publicKey: appliance.publicKey,
  });
  const seat = await makeKey('pwa-seat');
  await hub.provisionDevice({
    userId: 'ct-1',
    name: '王芳',
    role: 'call_taker',
    countyCode: county,
    deviceId: seat.deviceId,
    publicKey: seat.publicKey,
    kind: 'pwa',
  });
  const countyStore = await MemoryRecordStore.open();
  let client: SyncClient | null = null;
  const home = new HomeService({
    store: countyStore,
    directoryId: hub.identity().directoryId,
    selfDeviceId: appliance.deviceId,
    publish: async ({ recordId, update }) => {
      await countyStore.appendUpdate({ recordId, update });
      client?.notifyLocalChange({ recordId });
    },
  });
  client = new SyncClient({
    store: countyStore,
    clientId: appliance.deviceId,
    cursorKey: 'cursor:hub',
    onRecordChange: ({ recordId }) => {
      if (recordId.startsWith(`order:${county}:`)) void home.sequence({ recordId });
    },
  });
  const peer: SyncPeer = {
    id: appliance.deviceId,
    kind: 'appliance',
    countyCode: county,
    role: 'system',
    userId: `appliance-${county}`,
  };
  let link: MemoryLink<SyncPeer> | null = null;
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await quiesce({ server: hub.server, links: link ? [link] : [] });
      await home.idle();
      if (link) await client.idle();
    }
  };
  const connect = async () => {
    link = new MemoryLink<SyncPeer>({ server: hub.server, client: client, peer });
    await settle();
  };
  const disconnect = () => {
    link?.disconnect();
    link = null;
  };
  stops.push(() => Promise.resolve(disconnect()));

  /** An order dispatched at the county by its call-taker. */
  const dispatchedOrder = async (): Promise<string> => {
    const orderId = formatRecordId({ kind: 'order', scope: county, id: createId() });
    const steps: Array<[string, unknown]> = [
      [
        'receive',
        {
          orderId,
          channel: 'call',
          citizenPhone: null,
          citizenName: '王女士',
          itemCode: 'FAM-CLEANING',
          urgency: 'normal',
          address: '文三路 100 号',
          wantedAt: null,
          durationMinutes: null,
          notes: '',
        },
      ],
      ['awaitDispatch', {}],
      ['dispatch', { enterpriseId }],
    ];
    for (const [type, payload] of steps) {
      await proposeToStore({
        store: countyStore,
        recordId: orderId,
        device: seat,
        actor: { userId: 'ct-1', role: 'call_taker' },
        type,
        payload,
        at: Date.now(),
      });
      await home.sequence({ recordId: orderId });
    }
    client.notifyLocalChange({ recordId: orderId });
    return orderId;
  };

  const fileComplaint = async (orderId: string): Promise<string> => {
    const recordId = formatRecordId({ kind: 'complaint', scope: 'hub', id: createId() });
    await hub.propose({
      recordId,
      staff: inspector,
      commands: [
        {
          type: 'file',
          payload: {
            complaintId: recordId,
            source: 'call',
            countyCode: county,
            orderId,
            enterpriseId,
            enterpriseName: '',
            kind: 'price',
            description: '多收了上门费',
            citizenName: '王女士',
            citizenPhone: null,
            evidence: [],
            dueAt: Date.now() + 7 * 86_400_000,
          },
        },
        { type: 'assign', payload: { userId: 'hub:qi', role: 'quality_inspector' } },
      ],
    });
    return recordId;
  };

  /** The county's call-taker acts on an order at the county (synced when linked). */
  const atCounty = async (orderId: string, type: string, payload: unknown) => {
    await proposeToStore({
      store: countyStore,
      recordId: orderId,
      device: seat,
      actor: { userId: 'ct-1', role: 'call_taker' },
      type,
      payload,
      at: Date.now(),
    });
    await home.sequence({ recordId: orderId });
    client.notifyLocalChange({ recordId: orderId });
  };

  const link_ = (logger: Logger = quiet) =>
    new ComplaintOrderLinkService({ store: hubStore, hub, logger, intervalMs: 3_600_000 });

  return {
    hub,
    hubStore,
    countyStore,
    connect,
    disconnect,
    settle,
    dispatchedOrder,
    fileComplaint,
    atCounty,
    newLink: link_,
  };
}

const orderComplaints = async (store: RecordStore, orderId: string) =>
  ((await snapshotOf(store, orderId))?.state as OrderState | null)?.complaints ?? [];

const hubProposals = async (store: RecordStore, orderId: string) =>
  ((await snapshotOf(store, orderId))?.proposals ?? [])
    .filter((p) => p.actor.userId === 'hub')
    .map((p) => p.type);

test('an order the hub has not received yet waits; it is linked once the county syncs it', async () => {
  const w = await world();
  // The county has the directory and the registry, then loses the hub and takes an order meanwhile.
  await w.connect();
  w.disconnect();
  const orderId = await w.dispatchedOrder();
  expect((await snapshotOf(w.countyStore, orderId))?.state).toMatchObject({ status: 'dispatched' });
  const complaintId = await w.fileComplaint(orderId);
  const service = w.newLink();
  await service.start();
  stops.push(() => service.stop());
  await service.catchUp();
  // Nothing proposed blind: the hub holds no copy of the order at all.
  expect(await w.hubStore.readRecord({ recordId: orderId })).toBeNull();

  await w.connect();
  await service.catchUp();
  await w.settle();
  const ulid = complaintId.slice(complaintId.lastIndexOf(':') + 1);
  expect(await orderComplaints(w.countyStore, orderId)).toMatchObject([
    { id: ulid, status: 'open', kind: 'price', openedBy: 'hub' },
  ]);
  expect(await hubProposals(w.hubStore, orderId)).toEqual(['openComplaint']);
});

test('a decision reached while the county is cut off resolves the order after it reconnects; nothing twice', async () => {
  const w = await world();
  await w.connect();
  const orderId = await w.dispatchedOrder();
  await w.settle();
  const complaintId = await w.fileComplaint(orderId);
  const first = w.newLink();
  await first.start();
  await first.catchUp();
  await w.settle();
  expect(await orderComplaints(w.countyStore, orderId)).toMatchObject([{ status: 'open' }]);
  // A restart plans everything again from the records and proposes nothing new.
  await first.stop();
  const second = w.newLink();
  await second.start();
  stops.push(() => second.stop());
  await second.catchUp();
  expect(await hubProposals(w.hubStore, orderId)).toEqual(['openComplaint']);

  w.disconnect();
  // A refund, but the order has no fee recorded yet: the order shows it upheld, as its credit points.
  await w.hub.propose({
    recordId: complaintId,
    staff: inspector,
    commands: [
      {
        type: 'decide',
        payload: { outcome: { kind: 'refund', amountFen: 5_000 }, reason: '收费超出公示价' },
      },
    ],
  });
  await second.catchUp();
  await second.catchUp();
  expect(await hubProposals(w.hubStore, orderId)).toEqual(['openComplaint', 'resolveComplaint']);
  expect(await orderComplaints(w.countyStore, orderId)).toMatchObject([{ status: 'open' }]);

  await w.connect();
  await second.catchUp();
  await w.settle();
  const [resolved] = await orderComplaints(w.countyStore, orderId);
  expect(resolved).toMatchObject({
    status: 'resolved',
    outcome: { kind: 'penalty', points: 5 },
    resolvedBy: 'hub',
  });
  expect(resolved?.reason).toContain('收费超出公示价');
  expect(resolved?.reason).toContain('¥50.00');
  expect(await orderComplaints(w.hubStore, orderId)).toMatchObject([{ status: 'resolved' }]);
  await second.catchUp();
  expect(await hubProposals(w.hubStore, orderId)).toEqual(['openComplaint', 'resolveComplaint']);
});

test('a proposal the county refuses is not made again, and the decision is not carried either', async () => {
  const w = await world();
  await w.connect();
  const orderId = await w.dispatchedOrder();
  await w.settle();
  // Cancelled at the county while cut off: the hub still holds it dispatched.
  w.disconnect();
  await w.atCounty(orderId, 'cancel', { reason: '市民取消' });
  const complaintId = await w.fileComplaint(orderId);
  const errors: string[] = [];
  const service = w.newLink({
    info: () => undefined,
    error: (message: unknown) => errors.push(String(message)),
  });
  await service.start();
  stops.push(() => service.stop());
  await service.catchUp();
  expect(await hubProposals(w.hubStore, orderId)).toEqual(['openComplaint']);

  await w.connect();
  await service.catchUp();
  await w.settle();
  const refused = (await snapshotOf(w.countyStore, orderId))?.log.filter((e) => e.outcome === 'rejected');
  expect(refused).toHaveLength(1);
  expect(errors).toEqual([
    expect.stringContaining(`${complaintId} on ${orderId}: the county refused openComplaint`),
  ]);

  await w.hub.propose({
    recordId: complaintId,
    staff: inspector,
    commands: [{ type: 'decide', payload: { outcome: { kind: 'dismissed' }, reason: '订单已取消' } }],
  });
  await service.catchUp();
  await service.catchUp();
  expect(await hubProposals(w.hubStore, orderId)).toEqual(['openComplaint']);
  expect(errors).toHaveLength(1);
});
