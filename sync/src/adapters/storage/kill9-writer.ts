/**
 * TEST SUPPORT ONLY: the child process of the kill -9 tests (kill9.test.ts, the PostgreSQL test).
 *
 * Opens a store and appends to a few records for ever, each update adding one unique key to a Y.Map,
 * and prints `ack <recordId> <key> <seq>` only after appendUpdate resolved: every printed key is one
 * the store promised to keep. The parent kills it with SIGKILL at some point and checks.
 *
 *   node --import tsx kill9-writer.ts --store pglite --data-dir DIR --round 1 [--compact-every N]
 *   node --import tsx kill9-writer.ts --store postgres --connection-string URL --round 1
 *
 * `--ack-before-commit` prints the ack and only then appends (after a pause): the broken writer the
 * parent uses to prove that its check catches a lost acknowledged update.
 */
import { parseArgs } from 'node:util';
import * as Y from 'yjs';
import type { RecordStore } from '../../ports/record-store';
import { kill9RecordIds } from './kill9-harness';
import { PgliteRecordStore } from './pglite-record-store';
import { PostgresRecordStore } from './postgres-record-store';

function say(line: string): void {
  // stdout to a pipe is synchronous on Linux: once this returns the parent can read the line even if
  // the process dies right after.
  process.stdout.write(`${line}\n`);
}

async function openStore(values: {
  store?: string | undefined;
  'data-dir'?: string | undefined;
  'connection-string'?: string | undefined;
}): Promise<RecordStore> {
  if (values.store === 'pglite' && values['data-dir'])
    return PgliteRecordStore.open({ dataDir: values['data-dir'] });
  if (values.store === 'postgres' && values['connection-string']) {
    return PostgresRecordStore.open({ connectionString: values['connection-string'] });
  }
  throw new Error('usage: --store pglite --data-dir DIR | --store postgres --connection-string URL');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      store: { type: 'string' },
      'data-dir': { type: 'string' },
      'connection-string': { type: 'string' },
      round: { type: 'string', default: '0' },
      'compact-every': { type: 'string', default: '0' },
      'ack-before-commit': { type: 'boolean', default: false },
    },
  });
  const store = await openStore(values);
  const compactEvery = Number(values['compact-every']);
  const docs = kill9RecordIds.map(() => new Y.Doc());
  // Some bulk per update, so merges and compactions take long enough to be interrupted.
  const filler = '家政服务网络中心'.repeat(40);
  say('ready');
  for (let i = 0; ; i++) {
    const index = i % kill9RecordIds.length;
    const recordId = kill9RecordIds[index];
    const doc = docs[index];
    if (!recordId || !doc) throw new Error('unreachable');
    const key = `r${values.round}-${i}`;
    const before = Y.encodeStateVector(doc);
    doc.getMap('acks').set(key, `${key} ${filler}`);
    const update = Y.encodeStateAsUpdate(doc, before);
    if (values['ack-before-commit']) {
      say(`ack ${recordId} ${key} 0`);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await store.appendUpdate({ recordId, update });
    } else {
      const { seq } = await store.appendUpdate({ recordId, update });
      say(`ack ${recordId} ${key} ${seq}`);
    }
    if (compactEvery > 0 && i % compactEvery === compactEvery - 1) {
      say(`compact-start ${recordId}`);
      await store.compact({ recordId });
      say(`compact-done ${recordId}`);
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
