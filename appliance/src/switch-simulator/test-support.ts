/**
 * Test helpers for the switch simulator: a raw TCP client that sees the exact bytes, and one adapter each for
 * the two real ESL clients (esl 11.2.1 and modesl 1.2.1), so a single conformance suite runs against both.
 */
import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { FreeSwitchClient, FreeSwitchError, FreeSwitchResponse, type FreeSwitchEventData } from 'esl';
import modesl, { type Connection, type Event as ModeslEvent } from 'modesl';
import { EVENT_NAMES } from './switch-event';

const DEFAULT_TIMEOUT_MS = 5000;

export async function waitUntil(options: {
  check: () => boolean;
  timeoutMs?: number | undefined;
  what: string;
}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  while (!options.check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function delay(options: { ms: number }): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, options.ms));
}

// ------------------------------------------------------------------------------------------- raw client

export type RawFrame = {
  headers: Record<string, string>;
  /** Header lines in order, repeats kept. */
  headerLines: string[];
  body: Buffer;
  /** The frame's exact bytes. */
  raw: Buffer;
};

/** A byte-level client: what arrives is framed the way the protocol says and nothing is decoded. */
export class RawClient {
  readonly socket: Socket;
  readonly frames: RawFrame[] = [];
  #buffer = Buffer.alloc(0);
  #all: Buffer[] = [];
  /** Frames already handed out by `next`/`waitFor`; the others stay available to later waits. */
  #taken = new Set<number>();
  #closed = false;
  #waiters = new Set<() => void>();

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#all.push(chunk);
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#parse();
      this.#wake();
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#wake();
    });
    socket.on('error', () => undefined);
  }

  static connect(options: { port: number; host?: string }): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port: options.port, host: options.host ?? '127.0.0.1' }, () =>
        resolve(new RawClient(socket)),
      );
      socket.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Every byte received so far. */
  received(): Buffer {
    return Buffer.concat(this.#all);
  }

  send(options: { data: string | Buffer }): void {
    this.socket.write(options.data);
  }

  #parse(): void {
    for (;;) {
      const end = this.#buffer.indexOf('\n\n');
      if (end < 0) return;
      const headerText = this.#buffer.toString('utf8', 0, end);
      const headerLines = headerText.split('\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(': ');
        if (colon > 0) headers[line.slice(0, colon)] ??= line.slice(colon + 2);
      }
      const length = Number(headers['Content-Length'] ?? '0');
      if (this.#buffer.length < end + 2 + length) return;
      const body = this.#buffer.subarray(end + 2, end + 2 + length);
      const raw = this.#buffer.subarray(0, end + 2 + length);
      this.frames.push({ headers, headerLines, body: Buffer.from(body), raw: Buffer.from(raw) });
      this.#buffer = this.#buffer.subarray(end + 2 + length);
    }
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  async #until<T>(what: string, timeoutMs: number, probe: () => T | undefined): Promise<T> {
    const found = probe();
    if (found !== undefined) return found;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`RawClient: timed out waiting for ${what}`));
      }, timeoutMs);
      const check = (): void => {
        const value = probe();
        if (value !== undefined) {
          clearTimeout(timer);
          this.#waiters.delete(check);
          resolve(value);
        } else if (this.#closed) {
          clearTimeout(timer);
          this.#waiters.delete(check);
          reject(new Error(`RawClient: connection closed while waiting for ${what}`));
        }
      };
      this.#waiters.add(check);
    });
  }

  /** The earliest frame not yet returned by `next`/`waitFor`. */
  next(options: { timeoutMs?: number } = {}): Promise<RawFrame> {
    return this.waitFor({ match: () => true, timeoutMs: options.timeoutMs, what: 'the next frame' });
  }

  /** The earliest matching frame not yet returned; frames it passes over stay available. */
  waitFor(options: {
    match: (frame: RawFrame) => boolean;
    timeoutMs?: number | undefined;
    what?: string;
  }): Promise<RawFrame> {
    return this.#until(options.what ?? 'a matching frame', options.timeoutMs ?? DEFAULT_TIMEOUT_MS, () => {
      for (let i = 0; i < this.frames.length; i++) {
        const frame = this.frames[i];
        if (frame && !this.#taken.has(i) && options.match(frame)) {
          this.#taken.add(i);
          return frame;
        }
      }
      return undefined;
    });
  }

  waitForClose(options: { timeoutMs?: number } = {}): Promise<void> {
    return this.#until('the connection to close', options.timeoutMs ?? DEFAULT_TIMEOUT_MS, () =>
      this.#closed ? true : undefined,
    ).then(() => undefined);
  }

  /** Sends a command and returns its command/reply or api/response. */
  async command(options: { text: string }): Promise<RawFrame> {
    this.send({ data: options.text.endsWith('\n\n') ? options.text : `${options.text}\n\n` });
    return this.waitFor({
      match: (f) =>
        f.headers['Content-Type'] === 'command/reply' || f.headers['Content-Type'] === 'api/response',
      what: `the reply to ${options.text.split('\n')[0] ?? ''}`,
    });
  }

  async authenticate(options: { password?: string } = {}): Promise<void> {
    await this.waitFor({ match: (f) => f.headers['Content-Type'] === 'auth/request', what: 'auth/request' });
    const reply = await this.command({ text: `auth ${options.password ?? 'ClueCon'}` });
    if (reply.headers['Reply-Text'] !== '+OK accepted')
      throw new Error(`auth failed: ${reply.headers['Reply-Text'] ?? ''}`);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Headers of an event frame's body (plain: `Name: value` lines until the blank line; values left encoded). */
export function plainEventHeaders(options: { frame: RawFrame }): Array<[string, string]> {
  const text = options.frame.body.toString('utf8');
  const end = text.indexOf('\n\n');
  return text
    .slice(0, end < 0 ? text.length : end)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const colon = line.indexOf(': ');
      return [line.slice(0, colon), line.slice(colon + 2)];
    });
}

