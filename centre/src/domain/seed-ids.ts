import { formatRecordId, type RecordKind } from '@jiazheng/sync/domain';

/** Crockford's base 32, as ULIDs spell it. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * FNV-1a with MurmurHash3's finaliser: a small, stable 32-bit hash of a key. The finaliser matters: FNV's
 * low bits depend only on the keys' low bits, so without it similar keys share their low bits.
 */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A ULID made from a time and a key instead of the clock and chance: the same plan item always gets the same
 * id, so a seeding started again after an interruption can tell what is already there and skip it. The time
 * part is `at` (ids still sort by when things happened); the random part comes from the key.
 */
export function seedUlid(options: { at: number; key: string }): string {
  let time = '';
  let t = Math.max(0, Math.floor(options.at));
  for (let i = 0; i < 10; i++) {
    time = (CROCKFORD[t % 32] ?? '0') + time;
    t = Math.floor(t / 32);
  }
  let rest = '';
  for (let i = 0; i < 16; i++) rest += CROCKFORD[hash32(`${options.key}#${i}`) >>> 27] ?? '0';
  return time + rest;
}

/** A record id for a planned item: `kind:scope:` and a `seedUlid`. */
export function seedRecordId(options: { kind: RecordKind; scope: string; at: number; key: string }): string {
  return formatRecordId({ kind: options.kind, scope: options.scope, id: seedUlid(options) });
}

/**
 * What a resumed seeding still has to make: the planned items whose ids the record's home does not hold yet.
 * An item there was proposed with all its commands in one change, so it is complete and must not be
 * proposed again (that would make a second copy, or have the home refuse the repeated commands).
 */
export function remainingToSeed<T>(options: {
  planned: readonly T[];
  idOf: (item: T) => string;
  present: ReadonlySet<string>;
}): { todo: T[]; done: number } {
  const todo = options.planned.filter((item) => !options.present.has(options.idOf(item)));
  return { todo, done: options.planned.length - todo.length };
}
