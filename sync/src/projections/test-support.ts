// A simulated network for the projections' tests: every record is made by real signed proposals and
// decided by its home's sequencer, as in production, and every update goes into a RecordStore.
// Not part of the public API; excluded from coverage.
import { isDeepStrictEqual } from 'node:util';
import { sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import * as Y from 'yjs';
import {
  createId,
  toWorker,
  type DirectoryState,
  type EnterpriseState,
  type OrderState,
  type WorkerState,
} from '../domain';
import { allChecksPassed, day } from '../domain/test-support';
import type { RecordStore } from '../ports/record-store';
import type { CryptoKey } from '../records/device-keys';
import { sequenceRecord } from '../records/home-sequencer';
import { proposeCommand } from '../records/propose';
import { readRecordSnapshot } from '../records/record-state';
import {
  buildDirectory,
  createTestDevice,
  directoryId,
  emptyRegistry,
  registryOf,
  t0,
  trustedSignerOf,
  type TestDevice,
} from '../records/test-support';
import { projectRecord, type ProjectedRows } from './project-record';
import {
  closings,
  directoryDevices,
  directoryUsers,
  enterprises,
  orders,
  workers,
} from './projection-schema';
import type { CatchUpResult, ProjectionDatabase, Projector } from './projector';

export const counties = ['330106', '330105', '110105'] as const;
export const dispatchItems = [
  'FAM-CLEANING',
  'FAM-HOURLY',
  'ELD-VISIT',
  'MNT-WATER',
  'MNT-LOCKSMITH',
] as const;
export const informationItems = ['MED-KNOWLEDGE', 'SHP-PRICES'] as const;
/** Few enough that several orders share a caller: the by-phone query then has something to find. */
export const phones = Array.from(
  { length: 24 },
  (_, i) => `+86138${String(5710000 + i * 37).padStart(8, '0')}`,
);
const names = ['张女士', '王先生', '李阿姨', '赵师傅', '陈女士', '刘先生', 'Mrs Smith'];

/** A seeded PRNG (mulberry32): the same seed drives the same lifecycles on every run. */
export type Random = {
  next: () => number;
  int: (options: { min: number; max: number }) => number;
  chance: (options: { p: number }) => boolean;
  pick: <T>(options: { from: readonly T[] }) => T;
};

export function createRandom(options: { seed: number }): Random {
  let a = options.seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: ({ min, max }) => min + Math.floor(next() * (max - min + 1)),
    chance: ({ p }) => next() < p,
    pick: ({ from }) => {
      const value = from[Math.floor(next() * from.length)];
      if (value === undefined) throw new Error('pick from an empty list');
      return value;
    },
  };
}

type EnterpriseSpec = {
  id: string;
  kind: 'enterprise' | 'volunteer';
  items: string[];
  counties: string[];
  /** Left under review: dispatching to it is refused by the home. */
  active: boolean;
};

const enterpriseSpecs: EnterpriseSpec[] = [
  {
    id: 'ent-jiajie',
    kind: 'enterprise',
    items: ['FAM-CLEANING', 'FAM-HOURLY'],
    counties: ['330106', '330105'],
    active: true,
  },
  {
    id: 'ent-anxin',
    kind: 'enterprise',
    items: ['FAM-CLEANING', 'ELD-VISIT'],
    counties: ['330105', '110105'],
    active: true,
  },
  {
    id: 'ent-shunda',
    kind: 'enterprise',
    items: ['MNT-WATER', 'MNT-LOCKSMITH'],
    counties: [...counties],
    active: true,
  },
  {
    id: 'ent-kangle',
    kind: 'enterprise',
    items: ['ELD-VISIT', 'FAM-HOURLY', 'MNT-LOCKSMITH'],
    counties: ['330106', '110105'],
    active: true,
  },
  { id: 'vol-hongmao', kind: 'volunteer', items: ['ELD-VISIT'], counties: ['330106'], active: true },
  { id: 'ent-pending', kind: 'enterprise', items: ['FAM-CLEANING'], counties: [...counties], active: false },
];

