// A hub and one county appliance, each with its own store and HomeService, for tests of registry records
// (enterprises, workers) homed at the hub and used by a county's orders. Every record is made by real
// signed proposals and decided by its home. Not part of the public API; excluded from coverage.
import * as Y from 'yjs';
import { MemoryRecordStore } from '../adapters/storage/memory-record-store';
import { createId, formatRecordId } from '../domain';
import { allChecksPassed, day, makeEnterprise } from '../domain/test-support';
import type { LogEntry } from '../records/record-codec';
import { readRecordSnapshot } from '../records/record-state';
import {
  buildDirectory,
  createTestDevice,
  directoryId,
  t0,
  trustedSignerOf,
  type TestDevice,
} from '../records/test-support';
import { HomeService } from './home-service';
import { proposeToStore, viewStoredRecord } from './local-writes';
import { loadRecordDoc } from '../records/record-doc';
import { SyncClient, type RecordChangeEvent } from '../relay/sync-client';
import { SyncServer } from '../relay/sync-server';
import { MemoryLink, quiesce } from '../relay/test-support';
import { createReplicaPolicy } from './replica-policy';
import type { SyncPeer } from './sync-peer';

export const county = '330106';
export { t0 };

export type RegistryWorld = Awaited<ReturnType<typeof createRegistryWorld>>;

/**
 * The hub (home of the directory, enterprises and workers) and the appliance of county 330106 (home of
 * its orders). `sync` copies a record from the hub's store to the county's, as the relay would.
 */
export async function createRegistryWorld() {
  const device = (deviceId: string, userId: string, role: string, countyCode: string | null) =>
    createTestDevice({ deviceId, userId, role, countyCode });
  const devices = {
    hub: await device('hub-1', 'hub', 'system', null),
    appliance: await device(`app-${county}`, `appliance-${county}`, 'system', county),
    officer: await device('pwa-registry', 'officer-zhao', 'registry_officer', null),
    seat: await device('pwa-seat', 'ct-wang', 'call_taker', county),
    enterpriseStaff: await device('pwa-enterprise', 'staff-sun', 'enterprise', null),
  };
  const { doc } = await buildDirectory({
    hub: devices.hub,
    devices: [devices.appliance, devices.officer, devices.seat, devices.enterpriseStaff],
  });
  const hubStore = await MemoryRecordStore.open();
  const countyStore = await MemoryRecordStore.open();
  for (const store of [hubStore, countyStore]) {
    await store.appendUpdate({ recordId: directoryId, update: Y.encodeStateAsUpdate(doc) });
  }
  const homeOn = (store: MemoryRecordStore, self: TestDevice) =>
    new HomeService({
      store,
      publish: ({ recordId, update }) => store.appendUpdate({ recordId, update }),
      directoryId,
      selfDeviceId: self.deviceId,
      trusted: [trustedSignerOf(devices.hub)],
    });
  const hubHome = homeOn(hubStore, devices.hub);
  const countyHome = homeOn(countyStore, devices.appliance);
  let clock = t0;

  /** Proposes commands to a record in `store` and lets its home decide them; returns the decisions. */
  async function propose(options: {
    store: MemoryRecordStore;
    home: HomeService;
    recordId: string;
    device: TestDevice;
    commands: readonly { type: string; payload: unknown }[];
    at?: number;
  }): Promise<LogEntry[]> {
    const ids: string[] = [];
    for (const c of options.commands) {
      clock = Math.max(clock + 60_000, options.at ?? 0);
      const { proposalId } = await proposeToStore({
        store: options.store,
        recordId: options.recordId,
        device: options.device,
        actor: options.device.actor,
        type: c.type,
        payload: c.payload,
        at: clock,
      });
      ids.push(proposalId);
    }
    await options.home.sequence({ recordId: options.recordId });
    const record = await options.store.readRecord({ recordId: options.recordId });
    const recordDoc = loadRecordDoc({ recordId: options.recordId, update: record?.update ?? null });
    const { decided } = readRecordSnapshot({ doc: recordDoc, recordId: options.recordId });
    recordDoc.destroy();
    return ids.map((id) => {
      const entry = decided.get(id);
      if (!entry) throw new Error(`proposal ${id} was not decided`);
      return entry;
    });
  }

  /** Fails with the reasons unless every command was accepted. */
  const expectAccepted = (entries: readonly LogEntry[]) => {
    const rejected = entries.filter((e) => e.outcome === 'rejected');
    if (rejected.length > 0) throw new Error(`rejected: ${JSON.stringify(rejected)}`);
  };

  const atHub = (options: {
    recordId: string;
    device?: TestDevice;
    commands: { type: string; payload: unknown }[];
  }) => propose({ store: hubStore, home: hubHome, device: devices.officer, ...options });

  return {
    devices,
    hubStore,
    countyStore,
    hubHome,
    countyHome,
    now: () => clock,
    atHub,
    expectAccepted,
    atCounty: (options: {
      recordId: string;
      device: TestDevice;
      commands: { type: string; payload: unknown }[];
      at?: number;
    }) => propose({ store: countyStore, home: countyHome, ...options }),

    /** The relay's part: the county receives the hub's copy of a record. */
    async sync(options: { recordId: string }): Promise<void> {
      const record = await hubStore.readRecord({ recordId: options.recordId });
      if (record) await countyStore.appendUpdate({ recordId: options.recordId, update: record.update });
    },

    /** An active enterprise with an agreement in force, made and decided at the hub. */
    async createEnterprise(options: { items: string[]; counties: string[] }): Promise<string> {
      const recordId = formatRecordId({ kind: 'enterprise', scope: 'hub', id: createId({ now: clock }) });
      expectAccepted(
        await atHub({
          recordId,
          commands: [
            {
              type: 'apply',
              payload: {
                enterpriseId: recordId,
                kind: 'enterprise',
                name: '西湖家政服务有限公司',
                licenceNumber: '91330106MA27XL0R2J',
                contactName: '王经理',
                contactPhone: '+8657188886666',
                documents: [],
                items: options.items,
                counties: options.counties,
              },
            },
            { type: 'startReview', payload: {} },
            {
              type: 'approve',
              payload: {
                checklist: allChecksPassed,
                agreement: { number: 'QA-1', signedAt: t0, validFrom: t0, validTo: t0 + 365 * day },
              },
            },
            { type: 'activate', payload: {} },
          ],
        }),
      );
      return recordId;
    },

    /** A worker record of the enterprise; `trained` adds a passed pre-post training and a health certificate. */
    async createWorker(options: { enterpriseId: string; name: string; trained: boolean }): Promise<string> {
      const recordId = formatRecordId({ kind: 'worker', scope: 'hub', id: createId({ now: clock }) });
      const commands: { type: string; payload: unknown }[] = [
        {
          type: 'registerWorker',
          payload: {
            workerId: recordId,
            enterpriseId: options.enterpriseId,
            name: options.name,
            idNumberMasked: '330106********0026',
            phone: null,
          },
        },
      ];
      if (options.trained) {
        commands.push(
          {
            type: 'recordTraining',
            payload: {
              training: {
                courseCode: 'PPT-2026',
                courseName: '岗前培训',
                grants: 'pre_post_training',
                hours: 40,
                examScore: 85,
                passMark: 60,
                completedAt: t0 - 10 * day,
                validUntil: t0 + 700 * day,
              },
            },
          },
          {
            type: 'addCertificate',
            payload: {
              certificate: { qualification: 'health_certificate', number: 'H-1', validUntil: t0 + 180 * day },
            },
          },
          {
            type: 'addCertificate',
            payload: {
              certificate: { qualification: 'domestic_service_cert', number: 'D-1', validUntil: null },
            },
          },
        );
      }
      expectAccepted(await atHub({ recordId, commands }));
      return recordId;
    },
  };
}

