// Target 3: a county back after a 7-day outage pushes 35,000 new orders and 70,000 changes to the hub.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { MemoryRecordStore } from '../../src/adapters/storage/memory-record-store';
import { totalOf } from '../../src/relay/frame-stats';
import { SyncClient } from '../../src/relay/sync-client';
import { WebSocket } from 'ws';
import { appendChanges, buildOrder, countyA, directoryId, t0, type World } from '../lib/fixture';
import { HubProcess, hubCpuSeconds } from '../lib/hub-handle';
import type { HubConfig, HubUsage } from '../lib/hub-protocol';
import { writeRecordsFile, type RecordUpdate } from '../lib/records-file';
import { WebSocketPolyfill, destroyAll, log, mapLimit, waitFor } from '../lib/util';

export const outage = { newOrders: 35_000, changes: 70_000, openOrdersBefore: 10_000 } as const;
/** Changes made during the outage to the orders already open before it (the rest go to new orders). */
const changesPerOpenOrder = 2;
/** Changes per new order, cycling: 10 per 7 orders, so 35,000 new orders take 50,000 changes. */
const newOrderChanges = [0, 1, 1, 2, 2, 2, 2];

export type CountyData = {
  /** What hub and appliance both held when the link went down: the directory and the open orders. */
  before: RecordUpdate[];
  /** What the appliance stored during the outage, one merged update per changed record. */
  during: RecordUpdate[];
  newOrders: number;
  changes: number;
  signatures: number;
  /** Bytes of the outage's updates, as the appliance stored them (one update per change). */
  updateBytes: number;
};

/** Generates the county's week (setup, not measured). */
export function buildCountyWeek(options: { world: World; scale?: number }): CountyData {
  const { world } = options;
  const scale = options.scale ?? 1;
  const seat = world.pwa;
  const before: RecordUpdate[] = [{ recordId: directoryId, update: world.directoryUpdate }];
  const during: RecordUpdate[] = [];
  const warmUp = { value: 0 };
  const open = Array.from({ length: Math.round(outage.openOrdersBefore * scale) }, (_, n) => {
    const order = buildOrder({
      world,
      seat,
      county: countyA,
      n,
      at: t0 - 3 * 86_400_000 + n * 10_000,
      changes: n % 3,
      changeCounter: warmUp,
    });
    before.push({ recordId: order.recordId, update: order.writer.state() });
    return order;
  });
  const counter = { value: 0 };
  let signatures = 0;
  let updateBytes = 0;
  const count = (updates: Uint8Array[]) => {
    updateBytes += updates.reduce((sum, u) => sum + u.length, 0);
    return Y.mergeUpdates(updates);
  };
  for (const order of open) {
    const updates: Uint8Array[] = [];
    signatures += appendChanges({
      writer: order.writer,
      seat,
      steps: order.remaining,
      updates,
      changes: changesPerOpenOrder,
      counter,
    });
    during.push({ recordId: order.recordId, update: count(updates) });
    order.writer.doc.destroy();
  }
  const newOrders = Math.round(outage.newOrders * scale);
  for (let n = 0; n < newOrders; n++) {
    const changes = newOrderChanges[n % newOrderChanges.length] ?? 0;
    const order = buildOrder({
      world,
      seat,
      county: countyA,
      n: outage.openOrdersBefore + n,
      at: t0 + n * 17_000,
      changes,
      changeCounter: counter,
    });
    signatures += order.signed;
    during.push({ recordId: order.recordId, update: count(order.updates) });
    order.writer.doc.destroy();
  }
  return {
    before,
    during,
    newOrders,
    changes: counter.value,
    signatures,
    updateBytes,
  };
}

/** The appliance's store at reconnection: synced up to the outage, then a week of local writes. */
async function applianceStore(options: {
  data: CountyData;
  hubSeq: number;
  serverId: string;
}): Promise<MemoryRecordStore> {
  const store = await MemoryRecordStore.open();
  for (const { recordId, update } of options.data.before) await store.appendUpdate({ recordId, update });
  await store.setMeta({ key: 'sync:hub', value: String(options.hubSeq) });
  await store.setMeta({ key: 'sync:hub:server', value: options.serverId });
  await store.setMeta({ key: 'sync:hub:push', value: String(await store.currentSeq()) });
  for (const { recordId, update } of options.data.during) await store.appendUpdate({ recordId, update });
  return store;
}

