// Target 1: bytes on the wire per new order, per signed lifecycle change, per free-field change.
import * as encoding from 'lib0/encoding';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { MemoryRecordStore } from '../../src/adapters/storage/memory-record-store';
import { createId } from '../../src/domain';
import { proposeCommand } from '../../src/records/propose';
import { captureUpdate, fieldsOf, loadRecordDoc, logOf } from '../../src/records/record-doc';
import { readRecordSnapshot } from '../../src/records/record-state';
import { totalOf } from '../../src/relay/frame-stats';
import type { SyncClient } from '../../src/relay/sync-client';
import { proposeToStore, setFieldInStore } from '../../src/replica/local-writes';
import { countyA, lifecycleSteps, receivePayload, type World } from '../lib/fixture';
import { startClient, startRelayNode, type RelayNode } from '../lib/relay-node';
import { destroyAll, log, sleep, waitFor, WebSocketPolyfill } from '../lib/util';

export type ChangeKind = 'newOrder' | 'lifecycle' | 'field' | 'text';

/** One change and what it cost on each hop, plus the naive way's bytes for the same change. */
export type WireSample = {
  kind: ChangeKind;
  type: string;
  /** PWA ↔ appliance: bulk-protocol frame payloads, and the bytes on the TCP connection. */
  frames: number;
  tcp: number;
  /** Appliance ↔ hub, as the appliance carries the change on (frames, TCP). */
  upFrames: number;
  upTcp: number;
  /** One y-websocket room per record, full state each time: the writer's state up, the state with the log entry down. */
  naiveFullState: number;
};

export type StockSample = { kind: ChangeKind; type: string; tcp: number };

const naiveOrders = 3;

/** A y-websocket sync-update message carrying `update` (type 0, sync type 2, varbytes). */
function yjsUpdateMessageBytes(update: Uint8Array): number {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, 2);
  encoding.writeVarUint8Array(e, update);
  return encoding.length(e);
}

async function stateOf(store: MemoryRecordStore, recordId: string): Promise<Uint8Array> {
  return (await store.readRecord({ recordId }))?.update ?? Y.encodeStateAsUpdate(new Y.Doc());
}

async function decision(options: {
  store: MemoryRecordStore;
  recordId: string;
  proposalId: string;
}): Promise<string | null> {
  const record = await options.store.readRecord({ recordId: options.recordId });
  if (!record) return null;
  const doc = loadRecordDoc({ recordId: options.recordId, update: record.update });
  const entry = readRecordSnapshot({ doc, recordId: options.recordId }).decided.get(options.proposalId);
  doc.destroy();
  return entry ? entry.outcome : null;
}

async function fieldOf(store: MemoryRecordStore, recordId: string, key: string): Promise<string | null> {
  const record = await store.readRecord({ recordId });
  if (!record) return null;
  const doc = loadRecordDoc({ recordId, update: record.update });
  const value = fieldsOf(doc).get(key);
  const text = value instanceof Y.Text ? value.toJSON() : typeof value === 'string' ? value : null;
  doc.destroy();
  return text;
}

/** Types into the record's `fields.memo` Y.Text (created on first use), as a notes editor would. */
async function typeInStore(options: {
  store: MemoryRecordStore;
  recordId: string;
  text: string;
}): Promise<void> {
  const record = await options.store.readRecord({ recordId: options.recordId });
  const doc = loadRecordDoc({ recordId: options.recordId, update: record?.update ?? null });
  const update = captureUpdate({
    doc,
    origin: 'local',
    change: () => {
      const fields = fieldsOf(doc);
      const existing = fields.get('memo');
      const memo = existing instanceof Y.Text ? existing : new Y.Text();
      if (!(existing instanceof Y.Text)) fields.set('memo', memo);
      memo.insert(memo.length, options.text);
    },
  });
  doc.destroy();
  await options.store.appendUpdate({ recordId: options.recordId, update });
}

