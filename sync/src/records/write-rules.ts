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
  return acceptsPlainly(options) ? { ok: true } : checkRecordWriteByComparing(options);
}

type Root = 'proposals' | 'log' | 'fields';

/**
 * The quick check: one transient doc, the update applied to it once, and only what that transaction
 * inserted and deleted judged, with no copy of the record's entries to compare. It answers only "this
 * is plainly allowed" (appends where the peer may append, field edits by a peer that may edit them);
 * anything else (a refusal, something unusual) goes to checkByComparing, which gives the reason. So it
 * allows nothing the comparison would refuse: no entry of proposals or log is deleted, new log entries
 * follow every earlier one, new entries decode, fields change only if the peer may edit them.
 */
function acceptsPlainly(options: {
  recordId: string;
  current: Uint8Array | null;
  update: Uint8Array;
  rights: WriteRights;
}): boolean {
  const { recordId, current, update, rights } = options;
  // No gc: a deleted item keeps its parent, so every deletion can be traced to its root.
  const doc = new Y.Doc({ guid: recordId, gc: false });
  try {
    if (current && current.length > 0) Y.applyUpdate(doc, current);
    const roots = new Map<unknown, Root>([
      [proposalsOf(doc), 'proposals'],
      [logOf(doc), 'log'],
      [fieldsOf(doc), 'fields'],
    ]);
    let applied: Y.Transaction | null = null;
    doc.once('afterTransaction', (transaction: Y.Transaction) => {
      applied = transaction;
    });
    try {
      Y.applyUpdate(doc, update);
    } catch {
      return false;
    }
    const transaction = applied as Y.Transaction | null;
    if (transaction === null) return false;
    if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) return false;
    for (const name of doc.share.keys()) if (!knownRoots.has(name)) return false;

    const rootOf = (item: Y.Item): { root: Root; direct: boolean } | null => {
      let type = item.parent;
      let direct = true;
      while (type instanceof Y.AbstractType) {
        const root = roots.get(type);
        if (root !== undefined) return { root, direct };
        if (type._item === null) return null;
        type = type._item.parent;
        direct = false;
      }
      return null;
    };
    const isNew = (struct: Y.Item | Y.GC): boolean =>
      struct.id.clock >= (transaction.beforeState.get(struct.id.client) ?? 0);

    let plain = true;
    doc.transact((inspection) => {
      Y.iterateDeletedStructs(inspection, transaction.deleteSet, (struct) => {
        if (!plain || !(struct instanceof Y.Item)) return;
        const where = rootOf(struct);
        if (where === null || where.root !== 'fields' || !rights.mayEditFields) plain = false;
      });
    });
    if (!plain) return false;

    const newLog = new Set<Y.Item>();
    for (const [client, after] of transaction.afterState) {
      const before = transaction.beforeState.get(client) ?? 0;
      if (after <= before) continue;
      const structs = doc.store.clients.get(client) ?? [];
      for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
        const struct = structs[i];
        if (!(struct instanceof Y.Item) || struct.deleted) continue; // no content: nothing to judge
        const where = rootOf(struct);
        if (where === null) return false;
        if (where.root === 'fields') {
          if (!rights.mayEditFields) return false;
          continue;
        }
        if (!where.direct || !(where.root === 'proposals' ? rights.mayPropose : rights.isHome)) return false;
        const decode = where.root === 'proposals' ? decodeProposal : decodeLogEntry;
        for (const entry of struct.content.getContent()) {
          if (!(entry instanceof Uint8Array) || decode(entry) === null) return false;
        }
        if (where.root === 'log') newLog.add(struct);
      }
    }
    if (newLog.size > 0) {
      // New log entries only after every earlier one: appended, not inserted.
      let seenNew = false;
      for (let item = logOf(doc)._start; item !== null; item = item.right) {
        if (item.deleted) continue;
        if (newLog.has(item) || isNew(item)) seenNew = true;
        else if (seenNew) return false;
      }
    }
    return true;
  } finally {
    doc.destroy();
  }
}

/**
 * The full check: the record before and after the update, compared entry by entry. checkRecordWrite
 * decides the same; this is its reference (tests hold the quick path to it).
 */
export function checkRecordWriteByComparing(options: {
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
