import { createId, findCatalogueItemFacts } from '@jiazheng/sync/domain';
import { HttpService, installJsonErrors, type DeviceKey } from '@jiazheng/sync/node';
import {
  createDeviceToken,
  exportPublicKey,
  generateDeviceKeys,
  loadRecordDoc,
  proposeCommand,
  sequenceRecord,
} from '@jiazheng/sync/records';
import { SyncClient, type WebSocketConnector } from '@jiazheng/sync/relay';
import { HomeService, reportStoredRecord, viewStoredRecord } from '@jiazheng/sync/replica';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import { Hono } from 'hono';
import { WebSocket } from 'ws';
import { afterEach, expect, test } from 'vitest';
import type { ApplianceRoleName } from '../../domain/device-enrolment';
import type { Service } from '../../ports/service';
import { ApplianceSync } from '../sync/appliance-sync';
import { SyncWebSocketService } from '../sync/sync-web-socket-service';
import { mountDeviceRoutes } from './device-routes';

const quiet = { info: () => {}, error: () => {} };
const county = '330106';

async function makeKey(deviceId: string): Promise<DeviceKey> {
  const keys = await generateDeviceKeys({ extractable: false });
  return { deviceId, publicKey: await exportPublicKey({ key: keys.publicKey }), privateKey: keys.privateKey };
}

const hubSigner = (hub: DeviceKey) => ({
  deviceId: hub.deviceId,
  publicKey: hub.publicKey,
  userId: 'hub',
  role: 'system',
  countyCode: null,
});

/** The directory as the hub makes it when it enrols the appliance, accepted, as if synced already. */
async function directoryWithAppliance(options: {
  hub: DeviceKey;
  appliance: DeviceKey;
}): Promise<{ directoryId: string; updates: Uint8Array[] }> {
  const directoryId = `directory:hub:${createId()}`;
  const doc = loadRecordDoc({ recordId: directoryId, update: null });
  const updates: Uint8Array[] = [];
  let at = Date.now();
  for (const [type, payload] of [
    ['createDirectory', { directoryId }],
    [
      'registerUser',
      { userId: `appliance-${county}`, name: '西湖区 设备', role: 'system', countyCode: county },
    ],
    [
      'enrolDevice',
      {
        deviceId: options.appliance.deviceId,
        kind: 'appliance',
        publicKey: options.appliance.publicKey,
        userId: `appliance-${county}`,
      },
    ],
  ] as const) {
    const { update } = await proposeCommand({
      doc,
      recordId: directoryId,
      device: options.hub,
      actor: { userId: 'hub', role: 'system' },
      type,
      payload,
      at: at++,
    });
    updates.push(update);
  }
  const decided = await sequenceRecord({
    doc,
    recordId: directoryId,
    directory: null,
    registry: {
      findItem: findCatalogueItemFacts,
      findEnterprise: () => undefined,
      findWorker: () => undefined,
    },
    trusted: [hubSigner(options.hub)],
  });
  doc.destroy();
  return { directoryId, updates: [...updates, decided.update] };
}

const users: Record<string, { username: string; role: ApplianceRoleName; displayName: string }> = {
  'session-seat1-0123456789': { username: 'seat1', role: 'call_taker', displayName: '坐席一' },
  'session-lead-0123456789': { username: 'lead', role: 'supervisor', displayName: '班长' },
};

const running: Service[] = [];
const connectors: WebSocketConnector[] = [];
afterEach(async () => {
  for (const connector of connectors.splice(0)) await connector.stop();
  for (const service of running.splice(0).reverse()) await service.stop();
});

/** An appliance enrolled at a hub (its directory already synced), with the device route mounted. */
async function startAppliance(options: { enrolled: boolean }): Promise<{
  app: Hono;
  sync: ApplianceSync;
  store: MemoryRecordStore;
  hub: DeviceKey;
  appliance: DeviceKey;
  directoryId: string;
}> {
  const hub = await makeKey('hub-1');
  const appliance = await makeKey(`appliance-${county}-${createId()}`);
  const store = await MemoryRecordStore.open();
  const directory = await directoryWithAppliance({ hub, appliance });
  if (options.enrolled) {
    for (const update of directory.updates)
      await store.appendUpdate({ recordId: directory.directoryId, update });
    await store.setMeta({ key: 'sync:directoryId', value: directory.directoryId });
  }
  const sync = new ApplianceSync({
    store,
    device: appliance,
    countyCode: county,
    hub: undefined,
    provisioner: undefined,
    WebSocketImpl: WebSocket,
    logger: quiet,
  });
  await sync.start();
  running.push(sync);
  const app = new Hono();
  mountDeviceRoutes({
    app,
    authenticate: (token) => Promise.resolve(users[token]),
    devices: sync,
    countyCode: county,
  });
  installJsonErrors({ app, logger: quiet, processName: 'appliance' });
  return { app, sync, store, hub, appliance, directoryId: directory.directoryId };
}

