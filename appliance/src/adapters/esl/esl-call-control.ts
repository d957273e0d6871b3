import { FreeSwitchClient, FreeSwitchError, type FreeSwitchResponse } from 'esl';
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

export type EslCallControlOptions = {
  host: string;
  port: number;
  password: string;
  kind: SwitchStatus['kind'];
  logger: Logger;
  /** Reconnect when nothing (not even a HEARTBEAT) has arrived for this long. */
  silenceLimitMs?: number;
};

/**
 * CallControl over the FreeSWITCH Event Socket with the `esl` client (11.2.1). The client reconnects by
 * itself (200 ms, growing while the switch refuses); this adapter subscribes again after every connection,
 * notices a restarted switch by its new Core-UUID, and replaces a link that has gone silent.
 *
 * Events are taken as `event json`: esl 11.2.1 does not URL-decode plain events.
 */
export class EslCallControl implements CallControl {
  readonly #options: EslCallControlOptions;
  #client: FreeSwitchClient | undefined;
  #call: FreeSwitchResponse | undefined;
  #listener: SwitchListener | undefined;
  #state: SwitchLinkState = 'stopped';
  #coreUuid: string | undefined;
  #connectedAt: string | undefined;
  #lastEventAt = 0;
  #reconnects = 0;
  #eventsReceived = 0;
  #eventsRejected = 0;
  #watchdog: NodeJS.Timeout | undefined;

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
    };
  }

  start(): Promise<void> {
    if (this.#state !== 'stopped') return Promise.resolve();
    this.#state = 'connecting';
    this.#openClient();
    const limit = this.#options.silenceLimitMs ?? DEFAULT_SILENCE_LIMIT_MS;
    this.#watchdog = setInterval(
      () => {
        if (this.#state !== 'connected' || Date.now() - this.#lastEventAt < limit) return;
        this.#options.logger.error(
          `switch: nothing from ${this.status().address} for ${Math.round(limit / 1000)} s; reconnecting`,
        );
        this.#closeClient();
        this.#state = 'connecting';
        this.#openClient();
      },
      Math.min(limit, 5_000),
    );
    this.#watchdog.unref();
    return Promise.resolve();
  }

  stop(): Promise<void> {
    clearInterval(this.#watchdog);
    this.#closeClient();
    this.#state = 'stopped';
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

  #openClient(): void {
    const { logger } = this.#options;
    const client = new FreeSwitchClient({
      host: this.#options.host,
      port: this.#options.port,
      password: this.#options.password,
      // The client logs every frame at debug level; only its errors matter to an operator.
      logger: {
        debug: () => undefined,
        info: () => undefined,
        error: (message) => logger.error(`switch: ${message}`),
      },
    });
    this.#client = client;
    client.on('connect', (call) => {
      if (this.#client !== client) return;
      void this.#subscribe(call);
    });
    client.on('reconnecting', () => {
      if (this.#client !== client) return;
      if (this.#state === 'connected') logger.error(`switch: lost the link to ${this.status().address}`);
      this.#state = 'disconnected';
      this.#call = undefined;
    });
    client.on('error', () => {
      // Logged by the client; a failed auth ends in a closed socket and a reconnect.
    });
    client.connect();
  }

  #closeClient(): void {
    this.#client?.end();
    this.#client = undefined;
    this.#call = undefined;
  }

  async #subscribe(call: FreeSwitchResponse): Promise<void> {
    const { logger } = this.#options;
    for (const name of [...SUBSCRIBED_EVENTS, 'CUSTOM'] as const) {
      call.on(name, (data: { body: unknown }) => this.#receive(data.body));
    }
    for (const name of ['error.invalid-json', 'error.missing-event-name', 'error.unhandled-content-type']) {
      call.on(name as 'error.invalid-json', () => {
        this.#eventsRejected += 1;
      });
    }
    try {
      await call.send(`event json ${SUBSCRIBED_EVENTS.join(' ')} CUSTOM ${CUSTOM_SUBCLASSES.join(' ')}`);
      // Any event carries the Core-UUID; a background `status` is the cheapest way to get one now.
      const job = await call.bgapi('status', DEFAULT_API_TIMEOUT_MS);
      const coreUuid = readHeader(job.body, 'Core-UUID');
      const restarted = this.#coreUuid !== undefined && coreUuid !== undefined && coreUuid !== this.#coreUuid;
      if (this.#connectedAt !== undefined) this.#reconnects += 1;
      this.#coreUuid = coreUuid ?? this.#coreUuid;
      this.#call = call;
      this.#state = 'connected';
      this.#connectedAt = new Date().toISOString();
      this.#lastEventAt = Date.now();
      logger.info(
        `switch: connected to ${this.status().address} (${this.#options.kind}, Core-UUID ${coreUuid ?? '?'})` +
          (restarted ? ': the switch restarted' : ''),
      );
      this.#listener?.onConnected({ coreUuid, restarted });
    } catch (error) {
      logger.error(`switch: subscribing at ${this.status().address} failed`, error);
    }
  }

  #receive(body: unknown): void {
    this.#lastEventAt = Date.now();
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
