// Target 2: how many realistic small updates per second the hub merges into records held as bytes.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryRecordStore } from '../../src/adapters/storage/memory-record-store';
import { PgliteRecordStore } from '../../src/adapters/storage/pglite-record-store';
import type { RecordStore } from '../../src/ports/record-store';
import type { RecordPolicy } from '../../src/relay/record-policy';
import { SyncServer } from '../../src/relay/sync-server';
import { createReplicaPolicy } from '../../src/replica/replica-policy';
import type { SyncPeer } from '../../src/replica/sync-peer';
import { appendChanges, buildOrder, countyA, t0, type World } from '../lib/fixture';
import { log } from '../lib/util';

type Update = { recordId: string; update: Uint8Array; fullState: Uint8Array };

export type Workload = {
  records: number;
  /** Each record as the hub first got it: the `receive` proposal, then its log entry. */
  initial: Array<{ recordId: string; update: Uint8Array }>;
  /** Later changes, interleaved across records: proposals, log entries and field edits, one update each. */
  updates: Update[];
  meanUpdateBytes: number;
};

/** `records` new orders, then `changesPerRecord` changes to each, round-robin over the records. */
export function buildWorkload(options: {
  world: World;
  records: number;
  changesPerRecord: number;
}): Workload {
  const { world } = options;
  const counter = { value: 0 };
  const orders = Array.from({ length: options.records }, (_, n) =>
    buildOrder({
      world,
      seat: world.pwa,
      county: countyA,
      n,
      at: t0 + n * 1000,
      changes: 0,
      changeCounter: counter,
    }),
  );
  const initial = orders.flatMap((o) => o.updates.map((update) => ({ recordId: o.recordId, update })));
  const updates: Update[] = [];
  for (let round = 0; round < options.changesPerRecord; round++) {
    for (const order of orders) {
      const made: Uint8Array[] = [];
      appendChanges({
        writer: order.writer,
        seat: world.pwa,
        steps: order.remaining,
        updates: made,
        changes: 1,
        counter,
      });
      // The naive way sends the whole record after each update: the state at that point.
      const fullState = order.writer.state();
      for (const update of made) updates.push({ recordId: order.recordId, update, fullState });
    }
  }
  for (const order of orders) order.writer.doc.destroy();
  const bytes = updates.reduce((sum, u) => sum + u.update.length, 0);
  return { records: options.records, initial, updates, meanUpdateBytes: bytes / updates.length };
}

export type Throughput = { updates: number; seconds: number; perSecond: number };

async function timed(count: number, run: () => Promise<void>): Promise<Throughput> {
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  return { updates: count, seconds, perSecond: count / seconds };
}

async function seed(store: RecordStore, workload: Workload, records: number): Promise<void> {
  const keep = new Set(workload.initial.slice(0, records * 2).map((u) => u.recordId));
  for (const { recordId, update } of workload.initial)
    if (keep.has(recordId)) await store.appendUpdate({ recordId, update });
}

export async function mergeThroughputSection(options: { world: World; tmpDir: string; records: number }) {
  const { world } = options;
  log(
    `merge throughput: building ${options.records.toLocaleString('en-US')} records and their changes (setup)…`,
  );
  const workload = buildWorkload({ world, records: options.records, changesPerRecord: 2 });
  const { updates } = workload;

  const memory = await MemoryRecordStore.open();
  await seed(memory, workload, workload.records);
  log(`merge throughput: ${updates.length} updates into MemoryRecordStore…`);
  const store = await timed(updates.length, async () => {
    for (const { recordId, update } of updates) await memory.appendUpdate({ recordId, update });
  });

  const naiveStore = await MemoryRecordStore.open();
  await seed(naiveStore, workload, workload.records);
  const naive = await timed(updates.length, async () => {
    for (const { recordId, fullState } of updates)
      await naiveStore.appendUpdate({ recordId, update: fullState });
  });

  // The relay's whole write path (no transport): record-id and read checks, the update's shape and
  // dependencies, the policy, the store, the (empty) broadcast. An appliance writes its own county's orders.
  // A quarter of the records (and their updates) is enough to see the relay's cost per update.
  const relayRecords = Math.ceil(workload.records / 4);
  const relaySeeded = new Set(workload.initial.slice(0, relayRecords * 2).map((u) => u.recordId));
  const relayUpdates = updates.filter((u) => relaySeeded.has(u.recordId));
  const relay = async (policy: RecordPolicy<SyncPeer>): Promise<Throughput> => {
    const relayStore = await MemoryRecordStore.open();
    await seed(relayStore, workload, relayRecords);
    const server = new SyncServer<SyncPeer>({ store: relayStore, policy, serverId: 'hub-bench' });
    const peer = world.applianceA.peer;
    const result = await timed(relayUpdates.length, async () => {
      for (const { recordId, update } of relayUpdates) {
        const outcome = await server.write({ peer, recordId, update, origin: null });
        if (!outcome.ok) throw new Error(`the relay refused a bench update: ${outcome.code}`);
      }
    });
    await server.stop();
    return result;
  };
  const replicaPolicy = createReplicaPolicy({ self: { kind: 'hub' }, sequence: () => Promise.resolve() });
  log('merge throughput: through SyncServer.write, with and without checkWrite…');
  const relayChecked = await relay(replicaPolicy);
  const relayUnchecked = await relay({ ...replicaPolicy, checkWrite: () => ({ ok: true }) });

  // PGlite as the hub opens it (durable: fsync on). Far slower, so fewer records and updates.
  const pgliteRecords = 200;
  const pgliteDir = mkdtempSync(join(options.tmpDir, 'pglite-'));
  const pglite = await PgliteRecordStore.open({ dataDir: pgliteDir });
  await seed(pglite, workload, pgliteRecords);
  const pgliteSeeded = new Set(workload.initial.slice(0, pgliteRecords * 2).map((u) => u.recordId));
  const pgliteBatch = updates.filter((u) => pgliteSeeded.has(u.recordId));
  log(`merge throughput: ${pgliteBatch.length} updates into PGlite (durable)…`);
  const pgliteResult = await timed(pgliteBatch.length, async () => {
    for (const { recordId, update } of pgliteBatch) await pglite.appendUpdate({ recordId, update });
  });
  await pglite.close();
  rmSync(pgliteDir, { recursive: true, force: true });

  return {
    records: workload.records,
    meanUpdateBytes: workload.meanUpdateBytes,
    meanFullStateBytes: updates.reduce((sum, u) => sum + u.fullState.length, 0) / updates.length,
    store,
    naive,
    relayRecords,
    relayChecked,
    relayUnchecked,
    pglite: { ...pgliteResult, records: pgliteRecords },
  };
}
