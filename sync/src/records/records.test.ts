import * as Y from 'yjs';
import { expect, test } from 'vitest';
import { createId, type DirectoryState, type OrderState } from '../domain';
import { makeEnterprise, makeWorker } from '../domain/test-support';
import {
  exportPrivateKey,
  generateDeviceKeys,
  signBytes,
  verifyBytes,
  exportPublicKey,
  importPublicKey,
} from './device-keys';
import { sequenceRecord } from './home-sequencer';
import { proposeCommand } from './propose';
import { bytesToUlid, decodeLogEntry, decodeProposal, encodeLogEntry, ulidToBytes } from './record-codec';
import { fieldsOf, logOf, proposalsOf } from './record-doc';
import { readRecordSnapshot } from './record-state';
import { viewRecord } from './record-view';
import {
  buildDirectory,
  createTestDevice,
  directoryId,
  registryOf,
  t0,
  trustedSignerOf,
} from './test-support';

const county = '330106';
const orderId = () => `order:${county}:${createId({ now: t0 })}`;
const receivePayload = (id: string) => ({
  orderId: id,
  channel: 'call',
  citizenPhone: '+8613812345678',
  citizenName: '张女士',
  itemCode: 'FAM-CLEANING',
  urgency: 'normal',
  address: '文三路 100 号',
  wantedAt: null,
  durationMinutes: null,
  notes: '',
});

async function setup() {
  const hub = await createTestDevice({ deviceId: 'hub-1', userId: 'hub', role: 'system', countyCode: null });
  const appliance = await createTestDevice({
    deviceId: 'app-330106',
    userId: 'appliance-330106',
    role: 'system',
    countyCode: county,
  });
  const seat = await createTestDevice({
    deviceId: 'pwa-seat-1',
    userId: 'ct-wang',
    role: 'call_taker',
    countyCode: county,
  });
  const seat2 = await createTestDevice({
    deviceId: 'pwa-seat-2',
    userId: 'ct-li',
    role: 'call_taker',
    countyCode: county,
  });
  const foreign = await createTestDevice({
    deviceId: 'pwa-far',
    userId: 'ct-far',
    role: 'call_taker',
    countyCode: '330105',
  });
  const admin = await createTestDevice({
    deviceId: 'pwa-admin',
    userId: 'admin',
    role: 'administrator',
    countyCode: null,
  });
  const { state: directory, doc: directoryDoc } = await buildDirectory({
    hub,
    devices: [appliance, seat, seat2, foreign, admin],
  });
  const enterprise = makeEnterprise({ id: 'e1', items: ['FAM-CLEANING'] });
  const registry = registryOf({
    enterprises: [enterprise],
    workers: [makeWorker({ id: 'w1', enterpriseId: 'e1' })],
  });
  return { hub, admin, appliance, seat, seat2, foreign, directory, directoryDoc, registry };
}

test('device keys sign and verify; the browser-style private key cannot be exported', async () => {
  const keys = await generateDeviceKeys({ extractable: false });
  const bytes = new TextEncoder().encode('派单');
  const sig = await signBytes({ privateKey: keys.privateKey, bytes });
  expect(sig.length).toBe(64);
  const pub = await importPublicKey({ publicKey: await exportPublicKey({ key: keys.publicKey }) });
  expect(await verifyBytes({ publicKey: pub, bytes, signature: sig })).toBe(true);
  expect(
    await verifyBytes({ publicKey: pub, bytes: new TextEncoder().encode('派单!'), signature: sig }),
  ).toBe(false);
  await expect(exportPrivateKey({ key: keys.privateKey })).rejects.toThrow();
  await expect(importPublicKey({ publicKey: 'AAAA' })).rejects.toThrow(/P-256/);
});

