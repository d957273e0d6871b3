// The screen-pop benchmark: `npm run bench -w @jiazheng/appliance` prints it; `npm run bench:write -w
// @jiazheng/appliance` (or `tsx bench/screen-pop.bench.ts --write`) also rewrites the generated block of
// appliance/BENCH.md. With 1,000,000 historical calls and 200,000 citizens in PGlite and the switch
// simulator offering 20 calls a second, it measures the screen pop from CHANNEL_CREATE to the console's
// WebSocket, the raw PGlite lookup alone, the ESL events the appliance takes per second, and its RSS.
//
// This process is the appliance: PGlite opened as main.ts opens it, and composeTelephony's EslCallControl,
// CallService and ConsoleWebSocket on a real HTTP server. The switch simulator (real clock) and the
// call-taker's console run in a child process (lib/world-process.ts), so the RSS and CPU measured here
// are the appliance's own.
//
// Two stages on one copy of the data: A, the product as it is; B, the same after one index the bench adds
// (recordings (call_id, created_at): see BENCH.md), which is where the bursts run. A stage stops placing
// calls once the appliance is MAX_BACKLOG pops behind (it cannot catch up then, and waiting for it would
// take most of an hour), and its raw lookups stop after RAW_TIME_CAP_S.
//
// `--quick` shrinks every size for a smoke run (never written); `--seconds N` and `--rate N` change the
// steady runs; `--keep` keeps the run's copy of the data. About 8 minutes once the data is cached
// (2–3 of them waiting for stage A's backlog to drain).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { HttpService } from '@jiazheng/sync/node';
import { PgliteRecordStore } from '@jiazheng/sync/storage/pglite';
import { Hono } from 'hono';
import { PgliteCallStore } from '../src/adapters/pglite/pglite-call-store';
import { PgliteCallerLookup } from '../src/adapters/pglite/pglite-caller-lookup';
import { composeTelephony } from '../src/compose-telephony';
import { parseApplianceConfig } from '../src/domain/appliance-config';
import type { Logger } from '../src/ports/logger';
import type { SyncAdmin } from '../src/ports/sync-admin';
import { RecordingRetention } from '../src/services/recording-retention';
import { copyDataset, directoryBytes, ensureDataset } from './lib/dataset';
import { FsyncProbe, type FsyncStats } from './lib/fsync-probe';
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
const RAW_TIME_CAP_S = quick ? 20 : 90;
const WARMUP_LOOKUPS = quick ? 50 : 200;
const WARMUP_CALLS = quick ? 40 : 100;
const BURST_EVENTS = quick ? 10_000 : 50_000;
const BURST_CALLS = quick ? 300 : 2000;
const AGENTS = 150;
/** Two seconds of calls waiting for their pop: an appliance this far behind does not catch up. */
const MAX_BACKLOG = RATE * 2;
const PASSWORD = 'bench-esl-password';
const BENCH_INDEX = 'bench_recordings_call_created_idx';

const started = performance.now();
const loadBefore = loadavg();
const here = describeMachine(machine());
const wallUs = (): number => (performance.timeOrigin + performance.now()) * 1000;
const mb = (bytes: number): string => `${num(bytes / 1024 ** 2)} MB`;
const ms = (value: number): string =>
  Number.isNaN(value) ? '—' : `${num(value, value < 10 ? 2 : value < 100 ? 1 : 0)} ms`;
const cpuSeconds = (before: NodeJS.CpuUsage, after: NodeJS.CpuUsage) =>
  (after.user - before.user + after.system - before.system) / 1e6;
let world: WorldProcess | undefined;

// ---- the data -----------------------------------------------------------------------------------------

let dataset = await ensureDataset({ log });
const runDir = mkdtempSync(join(tmpdir(), 'jz-screen-pop-run-'));
const dataDir = join(runDir, 'pgdata');
const recordingsDir = join(runDir, 'recordings');
mkdirSync(recordingsDir);
process.once('exit', () => {
  world?.kill();
  if (!args.keep) rmSync(runDir, { recursive: true, force: true });
});
// Ctrl-C: exit through the handler above, so the 2 GB copy and the world process do not outlive the run.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

