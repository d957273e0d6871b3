// Target 4: appliance A → hub → another replica over WebSockets on 127.0.0.1, 50 changes per second.
import { join } from 'node:path';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { WebSocket } from 'ws';
import { MemoryRecordStore } from '../../src/adapters/storage/memory-record-store';
import { fieldsOf } from '../../src/records/record-doc';
import { SyncClient } from '../../src/relay/sync-client';
import type { WebSocketConnector } from '../../src/relay/websocket-connector';
import { setFieldInStore } from '../../src/replica/local-writes';
import type { SyncPeer } from '../../src/replica/sync-peer';
import { buildOrder, countyA, directoryId, t0, type BenchDevice, type World } from '../lib/fixture';
import { HubProcess, hubCpuSeconds } from '../lib/hub-handle';
import { writeRecordsFile, type RecordUpdate } from '../lib/records-file';
import { destroyAll, log, mapLimit, percentile, sleep, waitFor, WebSocketPolyfill } from '../lib/util';

const pingKey = 'ping';

/** A MemoryRecordStore that also applies every update to a live copy, to see each change as it lands. */
class WatchedStore extends MemoryRecordStore {
  readonly mirrors = new Map<string, Y.Doc>();

  override appendUpdate(options: { recordId: string; update: Uint8Array }) {
    const result = super.appendUpdate(options);
    let mirror = this.mirrors.get(options.recordId);
    if (!mirror) this.mirrors.set(options.recordId, (mirror = new Y.Doc()));
    Y.applyUpdate(mirror, options.update);
    return result;
  }

  ping(recordId: string): unknown {
    const mirror = this.mirrors.get(recordId);
    return mirror ? fieldsOf(mirror).get(pingKey) : undefined;
  }
}

export type LatencyRun = {
  records: number;
  writes: number;
  seen: number;
  p50: number;
  p99: number;
  max: number;
  hubCpuSeconds: number;
  /** Writes per second A actually made (below the rate when a write takes longer than its slot). */
  achievedRate: number;
};

/**
 * Write i goes to record i mod n with the value "i". When the reader sees value i on a record, write i
 * and every earlier write to that record not seen yet (a later value supersedes them) have arrived.
 */
class Tracker {
  readonly #written: number[] = [];
  readonly #pending = new Map<string, number[]>();
  readonly latencies: number[] = [];

  write(recordId: string): number {
    const i = this.#written.push(performance.now()) - 1;
    const pending = this.#pending.get(recordId) ?? [];
    pending.push(i);
    this.#pending.set(recordId, pending);
    return i;
  }

