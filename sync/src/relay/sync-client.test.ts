import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MemoryRecordStore } from '../adapters/storage/memory-record-store';
import { totalOf } from './frame-stats';
import { SyncClient, type RecordChangeEvent } from './sync-client';
import { SyncServer } from './sync-server';
import {
  MemoryLink,
  TestPolicy,
  contentOf,
  county,
  editRecord,
  hub,
  quiesce,
  recordIdOf,
  setField,
  type TestPeer,
} from './test-support';

type Replica = { store: MemoryRecordStore; client: SyncClient; peer: TestPeer; events: RecordChangeEvent[] };

async function setup(): Promise<{
  hubStore: MemoryRecordStore;
  policy: TestPolicy;
  server: SyncServer<TestPeer>;
}> {
  const hubStore = await MemoryRecordStore.open();
  const policy = new TestPolicy();
  const server = new SyncServer<TestPeer>({ store: hubStore, policy, serverId: 'hub-test' });
  return { hubStore, policy, server };
}

async function replica(options: { peer: TestPeer; store?: MemoryRecordStore }): Promise<Replica> {
  const store = options.store ?? (await MemoryRecordStore.open());
  const events: RecordChangeEvent[] = [];
  const client = new SyncClient({
    store,
    clientId: options.peer.id,
    cursorKey: 'sync:hub',
    onRecordChange: (event) => events.push(event),
  });
  return { store, client, peer: options.peer, events };
}

function connect(server: SyncServer<TestPeer>, r: Replica): MemoryLink {
  return new MemoryLink({ server, client: r.client, peer: r.peer });
}

/** A local edit as the app makes it: write to the store, then tell the client. */
async function edit(r: Replica, recordId: string, change: (doc: Y.Doc) => void): Promise<void> {
  await editRecord({ store: r.store, recordId, change });
  r.client.notifyLocalChange({ recordId });
}

async function settle(server: SyncServer<TestPeer>, links: MemoryLink[], replicas: Replica[]): Promise<void> {
  await quiesce({ server, links });
  await Promise.all(replicas.map((r) => r.client.idle()));
  await quiesce({ server, links });
}

const order = recordIdOf({ n: 1 });

