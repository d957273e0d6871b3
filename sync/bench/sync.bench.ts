// The sync benchmarks: `npm run bench -w @jiazheng/sync` prints them; `npm run bench:write -w
// @jiazheng/sync` (or `tsx bench/sync.bench.ts --write`) also rewrites the generated block of
// sync/BENCH.md. Each target of the sync issue is measured beside the naive way (one y-websocket room
// per record, full state each time) in the same run. `--quick` shrinks every size for a smoke run
// (its figures are not comparable and are never written). About 4 minutes on 2 cores.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorld } from './lib/fixture';
import {
  describeMachine,
  machine,
  markdownTable,
  meets,
  num,
  targetText,
  writeGeneratedBlock,
  type Target,
} from './lib/report';
import { log } from './lib/util';
import { catchUpSection, outage } from './sections/catch-up';
import { latencySection } from './sections/latency';
import { memorySection } from './sections/memory';
import { mergeThroughputSection } from './sections/merge-throughput';
import { wireBytesSection, type WireSample } from './sections/wire-bytes';

const write = process.argv.includes('--write');
const quick = process.argv.includes('--quick');
if (write && quick) throw new Error('--quick figures are not written to BENCH.md');

const started = performance.now();
const loadBefore = loadavg();
const tmpDir = mkdtempSync(join(tmpdir(), 'jz-sync-bench-'));
const here = describeMachine(machine());
const world = await createWorld();

const timings: string[] = [];
async function timed<T>(name: string, run: () => Promise<T>): Promise<T> {
  const at = performance.now();
  const result = await run();
  timings.push(`${name} ${num((performance.now() - at) / 1000)} s`);
  log(`${name}: ${num((performance.now() - at) / 1000)} s`);
  return result;
}

const wire = await timed('wire bytes', () => wireBytesSection({ world, orders: quick ? 2 : 10 }));
const merge = await timed('merge', () =>
  mergeThroughputSection({ world, tmpDir, records: quick ? 1_000 : 10_000 }),
);
const catchUp = await timed('catch-up', () => catchUpSection({ world, tmpDir, scale: quick ? 0.05 : 1 }));
const latency = await timed('latency', () =>
  latencySection({
    world,
    tmpDir,
    rate: 50,
    seconds: quick ? 4 : 20,
    hotSeconds: quick ? 2 : 10,
    naiveSeconds: quick ? 2 : 10,
    orders: 200,
  }),
);
const memory = await timed('memory', () => memorySection({ records: quick ? 5_000 : 40_000 }));
rmSync(tmpDir, { recursive: true, force: true });

// ---- the summary: one row per measured figure, beside its target and the naive way ------------------

const mean = (xs: readonly number[]) => xs.reduce((sum, x) => sum + x, 0) / Math.max(1, xs.length);
const of = (kind: WireSample['kind']) => wire.samples.filter((s) => s.kind === kind);
const stockOf = (kind: WireSample['kind']) =>
  mean(wire.stock.filter((s) => s.kind === kind).map((s) => s.tcp));
const types = [...new Set(wire.samples.map((s) => s.type))];
const byType = types.map((type) => {
  const samples = wire.samples.filter((s) => s.type === type);
  return {
    type,
    kind: samples[0]?.kind ?? 'field',
    samples: samples.length,
    frames: mean(samples.map((s) => s.frames)),
    tcp: mean(samples.map((s) => s.tcp)),
    upFrames: mean(samples.map((s) => s.upFrames)),
    naiveFullState: mean(samples.map((s) => s.naiveFullState)),
    stock: mean(wire.stock.filter((s) => s.type === type).map((s) => s.tcp)),
  };
});
const lifecycleTypes = byType.filter((t) => t.kind === 'lifecycle');
const largest = lifecycleTypes.reduce((a, b) => (b.frames > a.frames ? b : a));

const bytes = (n: number) => `${num(n)} B`;
const perSecond = (n: number) => `${num(n)} /s`;
const seconds = (n: number) => `${num(n, 1)} s`;
const ms = (n: number) => `${num(n, n < 10 ? 1 : 0)} ms`;

type Row = { id: string; what: string; value: number; shown: string; target: Target; naive: string };
const b600: Target = { op: '≤', value: 600, unit: 'B' };
const b256: Target = { op: '≤', value: 256, unit: 'B' };
const b64: Target = { op: '≤', value: 64, unit: 'B' };
const ups: Target = { op: '≥', value: 20_000, unit: '/s' };
const wall: Target = { op: '≤', value: 60, unit: 's' };
const cpu: Target = { op: '≤', value: 5, unit: 's' };
const p99: Target = { op: '≤', value: 250, unit: 'ms' };
const kb: Target = { op: '≤', value: 1024, unit: 'B' };

