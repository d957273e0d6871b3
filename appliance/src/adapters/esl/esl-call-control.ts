import { Socket } from 'node:net';
import { FreeSwitchError, FreeSwitchResponse } from 'esl';
import type {
  CallControl,
  SwitchEvent,
  SwitchLinkState,
  SwitchListener,
  SwitchStatus,
} from '../../ports/call-control';
import type { Logger } from '../../ports/logger';

/** What the appliance listens to. `CUSTOM callcenter::info` carries mod_callcenter's queue and agent news. */
export const SUBSCRIBED_EVENTS = [
  'CHANNEL_CREATE',
  'CHANNEL_ANSWER',
  'CHANNEL_BRIDGE',
  'CHANNEL_PARK',
  'CHANNEL_HANGUP',
  'CHANNEL_HANGUP_COMPLETE',
  'RECORD_START',
  'RECORD_STOP',
  'MESSAGE',
  'HEARTBEAT',
  'BACKGROUND_JOB',
  'CHANNEL_EXECUTE',
  'CHANNEL_EXECUTE_COMPLETE',
] as const;
const CUSTOM_SUBCLASSES = ['callcenter::info'] as const;

/** FreeSWITCH sends HEARTBEAT every 20 s: three missed means the link is dead even if TCP has not noticed. */
const DEFAULT_SILENCE_LIMIT_MS = 65_000;
const DEFAULT_API_TIMEOUT_MS = 10_000;
const DEFAULT_BGAPI_TIMEOUT_MS = 90_000;
const AUTH_TIMEOUT_MS = 20_000;
/**
 * The esl parser buffers a frame until its Content-Length has arrived. A real event is 5–10 KB; this many
 * bytes without one complete event means garbage or a hostile Content-Length, so the link is dropped
 * before it can fill memory.
 */
export const MAX_BYTES_WITHOUT_EVENT = 16 * 1024 * 1024;
const RECONNECT_MIN_MS = 200;
const RECONNECT_MAX_MS = 30_000;

export type EslCallControlOptions = {
  host: string;
  port: number;
  password: string;
  kind: SwitchStatus['kind'];
  logger: Logger;
  /** Reconnect when nothing (not even a HEARTBEAT) has arrived for this long. */
  silenceLimitMs?: number;
  maxBytesWithoutEvent?: number;
};

/**
 * CallControl over the FreeSWITCH Event Socket with the `esl` client (11.2.1): its protocol layer
 * (`FreeSwitchResponse`) on a socket this adapter owns, so that it can reconnect with exponential backoff
 * and jitter (reset once connected), subscribe again after every connection, notice a restarted switch by
 * its new Core-UUID, drop a link that has gone silent, and cap what a hostile peer can make it buffer.
 *
 * Events are taken as `event json`: esl 11.2.1 does not URL-decode plain events.
 */
export class EslCallControl implements CallControl {
  readonly #options: EslCallControlOptions;
  #socket: Socket | undefined;
  #call: FreeSwitchResponse | undefined;
  #listener: SwitchListener | undefined;
  #state: SwitchLinkState = 'stopped';
  #coreUuid: string | undefined;
  #connectedAt: string | undefined;
  #lastEventAt = 0;
  #reconnects = 0;
  #eventsReceived = 0;
  #eventsRejected = 0;
  #bytesWithoutEvent = 0;
  #attempt = 0;
  #lastError: string | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  #retry: NodeJS.Timeout | undefined;

  constructor(options: EslCallControlOptions) {
    this.#options = options;
  }

  listen(listener: SwitchListener): void {
    this.#listener = listener;
  }

  status(): SwitchStatus {
    return {
      state: this.#state,
      coreUuid: this.#coreUuid,
      kind: this.#options.kind,
      address: `${this.#options.host}:${this.#options.port}`,
      connectedAt: this.#connectedAt,
      lastEventAt: this.#lastEventAt === 0 ? undefined : new Date(this.#lastEventAt).toISOString(),
      reconnects: this.#reconnects,
      eventsReceived: this.#eventsReceived,
      eventsRejected: this.#eventsRejected,
      lastError: this.#lastError,
    };
  }

