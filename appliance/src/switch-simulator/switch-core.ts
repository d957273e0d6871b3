/**
 * The switch itself: channels, the order in which their events fire, dialplan applications, bridges,
 * originate, recordings and the CDR variables, modelled on switch_core_state_machine.c, switch_channel.c,
 * switch_ivr_bridge.c and switch_ivr_originate.c. There is no media: "audio" is time passing on the clock.
 *
 * Everything runs synchronously on timer callbacks (see clock.ts), so the event order is deterministic.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { Logger } from '../ports/logger';
import {
  Channel,
  HANGUP_CAUSES,
  formatLocalDateTime,
  parseHangupCause,
  type CallerProfile,
  type ChannelState,
  type CallState,
  type HangupCause,
} from './channel';
import { Scheduler, type SimClock } from './clock';
import { parseDialString, type DialTarget } from './dial-string';
import type { Random } from './random';
import { EventBuilder, type EventSource, type SwitchEvent } from './switch-event';
import { readWavInfo, WAV_SAMPLE_RATE, writeWavFile } from './wav';

export const FREESWITCH_VERSION = '1.10.11-release~64bit';

/** How a simulated phone reacts when the switch calls it. */
export type PhoneBehaviour = {
  /**
   * `auto` answers after `ringMs`; `manual` rings until `uuid_answer` (training mode: a person answers);
   * `never` rings until the originate times out; `busy`, `reject` and `unregistered` fail at once.
   */
  readonly answer: 'auto' | 'manual' | 'never' | 'busy' | 'reject' | 'unregistered';
  readonly ringMs?: number | undefined;
  /** After answering, the far end hangs up this long later (a citizen ending a return-visit call). */
  readonly hangupAfterMs?: number | undefined;
};

export type DialplanApp = { readonly app: string; readonly data?: string | undefined };

/** One extension: calls to a matching destination (exact, or `/regex/`) run these applications. */
export type DialplanExtension = { readonly destination: string; readonly apps: readonly DialplanApp[] };

export type SwitchCoreOptions = {
  clock: SimClock;
  logger: Logger;
  random: Random;
  hostname: string;
  ipv4: string;
  ipv6: string;
  timeZone: string;
  recordingsDir: string;
  soundsDir: string | undefined;
  /** The SIP domain of seat phones (`user/1001` → `1001@domain`). */
  domain: string;
  /** Where inbound calls come from (the carrier's address). */
  carrierAddress: string;
  extensions: readonly DialplanExtension[];
  defaultApps: readonly DialplanApp[];
  phones: {
    seats: PhoneBehaviour;
    external: PhoneBehaviour;
    /** By extension or number: `1001`, `13800138000`. */
    overrides: Map<string, PhoneBehaviour>;
  };
  /** Playback length of a prompt the simulator cannot measure (a relative sound name, TTS). */
  defaultPromptMs: number;
};

export type AppContext = {
  readonly core: SwitchCore;
  readonly channel: Channel;
  readonly data: string;
  /** Ends the application: fires CHANNEL_EXECUTE_COMPLETE with this Application-Response. */
  readonly complete: (response?: string) => void;
};

export type AppRun = {
  /** The channel hung up while the application ran; without it the application completes with `_none_`. */
  onHangup?: () => void;
  /** Something (uuid_transfer, uuid_bridge) takes the channel away from the application. */
  onBreak?: () => void;
  /** The channel's bridge ended while the application ran (the `bridge` application continues the dialplan). */
  onUnbridged?: () => void;
  /** `park`: applications sent with sendmsg run inside it instead of waiting for it to end. */
  hostsPrivateApps?: boolean;
  /** `callcenter`: mod_callcenter flushes private events, so sendmsg applications are dropped. */
  discardsPrivateApps?: boolean;
};

export type AppImpl = (context: AppContext) => AppRun | undefined;

export type OriginateResult = { ok: true; channel: Channel } | { ok: false; cause: HangupCause };

export type OriginateHandle = {
  readonly channel: Channel | undefined;
  /** Gives up on the call (the originator hung up, an agent logged out): ORIGINATOR_CANCEL. */
  cancel(options?: { cause?: HangupCause }): void;
};

type PendingApp = { name: string; data: string; eventUuid: string };
type RunningApp = PendingApp & { run: AppRun; completed: boolean };

type CallerPlan = { talkMs: number | undefined; hangupBy: 'caller' | 'callee' };

type Runtime = {
  channel: Channel;
  dialplan: PendingApp[];
  privateApps: PendingApp[];
  current: RunningApp | undefined;
  nested: RunningApp[];
  /** A channel running a dialplan hangs up when it has nothing left to do. */
  runsDialplan: boolean;
  recordings: Map<string, { path: string; startedMicros: number }>;
  cancels: Set<() => void>;
  onHangup: Array<() => void>;
  onBridged: Array<(partner: Channel) => void>;
  /** The simulated far end of an outbound leg, answered by uuid_answer in `manual` mode. */
  farEnd: { answer: () => void } | undefined;
  callerPlan: CallerPlan | undefined;
};

const SOURCES = {
  create: { file: 'switch_core_state_machine.c', func: 'switch_core_session_run', line: 629 },
  state: { file: 'switch_channel.c', func: 'switch_channel_perform_set_running_state', line: 2096 },
  callstate: { file: 'switch_channel.c', func: 'switch_channel_perform_set_callstate', line: 361 },
  answer: { file: 'switch_channel.c', func: 'switch_channel_perform_mark_answered', line: 3995 },
  progress: { file: 'switch_channel.c', func: 'switch_channel_perform_mark_ring_ready_value', line: 3573 },
  progressMedia: { file: 'switch_channel.c', func: 'switch_channel_perform_mark_pre_answered', line: 3740 },
  outgoing: { file: 'switch_core_session.c', func: 'switch_core_session_outgoing_channel', line: 696 },
  execute: { file: 'switch_core_session.c', func: 'switch_core_session_exec', line: 2927 },
  executeComplete: { file: 'switch_core_session.c', func: 'switch_core_session_exec', line: 2970 },
  park: { file: 'switch_ivr.c', func: 'switch_ivr_park', line: 997 },
  unpark: { file: 'switch_ivr.c', func: 'switch_ivr_park', line: 1211 },
  bridge: { file: 'switch_ivr_bridge.c', func: 'audio_bridge_on_exchange_media', line: 1180 },
  unbridge: { file: 'switch_ivr_bridge.c', func: 'audio_bridge_on_exchange_media', line: 1290 },
  hangup: { file: 'switch_channel.c', func: 'switch_channel_perform_hangup', line: 3412 },
  hangupComplete: {
    file: 'switch_core_state_machine.c',
    func: 'switch_core_session_reporting_state',
    line: 946,
  },
  destroy: { file: 'switch_core_session.c', func: 'switch_core_session_perform_destroy', line: 1697 },
  recordStart: { file: 'switch_ivr_async.c', func: 'record_callback', line: 1248 },
  recordStop: { file: 'switch_ivr_async.c', func: 'record_callback', line: 1333 },
  playbackStart: { file: 'switch_ivr_play_say.c', func: 'switch_ivr_play_file', line: 1560 },
  playbackStop: { file: 'switch_ivr_play_say.c', func: 'switch_ivr_play_file', line: 1998 },
  dtmf: { file: 'switch_channel.c', func: 'switch_channel_queue_dtmf', line: 510 },
  heartbeat: { file: 'switch_core.c', func: 'send_heartbeat', line: 79 },
} satisfies Record<string, EventSource>;