export type CatchUpRun = {
  policy: HubConfig['policy'];
  wallSeconds: number;
  hubCpuSeconds: number;
  recordsStored: number;
  frameBytes: number;
  tcpBytes: number;
  refused: number;
};

function hubConfig(options: {
  world: World;
  seedFile: string;
  policy: HubConfig['policy'];
  pgliteDir?: string | undefined;
}): HubConfig {
  const { world } = options;
  return {
    ...(options.pgliteDir ? { store: 'pglite', dataDir: options.pgliteDir } : { store: 'memory' }),
    policy: options.policy,
    seedFile: options.seedFile,
    tokens: { [`token-${countyA}`]: world.applianceA.peer },
    hubSigner: world.hubSigner,
    directoryId,
    serverId: 'hub-bench',
  };
}

function tcpOf(before: HubUsage, after: HubUsage): number {
  return after.tcpRead - before.tcpRead + after.tcpWritten - before.tcpWritten;
}

/** Every `total / count`-th changed record of the week, with what hub and appliance held of them before. */
export function sampleWeek(options: { data: CountyData; count: number }): CountyData {
  const { data } = options;
  const stride = Math.max(1, Math.floor(data.during.length / options.count));
  const during = data.during.filter((_, i) => i % stride === 0).slice(0, options.count);
  const picked = new Set(during.map((r) => r.recordId));
  const before = data.before.filter((r) => r.recordId === directoryId || picked.has(r.recordId));
  const share = during.length / data.during.length;
  return {
    before,
    during,
    newOrders: Math.round(data.newOrders * share),
    changes: Math.round(data.changes * share),
    signatures: Math.round(data.signatures * share),
    updateBytes: Math.round(data.updateBytes * share),
  };
}

/** The appliance's SyncClient pushes the week to a hub process over a WebSocket on 127.0.0.1. */
export async function runCatchUp(options: {
  world: World;
  data: CountyData;
  seedFile: string;
  policy: HubConfig['policy'];
  /** Run the hub on PGlite (durable) in this directory instead of MemoryRecordStore. */
  pgliteDir?: string;
  execArgv?: string[];
}): Promise<CatchUpRun> {
  const hub = await HubProcess.start(hubConfig(options), { execArgv: options.execArgv ?? [] });
  try {
    const hubSeq = await hub.seq();
    const store = await applianceStore({ data: options.data, hubSeq, serverId: 'hub-bench' });
    const client = new SyncClient({
      store,
      clientId: options.world.applianceA.deviceId,
      cursorKey: 'sync:hub',
      livePullDelayMs: 0,
    });
    const before = await hub.usage();
    const started = performance.now();
    const connector = client.connectWebSocket({
      url: `ws://127.0.0.1:${hub.port}/sync?token=token-${countyA}`,
      WebSocketImpl: WebSocket,
    });
    connector.start();
    await client.idle();
    await hub.idle();
    const wallSeconds = (performance.now() - started) / 1000;
    const after = await hub.usage();
    const stats = client.stats();
    await connector.stop();
    const recordsStored = (await hub.seq()) - hubSeq;
    if (recordsStored !== options.data.during.length)
      throw new Error(`the hub stored ${recordsStored} of ${options.data.during.length} records`);
    return {
      policy: options.policy,
      wallSeconds,
      hubCpuSeconds: hubCpuSeconds(before, after),
      recordsStored,
      frameBytes: totalOf(stats.sent).bytes + totalOf(stats.received).bytes,
      tcpBytes: tcpOf(before, after),
      refused: after.refused - before.refused,
    };
  } finally {
    await hub.stop();
  }
}

export type NaiveCatchUp = {
  sample: number;
  wallSeconds: number;
  hubCpuSeconds: number;
  tcpBytes: number;
  recordsStored: number;
};

/**
 * The naive way on a sample of the changed records: the stock y-websocket client opens one room per
 * record at the hub's `/yjs/<id>` endpoint with the appliance's copy and syncs it (the same hub, store
 * and policy behind it). Measured for the sample; the caller scales to the whole week.
 */