export async function wireBytesSection(options: { world: World; orders: number }): Promise<{
  samples: WireSample[];
  stock: StockSample[];
}> {
  const { world } = options;
  const hub = await startRelayNode({
    world,
    self: { kind: 'hub' },
    device: world.hub,
    tokens: { 'token-appliance': world.applianceA.peer },
  });
  const appliance = await startRelayNode({
    world,
    self: { kind: 'appliance', countyCode: countyA },
    device: world.applianceA,
    registry: world.registry,
    tokens: { 'token-pwa': world.pwa.peer },
    upstream: { url: `ws://127.0.0.1:${hub.port}/sync?token=token-appliance` },
  });
  const pwa = await startClient({
    world,
    device: world.pwa,
    url: `ws://127.0.0.1:${appliance.port}/sync?token=token-pwa`,
  });
  const upstream = appliance.upstream as SyncClient;
  let pwaConnected = true;
  const settle = async () => {
    for (let i = 0; i < 2; i++) {
      if (pwaConnected) await pwa.client.idle();
      await appliance.idle();
      await hub.idle();
      await sleep(5);
    }
  };
  const snapshot = () => {
    const frames = (client: SyncClient) => {
      const stats = client.stats();
      return totalOf(stats.sent).bytes + totalOf(stats.received).bytes;
    };
    const tcp = (node: RelayNode) => {
      const bytes = node.tcp();
      return bytes.read + bytes.written;
    };
    return { frames: frames(pwa.client), tcp: tcp(appliance), upFrames: frames(upstream), upTcp: tcp(hub) };
  };
  const samples: WireSample[] = [];
  const measure = async (options: {
    kind: ChangeKind;
    type: string;
    recordId: string;
    write: () => Promise<void>;
    done: () => Promise<boolean>;
  }): Promise<void> => {
    const { recordId } = options;
    await settle();
    const before = snapshot();
    await options.write();
    const stateWritten = await stateOf(pwa.store, recordId);
    pwa.client.notifyLocalChange({ recordId });
    await waitFor(options.done, `${options.type} on ${recordId} to reach the hub`);
    await settle();
    const after = snapshot();
    const stateFinal = await stateOf(pwa.store, recordId);
    const logCameBack = stateFinal.length !== stateWritten.length;
    samples.push({
      kind: options.kind,
      type: options.type,
      frames: after.frames - before.frames,
      tcp: after.tcp - before.tcp,
      upFrames: after.upFrames - before.upFrames,
      upTcp: after.upTcp - before.upTcp,
      naiveFullState:
        yjsUpdateMessageBytes(stateWritten) + (logCameBack ? yjsUpdateMessageBytes(stateFinal) : 0),
    });
  };
  const propose = async (recordId: string, n: number, type: string, payload: unknown, kind: ChangeKind) => {
    let proposalId = '';
    await measure({
      kind,
      type,
      recordId,
      write: async () => {
        ({ proposalId } = await proposeToStore({
          store: pwa.store,
          recordId,
          device: world.pwa,
          actor: world.pwa.actor,
          type,
          payload,
          at: Date.now(),
        }));
      },
      done: async () => {
        const atPwa = await decision({ store: pwa.store, recordId, proposalId });
        const atHub = await decision({ store: hub.store, recordId, proposalId });
        if (atPwa === 'rejected') throw new Error(`the home rejected ${type} on order ${n}`);
        return atPwa === 'accepted' && atHub === 'accepted';
      },
    });
  };

  log(`wire bytes: ${options.orders} orders through PWA → appliance → hub…`);
  for (let n = 0; n < options.orders; n++) {
    const recordId = `order:${countyA}:${createId()}`;
    const itemCode = 'FAM-CLEANING';
    await propose(
      recordId,
      n,
      'receive',
      receivePayload({ recordId, n, at: Date.now(), itemCode }),
      'newOrder',
    );
    for (const step of lifecycleSteps({ itemCode, world, n }))
      await propose(recordId, n, step.type, step.payload, 'lifecycle');
    const value = `客户要求周六上午 ${n}`;
    await measure({
      kind: 'field',
      type: 'fields.set',
      recordId,
      write: async () => {
        await setFieldInStore({ store: pwa.store, recordId, key: 'note', value });
      },
      done: async () => (await fieldOf(hub.store, recordId, 'note')) === value,
    });
    await typeInStore({ store: pwa.store, recordId, text: '备注：' }); // creates the Y.Text (not measured)
    pwa.client.notifyLocalChange({ recordId });
    for (const text of ['已到', '门口']) {
      await measure({
        kind: 'text',
        type: 'Y.Text insert',
        recordId,
        write: () => typeInStore({ store: pwa.store, recordId, text }),
        done: async () => (await fieldOf(hub.store, recordId, 'memo'))?.endsWith(text) ?? false,
      });
    }
  }

  // The stock y-websocket client, one fresh room per change (the PWA holds no copy between changes, so
  // each change downloads the whole record first), counted on the appliance's TCP sockets.
  await pwa.stop();
  pwaConnected = false;
  await waitFor(() => appliance.tcp().open === 0, 'the PWA connection to close');
  log(`wire bytes: ${naiveOrders} orders through the stock y-websocket client…`);
  const stock: StockSample[] = [];
  const stockChange = async (options: {
    kind: ChangeKind;
    type: string;
    recordId: string;
    change: (doc: Y.Doc) => Promise<void>;
    done: (doc: Y.Doc) => boolean | Promise<boolean>;
  }) => {
    await settle();
    const before = appliance.tcp();
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(`ws://127.0.0.1:${appliance.port}/yjs`, options.recordId, doc, {
      WebSocketPolyfill,
      params: { token: 'token-pwa' },
      disableBc: true,
    });
    await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
    await options.change(doc);
    await waitFor(() => options.done(doc), `${options.type} through y-websocket`);
    await appliance.idle();
    destroyAll([provider]);
    await waitFor(() => appliance.tcp().open === 0, 'the y-websocket connection to close');
    const after = appliance.tcp();
    stock.push({
      kind: options.kind,
      type: options.type,
      tcp: after.read + after.written - before.read - before.written,
    });
  };
  for (let n = 0; n < naiveOrders; n++) {
    const recordId = `order:${countyA}:${createId()}`;
    const itemCode = 'FAM-CLEANING';
    const steps = [
      { type: 'receive', payload: receivePayload({ recordId, n, at: Date.now(), itemCode }) },
      ...lifecycleSteps({ itemCode, world, n }),
    ];
    for (const [index, step] of steps.entries()) {
      await stockChange({
        kind: index === 0 ? 'newOrder' : 'lifecycle',
        type: step.type,
        recordId,
        change: async (doc) => {
          await proposeCommand({
            doc,
            recordId,
            device: world.pwa,
            actor: world.pwa.actor,
            type: step.type,
            payload: step.payload,
            at: Date.now(),
          });
        },
        done: (doc) => logOf(doc).length === index + 1,
      });
    }
    const value = `客户要求周六上午 ${n}`;
    await stockChange({
      kind: 'field',
      type: 'fields.set',
      recordId,
      change: (doc) => {
        fieldsOf(doc).set('note', value);
        return Promise.resolve();
      },
      done: async () => (await fieldOf(appliance.store, recordId, 'note')) === value,
    });
  }
  await appliance.stop();
  await hub.stop();
  return { samples, stock };
}
