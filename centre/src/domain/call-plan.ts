import type { DemoCounty } from './demo-logins';
import { seedUlid } from './seed-ids';
import { createRandom, type Citizen, type OrderSeed, type Random } from './seed-plan';

/**
 * A county's past calls, consistent with its planned orders, in the form the appliance's call-history import
 * takes (`POST /api/calls/import`): every order received by call has the call it came from (the citizen's
 * number, the seat of the call-taker who recorded it, the wait in the queue, the talk around the moment the
 * order was saved), and some calls never became orders: citizens who gave up in the queue (some ringing
 * back later and getting through) and a few the queue gave up on. No recordings: the appliance keeps none
 * for imported calls.
 */

const secondMs = 1_000;
const minuteMs = 60 * secondMs;
const hourMs = 60 * minuteMs;
const dayMs = 24 * hourMs;
const chinaOffsetMs = 8 * hourMs;
/** The training scenario's hotline number and queue (`appliance/src/switch-simulator/scenarios/training.json`). */
const HOTLINE = '12345';
const QUEUE = 'hotline';

export type CallSeed = {
  id: string;
  direction: 'inbound';
  /** As a switch shows it: national digits for a mobile. */
  caller: string;
  callerName: string | null;
  destination: string;
  startedAt: string;
  queue: string;
  queueJoinedAt: string;
  agentAnsweredAt: string | null;
  endedAt: string;
  seat: string | null;
  outcome: 'answered' | 'abandoned' | 'timed_out';
  orderId: string | null;
};

const iso = (ms: number): string => new Date(ms).toISOString();

/** `+8613800130011` → `13800130011`: what the switch's caller ID carries for a mobile. */
function dialled(phone: string): string {
  return /^\+861\d{10}$/.test(phone) ? phone.slice(3) : phone;
}

/** Seconds in the queue: mostly short, sometimes a busy minute or two. */
function waitSeconds(random: Random): number {
  const r = random.next();
  if (r < 0.7) return random.int(3, 20);
  if (r < 0.95) return random.int(21, 60);
  return random.int(61, 150);
}

/** A call that did not reach a seat: the caller hung up in the queue, or the queue gave up at 180 s. */
function unanswered(options: {
  random: Random;
  idKey: string;
  citizen: Citizen;
  startedAt: number;
}): CallSeed {
  const { random, startedAt } = options;
  const timedOut = random.chance(0.15);
  const joined = startedAt + random.int(6, 12) * secondMs;
  const ended = joined + (timedOut ? 180 : random.int(8, 90)) * secondMs;
  return {
    id: `demo-${seedUlid({ at: startedAt, key: options.idKey })}`,
    direction: 'inbound',
    caller: dialled(options.citizen.phone),
    callerName: null,
    destination: HOTLINE,
    startedAt: iso(startedAt),
    queue: QUEUE,
    queueJoinedAt: iso(joined),
    agentAnsweredAt: null,
    endedAt: iso(ended),
    seat: null,
    outcome: timedOut ? 'timed_out' : 'abandoned',
    orderId: null,
  };
}

/**
 * The calls of a county's planned orders, plus the ones that came to nothing, oldest first. `seats` are the
 * call-takers' extensions by the orders' `taker` index. Only calls over before `now` are planned.
 */
export function planCalls(options: {
  county: DemoCounty;
  orders: readonly OrderSeed[];
  citizens: readonly Citizen[];
  seats: readonly string[];
  now: number;
  days: number;
  /** What sets this plan's ids apart from another plan's (as the orders' `idKey`). */
  idKey: string;
  seed?: number;
}): CallSeed[] {
  const { county, now } = options;
  // Its own generator: planning calls leaves the orders' plan as it was.
  const random = createRandom((options.seed ?? 20260101) ^ Number(county.code));
  const calls: CallSeed[] = [];
  const key = (n: number): string => `${options.idKey}:call:${county.code}:${n}`;
  for (const order of options.orders) {
    const receive = order.steps[0];
    if (receive?.type !== 'receive' || receive.channel !== 'call') continue;
    // The order was saved while the citizen was still on the line.
    const answered = receive.at - random.int(40, 150) * secondMs;
    const ended = receive.at + random.int(15, 90) * secondMs;
    const joined = answered - waitSeconds(random) * secondMs;
    const started = joined - random.int(6, 12) * secondMs;
    // Some got through only on a second try.
    if (random.chance(0.1))
      calls.push(
        unanswered({
          random,
          idKey: key(calls.length),
          citizen: receive.citizen,
          startedAt: started - random.int(5, 90) * minuteMs,
        }),
      );
    calls.push({
      id: `demo-${seedUlid({ at: started, key: key(calls.length) })}`,
      direction: 'inbound',
      caller: dialled(receive.citizen.phone),
      callerName: null,
      destination: HOTLINE,
      startedAt: iso(started),
      queue: QUEUE,
      queueJoinedAt: iso(joined),
      agentAnsweredAt: iso(answered),
      endedAt: iso(ended),
      seat: options.seats[order.taker] ?? options.seats[0] ?? null,
      outcome: 'answered',
      orderId: order.id,
    });
  }
  // And callers who gave up and never rang back: none to three a day, between 08:00 and 20:00.
  const todayStart = Math.floor((now + chinaOffsetMs) / dayMs) * dayMs - chinaOffsetMs;
  for (let day = options.days; day >= 0; day--) {
    const dayStart = todayStart - day * dayMs;
    for (let n = random.int(0, 3); n > 0; n--) {
      const startedAt = dayStart + 8 * hourMs + random.int(0, 12 * 60 - 1) * minuteMs;
      const citizen =
        options.citizens.length > 0 ? random.pick(options.citizens) : { phone: '+8613857100000', name: '' };
      calls.push(unanswered({ random, idKey: key(calls.length), citizen, startedAt }));
    }
  }
  return calls
    .filter((call) => Date.parse(call.endedAt) < now - minuteMs)
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}
