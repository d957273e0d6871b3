import type { SyncLogger } from './sync-logger';

/**
 * The part of a WebSocket the connector uses: the browser's WebSocket and the `ws` package both fit.
 * Handlers are declared as methods so either one's event types are accepted (method parameters are
 * checked bivariantly), which keeps this file free of DOM and Node types.
 */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: { handler(event: unknown): void }['handler'] | null;
  onmessage: { handler(event: { data: unknown }): void }['handler'] | null;
  onclose: { handler(event: { code: number; reason: string }): void }['handler'] | null;
  onerror: { handler(event: unknown): void }['handler'] | null;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** What the connector hands the session of one open socket. */
export type ConnectorTransport = {
  send(bytes: Uint8Array): void;
  close(options: { code: number; reason: string }): void;
  /** The session works (it got WELCOME): reset the backoff. */
  healthy(): void;
};

/** What the connector drives: one session per open socket. */
export type SocketSession = {
  receive(bytes: Uint8Array): Promise<void>;
  disconnected(): void;
};

export type ConnectorOptions = {
  /**
   * Where to connect. A function is called before every attempt, so each connection can carry a fresh
   * credential (a device token is valid for minutes; a replica may be away for days).
   */
  url: string | (() => string | Promise<string>);
  WebSocketImpl: WebSocketConstructor;
  /** First retry delay; doubles per failed attempt up to `maxDelayMs`. */
  minDelayMs?: number;
  maxDelayMs?: number;
  logger?: SyncLogger;
  /** [0, 1): replaceable in tests. */
  random?: () => number;
};

const openState = 1;

/**
 * Keeps one WebSocket open to `url`: reconnects after any close with exponential backoff and full
 * jitter (a county's appliances must not all reconnect in the same second after a hub restart). The
 * backoff resets once a session reports it is healthy (`healthy()`, called on WELCOME).
 */
export class WebSocketConnector {
  readonly #options: Required<Omit<ConnectorOptions, 'logger'>> & { logger: SyncLogger | undefined };
  readonly #attach: (transport: ConnectorTransport) => SocketSession;
  #socket: WebSocketLike | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #failures = 0;
  /** Bumped by every attempt and by stop(), so a URL that resolves late opens nothing stale. */
  #attempt = 0;
  #running = false;
  #closedWaiters: Array<() => void> = [];

  constructor(options: ConnectorOptions & { attach: (transport: ConnectorTransport) => SocketSession }) {
    this.#options = {
      url: options.url,
      WebSocketImpl: options.WebSocketImpl,
      minDelayMs: options.minDelayMs ?? 250,
      maxDelayMs: options.maxDelayMs ?? 30_000,
      random: options.random ?? Math.random,
      logger: options.logger,
    };
    this.#attach = options.attach;
  }

  get connected(): boolean {
    return this.#socket !== null && this.#socket.readyState === openState;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#open();
  }

  /** Stops reconnecting and closes the socket; resolves once it is closed. */
  stop(): Promise<void> {
    this.#running = false;
    this.#attempt += 1;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const socket = this.#socket;
    if (socket === null) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.#closedWaiters.push(resolve));
    socket.close(1000, 'client stopping');
    return closed;
  }

  #open(): void {
    if (!this.#running) return;
    const { url } = this.#options;
    if (typeof url === 'string') {
      this.#openSocket(url);
      return;
    }
    // Resolved off the stack; a stop() meanwhile wins, and a failure counts as a failed attempt.
    const attempt = ++this.#attempt;
    Promise.resolve()
      .then(url)
      .then(
        (resolved) => {
          if (this.#running && attempt === this.#attempt) this.#openSocket(resolved);
        },
        (error: unknown) => {
          if (attempt !== this.#attempt) return;
          this.#options.logger?.error('sync: cannot make the connection URL', error);
          this.#retry();
        },
      );
  }

  #openSocket(url: string): void {
    let socket: WebSocketLike;
    try {
      socket = new this.#options.WebSocketImpl(url);
    } catch (error) {
      this.#options.logger?.error('sync: cannot open a WebSocket', error);
      this.#retry();
      return;
    }
    socket.binaryType = 'arraybuffer';
    this.#socket = socket;
    let session: SocketSession | null = null;
    socket.onopen = () => {
      session = this.#attach({
        send: (bytes) => {
          if (socket.readyState === openState) socket.send(bytes);
        },
        close: ({ code, reason }) => socket.close(code, reason),
        healthy: () => {
          this.#failures = 0;
        },
      });
    };
    socket.onmessage = (event) => {
      const bytes = toBytes(event.data);
      if (session === null || bytes === null) return;
      session
        .receive(bytes)
        .catch((error: unknown) => this.#options.logger?.error('sync: receive failed', error));
    };
    socket.onerror = () => {
      // Always followed by close, which reconnects; an error event without a listener would be thrown in Node.
    };
    socket.onclose = () => {
      socket.onopen = null;
      socket.onmessage = null;
      socket.onclose = null;
      session?.disconnected();
      session = null;
      if (this.#socket === socket) this.#socket = null;
      for (const resolve of this.#closedWaiters.splice(0)) resolve();
      this.#retry();
    };
  }

  #retry(): void {
    if (!this.#running) return;
    const ceiling = Math.min(this.#options.maxDelayMs, this.#options.minDelayMs * 2 ** this.#failures);
    this.#failures += 1;
    const delay = Math.round(this.#options.random() * ceiling);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#open();
    }, delay);
  }
}

function toBytes(data: unknown): Uint8Array | null {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return null;
}