/** Channel events that carry `variable_*` headers (switch_channel_event_set_extended_data). */
const EVENTS_WITH_VARIABLES = new Set([
  'CHANNEL_CREATE',
  'CHANNEL_ORIGINATE',
  'CHANNEL_UUID',
  'CHANNEL_ANSWER',
  'CHANNEL_PARK',
  'CHANNEL_UNPARK',
  'CHANNEL_BRIDGE',
  'CHANNEL_UNBRIDGE',
  'CHANNEL_PROGRESS',
  'CHANNEL_PROGRESS_MEDIA',
  'CHANNEL_HANGUP',
  'CHANNEL_HANGUP_COMPLETE',
  'CHANNEL_DATA',
  'CHANNEL_EXECUTE',
  'CHANNEL_EXECUTE_COMPLETE',
  'CHANNEL_DESTROY',
  'RECORD_START',
  'RECORD_STOP',
  'PLAYBACK_START',
  'PLAYBACK_STOP',
  'CUSTOM',
]);

const PCMA = { name: 'PCMA', rate: 8000, bitRate: 64000 };

export class SwitchCore {
  readonly coreUuid: string = randomUUID();
  readonly scheduler: Scheduler;
  readonly startedAtMicros: number;
  readonly options: SwitchCoreOptions;
  readonly #apps = new Map<string, AppImpl>();
  readonly #runtimes = new Map<string, Runtime>();
  readonly #sinks = new Set<(event: SwitchEvent) => void>();
  readonly #hangupListeners = new Set<(channel: Channel) => void>();
  readonly #dtmfListeners = new Set<(channel: Channel, digit: string) => void>();
  #sequence = 0;
  #sessionId = 0;
  #peakSessions = 0;
  #cascadeDepth = 0;
  #pendingReap: Channel[] = [];
  #stopped = false;

  constructor(options: SwitchCoreOptions) {
    this.options = options;
    this.scheduler = new Scheduler({ clock: options.clock });
    this.startedAtMicros = options.clock.nowMicros();
  }

  get clock(): SimClock {
    return this.options.clock;
  }

  /** True once halt() ran: a halted core fires nothing and runs no timers. */
  get halted(): boolean {
    return this.#stopped;
  }

  get sessionsSinceStartup(): number {
    return this.#sessionId;
  }

  get peakSessions(): number {
    return this.#peakSessions;
  }

  // ---------------------------------------------------------------------------------------------- events

