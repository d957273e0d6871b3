import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

/**
 * Questions the relay asks of Yjs updates without loading a Y.Doc: records stay bytes (a loaded doc costs
 * ~8 KB of heap). Every function here may throw on bytes that are not a Yjs v1 update; callers that take
 * bytes from the network check them with `inspectUpdate` first.
 */

/** The update of an empty document (no structs, no deletions). */
export const emptyUpdate: Uint8Array = Uint8Array.of(0, 0);
/** The state vector of an empty document. */
export const emptyStateVector: Uint8Array = Uint8Array.of(0);

/** Per Yjs client, the clock up to which a replica holds that client's structs. */
export type Clocks = Map<number, number>;

export type UpdateShape = { hasStructs: boolean; hasDeletes: boolean };

/** What an update carries; throws if it is not a Yjs update. */
export function inspectUpdate(update: Uint8Array): UpdateShape {
  const decoded = Y.decodeUpdate(update);
  const hasStructs = decoded.structs.some((struct) => !(struct instanceof Y.Skip));
  let hasDeletes = false;
  for (const deletes of decoded.ds.clients.values()) if (deletes.some((d) => d.len > 0)) hasDeletes = true;
  return { hasStructs, hasDeletes };
}

/** Per client, the clock range [from, to) of an update's structs; null if some client's run has holes. */
export type StructRanges = Map<number, { from: number; to: number }> | null;

/**
 * inspectUpdate, plus each client's struct range, from one decode: the relay's write path asks several
 * questions of one update and decoding is most of their cost.
 */
export function analyseUpdate(update: Uint8Array): UpdateShape & { ranges: StructRanges } {
  const decoded = Y.decodeUpdate(update);
  let ranges: StructRanges = new Map();
  let hasStructs = false;
  for (const struct of decoded.structs) {
    if (struct instanceof Y.Skip) {
      ranges = null;
      continue;
    }
    hasStructs = true;
    if (ranges === null) continue;
    const { client, clock } = struct.id;
    const range = ranges.get(client);
    if (range === undefined) ranges.set(client, { from: clock, to: clock + struct.length });
    else if (range.to === clock) range.to = clock + struct.length;
    else ranges = null;
  }
  let hasDeletes = false;
  for (const deletes of decoded.ds.clients.values()) if (deletes.some((d) => d.len > 0)) hasDeletes = true;
  return { hasStructs, hasDeletes, ranges };
}

/**
 * addsPendingStructs without merging when the update's structs continue, for every client, what the
 * record holds (the usual write): then nothing of it can wait for a predecessor. Else it merges.
 */
export function addsPendingStructsTo(options: {
  current: { update: Uint8Array; stateVector: Uint8Array } | null;
  update: Uint8Array;
  ranges: StructRanges;
}): boolean {
  const { current, update, ranges } = options;
  if (ranges !== null) {
    const held = current === null ? new Map<number, number>() : decodeClocks(current.stateVector);
    let continues = true;
    for (const [client, { from }] of ranges) if (from > (held.get(client) ?? 0)) continues = false;
    if (continues) return false;
  }
  const merged = current === null ? update : Y.mergeUpdates([current.update, update]);
  return addsPendingStructs({ current: current?.update ?? null, merged });
}

/** isContainedIn, answering "no" from the struct ranges alone when the update brings structs beyond the record. */
export function isContainedInRecord(options: {
  update: Uint8Array;
  ranges: StructRanges;
  current: Uint8Array;
  currentStateVector: Uint8Array;
}): boolean {
  if (options.ranges !== null) {
    const held = decodeClocks(options.currentStateVector);
    for (const [client, { to }] of options.ranges) if (to > (held.get(client) ?? 0)) return false;
  }
  return isContainedIn(options);
}

export function isEmptyUpdate(update: Uint8Array): boolean {
  const shape = inspectUpdate(update);
  return !shape.hasStructs && !shape.hasDeletes;
}

export function decodeClocks(stateVector: Uint8Array): Clocks {
  return Y.decodeStateVector(stateVector);
}

export function encodeClocks(clocks: Clocks): Uint8Array {
  // The layout of Y.encodeStateVector (count, then client/clock pairs); Yjs exports no encoder for a Map.
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, clocks.size);
  for (const [client, clock] of clocks) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, clock);
  }
  return encoding.toUint8Array(encoder);
}

/** Whether `clocks` holds structs of some client beyond what `than` holds. */
export function hasClocksBeyond(options: { clocks: Clocks; than: Clocks }): boolean {
  for (const [client, clock] of options.clocks) if (clock > (options.than.get(client) ?? 0)) return true;
  return false;
}

/**
 * `clocks` after the holder also received `update`: a client's clock moves only where the update's
 * structs continue what was held (an update past a gap adds nothing the holder can use yet).
 */
export function addUpdateToClocks(options: { clocks: Clocks; update: Uint8Array }): Clocks {
  const next = new Map(options.clocks);
  const meta = Y.parseUpdateMeta(options.update);
  for (const [client, from] of meta.from) {
    const to = meta.to.get(client) ?? from;
    const held = next.get(client) ?? 0;
    if (from <= held && to > held) next.set(client, to);
  }
  return next;
}

/**
 * Whether merging gave the record structs it cannot integrate (they wait for a predecessor it lacks)
 * that it did not already have. Such an update comes from a replica that holds something the relay
 * refused or never got; storing it would leave the record with content no reader can see.
 */
export function addsPendingStructs(options: { current: Uint8Array | null; merged: Uint8Array }): boolean {
  const pendingEnds = (update: Uint8Array): Map<number, number> => {
    const held = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(update));
    const ends = new Map<number, number>();
    for (const [client, to] of Y.parseUpdateMeta(update).to)
      if (to > (held.get(client) ?? 0)) ends.set(client, to);
    return ends;
  };
  const before = options.current === null ? new Map<number, number>() : pendingEnds(options.current);
  for (const [client, to] of pendingEnds(options.merged)) if (to > (before.get(client) ?? 0)) return true;
  return false;
}

/** Whether every deletion in `update` is also in `by` (both Yjs updates). */
export function deletesCoveredBy(options: { update: Uint8Array; by: Uint8Array }): boolean {
  const wanted = Y.decodeUpdate(options.update).ds;
  if (wanted.clients.size === 0) return true;
  const held = Y.mergeDeleteSets([Y.decodeUpdate(options.by).ds]);
  for (const [client, deletes] of wanted.clients) {
    const ranges = held.clients.get(client) ?? [];
    for (const deleted of deletes) {
      if (deleted.len === 0) continue;
      const end = deleted.clock + deleted.len;
      if (!ranges.some((range) => range.clock <= deleted.clock && end <= range.clock + range.len))
        return false;
    }
  }
  return true;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether the record already holds everything in `update` (every struct and every deletion). */
export function isContainedIn(options: {
  update: Uint8Array;
  current: Uint8Array;
  currentStateVector: Uint8Array;
}): boolean {
  const held = decodeClocks(options.currentStateVector);
  for (const [client, to] of Y.parseUpdateMeta(options.update).to)
    if (to > (held.get(client) ?? 0)) return false;
  return deletesCoveredBy({ update: options.update, by: options.current });
}
