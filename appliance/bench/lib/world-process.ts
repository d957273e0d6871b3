// The world outside the appliance, in a process of its own so the appliance's RSS and CPU are its own:
// the switch simulator on the real clock (a county hotline queue with seats that answer by themselves)
// and a call-taker's console on the appliance's WebSocket. Started by WorldProcess (world-handle.ts) with
// `--import tsx`, configured by WORLD_CONFIG, driven over IPC. Times are µs on the wall clock, the clock
// the simulator stamps `Event-Date-Timestamp` with (performance.timeOrigin + performance.now()).
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import type { EventHeader } from '../../src/switch-simulator/switch-event';
import { SwitchSimulator } from '../../src/switch-simulator/switch-simulator';
import type {
  BurstResult,
  CallTiming,
  PlaceResult,
  PlannedCall,
  WorldConfig,
  WorldReply,
  WorldRequest,
  WorldUsage,
} from './world-protocol';

const config = JSON.parse(process.env.WORLD_CONFIG ?? '{}') as WorldConfig;
const wallUs = (): number => (performance.timeOrigin + performance.now()) * 1000;

const agents = Array.from({ length: config.agents }, (_, i) => `${2001 + i}@default`);
const sim = new SwitchSimulator({
  host: '127.0.0.1',
  port: 0,
  password: config.password,
  recordingsDir: config.recordingsDir,
  queues: [{ name: 'hotline' }],
  agents: agents.map((name) => ({
    name,
    contact: `user/${name.split('@')[0] ?? ''}`,
    status: 'Available',
    wrapUpTime: 0,
  })),
  tiers: agents.map((agent) => ({ queue: 'hotline', agent })),
  phones: { seats: { answer: 'auto', ringMs: config.ringMs } },
  logger: { info: () => undefined, error: (message, ...rest) => console.error(`world: ${message}`, ...rest) },
});

const createdUs = new Map<string, number>();
const popUs = new Map<string, number>();
const placed = new Map<string, Array<{ uuid: string; placedUs: number }>>();
let placedTotal = 0;
/** The calls of the phase being placed, and how many of them have popped. */
let phase: { uuids: Set<string>; pops: number } = { uuids: new Set(), pops: 0 };
/** A real CHANNEL_EXECUTE_COMPLETE of an inbound call: the model for the burst's events. */
let template: readonly EventHeader[] | undefined;

sim.onEvent({
  listener: (event) => {
    if (event.name === 'CHANNEL_CREATE') {
      let uuid: string | undefined;
      let at: string | undefined;
      for (const [name, value] of event.headers) {
        if (name === 'Unique-ID') uuid = value;
        else if (name === 'Event-Date-Timestamp') at = value;
      }
      if (uuid !== undefined && at !== undefined) createdUs.set(uuid, Number(at));
    } else if (template === undefined && event.name === 'CHANNEL_EXECUTE_COMPLETE') {
      if (event.headers.some(([name, value]) => name === 'Call-Direction' && value === 'inbound'))
        template = event.headers;
    }
  },
});

let socket: WebSocket | undefined;
let consoleMessages = 0;

function connectConsole(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    socket = ws;
    let first = true;
    ws.on('message', (data: Buffer) => {
      const at = wallUs();
      consoleMessages += 1;
      const message = JSON.parse(data.toString('utf8')) as { type: string; callId?: string };
      if (message.type === 'screen-pop' && message.callId !== undefined && !popUs.has(message.callId)) {
        popUs.set(message.callId, at);
        if (phase.uuids.has(message.callId)) phase.pops += 1;
      }
      if (first) {
        first = false;
        resolve();
      }
    });
    ws.once('error', reject);
    ws.once('close', (code) => {
      if (first) reject(new Error(`console refused (${code})`));
    });
  });
}

