import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { createId, formatRecordId, type InspectionState } from '../domain';
import { directoryId, t0, type TestDevice } from '../records/test-support';
import { PROTOCOL_VERSION } from '../protocol/frames';
import { RawPeer } from '../relay/test-support';
import { emptyUpdate } from '../relay/update-bytes';
import { attachSyncWebSocket } from '../relay/ws-host';
import { setFieldInStore, viewStoredRecord } from './local-writes';
import { readAccessOf } from './replica-policy';
import type { SyncPeer } from './sync-peer';
import { createTestDirectory, createTestHub, peerOf, type RelayReplica as Replica } from './test-support';

const day = 24 * 3_600_000;
const enterpriseId = formatRecordId({ kind: 'enterprise', scope: 'hub', id: createId({ now: t0 }) });
const order = formatRecordId({ kind: 'order', scope: '330106', id: createId({ now: t0 }) });
const checklist = ['contracts.signed', 'premises.clean'];

type Devices = Record<'hub' | 'officer' | 'inspectorA' | 'inspectorB' | 'office' | 'seat', TestDevice>;
let devices: Devices;
let directoryUpdate: Uint8Array;

beforeAll(async () => {
  ({ devices, directoryUpdate } = await createTestDirectory({
    devices: {
      hub: ['hub-1', 'hub', 'system', null],
      officer: ['pwa-officer', 'officer-zhao', 'registry_officer', null],
      inspectorA: ['pwa-inspector-a', 'inspector-a', 'quality_inspector', null],
      inspectorB: ['pwa-inspector-b', 'inspector-b', 'quality_inspector', null],
      office: ['pwa-office', 'office-chen', 'central_office', null],
      seat: ['pwa-seat', 'ct-wang', 'call_taker', '330106'],
    },
  }));
});

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The hub (relay and home of inspections) with PWAs that connect to it in memory. */
async function createHub() {
  const hub = await createTestHub({ directoryUpdate, hubDevice: devices.hub, enterpriseId });
  cleanups.push(() => hub.stop());
  const hubState = {
    ...hub,
    async schedule(r: Replica, inspectorUserId: string): Promise<string> {
      const inspectionId = formatRecordId({ kind: 'inspection', scope: 'hub', id: createId() });
      await hub.propose(r, inspectionId, 'scheduleInspection', {
        inspectionId,
        enterpriseId,
        countyCode: '330106',
        dueAt: t0 + 30 * day,
        checklist,
        inspectorUserId,
      });
      return inspectionId;
    },
    /** The accepted state at the hub. */
    async accepted(recordId: string): Promise<InspectionState | null> {
      const view = await hub.view(recordId);
      return (view?.accepted ?? null) as InspectionState | null;
    },
  };
  return hubState;
}

async function recordIds(r: Replica): Promise<string[]> {
  const changes = await r.store.listChanges({ after: 0, limit: 1000 });
  return changes
    .map((c) => c.recordId)
    .filter((id) => id !== directoryId)
    .sort();
}

describe('the replica policy for inspections', () => {
  it('gives a central inspector the registry and inspections (by content), no orders; counties no inspections', () => {
    const inspection = formatRecordId({ kind: 'inspection', scope: 'hub', id: createId() });
    const access = (device: TestDevice, recordId: string) => readAccessOf({ peer: peerOf(device), recordId });
    // Set up lazily: the devices exist once beforeAll ran.
    expect(access(devices.inspectorA, inspection)).toBe('content');
    expect(access(devices.inspectorA, enterpriseId)).toBe(true);
    expect(access(devices.inspectorA, directoryId)).toBe(true);
    expect(access(devices.inspectorA, order)).toBe(false);
    expect(access(devices.office, inspection)).toBe(true);
    expect(access(devices.seat, inspection)).toBe(false);
    expect(access(devices.seat, order)).toBe(true);
    expect(access(devices.officer, 'not-a-record')).toBe(false);
  });
});

