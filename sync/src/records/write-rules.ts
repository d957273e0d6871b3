import * as Y from 'yjs';
import { decodeLogEntry, decodeProposal } from './record-codec';
import { fieldsOf, loadRecordDoc, logOf, proposalsOf } from './record-doc';

/** What a writer may change in a record, decided by the relay from who the peer is. */
export type WriteRights = {
  /** The record's home: the only one that may append to `log`. */
  isHome: boolean;
  /** May append proposals (commands). */
  mayPropose: boolean;
  /** May edit the free collaborative fields (notes, checklists). */
  mayEditFields: boolean;
};

export type WriteCheck = { ok: true } | { ok: false; code: 'forbidden' | 'malformed'; message: string };

const knownRoots = new Set(['proposals', 'log', 'fields']);

function sameEntries(a: Uint8Array[], b: Uint8Array[]): boolean {
  return a.length === b.length && a.every((x, i) => equalBytes(x, b[i]));
}

function equalBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Checks an incoming update against the record as stored, before it is stored. Proposals and log
 * entries are append-only (nothing may be deleted or rewritten), only the home appends to the log,
 * every new entry must decode, and no other top-level data may appear. The check applies the update
 * to a transient copy, so a refused update never touches the store.
 */
export function checkRecordWrite(options: {
  recordId: string;
  current: Uint8Array | null;
  update: Uint8Array;
  rights: WriteRights;
}): WriteCheck {
  const { recordId, current, update, rights } = options;
  const before = loadRecordDoc({ recordId, update: current });
  const after = loadRecordDoc({ recordId, update: current });
  try {
    Y.applyUpdate(after, update);
  } catch (e) {
    return {
      ok: false,
      code: 'malformed',
      message: `not a Yjs update: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
  for (const name of after.share.keys()) {
    if (!knownRoots.has(name))
      return { ok: false, code: 'forbidden', message: `unknown top-level field ${name}` };
  }
  const p0 = proposalsOf(before).toArray();
  const p1 = proposalsOf(after).toArray();
  const l0 = logOf(before).toArray();
  const l1 = logOf(after).toArray();

  // Concurrent appends may land between earlier entries, so "nothing removed" is checked as a multiset.
  const remaining = new Map<string, number>();
  for (const e of p1) {
    const key = keyOf(e);
    remaining.set(key, (remaining.get(key) ?? 0) + 1);
  }
  for (const e of p0) {
    const key = keyOf(e);
    const n = remaining.get(key) ?? 0;
    if (n === 0) return { ok: false, code: 'forbidden', message: 'proposals may not be removed or changed' };
    remaining.set(key, n - 1);
  }
  if (p1.length > p0.length) {
    if (!rights.mayPropose)
      return { ok: false, code: 'forbidden', message: `this peer may not propose changes to ${recordId}` };
    const known = new Set(p0.map(keyOf));
    for (const e of p1) {
      if (!known.has(keyOf(e)) && (!(e instanceof Uint8Array) || decodeProposal(e) === null)) {
        return { ok: false, code: 'malformed', message: 'a new proposal does not decode' };
      }
    }
  }

  if (!rights.isHome && !sameEntries(l0, l1)) {
    return { ok: false, code: 'forbidden', message: `only the home of ${recordId} writes its log` };
  }
  if (rights.isHome) {
    if (l1.length < l0.length || !l0.every((e, i) => equalBytes(e, l1[i]))) {
      return {
        ok: false,
        code: 'forbidden',
        message: 'log entries may not be removed, reordered or changed',
      };
    }
    if (l1.slice(l0.length).some((e) => !(e instanceof Uint8Array) || decodeLogEntry(e) === null)) {
      return { ok: false, code: 'malformed', message: 'a new log entry does not decode' };
    }
  }

  if (
    !rights.mayEditFields &&
    JSON.stringify(fieldsOf(before).toJSON()) !== JSON.stringify(fieldsOf(after).toJSON())
  ) {
    return { ok: false, code: 'forbidden', message: `this peer may not edit the fields of ${recordId}` };
  }
  before.destroy();
  after.destroy();
  return { ok: true };
}

function keyOf(entry: unknown): string {
  return entry instanceof Uint8Array
    ? Array.from(entry, (b) => b.toString(16).padStart(2, '0')).join('')
    : `!${JSON.stringify(entry)}`;
}