test('ids and log entries round-trip in their binary form; garbage decodes to null', () => {
  const id = createId();
  expect(bytesToUlid(ulidToBytes(id))).toBe(id);
  const entry = {
    proposalId: id,
    outcome: 'rejected' as const,
    code: 'forbidden',
    field: 'x',
    message: '不允许',
  };
  expect(decodeLogEntry(encodeLogEntry(entry))).toEqual(entry);
  expect(decodeLogEntry(new Uint8Array([1, 2, 3]))).toBeNull();
  expect(decodeProposal(new Uint8Array(100))).toBeNull();
  expect(() => ulidToBytes('nope')).toThrow(/ULID/);
});

test('the home accepts a signed lifecycle, rejects what does not check out, and the view marks pending and conflicts', async () => {
  const { seat, seat2, foreign, directory, registry, hub } = await setup();
  const id = orderId();
  const doc = new Y.Doc({ guid: id });
  const p1 = await proposeCommand({
    doc,
    recordId: id,
    device: seat,
    actor: seat.actor,
    type: 'receive',
    payload: receivePayload(id),
    at: t0,
  });
  await proposeCommand({
    doc,
    recordId: id,
    device: seat,
    actor: seat.actor,
    type: 'awaitDispatch',
    payload: {},
    at: t0 + 1,
  });
  // Before the home decides, the seat sees its own changes applied, marked pending.
  const before = viewRecord({ doc, recordId: id, deviceId: seat.deviceId });
  expect(before.accepted).toBeNull();
  expect((before.state as OrderState).status).toBe('awaiting_dispatch');
  expect(before.pending.map((p) => p.type)).toEqual(['receive', 'awaitDispatch']);
  expect(viewRecord({ doc, recordId: id, deviceId: seat2.deviceId }).undecidedOthers).toBe(2);

  // Forged: signed by seat2's key but claiming to be seat.
  await proposeCommand({
    doc,
    recordId: id,
    device: { deviceId: seat.deviceId, privateKey: seat2.privateKey },
    actor: seat.actor,
    type: 'cancel',
    payload: { reason: 'x' },
    at: t0 + 2,
  });
  // Lying about the role.
  await proposeCommand({
    doc,
    recordId: id,
    device: seat2,
    actor: { userId: 'ct-li', role: 'supervisor' },
    type: 'cancel',
    payload: { reason: 'x' },
    at: t0 + 3,
  });
  // Another county's seat.
  await proposeCommand({
    doc,
    recordId: id,
    device: foreign,
    actor: foreign.actor,
    type: 'cancel',
    payload: { reason: 'x' },
    at: t0 + 4,
  });
  // Unknown device.
  await proposeCommand({
    doc,
    recordId: id,
    device: { deviceId: 'pwa-ghost', privateKey: seat.privateKey },
    actor: seat.actor,
    type: 'cancel',
    payload: { reason: 'x' },
    at: t0 + 5,
  });
  // Valid signature, invalid transition: dispatch to an enterprise that does not serve the item is refused by the reducer.
  await proposeCommand({
    doc,
    recordId: id,
    device: seat2,
    actor: seat2.actor,
    type: 'dispatch',
    payload: { enterpriseId: 'e-none' },
    at: t0 + 6,
  });
  await proposeCommand({
    doc,
    recordId: id,
    device: seat2,
    actor: seat2.actor,
    type: 'dispatch',
    payload: { enterpriseId: 'e1' },
    at: t0 + 7,
  });

  const result = await sequenceRecord({
    doc,
    recordId: id,
    directory,
    registry,
    trusted: [trustedSignerOf(hub)],
  });
  expect(result.decisions.map((d) => (d.outcome === 'accepted' ? 'ok' : d.message))).toEqual([
    'ok',
    'ok',
    expect.stringMatching(/bad signature/),
    expect.stringMatching(/signs for ct-li \(call_taker\), not ct-li \(supervisor\)/),
    expect.stringMatching(/county 330105 may not act on orders of 330106/),
    expect.stringMatching(/unknown device pwa-ghost/),
    expect.stringMatching(/unknown enterprise e-none/),
    'ok',
  ]);
  expect(result.update.length).toBeGreaterThan(0);
  const snap = readRecordSnapshot({ doc, recordId: id });
  expect((snap.state as OrderState).status).toBe('dispatched');
  expect(snap.proposals[0]?.id).toBe(p1.proposalId);

  const seatView = viewRecord({ doc, recordId: id, deviceId: seat.deviceId });
  expect(seatView.pending).toEqual([]);
  expect(seatView.conflicts.map((c) => c.entry.message)).toEqual([expect.stringMatching(/bad signature/)]); // the forgery in its name
  const seat2View = viewRecord({ doc, recordId: id, deviceId: seat2.deviceId });
  expect(seat2View.conflicts.map((c) => c.entry.message)).toEqual([
    expect.stringMatching(/supervisor/),
    expect.stringMatching(/e-none/),
  ]);

  // Sequencing again decides nothing new.
  expect((await sequenceRecord({ doc, recordId: id, directory, registry })).decisions).toEqual([]);
});

