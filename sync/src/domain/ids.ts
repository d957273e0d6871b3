import { decodeTime, monotonicFactory } from 'ulidx';
import { z } from 'zod';
import { parseInput } from './errors';

/** ULIDs sort by creation time, so ids double as a rough order of arrival across replicas. */
export const ulidSchema = z
  .string()
  .regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID (26 Crockford base-32 chars)');

const nextUlid = monotonicFactory();

/** A new sortable id; strictly increasing within this process even inside one millisecond. */
export function createId(options: { now?: number } = {}): string {
  return nextUlid(options.now);
}

/** The creation time (epoch ms) an id carries. */
export function idTime(options: { id: string }): number {
  return decodeTime(parseInput({ schema: ulidSchema, input: options.id, what: 'id' }));
}

export const RecordKind = {
  order: 'order',
  enterprise: 'enterprise',
  worker: 'worker',
  complaint: 'complaint',
  inspection: 'inspection',
  directory: 'directory',
  /** A county's closing of a day or month (domain/closing), homed at its appliance like its orders. */
  closing: 'closing',
  /** A course or lecture of the centre's training (domain/training), homed at the hub. */
  course: 'course',
} as const;
export type RecordKind = (typeof RecordKind)[keyof typeof RecordKind];
export const recordKindSchema = z.enum(Object.values(RecordKind) as [RecordKind, ...RecordKind[]]);

/**
 * A record's id says what it is and where it lives: `order:330106:01J…` is an order homed at county
 * 330106; registry records are homed at the hub and use the scope `hub`.
 */
export const recordIdSchema = z
  .string()
  .max(80)
  .regex(
    /^(order|enterprise|worker|complaint|inspection|directory|closing|course):(\d{6}|hub):[0-9A-HJKMNP-TV-Z]{26}$/,
    'must look like kind:scope:ULID, e.g. order:330106:01J…',
  );
export type RecordId = z.infer<typeof recordIdSchema>;

export function formatRecordId(options: { kind: RecordKind; scope: string; id: string }): RecordId {
  return parseInput({
    schema: recordIdSchema,
    input: `${options.kind}:${options.scope}:${options.id}`,
    what: 'recordId',
  });
}

export function parseRecordId(options: { recordId: string }): {
  kind: RecordKind;
  scope: string;
  id: string;
} {
  const recordId = parseInput({ schema: recordIdSchema, input: options.recordId, what: 'recordId' });
  const [kind, scope, id] = recordId.split(':') as [RecordKind, string, string];
  return { kind, scope, id };
}