/** Records a new network stores before any order: the directory, the enterprises, two workers each. */
export const registryRecordCount = 1 + enterpriseSpecs.length * 3;

type Step = { device: TestDevice; type: string; payload: unknown };
export type NetworkDevices = {
  hub: TestDevice;
  admin: TestDevice;
  officer: TestDevice;
  inspector: TestDevice;
  enterpriseStaff: TestDevice;
  seats: Map<string, TestDevice>;
};
type OrderEntry = { recordId: string; doc: Y.Doc; steps: number; done: boolean; pending: boolean };

/**
 * The hub (directory, registry) and three counties' appliances (orders), collapsed into one process: each
 * record's doc is its home's copy, and what the homes store is appended to one RecordStore, as a hub
 * that receives every county's changes would.
 */
export class SimulatedNetwork {
  readonly store: RecordStore;
  readonly random: Random;
  readonly devices: NetworkDevices;
  readonly #directoryDoc: Y.Doc;
  #directory: DirectoryState;
  readonly #enterprises = new Map<string, { recordId: string; doc: Y.Doc }>();
  /** Two worker records per enterprise, by `<enterprise>-w<n>`. */
  readonly #workers = new Map<string, { recordId: string; doc: Y.Doc }>();
  readonly #orders: OrderEntry[] = [];
  readonly #keyCache = new Map<string, CryptoKey>();
  readonly #changed = new Set<string>();
  #now = t0 + 3_600_000;
  #extraDevices = 0;

  private constructor(options: {
    store: RecordStore;
    random: Random;
    devices: NetworkDevices;
    directoryDoc: Y.Doc;
    directory: DirectoryState;
  }) {
    this.store = options.store;
    this.random = options.random;
    this.devices = options.devices;
    this.#directoryDoc = options.directoryDoc;
    this.#directory = options.directory;
  }

  /** The directory and the registry's enterprises, signed, sequenced and stored. */
  static async create(options: { store: RecordStore; seed: number }): Promise<SimulatedNetwork> {
    const device = (deviceId: string, userId: string, role: string, countyCode: string | null) =>
      createTestDevice({ deviceId, userId, role, countyCode });
    const seats = new Map<string, TestDevice>();
    for (const county of counties)
      seats.set(county, await device(`pwa-seat-${county}`, `ct-${county}`, 'call_taker', county));
    const devices = {
      hub: await device('hub-1', 'hub', 'system', null),
      admin: await device('pwa-admin', 'admin', 'administrator', null),
      officer: await device('pwa-registry', 'officer-zhao', 'registry_officer', null),
      inspector: await device('pwa-inspector', 'inspector-qian', 'quality_inspector', null),
      enterpriseStaff: await device('pwa-enterprise', 'staff-sun', 'enterprise', null),
      seats,
    };
    const { doc, state } = await buildDirectory({
      hub: devices.hub,
      devices: [
        devices.admin,
        devices.officer,
        devices.inspector,
        devices.enterpriseStaff,
        ...seats.values(),
      ],
    });
    const network = new SimulatedNetwork({
      store: options.store,
      random: createRandom({ seed: options.seed }),
      devices,
      directoryDoc: doc,
      directory: state,
    });
    await network.#append({ recordId: directoryId, update: Y.encodeStateAsUpdate(doc) });
    for (const spec of enterpriseSpecs) await network.#createEnterprise({ spec });
    for (const spec of enterpriseSpecs) {
      for (const n of [1, 2]) await network.#createWorker({ enterpriseId: spec.id, n });
    }
    return network;
  }

