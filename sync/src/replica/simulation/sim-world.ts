// A seeded world of replicas for the convergence simulation: a hub, two county appliances and three
// PWAs, wired by in-memory links that the scheduler delivers, duplicates, cuts and heals, and nodes it
// restarts from their stores. Test support, not product code.
import * as Y from 'yjs';
import { MemoryRecordStore } from '../../adapters/storage/memory-record-store';
import { createId, type EnterpriseState, type OrderState, type Worker } from '../../domain';
import { makeEnterprise, makeWorker } from '../../domain/test-support';
import { decodeFrame } from '../../protocol/frames';
import { logOf, loadRecordDoc } from '../../records/record-doc';
import { readRecordSnapshot } from '../../records/record-state';
import {
  buildDirectory,
  createTestDevice,
  directoryId,
  t0,
  trustedSignerOf,
  type TestDevice,
} from '../../records/test-support';
import { SyncClient, type ClientAttachment } from '../../relay/sync-client';
import { SyncServer, type SyncConnection } from '../../relay/sync-server';
import { HomeService, type RegistrySource } from '../home-service';
import { digestRecord } from '../record-digest';
import { proposeToStore, setFieldInStore } from '../local-writes';
import { createReplicaPolicy } from '../replica-policy';
import type { ReplicaSelf, SyncPeer } from '../sync-peer';

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function createRandom(seed: number): {
  next: () => number;
  int: (n: number) => number;
  pick: <T>(xs: readonly T[]) => T;
} {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(xs: readonly T[]) => xs[int(xs.length)] as T };
}

export const countyA = '330106';
export const countyB = '330108';

type Fixture = {
  devices: Record<'hub' | 'appA' | 'appB' | 'pwa1' | 'pwa2' | 'pwa3', TestDevice>;
  directoryUpdate: Uint8Array;
  registry: RegistrySource;
};

let fixture: Promise<Fixture> | null = null;

/** Keys and the directory are made once: key generation would dominate a thousand seeds. */
export function loadFixture(): Promise<Fixture> {
  fixture ??= (async () => {
    const make = (deviceId: string, userId: string, role: string, countyCode: string | null) =>
      createTestDevice({ deviceId, userId, role, countyCode });
    const devices = {
      hub: await make('hub-1', 'hub', 'system', null),
      appA: await make(`app-${countyA}`, `appliance-${countyA}`, 'system', countyA),
      appB: await make(`app-${countyB}`, `appliance-${countyB}`, 'system', countyB),
      pwa1: await make('pwa-1', 'ct-1', 'call_taker', countyA),
      pwa2: await make('pwa-2', 'sv-2', 'supervisor', countyA),
      pwa3: await make('pwa-3', 'ct-3', 'call_taker', countyB),
    };
    const { doc } = await buildDirectory({
      hub: devices.hub,
      devices: [devices.appA, devices.appB, devices.pwa1, devices.pwa2, devices.pwa3],
    });
    const enterprises: EnterpriseState[] = [
      makeEnterprise({ id: 'e1', items: ['FAM-CLEANING', 'FAM-HOURLY'], counties: [countyA, countyB] }),
      makeEnterprise({ id: 'e2', items: ['FAM-CLEANING'], counties: [countyA] }),
    ];
    const workers: Worker[] = [
      makeWorker({ id: 'w1', enterpriseId: 'e1', qualifications: ['domestic_service_cert'] }),
      makeWorker({ id: 'w2', enterpriseId: 'e2', qualifications: ['domestic_service_cert'] }),
      makeWorker({ id: 'w3', enterpriseId: 'e1', trained: false }),
    ];
    return {
      devices,
      directoryUpdate: Y.encodeStateAsUpdate(doc),
      registry: {
        findEnterprise: ({ id }) => Promise.resolve(enterprises.find((e) => e.id === id)),
        findWorker: ({ id }) => Promise.resolve(workers.find((w) => w.id === id)),
      },
    };
  })();
  return fixture;
}

type Node = {
  name: string;
  store: MemoryRecordStore;
  device: TestDevice;
  peer: SyncPeer;
  self: ReplicaSelf | null;
  server: SyncServer<SyncPeer> | null;
  client: SyncClient | null;
  home: HomeService | null;
};

class Link {
  toServer: Uint8Array[] = [];
  toClient: Uint8Array[] = [];
  up = false;
  #conn: SyncConnection | null = null;
  #att: ClientAttachment | null = null;

  constructor(
    readonly upper: Node,
    readonly lower: Node,
  ) {}

