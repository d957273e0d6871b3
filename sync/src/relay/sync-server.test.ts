import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MemoryRecordStore } from '../adapters/storage/memory-record-store';
import { PROTOCOL_VERSION, encodeFrame, frameLimits, type Frame } from '../protocol/frames';
import { CloseCode, RELAYED_ORIGIN, SyncServer, changesBatchSize, type BroadcastEvent } from './sync-server';
import {
  RawPeer,
  TestPolicy,
  county,
  editRecord,
  hub,
  recordIdOf,
  setField,
  type TestPeer,
} from './test-support';
import { emptyStateVector, emptyUpdate } from './update-bytes';

const orderA = recordIdOf({ n: 1 });
const orderB = recordIdOf({ n: 2 });
const otherCounty = recordIdOf({ n: 3, scope: '330108' });

async function setup(): Promise<{
  store: MemoryRecordStore;
  policy: TestPolicy;
  server: SyncServer<TestPeer>;
}> {
  const store = await MemoryRecordStore.open();
  const policy = new TestPolicy();
  const server = new SyncServer<TestPeer>({ store, policy, serverId: 'hub-test' });
  return { store, policy, server };
}

async function hello(peer: RawPeer, cursor = 0): Promise<Frame[]> {
  await peer.send({ type: 'hello', version: PROTOCOL_VERSION, peerId: 'p', cursor });
  return peer.take();
}

function frameOf<T extends Frame['type']>(frames: Frame[], type: T): Extract<Frame, { type: T }> {
  const found = frames.find((f) => f.type === type);
  if (!found) throw new Error(`no ${type} in ${frames.map((f) => f.type).join(', ')}`);
  return found as Extract<Frame, { type: T }>;
}

/** An update that adds `key: value` to a record whose stored state is `current`. */
function changeOf(current: Uint8Array | null, key: string, value: unknown): Uint8Array {
  const doc = new Y.Doc();
  if (current) Y.applyUpdate(doc, current);
  const before = Y.encodeStateVector(doc);
  doc.getMap('fields').set(key, value);
  const update = Y.encodeStateAsUpdate(doc, before);
  doc.destroy();
  return update;
}

describe('SyncServer: hello and catch-up', () => {
  it('welcomes, then lists only the readable records changed after the cursor, with their state vectors', async () => {
    const { store, server } = await setup();
    await editRecord({ store, recordId: orderA, change: setField('status', 'new') });
    await editRecord({ store, recordId: otherCounty, change: setField('status', 'new') });
    await editRecord({ store, recordId: orderB, change: setField('status', 'new') });
    const peer = new RawPeer({ server, peer: county('330106') });
    const frames = await hello(peer);
    expect(frames.map((f) => f.type)).toEqual(['welcome', 'changes']);
    expect(frameOf(frames, 'welcome')).toEqual({
      type: 'welcome',
      version: PROTOCOL_VERSION,
      serverId: 'hub-test',
      seq: 3,
    });
    const changes = frameOf(frames, 'changes');
    expect(changes.entries.map((e) => e.recordId)).toEqual([orderA, orderB]);
    expect(changes.entries[1]?.stateVector).toEqual(
      (await store.readRecord({ recordId: orderB }))?.stateVector,
    );
    expect(changes).toMatchObject({ nextCursor: 3, done: true });

    await peer.send({ type: 'pull', cursor: 1 });
    expect(frameOf(peer.take(), 'changes').entries.map((e) => e.recordId)).toEqual([orderB]);
    await peer.send({ type: 'pull', cursor: 3 });
    expect(peer.take()).toEqual([{ type: 'changes', entries: [], nextCursor: 3, done: true }]);
  });

  it('sends catch-up in batches of 500 and treats a cursor from the future as 0', async () => {
    const { store, server } = await setup();
    for (let n = 0; n < 1100; n++)
      await store.appendUpdate({ recordId: recordIdOf({ n }), update: changeOf(null, 'n', n) });
    const peer = new RawPeer({ server, peer: county('330106') });
    const first = frameOf(await hello(peer, 999_999), 'changes');
    expect(first.entries).toHaveLength(changesBatchSize);
    expect(first).toMatchObject({ nextCursor: 500, done: false });
    await peer.send({ type: 'pull', cursor: first.nextCursor });
    const second = frameOf(peer.take(), 'changes');
    expect(second).toMatchObject({ nextCursor: 1000, done: false });
    await peer.send({ type: 'pull', cursor: second.nextCursor });
    const third = frameOf(peer.take(), 'changes');
    expect(third.entries).toHaveLength(100);
    expect(third).toMatchObject({ nextCursor: 1100, done: true });
  });

  it('answers step 1 with the missing part, then its own state vector; an unknown record gets an empty step 2', async () => {
    const { store, server } = await setup();
    await editRecord({ store, recordId: orderA, change: setField('status', 'new') });
    const peer = new RawPeer({ server, peer: county('330106') });
    await hello(peer);
    await peer.send({ type: 'syncStep1', recordId: orderA, stateVector: emptyStateVector });
    const stored = await store.readRecord({ recordId: orderA });
    const [step2, step1] = peer.take();
    expect(step2).toEqual({
      type: 'syncStep2',
      recordId: orderA,
      update: Y.diffUpdate(stored?.update ?? emptyUpdate, emptyStateVector),
    });
    expect(step1).toEqual({ type: 'syncStep1', recordId: orderA, stateVector: stored?.stateVector });

    await peer.send({ type: 'syncStep1', recordId: orderB, stateVector: emptyStateVector });
    expect(peer.take()).toEqual([
      { type: 'syncStep2', recordId: orderB, update: emptyUpdate },
      { type: 'syncStep1', recordId: orderB, stateVector: emptyStateVector },
    ]);

    await peer.send({ type: 'syncStep1', recordId: otherCounty, stateVector: emptyStateVector });
    expect(peer.take()).toEqual([
      { type: 'error', code: 'forbidden', recordId: otherCounty, message: `no access to ${otherCounty}` },
    ]);
    await peer.send({ type: 'syncStep1', recordId: 'not-a-record', stateVector: emptyStateVector });
    expect(frameOf(peer.take(), 'error').code).toBe('invalid_record_id');
  });
});

