import * as Y from 'yjs';

/**
 * The shape of every record document. `proposals` and `log` hold binary entries (record-codec.ts);
 * `fields` holds free collaborative data (notes as Y.Text, checklists as Y.Map) merged by the CRDT
 * without a lifecycle.
 */
export function proposalsOf(doc: Y.Doc): Y.Array<Uint8Array> {
  return doc.getArray<Uint8Array>('proposals');
}

export function logOf(doc: Y.Doc): Y.Array<Uint8Array> {
  return doc.getArray<Uint8Array>('log');
}

export function fieldsOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap('fields');
}

/** A transient Y.Doc for a record held as bytes; callers encode it back and let it go. */
export function loadRecordDoc(options: { recordId: string; update: Uint8Array | null }): Y.Doc {
  const doc = new Y.Doc({ guid: options.recordId, gc: true });
  if (options.update && options.update.length > 0) Y.applyUpdate(doc, options.update);
  return doc;
}

/** Runs `change` on the doc and returns the Yjs update it produced (empty when nothing changed). */
export function captureUpdate(options: { doc: Y.Doc; origin: string; change: () => void }): Uint8Array {
  const before = Y.encodeStateVector(options.doc);
  options.doc.transact(options.change, options.origin);
  return Y.encodeStateAsUpdate(options.doc, before);
}
