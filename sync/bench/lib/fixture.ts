// The world the sync benchmarks run in: devices with real P-256 keys, the directory that enrols them, a
// registry with realistic ids, and a generator of realistic order histories (signed proposals, log
// entries, free-field edits) built the way replicas build them, but fast enough to make 100,000 orders.
import { createPrivateKey, sign, type JsonWebKey as NodeJsonWebKey, type KeyObject } from 'node:crypto';
import * as Y from 'yjs';
import { createId, type EnterpriseState, type Worker } from '../../src/domain';
import { makeEnterprise, makeWorker } from '../../src/domain/test-support';
import { exportPrivateKey, exportPublicKey, generateDeviceKeys } from '../../src/records/device-keys';
import { encodeLogEntry, encodeProposalBody, signedBytes } from '../../src/records/record-codec';
import { captureUpdate, fieldsOf, logOf, proposalsOf } from '../../src/records/record-doc';
import {
  buildDirectory,
  directoryId,
  t0,
  trustedSignerOf,
  type TestDevice,
} from '../../src/records/test-support';
import type { TrustedSigner } from '../../src/records/home-sequencer';
import type { RegistrySource } from '../../src/replica/home-service';
import type { SyncPeer } from '../../src/replica/sync-peer';

export { directoryId, t0 };

export const countyA = '330106';
export const countyB = '330108';

/** A device with its key twice: as WebCrypto (the product's signing path) and as a Node KeyObject (bulk). */
export type BenchDevice = TestDevice & { keyObject: KeyObject; peer: SyncPeer };

async function makeDevice(options: {
  deviceId: string;
  userId: string;
  role: SyncPeer['role'];
  countyCode: string | null;
  kind: SyncPeer['kind'];
}): Promise<BenchDevice> {
  const keys = await generateDeviceKeys({ extractable: true });
  const jwk: NodeJsonWebKey = { ...(await exportPrivateKey({ key: keys.privateKey })) };
  return {
    deviceId: options.deviceId,
    privateKey: keys.privateKey,
    publicKey: await exportPublicKey({ key: keys.publicKey }),
    actor: { userId: options.userId, role: options.role },
    countyCode: options.countyCode,
    keyObject: createPrivateKey({ key: jwk, format: 'jwk' }),
    peer: {
      id: options.deviceId,
      kind: options.kind,
      countyCode: options.countyCode,
      role: options.role,
      userId: options.userId,
    },
  };
}

export type World = {
  hub: BenchDevice;
  applianceA: BenchDevice;
  applianceB: BenchDevice;
  /** A call-taker's PWA in county A. */
  pwa: BenchDevice;
  /** The centre's own replica: it reads every county's records. */
  centre: BenchDevice;
  hubSigner: TrustedSigner;
  directoryUpdate: Uint8Array;
  enterprises: EnterpriseState[];
  workers: Worker[];
  registry: RegistrySource;
};

/** Keys, the directory (made and sequenced by the hub's own device) and a registry of two enterprises. */
export async function createWorld(): Promise<World> {
  const hub = await makeDevice({
    deviceId: 'hub-01',
    userId: 'hub',
    role: 'system',
    countyCode: null,
    kind: 'hub',
  });
  const applianceA = await makeDevice({
    deviceId: `appliance-${countyA}`,
    userId: `appliance-${countyA}`,
    role: 'system',
    countyCode: countyA,
    kind: 'appliance',
  });
  const applianceB = await makeDevice({
    deviceId: `appliance-${countyB}`,
    userId: `appliance-${countyB}`,
    role: 'system',
    countyCode: countyB,
    kind: 'appliance',
  });
  const pwa = await makeDevice({
    deviceId: `pwa-${countyA}-07`,
    userId: `ct-${countyA}-07`,
    role: 'call_taker',
    countyCode: countyA,
    kind: 'pwa',
  });
  const centre = await makeDevice({
    deviceId: 'centre-01',
    userId: 'centre',
    role: 'central_office',
    countyCode: null,
    kind: 'appliance',
  });
  const { doc } = await buildDirectory({ hub, devices: [applianceA, applianceB, pwa, centre] });
  // Built under a short id (the test builder derives a 40-character agreement number from it), then
  // given a real record id: dispatch payloads carry enterprise and worker record ids.
  const enterprises = [1, 2].map((i) => ({
    ...makeEnterprise({
      id: `e${i}`,
      items: ['FAM-CLEANING', 'FAM-HOURLY', 'FAM-NANNY'],
      counties: [countyA, countyB],
    }),
    id: `enterprise:hub:${createId({ now: t0 })}`,
  }));
  const workers = enterprises.flatMap((e) =>
    [1, 2].map(() =>
      makeWorker({
        id: `worker:hub:${createId({ now: t0 })}`,
        enterpriseId: e.id,
        qualifications: ['domestic_service_cert'],
      }),
    ),
  );
  return {
    hub,
    applianceA,
    applianceB,
    pwa,
    centre,
    hubSigner: trustedSignerOf(hub),
    directoryUpdate: Y.encodeStateAsUpdate(doc),
    enterprises,
    workers,
    registry: {
      findEnterprise: ({ id }) => Promise.resolve(enterprises.find((e) => e.id === id)),
      findWorker: ({ id }) => Promise.resolve(workers.find((w) => w.id === id)),
    },
  };
}

