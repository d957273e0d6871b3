import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { MemoryRecordStore } from '../adapters/storage/memory-record-store';
import { FrameCodec, PROTOCOL_VERSION, frameLimits, type Frame } from '../protocol/frames';
import { SyncClient } from './sync-client';
import { SyncServer } from './sync-server';
import {
  TestPolicy,
  contentOf,
  county,
  editRecord,
  recordIdOf,
  setField,
  type TestPeer,
} from './test-support';
import { attachSyncWebSocket, claimUpgrade, refuseUnclaimedUpgrade } from './ws-host';

const order = recordIdOf({ n: 1 });
const tokens = new Map<string, TestPeer>([
  ['county-token', county('330106')],
  ['viewer-token', { ...county('330106'), id: 'viewer', readOnly: true }],
]);

/** The `ws` class where y-websocket expects the DOM WebSocket (Node 20 has no global one). */
const WebSocketPolyfill = WebSocket as unknown as typeof globalThis.WebSocket;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startRelay(): Promise<{
  port: number;
  store: MemoryRecordStore;
  server: SyncServer<TestPeer>;
  httpServer: http.Server;
}> {
  const store = await MemoryRecordStore.open();
  const server = new SyncServer<TestPeer>({ store, policy: new TestPolicy(), serverId: 'hub-ws' });
  const httpServer = http.createServer((_request, response) => response.writeHead(404).end());
  const host = attachSyncWebSocket({
    server: httpServer,
    syncServer: server,
    authenticate: (token) => Promise.resolve(tokens.get(token) ?? null),
    pingIntervalMs: 0,
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    await host.stop();
    await server.stop();
    await new Promise<void>((resolve) => httpServer.close(() => resolve()));
  });
  return { port: (httpServer.address() as AddressInfo).port, store, server, httpServer };
}

