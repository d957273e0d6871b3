// The screen-pop benchmark: `npm run bench -w @jiazheng/appliance` prints it; `npm run bench:write -w
// @jiazheng/appliance` (or `tsx bench/screen-pop.bench.ts --write`) also rewrites the generated block of
// appliance/BENCH.md. With 1,000,000 historical calls and 200,000 citizens in PGlite and the switch
// simulator offering 20 calls a second, it measures the screen pop from CHANNEL_CREATE to the console's
// WebSocket, the raw PGlite lookup alone, the ESL events the appliance takes per second, and its RSS.
//
// This process is the appliance (PGlite, EslCallControl, CallService, ConsoleWebSocket on a real HTTP
// server, composed by composeTelephony as main.ts composes them); the switch simulator and the call-taker's
// console run in a child process (lib/world-process.ts), so the RSS and CPU measured here are the
// appliance's. `--quick` shrinks every size for a smoke run (its figures are never written);
// `--seconds N` and `--rate N` change the steady run. About 4 minutes once the data is cached.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PgliteRecordStore } from '@jiazheng/sync/storage/pglite';
import { HttpService } from '@jiazheng/sync/node';
import { Hono } from 'hono';
import { PgliteCallStore } from '../src/adapters/pglite/pglite-call-store';
import { PgliteCallerLookup } from '../src/adapters/pglite/pglite-caller-lookup';
import { composeTelephony } from '../src/compose-telephony';
import { parseApplianceConfig } from '../src/domain/appliance-config';
import type { Logger } from '../src/ports/logger';
import type { SyncAdmin } from '../src/ports/sync-admin';
import { copyDataset, directoryBytes, ensureDataset } from './lib/dataset';
import { probePglite, type ProbeResult } from './lib/pglite-probe';
import { buildPopulation, callerIdOf, unknownNumbers, type Population } from './lib/population';
import { createRandom, randomInt, WeightedPicker } from './lib/random';
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
import { DATASET } from './lib/seed';
import { log, RssSampler, sleep, summarise, waitFor, type Summary } from './lib/stats';
import { WorldProcess } from './lib/world-handle';
import type { CallTiming, PlannedCall, WorldUsage } from './lib/world-protocol';