function enrol(options: {
  app: Hono;
  body: unknown;
  token?: string | undefined;
  contentType?: string;
}): Promise<Response> {
  return Promise.resolve(
    options.app.request('/api/devices', {
      method: 'POST',
      headers: {
        'content-type': options.contentType ?? 'application/json',
        ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      },
      body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    }),
  );
}

async function errorOf(response: Response): Promise<{ code: string; field: string | null; message: string }> {
  return ((await response.json()) as { error: { code: string; field: string | null; message: string } })
    .error;
}

async function proposalTypes(options: { store: MemoryRecordStore; directoryId: string }): Promise<string[]> {
  const report = await reportStoredRecord({ store: options.store, recordId: options.directoryId });
  return report?.proposals.map((p) => `${p.type}:${p.decision}`) ?? [];
}

const until = async (what: string, check: () => boolean | Promise<boolean>): Promise<void> => {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

test('a logged-in user enrols this browser’s key; its sync connection is accepted at once; the hub accepts it later', async () => {
  const { app, sync, store, hub, appliance, directoryId } = await startAppliance({ enrolled: true });
  const browser = await makeKey('pwa-browser-0001');
  const token = async () => createDeviceToken({ device: browser, now: Date.now() });
  expect(await sync.authenticate(await token())).toBeNull();
  const broadcast: string[] = [];
  sync.server.subscribe(({ recordId }) => broadcast.push(recordId));

  const response = await enrol({
    app,
    token: 'session-seat1-0123456789',
    body: { deviceId: browser.deviceId, publicKey: browser.publicKey },
  });
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({
    deviceId: 'pwa-browser-0001',
    userId: '330106-seat1',
    role: 'call_taker',
    countyCode: '330106',
    directoryId,
  });
  // Pending at the hub, honoured here: the relay lets the device in with the user's role and county.
  expect(await sync.authenticate(await token())).toEqual({
    id: 'pwa-browser-0001',
    kind: 'pwa',
    userId: '330106-seat1',
    role: 'call_taker',
    countyCode: '330106',
  });
  expect(broadcast).toContain(directoryId);
  expect(await proposalTypes({ store, directoryId })).toEqual([
    'createDirectory:accepted',
    'registerUser:accepted',
    'enrolDevice:accepted',
    'registerUser:pending',
    'enrolDevice:pending',
  ]);

  // Over a real socket: the PWA connects with its device token and receives the directory.
  const http = new HttpService({ app, host: '127.0.0.1', port: 0 });
  await http.start();
  running.push(http);
  const webSocket = new SyncWebSocketService({
    http,
    syncServer: sync.server,
    authenticate: (deviceToken) => sync.authenticate(deviceToken),
    logger: quiet,
  });
  await webSocket.start();
  running.push(webSocket);
  const pwaStore = new MemoryRecordStore();
  const client = new SyncClient({ store: pwaStore, clientId: browser.deviceId, cursorKey: 'cursor:relay' });
  const connector = client.connectWebSocket({
    url: async () => `${http.url.replace(/^http/, 'ws')}/sync?token=${encodeURIComponent(await token())}`,
    WebSocketImpl: WebSocket,
    minDelayMs: 50,
    maxDelayMs: 200,
  });
  connectors.push(connector);
  connector.start();
  await until('the PWA to receive the directory', async () => {
    const view = await viewStoredRecord({ store: pwaStore, recordId: directoryId, deviceId: null });
    return client.connected && view !== null;
  });

  // What the hub does with the appliance's proposals when they reach it: it accepts both.
  const hubStore = new MemoryRecordStore();
  const stored = await store.readRecord({ recordId: directoryId });
  await hubStore.appendUpdate({ recordId: directoryId, update: stored?.update ?? new Uint8Array() });
  const home = new HomeService({
    store: hubStore,
    directoryId,
    selfDeviceId: hub.deviceId,
    trusted: [hubSigner(hub)],
    publish: ({ recordId, update }) => hubStore.appendUpdate({ recordId, update }),
  });
  await home.sequence({ recordId: directoryId });
  expect(await proposalTypes({ store: hubStore, directoryId })).toEqual([
    'createDirectory:accepted',
    'registerUser:accepted',
    'enrolDevice:accepted',
    'registerUser:accepted',
    'enrolDevice:accepted',
  ]);
  const report = await reportStoredRecord({ store: hubStore, recordId: directoryId });
  expect(report?.proposals.slice(3).map((p) => [p.device, p.userId, p.role])).toEqual([
    [appliance.deviceId, 'appliance-330106', 'system'],
    [appliance.deviceId, 'appliance-330106', 'system'],
  ]);
});

test('enrolling again is idempotent; another browser of the user adds only its device; a taken device id is 409', async () => {
  const { app, store, directoryId } = await startAppliance({ enrolled: true });
  const browser = await makeKey('pwa-browser-0002');
  const body = { deviceId: browser.deviceId, publicKey: browser.publicKey };
  const seat = 'session-seat1-0123456789';
  expect((await enrol({ app, token: seat, body })).status).toBe(200);
  const afterFirst = await proposalTypes({ store, directoryId });
  const again = await enrol({ app, token: seat, body });
  expect(again.status).toBe(200);
  expect(await again.json()).toMatchObject({ deviceId: browser.deviceId, userId: '330106-seat1' });
  expect(await proposalTypes({ store, directoryId })).toEqual(afterFirst);

  const second = await makeKey('pwa-browser-0003');
  const secondResponse = await enrol({
    app,
    token: seat,
    body: { deviceId: second.deviceId, publicKey: second.publicKey },
  });
  expect(secondResponse.status).toBe(200);
  expect(await proposalTypes({ store, directoryId })).toEqual([...afterFirst, 'enrolDevice:pending']);

  const otherKey = await enrol({
    app,
    token: seat,
    body: { deviceId: browser.deviceId, publicKey: second.publicKey },
  });
  expect(otherKey.status).toBe(409);
  expect(await errorOf(otherKey)).toMatchObject({ code: 'conflict', field: 'deviceId' });
  const otherUser = await enrol({ app, token: 'session-lead-0123456789', body });
  expect(otherUser.status).toBe(409);
  expect(await errorOf(otherUser)).toMatchObject({ code: 'conflict', field: 'deviceId' });
  // The refusals proposed nothing (the supervisor was not even registered).
  expect(await proposalTypes({ store, directoryId })).toEqual([...afterFirst, 'enrolDevice:pending']);

  // The supervisor's own browser: registered with the directory's role name.
  const lead = await makeKey('pwa-browser-0004');
  const leadResponse = await enrol({
    app,
    token: 'session-lead-0123456789',
    body: { deviceId: lead.deviceId, publicKey: lead.publicKey },
  });
  expect(await leadResponse.json()).toMatchObject({ userId: '330106-lead', role: 'supervisor' });
});

test('bad input is 400 naming the field; no session is 401', async () => {
  const { app, store, directoryId } = await startAppliance({ enrolled: true });
  const before = await proposalTypes({ store, directoryId });
  const key = (await makeKey('pwa-x')).publicKey;
  const seat = 'session-seat1-0123456789';
  for (const [body, field] of [
    [{ deviceId: 'pwa-abcdefgh', publicKey: key.slice(2) }, 'publicKey'],
    [{ deviceId: 'pwa-abc', publicKey: key }, 'deviceId'],
    [{ deviceId: `pwa-${'x'.repeat(61)}`, publicKey: key }, 'deviceId'],
    [{ deviceId: 'appliance-330106-abcdefgh', publicKey: key }, 'deviceId'],
    [{ deviceId: 'pwa-abcdefgh', publicKey: `${key.slice(1)}+` }, 'publicKey'],
    [{ publicKey: key }, 'deviceId'],
    [{ deviceId: 'pwa-abcdefgh', publicKey: key, userId: 'admin' }, 'userId'],
    [[], 'body'],
    ['{"deviceId":', 'body'],
  ] as const) {
    const response = await enrol({ app, token: seat, body });
    expect(response.status, JSON.stringify(body)).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: 'invalid_input', field });
  }
  const form = await enrol({ app, token: seat, body: 'deviceId=pwa-abcdefgh', contentType: 'text/plain' });
  expect(form.status).toBe(415);

  for (const token of [undefined, 'session-nobody-0123456789']) {
    const response = await enrol({ app, token, body: { deviceId: 'pwa-abcdefgh', publicKey: key } });
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toMatchObject({ code: 'unauthorized', field: 'authorization' });
  }
  expect(await proposalTypes({ store, directoryId })).toEqual(before);
});

test('an appliance not yet enrolled at a hub answers 503', async () => {
  const { app, sync } = await startAppliance({ enrolled: false });
  const browser = await makeKey('pwa-browser-0005');
  const response = await enrol({
    app,
    token: 'session-seat1-0123456789',
    body: { deviceId: browser.deviceId, publicKey: browser.publicKey },
  });
  expect(response.status).toBe(503);
  expect(await errorOf(response)).toEqual({
    code: 'bad_gateway',
    field: null,
    message: 'sync is not enrolled at a hub yet',
  });
  expect(await sync.authenticate(await createDeviceToken({ device: browser, now: Date.now() }))).toBeNull();
});