  saw(recordId: string, value: unknown): void {
    const at = performance.now();
    const seen = typeof value === 'string' ? Number(value) : -1;
    const pending = this.#pending.get(recordId);
    while (pending && pending.length > 0 && (pending[0] ?? Infinity) <= seen) {
      const i = pending.shift() ?? 0;
      this.latencies.push(at - (this.#written[i] ?? at));
    }
  }

  get done(): boolean {
    return this.latencies.length === this.#written.length;
  }

  summary(): Omit<LatencyRun, 'hubCpuSeconds' | 'records' | 'achievedRate'> {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return {
      writes: this.#written.length,
      seen: sorted.length,
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      max: sorted.at(-1) ?? Number.NaN,
    };
  }
}

/** Makes rate × seconds writes on schedule; returns the rate achieved. */
async function paced(options: {
  rate: number;
  seconds: number;
  write: (i: number) => Promise<void>;
}): Promise<number> {
  const count = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const wait = started + i * interval - performance.now();
    if (wait > 0) await sleep(wait);
    await options.write(i);
  }
  return count / ((performance.now() - started + interval) / 1000);
}

type Scenario = {
  records: string[];
  /** What every replica holds before the run. */
  seed: RecordUpdate[];
  writer: BenchDevice;
  reader: SyncPeer;
};

async function withHub<T>(
  options: { world: World; tmpDir: string; scenario: Scenario },
  run: (hub: HubProcess) => Promise<T>,
): Promise<T> {
  const { world, scenario } = options;
  const seedFile = join(options.tmpDir, 'latency-seed.bin');
  writeRecordsFile({ path: seedFile, records: scenario.seed });
  const hub = await HubProcess.start({
    store: 'memory',
    policy: 'replica',
    seedFile,
    tokens: { 'token-writer': scenario.writer.peer, 'token-reader': scenario.reader },
    hubSigner: world.hubSigner,
    directoryId,
    serverId: 'hub-bench',
  });
  try {
    return await run(hub);
  } finally {
    await hub.stop();
  }
}

/** The bulk protocol: A's SyncClient pushes each local write, B's SyncClient applies the hub's UPDATE. */
async function runBulk(options: {
  world: World;
  tmpDir: string;
  scenario: Scenario;
  rate: number;
  seconds: number;
}): Promise<LatencyRun> {
  const { scenario } = options;
  return withHub(options, async (hub) => {
    const connectors: WebSocketConnector[] = [];
    const connect = async (
      clientId: string,
      token: string,
      store: WatchedStore,
      onChange?: (id: string) => void,
    ) => {
      for (const { recordId, update } of scenario.seed) await store.appendUpdate({ recordId, update });
      const client = new SyncClient({
        store,
        clientId,
        cursorKey: 'sync:hub',
        ...(onChange ? { onRecordChange: ({ recordId }: { recordId: string }) => onChange(recordId) } : {}),
      });
      const connector = client.connectWebSocket({
        url: `ws://127.0.0.1:${hub.port}/sync?token=${token}`,
        WebSocketImpl: WebSocket,
      });
      connectors.push(connector);
      connector.start();
      await client.idle(); // catch-up first: B holds every record, so live UPDATEs of them apply
      return client;
    };
    const tracker = new Tracker();
    const storeB = new WatchedStore();
    await connect(scenario.reader.id, 'token-reader', storeB, (id) => tracker.saw(id, storeB.ping(id)));
    const storeA = new WatchedStore();
    const clientA = await connect(scenario.writer.deviceId, 'token-writer', storeA);
    const before = await hub.usage();
    const achievedRate = await paced({
      rate: options.rate,
      seconds: options.seconds,
      write: async (i) => {
        const recordId = scenario.records[i % scenario.records.length] ?? directoryId;
        const value = String(tracker.write(recordId));
        await setFieldInStore({ store: storeA, recordId, key: pingKey, value });
        clientA.notifyLocalChange({ recordId });
      },
    });
    await waitFor(() => tracker.done, 'B to see the last write', 120_000);
    const after = await hub.usage();
    for (const connector of connectors) await connector.stop();
    return {
      ...tracker.summary(),
      records: scenario.records.length,
      hubCpuSeconds: hubCpuSeconds(before, after),
      achievedRate,
    };
  });
}

/** The naive way: the stock y-websocket client, one room per record on each side. */
async function runNaive(options: {
  world: World;
  tmpDir: string;
  scenario: Scenario;
  rate: number;
  seconds: number;
}): Promise<LatencyRun> {
  const { scenario } = options;
  return withHub(options, async (hub) => {
    const providers: WebsocketProvider[] = [];
    const previousMax = process.getMaxListeners();
    process.setMaxListeners(0); // every provider adds an exit listener
    try {
      const open = async (token: string) => {
        const docs = new Map<string, Y.Doc>();
        await mapLimit(scenario.records, 50, async (recordId) => {
          const doc = new Y.Doc();
          const provider = new WebsocketProvider(`ws://127.0.0.1:${hub.port}/yjs`, recordId, doc, {
            WebSocketPolyfill,
            params: { token },
            disableBc: true,
          });
          providers.push(provider);
          await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
          docs.set(recordId, doc);
        });
        return docs;
      };
      const tracker = new Tracker();
      const readers = await open('token-reader');
      for (const [recordId, doc] of readers)
        fieldsOf(doc).observe(() => tracker.saw(recordId, fieldsOf(doc).get(pingKey)));
      const writers = await open('token-writer');
      const before = await hub.usage();
      const achievedRate = await paced({
        rate: options.rate,
        seconds: options.seconds,
        write: (i) => {
          const recordId = scenario.records[i % scenario.records.length] ?? directoryId;
          const doc = writers.get(recordId);
          doc?.getMap('fields').set(pingKey, String(tracker.write(recordId)));
          return Promise.resolve();
        },
      });
      await waitFor(() => tracker.done, 'the y-websocket reader to see the last write', 120_000);
      const after = await hub.usage();
      return {
        ...tracker.summary(),
        records: scenario.records.length,
        hubCpuSeconds: hubCpuSeconds(before, after),
        achievedRate,
      };
    } finally {
      destroyAll(providers);
      process.setMaxListeners(previousMax);
    }
  });
}

export { runBulk, runNaive };
export type { Scenario };
export async function latencySection(options: {
  world: World;
  tmpDir: string;
  rate: number;
  seconds: number;
  hotSeconds: number;
  naiveSeconds: number;
  orders: number;
}) {
  const { world } = options;
  const counter = { value: 0 };
  const orders = Array.from({ length: options.orders }, (_, n) => {
    const order = buildOrder({
      world,
      seat: world.pwa,
      county: countyA,
      n,
      at: t0 + n,
      changes: n % 3,
      changeCounter: counter,
    });
    const seeded = { recordId: order.recordId, update: order.writer.state() };
    order.writer.doc.destroy();
    return seeded;
  });
  const directory = { recordId: directoryId, update: world.directoryUpdate };
  // County A's appliance edits its own orders; the centre's replica (it reads every county) follows them.
  const spread: Scenario = {
    records: orders.map((o) => o.recordId),
    seed: [directory, ...orders],
    writer: world.applianceA,
    reader: world.centre.peer,
  };
  // One hot record both county appliances may write: the directory's free fields.
  const hot: Scenario = {
    records: [directoryId],
    seed: [directory],
    writer: world.applianceA,
    reader: world.applianceB.peer,
  };
  const common = { world, tmpDir: options.tmpDir, rate: options.rate };
  log(`latency: ${options.rate}/s over ${options.orders} orders for ${options.seconds} s…`);
  const bulk = await runBulk({ ...common, scenario: spread, seconds: options.seconds });
  log(`latency: ${options.rate}/s on the directory alone for ${options.hotSeconds} s…`);
  const bulkHot = await runBulk({ ...common, scenario: hot, seconds: options.hotSeconds });
  log(
    `latency: the stock y-websocket client over the ${options.orders} orders for ${options.naiveSeconds} s…`,
  );
  const naive = await runNaive({ ...common, scenario: spread, seconds: options.naiveSeconds });
  return { bulk, bulkHot, naive, rate: options.rate };
}
