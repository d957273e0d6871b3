/**
 * The hub and two county appliances as real processes, syncing over real WebSockets through a WAN the
 * test can cut: PWAs (played by the test with the sync library) write at their appliances, a central
 * PWA writes at the hub, the WAN goes down, writing goes on, one appliance is killed (-9) and restarted,
 * the WAN comes back, and every replica must converge with every proposal decided exactly once by its
 * home. The processes are reached only over their protocols (HTTP, WebSocket), never imported.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createId } from '@jiazheng/sync/domain';
import {
  createDeviceToken,
  exportPublicKey,
  generateDeviceKeys,
  type SigningDevice,
} from '@jiazheng/sync/records';
import { SyncClient, type WebSocketConnector } from '@jiazheng/sync/relay';
import { proposeToStore, type RecordDigests, type RecordReport } from '@jiazheng/sync/replica';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import { afterAll, beforeAll, expect, onTestFailed, test } from 'vitest';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { killAll, sleep, spawnPackage as spawnProduct, urlOf, type Proc } from './support/processes';
import { WanProxy } from './support/wan-proxy';

const ADMIN_TOKEN = `test-admin-${createId()}`;
const countyA = '330106'; // 杭州市西湖区
const countyB = '330108'; // 杭州市滨江区

// ---- processes ----------------------------------------------------------------------------------------

const procs: Proc[] = [];

function spawnPackage(options: Parameters<typeof spawnProduct>[0]): Proc {
  const proc = spawnProduct(options);
  procs.push(proc);
  return proc;
}

// ---- PWAs played by the test --------------------------------------------------------------------------

type Pwa = {
  name: string;
  device: SigningDevice;
  actor: { userId: string; role: string };
  store: MemoryRecordStore;
  client: SyncClient;
  connector: WebSocketConnector;
};

async function enrolPwa(options: {
  hubUrl: string;
  name: string;
  userId: string;
  role: string;
  countyCode: string | null;
}): Promise<{ device: SigningDevice; actor: { userId: string; role: string } }> {
  const keys = await generateDeviceKeys({ extractable: false });
  const deviceId = `pwa-${options.name}-${createId()}`;
  const answer = await api<{ deviceId: string }>({
    url: `${options.hubUrl}/api/provision/device`,
    method: 'POST',
    body: {
      userId: options.userId,
      name: options.name,
      role: options.role,
      countyCode: options.countyCode,
      deviceId,
      publicKey: await exportPublicKey({ key: keys.publicKey }),
      kind: 'pwa',
    },
  });
  expect(answer.deviceId).toBe(deviceId);
  return {
    device: { deviceId, privateKey: keys.privateKey },
    actor: { userId: options.userId, role: options.role },
  };
}

const connectors: WebSocketConnector[] = [];

/** A PWA: a memory store and a SyncClient on a WebSocket to `relayUrl()`, with a fresh token per attempt. */
function connectPwa(options: {
  name: string;
  enrolled: { device: SigningDevice; actor: { userId: string; role: string } };
  relayUrl: () => string;
}): Pwa {
  const store = new MemoryRecordStore();
  const { device } = options.enrolled;
  const client = new SyncClient({ store, clientId: device.deviceId, cursorKey: 'cursor:relay' });
  const connector = client.connectWebSocket({
    url: async () =>
      `${options.relayUrl().replace(/^http/, 'ws')}/sync?token=${encodeURIComponent(await createDeviceToken({ device, now: Date.now() }))}`,
    WebSocketImpl: WebSocket,
    minDelayMs: 100,
    maxDelayMs: 500,
  });
  connectors.push(connector);
  connector.start();
  return { name: options.name, ...options.enrolled, store, client, connector };
}

/** Every proposal the test made: what the homes must decide, exactly once. */
const made = new Map<string, { recordId: string; type: string; by: string }>();

async function propose(pwa: Pwa, recordId: string, type: string, payload: unknown): Promise<string> {
  const { proposalId } = await proposeToStore({
    store: pwa.store,
    recordId,
    device: pwa.device,
    actor: pwa.actor,
    type,
    payload,
    at: Date.now(),
  });
  made.set(proposalId, { recordId, type, by: pwa.name });
  pwa.client.notifyLocalChange({ recordId });
  return proposalId;
}

async function receiveOrder(pwa: Pwa, countyCode: string): Promise<string> {
  const recordId = `order:${countyCode}:${createId()}`;
  await propose(pwa, recordId, 'receive', {
    orderId: recordId,
    channel: 'call',
    citizenPhone: '+8613812345678',
    citizenName: '王女士',
    itemCode: 'FAM-CLEANING',
    urgency: 'normal',
    address: '文三路 100 号',
    wantedAt: null,
    durationMinutes: null,
    notes: '',
  });
  return recordId;
}