describe('SyncClient with SyncServer in memory', () => {
  it('converges two clients editing one record, deletions included', async () => {
    const { hubStore, server } = await setup();
    const a = await replica({ peer: county('330106') });
    const b = await replica({ peer: { ...county('330106'), id: 'pwa-330106' } });
    const links = [connect(server, a), connect(server, b)];
    await settle(server, links, [a, b]);

    await edit(a, order, setField('status', 'new'));
    await settle(server, links, [a, b]);
    expect(await contentOf({ store: b.store, recordId: order })).toEqual({
      fields: { status: 'new' },
      log: [],
    });

    await Promise.all([
      edit(a, order, (doc) => {
        doc.getMap('fields').set('note', 'from a');
        doc.getMap('fields').delete('status');
      }),
      edit(b, order, setField('phone', '+8657188888888')),
    ]);
    await settle(server, links, [a, b]);
    const expected = { fields: { note: 'from a', phone: '+8657188888888' }, log: [] };
    expect(await contentOf({ store: a.store, recordId: order })).toEqual(expected);
    expect(await contentOf({ store: b.store, recordId: order })).toEqual(expected);
    expect(await contentOf({ store: hubStore, recordId: order })).toEqual(expected);
    expect(b.events.some((e) => e.recordId === order && e.cause === 'remote')).toBe(true);
  });

  it('catches up after being offline: only the changed records travel, and its offline edits reach the others', async () => {
    const { hubStore, server } = await setup();
    const ids = Array.from({ length: 20 }, (_, n) => recordIdOf({ n }));
    for (const recordId of ids) {
      await editRecord({
        store: hubStore,
        recordId,
        change: (doc) => doc.getMap('fields').set('notes', 'x'.repeat(200)),
      });
    }
    const a = await replica({ peer: county('330106') });
    const b = await replica({ peer: { ...county('330106'), id: 'pwa-330106' } });
    let linkA = connect(server, a);
    const linkB = connect(server, b);
    await settle(server, [linkA, linkB], [a, b]);
    const fullCatchUp = totalOf(a.client.stats().received);
    expect(a.client.stats().received.syncStep2?.frames).toBe(20);

    linkA.disconnect();
    const changedByB = [3, 7].map((n) => recordIdOf({ n }));
    const changedByBoth = recordIdOf({ n: 11 });
    const changedByA = recordIdOf({ n: 15 });
    for (const recordId of [...changedByB, changedByBoth])
      await edit(b, recordId, setField('status', 'served'));
    await settle(server, [linkB], [b]);
    await edit(a, changedByBoth, setField('rating', 5));
    await edit(a, changedByA, setField('rating', 4));

    a.client.resetStats();
    linkA = connect(server, a);
    await settle(server, [linkA, linkB], [a, b]);
    const received = a.client.stats().received;
    const sent = a.client.stats().sent;
    // Three records changed at the hub: three step 2s, nothing else of substance.
    expect(received.syncStep2?.frames).toBe(3);
    expect(sent.syncStep1?.frames).toBe(3);
    expect(received.update).toBeUndefined();
    // Its two offline edits went up once each, as diffs (it knew the hub's state vectors).
    expect((sent.update?.frames ?? 0) + (sent.syncStep2?.frames ?? 0)).toBe(2);
    expect(received.ack?.frames).toBe(2);
    expect(totalOf(received).bytes).toBeLessThan(fullCatchUp.bytes / 4);

    for (const store of [a.store, b.store]) {
      expect(await contentOf({ store, recordId: changedByBoth })).toEqual({
        fields: { notes: 'x'.repeat(200), status: 'served', rating: 5 },
        log: [],
      });
      expect(await contentOf({ store, recordId: changedByA })).toEqual({
        fields: { notes: 'x'.repeat(200), rating: 4 },
        log: [],
      });
    }
    // Caught up: the saved cursor is the hub's seq, and reconnecting again lists nothing.
    expect(await a.store.getMeta({ key: 'sync:hub' })).toBe(String(await hubStore.currentSeq()));
    linkA.disconnect();
    a.client.resetStats();
    linkA = connect(server, a);
    await settle(server, [linkA, linkB], [a, b]);
    expect(a.client.stats().received.syncStep2).toBeUndefined();
    expect(totalOf(a.client.stats().received).frames).toBe(2); // WELCOME, empty CHANGES
  });

  it('resets a refused write: the client ends with exactly the hub’s copy and the others never see it', async () => {
    const { hubStore, server } = await setup();
    await editRecord({ store: hubStore, recordId: order, change: setField('status', 'new') });
    const office = await replica({ peer: hub }); // may write county orders' fields, but not their log
    const countyReplica = await replica({ peer: county('330106') });
    const links = [connect(server, office), connect(server, countyReplica)];
    await settle(server, links, [office, countyReplica]);

    await edit(office, order, (doc) => doc.getArray('log').push(['accepted by the hub?']));
    await settle(server, links, [office, countyReplica]);
    const hubCopy = await hubStore.readRecord({ recordId: order });
    const officeCopy = await office.store.readRecord({ recordId: order });
    expect(officeCopy?.stateVector).toEqual(hubCopy?.stateVector);
    expect(await contentOf({ store: office.store, recordId: order })).toEqual({
      fields: { status: 'new' },
      log: [],
    });
    expect(await contentOf({ store: countyReplica.store, recordId: order })).toEqual(
      await contentOf({ store: hubStore, recordId: order }),
    );
    expect(office.events).toContainEqual({ recordId: order, cause: 'reset' });
    expect(office.client.stats().received.reset?.frames).toBe(1);

    // Its later edits (from a fresh document, as after a reset) go through.
    await edit(office, order, setField('reviewed', true));
    await settle(server, links, [office, countyReplica]);
    expect(await contentOf({ store: countyReplica.store, recordId: order })).toEqual({
      fields: { status: 'new', reviewed: true },
      log: [],
    });
  });

  it('pushes changes made before it ever connected, and sees only what it may read', async () => {
    const { hubStore, server } = await setup();
    const foreign = recordIdOf({ n: 9, scope: '330108' });
    await editRecord({ store: hubStore, recordId: foreign, change: setField('status', 'new') });
    const a = await replica({ peer: county('330106') });
    await edit(a, order, setField('status', 'draft'));
    const link = connect(server, a);
    await settle(server, [link], [a]);
    expect(await contentOf({ store: hubStore, recordId: order })).toEqual({
      fields: { status: 'draft' },
      log: [],
    });
    expect(await a.store.readRecord({ recordId: foreign })).toBeNull();
    expect(await a.store.getMeta({ key: 'sync:hub:push' })).toBe('1');
  });

  it('catches up on more than one batch and saves the cursor batch by batch', async () => {
    const { hubStore, server } = await setup();
    for (let n = 0; n < 1203; n++) {
      await editRecord({ store: hubStore, recordId: recordIdOf({ n }), change: setField('n', n) });
    }
    const a = await replica({ peer: county('330106') });
    const link = connect(server, a);
    await settle(server, [link], [a]);
    expect(a.client.stats().received.changes?.frames).toBe(4); // 500, 500, 203, then the empty barrier
    expect(a.client.stats().received.syncStep2?.frames).toBe(1203);
    expect(await a.store.getMeta({ key: 'sync:hub' })).toBe('1203');
    expect(await contentOf({ store: a.store, recordId: recordIdOf({ n: 1202 }) })).toEqual({
      fields: { n: 1202 },
      log: [],
    });
  });

  it('receives what the home sequencer publishes after a write', async () => {
    const { hubStore, policy, server } = await setup();
    policy.onAfterWrite = async ({ recordId }) => {
      const current = await hubStore.readRecord({ recordId });
      const doc = new Y.Doc();
      if (current) Y.applyUpdate(doc, current.update);
      const sv = Y.encodeStateVector(doc);
      if (doc.getArray('log').length === 0) doc.getArray('log').push(['accepted']);
      await server.publish({ recordId, update: Y.encodeStateAsUpdate(doc, sv) });
    };
    const a = await replica({ peer: county('330106') });
    const link = connect(server, a);
    await settle(server, [link], [a]);
    await edit(a, order, setField('status', 'new'));
    await settle(server, [link], [a]);
    expect(await contentOf({ store: a.store, recordId: order })).toEqual({
      fields: { status: 'new' },
      log: ['accepted'],
    });
  });

  it('starts over from cursor 0 when the relay is a different one', async () => {
    const first = await setup();
    const a = await replica({ peer: county('330106') });
    await editRecord({ store: first.hubStore, recordId: order, change: setField('status', 'new') });
    const link = connect(first.server, a);
    await settle(first.server, [link], [a]);
    link.disconnect();

    const second = await setup();
    const replaced = new SyncServer<TestPeer>({
      store: second.hubStore,
      policy: second.policy,
      serverId: 'hub-new',
    });
    const other = recordIdOf({ n: 2 });
    await editRecord({ store: second.hubStore, recordId: other, change: setField('status', 'x') });
    await editRecord({ store: second.hubStore, recordId: other, change: setField('status', 'y') });
    const link2 = new MemoryLink({ server: replaced, client: a.client, peer: a.peer });
    await settle(replaced, [link2], [a]);
    expect(await contentOf({ store: a.store, recordId: other })).toEqual({
      fields: { status: 'y' },
      log: [],
    });
    expect(await second.hubStore.readRecord({ recordId: order })).not.toBeNull(); // pushed its copy there
  });
});