let copySeconds = copyDataset({ dataset, to: dataDir });
const rssBeforeOpen = process.memoryUsage().rss;
let openedAt = performance.now();
let pglite = await PgliteRecordStore.openDatabase({ dataDir });
let openSeconds = (performance.now() - openedAt) / 1000;
const rssAfterOpen = process.memoryUsage().rss;
const fsyncs = new FsyncProbe();

async function scalar(sql: string): Promise<number> {
  const result = await pglite.query<{ n: number }>(sql);
  return Number(result.rows[0]?.n ?? 0);
}
const countRows = async () => ({
  calls: await scalar('SELECT count(*)::int AS n FROM calls'),
  orders: await scalar('SELECT count(*)::int AS n FROM orders'),
});
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
const databaseBytes = await scalar('SELECT pg_database_size(current_database()) AS n');
const unpurged = await scalar('SELECT count(*)::int AS n FROM recordings WHERE purged_at IS NULL');
const diskBytes = dataset.report.diskBytes ?? directoryBytes(dataset.dataDir);
log(
  `data: ${num(counts.calls)} calls, ${num(counts.orders)} orders, ${mb(databaseBytes)} database; copy ${num(copySeconds, 1)} s, open ${num(openSeconds, 1)} s`,
);
const fsyncTimed = fsyncs.install(pglite);
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

// ---- the raw lookup, alone ------------------------------------------------------------------------------

const lookup = new PgliteCallerLookup({ db: store.db, calls: store });
type Lookups = {
  all: Summary;
  byKind: Record<CallerClass, Summary>;
  /** Lookups a second, one at a time. */
  throughput: number;
  /** Stopped at the time cap before the list was done. */
  capped: boolean;
  rssPeak: number;
};

async function timeLookups(
  callers: ReadonlyArray<{ phone: string; kind: CallerClass }>,
  capSeconds: number,
): Promise<Lookups> {
  const results: Array<{ kind: CallerClass; ms: number }> = [];
  const sampler = new RssSampler();
  sampler.start(250);
  const at = performance.now();
  for (const caller of callers) {
    if (performance.now() - at > capSeconds * 1000) break;
    // PGlite's promises settle without a trip round the event loop: yield, or nothing else (a signal, a
    // timer) runs until the whole list is done.
    await new Promise((resolve) => setImmediate(resolve));
    const one = performance.now();
    await lookup.lookup({ caller: caller.phone });
    results.push({ kind: caller.kind, ms: performance.now() - one });
  }
  const seconds = (performance.now() - at) / 1000;
  sampler.stop();
  const of = (kind: CallerClass) => summarise(results.filter((r) => r.kind === kind).map((r) => r.ms));
  return {
    all: summarise(results.map((r) => r.ms)),
    byKind: { frequent: of('frequent'), rare: of('rare'), unknown: of('unknown') },
    throughput: results.length / seconds,
    capped: results.length < callers.length,
    rssPeak: sampler.peak,
  };
}

const rawList = rawCallers(RAW_LOOKUPS, 12);
await timeLookups(rawCallers(WARMUP_LOOKUPS, 11), 15);
const rawProduct = await timeLookups(rawList, RAW_TIME_CAP_S);
log(
  `A raw lookup: ${num(rawProduct.all.count)} lookups, p50 ${ms(rawProduct.all.p50)}, p99 ${ms(rawProduct.all.p99)}`,
);

// ---- the appliance ----------------------------------------------------------------------------------------

