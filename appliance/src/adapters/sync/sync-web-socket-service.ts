import type { Server } from 'node:http';
import type { SyncServer } from '@jiazheng/sync/relay';
import { attachSyncWebSocket, type SyncWebSocketHost } from '@jiazheng/sync/relay/ws-host';
import type { SyncPeer } from '@jiazheng/sync/replica';
import type { Logger } from '../../ports/logger';
import type { Service } from '../../ports/service';

export type SyncWebSocketServiceOptions = {
  http: { readonly server: Server };
  syncServer: SyncServer<SyncPeer>;
  authenticate: (token: string) => Promise<SyncPeer | null>;
  logger: Logger;
};

/**
 * Serves the county's PWAs the relay's WebSocket endpoints (`/sync`, `/yjs/<recordId>`) on the HTTP
 * service's port. Start it after the HTTP service and stop it before: stopping closes every sync
 * connection (1001), which the HTTP server's close would otherwise wait for.
 */
export class SyncWebSocketService implements Service {
  readonly #options: SyncWebSocketServiceOptions;
  #host: SyncWebSocketHost<SyncPeer> | null = null;

  constructor(options: SyncWebSocketServiceOptions) {
    this.#options = options;
  }

  start(): Promise<void> {
    if (this.#host) return Promise.resolve();
    const { http, syncServer, authenticate, logger } = this.#options;
    this.#host = attachSyncWebSocket({ server: http.server, syncServer, authenticate, logger });
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    const host = this.#host;
    this.#host = null;
    await host?.stop();
  }
}
