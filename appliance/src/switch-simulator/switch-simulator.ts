/**
 * The switch simulator as a service: a TCP server speaking inbound Event Socket exactly as FreeSWITCH does,
 * in front of the simulated switch core, mod_callcenter and scenarios, plus the fault injection tests need
 * (frames split and coalesced, events before replies, dropped connections, a switch restart).
 *
 * Used only when no real switch is configured; see appliance/SIMULATOR.md for what is faithful and what is not.
 */
import { BlockList, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { hostname as osHostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../ports/logger';
import type { Service } from '../ports/service';
import { registerStandardApplications } from './applications';
import {
  CallCenter,
  type AgentConfig,
  type AgentSettings,
  type QueueConfig,
  type TierConfig,
} from './callcenter';
import { parseHangupCause, type Channel, type HangupCause } from './channel';
import { createRealClock, type SimClock } from './clock';
import { EslSession, type SessionCounters, type SessionLimits } from './esl-session';
import type { FrameShaping } from './frame-shaper';
import { createRandom, type Random } from './random';
import { ScenarioRunner, type Scenario } from './scenario';
import type { EventBuilder, EventHeader, SwitchEvent } from './switch-event';
import { SwitchCore, type DialplanApp, type DialplanExtension, type PhoneBehaviour } from './switch-core';
import {
  DISCONNECT_MESSAGE,
  SHUTDOWN_MESSAGE,
  disconnectNoticeFrame,
  rudeRejectionFrame,
} from './wire-frames';

export type SwitchSimulatorOptions = {
  /** Address to listen on; FreeSWITCH's default is 127.0.0.1. */
  host?: string | undefined;
  /** 8021 by default; 0 asks the OS for a free port (`port` tells which). */
  port?: number | undefined;
  password?: string | undefined;
  /**
   * Who may connect (apply-inbound-acl): addresses, CIDR ranges, or `loopback.auto` / `localnet.auto`.
   * Without it, only loopback, as FreeSWITCH without an ACL.
   */
  acl?: readonly string[] | undefined;
  clock?: SimClock | undefined;
  logger?: Logger | undefined;
  /** Seeds the noise in recordings and `random` queue strategies. */
  seed?: number | undefined;
  /** HEARTBEAT period; FreeSWITCH's is 20 s. 0 turns heartbeats off. */
  heartbeatIntervalMs?: number | undefined;
  recordingsDir?: string | undefined;
  /** Where relative prompt names (`ivr/welcome.wav`) are looked up to measure their length. */
  soundsDir?: string | undefined;
  hostname?: string | undefined;
  ipv4?: string | undefined;
  ipv6?: string | undefined;
  /** For Event-Date-Local and the *_stamp variables; the process's zone by default. */
  timeZone?: string | undefined;
  domain?: string | undefined;
  carrierAddress?: string | undefined;
  /** Extensions matched against the dialled number; the default runs `defaultApps`. */
  extensions?: readonly DialplanExtension[] | undefined;
  /** Default: answer, record_session to `<recordings>/<date>/<uuid>.wav`, callcenter into the first queue. */
  defaultApps?: readonly DialplanApp[] | undefined;
  queues?: readonly QueueConfig[] | undefined;
  agents?: readonly AgentConfig[] | undefined;
  tiers?: readonly TierConfig[] | undefined;
  agentDefaults?: Partial<AgentSettings> | undefined;
  phones?:
    | {
        seats?: PhoneBehaviour | undefined;
        external?: PhoneBehaviour | undefined;
        overrides?: Readonly<Record<string, PhoneBehaviour>> | undefined;
      }
    | undefined;
  limits?: Partial<SessionLimits> | undefined;
  defaultPromptMs?: number | undefined;
};

export type ChannelSnapshot = {
  uuid: string;
  direction: 'inbound' | 'outbound';
  name: string;
  state: string;
  callState: string;
  answerState: string;
  callerIdNumber: string;
  callerIdName: string;
  destination: string;
  bridgedTo: string | undefined;
};

export type SimulatorStats = {
  sessions: number;
  listenersKilled: number;
  lostEvents: number;
  framesWritten: number;
  socketWrites: number;
};

const silentLogger: Logger = { info: () => undefined, error: () => undefined };

const DEFAULT_LIMITS: SessionLimits = {
  maxQueuedEvents: 100_000,
  maxLostEvents: 500,
  maxBodyBytes: 16 * 1024 * 1024,
  maxHeaderBytes: 1024 * 1024,
  authTimeoutMs: 25_000,
};

function buildAcl(entries: readonly string[]): BlockList {
  const list = new BlockList();
  const addRange = (range: string): void => {
    const [address = '', prefix] = range.split('/');
    const type = address.includes(':') ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  };
  for (const entry of entries) {
    if (entry === 'loopback.auto') {
      addRange('127.0.0.0/8');
      addRange('::1/128');
    } else if (entry === 'localnet.auto') {
      for (const range of ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7', 'fe80::/10'])
        addRange(range);
    } else {
      addRange(entry);
    }
  }
  return list;
}

function aclAllows(list: BlockList, remote: string | undefined): boolean {
  if (remote === undefined) return false;
  const address = remote.startsWith('::ffff:') && remote.includes('.') ? remote.slice(7) : remote;
  return list.check(address, address.includes(':') ? 'ipv6' : 'ipv4');
}

export class SwitchSimulator implements Service {
  readonly #options: SwitchSimulatorOptions;
  readonly #logger: Logger;
  readonly #clock: SimClock;
  readonly #random: Random;
  readonly #acl: BlockList;
  readonly #limits: SessionLimits;
  readonly #phones: {
    seats: PhoneBehaviour;
    external: PhoneBehaviour;
    overrides: Map<string, PhoneBehaviour>;
  };
  readonly #sessions = new Set<EslSession>();
  readonly #listeners = new Set<(event: SwitchEvent) => void>();
  readonly #counters: SessionCounters = { listenersKilled: 0, lostEvents: 0 };
  #core: SwitchCore;
  #callCenter: CallCenter;
  #server: Server | undefined;
  #port: number | undefined;
  #shaping: FrameShaping = { mode: 'none' };
  #eventsBeforeReply = false;
  #scenario: ScenarioRunner | undefined;
  #stopHeartbeat: (() => void) | undefined;
  #retiredShaperStats = { frames: 0, writes: 0 };

  constructor(options: SwitchSimulatorOptions = {}) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.#clock = options.clock ?? createRealClock();
    this.#random = createRandom({ seed: options.seed ?? 1 });
    this.#acl = buildAcl(options.acl ?? ['loopback.auto']);
    this.#limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.#phones = {
      seats: options.phones?.seats ?? { answer: 'auto', ringMs: 3000 },
      external: options.phones?.external ?? { answer: 'auto', ringMs: 5000 },
      overrides: new Map(Object.entries(options.phones?.overrides ?? {})),
    };
    this.#core = this.#createCore();
    this.#callCenter = new CallCenter({
      core: this.#core,
      queues: options.queues ?? [{ name: 'default' }],
      agents: options.agents,
      tiers: options.tiers,
      agentDefaults: options.agentDefaults,
    });
  }

  // ------------------------------------------------------------------------------------------- service

  start(): Promise<void> {
    if (this.#server) return Promise.resolve();
    if (this.#core.halted) {
      // Started again after stop(): a switch that comes back is a restarted switch.
      this.#core = this.#createCore();
      this.#callCenter = this.#callCenter.resetAfterRestart({ core: this.#core });
    }
    return this.#listen(this.#options.port ?? 8021);
  }

  async stop(): Promise<void> {
    this.stopScenario();
    this.#stopHeartbeat?.();
    this.#stopHeartbeat = undefined;
    for (const session of this.#sessions) session.destroy();
    this.#sessions.clear();
    this.#callCenter.stop();
    this.#core.halt();
    await this.#close();
  }

  /** The bound port; only while started. */
  get port(): number {
    if (this.#port === undefined) throw new Error('SwitchSimulator: not listening (call start() first)');
    return this.#port;
  }

  get host(): string {
    return this.#options.host ?? '127.0.0.1';
  }

  get password(): string {
    return this.#options.password ?? 'ClueCon';
  }

  get coreUuid(): string {
    return this.#core.coreUuid;
  }

  /** The simulated switch (for tests and tools that need more than the ESL interface). */
  get core(): SwitchCore {
    return this.#core;
  }

  get callCenter(): CallCenter {
    return this.#callCenter;
  }

  get clock(): SimClock {
    return this.#clock;
  }

  #listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const server = createServer({ noDelay: true }, (socket) => this.#accept(socket));
      const onError = (error: Error): void => reject(error);
      server.once('error', onError);
      server.listen({ host: this.host, port }, () => {
        server.off('error', onError);
        server.on('error', (error) => this.#logger.error('switch simulator: server error', error));
        this.#server = server;
        this.#port = (server.address() as AddressInfo).port;
        this.#startHeartbeat();
        this.#logger.info(
          `switch simulator: Event Socket on ${this.host}:${this.#port} (Core-UUID ${this.coreUuid})`,
        );
        resolve();
      });
    });
  }

  #close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server === undefined) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  #startHeartbeat(): void {
    this.#stopHeartbeat?.();
    const interval = this.#options.heartbeatIntervalMs ?? 20_000;
    if (interval <= 0) return;
    const core = this.#core;
    this.#stopHeartbeat = core.scheduler.every({
      ms: interval,
      run: () => core.fireHeartbeat({ intervalSec: Math.round(interval / 1000) }),
    });
  }

  #createCore(): SwitchCore {
    const recordingsDir =
      this.#options.recordingsDir ?? join(tmpdir(), 'jiazheng-switch-simulator', 'recordings');
    const firstQueue = (this.#options.queues ?? [{ name: 'default' }])[0]?.name ?? 'default';
    const core = new SwitchCore({
      clock: this.#clock,
      logger: this.#logger,
      random: this.#random,
      hostname: this.#options.hostname ?? osHostname(),
      ipv4: this.#options.ipv4 ?? '127.0.0.1',
      ipv6: this.#options.ipv6 ?? '::1',
      timeZone: this.#options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
      recordingsDir,
      soundsDir: this.#options.soundsDir,
      domain: this.#options.domain ?? this.#options.ipv4 ?? '127.0.0.1',
      carrierAddress: this.#options.carrierAddress ?? '10.0.0.2',
      extensions: this.#options.extensions ?? [],
      defaultApps: this.#options.defaultApps ?? [
        { app: 'answer' },
        { app: 'record_session', data: '$${recordings_dir}/${strftime(%Y-%m-%d)}/${uuid}.wav' },
        { app: 'callcenter', data: firstQueue },
      ],
      phones: this.#phones,
      defaultPromptMs: this.#options.defaultPromptMs ?? 2000,
    });
    registerStandardApplications({ core });
    core.addEventSink({
      sink: (event) => {
        for (const listener of this.#listeners) listener(event);
      },
    });
    return core;
  }

  // ------------------------------------------------------------------------------------------ sessions

  #accept(socket: Socket): void {
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    if (!aclAllows(this.#acl, socket.remoteAddress)) {
      this.#logger.error(`switch simulator: IP ${socket.remoteAddress ?? '?'} rejected by the ACL`);
      socket.write(rudeRejectionFrame());
      socket.end(disconnectNoticeFrame({ message: DISCONNECT_MESSAGE }));
      return;
    }
    const session = new EslSession({
      socket,
      host: {
        password: this.password,
        limits: this.#limits,
        logger: this.#logger,
        counters: this.#counters,
        env: () => ({ core: this.#core, callCenter: this.#callCenter }),
        shaping: () => this.#shaping,
        eventsBeforeReply: () => this.#eventsBeforeReply,
        closed: ({ session: s }) => {
          const stats = s.shaperStats;
          this.#retiredShaperStats.frames += stats.frames;
          this.#retiredShaperStats.writes += stats.writes;
          this.#sessions.delete(s);
        },
      },
    });
    this.#sessions.add(session);
    session.start();
  }

  stats(): SimulatorStats {
    let frames = this.#retiredShaperStats.frames;
    let writes = this.#retiredShaperStats.writes;
    for (const session of this.#sessions) {
      frames += session.shaperStats.frames;
      writes += session.shaperStats.writes;
    }
    return {
      sessions: this.#sessions.size,
      listenersKilled: this.#counters.listenersKilled,
      lostEvents: this.#counters.lostEvents,
      framesWritten: frames,
      socketWrites: writes,
    };
  }

  // ------------------------------------------------------------------------------------------- calls

  /** A citizen calls in: the A leg is created and the dialplan (answer, record, queue) runs. */
  placeInboundCall(options: {
    callerNumber: string;
    callerName?: string | undefined;
    destination?: string | undefined;
    uuid?: string | undefined;
    /** Hang up if not bridged to anyone by then (an abandoned call). */
    patienceMs?: number | undefined;
    /** Once bridged, the conversation lasts this long; without it, until someone hangs up. */
    talkMs?: number | undefined;
    hangupBy?: 'caller' | 'callee' | undefined;
    variables?: Readonly<Record<string, string>> | undefined;
  }): { uuid: string } {
    const channel = this.#core.placeInboundCall({
      ...options,
      callerName: options.callerName === '' ? undefined : options.callerName,
      destination: options.destination ?? '12345',
    });
    return { uuid: channel.uuid };
  }

  /** The far end of a channel hangs up (a caller putting the phone down). */
  hangup(options: { uuid: string; cause?: string | undefined }): boolean {
    const channel = this.#core.channel({ uuid: options.uuid });
    if (channel === undefined || channel.isDown) return false;
    const cause: HangupCause =
      parseHangupCause({ name: options.cause ?? 'NORMAL_CLEARING' }) ?? 'NORMAL_CLEARING';
    this.#core.hangup({ channel, cause, remote: true });
    return true;
  }

  /** The caller presses keys (DTMF events only; there is no audio to detect them in). */
  sendDtmf(options: { uuid: string; digits: string }): boolean {
    const channel = this.#core.channel({ uuid: options.uuid });
    if (channel === undefined || channel.isDown) return false;
    this.#core.sendDtmf({ channel, digits: options.digits });
    return true;
  }

  /** How a phone behaves when called: a seat extension (`1001`) or an external number. */
  setPhone(options: { target: string; behaviour: PhoneBehaviour }): void {
    this.#phones.overrides.set(options.target, options.behaviour);
  }

  /** Fires an arbitrary event (an SMS as MESSAGE, a custom event) through the switch's event system. */
  injectEvent(options: {
    name: string;
    subclass?: string | undefined;
    headers?: readonly EventHeader[] | undefined;
    body?: string | undefined;
  }): void {
    const builder: EventBuilder = this.#core.createEvent({
      name: options.name,
      subclass: options.subclass,
      source: { file: 'switch_event.c', func: 'switch_event_fire_detailed', line: 2018 },
    });
    builder.addAll(options.headers ?? []);
    if (options.body !== undefined) builder.body({ text: options.body });
    this.#core.fire({ event: builder });
  }

  /** Every event the switch fires, in order, whether or not any ESL client listens. */
  onEvent(options: { listener: (event: SwitchEvent) => void }): () => void {
    this.#listeners.add(options.listener);
    return () => this.#listeners.delete(options.listener);
  }

  channels(): ChannelSnapshot[] {
    return this.#core
      .channels()
      .filter((c) => !c.isDown)
      .map((c: Channel) => ({
        uuid: c.uuid,
        direction: c.direction,
        name: c.name,
        state: c.state,
        callState: c.callState,
        answerState: c.answerState,
        callerIdNumber: c.profile.callerIdNumber,
        callerIdName: c.profile.callerIdName,
        destination: c.profile.destinationNumber,
        bridgedTo: c.bridgedTo?.uuid,
      }));
  }

  // ----------------------------------------------------------------------------------------- scenarios

  startScenario(options: { scenario: Scenario }): void {
    this.stopScenario();
    const runner = new ScenarioRunner({
      scenario: options.scenario,
      host: {
        clock: this.#clock,
        callCenter: () => this.#callCenter,
        setPhone: (o) => this.setPhone(o),
        placeInboundCall: (o) => {
          this.placeInboundCall(o);
        },
      },
    });
    this.#scenario = runner;
    runner.start();
    this.#logger.info(`switch simulator: scenario "${options.scenario.name}" started`);
  }

  stopScenario(): void {
    this.#scenario?.stop();
    this.#scenario = undefined;
  }

  get scenarioCallsPlaced(): number {
    return this.#scenario?.callsPlaced ?? 0;
  }

  // ------------------------------------------------------------------------------------------- faults

  readonly faults = {
    /** Cut outgoing frames into pieces, glue them together, or both (see FrameShaping). */
    setShaping: (options: { shaping: FrameShaping }): void => {
      this.#shaping = options.shaping;
    },
    /** Let events produced by a command go out before its command/reply (never before an api/response). */
    setEventsBeforeReply: (options: { enabled: boolean }): void => {
      this.#eventsBeforeReply = options.enabled;
    },
    /** Every ESL connection drops without a word; calls go on. */
    dropConnections: (): void => {
      for (const session of this.#sessions) session.destroy();
    },
  };

  /**
   * The switch restarts: connections drop, every channel is gone, mod_callcenter keeps its agents and tiers
   * (they live in its database) but loses its members, and a new Core-UUID answers on the same port.
   * `graceful` hangs calls up first (SYSTEM_SHUTDOWN) and says goodbye to listeners; `crash` does neither.
   */
  async restart(options: { mode?: 'crash' | 'graceful'; downtimeMs?: number } = {}): Promise<void> {
    const port = this.#server ? this.port : (this.#options.port ?? 8021);
    this.stopScenario();
    if (options.mode === 'graceful') {
      this.#core.hangupAll({ cause: 'SYSTEM_SHUTDOWN' });
      // Let the hang-ups finish (CHANNEL_HANGUP_COMPLETE is sent on the next tick).
      await new Promise((resolve) => setTimeout(resolve, 20));
      for (const session of this.#sessions) session.kill({ message: SHUTDOWN_MESSAGE });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const session of this.#sessions) session.destroy();
    this.#sessions.clear();
    this.#stopHeartbeat?.();
    this.#callCenter.stop();
    this.#core.halt();
    await this.#close();
    if ((options.downtimeMs ?? 0) > 0)
      await new Promise((resolve) => setTimeout(resolve, options.downtimeMs));
    this.#core = this.#createCore();
    this.#callCenter = this.#callCenter.resetAfterRestart({ core: this.#core });
    await this.#listen(port);
  }
}