const newOrder = of('newOrder');
const lifecycle = of('lifecycle');
const field = of('field');
const text = of('text');
const naiveWire = (kind: WireSample['kind'], samples: readonly WireSample[]) =>
  `${bytes(mean(samples.map((s) => s.naiveFullState)))} full state; ${bytes(stockOf(kind))} stock client`;
const tcpNote = (samples: readonly WireSample[], key: 'tcp' | 'upTcp' = 'tcp') =>
  ` (${bytes(mean(samples.map((s) => s[key])))} on TCP)`;

const rows: Row[] = [
  {
    id: '1a',
    what: 'new order + its first signed proposal + log entry, PWA ↔ appliance',
    value: mean(newOrder.map((s) => s.frames)),
    shown: `${bytes(mean(newOrder.map((s) => s.frames)))}${tcpNote(newOrder)}`,
    target: b600,
    naive: naiveWire('newOrder', newOrder),
  },
  {
    id: '1a',
    what: 'the same carried on, appliance ↔ hub',
    value: mean(newOrder.map((s) => s.upFrames)),
    shown: `${bytes(mean(newOrder.map((s) => s.upFrames)))}${tcpNote(newOrder, 'upTcp')}`,
    target: b600,
    naive: '',
  },
  {
    id: '1b',
    what: `signed lifecycle change + log entry, mean of ${lifecycleTypes.length} commands`,
    value: mean(lifecycle.map((s) => s.frames)),
    shown: `${bytes(mean(lifecycle.map((s) => s.frames)))}${tcpNote(lifecycle)}`,
    target: b256,
    naive: naiveWire('lifecycle', lifecycle),
  },
  {
    id: '1b',
    what: `the largest command (\`${largest.type}\`)`,
    value: largest.frames,
    shown: `${bytes(largest.frames)} (${bytes(largest.tcp)} on TCP)`,
    target: b256,
    naive: `${bytes(largest.naiveFullState)} full state; ${bytes(largest.stock)} stock client`,
  },
  {
    id: '1c',
    what: 'free field: `fields.set(note, <a 10-character note>)`',
    value: mean(field.map((s) => s.frames)),
    shown: `${bytes(mean(field.map((s) => s.frames)))}${tcpNote(field)}`,
    target: b64,
    naive: naiveWire('field', field),
  },
  {
    id: '1c',
    what: 'free field: two characters typed into a `Y.Text`',
    value: mean(text.map((s) => s.frames)),
    shown: `${bytes(mean(text.map((s) => s.frames)))}${tcpNote(text)}`,
    target: b64,
    naive: `${bytes(mean(text.map((s) => s.naiveFullState)))} full state`,
  },
  {
    id: '2',
    what: `hub merge, \`MemoryRecordStore.appendUpdate\`, ${num(merge.records)} records, one thread`,
    value: merge.store.perSecond,
    shown: perSecond(merge.store.perSecond),
    target: ups,
    naive: `${perSecond(merge.naive.perSecond)} (full state appended)`,
  },
  {
    id: '2',
    what: `the same into PGlite (durable, as the hub opens it), ${num(merge.pglite.records)} records`,
    value: merge.pglite.perSecond,
    shown: perSecond(merge.pglite.perSecond),
    target: ups,
    naive: '',
  },
  {
    id: '3',
    what: 'catch-up wall time, hub on MemoryRecordStore, replica policy',
    value: catchUp.full.wallSeconds,
    shown: seconds(catchUp.full.wallSeconds),
    target: wall,
    naive: `${seconds(catchUp.naive.wallSeconds * catchUp.naive.scale)} (sample × ${num(catchUp.naive.scale)})`,
  },
  {
    id: '3',
    what: 'catch-up CPU at the hub, replica policy',
    value: catchUp.full.hubCpuSeconds,
    shown: seconds(catchUp.full.hubCpuSeconds),
    target: cpu,
    naive: `${seconds(catchUp.naive.hubCpuSeconds * catchUp.naive.scale)} (sample × ${num(catchUp.naive.scale)})`,
  },
  {
    id: '3',
    what: 'catch-up CPU at the hub, replica policy without `checkWrite`',
    value: catchUp.unchecked.hubCpuSeconds,
    shown: `${seconds(catchUp.unchecked.hubCpuSeconds)} (wall ${seconds(catchUp.unchecked.wallSeconds)})`,
    target: cpu,
    naive: '',
  },
  {
    id: '3',
    what: `catch-up wall time, hub on PGlite (durable): ${num(catchUp.pglite.sample)}-record sample × ${num(catchUp.pglite.scale)}`,
    value: catchUp.pglite.wallSeconds * catchUp.pglite.scale,
    shown: `${seconds(catchUp.pglite.wallSeconds * catchUp.pglite.scale)} (CPU ${seconds(catchUp.pglite.hubCpuSeconds * catchUp.pglite.scale)})`,
    target: wall,
    naive: '',
  },
  {
    id: '4',
    what: `p99 appliance → hub → centre replica, ${latency.rate}/s over ${latency.bulk.records} orders`,
    value: latency.bulk.p99,
    shown: `${ms(latency.bulk.p99)} (p50 ${ms(latency.bulk.p50)})`,
    target: p99,
    naive: `${ms(latency.naive.p99)} (p50 ${ms(latency.naive.p50)}), a room per record`,
  },
  {
    id: '4',
    what: `p99 appliance → hub → appliance, ${latency.rate}/s on one record (the directory)`,
    value: latency.bulkHot.p99,
    shown: `${ms(latency.bulkHot.p99)} (p50 ${ms(latency.bulkHot.p50)})`,
    target: p99,
    naive: '',
  },
  {
    id: '5',
    what: `hub memory per idle order, MemoryRecordStore as appended (${num(memory.records)} orders)`,
    value: memory.memoryStore,
    shown: bytes(memory.memoryStore),
    target: kb,
    naive: `${bytes(memory.liveDocs.perRecord)} as a live Y.Doc`,
  },
  {
    id: '5',
    what: 'the same after `compact` (one merged update per record)',
    value: memory.memoryStoreCompacted,
    shown: bytes(memory.memoryStoreCompacted),
    target: kb,
    naive: '',
  },
  {
    id: '5',
    what: `PGlite (records on disk): what its process grows by per order written, ${num(memory.pglite.records)} orders`,
    value: memory.pglite.heapPerRecord,
    shown: bytes(memory.pglite.heapPerRecord),
    target: kb,
    naive: '',
  },
];

