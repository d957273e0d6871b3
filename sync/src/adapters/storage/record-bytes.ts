import * as Y from 'yjs';
import { DomainError, DomainErrorCode } from '../../domain/errors';

/**
 * What every RecordStore implementation decides the same way: input checks, and the Yjs byte work of an
 * append (is it new? what is the state vector after it?). Bytes only: loading a Y.Doc here would cost
 * ~8 KB of heap per record and run the record's observers, which a store has no business doing.
 * Updates are Yjs v1 updates, the format y-protocols and y-websocket exchange.
 */

export const maxRecordIdLength = 120;
export const maxUpdateBytes = 16 * 1024 * 1024;
export const maxListChangesLimit = 10_000;
export const maxMetaKeyLength = 200;
export const maxMetaValueLength = 1024 * 1024;
/** Beyond this many appended updates a record is merged into one row, so reads stay one merge of a few rows. */
export const compactAfterPendingUpdates = 32;

/** The update of an empty document: a new record's row starts from it. */
export const emptyUpdate: Uint8Array = Uint8Array.of(0, 0);
export const emptyStateVector: Uint8Array = Uint8Array.of(0);

export type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>;

function invalid(field: string, message: string): DomainError {
  return new DomainError({ code: DomainErrorCode.invalidInput, field, message: `${field}: ${message}` });
}

export function checkRecordId(options: { recordId: unknown }): string {
  const { recordId } = options;
  if (typeof recordId !== 'string' || recordId.length === 0) {
    throw invalid('recordId', 'must be a non-empty string');
  }
  if (recordId.length > maxRecordIdLength) {
    throw invalid('recordId', `must be at most ${maxRecordIdLength} characters (got ${recordId.length})`);
  }
  return recordId;
}

/**
 * Checks an update's shape and decodes it, so a malformed one is refused before a store writes anything:
 * stored garbage would make every later read of the record throw.
 */
