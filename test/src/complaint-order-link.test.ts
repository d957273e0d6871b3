/**
 * A complaint filed and decided at the hub reaches the county's order: the hub (a real process) proposes
 * the order's openComplaint and resolveComplaint, and the county's appliance (a real process, through a
 * WAN the test cuts) decides them, at once when connected and after reconnecting when not. The registry
 * officer, the county's call-taker and the centre's quality inspector are devices played by the test with
 * the sync library; the processes are reached only over HTTP and WebSocket.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createId, formatRecordId, type OrderState } from '@jiazheng/sync/domain';
import {
  createDeviceToken,
  exportPublicKey,
  generateDeviceKeys,
  type SigningDevice,
} from '@jiazheng/sync/records';
import { SyncClient, type WebSocketConnector } from '@jiazheng/sync/relay';
import { proposeToStore, type RecordReport } from '@jiazheng/sync/replica';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import { afterAll, beforeAll, expect, onTestFailed, test } from 'vitest';
import { WebSocket } from 'ws';
import { startHubAndAppliance, type HubAndAppliance } from './support/hub-and-appliance';
import { call } from './support/http';
import { killAll } from './support/processes';
import { seedActiveEnterprise } from './support/registry-seed';

const COUNTY = '330106';
const TOKEN = `link-${createId()}`;
const ITEM = 'FAM-CLEANING';

let workDir = '';
let centre: HubAndAppliance | undefined;
const connectors: WebSocketConnector[] = [];

type Device = {
  store: MemoryRecordStore;
  client: SyncClient;
  device: SigningDevice;
  actor: { userId: string; role: string };
};

/** Enrols a device at the hub for `userId` and keeps a memory store of it in sync with `relayUrl`. */
async function enrolDevice(options: {
  hubUrl: string;
  relayUrl: string;
  userId: string;
  role: string;
  countyCode: string | null;
}): Promise<Device> {
  const keys = await generateDeviceKeys({ extractable: false });
  const device = { deviceId: `pwa-${options.userId}-${createId()}`, privateKey: keys.privateKey };
  await call({
    url: `${options.hubUrl}/api/provision/device`,
    token: TOKEN,
    body: {
      userId: options.userId,
      name: options.userId,
      role: options.role,
      countyCode: options.countyCode,
      deviceId: device.deviceId,
      publicKey: await exportPublicKey({ key: keys.publicKey }),
      kind: 'pwa',
    },
  });
  const store = new MemoryRecordStore();
  const client = new SyncClient({ store, clientId: device.deviceId, cursorKey: 'cursor:link' });
  const connector = client.connectWebSocket({
    url: async () =>
      `${options.relayUrl.replace(/^http/, 'ws')}/sync?token=${encodeURIComponent(await createDeviceToken({ device, now: Date.now() }))}`,
    WebSocketImpl: WebSocket,
    minDelayMs: 100,
    maxDelayMs: 500,
  });
  connectors.push(connector);
  connector.start();
  return { store, client, device, actor: { userId: options.userId, role: options.role } };
}

async function propose(by: Device, recordId: string, type: string, payload: unknown): Promise<void> {
  await proposeToStore({ ...by, recordId, type, payload, at: Date.now() });
  by.client.notifyLocalChange({ recordId });
}

const report = (base: string, recordId: string) =>
  call<RecordReport>({ url: `${base}/api/records/${encodeURIComponent(recordId)}`, token: TOKEN });

async function orderAt(base: string, recordId: string): Promise<OrderState | null> {
  try {
    return (await report(base, recordId)).accepted as OrderState | null;
  } catch {
    return null;
  }
}

async function complaintOnOrder(base: string, orderId: string, complaintRecordId: string) {
  const id = complaintRecordId.slice(complaintRecordId.lastIndexOf(':') + 1);
  return (await orderAt(base, orderId))?.complaints.find((c) => c.id === id) ?? null;
}

const poll = { timeout: 60_000, interval: 250 };

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'jz-complaint-link-'));
  centre = await startHubAndAppliance({
    workDir,
    county: COUNTY,
    hubToken: TOKEN,
    applianceEnv: { ADMIN_TOKEN: TOKEN },
  });
}, 240_000);

afterAll(async () => {
  for (const connector of connectors) await connector.stop();
  await centre?.stop();
  killAll();
  if (workDir !== '') await rm(workDir, { recursive: true, force: true });
}, 60_000);