const summary = markdownTable(
  ['#', 'measure', 'measured', 'target', 'verdict', 'naive, same run'],
  rows.map((r) => [
    r.id,
    r.what,
    r.shown,
    targetText(r.target),
    meets(r.value, r.target) ? 'MET' : `MISSED (${missBy(r)})`,
    r.naive || '—',
  ]),
);

function missBy(row: Row): string {
  return row.target.op === '≤'
    ? `${num(row.value / row.target.value, 1)}× over`
    : `${num(row.target.value / row.value, 1)}× short`;
}

// ---- the details ------------------------------------------------------------------------------------

const wireTable = markdownTable(
  [
    'change',
    'samples',
    'PWA ↔ appliance',
    'on TCP',
    'appliance ↔ hub',
    'full state, naive',
    'stock y-websocket, fresh room',
  ],
  byType.map((t) => [
    `\`${t.type}\``,
    num(t.samples),
    bytes(t.frames),
    bytes(t.tcp),
    bytes(t.upFrames),
    bytes(t.naiveFullState),
    t.kind === 'text' || Number.isNaN(t.stock) ? '—' : bytes(t.stock),
  ]),
);

const us = (t: { seconds: number; updates: number }) => `${num((t.seconds * 1e6) / t.updates)} µs`;
const mergeTable = markdownTable(
  ['path', 'updates', 'throughput', 'per update'],
  [
    ['`MemoryRecordStore.appendUpdate`', merge.store],
    ['naive: the full record state appended per change', merge.naive],
    [
      `\`SyncServer.write\` (whole relay path, replica policy), ${num(merge.relayRecords)} records`,
      merge.relayChecked,
    ],
    [`\`SyncServer.write\` without \`checkWrite\`, ${num(merge.relayRecords)} records`, merge.relayUnchecked],
    [`PGlite \`appendUpdate\` (durable), ${num(merge.pglite.records)} records`, merge.pglite],
  ].map(([name, t]) => {
    const run = t as typeof merge.store;
    return [name as string, num(run.updates), perSecond(run.perSecond), us(run)];
  }),
);

