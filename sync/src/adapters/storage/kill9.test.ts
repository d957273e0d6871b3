import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findMissingAcks, kill9RecordIds, runKill9Writer, type Kill9Ack } from './kill9-harness';
import { PgliteRecordStore } from './pglite-record-store';

/**
 * Durability under kill -9: a real child process appends to a PgliteRecordStore on a data dir and
 * prints each acknowledged update; the test kills it with SIGKILL at a random point, reopens the data
 * dir here and checks that every acknowledged update is there and the store still works.
 */

let dataDir = '';
const acknowledged: Kill9Ack[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'kill9-pglite-'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function randomBetween(low: number, high: number): number {
  return low + Math.floor(Math.random() * (high - low + 1));
}

/** Reopens the data dir as a crashed server's successor would, and checks everything acknowledged. */
async function checkAfterCrash(round: number): Promise<void> {
  const store = await PgliteRecordStore.open({ dataDir });
  try {
    expect(await findMissingAcks({ store, acks: acknowledged })).toEqual([]);
    const highestAck = Math.max(...acknowledged.map((ack) => ack.seq));
    const seq = await store.currentSeq();
    expect(seq).toBeGreaterThanOrEqual(highestAck);
    const changes = await store.listChanges({ after: 0, limit: 100 });
    expect(changes.map((change) => change.recordId).sort()).toEqual([...kill9RecordIds].sort());
    expect(changes.every((change) => change.seq <= seq)).toBe(true);
    // Still writable, and the seq goes on from where it stopped.
    const doc = new Y.Doc();
    doc.getMap('acks').set(`check-${round}`, 'ok');
    const recordId = kill9RecordIds[0];
    expect(await store.appendUpdate({ recordId, update: Y.encodeStateAsUpdate(doc) })).toEqual({
      seq: seq + 1,
      changed: true,
    });
  } finally {
    await store.close();
  }
}

describe('PgliteRecordStore under kill -9', () => {
  test('every acknowledged append survives SIGKILL at random points, also during compaction', async () => {
    const rounds = [
      // The first child also creates the data dir (the slow part), so it is killed a little later.
      { args: [], killAfterAcks: randomBetween(20, 140) },
      // Compacts after every append: the kill lands in or right next to a compaction.
      { args: ['--compact-every', '1'], killAfterCompactions: randomBetween(3, 30) },
      { args: [], killAfterAcks: randomBetween(1, 120) },
    ];
    for (const [index, round] of rounds.entries()) {
      let compactions = 0;
      const { acks } = await runKill9Writer({
        args: ['--store', 'pglite', '--data-dir', dataDir, '--round', String(index), ...round.args],
        killWhen: ({ line, acks: count }) => {
          if (line.startsWith('compact-start')) compactions += 1;
          return round.killAfterAcks !== undefined
            ? count >= round.killAfterAcks
            : compactions >= (round.killAfterCompactions ?? 0);
        },
      });
      expect(acks.length).toBeGreaterThan(0);
      acknowledged.push(...acks);
      await checkAfterCrash(index);
    }
  }, 60_000);
});