test('a complaint filed and decided at the hub opens and resolves the county’s order, also across a WAN cut', async () => {
  const { hubUrl, applianceUrl, wan } = centre!;
  onTestFailed(() => {
    for (const proc of [centre!.hub, centre!.appliance()])
      console.error(`---- ${proc.name} ----\n${proc.output().slice(-8000)}`);
  });
  const hubLink = async () =>
    (
      await call<{ hub: { connected: boolean } | null }>({
        url: `${applianceUrl}/api/sync/status`,
        token: TOKEN,
      })
    ).hub?.connected ?? false;
  await expect.poll(hubLink, poll).toBe(true);

  // The registry at the hub; the enterprise must reach the county before its home accepts a dispatch to it.
  const officer = await enrolDevice({
    hubUrl,
    relayUrl: hubUrl,
    userId: 'registry-1',
    role: 'registry_officer',
    countyCode: null,
  });
  const { enterpriseId } = await seedActiveEnterprise({
    desk: { ...officer, notify: (change) => officer.client.notifyLocalChange(change) },
    name: '西湖家政服务有限公司',
    licenceNumber: '91330106MA27XL0R2J',
    contactPhone: '13900001111',
    countyCodes: [COUNTY],
    itemCodes: [ITEM],
  });
  await expect
    .poll(
      async () =>
        ((await report(applianceUrl, enterpriseId).catch(() => null))?.accepted as { status?: string } | null)
          ?.status,
      poll,
    )
    .toBe('active');

  // The county's order, dispatched at the county by its call-taker.
  const seat = await enrolDevice({
    hubUrl,
    relayUrl: applianceUrl,
    userId: 'ct-1',
    role: 'call_taker',
    countyCode: COUNTY,
  });
  await expect.poll(() => seat.client.connected, poll).toBe(true);
  const orderId = formatRecordId({ kind: 'order', scope: COUNTY, id: createId() });
  await propose(seat, orderId, 'receive', {
    orderId,
    channel: 'call',
    citizenPhone: '+8613812345678',
    citizenName: '王女士',
    itemCode: ITEM,
    urgency: 'normal',
    address: '文三路 100 号',
    wantedAt: null,
    durationMinutes: null,
    notes: '',
  });
  await propose(seat, orderId, 'awaitDispatch', {});
  await propose(seat, orderId, 'dispatch', { enterpriseId });
  await expect.poll(async () => (await orderAt(applianceUrl, orderId))?.status, poll).toBe('dispatched');
  await expect.poll(async () => (await orderAt(hubUrl, orderId))?.status, poll).toBe('dispatched');

  // The centre's quality inspector files and arbitrates complaints at the hub, their home.
  const inspector = await enrolDevice({
    hubUrl,
    relayUrl: hubUrl,
    userId: 'qi-1',
    role: 'quality_inspector',
    countyCode: null,
  });
  const fileComplaint = async (description: string): Promise<string> => {
    const recordId = formatRecordId({ kind: 'complaint', scope: 'hub', id: createId() });
    await propose(inspector, recordId, 'file', {
      complaintId: recordId,
      source: 'call',
      countyCode: COUNTY,
      orderId,
      enterpriseId,
      enterpriseName: '',
      kind: 'quality',
      description,
      citizenName: '王女士',
      citizenPhone: '+8613812345678',
      evidence: [],
      dueAt: Date.now() + 15 * 86_400_000,
    });
    await propose(inspector, recordId, 'assign', { userId: 'qi-1', role: 'quality_inspector' });
    return recordId;
  };

  // Online: filed → open at the county; decided → resolved at the county with the mapped outcome.
  const first = await fileComplaint('保洁员迟到两小时');
  await expect
    .poll(() => complaintOnOrder(applianceUrl, orderId, first), poll)
    .toMatchObject({
      status: 'open',
      kind: 'quality',
      description: '保洁员迟到两小时',
      openedBy: 'hub',
      enterpriseId,
    });
  await propose(inspector, first, 'decide', {
    outcome: { kind: 'penalty', points: 6 },
    reason: '服务迟到属实',
  });
  await expect
    .poll(() => complaintOnOrder(applianceUrl, orderId, first), poll)
    .toMatchObject({
      status: 'resolved',
      outcome: { kind: 'penalty', points: 6 },
      resolvedBy: 'hub',
    });
  expect((await complaintOnOrder(applianceUrl, orderId, first))?.reason).toContain('服务迟到属实');

  // Offline: a second complaint opened, then the WAN cut, then decided at the hub.
  const second = await fileComplaint('打碎花瓶未赔偿');
  await expect
    .poll(() => complaintOnOrder(applianceUrl, orderId, second), poll)
    .toMatchObject({ status: 'open' });
  wan.cut();
  await expect.poll(hubLink, poll).toBe(false);
  await propose(inspector, second, 'decide', {
    outcome: { kind: 'suspension', days: 30 },
    reason: '多次投诉属实',
  });
  // The hub has proposed the resolution on its copy of the order; nobody has decided it.
  await expect
    .poll(async () => (await report(hubUrl, orderId)).proposals.filter((p) => p.decision === 'pending'), poll)
    .toEqual([expect.objectContaining({ type: 'resolveComplaint', userId: 'hub', role: 'system' })]);
  expect(await complaintOnOrder(applianceUrl, orderId, second)).toMatchObject({ status: 'open' });

  wan.restore();
  await expect
    .poll(() => complaintOnOrder(applianceUrl, orderId, second), poll)
    .toMatchObject({
      status: 'resolved',
      outcome: { kind: 'suspension', points: 25 },
    });
  await expect
    .poll(async () => (await complaintOnOrder(hubUrl, orderId, second))?.status, poll)
    .toBe('resolved');

  // Each command went to the order once, and the county accepted every one.
  const atHome = await report(applianceUrl, orderId);
  const linked = atHome.proposals.filter((p) => p.userId === 'hub');
  expect(linked.map((p) => [p.type, p.decision])).toEqual([
    ['openComplaint', 'accepted'],
    ['resolveComplaint', 'accepted'],
    ['openComplaint', 'accepted'],
    ['resolveComplaint', 'accepted'],
  ]);
  expect(atHome.pending).toBe(0);
}, 300_000);
