import { createId, findCatalogueItemFacts } from '@jiazheng/sync/domain';
import { HttpService, type DeviceKey } from '@jiazheng/sync/node';
import {
  createDeviceToken,
  exportPublicKey,
  generateDeviceKeys,
  loadRecordDoc,
  proposeCommand,
  sequenceRecord,
} from '@jiazheng/sync/records';
import { SyncClient, type WebSocketLike } from '@jiazheng/sync/relay';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import type { Hono } from 'hono';
import { WebSocket } from 'ws';
import type { ApplianceSync } from './appliance-sync';
import { SyncWebSocketService } from './sync-web-socket-service';

/*
 * What the appliance's sync tests share: device keys, the directory as the hub makes it, a hub that is
 * never reachable, and a PWA syncing with the appliance's relay over a real WebSocket, as a browser does.
 */

export const quiet = { info: (): void => undefined, error: (): void => undefined };

export async function makeKey(deviceId: string): Promise<DeviceKey> {
  const keys = await generateDeviceKeys({ extractable: false });
  return { deviceId, publicKey: await exportPublicKey({ key: keys.publicKey }), privateKey: keys.privateKey };
}

export type DirectoryPerson = {
  key: DeviceKey;
  userId: string;
  role: string;
  countyCode: string | null;
  kind: string;
};

/**
 * A directory record as the hub would make it (its own key trusted), listing the given users' devices,
 * accepted. `at` is the first proposal's time (default now): a test on a fixed clock keeps it before.
 */
export async function directoryOf(options: {
  hub: DeviceKey;
  people: readonly DirectoryPerson[];
  at?: number;
}): Promise<{ directoryId: string; updates: Uint8Array[] }> {
  const directoryId = `directory:hub:${createId()}`;
  const doc = loadRecordDoc({ recordId: directoryId, update: null });
  const actor = { userId: 'hub', role: 'system' };
  const updates: Uint8Array[] = [];
  let at = options.at ?? Date.now();
  const propose = async (type: string, payload: unknown) => {
    const { update } = await proposeCommand({
      doc,
      recordId: directoryId,
      device: options.hub,
      actor,
      type,
      payload,
      at: at++,
    });
    updates.push(update);
  };
  await propose('createDirectory', { directoryId });
  for (const p of options.people) {
    await propose('registerUser', {
      userId: p.userId,
      name: p.userId,
      role: p.role,
      countyCode: p.countyCode,
    });
    await propose('enrolDevice', {
      deviceId: p.key.deviceId,
      kind: p.kind,
      publicKey: p.key.publicKey,
      userId: p.userId,
    });
  }
  const { update } = await sequenceRecord({
    doc,
    recordId: directoryId,
    directory: null,
    registry: {
      findItem: findCatalogueItemFacts,
      findEnterprise: () => undefined,
      findWorker: () => undefined,
    },
    trusted: [
      {
        deviceId: options.hub.deviceId,
        publicKey: options.hub.publicKey,
        userId: 'hub',
        role: 'system',
        countyCode: null,
      },
    ],
  });
  updates.push(update);
  doc.destroy();
  return { directoryId, updates };
}

/** A WebSocket that never connects: the hub is unreachable. */
export class UnreachableSocket implements WebSocketLike {
  binaryType = 'arraybuffer';
  readonly readyState = 0;
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  send(): void {}
  close(code = 1000, reason = ''): void {
    this.onclose?.({ code, reason });
  }
}

export async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The appliance's HTTP app on a free port with the relay's WebSocket beside it (`/sync`), as main.ts
 * serves them; `stop` closes the sockets before the server.
 */
export async function serveWithRelay(options: {
  app: Hono;
  sync: ApplianceSync;
}): Promise<{ url: string; stop: () => Promise<void> }> {
  const http = new HttpService({ app: options.app, host: '127.0.0.1', port: 0 });
  await http.start();
  const webSocket = new SyncWebSocketService({
    http,
    syncServer: options.sync.server,
    authenticate: (deviceToken) => options.sync.authenticate(deviceToken),
    logger: quiet,
  });
  await webSocket.start();
  return {
    url: http.url,
    stop: async () => {
      await webSocket.stop();
      await http.stop();
    },
  };
}

/**
 * A PWA's replica: its own store, synced with the appliance's relay by the stock SyncClient over a real
 * WebSocket, authenticated by a device token its key signs (at `now`, the appliance's clock).
 */
export function connectPwa(options: { url: string; device: DeviceKey; now: () => number }): {
  store: MemoryRecordStore;
  client: SyncClient;
  stop: () => Promise<void>;
} {
  const { device } = options;
  const store = new MemoryRecordStore();
  const client = new SyncClient({ store, clientId: device.deviceId, cursorKey: 'cursor:appliance' });
  const connector = client.connectWebSocket({
    url: async () => {
      const token = await createDeviceToken({ device, now: options.now() });
      return `${options.url.replace(/^http/, 'ws')}/sync?token=${encodeURIComponent(token)}`;
    },
    WebSocketImpl: WebSocket,
    minDelayMs: 50,
    maxDelayMs: 200,
  });
  connector.start();
  return { store, client, stop: () => connector.stop() };
}