const lifetime = new RssSampler();
lifetime.start(500);
const startWorld = await WorldProcess.start({
  password: PASSWORD,
  agents: AGENTS,
  ringMs: 1000,
  recordingsDir,
});
world = startWorld;
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
    ESL_PORT: String(startWorld.port),
    ESL_PASSWORD: PASSWORD,
  },
});
const app = new Hono();
const http = new HttpService({ app, host: config.host, port: config.port });
const composeAt = performance.now();
const telephony = await composeTelephony({ config, pglite, http, sync, logger });
telephony.mountRoutes({ app });
await http.start();
for (const service of telephony.services) await service.start();
const { control, calls } = telephony;
const retention = telephony.services.find((s): s is RecordingRetention => s instanceof RecordingRetention);
const startupSampler = new RssSampler();
startupSampler.start(250);
// The retention pass runs at start (and hourly) and holds the database while it reads the index.
await waitFor(() => retention?.lastRun() !== undefined, 'the first retention pass', 600_000);
const retentionAtStart = { seconds: (performance.now() - composeAt) / 1000, rssPeak: 0 };
await waitFor(() => control.status().state === 'connected', 'the ESL link to the simulator', 120_000).catch(
  (error: unknown) => {
    throw new Error(`${String(error)}; errors: ${errors.join(' | ')}`);
  },
);
startupSampler.stop();
retentionAtStart.rssPeak = startupSampler.peak;

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
await startWorld.connectConsole(`${http.url.replace(/^http/, 'ws')}/ws/console?token=${token}`);
const clock = await startWorld.clockOffset();
log(
  `world: simulator on ${startWorld.port}, console connected; clock offset ${num(clock.offsetUs)} ± ${num(clock.errorUs)} µs`,
);

/** When the appliance handed each pop to the console socket, and how long its lookup took. */
const published = new Map<string, { us: number; lookupMs: number }>();
calls.onScreenPop = ({ callId, lookupMs }) => published.set(callId, { us: wallUs(), lookupMs });

type Phase = {
  label: string;
  planned: number;
  placed: number;
  halted: boolean;
  placingSeconds: number;
  wallSeconds: number;
  events: number;
  cpuSeconds: number;
  elu: number;
  rssPeak: number;
  rssEnd: number;
  world: WorldUsage;
  worldCpuSeconds: number;
  maxLateMs: number;
  /** How late the appliance's event loop ran timers (10 ms resolution): its longest stalls. */
  loopDelay: { p99: number; max: number };
  fsync: FsyncStats;
  timings: CallTiming[];
};

async function phase(options: {
  label: string;
  calls: PlannedCall[];
  ratePerSecond: number;
  maxBacklog: number;
}): Promise<Phase> {
  const w = startWorld;
  const pops0 = calls.stats().screenPops;
  const events0 = control.status().eventsReceived;
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const world0 = await w.usage();
  const sampler = new RssSampler();
  sampler.start(1000);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  fsyncs.take();
  const t0 = performance.now();
  const placing = await w.place(options);
  const placingSeconds = (placing.endedUs - placing.startedUs) / 1e6;
  if (placing.halted)
    log(`${options.label}: stopped placing after ${placing.placed} calls: ${options.maxBacklog} pops behind`);
  await waitFor(() => calls.stats().screenPops >= pops0 + placing.placed, `${options.label}: pops`, 900_000);
  await waitFor(async () => (await w.usage()).channels === 0, `${options.label}: the calls to end`, 300_000);
  await sleep(300);
  await calls.idle();
  const wallSeconds = (performance.now() - t0) / 1000;
  sampler.stop();
  loop.disable();
  const world1 = await w.usage();
  return {
    label: options.label,
    planned: options.calls.length,
    placed: placing.placed,
    halted: placing.halted,
    placingSeconds,
    wallSeconds,
    events: control.status().eventsReceived - events0,
    cpuSeconds: cpuSeconds(cpu0, process.cpuUsage()),
    elu: performance.eventLoopUtilization(elu0).utilization,
    rssPeak: sampler.peak,
    rssEnd: process.memoryUsage().rss,
    world: world1,
    worldCpuSeconds: (world1.cpuUserUs - world0.cpuUserUs + world1.cpuSystemUs - world0.cpuSystemUs) / 1e6,
    maxLateMs: placing.maxLateMs,
    loopDelay: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
    fsync: fsyncs.take(),
    timings: await w.timings(options.label),
  };
}

