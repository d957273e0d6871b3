// Target 5, in a process of its own: `node --expose-gc --import tsx bench/memory-probe.ts <records>`.
// Prints one JSON object (MemoryProbeResult) on stdout. Run by sync.bench.ts; usable alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import * as Y from 'yjs';
import { MemoryRecordStore } from '../src/adapters/storage/memory-record-store';
import { PgliteRecordStore } from '../src/adapters/storage/pglite-record-store';
import type { RecordStore } from '../src/ports/record-store';
import { buildOrder, countyA, createWorld, t0, type OrderHistory } from './lib/fixture';

export type MemoryProbeResult = {
  records: number;
  /** Mean bytes of a record's updates as appended, and of its merged state. */
  updateBytesPerRecord: number;
  stateBytesPerRecord: number;
  /** JS heap + ArrayBuffer bytes per record held in MemoryRecordStore: as appended, then compacted. */
  memoryStore: number;
  memoryStoreCompacted: number;
  /** The same for a loaded Y.Doc per record (what a y-websocket server keeps per open room). */
  liveDocs: { records: number; perRecord: number };
  /** PGlite keeps records on disk: what the JS side holds per record beyond that. */
  pglite: { records: number; heapPerRecord: number };
};

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const collect = gc;

function held(): number {
  for (let i = 0; i < 3; i++) collect();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const records = Number(process.argv[2] ?? 100_000);
const world = await createWorld();
/** A county's week, as in the catch-up: 10 changes per 7 orders, every fifth change a field edit. */
const changesOf = [0, 1, 1, 2, 2, 2, 2];
const counter = { value: 0 };
const order = (n: number): OrderHistory =>
  buildOrder({
    world,
    seat: world.pwa,
    county: countyA,
    n,
    at: t0 + n * 1000,
    changes: changesOf[n % changesOf.length] ?? 0,
    changeCounter: counter,
  });

async function load(
  store: RecordStore,
  count: number,
  offset: number,
): Promise<{ updates: number; state: number }> {
  let updates = 0;
  let state = 0;
  for (let n = 0; n < count; n++) {
    const history = order(offset + n);
    for (const update of history.updates) {
      await store.appendUpdate({ recordId: history.recordId, update });
      updates += update.length;
    }
    state += history.writer.state().length;
    history.writer.doc.destroy();
  }
  return { updates, state };
}

// Warm up every code path, so what is measured below is records, not compiled code.
await load(await MemoryRecordStore.open(), 2_000, 10_000_000);

/** Orders held as bytes in a MemoryRecordStore; returns the per-record figures and some states to load live. */
async function measureStore(liveCount: number) {
  const store = await MemoryRecordStore.open();
  const base = held();
  const sizes = await load(store, records, 0);
  const appended = held() - base;
  for (let after = 0; ;) {
    const changes = await store.listChanges({ after, limit: 10_000 });
    if (changes.length === 0) break;
    for (const change of changes) await store.compact({ recordId: change.recordId });
    after = changes.at(-1)?.seq ?? after;
  }
  const compacted = held() - base;
  const states: Uint8Array[] = [];
  for (const change of await store.listChanges({ after: 0, limit: liveCount })) {
    const record = await store.readRecord({ recordId: change.recordId });
    if (record) states.push(record.update);
  }
  return { sizes, appended, compacted, states };
}

/** The same records, each loaded into a Y.Doc that stays in memory (the store is gone by now). */
function measureLiveDocs(states: readonly Uint8Array[]): number {
  const base = held();
  const docs = states.map((state) => {
    const doc = new Y.Doc({ gc: true });
    Y.applyUpdate(doc, state);
    return doc;
  });
  const perDoc = (held() - base) / docs.length;
  for (const doc of docs) doc.destroy();
  return perDoc;
}

const liveCount = Math.min(10_000, records);
const { sizes, appended, compacted, states } = await measureStore(liveCount);
const liveDocs = measureLiveDocs(states);
states.length = 0;

// PGlite (fsync off here: memory, not durability, is measured): each record appended as one merged update.
async function measurePglite(count: number): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'jz-memory-pglite-'));
  const pglite = await PGlite.create({ dataDir });
  const store = await PgliteRecordStore.attach({ pglite });
  const put = async (from: number, n: number) => {
    for (let i = 0; i < n; i++) {
      const history = order(from + i);
      await store.appendUpdate({ recordId: history.recordId, update: history.writer.state() });
      history.writer.doc.destroy();
    }
  };
  // Postgres's buffer cache fills with the first records whatever their number: measure the growth
  // over a second batch, once the first has been written.
  await put(20_000_000, count);
  const base = held();
  await put(30_000_000, count);
  const perRecord = (held() - base) / count;
  await store.close();
  await pglite.close();
  rmSync(dataDir, { recursive: true, force: true });
  return perRecord;
}
const pgliteRecords = 600;
const pgliteHeld = await measurePglite(pgliteRecords);

const result: MemoryProbeResult = {
  records,
  updateBytesPerRecord: sizes.updates / records,
  stateBytesPerRecord: sizes.state / records,
  memoryStore: appended / records,
  memoryStoreCompacted: compacted / records,
  liveDocs: { records: liveCount, perRecord: liveDocs },
  pglite: { records: pgliteRecords, heapPerRecord: pgliteHeld },
};
process.stdout.write(`${JSON.stringify(result)}\n`);
