import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { MemoryRecordStore } from '../../src/adapters/storage/memory-record-store';
import { SyncClient } from '../../src/relay/sync-client';
import { SyncServer } from '../../src/relay/sync-server';
import type { WebSocketConnector } from '../../src/relay/websocket-connector';
import { attachSyncWebSocket } from '../../src/relay/ws-host';
import { HomeService, type RegistrySource } from '../../src/replica/home-service';
import { createReplicaPolicy } from '../../src/replica/replica-policy';
import type { ReplicaSelf, SyncPeer } from '../../src/replica/sync-peer';
import { directoryId, type BenchDevice, type World } from './fixture';
import { countSocketBytes, type SocketBytes } from './sockets';

/**
 * A replica that serves others, wired as the product wires one (sim-world.ts does the same in memory):
 * a store, a SyncServer with the replica policy, its HomeService, a WebSocket host on 127.0.0.1, and
 * optionally a SyncClient to the relay above it that carries on every write (the `forward` hook).
 */
export type RelayNode = {
  store: MemoryRecordStore;
  server: SyncServer<SyncPeer>;
  home: HomeService;
  port: number;
  tcp: () => SocketBytes;
  upstream: SyncClient | null;
  idle(): Promise<void>;
  stop(): Promise<void>;
};

export async function startRelayNode(options: {
  world: World;
  self: ReplicaSelf;
  device: BenchDevice;
  registry?: RegistrySource;
  tokens: Record<string, SyncPeer>;
  upstream?: { url: string };
}): Promise<RelayNode> {
  const { world, self, device } = options;
  const store = await MemoryRecordStore.open();
  await store.appendUpdate({ recordId: directoryId, update: world.directoryUpdate });
  const upstream = options.upstream
    ? new SyncClient({ store, clientId: device.deviceId, cursorKey: 'sync:up', livePullDelayMs: 0 })
    : null;
  let server: SyncServer<SyncPeer> | null = null;
  const home = new HomeService({
    store,
    directoryId,
    selfDeviceId: device.deviceId,
    trusted: self.kind === 'hub' ? [world.hubSigner] : [],
    ...(options.registry ? { registry: options.registry } : {}),
    publish: async (published) => {
      await server?.publish(published);
      upstream?.notifyLocalChange({ recordId: published.recordId });
    },
  });
  server = new SyncServer<SyncPeer>({
    store,
    serverId: device.deviceId,
    policy: createReplicaPolicy({
      self,
      sequence: ({ recordId }) => home.sequence({ recordId }),
      forward: ({ recordId }) => upstream?.notifyLocalChange({ recordId }),
    }),
  });
  const syncServer = server;
  const httpServer = http.createServer((_request, response) => response.writeHead(404).end());
  const tcp = countSocketBytes(httpServer);
  const host = attachSyncWebSocket({
    server: httpServer,
    syncServer,
    authenticate: (token) => Promise.resolve(options.tokens[token] ?? null),
    pingIntervalMs: 0,
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  let connector: WebSocketConnector | null = null;
  if (upstream && options.upstream) {
    connector = upstream.connectWebSocket({ url: options.upstream.url, WebSocketImpl: WebSocket });
    connector.start();
    await upstream.idle();
  }
  return {
    store,
    server: syncServer,
    home,
    port: (httpServer.address() as AddressInfo).port,
    tcp,
    upstream,
    idle: async () => {
      await syncServer.idle();
      await home.idle();
      await syncServer.idle();
      await upstream?.idle();
    },
    stop: async () => {
      await connector?.stop();
      await host.stop();
      await syncServer.stop();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

/** A replica at the edge (a PWA, or an appliance seen from the hub): a store and a SyncClient. */
export async function startClient(options: {
  world: World;
  device: BenchDevice;
  url: string;
  onRecordChange?: (event: { recordId: string }) => void;
}): Promise<{ store: MemoryRecordStore; client: SyncClient; stop(): Promise<void> }> {
  const store = await MemoryRecordStore.open();
  await store.appendUpdate({ recordId: directoryId, update: options.world.directoryUpdate });
  const client = new SyncClient({
    store,
    clientId: options.device.deviceId,
    cursorKey: 'sync:up',
    livePullDelayMs: 0,
    ...(options.onRecordChange ? { onRecordChange: options.onRecordChange } : {}),
  });
  const connector = client.connectWebSocket({ url: options.url, WebSocketImpl: WebSocket });
  connector.start();
  await client.idle();
  return { store, client, stop: () => connector.stop() };
}