type Latencies = {
  fromCreate: Summary;
  fromPlaced: Summary;
  applianceSide: Summary;
  lookup: Summary;
  pops: number;
  /** Pops that took over 50 ms, and the span of time (s) between the first and the last of them. */
  slow: { count: number; spanSeconds: number };
};
function latencies(p: Phase): Latencies {
  const popped = p.timings.filter((t) => t.popUs !== null);
  const us = (t: number | null) => t ?? Number.NaN;
  const mine = p.timings.filter((t) => published.has(t.uuid));
  const slow = popped.filter((t) => us(t.popUs) - us(t.createUs) > 50_000).map((t) => t.placedUs);
  return {
    fromCreate: summarise(popped.map((t) => (us(t.popUs) - us(t.createUs)) / 1000)),
    fromPlaced: summarise(popped.map((t) => (us(t.popUs) - t.placedUs) / 1000)),
    applianceSide: summarise(
      mine.map((t) => ((published.get(t.uuid)?.us ?? 0) - (us(t.createUs) + clock.offsetUs)) / 1000),
    ),
    lookup: summarise(mine.map((t) => published.get(t.uuid)?.lookupMs ?? 0)),
    pops: popped.length,
    slow: {
      count: slow.length,
      spanSeconds: slow.length === 0 ? 0 : (Math.max(...slow) - Math.min(...slow)) / 1e6,
    },
  };
}

const steadyCount = Math.round(SECONDS * RATE);
const steadyCalls = (seed: number) => plannedCalls({ count: steadyCount, seed, talkMs: [2000, 5000] });

// ---- stage A: the product as it is ------------------------------------------------------------------------

log(`A steady: up to ${steadyCount} calls at ${RATE}/s`);
const steadyA = await phase({
  label: 'A',
  calls: steadyCalls(22),
  ratePerSecond: RATE,
  maxBacklog: MAX_BACKLOG,
});
const latA = latencies(steadyA);
log(
  `A steady: pop p50 ${ms(latA.fromCreate.p50)}, p99 ${ms(latA.fromCreate.p99)}; ${latA.pops}/${steadyA.placed}`,
);

// ---- stage B: with an index on recordings (call_id, created_at) -----------------------------------------

const indexAt = performance.now();
await pglite.exec(`CREATE INDEX IF NOT EXISTS ${BENCH_INDEX} ON recordings (call_id, created_at)`);
const indexSeconds = (performance.now() - indexAt) / 1000;
await timeLookups(rawCallers(WARMUP_LOOKUPS, 11), 15);
const rawFixed = await timeLookups(rawList, RAW_TIME_CAP_S);
log(`B raw lookup: p50 ${ms(rawFixed.all.p50)}, p99 ${ms(rawFixed.all.p99)}`);

log(`B warm-up: ${WARMUP_CALLS} calls at ${RATE}/s`);
await phase({
  label: 'B warm-up',
  calls: plannedCalls({ count: WARMUP_CALLS, seed: 21, talkMs: [2000, 5000] }),
  ratePerSecond: RATE,
  maxBacklog: MAX_BACKLOG,
});
log(`B steady: ${steadyCount} calls at ${RATE}/s`);
const steadyB = await phase({
  label: 'B',
  calls: steadyCalls(22),
  ratePerSecond: RATE,
  maxBacklog: MAX_BACKLOG,
});
const latB = latencies(steadyB);
log(
  `B steady: pop p50 ${ms(latB.fromCreate.p50)}, p99 ${ms(latB.fromCreate.p99)}; ${latB.pops}/${steadyB.placed}`,
);