  /** An event with the standard headers `switch_event_prep_for_delivery()` puts first. */
  createEvent(options: { name: string; subclass?: string | undefined; source: EventSource }): EventBuilder {
    const nowMs = this.clock.now();
    const builder = new EventBuilder({ name: options.name, subclass: options.subclass });
    builder
      .add({
        'Event-Name': options.name,
        'Core-UUID': this.coreUuid,
        'FreeSWITCH-Hostname': this.options.hostname,
        'FreeSWITCH-Switchname': this.options.hostname,
        'FreeSWITCH-IPv4': this.options.ipv4,
        'FreeSWITCH-IPv6': this.options.ipv6,
        'Event-Date-Local': formatLocalDateTime({ ms: nowMs, timeZone: this.options.timeZone }),
        'Event-Date-GMT': new Date(nowMs).toUTCString(),
        'Event-Date-Timestamp': this.clock.nowMicros(),
        'Event-Calling-File': options.source.file,
        'Event-Calling-Function': options.source.func,
        'Event-Calling-Line-Number': options.source.line,
      })
      // Global: every event the switch creates takes a number, whoever (if anyone) receives it.
      .add({ 'Event-Sequence': ++this.#sequence });
    if (options.subclass !== undefined) builder.add({ 'Event-Subclass': options.subclass });
    return builder;
  }

  /** A channel event: the standard headers, then the channel's data (variables where FreeSWITCH adds them). */
  channelEvent(options: {
    name: string;
    channel: Channel;
    source: EventSource;
    subclass?: string | undefined;
  }): EventBuilder {
    const builder = this.createEvent(options);
    builder.addAll(options.channel.eventHeaders({ withVariables: EVENTS_WITH_VARIABLES.has(options.name) }));
    return builder;
  }

  fire(options: { event: EventBuilder | SwitchEvent }): SwitchEvent {
    const event = options.event instanceof EventBuilder ? options.event.build() : options.event;
    if (this.#stopped) return event;
    for (const sink of [...this.#sinks]) sink(event);
    return event;
  }

  /** Receives every event the switch fires, in order (ESL listeners, tests, the training view). */
  addEventSink(options: { sink: (event: SwitchEvent) => void }): () => void {
    this.#sinks.add(options.sink);
    return () => this.#sinks.delete(options.sink);
  }

  /** Told of every channel as it hangs up, inside the hang-up (mod_callcenter watches its calls this way). */
  addHangupListener(options: { listener: (channel: Channel) => void }): () => void {
    this.#hangupListeners.add(options.listener);
    return () => this.#hangupListeners.delete(options.listener);
  }

  fireHeartbeat(options: { intervalSec: number }): void {
    const uptimeMicros = this.clock.nowMicros() - this.startedAtMicros;
    const event = this.createEvent({ name: 'HEARTBEAT', source: SOURCES.heartbeat }).add({
      'Event-Info': 'System Ready',
      'Up-Time': formatUptime(uptimeMicros),
      'FreeSWITCH-Version': FREESWITCH_VERSION,
      'Uptime-msec': Math.floor(uptimeMicros / 1000),
      'Session-Count': this.#runtimes.size,
      'Max-Sessions': 1000,
      'Session-Per-Sec': 30,
      'Session-Per-Sec-Last': 0,
      'Session-Per-Sec-Max': 1,
      'Session-Per-Sec-FiveMin': 0,
      'Session-Since-Startup': this.#sessionId,
      'Session-Peak-Max': this.#peakSessions,
      'Session-Peak-FiveMin': this.#peakSessions,
      'Idle-CPU': '98.000000',
      'Heartbeat-Interval': options.intervalSec,
    });
    this.fire({ event });
  }

  // -------------------------------------------------------------------------------------------- channels

  channel(options: { uuid: string }): Channel | undefined {
    return this.#runtimes.get(options.uuid)?.channel;
  }

  channels(): Channel[] {
    return [...this.#runtimes.values()].map((runtime) => runtime.channel);
  }

  registerApp(options: { name: string; impl: AppImpl }): void {
    this.#apps.set(options.name.toLowerCase(), options.impl);
  }

  /** A timer that dies with the channel: ringing, talk time, patience. */
  channelTimer(options: { channel: Channel; ms: number; run: () => void }): () => void {
    const runtime = this.#runtimes.get(options.channel.uuid);
    if (runtime === undefined || options.channel.isDown) return () => undefined;
    const cancel = this.scheduler.after({
      ms: options.ms,
      run: () => {
        runtime.cancels.delete(cancel);
        options.run();
      },
    });
    runtime.cancels.add(cancel);
    return () => {
      runtime.cancels.delete(cancel);
      cancel();
    };
  }

  onChannelHangup(options: { channel: Channel; run: () => void }): void {
    this.#runtimes.get(options.channel.uuid)?.onHangup.push(options.run);
  }

  onChannelBridged(options: { channel: Channel; run: (partner: Channel) => void }): void {
    this.#runtimes.get(options.channel.uuid)?.onBridged.push(options.run);
  }

  #register(channel: Channel, runsDialplan: boolean): Runtime {
    const runtime: Runtime = {
      channel,
      dialplan: [],
      privateApps: [],
      current: undefined,
      nested: [],
      runsDialplan,
      recordings: new Map(),
      cancels: new Set(),
      onHangup: [],
      onBridged: [],
      farEnd: undefined,
      callerPlan: undefined,
    };
    this.#runtimes.set(channel.uuid, runtime);
    this.#peakSessions = Math.max(this.#peakSessions, this.#runtimes.size);
    return runtime;
  }

  #baseVariables(channel: Channel): void {
    const set = (name: string, value: string): void => channel.setVariable({ name, value });
    set('direction', channel.direction);
    set('uuid', channel.uuid);
    set('session_id', String(++this.#sessionId));
    set('channel_name', channel.name);
  }

  setState(options: { channel: Channel; state: ChannelState }): void {
    const { channel, state } = options;
    channel.state = state;
    this.fire({ event: this.channelEvent({ name: 'CHANNEL_STATE', channel, source: SOURCES.state }) });
  }

  setCallState(options: { channel: Channel; callState: CallState }): void {
    const { channel, callState } = options;
    const original = channel.callState;
    if (original === callState) return;
    channel.callState = callState;
    const event = this.channelEvent({ name: 'CHANNEL_CALLSTATE', channel, source: SOURCES.callstate }).add({
      'Original-Channel-Call-State': original,
      'Channel-Call-State-Number': CALL_STATE_NUMBERS[callState],
    });
    this.fire({ event });
  }

  /** A call from the carrier: creates the A leg and runs the dialplan for its destination. */
  placeInboundCall(options: {
    callerNumber: string;
    callerName?: string | undefined;
    destination: string;
    uuid?: string | undefined;
    variables?: Readonly<Record<string, string>> | undefined;
    /** The caller hangs up if no one is bridged to them by then (abandons). */
    patienceMs?: number | undefined;
    /** Once bridged, the conversation lasts this long. */
    talkMs?: number | undefined;
    hangupBy?: 'caller' | 'callee' | undefined;
  }): Channel {
    const uuid = options.uuid ?? randomUUID();
    const carrier = this.options.carrierAddress;
    const name = `sofia/external/${options.callerNumber}@${carrier}`;
    const callerName = options.callerName ?? options.callerNumber;
    const profile: CallerProfile = {
      direction: 'inbound',
      username: options.callerNumber,
      dialplan: 'XML',
      callerIdName: callerName,
      callerIdNumber: options.callerNumber,
      origCallerIdName: callerName,
      origCallerIdNumber: options.callerNumber,
      calleeIdName: '',
      calleeIdNumber: '',
      networkAddr: carrier,
      ani: options.callerNumber,
      destinationNumber: options.destination,
      uniqueId: uuid,
      source: 'mod_sofia',
      context: 'public',
      channelName: name,
      profileIndex: '1',
    };
    const channel = new Channel({
      uuid,
      direction: 'inbound',
      name,
      profile,
      nowMicros: this.clock.nowMicros(),
    });
    const runtime = this.#register(channel, true);
    this.#baseVariables(channel);
    const set = (n: string, value: string): void => channel.setVariable({ name: n, value });
    set('sip_from_user', options.callerNumber);
    set('sip_from_uri', `${options.callerNumber}@${carrier}`);
    set('sip_from_host', carrier);
    set('sip_from_display', callerName);
    set('sip_full_from', `"${callerName}" <sip:${options.callerNumber}@${carrier}>`);
    set('sip_call_id', `${randomUUID()}@${carrier}`);
    set('sip_network_ip', carrier);
    set('sip_network_port', '5060');
    set('sip_received_ip', carrier);
    set('sip_received_port', '5060');
    set('sip_via_protocol', 'udp');
    set('sip_to_user', options.destination);
    set('sip_to_uri', `${options.destination}@${this.options.ipv4}`);
    set('sip_to_host', this.options.ipv4);
    set('sip_req_user', options.destination);
    set('sip_req_uri', `${options.destination}@${this.options.ipv4}`);
    set('sip_req_host', this.options.ipv4);
    set('max_forwards', '69');
    set('call_uuid', uuid);
    for (const [key, value] of Object.entries(options.variables ?? {})) set(key, value);
    runtime.callerPlan = { talkMs: options.talkMs, hangupBy: options.hangupBy ?? 'caller' };

    channel.state = 'CS_INIT';
    this.fire({ event: this.channelEvent({ name: 'CHANNEL_CREATE', channel, source: SOURCES.create }) });
    this.setState({ channel, state: 'CS_INIT' });
    this.setCallState({ channel, callState: 'RINGING' });
    this.setState({ channel, state: 'CS_ROUTING' });

    if (options.patienceMs !== undefined) {
      this.channelTimer({
        channel,
        ms: options.patienceMs,
        run: () => {
          if (channel.bridgedTo === undefined) {
            this.hangup({
              channel,
              cause: channel.answered ? 'NORMAL_CLEARING' : 'ORIGINATOR_CANCEL',
              remote: true,
            });
          }
        },
      });
    }
    runtime.onBridged.push((partner) => {
      const plan = runtime.callerPlan;
      if (plan?.talkMs === undefined) return;
      this.channelTimer({
        channel,
        ms: plan.talkMs,
        run: () => {
          const leaver = plan.hangupBy === 'caller' ? channel : partner;
          if (!leaver.isDown) this.hangup({ channel: leaver, cause: 'NORMAL_CLEARING', remote: true });
        },
      });
    });

    this.#routeToDialplan(runtime, options.destination);
    return channel;
  }

  #appsFor(destination: string): PendingApp[] {
    const extension = this.options.extensions.find((ext) => destinationMatches(ext.destination, destination));
    const apps = extension?.apps ?? this.options.defaultApps;
    return apps.map((a) => ({ name: a.app, data: a.data ?? '', eventUuid: randomUUID() }));
  }

  #routeToDialplan(runtime: Runtime, destination: string): void {
    runtime.runsDialplan = true;
    runtime.dialplan = this.#appsFor(destination);
    this.setState({ channel: runtime.channel, state: 'CS_EXECUTE' });
    this.#executeNext(runtime);
  }

  /** `uuid_transfer` / the `transfer` application: the channel starts over in the dialplan for `destination`. */
  transfer(options: { channel: Channel; destination: string }): boolean {
    const runtime = this.#runtimes.get(options.channel.uuid);
    if (runtime === undefined || options.channel.isDown) return false;
    const { channel } = options;
    channel.times.transfer = this.clock.nowMicros();
    channel.profile.destinationNumber = options.destination;
    if (channel.bridgedTo) this.#unbridge(channel, { survivorHangsUp: true });
    runtime.privateApps = [];
    runtime.dialplan = this.#appsFor(options.destination);
    runtime.runsDialplan = true;
    const wasRunning = runtime.current !== undefined;
    // Completing the interrupted applications starts the new extension.
    this.#breakApps(runtime);
    if (!wasRunning) this.#executeNext(runtime);
    return true;
  }

  answer(options: { channel: Channel }): void {
    const { channel } = options;
    if (channel.answered || channel.isDown) return;
    channel.answered = true;
    channel.codec = PCMA;
    channel.times.answered = this.clock.nowMicros();
    channel.setVariable({ name: 'endpoint_disposition', value: 'ANSWER' });
    channel.setVariable({ name: 'read_codec', value: PCMA.name });
    channel.setVariable({ name: 'read_rate', value: String(PCMA.rate) });
    channel.setVariable({ name: 'write_codec', value: PCMA.name });
    channel.setVariable({ name: 'write_rate', value: String(PCMA.rate) });
    this.fire({ event: this.channelEvent({ name: 'CHANNEL_ANSWER', channel, source: SOURCES.answer }) });
    this.setCallState({ channel, callState: 'ACTIVE' });
  }

  /** 180 Ringing (ring_ready). */
  ringReady(options: { channel: Channel }): void {
    const { channel } = options;
    if (channel.times.progress !== 0 || channel.isDown) return;
    channel.times.progress = this.clock.nowMicros();
    this.fire({ event: this.channelEvent({ name: 'CHANNEL_PROGRESS', channel, source: SOURCES.progress }) });
    this.setCallState({ channel, callState: 'RINGING' });
  }

  /** 183 with media (pre_answer). */
  preAnswer(options: { channel: Channel }): void {
    const { channel } = options;
    if (channel.early || channel.answered || channel.isDown) return;
    channel.early = true;
    channel.codec = PCMA;
    channel.times.progressMedia = this.clock.nowMicros();
    this.fire({
      event: this.channelEvent({ name: 'CHANNEL_PROGRESS_MEDIA', channel, source: SOURCES.progressMedia }),
    });
    this.setCallState({ channel, callState: 'EARLY' });
  }

  /**
   * Hangs a channel up: CHANNEL_CALLSTATE, CHANNEL_HANGUP, the running application completes, the bridge
   * breaks (CHANNEL_UNBRIDGE, the other leg follows), recordings stop (RECORD_STOP); CHANNEL_HANGUP_COMPLETE
   * and CHANNEL_DESTROY follow once the whole cascade (and anything it set off) has run.
   * `remote`: the far end hung up (BYE/CANCEL received), which only changes `sip_hangup_disposition`.
   */
  hangup(options: { channel: Channel; cause: HangupCause; remote?: boolean | undefined }): void {
    const { channel, cause } = options;
    const runtime = this.#runtimes.get(channel.uuid);
    if (runtime === undefined || channel.isDown) return;
    this.#cascadeDepth++;
    this.#pendingReap.push(channel);
    try {
      const remote = options.remote ?? false;
      channel.hangupCause = cause;
      channel.times.hangup = this.clock.nowMicros();
      channel.setVariable({ name: 'hangup_cause', value: cause });
      channel.setVariable({ name: 'hangup_cause_q850', value: String(HANGUP_CAUSES[cause]) });
      channel.setVariable({ name: 'sip_hangup_disposition', value: hangupDisposition(channel, remote) });
      for (const cancel of [...runtime.cancels]) cancel();
      runtime.cancels.clear();
      this.setCallState({ channel, callState: 'HANGUP' });
      // FreeSWITCH writes the cause once with the channel data and once more itself.
      const event = this.channelEvent({ name: 'CHANNEL_HANGUP', channel, source: SOURCES.hangup });
      event.add({ 'Hangup-Cause': cause });
      this.fire({ event });
      this.setState({ channel, state: 'CS_HANGUP' });

      runtime.dialplan = [];
      runtime.privateApps = [];
      // The bridge breaks first: a `bridge` application returns only after CHANNEL_UNBRIDGE.
      if (channel.bridgedTo) this.#unbridge(channel, { survivorHangsUp: true });
      const running = [...[...runtime.nested].reverse(), ...(runtime.current ? [runtime.current] : [])];
      for (const app of running) {
        if (app.completed) continue;
        if (app.run.onHangup) app.run.onHangup();
        else this.#completeApp(runtime, app, '_none_');
      }
      for (const path of [...runtime.recordings.keys()]) this.stopRecording({ channel, path });
      for (const listener of [...this.#hangupListeners]) listener(channel);
      for (const hook of runtime.onHangup.splice(0)) hook();
    } finally {
      this.#cascadeDepth--;
    }
    if (this.#cascadeDepth === 0) {
      const reap = this.#pendingReap;
      this.#pendingReap = [];
      this.scheduler.after({ ms: 0, run: () => this.#reap(reap) });
    }
  }

  #reap(channels: Channel[]): void {
    for (const channel of channels) {
      this.#setTimestamps(channel);
      this.setState({ channel, state: 'CS_REPORTING' });
      this.fire({
        event: this.channelEvent({
          name: 'CHANNEL_HANGUP_COMPLETE',
          channel,
          source: SOURCES.hangupComplete,
        }),
      });
    }
    for (const channel of channels) {
      this.setState({ channel, state: 'CS_DESTROY' });
      this.fire({ event: this.channelEvent({ name: 'CHANNEL_DESTROY', channel, source: SOURCES.destroy }) });
      this.#runtimes.delete(channel.uuid);
    }
  }

  /** switch_channel_set_timestamps(): the CDR variables, every *sec from whole epoch seconds. */
  #setTimestamps(channel: Channel): void {
    const t = channel.times;
    const set = (name: string, value: string | number): void =>
      channel.setVariable({ name, value: String(value) });
    const sec = (us: number): number => Math.floor(us / 1_000_000);
    const ms = (us: number): number => Math.floor(us / 1000);
    const stamp = (us: number): string =>
      formatLocalDateTime({ ms: Math.floor(us / 1000), timeZone: this.options.timeZone });
    const diff = (end: number, start: number, unit: (us: number) => number): number =>
      end !== 0 && start !== 0 ? unit(end) - unit(start) : 0;
    const end = t.hangup;
    set('start_stamp', stamp(t.created));
    set('profile_start_stamp', stamp(t.profileCreated));
    if (t.answered) set('answer_stamp', stamp(t.answered));
    if (t.bridged) set('bridge_stamp', stamp(t.bridged));
    if (t.progress) set('progress_stamp', stamp(t.progress));
    if (t.progressMedia) set('progress_media_stamp', stamp(t.progressMedia));
    set('end_stamp', stamp(end));
    set('start_epoch', sec(t.created));
    set('start_uepoch', t.created);
    set('profile_start_epoch', sec(t.profileCreated));
    set('profile_start_uepoch', t.profileCreated);
    set('answer_epoch', sec(t.answered));
    set('answer_uepoch', t.answered);
    set('bridge_epoch', sec(t.bridged));
    set('bridge_uepoch', t.bridged);
    set('last_hold_epoch', 0);
    set('last_hold_uepoch', 0);
    set('hold_accum_seconds', 0);
    set('hold_accum_usec', 0);
    set('hold_accum_ms', 0);
    set('resurrect_epoch', 0);
    set('resurrect_uepoch', 0);
    set('progress_epoch', sec(t.progress));
    set('progress_uepoch', t.progress);
    set('progress_media_epoch', sec(t.progressMedia));
    set('progress_media_uepoch', t.progressMedia);
    set('end_epoch', sec(end));
    set('end_uepoch', end);
    set('caller_id', `"${channel.profile.callerIdName}" <${channel.profile.callerIdNumber}>`);
    const units: Array<[string, (us: number) => number]> = [
      ['sec', sec],
      ['msec', ms],
      ['usec', (us) => us],
    ];
    for (const [suffix, unit] of units) {
      const prefix = suffix === 'sec' ? '' : suffix === 'msec' ? 'm' : 'u';
      const name = (base: string): string => (suffix === 'sec' ? `${base}sec` : `${base}${suffix}`);
      set(`${prefix}duration`, diff(end, t.created, unit));
      set(name('bill'), t.answered ? diff(end, t.answered, unit) : 0);
      set(name('progress'), diff(t.progress, t.created, unit));
      set(name('answer'), diff(t.answered, t.created, unit));
      set(name('wait'), diff(t.bridged, t.created, unit));
      set(name('progress_media'), diff(t.progressMedia, t.created, unit));
      set(name('flow_bill'), diff(end, t.created, unit));
    }
  }

  /** Hangs up every channel (optionally only those with a variable set to a value), as `hupall` does. */
  hangupAll(options: {
    cause: HangupCause;
    variable?: string | undefined;
    value?: string | undefined;
  }): number {
    let count = 0;
    for (const channel of this.channels()) {
      if (channel.isDown) continue;
      if (options.variable !== undefined && channel.getVariable({ name: options.variable }) !== options.value)
        continue;
      this.hangup({ channel, cause: options.cause });
      count++;
    }
    return count;
  }

  // ------------------------------------------------------------------------------------------- bridging

  /** Bridges two live channels; `a` owns the bridge (CHANNEL_BRIDGE and CHANNEL_UNBRIDGE are fired on it). */
  bridge(options: { a: Channel; b: Channel }): boolean {
    const { a, b } = options;
    const ra = this.#runtimes.get(a.uuid);
    const rb = this.#runtimes.get(b.uuid);
    if (ra === undefined || rb === undefined || a.isDown || b.isDown || a === b) return false;
    if (a.bridgedTo) this.#unbridge(a, { survivorHangsUp: false });
    if (b.bridgedTo) this.#unbridge(b, { survivorHangsUp: false });
    const now = this.clock.nowMicros();
    a.bridgedTo = b;
    b.bridgedTo = a;
    a.bridgeSide = 'a';
    b.bridgeSide = 'b';
    if (a.times.bridged === 0) a.times.bridged = now;
    if (b.times.bridged === 0) b.times.bridged = now;
    a.otherLeg = { type: 'originatee', profile: b.profile, times: b.times };
    b.otherLeg = { type: 'originator', profile: a.profile, times: a.times };
    for (const [self, other] of [
      [a, b],
      [b, a],
    ] as const) {
      self.setVariable({ name: 'bridge_uuid', value: other.uuid });
      self.setVariable({ name: 'signal_bond', value: other.uuid });
      self.setVariable({ name: 'last_bridge_to', value: other.uuid });
      self.setVariable({ name: 'bridge_channel', value: other.name });
    }
    this.setState({ channel: a, state: 'CS_EXCHANGE_MEDIA' });
    this.setState({ channel: b, state: 'CS_EXCHANGE_MEDIA' });
    const event = this.channelEvent({ name: 'CHANNEL_BRIDGE', channel: a, source: SOURCES.bridge }).add({
      'Bridge-A-Unique-ID': a.uuid,
      'Bridge-B-Unique-ID': b.uuid,
    });
    this.fire({ event });
    for (const hook of [...ra.onBridged]) hook(b);
    for (const hook of [...rb.onBridged]) hook(a);
    return true;
  }

  /** The bridge ends because `leaving` hangs up (or is taken elsewhere); the other leg is the survivor. */
  #unbridge(leaving: Channel, options: { survivorHangsUp: boolean }): void {
    const partner = leaving.bridgedTo;
    if (partner === undefined) return;
    const a = leaving.bridgeSide === 'a' ? leaving : partner;
    const b = a === leaving ? partner : leaving;
    const event = this.channelEvent({ name: 'CHANNEL_UNBRIDGE', channel: a, source: SOURCES.unbridge }).add({
      'Bridge-A-Unique-ID': a.uuid,
      'Bridge-B-Unique-ID': b.uuid,
    });
    this.fire({ event });
    a.bridgedTo = undefined;
    b.bridgedTo = undefined;
    a.bridgeSide = undefined;
    b.bridgeSide = undefined;
    if (leaving.hangupCause !== undefined) {
      partner.setVariable({ name: 'bridge_hangup_cause', value: leaving.hangupCause });
    }
    const survivor = partner;
    const runtime = this.#runtimes.get(survivor.uuid);
    if (runtime === undefined || survivor.isDown) return;
    const app = runtime.current;
    if (app?.run.onUnbridged && !app.completed) {
      app.run.onUnbridged();
      return;
    }
    if (options.survivorHangsUp && app === undefined && runtime.privateApps.length === 0) {
      this.hangup({ channel: survivor, cause: 'NORMAL_CLEARING' });
    }
  }

  // -------------------------------------------------------------------------------------- applications

  /** Queues an application sent with `sendmsg … call-command: execute`. */
  executePrivate(options: {
    channel: Channel;
    name: string;
    data: string;
    eventUuid: string | undefined;
  }): void {
    const runtime = this.#runtimes.get(options.channel.uuid);
    if (runtime === undefined || options.channel.isDown) return;
    const app: PendingApp = {
      name: options.name,
      data: options.data,
      eventUuid: options.eventUuid ?? randomUUID(),
    };
    if (runtime.current?.run.discardsPrivateApps) {
      this.options.logger.info(
        `switch simulator: ${options.channel.uuid} is in a callcenter queue; dropping sendmsg ${options.name}` +
          ' (mod_callcenter flushes private events)',
      );
      return;
    }
    runtime.privateApps.push(app);
    this.#executeNext(runtime);
  }

  #executeNext(runtime: Runtime): void {
    const { channel } = runtime;
    if (channel.isDown || this.#stopped) return;
    const host = runtime.current;
    if (host !== undefined) {
      // Only park runs queued applications inside itself, one at a time.
      if (!host.run.hostsPrivateApps || runtime.nested.length > 0) return;
      const next = runtime.privateApps.shift();
      if (next) this.#runApp(runtime, next, true);
      return;
    }
    const next = runtime.privateApps.shift() ?? runtime.dialplan.shift();
    if (next) {
      this.#runApp(runtime, next, false);
      return;
    }
    if (runtime.runsDialplan && channel.bridgedTo === undefined) {
      this.hangup({ channel, cause: 'NORMAL_CLEARING' });
    }
  }

  #runApp(runtime: Runtime, pending: PendingApp, nested: boolean): void {
    const { channel } = runtime;
    const impl = this.#apps.get(pending.name.toLowerCase());
    if (impl === undefined) {
      this.options.logger.error(`switch simulator: invalid application ${pending.name}`);
      this.hangup({ channel, cause: 'DESTINATION_OUT_OF_ORDER' });
      return;
    }
    const data = this.expand({ channel, text: pending.data });
    const running: RunningApp = { ...pending, data, run: {}, completed: false };
    if (nested) runtime.nested.push(running);
    else runtime.current = running;
    channel.setVariable({ name: 'current_application', value: pending.name });
    channel.setVariable({ name: 'current_application_data', value: data });
    const event = this.channelEvent({ name: 'CHANNEL_EXECUTE', channel, source: SOURCES.execute }).add({
      Application: pending.name,
      'Application-Data': data,
      'Application-UUID': pending.eventUuid,
    });
    this.fire({ event });
    const run = impl({
      core: this,
      channel,
      data,
      complete: (response) => this.#completeApp(runtime, running, response ?? '_none_'),
    });
    if (run) running.run = run;
  }

  #completeApp(runtime: Runtime, running: RunningApp, response: string): void {
    if (running.completed) return;
    running.completed = true;
    const { channel } = runtime;
    channel.setVariable({ name: 'current_application_response', value: response });
    const event = this.channelEvent({
      name: 'CHANNEL_EXECUTE_COMPLETE',
      channel,
      source: SOURCES.executeComplete,
    }).add({
      Application: running.name,
      'Application-Data': running.data,
      'Application-Response': response,
      'Application-UUID': running.eventUuid,
    });
    this.fire({ event });
    channel.setVariable({ name: 'last_app', value: running.name });
    channel.setVariable({ name: 'last_arg', value: running.data });
    const index = runtime.nested.indexOf(running);
    if (index >= 0) runtime.nested.splice(index, 1);
    if (runtime.current === running) runtime.current = undefined;
    if (!channel.isDown) this.#executeNext(runtime);
  }

  /** Takes the channel away from whatever application it runs (transfer, uuid_bridge). */
  #breakApps(runtime: Runtime): void {
    const running = [...[...runtime.nested].reverse(), ...(runtime.current ? [runtime.current] : [])];
    for (const app of running) {
      if (app.completed) continue;
      if (app.run.onBreak) app.run.onBreak();
      else this.#completeApp(runtime, app, '_none_');
    }
  }

  /** Clears what is left of the channel's dialplan: it now lives in a bridge (uuid_bridge, mod_callcenter). */
  abandonDialplan(options: { channel: Channel }): void {
    const runtime = this.#runtimes.get(options.channel.uuid);
    if (runtime === undefined) return;
    runtime.dialplan = [];
    runtime.runsDialplan = false;
  }

  /** `uuid_bridge`: both legs leave their applications and are bridged, `a` owning the bridge. */
  uuidBridge(options: { a: Channel; b: Channel }): boolean {
    const ra = this.#runtimes.get(options.a.uuid);
    const rb = this.#runtimes.get(options.b.uuid);
    if (ra === undefined || rb === undefined || options.a.isDown || options.b.isDown) return false;
    for (const runtime of [ra, rb]) {
      runtime.dialplan = [];
      runtime.runsDialplan = false;
      this.#breakApps(runtime);
    }
    if (!options.a.answered) this.answer({ channel: options.a });
    if (!options.b.answered) this.answer({ channel: options.b });
    return this.bridge(options);
  }

  /** `${var}`, `$${global}` and `${strftime(fmt)}` as the dialplan expands them. */
  expand(options: { channel: Channel; text: string }): string {
    const { channel } = options;
    const globals: Record<string, string> = {
      recordings_dir: this.options.recordingsDir,
      sounds_dir: this.options.soundsDir ?? '',
      domain: this.options.domain,
      hostname: this.options.hostname,
      local_ip_v4: this.options.ipv4,
    };
    return options.text
      .replace(/\$\$\{([^}]+)\}/g, (_m, name: string) => globals[name] ?? '')
      .replace(/\$\{strftime\(([^)]*)\)\}/g, (_m, format: string) =>
        strftime(format, this.clock.now(), this.options.timeZone),
      )
      .replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
        const special: Record<string, string> = {
          uuid: channel.uuid,
          caller_id_number: channel.profile.callerIdNumber,
          caller_id_name: channel.profile.callerIdName,
          destination_number: channel.profile.destinationNumber,
          ani: channel.profile.ani,
          channel_name: channel.name,
        };
        return channel.getVariable({ name }) ?? special[name] ?? '';
      });
  }

  // ------------------------------------------------------------------------------------------ recording

  /** A path as record_session resolves it: relative paths land in the recordings directory. */
  resolveRecordingPath(options: { path: string }): string {
    return isAbsolute(options.path) ? options.path : join(this.options.recordingsDir, options.path);
  }

  startRecording(options: { channel: Channel; path: string }): boolean {
    const runtime = this.#runtimes.get(options.channel.uuid);
    if (runtime === undefined || options.channel.isDown) return false;
    const path = this.resolveRecordingPath({ path: options.path });
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (error) {
      this.options.logger.error(`switch simulator: cannot create the directory for ${path}`, error);
      return false;
    }
    runtime.recordings.set(path, { path, startedMicros: this.clock.nowMicros() });
    const event = this.channelEvent({
      name: 'RECORD_START',
      channel: options.channel,
      source: SOURCES.recordStart,
    });
    event.add({ 'Record-File-Path': path });
    this.fire({ event });
    return true;
  }

  /** Writes the WAV (length = time recorded), sets record_* variables, fires RECORD_STOP. */
  stopRecording(options: { channel: Channel; path?: string | undefined }): boolean {
    const runtime = this.#runtimes.get(options.channel.uuid);
    if (runtime === undefined) return false;
    const paths =
      options.path === undefined
        ? [...runtime.recordings.keys()]
        : [this.resolveRecordingPath({ path: options.path })].filter((p) => runtime.recordings.has(p));
    for (const path of paths) {
      const recording = runtime.recordings.get(path);
      if (recording === undefined) continue;
      runtime.recordings.delete(path);
      const elapsedMicros = Math.max(0, this.clock.nowMicros() - recording.startedMicros);
      const samples = Math.floor((elapsedMicros * WAV_SAMPLE_RATE) / 1_000_000);
      try {
        writeWavFile({ path, samples, random: this.options.random });
      } catch (error) {
        // A full disk loses the recording, not the call: FreeSWITCH still reports RECORD_STOP.
        this.options.logger.error(`switch simulator: cannot write recording ${path}`, error);
      }
      const { channel } = options;
      channel.setVariable({ name: 'record_samples', value: String(samples) });
      channel.setVariable({ name: 'record_seconds', value: String(Math.floor(samples / WAV_SAMPLE_RATE)) });
      channel.setVariable({
        name: 'record_ms',
        value: String(Math.floor((samples * 1000) / WAV_SAMPLE_RATE)),
      });
      const event = this.channelEvent({ name: 'RECORD_STOP', channel, source: SOURCES.recordStop });
      event.add({ 'Record-File-Path': path });
      this.fire({ event });
    }
    return paths.length > 0;
  }

  // -------------------------------------------------------------------------------------------- prompts

  /** How long a prompt plays; undefined for a file that does not exist. Infinity for music on hold. */
  promptDurationMs(options: { file: string }): number | undefined {
    const file = options.file.trim();
    const silence = /^silence_stream:\/\/(-?\d+)/.exec(file);
    if (silence) {
      const ms = Number(silence[1]);
      return ms < 0 ? Number.POSITIVE_INFINITY : ms;
    }
    if (file.startsWith('local_stream://')) return Number.POSITIVE_INFINITY;
    if (file.startsWith('tone_stream://')) return 1000;
    if (/^(say|speak|shout|http|https):/.test(file)) return this.options.defaultPromptMs;
    let path = file;
    if (!isAbsolute(path)) {
      if (this.options.soundsDir === undefined) return this.options.defaultPromptMs;
      path = join(this.options.soundsDir, path);
    }
    if (!existsSync(path)) return undefined;
    try {
      return readWavInfo({ buffer: readFileSync(path) }).durationMs;
    } catch {
      return this.options.defaultPromptMs;
    }
  }

  playbackStarted(options: { channel: Channel; file: string }): void {
    const event = this.channelEvent({
      name: 'PLAYBACK_START',
      channel: options.channel,
      source: SOURCES.playbackStart,
    });
    event.add({ 'Playback-File-Path': options.file });
    this.fire({ event });
  }

  playbackStopped(options: {
    channel: Channel;
    file: string;
    playedMs: number;
    status: 'done' | 'break';
  }): void {
    const { channel } = options;
    const samples = Math.floor((options.playedMs * WAV_SAMPLE_RATE) / 1000);
    channel.setVariable({ name: 'playback_samples', value: String(samples) });
    channel.setVariable({ name: 'playback_seconds', value: String(Math.floor(options.playedMs / 1000)) });
    channel.setVariable({ name: 'playback_ms', value: String(Math.floor(options.playedMs)) });
    const event = this.channelEvent({ name: 'PLAYBACK_STOP', channel, source: SOURCES.playbackStop }).add({
      'Playback-File-Path': options.file,
      'Playback-Status': options.status,
    });
    this.fire({ event });
  }

  firePark(options: { channel: Channel; parked: boolean }): void {
    const { channel } = options;
    if (options.parked) channel.state = 'CS_PARK';
    this.fire({
      event: this.channelEvent({
        name: options.parked ? 'CHANNEL_PARK' : 'CHANNEL_UNPARK',
        channel,
        source: options.parked ? SOURCES.park : SOURCES.unpark,
      }),
    });
  }

  /** DTMF from the caller's keypad; `#` travels as `%23` in plain events like any unsafe byte. */
  sendDtmf(options: { channel: Channel; digits: string; durationMs?: number | undefined }): void {
    const duration = Math.round(((options.durationMs ?? 250) * WAV_SAMPLE_RATE) / 1000);
    for (const digit of options.digits) {
      if (options.channel.isDown) return;
      const event = this.channelEvent({ name: 'DTMF', channel: options.channel, source: SOURCES.dtmf }).add({
        'DTMF-Digit': digit,
        'DTMF-Duration': duration,
        'DTMF-Source': 'RTP',
      });
      this.fire({ event });
      for (const listener of this.#dtmfListeners) listener(options.channel, digit);
    }
  }

  addDtmfListener(options: { listener: (channel: Channel, digit: string) => void }): () => void {
    this.#dtmfListeners.add(options.listener);
    return () => this.#dtmfListeners.delete(options.listener);
  }

  // ------------------------------------------------------------------------------------------ originate

  #phoneFor(target: DialTarget): PhoneBehaviour {
    const key = target.kind === 'user' ? target.extension : target.kind === 'gateway' ? target.number : '';
    const override = this.options.phones.overrides.get(key);
    if (override) return override;
    if (target.kind === 'user' || (target.kind === 'sofia' && target.profile === 'internal'))
      return this.options.phones.seats;
    return this.options.phones.external;
  }

  /**
   * Calls out (switch_ivr_originate): CHANNEL_CREATE, CHANNEL_OUTGOING, CHANNEL_PROGRESS as the far end
   * rings, then CHANNEL_ANSWER or a hang-up with the failure cause. `onResult` runs exactly once, on the
   * simulator clock at the moment the outcome is known.
   */
  originate(options: {
    dialString: string;
    callerIdName?: string | undefined;
    callerIdNumber?: string | undefined;
    timeoutSec?: number | undefined;
    variables?: ReadonlyMap<string, string> | undefined;
    originator?: Channel | undefined;
    onResult: (result: OriginateResult) => void;
  }): OriginateHandle {
    const parsed = parseDialString({ text: options.dialString });
    if (parsed.ignoredLegs > 0) {
      this.options.logger.info(`switch simulator: dialling only the first leg of ${options.dialString}`);
    }
    const vars = new Map<string, string>(options.variables ?? []);
    for (const [key, value] of parsed.variables) vars.set(key, value);
    let settled = false;
    const settle = (result: OriginateResult): void => {
      if (settled) return;
      settled = true;
      options.onResult(result);
    };
    const failSoon = (cause: HangupCause): OriginateHandle => {
      const cancel = this.scheduler.after({ ms: 0, run: () => settle({ ok: false, cause }) });
      return {
        channel: undefined,
        cancel: ({ cause: c } = {}) => {
          cancel();
          settle({ ok: false, cause: c ?? 'ORIGINATOR_CANCEL' });
        },
      };
    };
    const { target } = parsed;
    if (target.kind === 'error')
      return failSoon(parseHangupCause({ name: target.cause }) ?? 'NORMAL_TEMPORARY_FAILURE');
    if (target.kind === 'unsupported') return failSoon('CHAN_NOT_IMPLEMENTED');
    const behaviour = this.#phoneFor(target);
    if (behaviour.answer === 'unregistered') return failSoon('USER_NOT_REGISTERED');

    const uuid = vars.get('origination_uuid') ?? randomUUID();
    const destination =
      target.kind === 'user' ? target.extension : target.kind === 'gateway' ? target.number : target.user;
    const host =
      target.kind === 'user'
        ? (target.domain ?? this.options.domain)
        : target.kind === 'gateway'
          ? this.options.carrierAddress
          : target.host;
    const name =
      target.kind === 'user'
        ? `sofia/internal/${destination}@${host}`
        : target.kind === 'gateway'
          ? `sofia/gateway/${target.gateway}/${destination}`
          : `sofia/${target.profile}/${destination}${host ? `@${host}` : ''}`;
    const callerIdName = vars.get('origination_caller_id_name') ?? options.callerIdName ?? 'FreeSWITCH';
    const callerIdNumber = vars.get('origination_caller_id_number') ?? options.callerIdNumber ?? '0000000000';
    const profile: CallerProfile = {
      direction: 'outbound',
      username: '',
      dialplan: 'XML',
      callerIdName,
      callerIdNumber,
      origCallerIdName: callerIdName,
      origCallerIdNumber: callerIdNumber,
      calleeIdName: '',
      calleeIdNumber: '',
      networkAddr: target.kind === 'gateway' ? this.options.carrierAddress : '',
      ani: callerIdNumber,
      destinationNumber: destination,
      uniqueId: uuid,
      source: 'mod_sofia',
      context: 'default',
      channelName: name,
      profileIndex: '1',
    };
    const channel = new Channel({
      uuid,
      direction: 'outbound',
      name,
      profile,
      nowMicros: this.clock.nowMicros(),
    });
    const runtime = this.#register(channel, false);
    this.#baseVariables(channel);
    channel.setVariable({ name: 'is_outbound', value: 'true' });
    channel.setVariable({ name: 'sip_to_user', value: destination });
    channel.setVariable({ name: 'sip_req_user', value: destination });
    channel.setVariable({ name: 'call_uuid', value: options.originator?.uuid ?? uuid });
    if (options.originator)
      channel.setVariable({ name: 'originating_leg_uuid', value: options.originator.uuid });
    if (target.kind === 'user') channel.setVariable({ name: 'presence_id', value: `${destination}@${host}` });
    for (const [key, value] of vars) channel.setVariable({ name: key, value });
    if (options.originator) {
      channel.otherLeg = {
        type: 'originator',
        profile: options.originator.profile,
        times: options.originator.times,
      };
    }

    channel.state = 'CS_INIT';
    this.fire({ event: this.channelEvent({ name: 'CHANNEL_CREATE', channel, source: SOURCES.create }) });
    this.fire({ event: this.channelEvent({ name: 'CHANNEL_OUTGOING', channel, source: SOURCES.outgoing }) });
    this.setState({ channel, state: 'CS_INIT' });
    this.setState({ channel, state: 'CS_ROUTING' });
    this.setState({ channel, state: 'CS_CONSUME_MEDIA' });

    runtime.onHangup.push(() => settle({ ok: false, cause: channel.hangupCause ?? 'NORMAL_CLEARING' }));
    let cancelTimeout: () => void = () => undefined;
    const answerNow = (): void => {
      if (channel.isDown || channel.answered) return;
      cancelTimeout();
      this.answer({ channel });
      runtime.farEnd = undefined;
      if (behaviour.hangupAfterMs !== undefined) {
        this.channelTimer({
          channel,
          ms: behaviour.hangupAfterMs,
          run: () => this.hangup({ channel, cause: 'NORMAL_CLEARING', remote: true }),
        });
      }
      settle({ ok: true, channel });
    };
    const timeoutSec =
      Number(vars.get('originate_timeout') ?? vars.get('leg_timeout') ?? vars.get('call_timeout') ?? NaN) ||
      options.timeoutSec ||
      60;

    if (behaviour.answer === 'busy' || behaviour.answer === 'reject') {
      const cause: HangupCause = behaviour.answer === 'busy' ? 'USER_BUSY' : 'CALL_REJECTED';
      this.channelTimer({
        channel,
        ms: behaviour.ringMs ?? 200,
        run: () => this.hangup({ channel, cause, remote: true }),
      });
    } else {
      this.channelTimer({ channel, ms: 0, run: () => this.ringReady({ channel }) });
      if (behaviour.answer === 'auto') {
        this.channelTimer({ channel, ms: behaviour.ringMs ?? 3000, run: answerNow });
      } else if (behaviour.answer === 'manual') {
        runtime.farEnd = { answer: answerNow };
      }
      cancelTimeout = this.channelTimer({
        channel,
        ms: timeoutSec * 1000,
        run: () => this.hangup({ channel, cause: 'NO_ANSWER' }),
      });
    }
    return {
      channel,
      cancel: ({ cause } = {}) => {
        if (!channel.answered) this.hangup({ channel, cause: cause ?? 'ORIGINATOR_CANCEL' });
      },
    };
  }

  /**
   * `uuid_answer`: answers a channel; for a ringing simulated phone (`manual` mode) it is the person at that
   * phone picking up, which is how training mode lets a call-taker answer from the PWA.
   */
  answerChannel(options: { channel: Channel }): boolean {
    const runtime = this.#runtimes.get(options.channel.uuid);
    if (runtime === undefined || options.channel.isDown) return false;
    if (runtime.farEnd) runtime.farEnd.answer();
    else this.answer({ channel: options.channel });
    return true;
  }

  /** Runs an application or extension on a freshly answered originated leg (`originate … &park()` / `… 9999`). */
  startOriginatedLeg(options: {
    channel: Channel;
    application?: { name: string; data: string } | undefined;
    extension?: string | undefined;
  }): void {
    const runtime = this.#runtimes.get(options.channel.uuid);
    if (runtime === undefined || options.channel.isDown) return;
    if (options.application) {
      runtime.runsDialplan = true;
      runtime.dialplan = [
        { name: options.application.name, data: options.application.data, eventUuid: randomUUID() },
      ];
      this.setState({ channel: options.channel, state: 'CS_EXECUTE' });
      this.#executeNext(runtime);
    } else if (options.extension !== undefined) {
      options.channel.profile.destinationNumber = options.extension;
      this.#routeToDialplan(runtime, options.extension);
    }
  }

  // ---------------------------------------------------------------------------------------------- stop

  /** A crash or restart: every channel vanishes without another event and no timer fires again. */
  halt(): void {
    this.#stopped = true;
    this.scheduler.cancelAll();
    this.#runtimes.clear();
  }
}