test('a proposal replayed twice (duplicated on the wire or merged from two replicas) is applied once', async () => {
  const { seat, directory, registry } = await setup();
  const id = orderId();
  const a = new Y.Doc({ guid: id });
  await proposeCommand({
    doc: a,
    recordId: id,
    device: seat,
    actor: seat.actor,
    type: 'receive',
    payload: receivePayload(id),
    at: t0,
  });
  const dup = await proposeCommand({
    doc: a,
    recordId: id,
    device: seat,
    actor: seat.actor,
    type: 'markServed',
    payload: { feeFen: 1 },
    at: t0 + 1,
    id: createId(),
  });
  // The same signed bytes appended again by a confused replica.
  const bytes = proposalsOf(a).get(1);
  proposalsOf(a).push([bytes]);
  const b = new Y.Doc({ guid: id });
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  const r = await sequenceRecord({ doc: b, recordId: id, directory, registry });
  expect(r.decisions.filter((d) => d.proposalId === dup.proposalId)).toHaveLength(1);
  expect(logOf(b).length).toBe(2);
});

test('proposals made on two replicas while apart converge, and the home sequences both', async () => {
  const { seat, seat2, appliance, directory, registry } = await setup();
  const id = orderId();
  const home = new Y.Doc({ guid: id });
  await proposeCommand({
    doc: home,
    recordId: id,
    device: appliance,
    actor: appliance.actor,
    type: 'receive',
    payload: receivePayload(id),
    at: t0,
  });
  await sequenceRecord({ doc: home, recordId: id, directory, registry });
  const pwa1 = new Y.Doc({ guid: id });
  const pwa2 = new Y.Doc({ guid: id });
  Y.applyUpdate(pwa1, Y.encodeStateAsUpdate(home));
  Y.applyUpdate(pwa2, Y.encodeStateAsUpdate(home));
  // Offline, both seats act: one answers it as information, the other sends it to dispatch. One must lose.
  await proposeCommand({
    doc: pwa1,
    recordId: id,
    device: seat,
    actor: seat.actor,
    type: 'answerInformation',
    payload: { answer: '已告知' },
    at: t0 + 10,
  });
  await proposeCommand({
    doc: pwa2,
    recordId: id,
    device: seat2,
    actor: seat2.actor,
    type: 'awaitDispatch',
    payload: {},
    at: t0 + 11,
  });
  fieldsOf(pwa1).set('note', '市民要求下午上门');
  Y.applyUpdate(home, Y.encodeStateAsUpdate(pwa1));
  Y.applyUpdate(home, Y.encodeStateAsUpdate(pwa2));
  const r = await sequenceRecord({ doc: home, recordId: id, directory, registry });
  expect(r.decisions.map((d) => d.outcome)).toEqual(['accepted', 'rejected']);
  Y.applyUpdate(pwa1, Y.encodeStateAsUpdate(home));
  Y.applyUpdate(pwa2, Y.encodeStateAsUpdate(home));
  const v1 = viewRecord({ doc: pwa1, recordId: id, deviceId: seat.deviceId });
  const v2 = viewRecord({ doc: pwa2, recordId: id, deviceId: seat2.deviceId });
  expect(v1.accepted).toEqual(v2.accepted);
  const loser = v1.conflicts.length === 1 ? v1 : v2;
  expect(loser.conflicts[0]?.entry.code).toBe('invalid_transition');
  expect(fieldsOf(pwa2).get('note')).toBe('市民要求下午上门');
  expect(Y.encodeStateAsUpdate(pwa1)).toEqual(Y.encodeStateAsUpdate(pwa2));
});

