import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ConsoleMessage, ConsolePublisher } from '../../ports/console-publisher';
import type { Logger } from '../../ports/logger';
import type { Service } from '../../ports/service';
import { claimUpgrade, refuseUpgrade } from '@jiazheng/sync/relay/ws-host';

export const CONSOLE_PATH = '/ws/console';
/** A console that cannot keep up (a frozen tab) is dropped rather than buffered without end. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const PING_INTERVAL_MS = 30_000;

export type ConsoleClient = { username: string; role: string; seat: string | null };

/**
 * Pushes live telephony to the county's consoles: `ws://host/ws/console?token=<session token>`. Messages are
 * JSON (`ConsoleMessage`); the consoles send nothing but pings. The screen pop goes to every console of
 * the county at once: whoever answers, the history is already on their screen.
 */
export class ConsoleWebSocket implements Service, ConsolePublisher {
  readonly #http: { readonly server: Server };
  readonly #authenticate: (token: string) => Promise<ConsoleClient | undefined>;
  readonly #logger: Logger;
  readonly #clients = new Map<WebSocket, ConsoleClient>();
  readonly #alive = new WeakMap<WebSocket, boolean>();
  /** Sent to every console when it connects, so a reload shows the calls in progress at once. */
  readonly #snapshot: () => ConsoleMessage[];
  #wss: WebSocketServer | undefined;
  #server: Server | undefined;
  #ping: NodeJS.Timeout | undefined;
  readonly #onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    void this.#upgrade(request, socket, head);
  };
  #sent = 0;

  constructor(options: {
    http: { readonly server: Server };
    authenticate: (token: string) => Promise<ConsoleClient | undefined>;
    snapshot: () => ConsoleMessage[];
    logger: Logger;
  }) {
    this.#http = options.http;
    this.#authenticate = options.authenticate;
    this.#snapshot = options.snapshot;
    this.#logger = options.logger;
  }

  stats(): { consoles: number; messagesSent: number } {
    return { consoles: this.#clients.size, messagesSent: this.#sent };
  }

  start(): Promise<void> {
    if (this.#wss !== undefined) return Promise.resolve();
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
    this.#server = this.#http.server;
    this.#server.on('upgrade', this.#onUpgrade);
    this.#ping = setInterval(() => {
      for (const ws of this.#clients.keys()) {
        if (this.#alive.get(ws) === false) {
          ws.terminate();
          continue;
        }
        this.#alive.set(ws, false);
        ws.ping();
      }
    }, PING_INTERVAL_MS);
    this.#ping.unref();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    clearInterval(this.#ping);
    this.#server?.off('upgrade', this.#onUpgrade);
    for (const ws of this.#clients.keys()) ws.close(1001, 'appliance stopping');
    this.#clients.clear();
    const wss = this.#wss;
    this.#wss = undefined;
    await new Promise<void>((resolve) => (wss === undefined ? resolve() : wss.close(() => resolve())));
  }

  publish(options: { message: ConsoleMessage }): void {
    if (this.#clients.size === 0) return;
    const text = JSON.stringify(options.message);
    for (const ws of this.#clients.keys()) {
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        this.#logger.error(
          `console: ${this.#clients.get(ws)?.username ?? '?'} is not keeping up; disconnecting`,
        );
        ws.terminate();
        continue;
      }
      ws.send(text);
      this.#sent += 1;
    }
  }

  async #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://appliance.invalid');
    if (url.pathname !== CONSOLE_PATH) return;
    // Claimed before any await, so the sync relay sharing this server's upgrades leaves it to us.
    claimUpgrade({ request });
    const wss = this.#wss;
    if (wss === undefined) return refuseUpgrade({ socket, status: 503, text: 'Service Unavailable' });
    socket.on('error', (error) => this.#logger.info('console: socket error during upgrade', error));
    const client = await this.#authenticate(url.searchParams.get('token') ?? '').catch(() => undefined);
    if (client === undefined) return refuseUpgrade({ socket, status: 401, text: 'Unauthorized' });
    wss.handleUpgrade(request, socket, head, (ws) => {
      this.#clients.set(ws, client);
      this.#alive.set(ws, true);
      ws.on('pong', () => this.#alive.set(ws, true));
      ws.on('close', () => this.#clients.delete(ws));
      ws.on('error', () => ws.terminate());
      // Consoles do not talk; anything they send is ignored (it is capped by maxPayload).
      for (const message of this.#snapshot()) ws.send(JSON.stringify(message));
    });
  }
}
