import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { frameLimits } from '../protocol/frames';
import type { Peer } from './record-policy';
import { silentLogger, type SyncLogger } from './sync-logger';
import type { SyncConnection, SyncServer } from './sync-server';
import { YjsRooms } from './yjs-room';

/**
 * Who is connecting: the token from the URL's `token` parameter, and for a y-websocket connection the
 * record it opens. Null refuses the upgrade with HTTP 401.
 */
export type Authenticate<P extends Peer> = (token: string, recordId?: string) => Promise<P | null>;

export type SyncWebSocketHost<P extends Peer> = {
  /** The y-websocket rooms served at `/yjs/<recordId>`. */
  readonly rooms: YjsRooms<P>;
  /** Stops accepting upgrades and closes every connection (1001). */
  stop(): Promise<void>;
};

/**
 * Serves the relay on an HTTP server's WebSocket upgrades (Node only):
 * - `/sync?token=…`: the bulk protocol (PROTOCOL.md), many records per connection;
 * - `/yjs/<recordId>?token=…`: the standard y-websocket protocol for one record (stock WebsocketProvider
 *   with `serverUrl = ws://host/yjs` and `roomname = recordId`).
 * Other paths are left to other upgrade listeners (or refused with 404 if there are none).
 *
 * `maxPayload` (default twice the 4 MiB frame limit) is where `ws` itself closes the socket (1009);
 * frames between the frame limit and it get ERROR too_large from the relay first.
 */
export function attachSyncWebSocket<P extends Peer>(options: {
  server: Server;
  syncServer: SyncServer<P>;
  authenticate: Authenticate<P>;
  logger?: SyncLogger;
  maxPayload?: number;
  /** Dead sockets are found by ping/pong at this interval (default 30 s; 0 disables). */
  pingIntervalMs?: number;
  syncPath?: string;
  yjsPath?: string;
}): SyncWebSocketHost<P> {
  const { server, syncServer, authenticate } = options;
  const logger = options.logger ?? silentLogger;
  const syncPath = options.syncPath ?? '/sync';
  const yjsPath = options.yjsPath ?? '/yjs';
  const rooms = new YjsRooms<P>({ server: syncServer, logger });
  rooms.start();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayload ?? 2 * frameLimits.maxFrameBytes,
  });
  const alive = new WeakMap<WebSocket, boolean>();
  let stopped = false;

  const serve = (ws: WebSocket, connection: SyncConnection): void => {
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    ws.on('message', (data: RawData) => {
      connection
        .receive(toBytes(data))
        .catch((error: unknown) => logger.error('sync: receive failed', error));
    });
    ws.on('close', () => connection.disconnected());
    ws.on('error', (error) => logger.info('sync: WebSocket error', error));
  };

  const transportOf = (ws: WebSocket) => ({
    send: (bytes: Uint8Array) => {
      if (ws.readyState === ws.OPEN) ws.send(bytes);
    },
    close: ({ code, reason }: { code: number; reason: string }) => ws.close(code, reason),
  });

  const upgrade = async (request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://relay.invalid');
    let recordId: string | undefined;
    if (url.pathname === syncPath) {
      recordId = undefined;
    } else if (url.pathname.startsWith(`${yjsPath}/`)) {
      try {
        recordId = decodeURIComponent(url.pathname.slice(yjsPath.length + 1));
      } catch {
        refuse(socket, 400, 'Bad Request');
        return;
      }
    } else {
      refuseUnclaimedUpgrade({ request, socket });
      return;
    }
    claimUpgrade({ request });
    if (stopped) {
      refuse(socket, 503, 'Service Unavailable');
      return;
    }
    // The client may hang up while we authenticate; an unhandled socket error would crash the process.
    socket.on('error', (error) => logger.info('sync: socket error during upgrade', error));
    let peer: P | null;
    try {
      peer = await authenticate(url.searchParams.get('token') ?? '', recordId);
    } catch (error) {
      logger.error('sync: authenticate failed', error);
      refuse(socket, 500, 'Internal Server Error');
      return;
    }
    if (peer === null) {
      refuse(socket, 401, 'Unauthorized');
      return;
    }
    if (socket.destroyed) return;
    const authenticated = peer;
    wss.handleUpgrade(request, socket, head, (ws) => {
      const transport = transportOf(ws);
      const connection =
        recordId === undefined
          ? syncServer.connect({ peer: authenticated, ...transport })
          : rooms.connect({ peer: authenticated, recordId, ...transport });
      serve(ws, connection);
    });
  };

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    upgrade(request, socket, head).catch((error: unknown) => {
      logger.error('sync: upgrade failed', error);
      socket.destroy();
    });
  };
  server.on('upgrade', onUpgrade);

  const pingIntervalMs = options.pingIntervalMs ?? 30_000;
  const pinger =
    pingIntervalMs > 0
      ? setInterval(() => {
          for (const ws of wss.clients) {
            if (alive.get(ws) === false) {
              ws.terminate();
              continue;
            }
            alive.set(ws, false);
            ws.ping();
          }
        }, pingIntervalMs)
      : null;
  pinger?.unref();

  return {
    rooms,
    stop: async () => {
      stopped = true;
      if (pinger) clearInterval(pinger);
      server.off('upgrade', onUpgrade);
      rooms.stop();
      const closing = [...wss.clients].map(
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
            ws.close(1001, 'relay stopping');
          }),
      );
      await Promise.all(closing);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/**
 * Several services share one HTTP server's upgrades (the sync relay, the hub's recording relay), each
 * handling its own paths. A listener that recognises the path claims the request at once (before any
 * await: listeners run in turn, synchronously); one that does not asks for the request to be refused,
 * which happens after every listener has had its turn, only if none claimed it. So an unknown path gets
 * a 404 whatever the number of listeners, and a known one is never refused by the others.
 */
// Every upgrade listener on a server the relay is attached to must claim its own paths, or the relay
// answers them 404.
const claimedUpgrades = new WeakSet<IncomingMessage>();

export function claimUpgrade(options: { request: IncomingMessage }): void {
  claimedUpgrades.add(options.request);
}

export function refuseUnclaimedUpgrade(options: { request: IncomingMessage; socket: Duplex }): void {
  setImmediate(() => {
    if (claimedUpgrades.has(options.request)) return;
    // Every listener that did not know the path asked; the first to get here answers for them all.
    claimedUpgrades.add(options.request);
    refuse(options.socket, 404, 'Not Found');
  });
}

/** Answers an upgrade request with a plain HTTP error (for the other services sharing the server). */
export function refuseUpgrade(options: { socket: Duplex; status: number; text: string }): void {
  refuse(options.socket, options.status, options.text);
}

/** Answers the upgrade request with a plain HTTP error, then destroys the socket once it is flushed. */
function refuse(socket: Duplex, status: number, text: string): void {
  if (socket.destroyed || socket.writableEnded) return;
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