// (a) events only: a real call event fired BURST_EVENTS times with fresh Unique-IDs. The appliance parses
// and folds each; there is no such call, so no database work: its ceiling for reading the Event Socket.
const burstEvents0 = control.status().eventsReceived;
const burstCpu0 = process.cpuUsage();
const burstElu0 = performance.eventLoopUtilization();
await startWorld.usage(); // resets the world's event-loop figure
const burstStartUs = wallUs();
const burst = await startWorld.burstEvents(BURST_EVENTS);
await waitFor(
  () => control.status().eventsReceived - burstEvents0 >= BURST_EVENTS,
  'the burst of events',
  300_000,
);
const burstSeconds = (wallUs() - burstStartUs) / 1e6;
const burstCpu = cpuSeconds(burstCpu0, process.cpuUsage());
const burstElu = performance.eventLoopUtilization(burstElu0).utilization;
const burstWorld = await startWorld.usage();
log(
  `event burst: ${num(BURST_EVENTS / burstSeconds)} events/s, ${num((burstCpu * 1e6) / BURST_EVENTS)} µs each`,
);

// (b) calls: BURST_CALLS citizens ring at the same instant; those no seat takes within 3 s hang up.
log(`call burst: ${BURST_CALLS} calls at once`);
const callBurst = await phase({
  label: 'burst',
  calls: plannedCalls({ count: BURST_CALLS, seed: 23, talkMs: [1000, 1000], patienceMs: 3000 }),
  ratePerSecond: 0,
  maxBacklog: 0,
});
const callBurstLat = latencies(callBurst);
const lastPop = Math.max(...callBurst.timings.map((t) => t.popUs ?? 0));
const firstPlaced = Math.min(...callBurst.timings.map((t) => t.placedUs));
const burstPopSeconds = (lastPop - firstPlaced) / 1e6;

// The hourly retention pass, run once more by hand now that nothing else is going on.
const retentionAt = performance.now();
await retention?.run();
const retentionSeconds = (performance.now() - retentionAt) / 1000;

const finalStats = calls.stats();
const finalControl = control.status();
const consoleStats = telephony.consoles.stats();
for (const service of [...telephony.services].reverse()) await service.stop();
await http.stop();
await startWorld.stop();
world = undefined;
lifetime.stop();

// ---- after ANALYZE (without the bench's index), and PGlite alone -----------------------------------------

await pglite.exec(`DROP INDEX IF EXISTS ${BENCH_INDEX}`);
await pglite.exec('ANALYZE');
const rawAnalysed = await timeLookups(rawList, RAW_TIME_CAP_S);
const rssEnd = process.memoryUsage().rss;
await records.close();
await pglite.close();
const probes: ProbeResult[] = [];
for (const sharedBuffers of ['product', '32MB']) {
  const probe = await probePglite({ dataDir, sharedBuffers, callers: rawList.map((c) => c.phone) });
  probes.push(probe);
  log(`PGlite alone, shared_buffers ${probe.sharedBuffers}: RSS peak ${mb(probe.rssPeak)}`);
}

// ---- the report -------------------------------------------------------------------------------------------