describe('inspections over the relay', () => {
  it('an inspector receives only the inspections assigned to them; a county none; the central office all', async () => {
    const hub = await createHub();
    const officer = await hub.replica(devices.officer);
    hub.connect(officer);
    await hub.settle();
    const forA = await hub.schedule(officer, 'inspector-a');
    const forB = await hub.schedule(officer, 'inspector-b');
    expect((await hub.accepted(forA))?.inspectorUserId).toBe('inspector-a');
    expect((await hub.accepted(forB))?.inspectorUserId).toBe('inspector-b');
    await setFieldInStore({ store: hub.store, recordId: order, key: 'note', value: '订单' });

    const a = await hub.replica(devices.inspectorA);
    const b = await hub.replica(devices.inspectorB);
    const seat = await hub.replica(devices.seat);
    const office = await hub.replica(devices.office);
    for (const r of [a, b, seat, office]) hub.connect(r);
    await hub.settle();

    expect(await recordIds(a)).toEqual([forA]);
    expect(await recordIds(b)).toEqual([forB]);
    expect(await recordIds(seat)).toEqual([order]);
    expect(await recordIds(office)).toEqual([forA, forB, order].sort());
    const viewA = await viewStoredRecord({ store: a.store, recordId: forA, deviceId: a.device.deviceId });
    expect(viewA?.accepted).toMatchObject({ status: 'scheduled', inspectorUserId: 'inspector-a' });

    // The assigned inspector works on it; the other one's client is refused at its step 1 (it may not
    // read the record), and a write sent anyway gets ERROR forbidden and an empty RESET.
    await hub.propose(a, forA, 'startInspection', {});
    expect((await hub.accepted(forA))?.status).toBe('in_progress');
    await hub.propose(b, forA, 'startInspection', {});
    const raw = new RawPeer<SyncPeer>({ server: hub.server, peer: peerOf(devices.inspectorB) });
    await raw.send({ type: 'hello', version: PROTOCOL_VERSION, peerId: 'raw-b', cursor: 0 });
    const listed = raw.take().find((f) => f.type === 'changes');
    const listedIds = listed?.type === 'changes' ? listed.entries.map((e) => e.recordId) : [];
    expect(listedIds.filter((id) => id !== directoryId)).toEqual([forB]);
    const forged = (await b.store.readRecord({ recordId: forA }))?.update;
    if (!forged) throw new Error('B stored its proposal locally');
    await raw.send({ type: 'update', recordId: forA, update: forged });
    expect(raw.take()).toEqual([
      { type: 'error', code: 'forbidden', message: `no access to ${forA}`, recordId: forA },
      { type: 'reset', recordId: forA, update: emptyUpdate },
    ]);
    const atHub = await viewStoredRecord({ store: hub.store, recordId: forA, deviceId: b.device.deviceId });
    expect(atHub?.pending).toEqual([]);
    expect(atHub?.conflicts).toEqual([]);
    // What B holds of A's inspection is only its own refused proposal: no broadcast reached it.
    const heldByB = await viewStoredRecord({ store: b.store, recordId: forA, deviceId: b.device.deviceId });
    expect(heldByB?.accepted).toBeNull();
  });

  it('after a reassignment the new inspector receives the inspection and the old one can no longer write it', async () => {
    const hub = await createHub();
    const officer = await hub.replica(devices.officer);
    const a = await hub.replica(devices.inspectorA);
    const b = await hub.replica(devices.inspectorB);
    for (const r of [officer, a, b]) hub.connect(r);
    await hub.settle();
    const inspection = await hub.schedule(officer, 'inspector-a');
    await hub.propose(a, inspection, 'startInspection', {});
    await hub.propose(a, inspection, 'recordFinding', { key: 'contracts.signed', passed: true, note: '' });
    // B syncs (its cursor passes every change of the inspection so far), then goes offline.
    await hub.settle();
    expect(await recordIds(b)).toEqual([]);
    hub.disconnect(b);

    await hub.propose(officer, inspection, 'reassignInspection', {
      inspectorUserId: 'inspector-b',
      reason: '原检查员调岗',
    });
    expect((await hub.accepted(inspection))?.inspectorUserId).toBe('inspector-b');

    // The reassignment is itself a change of the record, after B's cursor: B's next sync lists it.
    hub.connect(b);
    await hub.settle();
    expect(await recordIds(b)).toEqual([inspection]);
    const viewB = await viewStoredRecord({ store: b.store, recordId: inspection, deviceId: null });
    expect(viewB?.accepted).toMatchObject({ inspectorUserId: 'inspector-b', status: 'in_progress' });
    expect((viewB?.accepted as InspectionState).findings).toHaveLength(1);

    // A, still connected, is refused from now on; B continues.
    const resetsBefore = a.events.filter((e) => e.cause === 'reset').length;
    await hub.propose(a, inspection, 'recordFinding', { key: 'premises.clean', passed: false, note: 'x' });
    expect(a.events.filter((e) => e.cause === 'reset').length).toBe(resetsBefore + 1);
    await hub.propose(b, inspection, 'recordFinding', { key: 'premises.clean', passed: true, note: '' });
    const state = await hub.accepted(inspection);
    expect(state?.findings.map((f) => [f.key, f.by])).toEqual([
      ['contracts.signed', 'inspector-a'],
      ['premises.clean', 'inspector-b'],
    ]);
    // A's refused proposal never reached the hub's copy.
    const snapshot = await viewStoredRecord({
      store: hub.store,
      recordId: inspection,
      deviceId: a.device.deviceId,
    });
    expect(snapshot?.pending).toEqual([]);
  });

  it('a live inspector the inspection is reassigned to receives the whole record at once', async () => {
    const hub = await createHub();
    const officer = await hub.replica(devices.officer);
    const a = await hub.replica(devices.inspectorA);
    const b = await hub.replica(devices.inspectorB);
    for (const r of [officer, a, b]) hub.connect(r);
    await hub.settle();
    const inspection = await hub.schedule(officer, 'inspector-a');
    await hub.propose(a, inspection, 'startInspection', {});
    expect(await b.store.readRecord({ recordId: inspection })).toBeNull();

    await hub.propose(officer, inspection, 'reassignInspection', {
      inspectorUserId: 'inspector-b',
      reason: '支援',
    });
    const viewB = await viewStoredRecord({ store: b.store, recordId: inspection, deviceId: null });
    expect(viewB?.accepted).toMatchObject({ inspectorUserId: 'inspector-b', status: 'in_progress' });
    const atHub = await hub.store.readRecord({ recordId: inspection });
    const atB = await b.store.readRecord({ recordId: inspection });
    expect(atB?.stateVector).toEqual(atHub?.stateVector);
    // Its own next change is accepted without a catch-up first.
    await hub.propose(b, inspection, 'recordFinding', { key: 'premises.clean', passed: true, note: '' });
    expect((await hub.accepted(inspection))?.findings).toHaveLength(1);
  });
});