const CALL_STATE_NUMBERS: Record<CallState, number> = {
  DOWN: 0,
  DIALING: 1,
  RINGING: 2,
  EARLY: 3,
  ACTIVE: 4,
  HELD: 5,
  RING_WAIT: 6,
  HANGUP: 7,
};

function hangupDisposition(channel: Channel, remote: boolean): string {
  if (remote) {
    if (channel.answered) return 'recv_bye';
    return channel.direction === 'inbound' ? 'recv_cancel' : 'recv_refuse';
  }
  if (channel.answered) return 'send_bye';
  return channel.direction === 'inbound' ? 'send_refuse' : 'send_cancel';
}

function destinationMatches(pattern: string, destination: string): boolean {
  if (pattern.length > 1 && pattern.startsWith('/') && pattern.endsWith('/')) {
    try {
      return new RegExp(pattern.slice(1, -1)).test(destination);
    } catch {
      return false;
    }
  }
  return pattern === destination;
}

function formatUptime(micros: number): string {
  let rest = Math.max(0, Math.floor(micros));
  const us = rest % 1000;
  rest = Math.floor(rest / 1000);
  const ms = rest % 1000;
  rest = Math.floor(rest / 1000);
  const s = rest % 60;
  rest = Math.floor(rest / 60);
  const m = rest % 60;
  rest = Math.floor(rest / 60);
  const h = rest % 24;
  rest = Math.floor(rest / 24);
  const d = rest % 365;
  const y = Math.floor(rest / 365);
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [
    plural(y, 'year'),
    plural(d, 'day'),
    plural(h, 'hour'),
    plural(m, 'minute'),
    plural(s, 'second'),
    plural(ms, 'millisecond'),
    plural(us, 'microsecond'),
  ].join(', ');
}

export function uptimeText(options: { micros: number }): string {
  return formatUptime(options.micros);
}

function strftime(format: string, ms: number, timeZone: string): string {
  const local = formatLocalDateTime({ ms, timeZone }); // YYYY-MM-DD HH:MM:SS
  const [date = '', time = ''] = local.split(' ');
  const [Y = '', m = '', d = ''] = date.split('-');
  const [H = '', M = '', S = ''] = time.split(':');
  const map: Record<string, string> = { Y, m, d, H, M, S, y: Y.slice(2), F: date, T: time, '%': '%' };
  return format.replace(/%([a-zA-Z%])/g, (whole, c: string) => map[c] ?? whole);
}