// ---------------------------------------------------------------------------------------- real clients

/** An event as a client library handed it over, reduced to header values and the body. */
export type ReceivedEvent = { name: string; headers: Record<string, string>; body: string | undefined };

export type ConformanceClient = {
  readonly library: 'esl' | 'modesl';
  /** modesl URL-decodes plain events; esl 11.2.1 does not (hence `event json` in the appliance). */
  readonly decodesPlainEvents: boolean;
  readonly events: ReceivedEvent[];
  /** A command/reply: its Reply-Text and headers, `-ERR` replies included. */
  command(options: {
    line: string;
    headers?: Record<string, string>;
  }): Promise<{ replyText: string; headers: Record<string, string> }>;
  /** An api/response body, `-ERR` bodies included. */
  api(options: { command: string }): Promise<string>;
  bgapi(options: {
    command: string;
    jobUuid?: string;
  }): Promise<{ replyText: string; jobUuid: string; event: ReceivedEvent }>;
  /** sendmsg execute, resolving with the matching CHANNEL_EXECUTE_COMPLETE. */
  execute(options: { uuid: string; app: string; arg: string }): Promise<ReceivedEvent>;
  waitForEvent(options: {
    match: (event: ReceivedEvent) => boolean;
    timeoutMs?: number;
    what: string;
  }): Promise<ReceivedEvent>;
  /** `exit`: the reply and the disconnect notice that follows it. */
  exit(): Promise<{ replyText: string; notice: string }>;
  close(): void;
};

export type ConformanceClientFactory = {
  readonly library: 'esl' | 'modesl';
  connect(options: { port: number; password?: string }): Promise<ConformanceClient>;
  /** Authenticates with a wrong password: the reply, the disconnect notice and whether the socket closed. */
  failAuth(options: {
    port: number;
    password: string;
  }): Promise<{ replyText: string; notice: string; closed: boolean }>;
};