function openProvider(options: {
  port: number;
  recordId: string;
  token: string;
  doc?: Y.Doc;
}): WebsocketProvider {
  const provider = new WebsocketProvider(
    `ws://127.0.0.1:${options.port}/yjs`,
    options.recordId,
    options.doc ?? new Y.Doc(),
    {
      WebSocketPolyfill,
      params: { token: options.token },
      disableBc: true, // two providers in one process would otherwise sync through BroadcastChannel
    },
  );
  cleanups.push(() => provider.destroy());
  return provider;
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('attachSyncWebSocket', () => {
  it('lets the stock y-websocket client open a record written in bulk, and carries its edits back', async () => {
    const { port } = await startRelay();
    const replicaStore = await MemoryRecordStore.open();
    const client = new SyncClient({
      store: replicaStore,
      clientId: 'appliance-330106',
      cursorKey: 'sync:hub',
    });
    const connector = client.connectWebSocket({
      url: `ws://127.0.0.1:${port}/sync?token=county-token`,
      WebSocketImpl: WebSocket,
    });
    connector.start();
    cleanups.push(() => connector.stop());
    await client.idle();
    await editRecord({ store: replicaStore, recordId: order, change: setField('status', 'new') });
    client.notifyLocalChange({ recordId: order });
    await client.idle();

    const doc = new Y.Doc();
    const provider = openProvider({ port, recordId: order, token: 'county-token', doc });
    await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
    expect(doc.getMap('fields').toJSON()).toEqual({ status: 'new' });

    doc.getMap('fields').set('note', 'from y-websocket');
    await waitFor(
      async () =>
        JSON.stringify(await contentOf({ store: replicaStore, recordId: order })).includes(
          'from y-websocket',
        ),
      'the edit to reach the SyncClient',
    );

    await editRecord({ store: replicaStore, recordId: order, change: setField('status', 'served') });
    client.notifyLocalChange({ recordId: order });
    await waitFor(() => doc.getMap('fields').get('status') === 'served', 'the bulk edit to reach the room');
  });

  it('relays edits and awareness between two y-websocket clients of one room', async () => {
    const { port, store } = await startRelay();
    const docA = new Y.Doc();
    const docB = new Y.Doc();
    const a = openProvider({ port, recordId: order, token: 'county-token', doc: docA });
    const b = openProvider({ port, recordId: order, token: 'county-token', doc: docB });
    await Promise.all([a, b].map((p) => new Promise<void>((resolve) => p.once('sync', () => resolve()))));
    a.awareness.setLocalStateField('user', { name: '坐席 1' });
    docA.getMap('fields').set('status', 'new');
    await waitFor(() => docB.getMap('fields').get('status') === 'new', 'the edit to reach b');
    await waitFor(() => b.awareness.getStates().get(docA.clientID)?.user !== undefined, 'a’s awareness at b');
    expect(await contentOf({ store, recordId: order })).toEqual({ fields: { status: 'new' }, log: [] });
    a.destroy();
    await waitFor(
      () => !b.awareness.getStates().has(docA.clientID),
      'a’s awareness to be removed when it leaves',
    );
  });

  it('shares the server’s upgrades with another service: its path is left to it, an unknown one gets 404', async () => {
    const { port, httpServer } = await startRelay();
    // Another service on the same server (the hub's recording relay), answering its own path.
    httpServer.on('upgrade', (request: http.IncomingMessage, socket: Duplex) => {
      if (request.url?.startsWith('/other') === true) {
        claimUpgrade({ request });
        socket.end('HTTP/1.1 418 I am a teapot\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      refuseUnclaimedUpgrade({ request, socket });
    });
    const upgradeStatus = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const request = http.request({
          port,
          host: '127.0.0.1',
          path,
          headers: { connection: 'Upgrade', upgrade: 'websocket' },
        });
        request.on('response', (response) => resolve(response.statusCode ?? 0));
        request.on('upgrade', () => reject(new Error(`${path} was upgraded`)));
        request.on('error', reject);
        request.setTimeout(5_000, () => reject(new Error(`${path}: no answer`)));
        request.end();
      });
    expect(await upgradeStatus('/other')).toBe(418);
    expect(await upgradeStatus('/nowhere')).toBe(404);
    expect(await upgradeStatus('/sync?token=nobody')).toBe(401);
  });

  it('refuses a bad token with HTTP 401, on both paths', async () => {
    const { port } = await startRelay();
    for (const path of ['/sync?token=nope', `/yjs/${order}?token=nope`, `/yjs/${order}`]) {
      const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`);
      const status = await new Promise<number | undefined>((resolve) => {
        socket.on('unexpected-response', (_request, response) => resolve(response.statusCode));
        socket.on('open', () => resolve(undefined));
        socket.on('error', () => {});
      });
      expect(status).toBe(401);
      socket.terminate();
    }
    const provider = openProvider({ port, recordId: order, token: 'nope' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(provider.wsconnected).toBe(false);
  });

  it('closes a y-websocket client with 4403 when its write is refused, and one that may not read the record', async () => {
    const { port, store } = await startRelay();
    const doc = new Y.Doc();
    const viewer = openProvider({ port, recordId: order, token: 'viewer-token', doc });
    await new Promise<void>((resolve) => viewer.once('sync', () => resolve()));
    const closed = new Promise<number>((resolve) => viewer.once('closed', (event) => resolve(event.code)));
    doc.getMap('fields').set('status', 'hacked');
    expect(await closed).toBe(4403);
    expect(await store.readRecord({ recordId: order })).toBeNull();

    const foreign = openProvider({
      port,
      recordId: recordIdOf({ n: 1, scope: '330108' }),
      token: 'county-token',
    });
    expect(
      await new Promise<number>((resolve) => foreign.once('closed', (event) => resolve(event.code))),
    ).toBe(4403);
  });

  it('answers an oversized bulk frame with ERROR too_large, then closes', async () => {
    const { port } = await startRelay();
    const socket = new WebSocket(`ws://127.0.0.1:${port}/sync?token=county-token`);
    cleanups.push(() => socket.terminate());
    const codec = new FrameCodec();
    const frames: Frame[] = [];
    socket.on('message', (data: Buffer) => frames.push(codec.decode(new Uint8Array(data))));
    const closedWith = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(codec.encode({ type: 'hello', version: PROTOCOL_VERSION, peerId: 'raw', cursor: 0 }));
    socket.send(new Uint8Array(frameLimits.maxFrameBytes + 10));
    expect(await closedWith).toBe(1009);
    expect(frames.map((f) => (f.type === 'error' ? f.code : f.type))).toEqual([
      'welcome',
      'changes',
      'too_large',
    ]);
  });
});