// ---- HTTP ---------------------------------------------------------------------------------------------

async function api<T>(options: { url: string; method?: string; body?: unknown }): Promise<T> {
  const response = await fetch(options.url, {
    method: options.method ?? 'GET',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${options.method ?? 'GET'} ${options.url}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

const digest = (base: string, prefix: string) =>
  api<RecordDigests>({ url: `${base}/api/sync/digest?prefix=${encodeURIComponent(prefix)}` });
const report = (base: string, recordId: string) =>
  api<RecordReport>({ url: `${base}/api/records/${encodeURIComponent(recordId)}` });
const status = (base: string) =>
  api<{ provisioned: boolean; hub: { connected: boolean } | null }>({ url: `${base}/api/sync/status` });

// ---- waiting ------------------------------------------------------------------------------------------

/** Polls `check` until it returns no problems; fails with the last ones after `timeoutMs`. */
async function until(what: string, check: () => Promise<string[]>, timeoutMs = 30_000): Promise<number> {
  const started = Date.now();
  let problems: string[] = [];
  while (Date.now() - started < timeoutMs) {
    try {
      problems = await check();
    } catch (error) {
      problems = [error instanceof Error ? error.message : String(error)];
    }
    if (problems.length === 0) return Date.now() - started;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}:\n${problems.slice(0, 10).join('\n')}`);
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    sleep(ms).then(() => {
      throw new Error(`timed out: ${what}`);
    }),
  ]);
}

// ---- the scenario -------------------------------------------------------------------------------------

let base = '';
const timings: Record<string, number> = {};
const proxies = { A: new WanProxy(), B: new WanProxy() };

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'jz-sync-processes-'));
});

afterAll(async () => {
  for (const connector of connectors) await connector.stop();
  killAll();
  await Promise.all(Object.values(proxies).map((p) => p.close()));
  await rm(base, { recursive: true, force: true });
  console.log('sync-processes timings (ms):', JSON.stringify(timings));
});

test('hub and two appliances converge through a WAN cut and an appliance kill -9; every proposal decided once by its home', async () => {
  onTestFailed(() => {
    for (const proc of procs) console.error(`---- ${proc.name} ----\n${proc.output().slice(-6000)}`);
  });
  const t0 = Date.now();
  const mark = (name: string) => (timings[name] = Date.now() - t0);
  const proxyPorts = { A: await proxies.A.listen(), B: await proxies.B.listen() };

  // All three start at once: the appliances come up while the hub is still starting, and enrol once it is up.
  const hub = spawnPackage({
    name: 'hub',
    pkg: 'edge',
    env: { JZ_HUB_PORT: '0', JZ_HUB_DATA_DIR: join(base, 'hub'), JZ_HUB_ADMIN_TOKEN: ADMIN_TOKEN },
  });
  const applianceEnv = (county: string, proxyPort: number, port = '0') => ({
    COUNTY: county,
    HTTP_PORT: port,
    DATA_DIR: join(base, county),
    HUB_URL: `http://127.0.0.1:${proxyPort}`,
    HUB_ADMIN_TOKEN: ADMIN_TOKEN,
    HUB_RECONNECT_MAX_MS: '1000',
  });
  let appA = spawnPackage({
    name: 'appliance A',
    pkg: 'appliance',
    env: applianceEnv(countyA, proxyPorts.A),
  });
  const appB = spawnPackage({
    name: 'appliance B',
    pkg: 'appliance',
    env: applianceEnv(countyB, proxyPorts.B),
  });
  const hubUrl = await urlOf(hub);
  const hubPort = new URL(hubUrl).port;
  proxies.A.target(Number(hubPort));
  proxies.B.target(Number(hubPort));
  let urlA = await urlOf(appA);
  const urlB = await urlOf(appB);
  mark('processesUp');

  const linked = async (url: string, connected: boolean) => {
    const s = await status(url);
    return s.provisioned && s.hub?.connected === connected ? [] : [`${url}: ${JSON.stringify(s)}`];
  };
  await until('both appliances enrolled and connected to the hub', async () => [
    ...(await linked(urlA, true)),
    ...(await linked(urlB, true)),
  ]);
  mark('appliancesLinked');

  // PWAs: one seat per county at its appliance, and a central supervisor at the hub.
  const seatA = connectPwa({
    name: 'seat-a',
    enrolled: await enrolPwa({
      hubUrl,
      name: 'seat-a',
      userId: 'ct-a',
      role: 'call_taker',
      countyCode: countyA,
    }),
    relayUrl: () => urlA,
  });
  const seatB = connectPwa({
    name: 'seat-b',
    enrolled: await enrolPwa({
      hubUrl,
      name: 'seat-b',
      userId: 'ct-b',
      role: 'call_taker',
      countyCode: countyB,
    }),
    relayUrl: () => urlB,
  });
  const central = connectPwa({
    name: 'central',
    enrolled: await enrolPwa({
      hubUrl,
      name: 'central',
      userId: 'sv-central',
      role: 'supervisor',
      countyCode: null,
    }),
    relayUrl: () => hubUrl,
  });
  // The appliances learn of the new devices through the directory the hub pushes to them.
  await until('the PWAs connected', () =>
    Promise.resolve(
      [seatA, seatB, central].filter((p) => !p.client.connected).map((p) => `${p.name} not connected`),
    ),
  );
  mark('pwasConnected');

  // ---- online: orders and lifecycle changes at both counties ----
  const a1 = await receiveOrder(seatA, countyA);
  await propose(seatA, a1, 'awaitDispatch', {});
  const a2 = await receiveOrder(seatA, countyA);
  await propose(seatA, a2, 'answerInformation', { answer: '已电话答复' });
  const a3 = await receiveOrder(seatA, countyA);
  await propose(seatA, a3, 'awaitDispatch', {});
  await propose(seatA, a3, 'cancel', { reason: '市民取消' });
  const b1 = await receiveOrder(seatB, countyB);
  await propose(seatB, b1, 'awaitDispatch', {});
  const b2 = await receiveOrder(seatB, countyB);

  /** Hub and appliances hold the same bytes of every record they share. */
  const divergences = async (): Promise<string[]> => {
    const problems: string[] = [];
    const pairs: Array<[string, string, string]> = [
      ['A', urlA, `order:${countyA}:`],
      ['B', urlB, `order:${countyB}:`],
      ['A', urlA, 'directory:'],
      ['B', urlB, 'directory:'],
    ];
    for (const [name, url, prefix] of pairs) {
      const [atHub, atAppliance] = await Promise.all([digest(hubUrl, prefix), digest(url, prefix)]);
      if (JSON.stringify(atHub.records) !== JSON.stringify(atAppliance.records)) {
        problems.push(`${prefix} differs between the hub and appliance ${name}`);
      }
    }
    return problems;
  };
  /** At the hub: every proposal made is there, decided exactly once; nothing is pending. */
  const undecided = async (): Promise<string[]> => {
    const problems: string[] = [];
    const records = new Set([...made.values()].map((m) => m.recordId));
    for (const recordId of records) {
      const r = await report(hubUrl, recordId).catch(() => null);
      if (!r) {
        problems.push(`${recordId} not at the hub`);
        continue;
      }
      if (r.pending > 0) problems.push(`${recordId}: ${r.pending} pending`);
      for (const [proposalId, m] of made) {
        if (m.recordId !== recordId) continue;
        const decisions = r.log.filter((e) => e.proposalId === proposalId).length;
        if (decisions !== 1)
          problems.push(`${m.type} ${proposalId} on ${recordId} decided ${decisions} times`);
      }
    }
    return problems;
  };
  await within(Promise.all([seatA.client.idle(), seatB.client.idle()]), 15_000, 'the seats pushing');
  timings.onlineConvergedMs = await until('online convergence', async () => [
    ...(await divergences()),
    ...(await undecided()),
  ]);
  await until('the central PWA holding order A1', async () =>
    (await central.store.readRecord({ recordId: a1 })) ? [] : ['central has no A1'],
  );
  expect((await report(hubUrl, a1)).accepted).toMatchObject({ status: 'awaiting_dispatch' });
  expect((await report(hubUrl, a2)).accepted).toMatchObject({ status: 'closed' });
  expect((await report(hubUrl, b2)).accepted).toMatchObject({ status: 'received' });
  mark('onlinePhaseDone');

  // ---- the WAN goes down; both counties keep working ----
  proxies.A.cut();
  proxies.B.cut();
  await until('both appliances to notice the WAN is down', async () => [
    ...(await linked(urlA, false)),
    ...(await linked(urlB, false)),
  ]);
  const a4 = await receiveOrder(seatA, countyA);
  await propose(seatA, a4, 'awaitDispatch', {});
  await propose(seatB, b1, 'cancel', { reason: '已找到服务' });
  const b3 = await receiveOrder(seatB, countyB);
  // The central office, connected to the hub, cancels one of county A's orders: only county A may decide it.
  const centralCancel = await propose(central, a1, 'cancel', { reason: '中心核查：重复工单' });
  await within(
    Promise.all([seatA.client.idle(), seatB.client.idle(), central.client.idle()]),
    15_000,
    'pushing during the partition',
  );
  // Homes decide while cut off from the hub...
  await until('the appliances deciding offline', async () => {
    const [ra4, rb3] = await Promise.all([report(urlA, a4), report(urlB, b3)]);
    return [ra4, rb3].filter((r) => r.pending > 0).map((r) => `${r.recordId} pending at its appliance`);
  });
  // ...and the hub, which is not the home of county orders, does not decide the central cancel.
  await sleep(500);
  const atHubDuringCut = await report(hubUrl, a1);
  expect(atHubDuringCut.proposals.find((p) => p.id === centralCancel)?.decision).toBe('pending');
  expect(atHubDuringCut.pending).toBe(1);
  mark('partitionWritesDone');

  // ---- appliance A is killed (-9) mid-partition and started again on the same data directory ----
  const a5 = await receiveOrder(seatA, countyA);
  await within(seatA.client.idle(), 15_000, 'A5 stored at appliance A');
  appA.child.kill('SIGKILL');
  await appA.exited;
  const portA = new URL(urlA).port;
  appA = spawnPackage({
    name: 'appliance A (restarted)',
    pkg: 'appliance',
    env: applianceEnv(countyA, proxyPorts.A, portA),
  });
  urlA = await urlOf(appA);
  mark('applianceARestarted');
  await until('seat A reconnected to the restarted appliance', () =>
    Promise.resolve(seatA.client.connected ? [] : ['seat A not connected']),
  );
  await propose(seatA, a5, 'awaitDispatch', {});
  await within(seatA.client.idle(), 15_000, 'seat A pushing after the restart');
  await until('the restarted appliance deciding A5', async () => {
    const r = await report(urlA, a5);
    return r.pending === 0 && r.proposals.length === 2
      ? []
      : [`A5: ${r.pending} pending of ${r.proposals.length}`];
  });
  expect(await status(urlA)).toMatchObject({ provisioned: true, hub: { connected: false } });

  // ---- the WAN comes back ----
  proxies.A.restore();
  proxies.B.restore();
  timings.healedConvergedMs = await until(
    'convergence after the WAN is back',
    async () => [...(await divergences()), ...(await undecided())],
    45_000,
  );
  mark('converged');

  // Every proposal made anywhere was decided exactly once and accepted (the test made only valid ones).
  for (const [proposalId, m] of made) {
    const r = await report(hubUrl, m.recordId);
    expect(
      r.log.filter((e) => e.proposalId === proposalId),
      `${m.type} by ${m.by}`,
    ).toHaveLength(1);
    expect(r.proposals.find((p) => p.id === proposalId)?.decision, `${m.type} by ${m.by}`).toBe('accepted');
    expect(r.logLength).toBe(r.log.length);
  }
  expect(made.size).toBe(17);
  // The central cancel was decided at county A's appliance, its home: the hub held it pending until then.
  const a1AtHub = await report(hubUrl, a1);
  const a1AtA = await report(urlA, a1);
  expect(a1AtHub.accepted).toMatchObject({ status: 'cancelled' });
  expect(a1AtA.accepted).toEqual(a1AtHub.accepted);
  expect(a1AtA.proposals.find((p) => p.id === centralCancel)).toMatchObject({
    decision: 'accepted',
    userId: 'sv-central',
  });
  expect((await report(hubUrl, b1)).accepted).toMatchObject({ status: 'cancelled' });
  expect((await report(hubUrl, a3)).accepted).toMatchObject({ status: 'cancelled' });

  // ---- the stock y-websocket client sees the same record at the appliance and at the hub ----
  const openStock = (url: string) => {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(`${url.replace(/^http/, 'ws')}/yjs`, a1, doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      params: { token: '' },
      disableBc: true,
      connect: false,
    });
    return { doc, provider };
  };
  const stock = [openStock(urlA), openStock(hubUrl)];
  try {
    for (const { provider } of stock) {
      provider.params = { token: await createDeviceToken({ device: seatA.device, now: Date.now() }) };
      provider.connect();
    }
    await until('the stock y-websocket clients synced', () =>
      Promise.resolve(stock.filter((s) => !s.provider.synced).map(() => 'not synced')),
    );
    const counts = stock.map(({ doc }) => ({
      proposals: doc.getArray('proposals').length,
      log: doc.getArray('log').length,
    }));
    expect(counts[0]).toEqual({ proposals: 3, log: 3 });
    expect(counts[1]).toEqual(counts[0]);
    expect(counts[1]).toEqual({ proposals: a1AtHub.proposals.length, log: a1AtHub.logLength });
  } finally {
    for (const { provider } of stock) provider.destroy();
  }
  mark('stockClientsChecked');

  // ---- clean shutdown ----
  for (const connector of connectors.splice(0)) await connector.stop();
  for (const proc of [appA, appB, hub]) proc.child.kill('SIGTERM');
  expect(await Promise.all([appA.exited, appB.exited, hub.exited])).toEqual([0, 0, 0]);
  mark('stopped');
}, 150_000);