const surnames = ['张', '王', '李', '赵', '陈', '刘', '杨', '黄'];
const streets = ['文三路', '教工路', '天目山路', '古墩路', '莫干山路', '学院路', '文二西路'];
const notes = ['', '', '需要自带清洁工具', '家里有老人，请提前电话联系', '周末上午方便', ''];

/** What a call-taker types for a new order: realistic lengths, Chinese text, canonical phone. */
export function receivePayload(options: { recordId: string; n: number; at: number; itemCode: string }) {
  const { recordId, n, at, itemCode } = options;
  const information = itemCode === infoItem;
  return {
    orderId: recordId,
    channel: n % 10 === 0 ? 'sms' : 'call',
    citizenPhone: `+86138${String(10_000_000 + ((n * 7919) % 89_999_999)).slice(0, 8)}`,
    citizenName: `${surnames[n % surnames.length] ?? '张'}${n % 2 === 0 ? '女士' : '先生'}`,
    itemCode,
    urgency: n % 17 === 0 ? 'urgent' : 'normal',
    address: information
      ? ''
      : `西湖区${streets[n % streets.length] ?? '文三路'} ${10 + (n % 290)} 号 ${1 + (n % 9)} 幢 ${101 + (n % 1500)} 室`,
    wantedAt: information ? null : at + 86_400_000,
    durationMinutes: information ? null : 120,
    notes: information ? '' : (notes[n % notes.length] ?? ''),
  };
}

export const dispatchItems = ['FAM-CLEANING', 'FAM-HOURLY', 'FAM-CLEANING', 'FAM-NANNY'] as const;
export const infoItem = 'SHP-PRICES';

/** The lifecycle steps after `receive`, in order, for a dispatched or an information order. */
export function lifecycleSteps(options: {
  itemCode: string;
  world: Pick<World, 'enterprises' | 'workers'>;
  n: number;
}): Array<{ type: string; payload: unknown }> {
  if (options.itemCode === infoItem)
    return [{ type: 'answerInformation', payload: { answer: '今日猪肉 26 元/斤，青菜 3 元/斤' } }];
  const enterprise = options.world.enterprises[options.n % options.world.enterprises.length];
  const worker = options.world.workers.find((w) => w.enterpriseId === enterprise?.id);
  const enterpriseId = enterprise?.id ?? '';
  return [
    { type: 'awaitDispatch', payload: {} },
    { type: 'dispatch', payload: { enterpriseId } },
    { type: 'accept', payload: { enterpriseId, workerId: worker?.id ?? null } },
    { type: 'startService', payload: {} },
    { type: 'markServed', payload: { feeFen: 24_000 } },
    { type: 'recordReturnVisit', payload: { reached: true, satisfaction: 5, comment: '阿姨很细心' } },
  ];
}

/**
 * One order record built as its replicas build it: every write comes from a freshly loaded document
 * (proposeToStore, the home sequencer and setFieldInStore each load the record anew), so every write
 * has its own Yjs client id, as in production. Signing is synchronous (Node's crypto, the same P-256
 * key and raw r‖s signature as WebCrypto) so 100,000 orders take seconds, not minutes.
 */
export class OrderWriter {
  readonly recordId: string;
  readonly doc: Y.Doc;
  #nextAt: number;

  constructor(options: { recordId: string; at: number }) {
    this.recordId = options.recordId;
    this.doc = new Y.Doc({ guid: options.recordId, gc: true });
    this.#nextAt = options.at;
  }