  connect(): void {
    if (this.up || !this.upper.server || !this.lower.client) return;
    this.up = true;
    const server = this.upper.server;
    const client = this.lower.client;
    this.#conn = server.connect({
      peer: this.lower.peer,
      send: (b) => this.up && this.toClient.push(b),
      close: () => this.cut(),
    });
    this.#att = client.attach({ send: (b) => this.up && this.toServer.push(b), close: () => this.cut() });
  }

  cut(): void {
    if (!this.up) return;
    this.up = false;
    this.toServer = [];
    this.toClient = [];
    this.#conn?.disconnected();
    this.#att?.disconnected();
    this.#conn = null;
    this.#att = null;
  }

  pending(): number {
    return this.toServer.length + this.toClient.length;
  }

  /** Delivers the next frame one way; `duplicate` re-delivers a record update frame (idempotence). */
  async deliver(options: { towardsServer: boolean; duplicate: boolean }): Promise<boolean> {
    const queue = options.towardsServer ? this.toServer : this.toClient;
    const bytes = queue.shift();
    if (!bytes) return false;
    const target = options.towardsServer ? this.#conn : this.#att;
    if (!target) return false;
    // Like a socket, delivery does not wait for the receiver to finish: it queues frames in order itself.
    void target.receive(bytes);
    if (options.duplicate && isUpdateFrame(bytes) && this.up) void target.receive(bytes);
    await settleMicrotasks();
    return true;
  }
}