/** The payload of a `receive` for an order of the county. */
export function receivePayload(options: {
  orderId: string;
  itemCode?: string;
  wantedAt?: number | null;
  durationMinutes?: number | null;
}) {
  return {
    orderId: options.orderId,
    channel: 'call',
    citizenPhone: '+8613812345678',
    citizenName: '张女士',
    itemCode: options.itemCode ?? 'FAM-CLEANING',
    urgency: 'normal',
    address: '文三路 100 号',
    wantedAt: options.wantedAt ?? null,
    durationMinutes: options.durationMinutes ?? null,
    notes: '',
  };
}

// ---- A hub relay with PWAs linked in memory (the replica policy's tests) -----------------------------

/** A made-up peer for policy tests, with no device behind it. */
export function policyPeer(options: {
  kind: SyncPeer['kind'];
  countyCode: string | null;
  role: SyncPeer['role'];
}): SyncPeer {
  const { kind, countyCode, role } = options;
  return { id: `${kind}-${countyCode ?? 'hub'}-${role}`, kind, countyCode, role, userId: `u-${role}` };
}

/** The peer a test device is at the hub's relay: a system device is the hub, any other a PWA. */
export function peerOf(device: TestDevice): SyncPeer {
  return {
    id: device.deviceId,
    kind: device.actor.role === 'system' ? 'hub' : 'pwa',
    countyCode: device.countyCode,
    role: device.actor.role as SyncPeer['role'],
    userId: device.actor.userId,
  };
}