async function place(options: {
  label: string;
  calls: readonly PlannedCall[];
  ratePerSecond: number;
  maxBacklog: number;
}): Promise<PlaceResult> {
  const { label, calls, ratePerSecond, maxBacklog } = options;
  const list = placed.get(label) ?? [];
  placed.set(label, list);
  phase = { uuids: new Set(), pops: 0 };
  let halted = false;
  const interval = ratePerSecond > 0 ? 1000 / ratePerSecond : 0;
  const t0 = performance.now() + 5;
  const startedUs = wallUs();
  let maxLateMs = 0;
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i];
    if (call === undefined) continue;
    if (interval > 0) {
      const due = t0 + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      maxLateMs = Math.max(maxLateMs, performance.now() - due);
    }
    if (maxBacklog > 0 && phase.uuids.size - phase.pops >= maxBacklog) {
      halted = true;
      break;
    }
    const at = wallUs();
    const { uuid } = sim.placeInboundCall({
      callerNumber: call.callerNumber,
      talkMs: call.talkMs,
      patienceMs: call.patienceMs,
    });
    list.push({ uuid, placedUs: at });
    phase.uuids.add(uuid);
    placedTotal += 1;
  }
  return { placed: phase.uuids.size, halted, startedUs, endedUs: wallUs(), maxLateMs };
}

function timings(label: string): CallTiming[] {
  return (placed.get(label) ?? []).map(({ uuid, placedUs }) => ({
    uuid,
    placedUs,
    createUs: createdUs.get(uuid) ?? null,
    popUs: popUs.get(uuid) ?? null,
  }));
}

/** Fires `count` copies of a real call event (fresh Unique-IDs) as fast as the switch takes them. */
function burstEvents(count: number): BurstResult {
  if (template === undefined) throw new Error('no CHANNEL_EXECUTE_COMPLETE seen yet to copy');
  // The switch adds its standard headers (Event-Name … Event-Sequence) itself.
  const standard = new Set([
    'Event-Name', 'Core-UUID', 'FreeSWITCH-Hostname', 'FreeSWITCH-Switchname', 'FreeSWITCH-IPv4',
    'FreeSWITCH-IPv6', 'Event-Date-Local', 'Event-Date-GMT', 'Event-Date-Timestamp', 'Event-Calling-File',
    'Event-Calling-Function', 'Event-Calling-Line-Number', 'Event-Sequence',
  ]); // prettier-ignore
  const headers = template.filter(([name]) => !standard.has(name));
  const startedUs = wallUs();
  for (let i = 0; i < count; i++) {
    const uuid = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    sim.injectEvent({
      name: 'CHANNEL_EXECUTE_COMPLETE',
      headers: headers.map(([name, value]): EventHeader =>
        name === 'Unique-ID' || name === 'Channel-Call-UUID' || name === 'variable_call_uuid'
          ? [name, uuid]
          : [name, value],
      ),
    });
  }
  const eventBytes = JSON.stringify(Object.fromEntries(template)).length;
  return { injected: count, startedUs, queuedUs: wallUs(), eventBytes };
}

let elu = performance.eventLoopUtilization();
function usage(): WorldUsage {
  const cpu = process.cpuUsage();
  const now = performance.eventLoopUtilization();
  const since = performance.eventLoopUtilization(now, elu);
  elu = now;
  const stats = sim.stats();
  return {
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    rss: process.memoryUsage().rss,
    elu: since.utilization,
    pops: popUs.size,
    placedTotal,
    consoleMessages,
    channels: sim.channels().length,
    lostEvents: stats.lostEvents,
    listenersKilled: stats.listenersKilled,
    framesWritten: stats.framesWritten,
  };
}

async function handle(request: WorldRequest): Promise<unknown> {
  switch (request.op) {
    case 'clock':
      return wallUs();
    case 'console':
      await connectConsole(request.url);
      return null;
    case 'place':
      return place(request);
    case 'timings':
      return timings(request.label);
    case 'burst-events':
      return burstEvents(request.count);
    case 'usage':
      return usage();
    case 'stop':
      socket?.close();
      await sim.stop();
      return null;
  }
}

process.on('message', (message: WorldRequest) => {
  handle(message).then(
    (result) => {
      const reply: WorldReply = { id: message.id, result };
      process.send?.(reply);
      if (message.op === 'stop') process.disconnect();
    },
    (error: unknown) => {
      const reply: WorldReply = { id: message.id, error: String(error) };
      process.send?.(reply);
    },
  );
});

await sim.start();
const ready: WorldReply = { id: 0, result: { port: sim.port } };
process.send?.(ready);
