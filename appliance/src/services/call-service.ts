import { randomUUID } from 'node:crypto';
import { maskCaller } from '../domain/calls/caller-mask';
import { readHangup, type CallRecord } from '../domain/calls/call-record';
import { LiveCalls, type AgentState } from '../domain/calls/live-calls';
import type { CallControl, SwitchEvent } from '../ports/call-control';
import type { CallStore } from '../ports/call-store';
import type { CallerHistory, CallerLookup } from '../ports/caller-lookup';
import type { ConsolePublisher, ScreenPopCaller } from '../ports/console-publisher';
import type { Logger } from '../ports/logger';
import type { Service } from '../ports/service';
import type { RecordingIndexer } from './recording-indexer';

/**
 * Chooses a call's queue (the provisioning file's routing table; see firmware-config's routeCall), and how
 * to put it there: `uuid_transfer <uuid> <transferTo>`.
 */
export type RouteCall = (options: {
  caller: string | null;
  callerRaw: string;
  knownCountyCode: string | undefined;
}) => { queue: string; reason: string; transferTo: string };

export type CallServiceStats = {
  screenPops: number;
  screenPopFailures: number;
  callsRecorded: number;
  callsReconstructed: number;
  legsMerged: number;
  routed: number;
  routeFailures: number;
  eventsHandled: number;
  /** Inbound calls the switch answered but never reported a recording for (it could not open the file). */
  unrecorded: number;
};

/** Flags a call-taker should notice at a glance; the PWA translates the codes. */
export const CallerFlag = {
  /** Three calls or more within a week. */
  frequent: 'frequent',
  /** The latest return visit scored 1 or 2. */
  unsatisfied: 'unsatisfied',
  openComplaint: 'open_complaint',
  /** A missed call of theirs is still on the callback list. */
  awaitingCallback: 'awaiting_callback',
  /** No number: withheld or malformed caller ID. */
  noNumber: 'no_number',
} as const;
export type CallerFlag = (typeof CallerFlag)[keyof typeof CallerFlag];

const FREQUENT_CALLS = 3;
const WEEK_MS = 7 * 24 * 3600 * 1000;

/**
 * The telephony application: folds the switch's events into live calls, pops the caller's history to the
 * consoles the moment a call arrives (before anyone answers), routes parked calls into queues, keeps every
 * call record and indexes every recording. After a reconnect it resynchronises from `show channels` and
 * the agents' states, so a call that ended while the link was down still gets its record.
 */
