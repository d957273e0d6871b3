// Fills a PGlite data directory with a county's history: two years of calls (with their recordings and
// callback entries), the orders projection, 200,000 citizens behind them. Opened exactly as the appliance
// opens its database (PgliteRecordStore.openDatabase: durable), with the appliance's own schema code, and
// loaded with COPY from a blob (PGlite's /dev/blob device), 50,000 rows a statement, in time order as a
// real appliance would have appended them.
import { listItems, normalisePhone, type ServiceItem } from '@jiazheng/sync/domain';
import { createProjectionSchemaSql } from '@jiazheng/sync/projections';
import { PgliteRecordStore } from '@jiazheng/sync/storage/pglite';
import type { PGlite } from '@electric-sql/pglite';
import { PgliteCallStore } from '../../src/adapters/pglite/pglite-call-store';
import { DEFAULT_RETENTION } from '../../src/compose-telephony';
import { normaliseCaller } from '../../src/domain/calls/call-record';
import { buildPopulation, callerIdOf, type Population } from './population';
import {
  createRandom,
  logNormal,
  pick,
  randomHex,
  randomInt,
  randomUuid,
  ulidAt,
  WeightedPicker,
  type Random,
} from './random';

export type DatasetSpec = {
  /** Bumped whenever the generator changes, so a cached directory of an older shape is not reused. */
  version: number;
  citizens: number;
  calls: number;
  orders: number;
  seed: number;
  countyCode: string;
  areaCode: string;
};

export const DATASET: DatasetSpec = {
  version: 3,
  citizens: 200_000,
  calls: 1_000_000,
  orders: 300_000,
  seed: 20261129,
  countyCode: '330106',
  areaCode: '0571',
};

export type SeedReport = {
  spec: DatasetSpec;
  seededAt: string;
  /** The newest historical call ends here; the bench's own calls come after. */
  historyEndMs: number;
  seconds: number;
  rows: { calls: number; recordings: number; purgedRecordings: number; callbacks: number; orders: number };
  /** Calls of the heaviest caller, of the 1,000th, and of the median citizen. */
  callsPerCitizen: { top: number; rank1000: number; median: number; withoutCalls: number };
  diskBytes?: number;
};

const DAY_MS = 86_400_000;
const HISTORY_DAYS = 730;
const CHUNK_ROWS = 50_000;
const RECORDINGS_ROOT = '/var/lib/jiazheng/330106/recordings';
const SEATS = Array.from({ length: 40 }, (_, i) => `${1001 + i}`);
// Calls by hour of the day, Beijing time: a service hotline's day, quiet at night.
const HOURLY = [
  0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 4, 6, 6, 5, 4, 5, 5.5, 5, 4.5, 3.5, 2.5, 2, 1.5, 1, 0.6, 0.3,
];
const BEIJING_OFFSET_MS = 8 * 3_600_000;

type Log = (message: string) => void;

/** Sorted moments over the two years before `endMs`, following the hotline's day. */
function moments(random: Random, count: number, endMs: number): Float64Array {
  const hours = new WeightedPicker(HOURLY);
  const startDay = Math.floor((endMs + BEIJING_OFFSET_MS) / DAY_MS) - HISTORY_DAYS;
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let at: number;
    do {
      const day = startDay + randomInt(random, HISTORY_DAYS + 1);
      at = day * DAY_MS - BEIJING_OFFSET_MS + hours.draw(random) * 3_600_000 + random() * 3_600_000;
    } while (at >= endMs);
    out[i] = Math.floor(at);
  }
  return out.sort();
}

/** CSV as COPY reads it: an unquoted empty field is NULL, so empty strings (and anything with a comma,
 * a quote or a line break) are quoted. */
