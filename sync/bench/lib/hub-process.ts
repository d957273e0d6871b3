// A hub in its own process, so its CPU time is its own: `process.cpuUsage()` here counts the relay,
// its store and its WebSocket server, nothing of the replicas the bench runs in the parent process.
// Started by HubProcess (hub-handle.ts) with `--import tsx`; configured by the HUB_CONFIG environment
// variable; answers requests over the IPC channel.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryRecordStore } from '../../src/adapters/storage/memory-record-store';
import { PgliteRecordStore } from '../../src/adapters/storage/pglite-record-store';
import type { RecordStore } from '../../src/ports/record-store';
import { totalOf } from '../../src/relay/frame-stats';
import type { RecordPolicy } from '../../src/relay/record-policy';
import type { SyncLogger } from '../../src/relay/sync-logger';
import { SyncServer } from '../../src/relay/sync-server';
import { attachSyncWebSocket } from '../../src/relay/ws-host';
import { HomeService } from '../../src/replica/home-service';
import { createReplicaPolicy } from '../../src/replica/replica-policy';
import type { SyncPeer } from '../../src/replica/sync-peer';
import type { HubConfig, HubReply, HubRequest, HubUsage } from './hub-protocol';
import { readRecordsFile } from './records-file';
import { countSocketBytes } from './sockets';

const config = JSON.parse(process.env.HUB_CONFIG ?? '{}') as HubConfig;

let refused = 0;
let errors = 0;
const logger: SyncLogger = {
  info: (message) => {
    if (message.includes('refused a write')) refused += 1;
  },
  error: (message, ...details) => {
    errors += 1;
    console.error(`hub: ${message}`, ...details);
  },
};

const store: RecordStore =
  config.store === 'pglite'
    ? await PgliteRecordStore.open({ dataDir: config.dataDir ?? '' })
    : await MemoryRecordStore.open();
if (config.seedFile) {
  for (const { recordId, update } of readRecordsFile({ path: config.seedFile }))
    await store.appendUpdate({ recordId, update });
}

let server: SyncServer<SyncPeer> | null = null;
const home = new HomeService({
  store,
  directoryId: config.directoryId,
  selfDeviceId: config.hubSigner.deviceId,
  trusted: [config.hubSigner],
  publish: (options) => (server ? server.publish(options) : Promise.resolve()),
});
const replicaPolicy = createReplicaPolicy({
  self: { kind: 'hub' },
  sequence: ({ recordId }) => home.sequence({ recordId }),
});
const policy: RecordPolicy<SyncPeer> =
  config.policy === 'replica' ? replicaPolicy : { ...replicaPolicy, checkWrite: () => ({ ok: true }) };
server = new SyncServer<SyncPeer>({ store, policy, serverId: config.serverId, logger });
const syncServer = server;

const httpServer = http.createServer((_request, response) => response.writeHead(404).end());
const socketBytes = countSocketBytes(httpServer);
const host = attachSyncWebSocket({
  server: httpServer,
  syncServer,
  authenticate: (token) => Promise.resolve(config.tokens[token] ?? null),
  logger,
  pingIntervalMs: 0,
});
await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));

function usage(): HubUsage {
  const tcp = socketBytes();
  const cpu = process.cpuUsage();
  const stats = syncServer.stats();
  return {
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    heapUsed: process.memoryUsage().heapUsed,
    tcpRead: tcp.read,
    tcpWritten: tcp.written,
    frameBytesReceived: totalOf(stats.received).bytes,
    frameBytesSent: totalOf(stats.sent).bytes,
    refused,
    errors,
  };
}

async function handle(request: HubRequest): Promise<unknown> {
  switch (request.op) {
    case 'usage':
      return usage();
    case 'idle':
      await syncServer.idle();
      await home.idle();
      await syncServer.idle();
      return null;
    case 'seq':
      return store.currentSeq();
    case 'stop':
      await host.stop();
      await syncServer.stop();
      await store.close();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      return null;
  }
}

process.on('message', (message: HubRequest) => {
  handle(message).then(
    (result) => {
      const reply: HubReply = { id: message.id, result };
      process.send?.(reply);
      if (message.op === 'stop') process.disconnect();
    },
    (error: unknown) => {
      const reply: HubReply = { id: message.id, error: String(error) };
      process.send?.(reply);
    },
  );
});

const ready: HubReply = { id: 0, result: { port: (httpServer.address() as AddressInfo).port } };
process.send?.(ready);