export class CallService implements Service {
  readonly #control: CallControl;
  readonly #store: CallStore;
  readonly #lookup: CallerLookup;
  readonly #publisher: ConsolePublisher;
  readonly #recordings: RecordingIndexer;
  readonly #logger: Logger;
  readonly #route: RouteCall | undefined;
  readonly #now: () => Date;
  readonly live: LiveCalls;
  readonly #stats: CallServiceStats = {
    screenPops: 0,
    screenPopFailures: 0,
    callsRecorded: 0,
    callsReconstructed: 0,
    legsMerged: 0,
    routed: 0,
    routeFailures: 0,
    eventsHandled: 0,
    unrecorded: 0,
  };
  /** Calls whose RECORD_START arrived: every inbound call is recorded by the dialplan, or something is wrong. */
  readonly #recording = new Set<string>();
  readonly #defaultAreaCode: string | undefined;
  #pending = new Set<Promise<unknown>>();
  /** Each live call's history lookup, for routing by the caller's known county. */
  readonly #histories = new Map<string, Promise<CallerHistory | null>>();
  readonly #routed = new Set<string>();
  readonly #recordingPath: ((options: { callId: string; at: Date }) => string) | undefined;
  readonly #sms: { handle(options: { event: SwitchEvent }): void } | undefined;
  /** Observers of screen pops (the benchmark measures CHANNEL_CREATE → publish). */
  onScreenPop: ((options: { callId: string; lookupMs: number }) => void) | undefined;

  constructor(options: {
    control: CallControl;
    store: CallStore;
    lookup: CallerLookup;
    publisher: ConsolePublisher;
    recordings: RecordingIndexer;
    logger: Logger;
    defaultAreaCode?: string | undefined;
    route?: RouteCall | undefined;
    /** Demands arriving by SMS as the switch's MESSAGE events. */
    sms?: { handle(options: { event: SwitchEvent }): void } | undefined;
    /** Where an outbound call's recording goes (the switch records inbound calls in its dialplan). */
    recordingPath?: ((options: { callId: string; at: Date }) => string) | undefined;
    now?: () => Date;
  }) {
    this.#control = options.control;
    this.#store = options.store;
    this.#lookup = options.lookup;
    this.#publisher = options.publisher;
    this.#recordings = options.recordings;
    this.#logger = options.logger;
    this.#route = options.route;
    this.#now = options.now ?? (() => new Date());
    this.#defaultAreaCode = options.defaultAreaCode;
    this.#recordingPath = options.recordingPath;
    this.#sms = options.sms;
    this.live = new LiveCalls({ defaultAreaCode: options.defaultAreaCode });
    this.#control.listen({
      onEvent: (event) => this.handle({ event }),
      onConnected: ({ restarted }) => this.#track(this.#resync({ restarted })),
    });
  }

  stats(): CallServiceStats {
    return { ...this.#stats };
  }

  start(): Promise<void> {
    return this.#control.start();
  }

  async stop(): Promise<void> {
    await this.#control.stop();
    await this.idle();
  }

  /** Resolves when every write started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /** One event from the switch. Synchronous state first, then the writes, so events never reorder. */
  handle(options: { event: SwitchEvent }): void {
    const { event } = options;
    this.#stats.eventsHandled += 1;
    if (event.name === 'MESSAGE') {
      this.#sms?.handle({ event });
      return;
    }
    const receivedAt = this.#now().toISOString();
    for (const change of this.live.apply({ ...event, receivedAt })) {
      switch (change.type) {
        case 'call-arrived':
          if (change.call.direction === 'inbound') this.#track(this.#screenPop({ callId: change.call.id }));
          this.#publisher.publish({ message: { type: 'call', call: change.call } });
          break;
        case 'call-updated':
          this.#publisher.publish({ message: { type: 'call', call: change.call } });
          break;
        case 'agent-updated':
          this.#publisher.publish({ message: { type: 'agent', agent: change.agent } });
          break;
        case 'call-ended':
          // Published with its record once that is stored (below).
          this.#histories.delete(change.id);
          this.#routed.delete(change.id);
          break;
      }
    }
    if (event.name === 'RECORD_START' && event.headers['Unique-ID'] !== undefined) {
      this.#recording.add(event.headers['Unique-ID']);
    }
    if (event.name === 'CHANNEL_HANGUP_COMPLETE') this.#track(this.#hangup({ event }));
    else if (event.name === 'CHANNEL_ANSWER') this.#track(this.#recordOutbound({ event }));
    else if (event.name === 'RECORD_STOP') this.#track(this.#recordingStopped({ event }));
    else if (event.name === 'CHANNEL_EXECUTE' && event.headers.Application === 'sleep') {
      // The inbound dialplan's route window (firmware-config): the greeting has played, the call waits.
      this.#track(this.#routeWaitingCall({ event }));
    }
  }

  #track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => this.#logger.error('calls: handling failed', error));
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }

  async #screenPop(options: { callId: string }): Promise<void> {
    const call = this.live.get({ id: options.callId });
    if (call === undefined) return;
    const started = performance.now();
    const number = call.caller;
    const lookup: Promise<CallerHistory | null> =
      number === null
        ? Promise.resolve(null)
        : this.#lookup.lookup({ caller: number }).catch((error: unknown) => {
            // The pop still goes out, without history: the call-taker must know the phone is ringing.
            this.#stats.screenPopFailures += 1;
            this.#logger.error(`calls: history lookup for ${call.id} failed`, error);
            return null;
          });
    this.#histories.set(call.id, lookup);
    const history = await lookup;
    const caller: ScreenPopCaller = {
      phone: call.caller,
      masked: maskCaller({ caller: call.caller, callerRaw: call.callerRaw }),
      name: history?.knownName ?? call.callerName,
    };
    this.#publisher.publish({
      message: {
        type: 'screen-pop',
        callId: call.id,
        arrivedAt: call.startedAt,
        caller,
        flags: flagsOf({ history, hasNumber: call.caller !== null, now: this.#now() }),
        history,
      },
    });
    this.#stats.screenPops += 1;
    this.onScreenPop?.({ callId: call.id, lookupMs: performance.now() - started });
  }

  async #hangup(options: { event: SwitchEvent }): Promise<void> {
    const result = readHangup({ headers: options.event.headers, defaultAreaCode: this.#defaultAreaCode });
    if (result.type === 'ignored') {
      this.#logger.info(`calls: hang-up not recorded: ${result.reason}`);
      return;
    }
    if (result.type === 'leg') {
      // An agent whose phone rang but who never answered took no part in the call.
      if (result.leg.answeredAt === null) return;
      await this.#store.saveLeg({ leg: result.leg });
      this.#stats.legsMerged += 1;
      return;
    }
    const { record } = result;
    const recorded = this.#recording.delete(record.id);
    // The dialplan records every inbound call it answers; no RECORD_START means the switch could not open
    // the file (full disk, permissions). The call keeps its record; the gap is counted and shown in /healthz.
    if (!recorded && record.direction === 'inbound' && record.answeredAt !== null) {
      this.#stats.unrecorded += 1;
      this.#logger.error(
        `calls: ${record.id} was answered but not recorded (full disk or unwritable recordings?)`,
      );
    }
    await this.#saveRecord({ record });
  }

  async #saveRecord(options: { record: CallRecord }): Promise<void> {
    const { record } = options;
    await this.#store.saveCall({ record });
    if (record.source === 'switch') this.#stats.callsRecorded += 1;
    else this.#stats.callsReconstructed += 1;
    const reason =
      record.direction === 'inbound' && (record.outcome === 'abandoned' || record.outcome === 'timed_out')
        ? record.outcome
        : undefined;
    if (reason !== undefined) {
      await this.#store.addCallback({
        callback: {
          callId: record.id,
          caller: record.caller,
          callerRaw: record.callerRaw,
          reason,
          createdAt: record.endedAt,
          doneAt: null,
          doneBy: null,
        },
      });
    }
    this.#publisher.publish({
      message: {
        type: 'call-ended',
        callId: record.id,
        record: (await this.#store.getCall({ id: record.id })) ?? null,
      },
    });
  }

  async #recordingStopped(options: { event: SwitchEvent }): Promise<void> {
    const { headers } = options.event;
    const path = headers['Record-File-Path'];
    const uuid = headers['Unique-ID'];
    if (path === undefined || uuid === undefined) {
      this.#logger.error('calls: RECORD_STOP without Record-File-Path or Unique-ID');
      return;
    }
    const recordMs = Number(headers.variable_record_ms ?? headers.record_ms);
    await this.#recordings.index({
      callId: uuid,
      path,
      recordMs: Number.isFinite(recordMs) ? recordMs : undefined,
      at: this.#now().toISOString(),
    });
  }

  /**
   * Dials a citizen for a seat (a return visit or a callback): `bgapi originate` rings the seat's phone and,
   * once it answers, bridges it to the citizen through the carrier. Returns at once with the call's id; how
   * it went arrives on the consoles (`dial-result`, then the usual call messages and its record).
   */
  dial(options: {
    seatContact: string;
    agent: string;
    /** National digits, e.g. 13800138000 or 057188886666. */
    number: string;
    kind: 'return_visit' | 'callback';
    orderId: string | null;
    gateway: string;
    callerIdNumber?: string | undefined;
  }): { callId: string } {
    if (!/^\d{5,20}$/.test(options.number))
      throw new Error(`number: not a dialable number: ${options.number}`);
    // Channel variables are comma-separated inside {}: nothing that reaches them may hold , { } or spaces.
    const safe = /^[A-Za-z0-9:@._/-]+$/;
    for (const [name, value] of Object.entries({
      seatContact: options.seatContact,
      agent: options.agent,
      gateway: options.gateway,
      orderId: options.orderId ?? 'none',
      callerIdNumber: options.callerIdNumber ?? '0',
    })) {
      if (!safe.test(value)) throw new Error(`${name}: refused in a dial string: ${JSON.stringify(value)}`);
    }
    const callId = randomUUID();
    const variables = [
      `origination_uuid=${callId}`,
      `jz_call_kind=${options.kind}`,
      `jz_citizen_number=${options.number}`,
      `jz_agent=${options.agent}`,
      ...(options.orderId === null ? [] : [`jz_order_id=${options.orderId}`]),
      ...(options.callerIdNumber === undefined
        ? []
        : [`origination_caller_id_number=${options.callerIdNumber}`]),
      'ignore_early_media=true',
    ];
    const command = `originate {${variables.join(',')}}${options.seatContact} &bridge(sofia/gateway/${options.gateway}/${options.number})`;
    // Not tracked with the other work: the job lasts as long as the phones ring, not a write.
    void this.#control.bgapi({ command }).then(
      () => this.#publisher.publish({ message: { type: 'dial-result', callId, ok: true, reason: null } }),
      (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        this.#logger.info(`calls: dialling ${options.number} for ${options.agent} failed: ${reason}`);
        this.#publisher.publish({ message: { type: 'dial-result', callId, ok: false, reason } });
      },
    );
    return { callId };
  }

  /**
   * Training mode: the simulator's seat phones ring until answered, and the console answers them here
   * (`uuid_answer` on the leg ringing at the seat). Only the seat the call is offered to may answer it.
   */
  async answer(options: { callId: string; agent: string }): Promise<void> {
    const call = this.live.get({ id: options.callId });
    if (call === undefined) throw new Error('callId: no such call in progress');
    if (call.legId === null || call.agent !== options.agent) {
      throw new Error(`callId: the call is not ringing at ${options.agent}`);
    }
    await this.#control.api({ command: `uuid_answer ${call.legId}` });
  }

  async #recordOutbound(options: { event: SwitchEvent }): Promise<void> {
    const uuid = options.event.headers['Unique-ID'];
    const recordingPath = this.#recordingPath;
    if (uuid === undefined || recordingPath === undefined) return;
    const call = this.live.get({ id: uuid });
    if (call?.direction !== 'outbound' || options.event.headers.variable_jz_call_kind === undefined) return;
    const path = recordingPath({ callId: uuid, at: this.#now() });
    try {
      await this.#control.api({ command: `uuid_record ${uuid} start ${path}` });
    } catch (error) {
      // The seat answered and hung up (or the bridge failed) before the command arrived: nothing to record.
      if (this.live.get({ id: uuid }) !== undefined) throw error;
    }
  }

  async #routeWaitingCall(options: { event: SwitchEvent }): Promise<void> {
    const route = this.#route;
    const uuid = options.event.headers['Unique-ID'];
    if (route === undefined || uuid === undefined || this.#routed.has(uuid)) return;
    const call = this.live.get({ id: uuid });
    if (call === undefined || call.direction !== 'inbound' || call.queue !== null) return;
    this.#routed.add(uuid);
    // The screen pop's lookup (started at CHANNEL_CREATE, seconds ago) tells where the caller lives.
    const history = await this.#histories.get(uuid);
    const knownCountyCode = history?.orders[0]?.countyCode;
    const { queue, reason, transferTo } = route({
      caller: call.caller,
      callerRaw: call.callerRaw,
      knownCountyCode,
    });
    try {
      await this.#control.api({ command: `uuid_transfer ${uuid} ${transferTo}` });
      this.#stats.routed += 1;
      this.#logger.info(`calls: ${uuid} → queue ${queue} (${reason})`);
    } catch (error) {
      // When the route window ends the dialplan sends the call to the default queue: slower, not lost.
      this.#stats.routeFailures += 1;
      this.#logger.error(`calls: routing ${uuid} to ${queue} failed`, error);
    }
  }

  async #resync(options: { restarted: boolean }): Promise<void> {
    const now = this.#now().toISOString();
    const [channelsText, agentsText] = await Promise.all([
      this.#control.api({ command: 'show channels as json' }),
      this.#control.api({ command: 'callcenter_config agent list' }).catch((error: unknown) => {
        this.#logger.error('calls: reading the agents failed', error);
        return '';
      }),
    ]);
    const { ended, arrived } = this.live.resync({ channels: parseShowRows({ text: channelsText }), now });
    for (const record of ended) await this.#saveRecord({ record });
    if (agentsText !== '') {
      this.live.resetAgents({ agents: parseAgentList({ text: agentsText, at: now }) });
      for (const agent of this.live.agents()) this.#publisher.publish({ message: { type: 'agent', agent } });
    }
    for (const call of arrived) this.#publisher.publish({ message: { type: 'call', call } });
    this.#publisher.publish({
      message: {
        type: 'switch',
        state: 'connected',
        kind: this.#control.status().kind,
        restarted: options.restarted,
      },
    });
    if (ended.length > 0 || arrived.length > 0) {
      this.#logger.info(
        `calls: resynchronised with the switch: ${ended.length} call(s) ended while disconnected, ${arrived.length} new`,
      );
    }
  }
}