export function checkUpdate(options: { update: unknown }): { update: Uint8Array; decoded: DecodedUpdate } {
  const { update } = options;
  if (!(update instanceof Uint8Array)) throw invalid('update', 'must be a Uint8Array');
  if (update.byteLength === 0) throw invalid('update', 'must not be empty');
  if (update.byteLength > maxUpdateBytes) {
    throw invalid('update', `must be at most ${maxUpdateBytes} bytes (got ${update.byteLength})`);
  }
  let decoded: DecodedUpdate;
  try {
    decoded = Y.decodeUpdate(update);
    // The same readers that later merge the record: if these pass now, later merges cannot fail on it.
    Y.encodeStateVectorFromUpdate(update);
  } catch (error) {
    throw invalid(
      'update',
      `is not a valid Yjs update (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  // A copy: the caller may reuse its buffer after the promise resolves, and the memory store keeps it.
  return { update: update.slice(), decoded };
}

export function checkListChanges(options: { after: unknown; limit: unknown; prefixes: unknown }): {
  after: number;
  limit: number;
  prefixes: readonly string[] | undefined;
} {
  const { after, limit, prefixes } = options;
  if (typeof after !== 'number' || !Number.isSafeInteger(after) || after < 0) {
    throw invalid('after', 'must be a non-negative integer');
  }
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1 || limit > maxListChangesLimit) {
    throw invalid('limit', `must be an integer from 1 to ${maxListChangesLimit}`);
  }
  if (prefixes === undefined) return { after, limit, prefixes: undefined };
  if (!Array.isArray(prefixes)) throw invalid('prefixes', 'must be an array of strings');
  const checked: string[] = [];
  for (const [index, prefix] of (prefixes as unknown[]).entries()) {
    if (typeof prefix !== 'string' || prefix.length > maxRecordIdLength) {
      throw invalid(`prefixes.${index}`, `must be a string of at most ${maxRecordIdLength} characters`);
    }
    checked.push(prefix);
  }
  return { after, limit, prefixes: checked };
}

/** Whether a record id passes a listChanges prefix filter (an empty list matches nothing). */
export function matchesPrefixes(options: {
  recordId: string;
  prefixes: readonly string[] | undefined;
}): boolean {
  const { recordId, prefixes } = options;
  return prefixes === undefined || prefixes.some((prefix) => recordId.startsWith(prefix));
}

export function checkMetaKey(options: { key: unknown }): string {
  const { key } = options;
  if (typeof key !== 'string' || key.length === 0 || key.length > maxMetaKeyLength) {
    throw invalid('key', `must be a non-empty string of at most ${maxMetaKeyLength} characters`);
  }
  return key;
}

export function checkMetaValue(options: { value: unknown }): string {
  const { value } = options;
  if (typeof value !== 'string' || value.length > maxMetaValueLength) {
    throw invalid('value', `must be a string of at most ${maxMetaValueLength} characters`);
  }
  return value;
}

/** One update holding everything in `updates` (a record's state row plus its pending updates). */
export function mergeRecordUpdates(options: { updates: readonly Uint8Array[] }): Uint8Array {
  const { updates } = options;
  if (updates.length === 0) return emptyUpdate;
  return Y.mergeUpdates([...updates]);
}

/**
 * Decides an append against what the store holds for the record (`stored`: state row then pending updates,
 * or null for a record it has never seen): whether it adds anything, and the record's state vector after it.
 */
export function planAppend(options: {
  stored: readonly Uint8Array[] | null;
  update: Uint8Array;
  decoded: DecodedUpdate;
}): { changed: boolean; stateVector: Uint8Array } {
  const { stored, update, decoded } = options;
  if (stored === null) return { changed: true, stateVector: Y.encodeStateVectorFromUpdate(update) };
  const { changed, stateVector } = planAppendByMerging({
    current: mergeRecordUpdates({ updates: stored }),
    update,
    decoded,
  });
  return { changed, stateVector };
}

/**
 * planAppend on the record merged into one update, also answering the merge and whether the result holds
 * structs waiting for a predecessor (past a gap), which only a merge can tell.
 */
export function planAppendByMerging(options: {
  current: Uint8Array;
  update: Uint8Array;
  decoded: DecodedUpdate;
}): { changed: boolean; stateVector: Uint8Array; merged: Uint8Array; gapped: boolean } {
  const { current, update, decoded } = options;
  const currentStateVector = Y.encodeStateVectorFromUpdate(current);
  if (containsUpdate({ current, currentStateVector, decoded })) {
    return { changed: false, stateVector: currentStateVector, merged: current, gapped: hasGaps(current) };
  }
  const merged = Y.mergeUpdates([current, update]);
  return {
    changed: true,
    stateVector: Y.encodeStateVectorFromUpdate(merged),
    merged,
    gapped: hasGaps(merged),
  };
}

/** Whether an update holds structs past a gap (the state vector stops short of them). */
export function hasGaps(update: Uint8Array): boolean {
  const held = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(update));
  for (const [client, to] of Y.parseUpdateMeta(update).to) if (to > (held.get(client) ?? 0)) return true;
  return false;
}

/**
 * Per client, the clock range [from, to) of an update's structs, or null when some client's structs are
 * not one run without holes (a Skip, a jump, or out of order): then only a merge can tell what it adds.
 */
export function structRanges(decoded: DecodedUpdate): Map<number, { from: number; to: number }> | null {
  const ranges = new Map<number, { from: number; to: number }>();
  for (const struct of decoded.structs) {
    if (struct instanceof Y.Skip) return null;
    const { client, clock } = struct.id;
    const range = ranges.get(client);
    if (range === undefined) ranges.set(client, { from: clock, to: clock + struct.length });
    else if (range.to === clock) range.to = clock + struct.length;
    else return null;
  }
  return ranges;
}

/** Whether a decoded update deletes anything. */
export function hasDeletes(decoded: DecodedUpdate): boolean {
  for (const deletes of decoded.ds.clients.values()) if (deletes.some((d) => d.len > 0)) return true;
  return false;
}

/**
 * planAppend from the record's state vector alone, without merging, for the common appends: structs that
 * continue (or repeat) what the record holds. `gapped` says the record holds structs past a gap, which the
 * update could make reachable. Answers null when only a merge can decide (a gap, deletions of nothing new).
 */
export function planAppendFromStateVector(options: {
  stateVector: Uint8Array;
  gapped: boolean;
  decoded: DecodedUpdate;
}): { changed: boolean; stateVector: Uint8Array } | null {
  const { decoded } = options;
  const ranges = structRanges(decoded);
  if (ranges === null) return null;
  const held = Y.decodeStateVector(options.stateVector);
  let adds = false;
  for (const [client, { from, to }] of ranges) {
    const clock = held.get(client) ?? 0;
    if (from > clock) return null;
    if (to > clock) adds = true;
  }
  if (!adds) {
    // Deletions may or may not be news: the record's delete set answers that, and it needs a merge.
    return hasDeletes(decoded) ? null : { changed: false, stateVector: options.stateVector };
  }
  if (options.gapped) return null;
  for (const [client, { to }] of ranges) if (to > (held.get(client) ?? 0)) held.set(client, to);
  return { changed: true, stateVector: encodeStateVectorOf(held) };
}

function encodeStateVectorOf(clocks: Map<number, number>): Uint8Array {
  // The layout of Y.encodeStateVector: count, then client/clock pairs, clients in descending order.
  // Written out here (varuints) so the browser's store imports nothing beyond yjs.
  const bytes: number[] = [];
  const writeVarUint = (value: number): void => {
    let rest = value;
    while (rest > 0x7f) {
      bytes.push(0x80 | (rest % 0x80));
      rest = Math.floor(rest / 0x80);
    }
    bytes.push(rest);
  };
  const clients = [...clocks.keys()].sort((a, b) => b - a);
  writeVarUint(clients.length);
  for (const client of clients) {
    writeVarUint(client);
    writeVarUint(clocks.get(client) ?? 0);
  }
  return Uint8Array.from(bytes);
}

/** Clock ranges [start, end) of one client, sorted and merged. */
type Ranges = Array<{ start: number; end: number }>;

function covers(ranges: Ranges | undefined, start: number, end: number): boolean {
  return ranges?.some((range) => range.start <= start && end <= range.end) ?? false;
}

/**
 * Whether `current` already holds everything in the update: every struct and every deletion. The state
 * vector alone cannot say: a delete-only update leaves it unchanged, and structs that wait for a missing
 * predecessor (a gap) sit in the merged update beyond the state vector.
 */
function containsUpdate(options: {
  current: Uint8Array;
  currentStateVector: Uint8Array;
  decoded: DecodedUpdate;
}): boolean {
  const { current, currentStateVector, decoded } = options;
  const known = Y.decodeStateVector(currentStateVector);
  const beyondGap: Array<{ client: number; start: number; end: number }> = [];
  for (const struct of decoded.structs) {
    if (struct instanceof Y.Skip) continue;
    const { client, clock } = struct.id;
    const knownClock = known.get(client) ?? 0;
    const end = clock + struct.length;
    if (end <= knownClock) continue;
    if (clock <= knownClock) return false; // it continues the known state: new content
    beyondGap.push({ client, start: clock, end });
  }
  if (beyondGap.length > 0) {
    // Rare (out-of-order delivery), so only then decode the whole record to see what it holds past gaps.
    const held = new Map<number, Ranges>();
    for (const struct of Y.decodeUpdate(current).structs) {
      if (struct instanceof Y.Skip) continue;
      const ranges = held.get(struct.id.client) ?? [];
      const start = struct.id.clock;
      const end = start + struct.length;
      const last = ranges[ranges.length - 1];
      // Structs of one client come sorted by clock, so adjacent ones extend the last range.
      if (last !== undefined && last.end === start) last.end = end;
      else ranges.push({ start, end });
      held.set(struct.id.client, ranges);
    }
    if (!beyondGap.every((s) => covers(held.get(s.client), s.start, s.end))) return false;
  }
  if (decoded.ds.clients.size === 0) return true;
  // The diff against its own state vector keeps the record's full delete set but drops most structs.
  const heldDeletes = Y.mergeDeleteSets([Y.decodeUpdate(Y.diffUpdate(current, currentStateVector)).ds]);
  for (const [client, deletes] of decoded.ds.clients) {
    const ranges: Ranges = (heldDeletes.clients.get(client) ?? []).map((d) => ({
      start: d.clock,
      end: d.clock + d.len,
    }));
    for (const deleted of deletes) {
      if (deleted.len > 0 && !covers(ranges, deleted.clock, deleted.clock + deleted.len)) return false;
    }
  }
  return true;
}