/** `[deviceId, userId, role, countyCode]` of a test device. */
export type TestDeviceSpec = readonly [
  deviceId: string,
  userId: string,
  role: string,
  countyCode: string | null,
];

/** Devices and the directory the `hub` device made for them, as one update for a store. */
export async function createTestDirectory<K extends string>(options: {
  devices: Record<K | 'hub', TestDeviceSpec>;
}): Promise<{ devices: Record<K | 'hub', TestDevice>; directoryUpdate: Uint8Array }> {
  const devices = {} as Record<K | 'hub', TestDevice>;
  for (const [name, [deviceId, userId, role, countyCode]] of Object.entries(options.devices) as Array<
    [K | 'hub', TestDeviceSpec]
  >) {
    devices[name] = await createTestDevice({ deviceId, userId, role, countyCode });
  }
  const { hub, ...others } = devices;
  const { doc } = await buildDirectory({ hub, devices: Object.values<TestDevice>(others) });
  return { devices, directoryUpdate: Y.encodeStateAsUpdate(doc) };
}

/** A PWA replica of the test hub: its store, its sync client, its link (null while disconnected). */
export type RelayReplica = {
  device: TestDevice;
  store: MemoryRecordStore;
  client: SyncClient;
  events: RecordChangeEvent[];
  link: MemoryLink<SyncPeer> | null;
};

export type TestHub = Awaited<ReturnType<typeof createTestHub>>;

/**
 * The hub as relay (the replica policy) and home of the hub-homed records, its registry holding one
 * active enterprise (`enterpriseId`), with PWAs linked to it in memory. `stop()` stops the relay.
 */
export async function createTestHub(options: {
  directoryUpdate: Uint8Array;
  hubDevice: TestDevice;
  enterpriseId: string;
}) {
  const store = await MemoryRecordStore.open();
  await store.appendUpdate({ recordId: directoryId, update: options.directoryUpdate });
  const enterprise = makeEnterprise({ id: 'e1' });
  let home: HomeService | null = null;
  const server = new SyncServer<SyncPeer>({
    store,
    serverId: options.hubDevice.deviceId,
    policy: createReplicaPolicy({
      self: { kind: 'hub' },
      sequence: async ({ recordId }) => {
        await home?.sequence({ recordId });
      },
    }),
  });
  home = new HomeService({
    store,
    directoryId,
    selfDeviceId: options.hubDevice.deviceId,
    trusted: [trustedSignerOf(options.hubDevice)],
    registry: {
      findEnterprise: ({ id }) => Promise.resolve(id === options.enterpriseId ? enterprise : undefined),
      findWorker: () => Promise.resolve(undefined),
    },
    publish: ({ recordId, update }) => server.publish({ recordId, update }),
  });
  const replicas: RelayReplica[] = [];
  let clock = t0;

  /** Until nothing moves: frames delivered, the home idle, every linked client idle. */
  const settle = async () => {
    const links = replicas.flatMap((r) => (r.link ? [r.link] : []));
    for (let i = 0; i < 3; i++) {
      await quiesce({ server, links });
      await home?.idle();
      await Promise.all(replicas.map((r) => (r.link ? r.client.idle() : Promise.resolve())));
    }
    await quiesce({ server, links });
  };

  const hub = {
    store,
    server,
    settle,
    /** A PWA replica of `device`, not linked yet (see connect). */
    async replica(device: TestDevice): Promise<RelayReplica> {
      const replicaStore = await MemoryRecordStore.open();
      const events: RecordChangeEvent[] = [];
      const client = new SyncClient({
        store: replicaStore,
        clientId: device.deviceId,
        cursorKey: 'sync:hub',
        onRecordChange: (event) => events.push(event),
      });
      const r: RelayReplica = { device, store: replicaStore, client, events, link: null };
      replicas.push(r);
      return r;
    },
    connect(r: RelayReplica): void {
      r.link = new MemoryLink<SyncPeer>({ server, client: r.client, peer: peerOf(r.device) });
    },
    disconnect(r: RelayReplica): void {
      r.link?.disconnect();
      r.link = null;
    },
    /** Signs a command on the replica's device, stores it there and lets it sync. */
    async propose(r: RelayReplica, recordId: string, type: string, payload: unknown): Promise<void> {
      clock += 60_000;
      await proposeToStore({
        store: r.store,
        recordId,
        device: r.device,
        actor: r.device.actor,
        type,
        payload,
        at: clock,
      });
      r.client.notifyLocalChange({ recordId });
      await settle();
    },
    /** The record as the hub holds it: accepted state, pending proposals, conflicts. */
    view(recordId: string) {
      return viewStoredRecord({ store, recordId, deviceId: null });
    },
    stop: () => server.stop(),
  };
  return hub;
}