const rssAtStart = process.memoryUsage().rss;
const { values: args } = parseArgs({
  options: {
    write: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    rate: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const quick = args.quick;
if (args.write && quick) throw new Error('--quick figures are not written to BENCH.md');
const RATE = Number(args.rate ?? 20);
const SECONDS = Number(args.seconds ?? (quick ? 10 : 65));
const RAW_LOOKUPS = quick ? 300 : 2000;
const WARMUP_LOOKUPS = quick ? 50 : 200;
const WARMUP_CALLS = quick ? 40 : 100;
const BURST_EVENTS = quick ? 10_000 : 50_000;
const BURST_CALLS = quick ? 300 : 2000;
const AGENTS = 150;
const PASSWORD = 'bench-esl-password';

const started = performance.now();
const loadBefore = loadavg();
const here = describeMachine(machine());
const wallUs = (): number => (performance.timeOrigin + performance.now()) * 1000;
const mb = (bytes: number): string => `${num(bytes / 1024 ** 2)} MB`;
const ms = (value: number): string => `${num(value, value < 10 ? 2 : value < 100 ? 1 : 0)} ms`;
const cpuSeconds = (before: NodeJS.CpuUsage, after: NodeJS.CpuUsage) =>
  (after.user - before.user + after.system - before.system) / 1e6;

// ---- the data -----------------------------------------------------------------------------------------

let dataset = await ensureDataset({ log });
const runDir = mkdtempSync(join(tmpdir(), 'jz-screen-pop-run-'));
const dataDir = join(runDir, 'pgdata');
const recordingsDir = join(runDir, 'recordings');
mkdirSync(recordingsDir);
const cleanUp = (): void => {
  if (!args.keep) rmSync(runDir, { recursive: true, force: true });
};
process.once('exit', cleanUp);

let copySeconds = copyDataset({ dataset, to: dataDir });
const rssBeforeOpen = process.memoryUsage().rss;
let openedAt = performance.now();
let pglite = await PgliteRecordStore.openDatabase({ dataDir });
let openSeconds = (performance.now() - openedAt) / 1000;
const rssAfterOpen = process.memoryUsage().rss;

async function countRows(): Promise<{ calls: number; orders: number }> {
  const calls = await pglite.query<{ n: number }>('SELECT count(*)::int AS n FROM calls');
  const orders = await pglite.query<{ n: number }>('SELECT count(*)::int AS n FROM orders');
  return { calls: calls.rows[0]?.n ?? 0, orders: orders.rows[0]?.n ?? 0 };
}
let counts = await countRows();
if (counts.calls !== dataset.report.rows.calls || counts.orders !== dataset.report.rows.orders) {
  log(`dataset: the cache holds ${counts.calls} calls and ${counts.orders} orders; seeding it again`);
  await pglite.close();
  rmSync(dataDir, { recursive: true, force: true });
  dataset = await ensureDataset({ force: true, log });
  copySeconds = copyDataset({ dataset, to: dataDir });
  openedAt = performance.now();
  pglite = await PgliteRecordStore.openDatabase({ dataDir });
  openSeconds = (performance.now() - openedAt) / 1000;
  counts = await countRows();
}
const diskBytes = dataset.report.diskBytes ?? directoryBytes(dataset.dataDir);
log(
  `data: ${num(counts.calls)} calls, ${num(counts.orders)} orders, ${mb(diskBytes)} on disk; copy ${num(copySeconds, 1)} s, open ${num(openSeconds, 1)} s`,
);
// As main.ts: the record store's tables beside the calls and the projections.
const records = await PgliteRecordStore.attach({ pglite });
const store = await PgliteCallStore.open({ pglite });

// ---- callers ------------------------------------------------------------------------------------------

const population: Population = buildPopulation({ citizens: DATASET.citizens, seed: DATASET.seed });
const strangers = unknownNumbers({ population, count: 20_000, seed: DATASET.seed + 7 });
const byCalls = new WeightedPicker(population.weights);
const FREQUENT = 1000;
const RARE_FROM = 50_000;

type CallerClass = 'frequent' | 'rare' | 'unknown';
/** The raw lookup's mix: the 1,000 heaviest callers, citizens below the 50,000th, never-seen numbers. */
function rawCallers(count: number, seed: number): Array<{ phone: string; kind: CallerClass }> {
  const random = createRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const kind: CallerClass = i % 10 < 4 ? 'frequent' : i % 10 < 8 ? 'rare' : 'unknown';
    const rank =
      kind === 'frequent'
        ? randomInt(random, FREQUENT)
        : RARE_FROM + randomInt(random, DATASET.citizens - RARE_FROM);
    const citizen = population.citizens[population.byWeight[rank] ?? 0];
    const phone =
      kind === 'unknown' ? (strangers[randomInt(random, strangers.length)] ?? '') : (citizen?.phone ?? '');
    return { phone, kind };
  });
}

/** The live mix: 80 % citizens drawn by how often they call, 20 % numbers never seen. */
function plannedCalls(options: {
  count: number;
  seed: number;
  talkMs: [number, number];
  patienceMs?: number;
}): PlannedCall[] {
  const random = createRandom(options.seed);
  const [low, high] = options.talkMs;
  return Array.from({ length: options.count }, () => {
    const citizen = random() < 0.8 ? population.citizens[byCalls.draw(random)] : undefined;
    const callerNumber =
      citizen === undefined
        ? (strangers[randomInt(random, strangers.length)] ?? '').replace(/^\+86/, '').replace(/^571/, '0571')
        : callerIdOf(random, citizen);
    const call: PlannedCall = { callerNumber, talkMs: Math.round(low + random() * (high - low)) };
    if (options.patienceMs !== undefined) call.patienceMs = options.patienceMs;
    return call;
  });
}

// ---- 1. the raw lookup, alone ---------------------------------------------------------------------------

const lookup = new PgliteCallerLookup({ db: store.db, calls: store });
async function timeLookups(callers: ReadonlyArray<{ phone: string; kind: CallerClass }>) {
  const results: Array<{ kind: CallerClass; ms: number; calls: number }> = [];
  for (const caller of callers) {
    const at = performance.now();
    const history = await lookup.lookup({ caller: caller.phone });
    results.push({ kind: caller.kind, ms: performance.now() - at, calls: history.callsTotal });
  }
  return results;
}
const rawSampler = new RssSampler();
rawSampler.start(250);
await timeLookups(rawCallers(WARMUP_LOOKUPS, 11));
const rawList = rawCallers(RAW_LOOKUPS, 12);
const rawStarted = performance.now();
const raw = await timeLookups(rawList);
const rawSeconds = (performance.now() - rawStarted) / 1000;
rawSampler.stop();
const rawAll = summarise(raw.map((r) => r.ms));
const rawBy = (kind: CallerClass) => {
  const of = raw.filter((r) => r.kind === kind);
  return {
    ...summarise(of.map((r) => r.ms)),
    meanCalls: of.reduce((s, r) => s + r.calls, 0) / Math.max(1, of.length),
  };
};
const rawClasses = { frequent: rawBy('frequent'), rare: rawBy('rare'), unknown: rawBy('unknown') };
log(`raw lookup: p50 ${ms(rawAll.p50)}, p99 ${ms(rawAll.p99)}, ${num(RAW_LOOKUPS / rawSeconds)} /s`);

// ---- 2. the appliance, end to end ------------------------------------------------------------------------

const world = await WorldProcess.start({ password: PASSWORD, agents: AGENTS, ringMs: 1000, recordingsDir });
const errors: string[] = [];
let errorCount = 0;
const logger: Logger = {
  info: () => undefined,
  error: (message, ...details) => {
    errorCount += 1;
    if (errors.length < 10) errors.push(`${message} ${details.map(String).join(' ')}`.slice(0, 300));
  },
};
const sync: SyncAdmin = {
  status: () => ({ deviceId: 'bench', provisioned: false, directoryId: null, hub: null }),
  digest: () => Promise.reject(new Error('not in the bench')),
  report: () => Promise.resolve(null),
};
const config = parseApplianceConfig({
  env: {
    COUNTY: DATASET.countyCode,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    DATA_DIR: runDir,
    RECORDINGS_DIR: recordingsDir,
    ESL_HOST: '127.0.0.1',
    ESL_PORT: String(world.port),
    ESL_PASSWORD: PASSWORD,
  },
});
const app = new Hono();
const http = new HttpService({ app, host: config.host, port: config.port });
const telephony = await composeTelephony({ config, pglite, http, sync, logger });
telephony.mountRoutes({ app });
await http.start();
for (const service of telephony.services) await service.start();
const { control, calls } = telephony;
await waitFor(() => control.status().state === 'connected', 'the ESL link to the simulator', 30_000);

await telephony.auth.createUser({
  username: 'bench-console',
  password: 'bench-console-password',
  role: 'call_taker',
  displayName: '压测坐席',
  seat: '2001',
});
const { token } = await telephony.auth.login({
  username: 'bench-console',
  password: 'bench-console-password',
  address: '127.0.0.1',
});
await world.connectConsole(`${http.url.replace(/^http/, 'ws')}/ws/console?token=${token}`);
const clock = await world.clockOffset();
log(
  `world: simulator on ${world.port}, console connected; clock offset ${num(clock.offsetUs)} ± ${num(clock.errorUs)} µs`,
);

/** When the appliance handed each pop to the console socket, and how long its lookup took. */
const published = new Map<string, { us: number; lookupMs: number }>();
calls.onScreenPop = ({ callId, lookupMs }) => published.set(callId, { us: wallUs(), lookupMs });

async function drained(expectedPops: number, what: string): Promise<void> {
  await waitFor(() => calls.stats().screenPops >= expectedPops, `${what}: the screen pops`, 120_000);
  await waitFor(async () => (await world.usage()).channels === 0, `${what}: the calls to end`, 180_000);
  await sleep(300);
  await calls.idle();
}

type Phase = {
  label: string;
  placed: number;
  wallSeconds: number;
  events: number;
  cpuSeconds: number;
  elu: number;
  rssPeak: number;
  rssEnd: number;
  world: WorldUsage;
  worldCpuSeconds: number;
  maxLateMs: number;
  timings: CallTiming[];
};

async function phase(options: {
  label: string;
  calls: PlannedCall[];
  ratePerSecond: number;
}): Promise<Phase> {
  const pops0 = calls.stats().screenPops;
  const events0 = control.status().eventsReceived;
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const world0 = await world.usage();
  const sampler = new RssSampler();
  sampler.start(1000);
  const t0 = performance.now();
  const placing = await world.place(options);
  await drained(pops0 + options.calls.length, options.label);
  const wallSeconds = (performance.now() - t0) / 1000;
  sampler.stop();
  const world1 = await world.usage();
  return {
    label: options.label,
    placed: placing.placed,
    wallSeconds,
    events: control.status().eventsReceived - events0,
    cpuSeconds: cpuSeconds(cpu0, process.cpuUsage()),
    elu: performance.eventLoopUtilization(elu0).utilization,
    rssPeak: sampler.peak,
    rssEnd: process.memoryUsage().rss,
    world: world1,
    worldCpuSeconds: (world1.cpuUserUs - world0.cpuUserUs + world1.cpuSystemUs - world0.cpuSystemUs) / 1e6,
    maxLateMs: placing.maxLateMs,
    timings: await world.timings(options.label),
  };
}

type Latencies = {
  fromCreate: Summary;
  fromPlaced: Summary;
  applianceSide: Summary;
  lookup: Summary;
  pops: number;
  placed: number;
};
function latencies(p: Phase): Latencies {
  const popped = p.timings.filter((t) => t.popUs !== null);
  const us = (t: number | null) => t ?? Number.NaN;
  return {
    fromCreate: summarise(popped.map((t) => (us(t.popUs) - us(t.createUs)) / 1000)),
    fromPlaced: summarise(popped.map((t) => (us(t.popUs) - t.placedUs) / 1000)),
    applianceSide: summarise(
      p.timings
        .filter((t) => published.has(t.uuid) && t.createUs !== null)
        .map((t) => ((published.get(t.uuid)?.us ?? 0) - (us(t.createUs) + clock.offsetUs)) / 1000),
    ),
    lookup: summarise(
      p.timings.filter((t) => published.has(t.uuid)).map((t) => published.get(t.uuid)?.lookupMs ?? 0),
    ),
    pops: popped.length,
    placed: p.placed,
  };
}

log(`warm-up: ${WARMUP_CALLS} calls at ${RATE}/s`);
await phase({
  label: 'warm-up',
  calls: plannedCalls({ count: WARMUP_CALLS, seed: 21, talkMs: [2000, 5000] }),
  ratePerSecond: RATE,
});
const steadyCount = Math.round(SECONDS * RATE);
log(`steady: ${steadyCount} calls at ${RATE}/s for ${SECONDS} s`);
const steady = await phase({
  label: 'steady',
  calls: plannedCalls({ count: steadyCount, seed: 22, talkMs: [2000, 5000] }),
  ratePerSecond: RATE,
});
const steadyLat = latencies(steady);
const placingSeconds = steadyCount / RATE;
log(
  `steady: pop p50 ${ms(steadyLat.fromCreate.p50)}, p99 ${ms(steadyLat.fromCreate.p99)}; ${steadyLat.pops}/${steadyLat.placed} pops`,
);

// ---- 3. bursts ------------------------------------------------------------------------------------------

// (a) events only: a real call event fired BURST_EVENTS times with fresh Unique-IDs; the appliance parses
// and folds each (no call, so no database work): its ceiling for reading the Event Socket.
const burstEvents0 = control.status().eventsReceived;
const burstCpu0 = process.cpuUsage();
const burstElu0 = performance.eventLoopUtilization();
const burstStartUs = wallUs();
const burst = await world.burstEvents(BURST_EVENTS);
await waitFor(
  () => control.status().eventsReceived - burstEvents0 >= BURST_EVENTS,
  'the burst of events',
  300_000,
);
const burstSeconds = (wallUs() - burstStartUs) / 1e6;
const burstCpu = cpuSeconds(burstCpu0, process.cpuUsage());
const burstElu = performance.eventLoopUtilization(burstElu0).utilization;
const burstWorld = await world.usage();
log(
  `event burst: ${num(BURST_EVENTS / burstSeconds)} events/s, ${num((burstCpu * 1e6) / BURST_EVENTS)} µs CPU each`,
);

// (b) calls: BURST_CALLS citizens ring at the same instant; those no seat takes within 3 s hang up.
log(`call burst: ${BURST_CALLS} calls at once`);
const callBurst = await phase({
  label: 'burst',
  calls: plannedCalls({ count: BURST_CALLS, seed: 23, talkMs: [1000, 1000], patienceMs: 3000 }),
  ratePerSecond: 0,
});
const callBurstLat = latencies(callBurst);
const lastPop = Math.max(...callBurst.timings.map((t) => t.popUs ?? 0));
const firstPlaced = Math.min(...callBurst.timings.map((t) => t.placedUs));
const burstPopSeconds = (lastPop - firstPlaced) / 1e6;

// ---- 4. after ANALYZE, and PGlite alone with a smaller buffer pool ---------------------------------------

const finalStats = calls.stats();
const finalControl = control.status();
const consoleStats = telephony.consoles.stats();
await world.stop();
for (const service of [...telephony.services].reverse()) await service.stop();
await http.stop();
await pglite.exec('ANALYZE');
const analysed = await timeLookups(rawList);
const analysedAll = summarise(analysed.map((r) => r.ms));
const rssEnd = process.memoryUsage().rss;
await records.close();
await pglite.close();
const probeCallers = rawList.map((c) => c.phone);
const probes: ProbeResult[] = [];
for (const sharedBuffers of ['product', '32MB']) {
  probes.push(await probePglite({ dataDir, sharedBuffers, callers: probeCallers }));
  log(`probe ${sharedBuffers}: RSS ${mb(probes[probes.length - 1]?.rssPeak ?? 0)}`);
}
cleanUp();

// ---- the report -------------------------------------------------------------------------------------------

type Row = { what: string; value: number; shown: string; target?: Target; note: string };
const p50: Target = { op: '≤', value: 10, unit: 'ms' };
const p99: Target = { op: '≤', value: 50, unit: 'ms' };
const rssTarget: Target = { op: '≤', value: 300, unit: 'MB' };
const eventsPerSecond = steady.events / steady.wallSeconds;
const rawThroughput = RAW_LOOKUPS / rawSeconds;
const popThroughput = steadyLat.pops / placingSeconds;
const rows: Row[] = [
  {
    what: 'screen pop p50, CHANNEL_CREATE `Event-Date-Timestamp` → `screen-pop` at the console',
    value: steadyLat.fromCreate.p50,
    shown: ms(steadyLat.fromCreate.p50),
    target: p50,
    note: `raw lookup alone ${ms(rawAll.p50)}`,
  },
  {
    what: 'screen pop p99',
    value: steadyLat.fromCreate.p99,
    shown: ms(steadyLat.fromCreate.p99),
    target: p99,
    note: `raw lookup alone ${ms(rawAll.p99)}`,
  },
  {
    what: 'screen pop p90 / max',
    value: steadyLat.fromCreate.p90,
    shown: `${ms(steadyLat.fromCreate.p90)} / ${ms(steadyLat.fromCreate.max)}`,
    note: `raw lookup alone ${ms(rawAll.p90)} / ${ms(rawAll.max)}`,
  },
  {
    what: `screen pops received / calls placed (${RATE}/s for ${SECONDS} s)`,
    value: steadyLat.pops,
    shown: `${num(steadyLat.pops)} / ${num(steadyLat.placed)}`,
    target: { op: '≥', value: steadyLat.placed, unit: '' },
    note: `${num(popThroughput, 1)} pops/s; raw lookups ${num(rawThroughput)} /s one at a time`,
  },
  {
    what: 'ESL events received and handled per second, steady run',
    value: eventsPerSecond,
    shown: `${num(eventsPerSecond)} /s`,
    note: `${num(steady.events / steady.placed, 1)} events per call`,
  },
  {
    what: `ESL events per second, burst of ${num(BURST_EVENTS)} events (~${num(burst.eventBytes / 1024, 1)} KB JSON each)`,
    value: BURST_EVENTS / burstSeconds,
    shown: `${num(BURST_EVENTS / burstSeconds)} /s`,
    note: `${num((burstCpu * 1e6) / BURST_EVENTS)} µs appliance CPU per event (${num(1e6 / ((burstCpu * 1e6) / BURST_EVENTS))} /s per core)`,
  },
  {
    what: 'appliance RSS, peak during the steady run (1M-call database open)',
    value: steady.rssPeak / 1024 ** 2,
    shown: mb(steady.rssPeak),
    target: rssTarget,
    note: `raw lookups alone ${mb(rawSampler.peak)}; PGlite alone ${mb(probes[0]?.rssPeak ?? 0)}`,
  },
];

const verdict = (row: Row): string => {
  if (row.target === undefined) return '—';
  if (meets(row.value, row.target)) return 'MET';
  return row.target.op === '≤'
    ? `MISSED (${num(row.value / row.target.value, 1)}× over)`
    : `MISSED (${num(row.target.value - row.value)} short)`;
};
const summary = markdownTable(
  ['measure', 'measured', 'target', 'verdict', 'beside it'],
  rows.map((r) => [
    r.what,
    r.shown,
    r.target === undefined ? '—' : r.target.unit === '' ? `= ${num(r.target.value)}` : targetText(r.target),
    verdict(r),
    r.note,
  ]),
);

const latencyRow = (name: string, s: Summary) => [
  name,
  num(s.count),
  ms(s.p50),
  ms(s.p90),
  ms(s.p99),
  ms(s.max),
];
const latencyTable = markdownTable(
  ['steady run, per call', 'calls', 'p50', 'p90', 'p99', 'max'],
  [
    latencyRow('CHANNEL_CREATE → pop at the console (the target)', steadyLat.fromCreate),
    latencyRow('`placeInboundCall` → pop at the console', steadyLat.fromPlaced),
    latencyRow('CHANNEL_CREATE → pop handed to the socket (appliance side)', steadyLat.applianceSide),
    latencyRow("the pop's lookup inside the appliance (`lookupMs`)", steadyLat.lookup),
    latencyRow(`raw lookup alone, ${num(RAW_LOOKUPS)} callers one at a time`, rawAll),
    latencyRow('— frequent callers (the 1,000 heaviest)', rawClasses.frequent),
    latencyRow('— rare callers (below the 50,000th)', rawClasses.rare),
    latencyRow('— unknown numbers', rawClasses.unknown),
    latencyRow('raw lookup again after `ANALYZE` (not the product)', analysedAll),
    latencyRow(`burst: ${num(BURST_CALLS)} calls at once, CHANNEL_CREATE → pop`, callBurstLat.fromCreate),
  ],
);

const probeRow = (label: string, p: ProbeResult | undefined) => {
  if (p === undefined) return [label, '—', '—', '—', '—', '—'];
  const s = summarise(p.lookupsMs);
  return [
    label,
    p.sharedBuffers,
    mb(p.rssStart),
    mb(p.rssOpen),
    mb(p.rssPeak),
    `${ms(s.p50)} / ${ms(s.p99)}`,
  ];
};
const memoryTable = markdownTable(
  ['appliance process (this run)', 'RSS'],
  [
    ['at start (Node, tsx, the appliance modules loaded)', mb(rssAtStart)],
    ['before opening PGlite (after the seed check and copy)', mb(rssBeforeOpen)],
    ['after opening PGlite on the 1M-call data directory', mb(rssAfterOpen)],
    [`peak during ${num(RAW_LOOKUPS + WARMUP_LOOKUPS)} raw lookups`, mb(rawSampler.peak)],
    [`peak during the steady run (${SECONDS} s at ${RATE}/s)`, mb(steady.rssPeak)],
    ['at the end of the steady run', mb(steady.rssEnd)],
    [`peak during the burst of ${num(BURST_CALLS)} calls`, mb(callBurst.rssPeak)],
    ['at the end (services stopped, PGlite still open)', mb(rssEnd)],
  ],
);
const probeTable = markdownTable(
  ['PGlite alone, fresh process', 'shared_buffers', 'RSS start', 'RSS open', 'RSS peak', 'lookup p50 / p99'],
  [probeRow('as the appliance opens it', probes[0]), probeRow('with `shared_buffers=32MB`', probes[1])],
);

const r = dataset.report;
const cores = (s: number, wall: number) => `${num(s / wall, 2)} cores`;
const load = (values: number[]) => values.map((v) => num(v, 1)).join(' / ');
const report = `Measured ${here}; the run took ${num((performance.now() - started) / 1000)} s;
load average (1/5/15 min) ${load(loadBefore)} before, ${load(loadavg())} after: latencies stretch when other work shares the cores.

Data: ${num(counts.calls)} historical calls (${num(r.rows.recordings)} recordings, ${num(r.rows.callbacks)} callback entries) of ${num(DATASET.citizens)} citizens over two years and ${num(counts.orders)} orders, ${mb(diskBytes)} on disk; the heaviest caller has ${num(r.callsPerCitizen.top)} calls, the 1,000th ${num(r.callsPerCitizen.rank1000)}, the median ${num(r.callsPerCitizen.median)}. Seeded once in ${num(r.seconds)} s (cached in \`$TMPDIR/jz-appliance-bench-screen-pop-v${DATASET.version}\`); each run copies it (${num(copySeconds, 1)} s) and opens the copy (${num(openSeconds, 1)} s).

${summary}

### Latency

${latencyTable}

Steady run: ${num(steady.placed)} calls placed at ${RATE}/s (${AGENTS} seats answering after 1 s, talk 2–5 s), the world process at most ${ms(steady.maxLateMs)} behind its schedule; ${num(steady.events)} ESL events in ${num(steady.wallSeconds, 1)} s; the appliance used ${cores(steady.cpuSeconds, steady.wallSeconds)} (event loop ${num(steady.elu * 100)} % busy), the simulator and console ${cores(steady.worldCpuSeconds, steady.wallSeconds)} (event loop ${num(steady.world.elu * 100)} % busy). ${num(finalStats.callsRecorded)} call records written, ${num(consoleStats.messagesSent)} console messages sent, ${num(errorCount)} errors logged${errors.length > 0 ? ` (first: ${errors[0]})` : ''}. Clocks: the two processes agree within ${num(Math.abs(clock.offsetUs) + clock.errorUs)} µs.

Bursts: ${num(BURST_EVENTS)} events taken in ${num(burstSeconds, 2)} s (appliance event loop ${num(burstElu * 100)} % busy, ${num(burstCpu, 2)} s CPU; the simulator ${num(burstWorld.elu * 100)} % busy since the steady run ended); ${num(BURST_CALLS)} simultaneous calls: ${num(callBurstLat.pops)} pops, the last ${num(burstPopSeconds, 2)} s after the calls were placed (${num(callBurstLat.pops / burstPopSeconds)} pops/s), ${num(callBurst.events)} events in ${num(callBurst.wallSeconds, 1)} s. ESL link: ${num(finalControl.eventsReceived)} events, ${num(finalControl.eventsRejected)} rejected, ${num(finalControl.reconnects)} reconnects; simulator: ${num(burstWorld.lostEvents)} events lost, ${num(burstWorld.listenersKilled)} listeners dropped.

### Memory

${memoryTable}

${probeTable}`;

console.log(`\nScreen-pop benchmark (${here})\n\n${report}\n`);
if (args.write) {
  await writeGeneratedBlock({ name: 'screen-pop', content: report });
  console.log('BENCH.md: screen-pop block rewritten');
}
log(`screen-pop bench: done in ${num((performance.now() - started) / 1000)} s`);