  start(): Promise<void> {
    if (this.#state !== 'stopped') return Promise.resolve();
    this.#state = 'connecting';
    this.#connect();
    const limit = this.#options.silenceLimitMs ?? DEFAULT_SILENCE_LIMIT_MS;
    this.#watchdog = setInterval(
      () => {
        if (this.#state !== 'connected' || Date.now() - this.#lastEventAt < limit) return;
        this.#drop(`nothing from the switch for ${Math.round(limit / 1000)} s`);
      },
      Math.min(limit, 5_000),
    );
    this.#watchdog.unref();
    return Promise.resolve();
  }

  stop(): Promise<void> {
    clearInterval(this.#watchdog);
    clearTimeout(this.#retry);
    this.#state = 'stopped';
    const socket = this.#socket;
    this.#socket = undefined;
    this.#call = undefined;
    socket?.destroy();
    return Promise.resolve();
  }

  async api(options: { command: string }): Promise<string> {
    const call = this.#requireCall();
    try {
      const res = await call.api(options.command, DEFAULT_API_TIMEOUT_MS);
      return typeof res.body === 'string' ? res.body : '';
    } catch (error) {
      throw toSwitchError({ error, command: options.command });
    }
  }

  async bgapi(options: { command: string; timeoutMs?: number }): Promise<string> {
    const call = this.#requireCall();
    try {
      const res = await call.bgapi(options.command, options.timeoutMs ?? DEFAULT_BGAPI_TIMEOUT_MS);
      const body: unknown = res.body;
      const text =
        typeof body === 'object' && body !== null && '_body' in body ? String(body._body) : String(body);
      if (text.startsWith('-ERR')) throw new Error(text.trim());
      return text;
    } catch (error) {
      throw toSwitchError({ error, command: options.command });
    }
  }

  async execute(options: { uuid: string; app: string; arg: string }): Promise<void> {
    const call = this.#requireCall();
    try {
      await call.execute_uuid(options.uuid, options.app, options.arg);
    } catch (error) {
      throw toSwitchError({ error, command: `sendmsg ${options.uuid} execute ${options.app}` });
    }
  }

  #requireCall(): FreeSwitchResponse {
    if (this.#state !== 'connected' || this.#call === undefined) {
      throw new Error(`the switch at ${this.status().address} is not connected`);
    }
    return this.#call;
  }

  #connect(): void {
    const { logger } = this.#options;
    const socket = new Socket();
    // The client logs every frame at debug level; only its errors matter to an operator.
    const call = new FreeSwitchResponse(socket, {
      debug: () => undefined,
      info: () => undefined,
      error: () => undefined,
    });
    this.#socket = socket;
    this.#bytesWithoutEvent = 0;
    const limit = this.#options.maxBytesWithoutEvent ?? MAX_BYTES_WITHOUT_EVENT;
    socket.on('data', (chunk: Buffer) => {
      this.#bytesWithoutEvent += chunk.length;
      if (this.#bytesWithoutEvent > limit && this.#socket === socket) {
        this.#drop(`${this.#bytesWithoutEvent} bytes from the switch without one complete event (garbage?)`);
      }
    });
    socket.on('error', (error) => {
      this.#lastError = error.message;
    });
    socket.once('close', () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.#call = undefined;
      if (this.#state === 'connected') logger.error(`switch: lost the link to ${this.status().address}`);
      if (this.#state === 'stopped') return;
      this.#state = 'disconnected';
      this.#scheduleReconnect();
    });
    socket.once('connect', () => {
      void this.#open({ socket, call });
    });
    socket.connect({ host: this.#options.host, port: this.#options.port });
  }

  async #open(options: { socket: Socket; call: FreeSwitchResponse }): Promise<void> {
    const { socket, call } = options;
    try {
      await call.onceAsync('freeswitch_auth_request', AUTH_TIMEOUT_MS, 'the auth request');
      try {
        await call.auth(this.#options.password);
      } catch {
        throw new Error('the switch refused the Event Socket password (ESL_PASSWORD)');
      }
      call.auto_cleanup();
      await this.#subscribe(call);
    } catch (error) {
      if (this.#socket !== socket) return;
      this.#lastError = error instanceof Error ? error.message : String(error);
      this.#options.logger.error(`switch: ${this.status().address}: ${this.#lastError}`);
      socket.destroy();
    }
  }

  #scheduleReconnect(): void {
    // Exponential with ±20 % jitter, so that appliances restarted together do not reconnect in step.
    const base = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** this.#attempt);
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.#attempt += 1;
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => {
      if (this.#state !== 'stopped') this.#connect();
    }, delay);
    this.#retry.unref();
  }

  #drop(reason: string): void {
    this.#options.logger.error(`switch: ${reason}; reconnecting`);
    this.#lastError = reason;
    this.#socket?.destroy();
  }

  async #subscribe(call: FreeSwitchResponse): Promise<void> {
    for (const name of [...SUBSCRIBED_EVENTS, 'CUSTOM'] as const) {
      call.on(name, (data: { body: unknown }) => this.#receive(data.body));
    }
    for (const name of ['error.invalid-json', 'error.missing-event-name', 'error.unhandled-content-type']) {
      call.on(name as 'error.invalid-json', () => {
        this.#bytesWithoutEvent = 0;
        this.#eventsRejected += 1;
      });
    }
    await call.send(`event json ${SUBSCRIBED_EVENTS.join(' ')} CUSTOM ${CUSTOM_SUBCLASSES.join(' ')}`);
    // Any event carries the Core-UUID; a background `status` is the cheapest way to get one now.
    const job = await call.bgapi('status', DEFAULT_API_TIMEOUT_MS);
    const coreUuid = readHeader(job.body, 'Core-UUID');
    const restarted = this.#coreUuid !== undefined && coreUuid !== undefined && coreUuid !== this.#coreUuid;
    if (this.#connectedAt !== undefined) this.#reconnects += 1;
    this.#coreUuid = coreUuid ?? this.#coreUuid;
    this.#call = call;
    this.#state = 'connected';
    this.#attempt = 0;
    this.#lastError = undefined;
    this.#connectedAt = new Date().toISOString();
    this.#lastEventAt = Date.now();
    this.#options.logger.info(
      `switch: connected to ${this.status().address} (${this.#options.kind}, Core-UUID ${coreUuid ?? '?'})` +
        (restarted ? ': the switch restarted' : ''),
    );
    this.#listener?.onConnected({ coreUuid, restarted });
  }

  #receive(body: unknown): void {
    this.#lastEventAt = Date.now();
    this.#bytesWithoutEvent = 0;
    const event = toSwitchEvent(body);
    if (event === undefined) {
      this.#eventsRejected += 1;
      return;
    }
    this.#eventsReceived += 1;
    try {
      this.#listener?.onEvent(event);
    } catch (error) {
      // One bad event must not take the link down with it.
      this.#options.logger.error(`switch: handling ${event.name} failed`, error);
    }
  }
}

/** The parsed `event json` object: string values only (cJSON gives strings; anything else is refused). */
export function toSwitchEvent(body: unknown): SwitchEvent | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string') headers[name] = value;
  }
  const name = headers['Event-Name'];
  if (name === undefined || name === '') return undefined;
  return { name, subclass: headers['Event-Subclass'], headers, body: headers._body };
}

function readHeader(body: unknown, name: string): string | undefined {
  if (typeof body !== 'object' || body === null || !(name in body)) return undefined;
  const value: unknown = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

function toSwitchError(options: { error: unknown; command: string }): Error {
  const { error, command } = options;
  if (error instanceof FreeSwitchError) {
    const res = error.res;
    const reply =
      (typeof res?.body === 'string' && res.body.trim() !== '' ? res.body : res?.headers['Reply-Text']) ??
      error.message;
    return new Error(`${command.split(' ')[0] ?? command}: ${String(reply).trim()}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}