describe('SyncServer: writes', () => {
  it('stores a write, acks it, broadcasts it to other readers only, then runs afterWrite', async () => {
    const { store, policy, server } = await setup();
    const writer = new RawPeer({ server, peer: county('330106') });
    const reader = new RawPeer({ server, peer: hub });
    const stranger = new RawPeer({ server, peer: county('330108') });
    for (const peer of [writer, reader, stranger]) await hello(peer);
    const update = changeOf(null, 'status', 'new');
    await writer.send({ type: 'update', recordId: orderA, update });
    expect(writer.take()).toEqual([{ type: 'ack', recordId: orderA, seq: 1 }]);
    expect(reader.take()).toEqual([{ type: 'update', recordId: orderA, update }]);
    expect(stranger.take()).toEqual([]);
    await server.idle();
    expect(policy.afterWrites).toEqual([orderA]);
    expect(await store.currentSeq()).toBe(1);

    // The same bytes again change nothing: acked with the same seq, no policy call, no broadcast.
    const checked = policy.checked;
    await writer.send({ type: 'syncStep2', recordId: orderA, update });
    expect(writer.take()).toEqual([{ type: 'ack', recordId: orderA, seq: 1 }]);
    expect(reader.take()).toEqual([]);
    expect(policy.checked).toBe(checked);
  });

  it('refuses a write the policy refuses: ERROR with its code, then RESET to the stored state, store untouched', async () => {
    const { store, server } = await setup();
    await editRecord({ store, recordId: orderA, change: setField('status', 'new') });
    const before = await store.readRecord({ recordId: orderA });
    const peer = new RawPeer({ server, peer: hub }); // reads and writes county orders, but is not their home
    const onlooker = new RawPeer({ server, peer: county('330106') });
    await hello(peer);
    await hello(onlooker);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, before?.update ?? emptyUpdate);
    const sv = Y.encodeStateVector(doc);
    doc.getArray('log').push(['accepted']);
    await peer.send({ type: 'update', recordId: orderA, update: Y.encodeStateAsUpdate(doc, sv) });
    expect(peer.take()).toEqual([
      {
        type: 'error',
        code: 'not_home',
        recordId: orderA,
        message: `only the home of ${orderA} writes its log`,
      },
      { type: 'reset', recordId: orderA, update: before?.update },
    ]);
    expect(onlooker.take()).toEqual([]);
    expect(await store.readRecord({ recordId: orderA })).toEqual(before);

    // A record the relay has never seen resets to empty; a record the peer may not read too, without state.
    const readOnly = new RawPeer({ server, peer: { ...county('330106'), id: 'viewer', readOnly: true } });
    await hello(readOnly);
    await readOnly.send({ type: 'update', recordId: orderB, update: changeOf(null, 'x', 1) });
    expect(readOnly.take().map((f) => f.type)).toEqual(['error', 'reset']);
    await readOnly.send({ type: 'update', recordId: otherCounty, update: changeOf(null, 'x', 1) });
    expect(readOnly.take()).toEqual([
      { type: 'error', code: 'forbidden', recordId: otherCounty, message: `no access to ${otherCounty}` },
      { type: 'reset', recordId: otherCounty, update: emptyUpdate },
    ]);
    expect(await store.currentSeq()).toBe(1);
  });

  it('refuses bytes that are not a Yjs update, and updates that build on changes it does not have', async () => {
    const { store, server } = await setup();
    const peer = new RawPeer({ server, peer: county('330106') });
    await hello(peer);
    await peer.send({ type: 'update', recordId: orderA, update: Uint8Array.of(9, 9, 9) });
    expect(peer.take().map((f) => (f.type === 'error' ? f.code : f.type))).toEqual([
      'invalid_update',
      'reset',
    ]);

    const doc = new Y.Doc();
    const parts: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => parts.push(u));
    doc.getMap('fields').set('a', 1);
    doc.getMap('fields').set('b', 2);
    await peer.send({ type: 'update', recordId: orderA, update: parts[1] ?? emptyUpdate });
    expect(peer.take().map((f) => (f.type === 'error' ? f.code : f.type))).toEqual([
      'missing_dependencies',
      'reset',
    ]);
    expect(await store.currentSeq()).toBe(0);
    await peer.send({ type: 'update', recordId: orderA, update: Y.mergeUpdates(parts) });
    expect(peer.take()).toEqual([{ type: 'ack', recordId: orderA, seq: 1 }]);
  });

  it('publishes the relay’s own updates to every reader, including the peer whose write triggered them', async () => {
    const { store, policy, server } = await setup();
    policy.onAfterWrite = async ({ recordId }) => {
      const current = await store.readRecord({ recordId });
      const doc = new Y.Doc();
      Y.applyUpdate(doc, current?.update ?? emptyUpdate);
      const sv = Y.encodeStateVector(doc);
      doc.getArray('log').push(['accepted']);
      await server.publish({ recordId, update: Y.encodeStateAsUpdate(doc, sv) });
    };
    const writer = new RawPeer({ server, peer: county('330106') });
    await hello(writer);
    await writer.send({ type: 'update', recordId: orderA, update: changeOf(null, 'status', 'new') });
    await server.idle();
    expect(writer.take().map((f) => f.type)).toEqual(['ack', 'update']);
    expect(policy.afterWrites).toEqual([orderA]); // publish does not call afterWrite again
    expect(await server.publish({ recordId: orderA, update: new Uint8Array() })).toEqual({
      seq: 2,
      changed: false,
    });
    await expect(server.publish({ recordId: 'nope', update: emptyUpdate })).rejects.toThrow(
      /not a record id/,
    );
  });

  it('relays a change another relay process stored to the readers here, without storing it or running afterWrite', async () => {
    // Two relay processes on one store (a hub of several processes on one PostgreSQL).
    const { store, policy, server: first } = await setup();
    const second = new SyncServer<TestPeer>({ store, policy, serverId: 'hub-test-2' });
    const heard: BroadcastEvent[] = [];
    first.subscribe((event) => heard.push(event));
    const fromSecond: BroadcastEvent[] = [];
    second.subscribe((event) => fromSecond.push(event));
    const reader = new RawPeer({ server: second, peer: county('330106') });
    const outsider = new RawPeer({ server: second, peer: county('330108') });
    await hello(reader);
    await hello(outsider);
    const writer = new RawPeer({ server: first, peer: county('330106') });
    await hello(writer);
    const update = changeOf(null, 'status', 'new');
    await writer.send({ type: 'update', recordId: orderA, update });
    await first.idle();
    expect(reader.take()).toEqual([]);

    const [event] = heard;
    if (!event) throw new Error('the first relay broadcast nothing');
    await second.relay({ ...event });
    expect(reader.take()).toEqual([{ type: 'update', recordId: orderA, update }]);
    expect(outsider.take()).toEqual([]);
    expect(fromSecond.map((e) => [e.recordId, e.origin === RELAYED_ORIGIN, e.seq])).toEqual([
      [orderA, true, event.seq],
    ]);
    expect(policy.afterWrites).toEqual([orderA]); // once, by the relay that stored it
    expect((await store.readRecord({ recordId: orderA }))?.seq).toBe(event.seq);
    await expect(second.relay({ ...event, recordId: 'nope' })).rejects.toThrow(/not a record id/);
  });

  it('does not list a record back to the peer whose write was its last change', async () => {
    const { store, server } = await setup();
    await editRecord({ store, recordId: orderA, change: setField('status', 'new') });
    const peer = new RawPeer({ server, peer: county('330106') });
    const first = frameOf(await hello(peer), 'changes');
    await peer.send({ type: 'pull', cursor: first.nextCursor });
    peer.take();
    const current = await store.readRecord({ recordId: orderA });
    await peer.send({
      type: 'update',
      recordId: orderA,
      update: changeOf(current?.update ?? null, 'note', 'x'),
    });
    await peer.send({ type: 'update', recordId: orderB, update: changeOf(null, 'note', 'y') });
    peer.take();
    await peer.send({ type: 'pull', cursor: first.nextCursor });
    expect(peer.take()).toEqual([{ type: 'changes', entries: [], nextCursor: 3, done: true }]);
  });
});