  /** A signed proposal appended to `proposals`; returns its id and the Yjs update. */
  propose(options: { device: BenchDevice; type: string; payload: unknown }): {
    proposalId: string;
    update: Uint8Array;
  } {
    const at = (this.#nextAt += 60_000);
    const id = createId({ now: at });
    const body = encodeProposalBody({
      id,
      type: options.type,
      actor: options.device.actor,
      device: options.device.deviceId,
      at,
      payload: options.payload,
    });
    const signature = sign('sha256', signedBytes({ recordId: this.recordId, body }), {
      key: options.device.keyObject,
      dsaEncoding: 'ieee-p1363',
    });
    const stored = new Uint8Array(body.length + signature.length);
    stored.set(body);
    stored.set(signature, body.length);
    return { proposalId: id, update: this.#write(() => proposalsOf(this.doc).push([stored])) };
  }

  /** The home's log entry accepting a proposal. */
  accept(options: { proposalId: string }): Uint8Array {
    const entry = encodeLogEntry({ proposalId: options.proposalId, outcome: 'accepted' });
    return this.#write(() => logOf(this.doc).push([entry]));
  }

  setField(options: { key: string; value: string }): Uint8Array {
    return this.#write(() => fieldsOf(this.doc).set(options.key, options.value));
  }

  state(): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc);
  }

  #write(change: () => void): Uint8Array {
    this.doc.clientID = freshClientId();
    return captureUpdate({ doc: this.doc, origin: 'local', change });
  }
}

function freshClientId(): number {
  return Math.floor(Math.random() * 0x1_0000_0000);
}

/** A record's history as the updates that made it, each a separate append (as the hub receives them). */
export type OrderHistory = {
  recordId: string;
  updates: Uint8Array[];
  writer: OrderWriter;
  /** The lifecycle steps not taken yet (for later changes). */
  remaining: Array<{ type: string; payload: unknown }>;
  /** Signed proposals in `updates`. */
  signed: number;
};

/**
 * An order of `county` received at `at`, with its first `changes` changes after `receive`: every fifth
 * change (counted over the whole data set by `changeCounter`) is a free-field edit, the others the next
 * lifecycle step (a signed proposal and its log entry).
 */
export function buildOrder(options: {
  world: Pick<World, 'enterprises' | 'workers'>;
  seat: BenchDevice;
  county: string;
  n: number;
  at: number;
  changes: number;
  changeCounter: { value: number };
}): OrderHistory {
  const { world, seat, n, at } = options;
  const recordId = `order:${options.county}:${createId({ now: at })}`;
  const writer = new OrderWriter({ recordId, at });
  const itemCode = n % 5 === 4 ? infoItem : (dispatchItems[n % dispatchItems.length] ?? 'FAM-CLEANING');
  const updates: Uint8Array[] = [];
  const received = writer.propose({
    device: seat,
    type: 'receive',
    payload: receivePayload({ recordId, n, at, itemCode }),
  });
  updates.push(received.update, writer.accept({ proposalId: received.proposalId }));
  const steps = lifecycleSteps({ itemCode, world, n });
  const signed =
    1 +
    appendChanges({ writer, seat, steps, updates, changes: options.changes, counter: options.changeCounter });
  return { recordId, updates, writer, remaining: steps, signed };
}

/**
 * Applies the next `changes` changes to an order built by buildOrder (its remaining lifecycle steps;
 * once they are used up, field edits). Returns how many of them were signed proposals.
 */
export function appendChanges(options: {
  writer: OrderWriter;
  seat: BenchDevice;
  steps: Array<{ type: string; payload: unknown }>;
  updates: Uint8Array[];
  changes: number;
  counter: { value: number };
}): number {
  const { writer, seat, steps, updates, counter } = options;
  let signed = 0;
  for (let c = 0; c < options.changes; c++) {
    counter.value += 1;
    const step = counter.value % 5 === 0 ? undefined : steps.shift();
    if (step === undefined) {
      updates.push(writer.setField({ key: 'note', value: `回访备注 ${counter.value % 1000}` }));
      continue;
    }
    const proposal = writer.propose({ device: seat, type: step.type, payload: step.payload });
    updates.push(proposal.update, writer.accept({ proposalId: proposal.proposalId }));
    signed += 1;
  }
  return signed;
}