export async function runNaiveCatchUp(options: {
  world: World;
  data: CountyData;
  seedFile: string;
  sample: number;
}): Promise<NaiveCatchUp> {
  const { data } = options;
  const hub = await HubProcess.start(hubConfig({ ...options, policy: 'replica' }));
  const picked = sampleWeek({ data, count: options.sample }).during;
  const full = new Map(data.before.map((r) => [r.recordId, r.update]));
  const providers: WebsocketProvider[] = [];
  const previousMax = process.getMaxListeners();
  process.setMaxListeners(0); // every provider adds an exit listener
  try {
    const hubSeq = await hub.seq();
    const before = await hub.usage();
    const started = performance.now();
    await mapLimit(picked, 50, async ({ recordId, update }) => {
      const doc = new Y.Doc();
      const earlier = full.get(recordId);
      if (earlier) Y.applyUpdate(doc, earlier);
      Y.applyUpdate(doc, update);
      const provider = new WebsocketProvider(`ws://127.0.0.1:${hub.port}/yjs`, recordId, doc, {
        WebSocketPolyfill,
        params: { token: `token-${countyA}` },
        disableBc: true,
      });
      providers.push(provider);
      await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
    });
    // Its own step 2 went out before the relay's step 2 came back; wait until the hub stored them all.
    await waitFor(async () => {
      await hub.idle();
      return (await hub.seq()) - hubSeq >= picked.length;
    }, 'the hub to store the naive sample');
    const wallSeconds = (performance.now() - started) / 1000;
    const after = await hub.usage();
    destroyAll(providers);
    return {
      sample: picked.length,
      wallSeconds,
      hubCpuSeconds: hubCpuSeconds(before, after),
      tcpBytes: tcpOf(before, after),
      recordsStored: (await hub.seq()) - hubSeq,
    };
  } finally {
    destroyAll(providers);
    process.setMaxListeners(previousMax);
    await hub.stop();
  }
}

/** `scale` shrinks the week (for smoke runs; the targets are for the whole week). */
export async function catchUpSection(options: { world: World; tmpDir: string; scale?: number }) {
  const { world, tmpDir } = options;
  const scale = options.scale ?? 1;
  log('catch-up: generating the county week (setup, not measured)…');
  const setupStarted = performance.now();
  const data = buildCountyWeek({ world, scale });
  const seedFile = join(tmpDir, 'hub-seed.bin');
  writeRecordsFile({ path: seedFile, records: data.before });
  const setupSeconds = (performance.now() - setupStarted) / 1000;
  log(`catch-up: setup ${setupSeconds.toFixed(1)} s; pushing to a hub with the replica policy…`);
  const full = await runCatchUp({ world, data, seedFile, policy: 'replica' });
  log(`catch-up: ${full.wallSeconds.toFixed(1)} s wall; again without checkWrite…`);
  const unchecked = await runCatchUp({ world, data, seedFile, policy: 'replica-without-check' });
  log(`catch-up: ${unchecked.wallSeconds.toFixed(1)} s wall; a sample to a hub on PGlite…`);
  const sample = sampleWeek({ data, count: Math.round(600 * scale) });
  const sampleSeedFile = join(tmpDir, 'hub-seed-sample.bin');
  writeRecordsFile({ path: sampleSeedFile, records: sample.before });
  const pgliteDir = mkdtempSync(join(tmpDir, 'hub-pglite-'));
  const pglite = await runCatchUp({
    world,
    data: sample,
    seedFile: sampleSeedFile,
    policy: 'replica',
    pgliteDir,
  });
  rmSync(pgliteDir, { recursive: true, force: true });
  log('catch-up: a sample through the stock y-websocket client…');
  const naive = await runNaiveCatchUp({ world, data, seedFile, sample: Math.round(1_000 * scale) });
  return {
    data,
    full,
    unchecked,
    pglite: { ...pglite, sample: sample.during.length, scale: data.during.length / sample.during.length },
    naive: { ...naive, scale: data.during.length / naive.sample },
    setupSeconds,
  };
}