describe('SyncServer: bad input', () => {
  it('answers a malformed frame with ERROR malformed and keeps the connection', async () => {
    const { server } = await setup();
    const peer = new RawPeer({ server, peer: county('330106') });
    await hello(peer);
    await peer.sendBytes(Uint8Array.of(0xff, 0xff));
    await peer.sendBytes(Uint8Array.of(7, 0, 3, 0x61));
    const errors = peer.take();
    expect(errors.map((f) => (f.type === 'error' ? f.code : f.type))).toEqual(['malformed', 'malformed']);
    expect(peer.closed).toBeNull();
    await peer.send({ type: 'syncStep1', recordId: orderA, stateVector: emptyStateVector });
    expect(peer.take().map((f) => f.type)).toEqual(['syncStep2', 'syncStep1']);
    await peer.send({ type: 'welcome', version: PROTOCOL_VERSION, serverId: 'x', seq: 0 });
    expect(frameOf(peer.take(), 'error').code).toBe('unexpected_frame');
  });

  it('closes after ERROR too_large when a frame is over the limit', async () => {
    const { server } = await setup();
    const peer = new RawPeer({ server, peer: county('330106') });
    await hello(peer);
    await peer.sendBytes(new Uint8Array(frameLimits.maxFrameBytes + 1));
    expect(frameOf(peer.take(), 'error').code).toBe('too_large');
    expect(peer.closed?.code).toBe(CloseCode.tooLarge);
    await peer.send({ type: 'pull', cursor: 0 });
    expect(peer.take()).toEqual([]);
  });

  it('closes when the first frame is not HELLO, or speaks another version', async () => {
    const { server } = await setup();
    const early = new RawPeer({ server, peer: county('330106') });
    await early.send({ type: 'pull', cursor: 0 });
    expect(frameOf(early.take(), 'error').code).toBe('hello_first');
    expect(early.closed?.code).toBe(CloseCode.protocolError);

    const future = new RawPeer({ server, peer: county('330106') });
    await future.sendBytes(
      encodeFrame({ type: 'hello', version: PROTOCOL_VERSION + 1, peerId: 'p', cursor: 0 }),
    );
    const error = frameOf(future.take(), 'error');
    expect(error.code).toBe('unsupported_version');
    expect(future.closed?.code).toBe(CloseCode.protocolError);

    const garbage = new RawPeer({ server, peer: county('330106') });
    await garbage.sendBytes(Uint8Array.of(1));
    expect(frameOf(garbage.take(), 'error').code).toBe('malformed');
    expect(garbage.closed).not.toBeNull();
  });

  it('closes every connection on stop and refuses new ones', async () => {
    const { server } = await setup();
    const peer = new RawPeer({ server, peer: county('330106') });
    await hello(peer);
    await server.stop();
    expect(peer.closed?.code).toBe(CloseCode.goingAway);
    let closed: { code: number } | null = null;
    server.connect({ peer: hub, send: () => {}, close: (c) => (closed = c) });
    expect(closed).toEqual({ code: CloseCode.goingAway, reason: 'relay stopping' });
  });
});
