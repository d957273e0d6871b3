import * as Y from 'yjs';
import type { RecordStore } from '../ports/record-store';
import { fieldsOf, loadRecordDoc, logOf, proposalsOf } from '../records/record-doc';

/**
 * A fingerprint of a record as a replica holds it: SHA-256 (hex) of its state vector and its content.
 * Two replicas that hold the same structs and deletions give the same digest, so operators and tests can
 * compare a county's appliance with the hub record by record without moving the records themselves.
 * Both parts are needed: the state vector misses deletions, the content misses who wrote what.
 */
export async function digestRecord(options: { recordId: string; update: Uint8Array }): Promise<string> {
  const doc = loadRecordDoc({ recordId: options.recordId, update: options.update });
  try {
    const stateVector = Array.from(Y.encodeStateVector(doc)).join(',');
    // Root types read back from bytes stay untyped (and print as nothing) until asked for by their type.
    proposalsOf(doc);
    logOf(doc);
    fieldsOf(doc);
    const content = JSON.stringify(doc.toJSON(), (_key, value: unknown) =>
      value instanceof Uint8Array ? Array.from(value).join('.') : value,
    );
    const bytes = new TextEncoder().encode(`${stateVector}|${content}`);
    const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
  } finally {
    doc.destroy();
  }
}

export type RecordDigests = {
  /** The store's seq when the listing started (informational: it differs between replicas). */
  seq: number;
  records: Record<string, string>;
};

/** The digest of every record whose id starts with `prefix` (all records for ''). */
export async function digestRecords(options: { store: RecordStore; prefix: string }): Promise<RecordDigests> {
  const { store, prefix } = options;
  const seq = await store.currentSeq();
  const records: Record<string, string> = {};
  let after = 0;
  for (;;) {
    const changes = await store.listChanges({ after, limit: 500, prefixes: [prefix] });
    for (const change of changes) {
      const record = await store.readRecord({ recordId: change.recordId });
      if (record)
        records[change.recordId] = await digestRecord({ recordId: change.recordId, update: record.update });
    }
    const last = changes.at(-1);
    if (!last || changes.length < 500) break;
    after = last.seq;
  }
  // Sorted, so two answers compare equal as JSON too.
  const sorted: Record<string, string> = {};
  for (const id of Object.keys(records).sort()) sorted[id] = records[id] ?? '';
  return { seq, records: sorted };
}