type Cell = { value: number; shown: string };
type Row = { what: string; target?: Target; a?: Cell; b?: Cell; note: string };
const p50: Target = { op: '≤', value: 10, unit: 'ms' };
const p99: Target = { op: '≤', value: 50, unit: 'ms' };
const rssTarget: Target = { op: '≤', value: 300, unit: 'MB' };
const cellMs = (value: number): Cell => ({ value, shown: ms(value) });
const perSecond = (value: number): Cell => ({ value, shown: `${num(value)} /s` });
const popsCell = (lat: Latencies, p: Phase): Cell => ({
  value: lat.pops - p.planned,
  shown: `${num(lat.pops)} / ${num(p.placed)}${p.halted ? ` (of ${num(p.planned)}: stopped)` : ''}`,
});
const eventsA = steadyA.events / steadyA.wallSeconds;
const eventsB = steadyB.events / steadyB.wallSeconds;
const startupPeak = Math.max(retentionAtStart.rssPeak, steadyA.rssPeak);
const rows: Row[] = [
  {
    what: 'screen pop p50: CHANNEL_CREATE `Event-Date-Timestamp` → `screen-pop` at the console',
    target: p50,
    a: cellMs(latA.fromCreate.p50),
    b: cellMs(latB.fromCreate.p50),
    note: `lookup inside the pop: A ${ms(latA.lookup.p50)}, B ${ms(latB.lookup.p50)}`,
  },
  {
    what: 'screen pop p99',
    target: p99,
    a: cellMs(latA.fromCreate.p99),
    b: cellMs(latB.fromCreate.p99),
    note: `lookup inside the pop: A ${ms(latA.lookup.p99)}, B ${ms(latB.lookup.p99)}`,
  },
  {
    what: 'screen pop p90 / max',
    a: { value: latA.fromCreate.p90, shown: `${ms(latA.fromCreate.p90)} / ${ms(latA.fromCreate.max)}` },
    b: { value: latB.fromCreate.p90, shown: `${ms(latB.fromCreate.p90)} / ${ms(latB.fromCreate.max)}` },
    note: '',
  },
  {
    what: `screen pops received / calls placed (${RATE}/s for ${SECONDS} s)`,
    target: { op: '≥', value: 0, unit: '' },
    a: popsCell(latA, steadyA),
    b: popsCell(latB, steadyB),
    note: steadyA.halted
      ? `A stopped after ${num(steadyA.placingSeconds, 1)} s: ${MAX_BACKLOG} pops behind`
      : '',
  },
  {
    what: `raw \`PgliteCallerLookup.lookup()\` alone, p50 (${num(RAW_LOOKUPS)} callers, one at a time)`,
    target: p50,
    a: cellMs(rawProduct.all.p50),
    b: cellMs(rawFixed.all.p50),
    note: rawProduct.capped ? `A: ${num(rawProduct.all.count)} lookups in the ${RAW_TIME_CAP_S} s cap` : '',
  },
  {
    what: 'raw lookup alone, p99',
    target: p99,
    a: cellMs(rawProduct.all.p99),
    b: cellMs(rawFixed.all.p99),
    note: `after \`ANALYZE\` instead of the index: p50 ${ms(rawAnalysed.all.p50)}, p99 ${ms(rawAnalysed.all.p99)}`,
  },
  {
    what: 'raw lookups per second, one at a time',
    a: perSecond(rawProduct.throughput),
    b: perSecond(rawFixed.throughput),
    note: `${RATE} calls/s need ${num(RATE)} /s`,
  },
  {
    what: 'ESL events received and handled per second, steady run',
    a: perSecond(eventsA),
    b: perSecond(eventsB),
    note: `${num(steadyB.events / Math.max(1, steadyB.placed), 1)} events per call`,
  },
  {
    what: `ESL events per second, burst of ${num(BURST_EVENTS)} events (${num(burst.eventBytes / 1024, 1)} KB JSON each)`,
    b: perSecond(BURST_EVENTS / burstSeconds),
    note: `${num((burstCpu * 1e6) / BURST_EVENTS)} µs of appliance CPU per event (${num(BURST_EVENTS / burstCpu)} /s per core); no database work`,
  },
  {
    what: 'appliance RSS, peak while taking calls (1M-call database open)',
    target: rssTarget,
    a: { value: startupPeak / 1024 ** 2, shown: mb(startupPeak) },
    b: { value: steadyB.rssPeak / 1024 ** 2, shown: mb(steadyB.rssPeak) },
    note: `PGlite alone ${mb(probes[0]?.rssPeak ?? 0)}, with \`shared_buffers=32MB\` ${mb(probes[1]?.rssPeak ?? 0)}`,
  },
];

