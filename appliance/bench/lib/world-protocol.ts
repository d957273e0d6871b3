// Messages between the bench (the appliance's process) and the world process (the switch simulator and a
// call-taker's console), over the child process's IPC channel.

export type WorldConfig = {
  password: string;
  /** Seats in the hotline queue, answering by themselves after `ringMs`, no wrap-up. */
  agents: number;
  ringMs: number;
  recordingsDir: string;
};

export type PlannedCall = {
  /** As the carrier presents it (national digits, local digits, +86…). */
  callerNumber: string;
  talkMs: number;
  patienceMs?: number;
};

/** One call's times, all in µs on the wall clock (performance.timeOrigin + performance.now()). */
export type CallTiming = {
  uuid: string;
  /** Just before `placeInboundCall`. */
  placedUs: number;
  /** The CHANNEL_CREATE event's `Event-Date-Timestamp`. */
  createUs: number | null;
  /** When the console's WebSocket delivered the `screen-pop` message. */
  popUs: number | null;
};

export type WorldUsage = {
  cpuUserUs: number;
  cpuSystemUs: number;
  rss: number;
  /** Event-loop utilisation since the previous `usage` request. */
  elu: number;
  pops: number;
  placedTotal: number;
  consoleMessages: number;
  channels: number;
  lostEvents: number;
  listenersKilled: number;
  framesWritten: number;
};

export type WorldRequest =
  | { id: number; op: 'clock' }
  | { id: number; op: 'console'; url: string }
  | {
      id: number;
      op: 'place';
      label: string;
      calls: PlannedCall[];
      /** 0: all at once. */
      ratePerSecond: number;
      /** Stop placing once this many of the phase's calls are still waiting for their pop (0: never). */
      maxBacklog: number;
    }
  | { id: number; op: 'timings'; label: string }
  | { id: number; op: 'burst-events'; count: number }
  | { id: number; op: 'usage' }
  | { id: number; op: 'stop' };

export type PlaceResult = {
  placed: number;
  /** Stopped early: the appliance had fallen `maxBacklog` pops behind. */
  halted: boolean;
  startedUs: number;
  endedUs: number;
  /** How far behind schedule the latest placement ran (the world process's own lag). */
  maxLateMs: number;
};

export type BurstResult = { injected: number; startedUs: number; queuedUs: number; eventBytes: number };

export type WorldReply = { id: number; result?: unknown; error?: string };