  /** Ids of the records whose stored bytes changed since the last call. */
  takeChanged(): Set<string> {
    const changed = new Set(this.#changed);
    this.#changed.clear();
    return changed;
  }

  /** Every record's accepted state as its home holds it, by record id. */
  readStates(): Map<string, unknown> {
    const states = new Map<string, unknown>();
    const read = (recordId: string, doc: Y.Doc) =>
      states.set(recordId, readRecordSnapshot({ doc, recordId }).state);
    read(directoryId, this.#directoryDoc);
    for (const { recordId, doc } of this.#enterprises.values()) read(recordId, doc);
    for (const { recordId, doc } of this.#workers.values()) read(recordId, doc);
    for (const { recordId, doc } of this.#orders) read(recordId, doc);
    return states;
  }

  readOrderStates(): OrderState[] {
    return this.#orders
      .map(({ recordId, doc }) => readRecordSnapshot({ doc, recordId }).state as OrderState | null)
      .filter((state) => state !== null);
  }

  /** New citizen demands: each becomes an order record, received (or refused) at its county's home. */
  async receiveOrders(options: { count: number }): Promise<void> {
    for (let i = 0; i < options.count; i++) {
      const county = this.random.pick({ from: counties });
      const recordId = `order:${county}:${createId({ now: this.#tick() })}`;
      const entry: OrderEntry = {
        recordId,
        doc: new Y.Doc({ guid: recordId }),
        steps: 0,
        done: false,
        pending: false,
      };
      this.#orders.push(entry);
      await this.#advanceOrder({ entry, steps: 1 });
    }
  }

  /** Each open order takes up to `maxSteps` steps of a random but mostly lawful lifecycle. */
  async advanceOrders(options: { maxSteps: number }): Promise<void> {
    for (const entry of this.#orders) {
      if (entry.done) continue;
      await this.#advanceOrder({ entry, steps: this.random.int({ min: 0, max: options.maxSteps }) });
    }
  }

  /** Registry and directory changes the projection must follow: a warning, new services, a device. */
  async changeRegistry(options: { round: number }): Promise<void> {
    const { officer, admin, hub } = this.devices;
    if (options.round === 1) {
      await this.#enterpriseCommand({
        id: 'ent-kangle',
        device: officer,
        type: 'warn',
        payload: { reason: '回访满意度低' },
      });
      await this.#enterpriseCommand({
        id: 'ent-jiajie',
        device: officer,
        type: 'updateServices',
        payload: { items: ['FAM-CLEANING', 'FAM-HOURLY', 'MNT-LOCKSMITH'], counties: [...counties] },
      });
    }
    if (options.round === 2) {
      await this.#enterpriseCommand({
        id: 'ent-anxin',
        device: officer,
        type: 'suspend',
        payload: { reason: '价格投诉未整改', until: this.#now + 30 * day },
      });
      await this.#workerCommands({
        key: 'ent-kangle-w2',
        commands: [{ device: officer, type: 'suspendWorker', payload: { reason: '健康证待复查' } }],
      });
    }
    if (options.round === 3) {
      await this.#workerCommands({
        key: 'ent-kangle-w2',
        commands: [{ device: officer, type: 'reinstateWorker', payload: { reason: '复查合格' } }],
      });
      await this.#workerCommands({
        key: 'ent-jiajie-w2',
        commands: [{ device: officer, type: 'leaveEnterprise', payload: { reason: '合同到期' } }],
      });
    }
    // A seat enrolled every round and the previous round's revoked: directory rows come and change.
    this.#extraDevices += 1;
    const county = this.random.pick({ from: counties });
    const newcomer = await createTestDevice({
      deviceId: `pwa-new-${this.#extraDevices}`,
      userId: `ct-new-${this.#extraDevices}`,
      role: 'call_taker',
      countyCode: county,
    });
    const propose = (type: string, payload: unknown) =>
      proposeCommand({
        doc: this.#directoryDoc,
        recordId: directoryId,
        device: admin,
        actor: admin.actor,
        type,
        payload,
        at: this.#tick(),
      });
    const updates = [
      await propose('registerUser', {
        userId: newcomer.actor.userId,
        name: `新坐席${this.#extraDevices}`,
        role: 'call_taker',
        countyCode: county,
      }),
      await propose('enrolDevice', {
        deviceId: newcomer.deviceId,
        kind: 'pwa',
        publicKey: newcomer.publicKey,
        userId: newcomer.actor.userId,
      }),
    ];
    if (this.#extraDevices > 1) {
      updates.push(
        await propose('revokeDevice', { deviceId: `pwa-new-${this.#extraDevices - 1}`, reason: '设备更换' }),
      );
      updates.push(
        await propose('disableUser', { userId: `ct-new-${this.#extraDevices - 1}`, reason: '离职' }),
      );
    }
    for (const { update } of updates) await this.#append({ recordId: directoryId, update });
    const decided = await sequenceRecord({
      doc: this.#directoryDoc,
      recordId: directoryId,
      directory: this.#directory,
      registry: emptyRegistry,
      trusted: [trustedSignerOf(hub)],
      keyCache: this.#keyCache,
    });
    await this.#append({ recordId: directoryId, update: decided.update });
    this.#directory = readRecordSnapshot({ doc: this.#directoryDoc, recordId: directoryId })
      .state as DirectoryState;
  }

  async #createEnterprise(options: { spec: EnterpriseSpec }): Promise<void> {
    const { spec } = options;
    const recordId = `enterprise:hub:${createId({ now: this.#tick() })}`;
    this.#enterprises.set(spec.id, { recordId, doc: new Y.Doc({ guid: recordId }) });
    const { officer } = this.devices;
    await this.#enterpriseCommand({
      id: spec.id,
      device: officer,
      type: 'apply',
      payload: {
        enterpriseId: spec.id,
        kind: spec.kind,
        name: `${spec.id} 家政服务有限公司`,
        licenceNumber: spec.kind === 'enterprise' ? '91330106MA27XL0R2J' : null,
        contactName: '王经理',
        contactPhone: '+8657188886666',
        documents: [],
        items: spec.items,
        counties: spec.counties,
      },
    });
    await this.#enterpriseCommand({ id: spec.id, device: officer, type: 'startReview', payload: {} });
    if (!spec.active) return;
    await this.#enterpriseCommand({
      id: spec.id,
      device: officer,
      type: 'approve',
      payload: {
        checklist: allChecksPassed,
        agreement: {
          number: `QA-${spec.id}`,
          signedAt: t0 - day,
          validFrom: t0 - day,
          validTo: t0 + 365 * day,
        },
      },
    });
    await this.#enterpriseCommand({ id: spec.id, device: officer, type: 'activate', payload: {} });
  }

  async #enterpriseCommand(options: {
    id: string;
    device: TestDevice;
    type: string;
    payload: unknown;
  }): Promise<void> {
    const enterprise = this.#enterprises.get(options.id);
    if (!enterprise) throw new Error(`no enterprise ${options.id}`);
    const { recordId, doc } = enterprise;
    const proposed = await proposeCommand({
      doc,
      recordId,
      device: options.device,
      actor: options.device.actor,
      type: options.type,
      payload: options.payload,
      at: this.#tick(),
    });
    await this.#append({ recordId, update: proposed.update });
    const decided = await sequenceRecord({
      doc,
      recordId,
      directory: this.#directory,
      registry: emptyRegistry,
      keyCache: this.#keyCache,
    });
    const rejected = decided.decisions.find((d) => d.outcome === 'rejected');
    if (rejected)
      throw new Error(`enterprise ${options.id} ${options.type} rejected: ${JSON.stringify(rejected)}`);
    await this.#append({ recordId, update: decided.update });
  }

  /**
   * A worker record: registered, trained, with a health certificate and the certificates the simulated
   * items need, all decided by the hub at once. Its clock steps are fixed, so the seeded choices of the
   * orders do not depend on how many proposals a worker takes.
   */
  async #createWorker(options: { enterpriseId: string; n: number }): Promise<void> {
    const key = `${options.enterpriseId}-w${options.n}`;
    const recordId = `worker:hub:${createId({ now: this.#fixedTick() })}`;
    this.#workers.set(key, { recordId, doc: new Y.Doc({ guid: recordId }) });
    const { officer, hub } = this.devices;
    const certificate = (qualification: string, validUntil: number) => ({
      device: officer,
      type: 'addCertificate',
      payload: { certificate: { qualification, number: `${qualification}-${key}`, validUntil } },
    });
    await this.#workerCommands({
      key,
      commands: [
        {
          device: officer,
          type: 'registerWorker',
          payload: {
            workerId: recordId,
            enterpriseId: options.enterpriseId,
            name: `${key} 师傅`,
            idNumberMasked: '330106********1234',
            phone: options.n === 1 ? '+8613900000001' : null,
          },
        },
        {
          device: hub,
          type: 'recordTraining',
          payload: {
            training: {
              courseCode: 'PPT-2026',
              courseName: '岗前培训',
              grants: 'pre_post_training',
              hours: 40,
              examScore: 80 + options.n,
              passMark: 60,
              completedAt: t0 - 10 * day,
              validUntil: options.n === 1 ? null : t0 + 700 * day,
            },
          },
        },
        certificate('health_certificate', t0 + 180 * day),
        certificate('domestic_service_cert', t0 + 900 * day),
        certificate('plumber_cert', t0 + 900 * day),
      ],
    });
  }

  async #workerCommands(options: {
    key: string;
    commands: readonly { device: TestDevice; type: string; payload: unknown }[];
  }): Promise<void> {
    const worker = this.#workers.get(options.key);
    if (!worker) throw new Error(`no worker ${options.key}`);
    const { recordId, doc } = worker;
    for (const c of options.commands) {
      const proposed = await proposeCommand({
        doc,
        recordId,
        device: c.device,
        actor: c.device.actor,
        type: c.type,
        payload: c.payload,
        at: this.#fixedTick(),
      });
      await this.#append({ recordId, update: proposed.update });
    }
    const decided = await sequenceRecord({
      doc,
      recordId,
      directory: this.#directory,
      registry: registryOf({ enterprises: this.#enterpriseStates(), workers: [] }),
      keyCache: this.#keyCache,
    });
    const rejected = decided.decisions.find((d) => d.outcome === 'rejected');
    if (rejected) throw new Error(`worker ${options.key} rejected: ${JSON.stringify(rejected)}`);
    await this.#append({ recordId, update: decided.update });
  }

  #workerStates(): WorkerState[] {
    return [...this.#workers.values()]
      .map(({ recordId, doc }) => readRecordSnapshot({ doc, recordId }).state as WorkerState | null)
      .filter((state) => state !== null);
  }

  #workerId(options: { enterpriseId: string; n: number }): string {
    // Every enterprise has two; the fallback, an id no record has, would be refused by the home.
    return (
      this.#workers.get(`${options.enterpriseId}-w${options.n}`)?.recordId ??
      `${options.enterpriseId}-w${options.n}`
    );
  }

  #enterpriseStates(): EnterpriseState[] {
    return [...this.#enterprises.values()]
      .map(({ recordId, doc }) => readRecordSnapshot({ doc, recordId }).state as EnterpriseState | null)
      .filter((state) => state !== null);
  }

  async #advanceOrder(options: { entry: OrderEntry; steps: number }): Promise<void> {
    const { entry } = options;
    const county = entry.recordId.slice(6, 12);
    const registry = registryOf({
      enterprises: this.#enterpriseStates(),
      workers: this.#workerStates().map((state) => toWorker({ state })),
    });
    const sequence = async () => {
      const decided = await sequenceRecord({
        doc: entry.doc,
        recordId: entry.recordId,
        directory: this.#directory,
        registry,
        keyCache: this.#keyCache,
      });
      entry.pending = false;
      if (decided.update.length > 0) await this.#append({ recordId: entry.recordId, update: decided.update });
    };
    // Proposals left undecided last round (a home that was offline) are decided first.
    if (entry.pending) await sequence();
    for (let i = 0; i < options.steps && !entry.done; i++) {
      const state = readRecordSnapshot({ doc: entry.doc, recordId: entry.recordId })
        .state as OrderState | null;
      const step = entry.steps > 40 ? null : this.#chooseStep({ recordId: entry.recordId, county, state });
      if (!step) {
        entry.done = true;
        break;
      }
      entry.steps += 1;
      const proposed = await proposeCommand({
        doc: entry.doc,
        recordId: entry.recordId,
        device: step.device,
        actor: step.device.actor,
        type: step.type,
        payload: step.payload,
        at: this.#tick(),
      });
      await this.#append({ recordId: entry.recordId, update: proposed.update });
      if (this.random.chance({ p: 0.08 })) {
        // Stays pending until the next round: the projection shows only what the home accepted.
        entry.pending = true;
        break;
      }
      await sequence();
    }
  }

  /** The next command for an order: mostly lawful for its status, sometimes not (the home refuses those). */
  #chooseStep(options: { recordId: string; county: string; state: OrderState | null }): Step | null {
    const { recordId, county, state } = options;
    const r = this.random;
    const { inspector, enterpriseStaff } = this.devices;
    const ownSeat = this.devices.seats.get(county);
    if (!ownSeat) throw new Error(`no seat for ${county}`);
    // Now and then another county's seat tries: its signature checks out, its county does not.
    const seat = r.chance({ p: 0.03 }) ? r.pick({ from: [...this.devices.seats.values()] }) : ownSeat;
    if (state === null) {
      const information = r.chance({ p: 0.15 });
      const anonymous = r.chance({ p: 0.1 });
      return {
        device: seat,
        type: 'receive',
        payload: {
          orderId: recordId,
          channel: anonymous
            ? r.pick({ from: ['sms', 'web'] })
            : r.pick({ from: ['call', 'call', 'walk_in'] }),
          citizenPhone: anonymous ? null : r.pick({ from: phones }),
          citizenName: r.pick({ from: names }),
          itemCode: information ? r.pick({ from: informationItems }) : r.pick({ from: dispatchItems }),
          urgency: r.pick({ from: ['normal', 'normal', 'urgent', 'emergency'] }),
          address: `文三路 ${r.int({ min: 1, max: 500 })} 号`,
          wantedAt: null,
          durationMinutes: null,
          notes: '',
        },
      };
    }
    if (r.chance({ p: 0.04 })) {
      // A stale or confused replica: the home refuses it as an invalid transition.
      return { device: enterpriseStaff, type: 'markServed', payload: { feeFen: 100 } };
    }
    const open = state.complaints.find((c) => c.status === 'open');
    const mayComplain =
      state.status !== 'received' && state.status !== 'awaiting_dispatch' && state.status !== 'cancelled';
    if (open && mayComplain && (state.status === 'closed' || r.chance({ p: 0.2 }))) {
      const fee =
        state.dispatch?.dispatchedAt === open.dispatchedAt ? (state.dispatch.feeFen ?? 0) : open.feeFen;
      const outcome =
        fee >= 500 && r.chance({ p: 0.5 })
          ? { kind: 'refund', amountFen: r.int({ min: 100, max: 500 }) }
          : r.pick({ from: [{ kind: 'dismissed' }, { kind: 'penalty', points: 5 }] });
      return {
        device: inspector,
        type: 'resolveComplaint',
        payload: { complaintId: open.id, outcome, reason: '核实后处理' },
      };
    }
    const complain = (): Step => ({
      device: seat,
      type: 'openComplaint',
      payload: {
        complaintId: createId({ now: this.#now }),
        kind: r.pick({ from: ['quality', 'price'] }),
        description: '服务不到位',
      },
    });
    const dispatchedTo = state.dispatch?.enterpriseId ?? '';
    switch (state.status) {
      case 'received': {
        const information = (informationItems as readonly string[]).includes(state.itemCode);
        if (information || r.chance({ p: 0.07 })) {
          return r.chance({ p: 0.85 })
            ? { device: seat, type: 'answerInformation', payload: { answer: '已电话告知办理流程' } }
            : { device: seat, type: 'cancel', payload: { reason: '市民撤回' } };
        }
        return r.chance({ p: 0.92 })
          ? { device: seat, type: 'awaitDispatch', payload: {} }
          : { device: seat, type: 'cancel', payload: { reason: '重复来电' } };
      }
      case 'awaiting_dispatch': {
        const serving = this.#enterpriseStates().filter(
          (e) =>
            (e.status === 'active' || e.status === 'warned') &&
            e.items.includes(state.itemCode) &&
            e.counties.includes(state.countyCode),
        );
        if (serving.length === 0 && r.chance({ p: 0.5 })) {
          return { device: seat, type: 'cancel', payload: { reason: '无可派企业' } };
        }
        // Sometimes one that cannot take it (suspended, under review, wrong item): refused by the home.
        const target =
          serving.length === 0 || r.chance({ p: 0.1 })
            ? r.pick({ from: enterpriseSpecs }).id
            : r.pick({ from: serving }).id;
        return { device: seat, type: 'dispatch', payload: { enterpriseId: target } };
      }
      case 'dispatched': {
        const roll = r.next();
        if (roll < 0.7) {
          const workerId = r.chance({ p: 0.5 })
            ? this.#workerId({ enterpriseId: dispatchedTo, n: r.int({ min: 1, max: 2 }) })
            : null;
          return {
            device: enterpriseStaff,
            type: 'accept',
            payload: { enterpriseId: dispatchedTo, workerId },
          };
        }
        if (roll < 0.85) {
          return {
            device: enterpriseStaff,
            type: 'decline',
            payload: { enterpriseId: dispatchedTo, reason: '人手不足' },
          };
        }
        return roll < 0.95 ? { device: seat, type: 'cancel', payload: { reason: '市民另找' } } : complain();
      }
      case 'accepted':
        if (!state.dispatch?.workerId) {
          return {
            device: enterpriseStaff,
            type: 'assignWorker',
            payload: { workerId: this.#workerId({ enterpriseId: dispatchedTo, n: 1 }) },
          };
        }
        return r.chance({ p: 0.9 })
          ? { device: enterpriseStaff, type: 'startService', payload: {} }
          : { device: seat, type: 'cancel', payload: { reason: '时间冲突' } };
      case 'in_service':
        return r.chance({ p: 0.9 })
          ? {
              device: enterpriseStaff,
              type: 'markServed',
              payload: { feeFen: r.int({ min: 30, max: 600 }) * 100 },
            }
          : complain();
      case 'served': {
        const roll = r.next();
        if (roll < 0.15)
          return {
            device: seat,
            type: 'recordReturnVisit',
            payload: { reached: false, comment: '无人接听' },
          };
        if (roll < 0.35) {
          return {
            device: seat,
            type: 'recordReturnVisit',
            payload: { reached: true, satisfaction: r.int({ min: 1, max: 2 }), comment: '打扫不干净' },
          };
        }
        if (roll < 0.9) {
          return {
            device: seat,
            type: 'recordReturnVisit',
            payload: { reached: true, satisfaction: r.int({ min: 3, max: 5 }), comment: '满意' },
          };
        }
        return complain();
      }
      case 'closed':
        return state.resolution === 'served' && state.complaints.length < 2 && r.chance({ p: 0.25 })
          ? complain()
          : null;
      case 'cancelled':
        return null;
    }
  }

  async #append(options: { recordId: string; update: Uint8Array }): Promise<void> {
    if (options.update.length === 0) return;
    const { changed } = await this.store.appendUpdate(options);
    if (changed) this.#changed.add(options.recordId);
  }

  #fixedTick(): number {
    this.#now += 60_000;
    return this.#now;
  }

  #tick(): number {
    this.#now += this.random.int({ min: 1, max: 20 }) * 60_000;
    return this.#now;
  }
}