function waitForEventIn(
  events: ReceivedEvent[],
  options: { match: (event: ReceivedEvent) => boolean; timeoutMs?: number; what: string },
): Promise<ReceivedEvent> {
  return (async () => {
    let found: ReceivedEvent | undefined;
    await waitUntil({
      check: () => {
        found = events.find(options.match);
        return found !== undefined;
      },
      timeoutMs: options.timeoutMs,
      what: options.what,
    });
    if (found === undefined) throw new Error(`no ${options.what}`);
    return found;
  })();
}

const quietLogger = { debug: () => undefined, info: () => undefined, error: () => undefined };

function fromEsl(data: FreeSwitchEventData): ReceivedEvent {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(data.body))
    if (value !== undefined) headers[name] = String(value);
  return { name: headers['Event-Name'] ?? '', headers, body: headers._body };
}

function replyOf(error: unknown): { replyText: string; headers: Record<string, string> } {
  if (error instanceof FreeSwitchError && error.res) {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(error.res.headers)) if (v !== undefined) headers[k] = v;
    return { replyText: headers['Reply-Text'] ?? '', headers };
  }
  throw error;
}

/** esl 11.2.1 through its FreeSwitchClient (what the appliance uses), with our own logger. */
export const eslClientFactory: ConformanceClientFactory = {
  library: 'esl',
  async connect({ port, password }) {
    const client = new FreeSwitchClient({
      host: '127.0.0.1',
      port,
      password: password ?? 'ClueCon',
      logger: quietLogger,
    });
    const call = await new Promise<FreeSwitchResponse>((resolve, reject) => {
      client.on('connect', resolve);
      client.on('error', reject);
      client.connect();
    });
    const events: ReceivedEvent[] = [];
    for (const name of EVENT_NAMES) {
      if (name === 'ALL') continue;
      call.on(name, (data: FreeSwitchEventData) => events.push(fromEsl(data)));
    }
    return {
      library: 'esl',
      decodesPlainEvents: false,
      events,
      async command({ line, headers }) {
        try {
          const res = await call.send(line, headers ?? {});
          const h: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k] = v;
          return { replyText: h['Reply-Text'] ?? '', headers: h };
        } catch (error) {
          return replyOf(error);
        }
      },
      async api({ command }) {
        try {
          return (await call.api(command, DEFAULT_TIMEOUT_MS)).body;
        } catch (error) {
          if (error instanceof FreeSwitchError && error.res && typeof error.res.body === 'string')
            return error.res.body;
          throw error;
        }
      },
      async bgapi({ command, jobUuid }) {
        const res = await call.send(`bgapi ${command}`, jobUuid ? { 'Job-UUID': jobUuid } : {});
        const id = res.headers['Job-UUID'] ?? '';
        const event = await call.waitAsync(`BACKGROUND_JOB ${id}`, DEFAULT_TIMEOUT_MS, command);
        return { replyText: res.headers['Reply-Text'] ?? '', jobUuid: id, event: fromEsl(event) };
      },
      async execute({ uuid, app, arg }) {
        return fromEsl(await call.command_uuid(uuid, app, arg, DEFAULT_TIMEOUT_MS));
      },
      waitForEvent: (options) => waitForEventIn(events, options),
      async exit() {
        const notice = call.onceAsync('freeswitch_disconnect_notice', DEFAULT_TIMEOUT_MS, 'exit');
        const res = await call.exit();
        const data = await notice;
        client.end();
        return { replyText: res.headers['Reply-Text'] ?? '', notice: data.body };
      },
      close() {
        client.end();
      },
    };
  },
  async failAuth({ port, password }) {
    const socket = connect({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const call = new FreeSwitchResponse(socket, quietLogger);
    let closed = false;
    socket.on('close', () => {
      closed = true;
    });
    await call.onceAsync('freeswitch_auth_request', DEFAULT_TIMEOUT_MS, 'auth request');
    const notice = call.onceAsync('freeswitch_disconnect_notice', DEFAULT_TIMEOUT_MS, 'notice');
    let replyText = '';
    try {
      await call.auth(password);
    } catch (error) {
      replyText = replyOf(error).replyText;
    }
    const data = await notice;
    await waitUntil({ check: () => closed, what: 'the socket to close' });
    return { replyText, notice: data.body, closed };
  },
};

function fromModesl(event: ModeslEvent): ReceivedEvent {
  const headers: Record<string, string> = {};
  for (const { name, value } of event.headers) headers[name] = String(value);
  const body = event.getBody();
  return { name: event.type, headers, body: body === '' ? undefined : body };
}

type ModeslConnection = {
  conn: Connection;
  authFailed: Promise<string>;
  /** The first disconnect notice, listened for from the start: it can arrive in the same read as a reply. */
  notice: Promise<string>;
  closed: () => boolean;
};

function modeslConnect(port: number, password: string): Promise<ModeslConnection> {
  return new Promise((resolve, reject) => {
    let failed: (reply: string) => void = () => undefined;
    let noticed: (body: string) => void = () => undefined;
    let closed = false;
    const authFailed = new Promise<string>((r) => {
      failed = r;
    });
    const notice = new Promise<string>((r) => {
      noticed = r;
    });
    const conn = new modesl.Connection('127.0.0.1', port, password, () =>
      resolve({ conn, authFailed, notice, closed: () => closed }),
    );
    conn.on('error', () => undefined);
    conn.on('esl::end', () => {
      closed = true;
    });
    conn.on('esl::event::disconnect::notice', (event: ModeslEvent) => noticed(event.getBody()));
    conn.on('esl::event::auth::fail', (event: ModeslEvent) => {
      failed(String(event.getHeader('Reply-Text') ?? ''));
      resolve({ conn, authFailed, notice, closed: () => closed });
    });
    setTimeout(() => reject(new Error('modesl: no auth outcome')), DEFAULT_TIMEOUT_MS).unref();
  });
}

/** modesl 1.2.1 through its Connection. */
export const modeslClientFactory: ConformanceClientFactory = {
  library: 'modesl',
  async connect({ port, password }) {
    const { conn, notice } = await modeslConnect(port, password ?? 'ClueCon');
    const events: ReceivedEvent[] = [];
    conn.on('esl::event::**', (event: ModeslEvent, headers) => {
      if (String(headers['Content-Type'] ?? '').startsWith('text/event-')) events.push(fromModesl(event));
    });
    const sendRecv = (line: string, args: Record<string, string> | null): Promise<ModeslEvent> =>
      new Promise((resolve) => conn.sendRecv(line, args, resolve));
    const headersOf = (event: ModeslEvent): Record<string, string> => fromModesl(event).headers;
    return {
      library: 'modesl',
      decodesPlainEvents: true,
      events,
      async command({ line, headers }) {
        const reply = await sendRecv(line, headers ?? null);
        return { replyText: String(reply.getHeader('Reply-Text') ?? ''), headers: headersOf(reply) };
      },
      api({ command }) {
        return new Promise((resolve) => conn.api(command, (event) => resolve(event.getBody())));
      },
      async bgapi({ command, jobUuid }) {
        const id = jobUuid ?? randomUUID();
        const job = new Promise<ModeslEvent>((resolve) =>
          conn.once(`esl::event::BACKGROUND_JOB::${id}`, resolve),
        );
        const reply = await sendRecv(`bgapi ${command}`, { 'Job-UUID': id });
        return {
          replyText: String(reply.getHeader('Reply-Text') ?? ''),
          jobUuid: String(reply.getHeader('Job-UUID') ?? ''),
          event: fromModesl(await job),
        };
      },
      execute({ uuid, app, arg }) {
        return new Promise((resolve) => conn.execute(app, arg, uuid, (event) => resolve(fromModesl(event))));
      },
      waitForEvent: (options) => waitForEventIn(events, options),
      async exit() {
        const reply = await sendRecv('exit', null);
        return { replyText: String(reply.getHeader('Reply-Text') ?? ''), notice: await notice };
      },
      close() {
        conn.socket?.destroy();
      },
    };
  },
  async failAuth({ port, password }) {
    const { authFailed, notice, closed } = await modeslConnect(port, password);
    const replyText = await authFailed;
    const text = await notice;
    await waitUntil({ check: closed, what: 'the socket to close' });
    return { replyText, notice: text, closed: closed() };
  },
};