function flagsOf(options: { history: CallerHistory | null; hasNumber: boolean; now: Date }): CallerFlag[] {
  const { history } = options;
  const flags: CallerFlag[] = [];
  if (!options.hasNumber) flags.push('no_number');
  if (history === null) return flags;
  const weekAgo = options.now.getTime() - WEEK_MS;
  // The current call is not stored yet, so it counts as one more.
  if (history.calls.filter((call) => Date.parse(call.startedAt) >= weekAgo).length + 1 >= FREQUENT_CALLS) {
    flags.push('frequent');
  }
  const score = history.orders.find((order) => order.lastSatisfaction !== null)?.lastSatisfaction;
  if (score !== undefined && score !== null && score <= 2) flags.push('unsatisfied');
  if (history.orders.some((order) => order.openComplaints > 0)) flags.push('open_complaint');
  if (history.openCallbacks > 0) flags.push('awaiting_callback');
  return flags;
}

/** `show … as json`: `{"row_count":n,"rows":[…]}` with string values. */
export function parseShowRows(options: { text: string }): Array<Record<string, string>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(options.text);
  } catch {
    throw new Error(`show channels: not JSON: ${options.text.slice(0, 80)}`);
  }
  if (typeof parsed !== 'object' || parsed === null) return [];
  const rows: unknown = 'rows' in parsed ? parsed.rows : [];
  if (!Array.isArray(rows)) return [];
  return rows.map((row: unknown) => {
    const out: Record<string, string> = {};
    if (typeof row === 'object' && row !== null) {
      for (const [key, value] of Object.entries(row)) if (typeof value === 'string') out[key] = value;
    }
    return out;
  });
}

/** `callcenter_config agent list`: a `|`-separated table with a header line, ending in `+OK`. */
export function parseAgentList(options: { text: string; at: string }): AgentState[] {
  const lines = options.text.split('\n').filter((line) => line.trim() !== '' && line.trim() !== '+OK');
  const header = lines.shift()?.split('|') ?? [];
  const column = (name: string): number => header.indexOf(name);
  const [name, status, state] = [column('name'), column('status'), column('state')];
  if (name < 0 || status < 0 || state < 0) return [];
  return lines
    .map((line) => {
      const cells = line.split('|');
      return {
        name: cells[name] ?? '',
        status: cells[status] ?? '',
        state: cells[state] ?? '',
        since: options.at,
      };
    })
    .filter((agent) => agent.name !== '');
}