const verdict = (target: Target | undefined, cell: Cell | undefined): string => {
  if (target === undefined || cell === undefined) return '—';
  if (meets(cell.value, target)) return 'MET';
  if (target.unit === '') return 'MISSED';
  const ratio = target.op === '≤' ? cell.value / target.value : target.value / cell.value;
  return `MISSED (${num(ratio, ratio < 2 ? 2 : ratio < 10 ? 1 : 0)}× ${target.op === '≤' ? 'over' : 'short'})`;
};
const summary = markdownTable(
  ['measure', 'target', 'A: the product', 'verdict', 'B: + recordings index', 'verdict', 'beside it'],
  rows.map((r) => [
    r.what,
    r.target === undefined ? '—' : r.target.unit === '' ? 'all' : targetText(r.target),
    r.a?.shown ?? '—',
    verdict(r.target, r.a),
    r.b?.shown ?? '—',
    verdict(r.target, r.b),
    r.note || '—',
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
  ['per call', 'calls', 'p50', 'p90', 'p99', 'max'],
  [
    latencyRow('A: CHANNEL_CREATE → pop at the console (the target)', latA.fromCreate),
    latencyRow('A: `placeInboundCall` → pop at the console', latA.fromPlaced),
    latencyRow('A: CHANNEL_CREATE → pop handed to the socket (appliance side)', latA.applianceSide),
    latencyRow("A: the pop's lookup inside the appliance", latA.lookup),
    latencyRow('B: CHANNEL_CREATE → pop at the console (the target)', latB.fromCreate),
    latencyRow('B: `placeInboundCall` → pop at the console', latB.fromPlaced),
    latencyRow('B: CHANNEL_CREATE → pop handed to the socket (appliance side)', latB.applianceSide),
    latencyRow("B: the pop's lookup inside the appliance", latB.lookup),
    latencyRow(`B: burst, ${num(BURST_CALLS)} calls at once, CHANNEL_CREATE → pop`, callBurstLat.fromCreate),
  ],
);
const rawTable = markdownTable(
  ['raw lookup, one at a time', 'lookups', 'p50', 'p90', 'p99', 'max'],
  (
    [
      ['A (the product)', rawProduct],
      ['B (+ recordings index)', rawFixed],
      ['after `ANALYZE`, without the index', rawAnalysed],
    ] as const
  ).flatMap(([label, r]) => {
    return [
      latencyRow(`${label}: all`, r.all),
      latencyRow('— frequent callers (the 1,000 heaviest)', r.byKind.frequent),
      latencyRow('— rare callers (below the 50,000th)', r.byKind.rare),
      latencyRow('— unknown numbers', r.byKind.unknown),
    ];
  }),
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
  ['appliance process', 'RSS'],
  [
    ['at start (Node, tsx, the appliance modules loaded)', mb(rssAtStart)],
    ['before opening PGlite (after the seed check and the copy)', mb(rssBeforeOpen)],
    ['after opening PGlite on the 1M-call data directory', mb(rssAfterOpen)],
    ['peak during the raw lookups of A', mb(rawProduct.rssPeak)],
    [
      `peak while starting (retention pass over ${num(unpurged)} unpurged recordings)`,
      mb(retentionAtStart.rssPeak),
    ],
    ['peak during the steady run of A', mb(steadyA.rssPeak)],
    ['peak during the steady run of B', mb(steadyB.rssPeak)],
    [`peak during the burst of ${num(BURST_CALLS)} calls`, mb(callBurst.rssPeak)],
    ['peak over the whole appliance run', mb(lifetime.peak)],
    ['at the end (services stopped, PGlite open)', mb(rssEnd)],
  ],
);
const probeTable = markdownTable(
  ['PGlite alone, fresh process', 'shared_buffers', 'RSS start', 'RSS open', 'RSS peak', 'lookup p50 / p99'],
  [
    probeRow('opened as the appliance opens it', probes[0]),
    probeRow('with `shared_buffers=32MB`', probes[1]),
  ],
);

const r = dataset.report;
const cores = (s: number, wall: number) => `${num(s / wall, 2)} cores`;
const load = (values: number[]) => values.map((v) => num(v, 1)).join(' / ');
const slowText = (l: Latencies) =>
  `${num(l.slow.count)} pops over 50 ms${l.slow.count > 1 ? ` (placed within ${num(l.slow.spanSeconds, 1)} s of each other)` : ''}`;
const phaseText = (p: Phase) =>
  `${num(p.placed)} calls in ${num(p.placingSeconds, 1)} s, drained after ${num(p.wallSeconds, 1)} s; ${num(p.events)} ESL events; appliance ${cores(p.cpuSeconds, p.wallSeconds)} (event loop ${num(p.elu * 100)} % busy), simulator and console ${cores(p.worldCpuSeconds, p.wallSeconds)} (${num(p.world.elu * 100)} % busy), at most ${ms(p.maxLateMs)} behind schedule; the appliance's event loop ran late by ${ms(p.loopDelay.p99)} at p99, ${ms(p.loopDelay.max)} at most; ${fsyncTimed ? `${num(p.fsync.calls)} fsyncs took ${num(p.fsync.totalMs / 1000, 1)} s in all, the longest ${ms(p.fsync.maxMs)} (${num(p.fsync.over50ms)} over 50 ms)` : 'fsyncs not timed'}`;
const report = `Measured ${here}; the run took ${num((performance.now() - started) / 1000)} s;
load average (1/5/15 min) ${load(loadBefore)} before, ${load(loadavg())} after: latencies stretch when other work shares the cores.

Data: ${num(counts.calls)} calls of ${num(DATASET.citizens)} citizens over two years (the heaviest caller ${num(r.callsPerCitizen.top)} calls, the 1,000th ${num(r.callsPerCitizen.rank1000)}, the median ${num(r.callsPerCitizen.median)}), ${num(r.rows.recordings)} recordings (${num(unpurged)} not yet purged by the 200 GB quota), ${num(r.rows.callbacks)} callback entries, ${num(counts.orders)} orders: a ${mb(databaseBytes)} database (${mb(diskBytes)} with its WAL). Seeded once in ${num(r.seconds)} s and cached in \`$TMPDIR/jz-appliance-bench-screen-pop-v${DATASET.version}\`; each run copies it (${num(copySeconds, 1)} s) and opens the copy (${num(openSeconds, 1)} s). Stage B adds \`CREATE INDEX … ON recordings (call_id, created_at)\` (${num(indexSeconds, 1)} s).

${summary}

### Latency

${latencyTable}

${rawTable}

A: ${phaseText(steadyA)}${steadyA.halted ? ` (stopped: ${MAX_BACKLOG} pops behind)` : ''}. B: ${phaseText(steadyB)}; ${slowText(latB)}. ${AGENTS} seats answer after 1 s, talk 2–5 s. ${num(finalStats.callsRecorded)} call records written, ${num(consoleStats.messagesSent)} console messages sent, ${num(errorCount)} errors logged${errors.length > 0 ? ` (first: ${errors[0]})` : ''}. The two processes' clocks agree within ${num(Math.abs(clock.offsetUs) + clock.errorUs)} µs.

Bursts (stage B): ${num(BURST_EVENTS)} events taken in ${num(burstSeconds, 2)} s (appliance event loop ${num(burstElu * 100)} % busy, ${num(burstCpu, 2)} s CPU; simulator ${num(burstWorld.elu * 100)} % busy); ${num(BURST_CALLS)} simultaneous calls: ${num(callBurstLat.pops)} pops, the last ${num(burstPopSeconds, 2)} s after the calls were placed (${num(callBurstLat.pops / burstPopSeconds)} pops/s), ${num(callBurst.events)} events in ${num(callBurst.wallSeconds, 1)} s. The retention pass at start took ${num(retentionAtStart.seconds, 1)} s, once more by hand ${num(retentionSeconds, 1)} s. ESL link: ${num(finalControl.eventsReceived)} events, ${num(finalControl.eventsRejected)} rejected, ${num(finalControl.reconnects)} reconnects; simulator: ${num(burstWorld.lostEvents)} events lost, ${num(burstWorld.listenersKilled)} listeners dropped.

### Memory

${memoryTable}

${probeTable}`;

console.log(`\nScreen-pop benchmark (${here})\n\n${report}\n`);
if (args.write) {
  await writeGeneratedBlock({ name: 'screen-pop', content: report });
  console.log('BENCH.md: screen-pop block rewritten');
}
log(`screen-pop bench: done in ${num((performance.now() - started) / 1000)} s`);
