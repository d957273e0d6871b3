import type { TrustedSigner } from '../../src/records/home-sequencer';
import type { SyncPeer } from '../../src/replica/sync-peer';

/** How the bench configures a hub process (hub-process.ts). */
export type HubConfig = {
  store: 'memory' | 'pglite';
  dataDir?: string;
  /** `replica`: the product's createReplicaPolicy; `replica-without-check`: the same with checkWrite always ok. */
  policy: 'replica' | 'replica-without-check';
  /** A records file (records-file.ts) appended to the store before the hub listens. */
  seedFile?: string;
  tokens: Record<string, SyncPeer>;
  hubSigner: TrustedSigner;
  directoryId: string;
  serverId: string;
};

export type HubRequest = { id: number; op: 'usage' | 'idle' | 'seq' | 'stop' };
export type HubReply = { id: number; result?: unknown; error?: string };

export type HubUsage = {
  cpuUserUs: number;
  cpuSystemUs: number;
  heapUsed: number;
  /** Bytes on the hub's TCP sockets (HTTP upgrades and WebSocket frames, headers included). */
  tcpRead: number;
  tcpWritten: number;
  /** Bulk-protocol frame payloads (SyncServer.stats()). */
  frameBytesReceived: number;
  frameBytesSent: number;
  refused: number;
  errors: number;
};
