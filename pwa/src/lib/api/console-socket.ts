import { writable, type Readable } from 'svelte/store';
import type { ConsoleMessage } from './types';
import { reconnectDelay } from '../domain/backoff';
import {
  applyConsoleMessage,
  initialConsoleState,
  resetForSnapshot,
  type ConsoleState,
} from '../domain/console-state';

/** What the socket needs of a WebSocket: the browser's, or a fake in tests. */
export type SocketLike = {
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  close(code?: number, reason?: string): void;
};

export type ConsoleSocketOptions = {
  /** Asked again before every attempt: the token may have changed. */
  url: () => string;
  createSocket?: (url: string) => SocketLike;
  /** Told about every message after the state has folded it in (the screen pop's cache, the callbacks). */
  onMessage?: (message: ConsoleMessage) => void;
  /** Closed with 1008 / 4401 (a session the appliance no longer knows): stop and log out. */
  onRejected?: () => void;
  /**
   * The socket dropped and will be retried. A refused upgrade (an expired token) looks like any other drop
   * to a browser, so this is where the app asks the API whether the session still holds.
   */
  onDisconnected?: (options: { attempt: number }) => void;
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
  random?: () => number;
  /** Where the browser says it is back online (`window`, the default where there is one). */
  network?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
};

/** Close codes the appliance uses for a bad or expired token: reconnecting would not help. */
const REJECTED_CODES = new Set([1008, 4001, 4401, 4403]);

function parseMessage(data: unknown): ConsoleMessage | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value === 'object' && value !== null && typeof (value as { type: unknown }).type === 'string')
      return value as ConsoleMessage;
  } catch {
    // A frame that is not JSON is ignored, like a message type this console does not know.
  }
  return undefined;
}

/**
 * The live console feed (`/ws/console`): reconnects with backoff for as long as it is started, and exposes
 * the folded state (screen pop, live calls, seats, connection) as a Svelte store.
 */
export class ConsoleSocket {
  readonly #options: ConsoleSocketOptions;
  readonly #state = writable<ConsoleState>(initialConsoleState());
  #current: ConsoleState = initialConsoleState();
  #socket: SocketLike | undefined;
  #timer: unknown;
  #attempt = 0;
  #running = false;

  constructor(options: ConsoleSocketOptions) {
    this.#options = options;
  }

  get state(): Readable<ConsoleState> {
    return { subscribe: this.#state.subscribe };
  }

  snapshot(): ConsoleState {
    return this.#current;
  }

  /** Local changes (Esc closes the pop, a cached history fills it) go through the same store. */
  update(change: (state: ConsoleState) => ConsoleState): void {
    this.#set(change(this.#current));
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    // Back online after an outage: the next attempt may be 15 s away, and a seat must not wait that long.
    this.#network()?.addEventListener('online', this.#onOnline);
    this.#connect();
  }

  /** Connects at once if the feed is down and waiting to retry (the network is back, the user asked). */
  reconnectNow(): void {
    if (!this.#running || this.#socket !== undefined) return;
    this.#clearTimer();
    this.#attempt = 0;
    this.#connect();
  }

  readonly #onOnline = (): void => this.reconnectNow();

  #network(): ConsoleSocketOptions['network'] {
    return this.#options.network ?? (typeof window === 'undefined' ? undefined : window);
  }

  stop(): void {
    this.#running = false;
    this.#network()?.removeEventListener('online', this.#onOnline);
    this.#clearTimer();
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket !== undefined) {
      socket.onclose = null;
      socket.close(1000, 'console closed');
    }
    this.#set({ ...this.#current, connection: 'closed' });
  }

  #set(state: ConsoleState): void {
    this.#current = state;
    this.#state.set(state);
  }

  #connect(): void {
    if (!this.#running) return;
    const create =
      this.#options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
    let socket: SocketLike;
    try {
      socket = create(this.#options.url());
    } catch {
      this.#scheduleReconnect();
      return;
    }
    this.#socket = socket;
    socket.onopen = () => {
      this.#attempt = 0;
      this.#set(resetForSnapshot(this.#current));
    };
    socket.onmessage = (event) => {
      const message = parseMessage(event.data);
      if (message === undefined) return;
      this.#set(applyConsoleMessage(this.#current, message));
      this.#options.onMessage?.(message);
    };
    socket.onerror = () => {
      // The close event follows and decides.
    };
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      if (REJECTED_CODES.has(event.code)) {
        this.#running = false;
        this.#set({ ...this.#current, connection: 'closed' });
        this.#options.onRejected?.();
        return;
      }
      this.#options.onDisconnected?.({ attempt: this.#attempt });
      this.#scheduleReconnect();
    };
  }

  #scheduleReconnect(): void {
    if (!this.#running) return;
    this.#set({ ...this.#current, connection: 'reconnecting' });
    const delay = reconnectDelay({
      attempt: this.#attempt++,
      ...(this.#options.random === undefined ? {} : { random: this.#options.random }),
    });
    const setTimer = this.#options.setTimer ?? ((run: () => void, ms: number) => setTimeout(run, ms));
    this.#timer = setTimer(() => this.#connect(), delay);
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    const clear =
      this.#options.clearTimer ?? ((timer: unknown) => clearTimeout(timer as ReturnType<typeof setTimeout>));
    clear(this.#timer);
    this.#timer = undefined;
  }
}
