import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { applianceUserId, type DirectoryState } from '@jiazheng/sync/domain';
import { RECORDING_RELAY_PATH, recordingRelayLimits } from '@jiazheng/sync/protocol';
import { verifyDeviceToken } from '@jiazheng/sync/records';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../ports/logger';
import type { Service } from '../../ports/service';
import type { RecordingRelayHub, RelayPeer } from './recording-relay-hub';
import { claimUpgrade, refuseUnclaimedUpgrade, refuseUpgrade } from '@jiazheng/sync/relay/ws-host';

/**
 * The appliance a device token stands for, as `/sync` checks it (enrolled, not revoked, fresh, signed), and
 * further: only a device of kind `appliance` whose user is its county's system user may carry the county's
 * recordings. A PWA, a hub or an appliance of no county is refused.
 */
export async function authenticateRelayAppliance(options: {
  token: string;
  directory: DirectoryState | null;
  now: number;
}): Promise<{ ok: true; peer: RelayPeer } | { ok: false; reason: string }> {
  const verified = await verifyDeviceToken(options);
  if (!verified.ok) return verified;
  const { identity } = verified;
  if (identity.kind !== 'appliance' || identity.countyCode === null) {
    return { ok: false, reason: `${identity.deviceId} is a ${identity.kind}, not a county appliance` };
  }
  if (identity.userId !== applianceUserId({ countyCode: identity.countyCode })) {
    return {
      ok: false,
      reason: `${identity.deviceId} does not belong to the appliance user of ${identity.countyCode}`,
    };
  }
  return { ok: true, peer: { deviceId: identity.deviceId, countyCode: identity.countyCode } };
}

export type RecordingRelayWebSocketServiceOptions = {
  http: { readonly server: Server };
  relay: RecordingRelayHub;
  authenticate: (token: string) => Promise<{ ok: true; peer: RelayPeer } | { ok: false; reason: string }>;
  logger: Logger;
  /** Dead appliances are found by ping/pong at this interval (default 30 s; 0 disables). */
  pingIntervalMs?: number;
};

/**
 * Serves `RECORDING_RELAY_PATH?token=…` on the HTTP service's port, next to `/sync` (other paths are left
 * to the other upgrade listeners). Start it after the HTTP service and stop it before.
 */
export class RecordingRelayWebSocketService implements Service {
  readonly #options: RecordingRelayWebSocketServiceOptions;
  #wss: WebSocketServer | null = null;
  #onUpgrade: ((request: IncomingMessage, socket: Duplex, head: Buffer) => void) | null = null;
  #pinger: ReturnType<typeof setInterval> | null = null;

  constructor(options: RecordingRelayWebSocketServiceOptions) {
    this.#options = options;
  }

  start(): Promise<void> {
    if (this.#wss) return Promise.resolve();
    const { http, relay, authenticate, logger } = this.#options;
    // ws closes the socket (1009) on anything larger than a frame may be.
    const wss = new WebSocketServer({ noServer: true, maxPayload: recordingRelayLimits.maxFrameBytes });
    this.#wss = wss;
    const alive = new WeakMap<WebSocket, boolean>();

    const upgrade = async (request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
      const url = new URL(request.url ?? '/', 'http://relay.invalid');
      if (url.pathname !== RECORDING_RELAY_PATH) {
        refuseUnclaimedUpgrade({ request, socket });
        return;
      }
      claimUpgrade({ request });
      // The appliance may hang up while we authenticate; an unhandled socket error would crash the hub.
      socket.on('error', (error) => logger.info('recordings: socket error during upgrade', error));
      const result = await authenticate(url.searchParams.get('token') ?? '');
      if (!result.ok) {
        logger.info(`recordings: refused a relay connection: ${result.reason}`);
        refuseUpgrade({ socket, status: 401, text: 'Unauthorized' });
        return;
      }
      if (socket.destroyed || this.#wss !== wss) {
        socket.destroy();
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => {
        alive.set(ws, true);
        ws.on('pong', () => alive.set(ws, true));
        relay.serve({ socket: ws, peer: result.peer });
      });
    };
    this.#onUpgrade = (request, socket, head) => {
      upgrade(request, socket, head).catch((error: unknown) => {
        logger.error('recordings: relay upgrade failed', error);
        refuseUpgrade({ socket, status: 500, text: 'Internal Server Error' });
      });
    };
    http.server.on('upgrade', this.#onUpgrade);

    const pingIntervalMs = this.#options.pingIntervalMs ?? 30_000;
    if (pingIntervalMs > 0) {
      this.#pinger = setInterval(() => {
        for (const ws of wss.clients) {
          if (alive.get(ws) === false) {
            ws.terminate();
            continue;
          }
          alive.set(ws, false);
          ws.ping();
        }
      }, pingIntervalMs);
      this.#pinger.unref();
    }
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    const wss = this.#wss;
    this.#wss = null;
    if (wss === null) return;
    if (this.#pinger !== null) clearInterval(this.#pinger);
    this.#pinger = null;
    if (this.#onUpgrade !== null) this.#options.http.server.off('upgrade', this.#onUpgrade);
    this.#onUpgrade = null;
    this.#options.relay.closeAll();
    await Promise.all(
      [...wss.clients].map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === ws.CLOSED) {
              resolve();
              return;
            }
            const timer = setTimeout(() => {
              ws.terminate();
              resolve();
            }, 1000);
            ws.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
          }),
      ),
    );
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }
}