const c = catchUp;
const catchUpTable = markdownTable(
  ['run', 'records pushed', 'wall', 'hub CPU', 'frame bytes', 'TCP bytes', 'refused'],
  [
    ['bulk protocol, hub on memory, replica policy', c.full, 1],
    ['the same without `checkWrite`', c.unchecked, 1],
    [
      `hub on PGlite (durable), sample of ${num(c.pglite.sample)}, × ${num(c.pglite.scale)}`,
      c.pglite,
      c.pglite.scale,
    ],
  ]
    .map(([name, run, scale]) => {
      const r = run as typeof c.full;
      const k = scale as number;
      return [
        name as string,
        num(r.recordsStored * k),
        seconds(r.wallSeconds * k),
        seconds(r.hubCpuSeconds * k),
        bytes(r.frameBytes * k),
        bytes(r.tcpBytes * k),
        num(r.refused * k),
      ];
    })
    .concat([
      [
        `naive: stock y-websocket, a room per record, sample of ${num(c.naive.sample)}, × ${num(c.naive.scale)}`,
        num(c.naive.recordsStored * c.naive.scale),
        seconds(c.naive.wallSeconds * c.naive.scale),
        seconds(c.naive.hubCpuSeconds * c.naive.scale),
        '—',
        bytes(c.naive.tcpBytes * c.naive.scale),
        '—',
      ],
    ]),
);

const latencyTable = markdownTable(
  ['scenario', 'writes', 'achieved', 'p50', 'p99', 'max', 'hub CPU'],
  [
    [`bulk protocol, ${latency.bulk.records} orders, county appliance → centre replica`, latency.bulk],
    ['bulk protocol, one record (directory fields), appliance → appliance', latency.bulkHot],
    [`naive: stock y-websocket, a room per record (${latency.naive.records} × 2 rooms)`, latency.naive],
  ].map(([name, run]) => {
    const r = run as typeof latency.bulk;
    return [
      name as string,
      num(r.writes),
      `${num(r.achievedRate)} /s`,
      ms(r.p50),
      ms(r.p99),
      ms(r.max),
      seconds(r.hubCpuSeconds),
    ];
  }),
);

const memoryTable = markdownTable(
  ['held as', 'records', 'bytes per record'],
  [
    ['the record data itself (merged Yjs update)', num(memory.records), bytes(memory.stateBytesPerRecord)],
    [
      'MemoryRecordStore, as appended (pending updates packed in the record buffer)',
      num(memory.records),
      bytes(memory.memoryStore),
    ],
    ['MemoryRecordStore after `compact`', num(memory.records), bytes(memory.memoryStoreCompacted)],
    [
      'PGlite: growth of JS heap + ArrayBuffers per order written (after as many before)',
      num(memory.pglite.records),
      bytes(memory.pglite.heapPerRecord),
    ],
    ['naive: a live Y.Doc per record', num(memory.liveDocs.records), bytes(memory.liveDocs.perRecord)],
  ],
);

const week = catchUp.data;
const load = (values: number[]) => values.map((v) => num(v, 1)).join(' / ');
const report = `Measured ${here}; the run took ${num((performance.now() - started) / 1000)} s (${timings.join(', ')});
load average (1/5/15 min) ${load(loadBefore)} before, ${load(loadavg())} after: figures drop when other work shares the cores.

${summary}

Verdicts compare the first figure of "measured" with the target (bytes are bulk-protocol frame payloads;
the TCP figure adds WebSocket headers and, for fresh connections, the HTTP upgrade). "Naive" is one
y-websocket room per record: "full state" counts y-websocket update messages carrying the whole record
(up after the write, down again with the log entry); "stock client" runs the real \`y-websocket\` client
against \`/yjs/<id>\` with a fresh document per change and counts the bytes on its socket.

### 1. Bytes per change (means; ${num(wire.samples.filter((s) => s.kind === 'newOrder').length)} orders through every command)

${wireTable}

### 2. Merge throughput (${num(merge.records)} records, mean update ${bytes(merge.meanUpdateBytes)}, mean record ${bytes(merge.meanFullStateBytes)})

${mergeTable}

### 3. Catch-up after a 7-day outage (${num(week.newOrders)} new orders, ${num(week.changes)} changes, ${num(week.signatures)} signatures, ${num(outage.openOrdersBefore)} orders open before it; ${num(week.during.length)} records, ${bytes(week.updateBytes)} of updates; setup ${seconds(catchUp.setupSeconds)}, not counted)

${catchUpTable}

### 4. Latency at ${latency.rate} changes/s (WebSockets on 127.0.0.1, hub in its own process)

${latencyTable}

### 5. Hub memory per idle order

${memoryTable}`;

console.log(`\nSync benchmarks (${here})\n\n${report}\n`);
if (write) {
  await writeGeneratedBlock({ name: 'sync', content: report });
  console.log('BENCH.md: sync block rewritten');
}
log(`sync bench: done in ${num((performance.now() - started) / 1000)} s`);