test('a device revoked at the hub can no longer sign; directory scope rules hold at the home', async () => {
  const { hub, admin, seat, appliance, directoryDoc, registry } = await setup();
  await proposeCommand({
    doc: directoryDoc,
    recordId: directoryId,
    device: admin,
    actor: admin.actor,
    type: 'revokeDevice',
    payload: { deviceId: seat.deviceId, reason: '设备丢失' },
    at: t0 + 100,
  });
  // A county appliance may enrol a seat for its own county, but not for another, nor a central user.
  const far = await createTestDevice({
    deviceId: 'pwa-x',
    userId: 'ct-x',
    role: 'call_taker',
    countyCode: '330105',
  });
  await proposeCommand({
    doc: directoryDoc,
    recordId: directoryId,
    device: appliance,
    actor: appliance.actor,
    type: 'registerUser',
    payload: { userId: 'ct-x', name: 'x', role: 'call_taker', countyCode: '330105' },
    at: t0 + 101,
  });
  await proposeCommand({
    doc: directoryDoc,
    recordId: directoryId,
    device: appliance,
    actor: appliance.actor,
    type: 'registerUser',
    payload: { userId: 'ct-new', name: '新坐席', role: 'call_taker', countyCode: county },
    at: t0 + 102,
  });
  await proposeCommand({
    doc: directoryDoc,
    recordId: directoryId,
    device: appliance,
    actor: appliance.actor,
    type: 'registerUser',
    payload: { userId: 'boss', name: 'boss', role: 'administrator', countyCode: null },
    at: t0 + 103,
  });
  const current = readRecordSnapshot({ doc: directoryDoc, recordId: directoryId }).state as DirectoryState;
  const r = await sequenceRecord({
    doc: directoryDoc,
    recordId: directoryId,
    directory: current,
    registry,
    trusted: [trustedSignerOf(hub)],
  });
  expect(r.decisions.map((d) => d.outcome)).toEqual(['accepted', 'rejected', 'accepted', 'rejected']);
  expect(far.deviceId).toBe('pwa-x');
  const directory = readRecordSnapshot({ doc: directoryDoc, recordId: directoryId }).state as DirectoryState;
  expect(directory.devices[seat.deviceId]?.revokedAt).toBe(t0 + 100);
  expect(directory.users['ct-new']?.countyCode).toBe(county);

  const id = orderId();
  const doc = new Y.Doc({ guid: id });
  await proposeCommand({
    doc,
    recordId: id,
    device: seat,
    actor: seat.actor,
    type: 'receive',
    payload: receivePayload(id),
    at: t0 + 200,
  });
  const o = await sequenceRecord({ doc, recordId: id, directory, registry });
  expect(o.decisions[0]?.outcome).toBe('rejected');
  expect(o.decisions[0]?.outcome === 'rejected' && o.decisions[0].message).toMatch(/revoked: 设备丢失/);
});

test('a signature is bound to its record: copying a proposal into another record fails', async () => {
  const { seat, directory, registry } = await setup();
  const id1 = orderId();
  const id2 = orderId();
  const a = new Y.Doc({ guid: id1 });
  await proposeCommand({
    doc: a,
    recordId: id1,
    device: seat,
    actor: seat.actor,
    type: 'receive',
    payload: receivePayload(id2),
    at: t0,
  });
  const b = new Y.Doc({ guid: id2 });
  proposalsOf(b).push([proposalsOf(a).get(0)]);
  const r = await sequenceRecord({ doc: b, recordId: id2, directory, registry });
  expect(r.decisions[0]?.outcome === 'rejected' && r.decisions[0].message).toMatch(/bad signature/);
});