/** The projection tables as rows, in record id order (byte order, as JavaScript compares the ids). */
export async function readProjectionTables(options: { db: ProjectionDatabase }): Promise<ProjectedRows> {
  const { db } = options;
  const byBytes = (column: AnyPgColumn) => sql`${column} COLLATE "C"`;
  return {
    orders: await db.select().from(orders).orderBy(byBytes(orders.recordId)),
    enterprises: await db.select().from(enterprises).orderBy(byBytes(enterprises.recordId)),
    workers: await db.select().from(workers).orderBy(byBytes(workers.recordId)),
    directoryUsers: await db
      .select()
      .from(directoryUsers)
      .orderBy(byBytes(directoryUsers.recordId), byBytes(directoryUsers.userId)),
    directoryDevices: await db
      .select()
      .from(directoryDevices)
      .orderBy(byBytes(directoryDevices.recordId), byBytes(directoryDevices.deviceId)),
    closings: await db.select().from(closings).orderBy(byBytes(closings.recordId)),
  };
}

/** What the tables must hold for these record states, in readProjectionTables' order. */
export function projectStates(options: { states: ReadonlyMap<string, unknown> }): ProjectedRows {
  const rows: ProjectedRows = {
    orders: [],
    enterprises: [],
    workers: [],
    directoryUsers: [],
    directoryDevices: [],
    closings: [],
  };
  const ids = [...options.states.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const recordId of ids) {
    const projected = projectRecord({ recordId, state: options.states.get(recordId) }).rows;
    rows.orders.push(...projected.orders);
    rows.enterprises.push(...projected.enterprises);
    rows.workers.push(...projected.workers);
    rows.directoryUsers.push(...projected.directoryUsers);
    rows.directoryDevices.push(...projected.directoryDevices);
    rows.closings.push(...projected.closings);
  }
  return rows;
}