/** Lets every promise chain the last deliveries started run to its next wait on the network. */
async function settleMicrotasks(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

function isUpdateFrame(bytes: Uint8Array): boolean {
  try {
    const f = decodeFrame(bytes);
    return f.type === 'update' || f.type === 'syncStep2';
  } catch {
    return false;
  }
}

export type SimStats = {
  proposals: number;
  fieldEdits: number;
  cuts: number;
  restarts: number;
  duplicates: number;
  delivered: number;
};

export class SimWorld {
  readonly nodes: Record<'hub' | 'appA' | 'appB' | 'pwa1' | 'pwa2' | 'pwa3', Node>;
  readonly links: Link[];
  readonly madeProposals = new Map<string, string>();
  /** Signed with another device's key: the home must reject every one. */
  readonly forgedProposals = new Set<string>();
  /** Written to a record the author may not write: the relay must keep every one out. */
  readonly trespasses = new Map<string, string>();
  readonly stats: SimStats = {
    proposals: 0,
    fieldEdits: 0,
    cuts: 0,
    restarts: 0,
    duplicates: 0,
    delivered: 0,
  };
  readonly #fixture: Fixture;
  readonly #random: ReturnType<typeof createRandom>;
  #clock = t0;

  private constructor(fx: Fixture, random: ReturnType<typeof createRandom>) {
    this.#fixture = fx;
    this.#random = random;
    const d = fx.devices;
    const node = (
      name: string,
      device: TestDevice,
      kind: SyncPeer['kind'],
      self: ReplicaSelf | null,
    ): Node => ({
      name,
      store: new MemoryRecordStore(),
      device,
      peer: {
        id: device.deviceId,
        kind,
        countyCode: device.countyCode,
        role: device.actor.role as SyncPeer['role'],
        userId: device.actor.userId,
      },
      self,
      server: null,
      client: null,
      home: null,
    });
    this.nodes = {
      hub: node('hub', d.hub, 'hub', { kind: 'hub' }),
      appA: node('appA', d.appA, 'appliance', { kind: 'appliance', countyCode: countyA }),
      appB: node('appB', d.appB, 'appliance', { kind: 'appliance', countyCode: countyB }),
      pwa1: node('pwa1', d.pwa1, 'pwa', null),
      pwa2: node('pwa2', d.pwa2, 'pwa', null),
      pwa3: node('pwa3', d.pwa3, 'pwa', null),
    };
    const n = this.nodes;
    this.links = [
      new Link(n.hub, n.appA),
      new Link(n.hub, n.appB),
      new Link(n.appA, n.pwa1),
      new Link(n.appA, n.pwa2),
      new Link(n.appB, n.pwa3),
    ];
  }

  static async create(options: { seed: number }): Promise<SimWorld> {
    const fx = await loadFixture();
    const world = new SimWorld(fx, createRandom(options.seed));
    for (const node of Object.values(world.nodes)) {
      await node.store.appendUpdate({ recordId: directoryId, update: fx.directoryUpdate });
      world.#boot(node);
    }
    return world;
  }

  /** (Re)creates a node's services over its store, as a process restart would. */
  #boot(node: Node): void {
    const fx = this.#fixture;
    const upper = node.self !== null && node.name !== 'hub' ? this.nodes.hub : null;
    node.client =
      node.name === 'hub'
        ? null
        : new SyncClient({
            store: node.store,
            clientId: node.device.deviceId,
            cursorKey: `cursor:${upper ? 'hub' : 'appliance'}`,
            onRecordChange: ({ recordId }) => {
              if (
                node.home &&
                node.self &&
                recordId.startsWith(`order:${node.self.kind === 'appliance' ? node.self.countyCode : ''}:`)
              ) {
                void node.home.sequence({ recordId }).catch(() => undefined);
              }
            },
          });
    if (node.self) {
      const self = node.self;
      const server: SyncServer<SyncPeer> = new SyncServer<SyncPeer>({
        store: node.store,
        serverId: node.device.deviceId,
        policy: createReplicaPolicy({
          self,
          sequence: async ({ recordId }) => {
            await node.home?.sequence({ recordId });
          },
          forward: ({ recordId }) => node.client?.notifyLocalChange({ recordId }),
        }),
      });
      node.server = server;
      node.home = new HomeService({
        store: node.store,
        directoryId,
        selfDeviceId: node.device.deviceId,
        trusted: self.kind === 'hub' ? [trustedSignerOf(fx.devices.hub)] : [],
        registry: fx.registry,
        publish: async ({ recordId, update }) => {
          await server.publish({ recordId, update });
          node.client?.notifyLocalChange({ recordId });
        },
      });
    }
  }

  #tick(): number {
    this.#clock += 1 + this.#random.int(60_000);
    return this.#clock;
  }

  /**
   * Waits for the homes' sequencing (signature checks run on WebCrypto's thread pool, so their timing
   * is not the scheduler's): the network stays adversarial, but a seed replays the same way.
   */
  async #homesIdle(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await settleMicrotasks();
      for (const node of Object.values(this.nodes)) await node.home?.idle();
    }
  }

  /** One random event. */
  async step(): Promise<void> {
    await this.#stepOnce();
    await this.#homesIdle();
  }

  async #stepOnce(): Promise<void> {
    const r = this.#random;
    const roll = r.next();
    if (roll < 0.45) {
      const live = this.links.filter((l) => l.up && l.pending() > 0);
      if (live.length === 0) return;
      const link = r.pick(live);
      const towardsServer = link.toServer.length > 0 && (link.toClient.length === 0 || r.next() < 0.5);
      const duplicate = r.next() < 0.05;
      if (duplicate) this.stats.duplicates += 1;
      if (await link.deliver({ towardsServer, duplicate })) this.stats.delivered += 1;
    } else if (roll < 0.6) {
      r.pick(this.links).connect();
    } else if (roll < 0.66) {
      const link = r.pick(this.links);
      if (link.up) this.stats.cuts += 1;
      link.cut();
    } else if (roll < 0.68) {
      await this.#restart(r.pick(Object.values(this.nodes)));
    } else if (roll < 0.95) {
      await this.#propose();
    } else {
      await this.#editField();
    }
  }

  async #restart(node: Node): Promise<void> {
    this.stats.restarts += 1;
    for (const link of this.links) if (link.upper === node || link.lower === node) link.cut();
    await settleMicrotasks();
    this.#boot(node);
    if (node.home && node.self) {
      const prefixes =
        node.self.kind === 'appliance' ? [`order:${node.self.countyCode}:`] : ['directory:', 'enterprise:'];
      await node.home.recover({ prefixes });
    }
  }

  #pwas(): Node[] {
    return [this.nodes.pwa1, this.nodes.pwa2, this.nodes.pwa3];
  }

  /** The orders of its county the node holds (a refused record stays behind as an empty reset copy). */
  async #knownOrders(node: Node): Promise<string[]> {
    const changes = await node.store.listChanges({
      after: 0,
      limit: 10_000,
      prefixes: [`order:${node.device.countyCode ?? ''}:`],
    });
    return changes.map((c) => c.recordId);
  }

  async #propose(): Promise<void> {
    const r = this.#random;
    const node = r.pick(this.#pwas());
    const county = node.device.countyCode ?? countyA;
    const known = await this.#knownOrders(node);
    const at = this.#tick();
    let recordId: string;
    let type: string;
    let payload: unknown;
    if (known.length === 0 || r.next() < 0.25) {
      recordId = `order:${county}:${createId({ now: at })}`;
      type = 'receive';
      payload = {
        orderId: r.next() < 0.03 ? `order:${county}:${createId({ now: at })}` : recordId,
        channel: r.pick(['call', 'sms', 'web']),
        citizenPhone: '+8613812345678',
        citizenName: '市民',
        itemCode: r.pick(['FAM-CLEANING', 'FAM-CLEANING', 'FAM-HOURLY', 'INF-WEATHER']),
        urgency: r.pick(['normal', 'urgent']),
        address: '',
        wantedAt: null,
        durationMinutes: null,
        notes: '',
      };
    } else {
      recordId = r.pick(known);
      [type, payload] = r.pick<[string, unknown]>([
        ['awaitDispatch', {}],
        ['answerInformation', { answer: '已答复' }],
        ['dispatch', { enterpriseId: r.pick(['e1', 'e2', 'e9']) }],
        ['accept', { enterpriseId: r.pick(['e1', 'e2']), workerId: r.pick([null, 'w1', 'w2', 'w3']) }],
        ['decline', { enterpriseId: r.pick(['e1', 'e2']), reason: '忙' }],
        ['assignWorker', { workerId: r.pick(['w1', 'w2', 'w3']) }],
        ['startService', {}],
        ['markServed', { feeFen: r.pick([0, 12000, 30000]) }],
        ['recordReturnVisit', { reached: true, satisfaction: 1 + r.int(5), comment: '' }],
        ['cancel', { reason: '取消' }],
        ['openComplaint', { complaintId: createId({ now: at }), kind: 'price', description: '贵' }],
      ]);
    }
    const hostile = r.next();
    if (hostile < 0.03 && node.device.countyCode === countyB) {
      // A county-B seat writing an order of county A: its appliance must refuse it.
      const target = `order:${countyA}:${createId({ now: at })}`;
      const { proposalId } = await proposeToStore({
        store: node.store,
        recordId: target,
        device: node.device,
        actor: node.device.actor,
        type,
        payload,
        at,
      });
      this.trespasses.set(proposalId, target);
      node.client?.notifyLocalChange({ recordId: target });
      return;
    }
    const forged = hostile > 0.97;
    const signer = forged ? r.pick(this.#pwas().filter((p) => p !== node)).device : node.device;
    const device = { deviceId: node.device.deviceId, privateKey: signer.privateKey };
    const { proposalId } = await proposeToStore({
      store: node.store,
      recordId,
      device,
      actor: node.device.actor,
      type,
      payload,
      at,
    });
    if (forged) this.forgedProposals.add(proposalId);
    this.madeProposals.set(proposalId, recordId);
    this.stats.proposals += 1;
    node.client?.notifyLocalChange({ recordId });
  }

  async #editField(): Promise<void> {
    const node = this.#random.pick(this.#pwas());
    const known = await this.#knownOrders(node);
    if (known.length === 0) return;
    const recordId = this.#random.pick(known);
    await setFieldInStore({
      store: node.store,
      recordId,
      key: this.#random.pick(['note', 'address-hint']),
      value: `v${this.#random.int(1000)}`,
    });
    this.stats.fieldEdits += 1;
    node.client?.notifyLocalChange({ recordId });
  }

  /** Heals every link and runs until nothing moves any more. */
  async settle(): Promise<void> {
    for (const l of this.links) l.connect();
    let quiet = 0;
    let pulled = false;
    for (let round = 0; round < 20_000; round++) {
      let moved = false;
      for (const link of this.links) {
        if (link.toServer.length > 0)
          moved = (await link.deliver({ towardsServer: true, duplicate: false })) || moved;
        if (link.toClient.length > 0)
          moved = (await link.deliver({ towardsServer: false, duplicate: false })) || moved;
      }
      if (moved) {
        quiet = 0;
        continue;
      }
      await this.#homesIdle();
      quiet += 1;
      // Quiet twice in a row: ask every client to pull once more, to prove nothing is left behind.
      if (quiet === 2 && !pulled) {
        pulled = true;
        for (const node of Object.values(this.nodes)) node.client?.pull();
      }
      if (quiet > 4 && pulled && this.links.every((l) => l.pending() === 0)) return;
    }
    const flowing = this.links.map(
      (l) =>
        `${l.upper.name}→${l.lower.name}: ${[...l.toServer, ...l.toClient]
          .map((b) => {
            try {
              const f = decodeFrame(b);
              return f.type;
            } catch {
              return '?';
            }
          })
          .join(',')}`,
    );
    throw new Error(`the world did not settle: ${flowing.join(' | ')}`);
  }

  /** Every replica that may read a record holds the same bytes of it. */
  async divergences(): Promise<string[]> {
    const problems: string[] = [];
    const groups: Record<string, Node[]> = {
      [`order:${countyA}:`]: [this.nodes.hub, this.nodes.appA, this.nodes.pwa1, this.nodes.pwa2],
      [`order:${countyB}:`]: [this.nodes.hub, this.nodes.appB, this.nodes.pwa3],
      'directory:': Object.values(this.nodes),
    };
    for (const [prefix, nodes] of Object.entries(groups)) {
      const ids = new Set<string>();
      for (const node of nodes)
        for (const c of await node.store.listChanges({ after: 0, limit: 10_000, prefixes: [prefix] }))
          ids.add(c.recordId);
      for (const id of ids) {
        const forms = await Promise.all(
          nodes.map(async (node) => canonical(await node.store.readRecord({ recordId: id }), id)),
        );
        if (new Set(forms).size !== 1)
          problems.push(`${id} differs between ${nodes.map((n) => n.name).join(', ')}`);
      }
    }
    return problems;
  }

  /** Every proposal made anywhere reached its home and was decided exactly once; every state is valid. */
  async invariantViolations(): Promise<string[]> {
    const problems: string[] = [];
    const hub = this.nodes.hub.store;
    for (const [proposalId, recordId] of this.trespasses) {
      for (const node of [this.nodes.hub, this.nodes.appA, this.nodes.appB]) {
        if (await node.store.readRecord({ recordId }))
          problems.push(`trespass ${proposalId} reached ${node.name}`);
      }
    }
    for (const [proposalId, recordId] of this.madeProposals) {
      const record = await hub.readRecord({ recordId });
      if (!record) {
        problems.push(`${recordId} never reached the hub`);
        continue;
      }
      const doc = loadRecordDoc({ recordId, update: record.update });
      const snap = readRecordSnapshot({ doc, recordId });
      if (!snap.proposals.some((p) => p.id === proposalId)) problems.push(`proposal ${proposalId} lost`);
      if (!snap.decided.has(proposalId)) problems.push(`proposal ${proposalId} on ${recordId} never decided`);
      if (this.forgedProposals.has(proposalId) && snap.decided.get(proposalId)?.outcome !== 'rejected') {
        problems.push(`forged proposal ${proposalId} was not rejected`);
      }
      const rawIds = logOf(doc)
        .toArray()
        .map((b) => Array.from(b.subarray(1, 17)).join(','));
      if (new Set(rawIds).size !== rawIds.length) problems.push(`${recordId}: a proposal decided twice`);
      const state = snap.state as OrderState | null;
      if (state) problems.push(...orderInvariantViolations(state).map((v) => `${recordId}: ${v}`));
      doc.destroy();
    }
    return problems;
  }
}

