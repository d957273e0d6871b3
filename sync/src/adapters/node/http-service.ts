import { serve, type ServerType } from '@hono/node-server';
import { Server } from 'node:http';
import { createServer as createHttpsServer, Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Service } from '../../ports/service';

/** What the service serves: a Hono app, or anything else with a fetch handler (tests). */
export type FetchApp = { fetch: (request: Request) => Response | Promise<Response> };

export type HttpServiceOptions = {
  app: FetchApp;
  host: string;
  /** 0 asks the OS for a free port; `url` tells which one was bound. */
  port: number;
  /** How long `stop()` lets requests in flight finish before cutting their connections. */
  shutdownGraceMs?: number | undefined;
  /** PEM key and certificate (chain): serve HTTPS (and WSS upgrades) instead of plain HTTP. */
  tls?: { key: string; cert: string } | undefined;
};

const DEFAULT_SHUTDOWN_GRACE_MS = 3000;

/** Serves a fetch handler over HTTP/1.1 with `@hono/node-server`. */
export class HttpService implements Service {
  readonly #options: HttpServiceOptions;
  #server: ServerType | undefined;
  #url: string | undefined;
  #starting: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;

  constructor(options: HttpServiceOptions) {
    this.#options = options;
  }

  /** The URL the server listens on, e.g. `http://127.0.0.1:45123`; only while started. */
  get url(): string {
    if (this.#url === undefined) throw new Error('HttpService: not listening (call start() first)');
    return this.#url;
  }

  /** The Node HTTP server, so WebSocket upgrades (sync) can be served on the same port; only while started. */
  get server(): Server {
    const server = this.#server;
    // An HTTPS server is an HTTP server as far as requests and upgrades go.
    if (!(server instanceof Server || server instanceof HttpsServer) || this.#url === undefined) {
      throw new Error('HttpService: not listening (call start() first)');
    }
    return server;
  }

  start(): Promise<void> {
    // Starting while a stop is in progress means "restart": wait for the old server to be gone first.
    if (this.#stopping) return this.#stopping.then(() => this.start());
    this.#starting ??= this.#listen().catch((error: unknown) => {
      // A failed start leaves nothing behind, so a later start() may try again.
      this.#starting = undefined;
      throw error;
    });
    return this.#starting;
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#close().finally(() => {
      this.#stopping = undefined;
    });
    return this.#stopping;
  }

  async #listen(): Promise<void> {
    const { app, host, port, tls } = this.#options;
    await new Promise<void>((resolve, reject) => {
      // No client of an appliance or the hub needs minutes to send a request; short limits blunt slowloris.
      const limits = { headersTimeout: 15_000, requestTimeout: 30_000 };
      const server = serve({
        fetch: (request) => app.fetch(request),
        hostname: host,
        port,
        ...(tls === undefined
          ? { serverOptions: limits }
          : { createServer: createHttpsServer, serverOptions: { ...limits, key: tls.key, cert: tls.cert } }),
      });
      this.#server = server;
      const onError = (error: Error): void => {
        this.#server = undefined;
        reject(error);
      };
      server.once('error', onError);
      server.once('listening', () => {
        server.off('error', onError);
        this.#url = formatUrl({ address: server.address() as AddressInfo, secure: tls !== undefined });
        resolve();
      });
    });
  }

  async #close(): Promise<void> {
    try {
      await this.#starting;
    } catch {
      return; // never started, so nothing to close
    }
    const server = this.#server;
    this.#server = undefined;
    this.#url = undefined;
    this.#starting = undefined;
    if (server === undefined) return;
    const graceMs = this.#options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
    await new Promise<void>((resolve, reject) => {
      // close() stops accepting and drops idle keep-alive connections; busy ones get a grace period.
      const timer = setTimeout(() => {
        if (server instanceof Server || server instanceof HttpsServer) server.closeAllConnections();
      }, graceMs);
      server.close((error) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      });
      if (server instanceof Server || server instanceof HttpsServer) server.closeIdleConnections();
    });
  }
}

/** A URL a client can use: wildcard binds are reached through loopback, and IPv6 needs brackets. */
function formatUrl(options: { address: AddressInfo; secure: boolean }): string {
  const { address } = options;
  const host =
    address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
  return `${options.secure ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}