export type ScenarioRound = {
  /** Records whose stored bytes changed during the round. */
  changed: number;
  /** What catchUp() reported after the round. */
  caughtUp: CatchUpResult;
  storeSeq: number;
  /** Whether the tables then equalled the records' projection. */
  matches: boolean;
};

/**
 * Orders arrive and move on over several rounds, the registry and directory change now and then, and the
 * projector catches up after each round, as the hub's would after each sync.
 */
export async function runScenario(options: {
  network: SimulatedNetwork;
  projector: Projector;
  db: ProjectionDatabase;
  rounds: number;
  ordersPerRound: number;
}): Promise<ScenarioRound[]> {
  const { network, projector, db } = options;
  const rounds: ScenarioRound[] = [];
  const catchUp = async () => {
    const changed = network.takeChanged().size;
    const caughtUp = await projector.catchUp();
    const matches = isDeepStrictEqual(
      await readProjectionTables({ db }),
      projectStates({ states: network.readStates() }),
    );
    rounds.push({ changed, caughtUp, storeSeq: await network.store.currentSeq(), matches });
  };
  await catchUp();
  for (let round = 1; round <= options.rounds; round++) {
    // The last rounds only move existing orders on, so most lifecycles reach their end.
    if (round <= options.rounds - 2) await network.receiveOrders({ count: options.ordersPerRound });
    await network.advanceOrders({ maxSteps: 4 });
    if (round <= 3) await network.changeRegistry({ round });
    await catchUp();
  }
  return rounds;
}