function cell(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  return value === '' || /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

class CopyBuffer {
  readonly #lines: string[] = [];
  rows = 0;

  constructor(
    private readonly pglite: PGlite,
    private readonly table: string,
    private readonly columns: readonly string[],
  ) {}

  async add(values: ReadonlyArray<string | number | boolean | null>): Promise<void> {
    if (values.length !== this.columns.length) throw new Error(`${this.table}: wrong number of values`);
    this.#lines.push(values.map(cell).join(','));
    this.rows += 1;
    if (this.#lines.length >= CHUNK_ROWS) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#lines.length === 0) return;
    const csv = `${this.#lines.join('\n')}\n`;
    this.#lines.length = 0;
    await this.pglite.query(
      `COPY ${this.table} (${this.columns.join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`,
      [],
      {
        blob: new Blob([csv]),
      },
    );
  }
}

function checkNumbers(options: { population: Population; random: Random; areaCode: string }): void {
  for (const citizen of options.population.citizens) {
    if (normalisePhone({ input: citizen.phone }).canonical !== citizen.phone)
      throw new Error(`generated number ${citizen.phone} does not normalise to itself`);
  }
  for (let i = 0; i < 20_000; i++) {
    const citizen = pick(options.random, options.population.citizens);
    const raw = callerIdOf(options.random, citizen);
    if (normaliseCaller({ raw, defaultAreaCode: options.areaCode }) !== citizen.phone)
      throw new Error(`caller ID ${raw} does not normalise to ${citizen.phone}`);
  }
}

export async function seedDatabase(options: {
  dataDir: string;
  spec: DatasetSpec;
  log: Log;
}): Promise<SeedReport> {
  const { spec, log } = options;
  const started = performance.now();
  const random = createRandom(spec.seed + 1);
  const population = buildPopulation({ citizens: spec.citizens, seed: spec.seed });
  checkNumbers({ population, random, areaCode: spec.areaCode });
  log(
    `seed: ${spec.citizens} citizens generated and checked in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  const pglite = await PgliteRecordStore.openDatabase({ dataDir: options.dataDir });
  try {
    // The schemas the appliance creates on start: the record store, the call tables, the projections.
    const records = await PgliteRecordStore.attach({ pglite });
    await records.close();
    await PgliteCallStore.open({ pglite });
    for (const statement of createProjectionSchemaSql.split(';'))
      if (statement.trim() !== '') await pglite.exec(statement);

    const endMs = Math.floor(Date.now() / 60_000) * 60_000;
    const callsPerCitizen = new Int32Array(spec.citizens);
    const rows = await seedCalls({ pglite, population, random, endMs, spec, callsPerCitizen, log });
    const orders = await seedOrders({ pglite, population, random, endMs, spec, log });
    // A table loaded by COPY has no hint bits yet: the first query to read a row would set them and write
    // its page out again, which an appliance that grew over two years did long ago. One pass over each
    // table sets them (a plain scan: no VACUUM or ANALYZE, which the appliance never runs either).
    for (const table of ['calls', 'recordings', 'callbacks', 'orders']) {
      await pglite.query(`SELECT count(*) FROM ${table}`);
    }
    log('seed: checkpoint');
    await pglite.exec('CHECKPOINT');

    const sorted = Array.from(callsPerCitizen).sort((a, b) => b - a);
    return {
      spec,
      seededAt: new Date().toISOString(),
      historyEndMs: endMs,
      seconds: (performance.now() - started) / 1000,
      rows: { ...rows, orders },
      callsPerCitizen: {
        top: sorted[0] ?? 0,
        rank1000: sorted[999] ?? 0,
        median: sorted[Math.floor(sorted.length / 2)] ?? 0,
        withoutCalls: sorted.filter((n) => n === 0).length,
      },
    };
  } finally {
    await pglite.close();
  }
}

const CALL_COLUMNS = [
  'id', 'complete', 'direction', 'caller', 'caller_raw', 'caller_name', 'destination', 'started_at',
  'answered_at', 'ended_at', 'queue', 'queue_joined_at', 'agent_answered_at', 'agent', 'agent_leg_id',
  'wait_sec', 'talk_sec', 'billsec', 'duration_sec', 'hangup_cause', 'outcome', 'kind', 'order_id', 'source',
]; // prettier-ignore
const RECORDING_COLUMNS = [
  'id', 'call_id', 'path', 'category', 'duration_ms', 'bytes', 'sha256', 'created_at', 'disputed',
  'purged_at', 'missing',
]; // prettier-ignore
const CALLBACK_COLUMNS = ['call_id', 'caller', 'caller_raw', 'reason', 'created_at', 'done_at', 'done_by'];

async function seedCalls(options: {
  pglite: PGlite;
  population: Population;
  random: Random;
  endMs: number;
  spec: DatasetSpec;
  callsPerCitizen: Int32Array;
  log: Log;
}): Promise<{ calls: number; recordings: number; purgedRecordings: number; callbacks: number }> {
  const { pglite, population, random, endMs, spec, log } = options;
  const picker = new WeightedPicker(population.weights);
  const starts = moments(random, spec.calls, endMs);
  const calls = new CopyBuffer(pglite, 'calls', CALL_COLUMNS);
  // Every answered call was recorded (the dialplan records from the answer); written after the calls,
  // once it is known which recordings the quota has purged since.
  const recordingCalls: string[] = [];
  const recordingStarted: number[] = [];
  const recordingAnswered: number[] = [];
  const recordingEnded: number[] = [];
  const callbacks = new CopyBuffer(pglite, 'callbacks', CALLBACK_COLUMNS);
  const t0 = performance.now();
  const sec = (ms: number) => Math.max(0, Math.floor(ms / 1000));

  for (let i = 0; i < starts.length; i++) {
    const startedAt = starts[i] ?? 0;
    const id = randomUuid(random);
    const seat = pick(random, SEATS);
    const outbound = random() < 0.08;
    const withheld = !outbound && random() < 0.01;
    const who = withheld ? -1 : picker.draw(random);
    const citizen = population.citizens[who];
    if (who >= 0) options.callsPerCitizen[who] = (options.callsPerCitizen[who] ?? 0) + 1;
    let row: Array<string | number | boolean | null>;
    let answeredAt: number | null;
    let endedAt: number;
    let outcome: string;

    if (outbound && citizen !== undefined) {
      const answered = random() < 0.75;
      answeredAt = answered
        ? startedAt + Math.floor(logNormal(random, { median: 9000, sigma: 0.5, min: 2000, max: 40000 }))
        : null;
      const talkMs = answered
        ? logNormal(random, { median: 90_000, sigma: 0.6, min: 10_000, max: 900_000 })
        : 0;
      endedAt = answeredAt === null ? startedAt + 30_000 : Math.floor(answeredAt + talkMs);
      outcome = answered ? 'answered' : 'unanswered';
      const national = citizen.kind === 'mobile' ? citizen.phone.slice(3) : `0${citizen.phone.slice(3)}`;
      row = [
        id, true, 'outbound', citizen.phone, national, null, national, startedAt, answeredAt, endedAt,
        null, null, null, `${seat}@default`, null, null, answered ? sec(talkMs) : null,
        answeredAt === null ? 0 : sec(endedAt - answeredAt), sec(endedAt - startedAt),
        answered ? 'NORMAL_CLEARING' : 'NO_ANSWER', outcome, random() < 0.6 ? 'return_visit' : 'callback',
        null, 'switch',
      ]; // prettier-ignore
    } else {
      const callerRaw =
        citizen === undefined ? pick(random, ['anonymous', 'Anonymous', '']) : callerIdOf(random, citizen);
      const callerName = citizen !== undefined && random() < 0.1 ? citizen.name : null;
      answeredAt = startedAt + 200;
      const joinedAt = answeredAt + 1000;
      const r = random();
      let waitSec: number | null = null;
      let talkSec: number | null = null;
      let agentAnsweredAt: number | null = null;
      let agent: string | null = null;
      let agentLeg: string | null = null;
      let queue: string | null = 'hotline';
      if (r < 0.03) {
        outcome = 'ended';
        queue = null;
        endedAt =
          answeredAt + Math.floor(logNormal(random, { median: 5000, sigma: 0.5, min: 1000, max: 20000 }));
      } else if (r < 0.12) {
        const timedOut = r >= 0.11;
        outcome = timedOut ? 'timed_out' : 'abandoned';
        const waitMs = timedOut
          ? 300_000
          : logNormal(random, { median: 40_000, sigma: 0.8, min: 3000, max: 600_000 });
        waitSec = sec(waitMs);
        endedAt = Math.floor(joinedAt + waitMs);
      } else {
        outcome = 'answered';
        const waitMs = logNormal(random, { median: 12_000, sigma: 1, min: 1000, max: 600_000 });
        const talkMs = logNormal(random, { median: 150_000, sigma: 0.6, min: 15_000, max: 1_800_000 });
        agentAnsweredAt = Math.floor(joinedAt + waitMs);
        endedAt = Math.floor(agentAnsweredAt + talkMs);
        waitSec = sec(waitMs);
        talkSec = sec(talkMs);
        agent = `${seat}@default`;
        agentLeg = randomUuid(random);
      }
      row = [
        id, true, 'inbound', citizen?.phone ?? null, callerRaw, callerName, '12345', startedAt, answeredAt,
        endedAt, queue, queue === null ? null : joinedAt, agentAnsweredAt, agent, agentLeg, waitSec, talkSec,
        sec(endedAt - answeredAt), sec(endedAt - startedAt), 'NORMAL_CLEARING', outcome, null, null, 'switch',
      ]; // prettier-ignore
      if (outcome === 'abandoned' || outcome === 'timed_out') {
        const open = endedAt > endMs - DAY_MS && random() < 0.5;
        const doneAt = open
          ? null
          : Math.floor(
              endedAt + logNormal(random, { median: 2_400_000, sigma: 1, min: 60_000, max: 2 * DAY_MS }),
            );
        await callbacks.add([
          id,
          citizen?.phone ?? null,
          callerRaw,
          outcome,
          endedAt,
          doneAt,
          open ? null : `seat${seat}`,
        ]);
      }
    }
    await calls.add(row);
    if (answeredAt !== null) {
      recordingCalls.push(id);
      recordingStarted.push(startedAt);
      recordingAnswered.push(answeredAt);
      recordingEnded.push(endedAt);
    }
    if ((i + 1) % 100_000 === 0) {
      const s = (performance.now() - t0) / 1000;
      log(`seed: ${i + 1} calls (${callbacks.rows} callbacks) in ${s.toFixed(0)} s`);
    }
  }
  await calls.flush();
  await callbacks.flush();
  const recordings = await seedRecordings({
    pglite,
    random,
    calls: recordingCalls,
    started: recordingStarted,
    answered: recordingAnswered,
    ended: recordingEnded,
  });
  log(`seed: ${recordings.rows} recordings, ${recordings.purged} of them purged by the quota`);
  return {
    calls: calls.rows,
    recordings: recordings.rows,
    purgedRecordings: recordings.purged,
    callbacks: callbacks.rows,
  };
}

/**
 * The recordings index as two years of the appliance's retention pass leave it: a recording is kept while
 * the recordings made since it (itself included) fit the quota (DEFAULT_RETENTION: 200 GB, about seven
 * weeks of this county's calls at 57.6 MB an hour); older ones were purged by the hourly pass that first
 * found them over it. Recordings under dispute are never purged.
 */
async function seedRecordings(options: {
  pglite: PGlite;
  random: Random;
  calls: string[];
  started: number[];
  answered: number[];
  ended: number[];
}): Promise<{ rows: number; purged: number }> {
  const { random, calls, started, answered, ended } = options;
  const count = calls.length;
  const order = Uint32Array.from({ length: count }, (_, i) => i).sort(
    (a, b) => (ended[a] ?? 0) - (ended[b] ?? 0),
  );
  const bytes = (i: number) => 44 + ((ended[i] ?? 0) - (answered[i] ?? 0)) * 16;
  const disputed = Array.from({ length: count }, () => random() < 0.001);
  const purgedAt = new Float64Array(count).fill(Number.NaN);
  // Two pointers over creation order: `sum` holds the bytes of recordings k … j (k the current one).
  let j = -1;
  let sum = 0;
  for (let k = 0; k < count; k++) {
    const at = order[k] ?? 0;
    if (j < k) {
      j = k;
      sum = bytes(at);
    }
    while (sum <= DEFAULT_RETENTION.quotaBytes && j + 1 < count) {
      j += 1;
      sum += bytes(order[j] ?? 0);
    }
    if (sum > DEFAULT_RETENTION.quotaBytes && !disputed[at]) {
      purgedAt[at] = Math.ceil((ended[order[j] ?? 0] ?? 0) / 3_600_000) * 3_600_000;
    }
    sum -= bytes(at);
  }
  const recordings = new CopyBuffer(options.pglite, 'recordings', RECORDING_COLUMNS);
  let purged = 0;
  for (let k = 0; k < count; k++) {
    const at = order[k] ?? 0;
    const id = calls[at] ?? '';
    const endedAt = ended[at] ?? 0;
    const durationMs = endedAt - (answered[at] ?? 0);
    const day = new Date((started[at] ?? 0) + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
    const purgedTime = purgedAt[at] ?? Number.NaN;
    if (!Number.isNaN(purgedTime)) purged += 1;
    await recordings.add([
      ulidAt(random, endedAt), id, `${RECORDINGS_ROOT}/${day}/${id}.wav`, 'call', durationMs,
      bytes(at), randomHex(random, 64), endedAt, disputed[at] ?? false,
      Number.isNaN(purgedTime) ? null : purgedTime, false,
    ]); // prettier-ignore
  }
  await recordings.flush();
  return { rows: recordings.rows, purged };
}

const ORDER_COLUMNS = [
  'record_id', 'county_code', 'status', 'channel', 'item_code', 'category_code', 'urgency', 'citizen_phone',
  'citizen_name', 'enterprise_id', 'worker_id', 'received_at', 'dispatched_at', 'served_at', 'closed_at',
  'fee_fen', 'resolution', 'reopen_count', 'open_complaints', 'last_satisfaction', 'updated_at',
]; // prettier-ignore
const IN_FLIGHT = [
  'received',
  'awaiting_dispatch',
  'dispatched',
  'accepted',
  'in_service',
  'served',
  'closed',
];
const IN_FLIGHT_WEIGHTS = [5, 10, 10, 15, 20, 20, 20];

async function seedOrders(options: {
  pglite: PGlite;
  population: Population;
  random: Random;
  endMs: number;
  spec: DatasetSpec;
  log: Log;
}): Promise<number> {
  const { pglite, population, random, endMs, spec, log } = options;
  // People who call often order more, but less steeply than they call.
  const picker = new WeightedPicker(population.weights.map((w) => Math.pow(w, 0.6)));
  const items = listItems();
  // Household help, elder care and repairs are most of a county's orders.
  const itemPicker = new WeightedPicker(
    items.map((item: ServiceItem) => (['FAM', 'ELD', 'MNT'].includes(item.categoryCode) ? 3 : 1)),
  );
  const statusPicker = new WeightedPicker(IN_FLIGHT_WEIGHTS);
  const enterprises = Array.from(
    { length: 120 },
    () => `enterprise:hub:${ulidAt(random, endMs - 900 * DAY_MS * random())}`,
  );
  const workers = Array.from(
    { length: 2000 },
    () => `worker:hub:${ulidAt(random, endMs - 900 * DAY_MS * random())}`,
  );
  const received = moments(random, spec.orders, endMs);
  const orders = new CopyBuffer(pglite, 'orders', ORDER_COLUMNS);
  const t0 = performance.now();
  const hours = (h: number) => Math.floor(h * 3_600_000);

  for (let i = 0; i < received.length; i++) {
    const receivedAt = received[i] ?? 0;
    const citizen = population.citizens[picker.draw(random)];
    const item = items[itemPicker.draw(random)] ?? items[0];
    if (citizen === undefined || item === undefined) throw new Error('seed: empty population or catalogue');
    const recent = receivedAt > endMs - 14 * DAY_MS;
    const status = recent
      ? (IN_FLIGHT[statusPicker.draw(random)] ?? 'closed')
      : random() < 0.93
        ? 'closed'
        : 'cancelled';
    const information = item.handling === 'information';
    const steps = [
      'received',
      'awaiting_dispatch',
      'dispatched',
      'accepted',
      'in_service',
      'served',
      'closed',
    ];
    const reached = (step: string) => status !== 'cancelled' && steps.indexOf(status) >= steps.indexOf(step);
    const dispatchedAt = !information && reached('dispatched') ? receivedAt + hours(0.1 + random()) : null;
    const servedAt =
      dispatchedAt !== null && reached('served') ? dispatchedAt + hours(2 + random() * 70) : null;
    const closedAt =
      status === 'closed'
        ? information
          ? receivedAt + hours(0.05)
          : (servedAt ?? receivedAt) + hours(24 + random() * 144)
        : status === 'cancelled'
          ? receivedAt + hours(random() * 48)
          : null;
    const satisfactionRoll = random();
    const lastSatisfaction =
      servedAt === null || random() < 0.1
        ? null
        : satisfactionRoll < 0.7
          ? 5
          : satisfactionRoll < 0.9
            ? 4
            : satisfactionRoll < 0.96
              ? 3
              : satisfactionRoll < 0.99
                ? 2
                : 1;
    const channelRoll = random();
    const urgencyRoll = random();
    const name =
      random() < 0.2 ? `${citizen.name.slice(0, 1)}${random() < 0.6 ? '女士' : '先生'}` : citizen.name;
    const updatedAt = Math.max(receivedAt, dispatchedAt ?? 0, servedAt ?? 0, closedAt ?? 0);
    await orders.add([
      `order:${spec.countyCode}:${ulidAt(random, receivedAt)}`,
      spec.countyCode,
      status,
      channelRoll < 0.8 ? 'call' : channelRoll < 0.87 ? 'sms' : channelRoll < 0.95 ? 'web' : 'walk_in',
      item.code,
      item.categoryCode,
      urgencyRoll < 0.92 ? 'normal' : urgencyRoll < 0.99 ? 'urgent' : 'emergency',
      random() < 0.01 ? null : citizen.phone,
      name,
      dispatchedAt === null ? null : pick(random, enterprises),
      dispatchedAt === null || !reached('accepted') ? null : pick(random, workers),
      receivedAt,
      dispatchedAt,
      servedAt,
      closedAt,
      servedAt === null ? null : 3000 + randomInt(random, 77_000),
      status === 'cancelled'
        ? 'cancelled'
        : status !== 'closed'
          ? null
          : information
            ? 'information'
            : 'served',
      random() < 0.02 ? 1 : 0,
      random() < 0.005 ? 1 : 0,
      lastSatisfaction,
      updatedAt,
    ]);
    if ((i + 1) % 100_000 === 0)
      log(`seed: ${i + 1} orders in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  await orders.flush();
  return orders.rows;
}