async function canonical(record: { update: Uint8Array } | null, recordId: string): Promise<string> {
  return record ? digestRecord({ recordId, update: record.update }) : 'missing';
}

export function orderInvariantViolations(s: OrderState): string[] {
  const v: string[] = [];
  if (['dispatched', 'accepted', 'in_service', 'served'].includes(s.status) && !s.dispatch)
    v.push(`${s.status} without a dispatch`);
  if (['received', 'awaiting_dispatch'].includes(s.status) && s.dispatch)
    v.push(`${s.status} with a dispatch`);
  if (
    (s.status === 'in_service' || s.status === 'served') &&
    s.dispatch?.workerId !== 'w1' &&
    s.dispatch?.workerId !== 'w2'
  ) {
    v.push(`${s.status} with worker ${s.dispatch?.workerId ?? 'none'}, not a trained one`);
  }
  if ((s.status === 'closed' || s.status === 'cancelled') !== (s.closedAt !== null))
    v.push('closedAt does not match status');
  if (s.dispatch && !['e1', 'e2'].includes(s.dispatch.enterpriseId))
    v.push(`dispatched to ${s.dispatch.enterpriseId}`);
  return v;
}

/** One seeded world: random steps, heal, then every check. Used by the test and the soak script. */
export async function runSimulationSeed(options: {
  seed: number;
  steps: number;
}): Promise<{ world: SimWorld; problems: string[] }> {
  const world = await SimWorld.create({ seed: options.seed });
  for (let i = 0; i < options.steps; i++) await world.step();
  await world.settle();
  const problems = [...(await world.divergences()), ...(await world.invariantViolations())];
  return { world, problems };
}