describe('inspections over y-websocket', () => {
  const WebSocketPolyfill = WebSocket as unknown as typeof globalThis.WebSocket;

  it('opens an inspection only for the inspector it is assigned to, and closes it on reassignment', async () => {
    const hub = await createHub();
    const officer = await hub.replica(devices.officer);
    hub.connect(officer);
    await hub.settle();
    const inspection = await hub.schedule(officer, 'inspector-a');

    const tokens = new Map<string, SyncPeer>([
      ['a', peerOf(devices.inspectorA)],
      ['b', peerOf(devices.inspectorB)],
    ]);
    const httpServer = http.createServer((_request, response) => response.writeHead(404).end());
    const host = attachSyncWebSocket({
      server: httpServer,
      syncServer: hub.server,
      authenticate: (token) => Promise.resolve(tokens.get(token) ?? null),
      pingIntervalMs: 0,
    });
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      await host.stop();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    });
    const port = (httpServer.address() as AddressInfo).port;
    const open = (token: string, doc = new Y.Doc()) => {
      const provider = new WebsocketProvider(`ws://127.0.0.1:${port}/yjs`, inspection, doc, {
        WebSocketPolyfill,
        params: { token },
        disableBc: true,
      });
      cleanups.push(() => provider.destroy());
      return provider;
    };
    const closedWith = (provider: WebsocketProvider) =>
      new Promise<number>((resolve) => provider.once('closed', (event) => resolve(event.code)));

    const unassigned = open('b');
    expect(await closedWith(unassigned)).toBe(4403);

    const doc = new Y.Doc();
    const assigned = open('a', doc);
    await new Promise<void>((resolve) => assigned.once('sync', () => resolve()));
    expect(doc.getArray('proposals').length).toBe(1);

    const closed = closedWith(assigned);
    await hub.propose(officer, inspection, 'reassignInspection', {
      inspectorUserId: 'inspector-b',
      reason: '调岗',
    });
    expect(await closed).toBe(4403);
  });
});
