import { PROTOCOL_VERSION } from '@jiazheng/sync/protocol';
import { exportPublicKey, generateDeviceKeys, loadRecordDoc, proposeCommand } from '@jiazheng/sync/records';
import { SyncServer } from '@jiazheng/sync/relay';
import { RawPeer, TestPolicy, county, recordIdOf, type TestPeer } from '@jiazheng/sync/relay/test-support';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import { createClient } from 'redis';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { FannedChange } from '../../ports/record-fan-out';
import { RecordFanOutService } from '../../services/record-fan-out-service';
import { MAX_CARRIED_UPDATE_BYTES, RedisRecordFanOut } from './redis-record-fan-out';
import { startRedisTestServer, type RedisTestServer } from './redis-test-server';

// A real redis-server for this file; without one installed every test fails with the line to install it.
let redis: RedisTestServer | undefined;

beforeAll(async () => {
  redis = await startRedisTestServer();
}, 30_000);

afterAll(async () => {
  await redis?.stop();
});

function redisUrl(): string {
  if (!redis) throw new Error('the Redis test server did not start');
  return redis.url;
}

const errors: string[] = [];
const logger = { info: () => {}, error: (...args: unknown[]) => errors.push(args.map(String).join(' ')) };

async function until(what: string, check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A signed proposal's bytes: a real record update, as a county's appliance would send. */
async function proposalUpdate(recordId: string): Promise<Uint8Array> {
  const keys = await generateDeviceKeys({ extractable: false });
  await exportPublicKey({ key: keys.publicKey });
  const doc = loadRecordDoc({ recordId, update: null });
  try {
    const { update } = await proposeCommand({
      doc,
      recordId,
      device: { deviceId: 'appliance-330106', privateKey: keys.privateKey },
      actor: { userId: 'appliance-330106', role: 'system' },
      type: 'cancel',
      payload: { reason: 'fan-out test' },
      at: Date.now(),
    });
    return update;
  } finally {
    doc.destroy();
  }
}

async function hello(peer: RawPeer<TestPeer>): Promise<void> {
  await peer.send({ type: 'hello', version: PROTOCOL_VERSION, peerId: 'p', cursor: 0 });
  peer.take();
}

test('a change stored by one hub process reaches the peers of another through Redis, once, without an echo', async () => {
  const store = await MemoryRecordStore.open();
  const policy = new TestPolicy();
  const servers = ['A', 'B'].map(
    (id) => new SyncServer<TestPeer>({ store, policy, serverId: `hub-${id}` }),
  ) as [SyncServer<TestPeer>, SyncServer<TestPeer>];
  const fanOuts = servers.map(
    (server, i) =>
      new RecordFanOutService({
        server,
        processId: `process-${i}`,
        logger,
        fanOut: new RedisRecordFanOut({
          url: redisUrl(),
          logger,
          readRecord: async (recordId) => (await store.readRecord({ recordId }))?.update ?? null,
        }),
      }),
  );
  for (const fanOut of fanOuts) await fanOut.start();
  const heardByA: unknown[] = [];
  servers[0].subscribe((event) => heardByA.push(event.origin));

  const reader = new RawPeer({ server: servers[1], peer: county('330106') });
  const outsider = new RawPeer({ server: servers[1], peer: county('330108') });
  await hello(reader);
  await hello(outsider);
  const writer = new RawPeer({ server: servers[0], peer: county('330106') });
  await hello(writer);

  const recordId = recordIdOf({ n: 1 });
  const update = await proposalUpdate(recordId);
  await writer.send({ type: 'update', recordId, update });
  await until('the reader on the other process to get the change', () => reader.received.length > 0);
  expect(reader.take()).toEqual([{ type: 'update', recordId, update }]);
  // Given time for an echo to come back, none does: A heard its own change once, B relayed it once.
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(heardByA).toHaveLength(1);
  expect(reader.take()).toEqual([]);
  expect(outsider.take()).toEqual([]);
  expect(writer.take().map((frame) => frame.type)).toEqual(['ack']);

  for (const fanOut of fanOuts) await fanOut.stop();
  expect(errors).toEqual([]);
});

test('an update too large to carry is read from the shared store; garbage on the channel is ignored', async () => {
  const store = await MemoryRecordStore.open();
  const recordId = recordIdOf({ n: 2 });
  await store.appendUpdate({ recordId, update: await proposalUpdate(recordId) });
  const stored = (await store.readRecord({ recordId }))?.update;
  const received: FannedChange[] = [];
  const [sender, listener] = [0, 1].map(
    () =>
      new RedisRecordFanOut({
        url: redisUrl(),
        logger,
        readRecord: async (id) => (await store.readRecord({ recordId: id }))?.update ?? null,
      }),
  ) as [RedisRecordFanOut, RedisRecordFanOut];
  listener.onChange((change) => received.push(change));
  await sender.start();
  await listener.start();

  const raw = createClient({ url: redisUrl() });
  await raw.connect();
  await raw.publish('jiazheng:records:v1', '{"recordId": 1}');
  await raw.publish('jiazheng:records:v1', 'not json at all');
  await sender.announce({
    recordId,
    update: new Uint8Array(MAX_CARRIED_UPDATE_BYTES + 1),
    seq: 7,
    previousSeq: null,
    from: 'process-0',
  });
  await until('the large change', () => received.length > 0);
  expect(received).toEqual([{ recordId, update: stored, seq: 7, previousSeq: null, from: 'process-0' }]);
  // Each of the two processes ignored both, and relays on.
  expect(errors.filter((line) => line.includes('malformed'))).toHaveLength(4);
  errors.length = 0;

  await raw.close();
  await sender.stop();
  await listener.stop();
  await expect(sender.announce(received[0] as FannedChange)).rejects.toThrow(/not started/);
});
