/**
 * Who may read and write which record: the relay asks, the records layer answers (it knows homes,
 * counties, roles and the rules of `log` and `proposals`). The relay itself knows nothing of that.
 */

/** An authenticated identity. The relay only reads `id` (for logs); the rest is for the policy. */
export type Peer = { readonly id: string };

/** `'content'`: decided from the record as stored, through RecordPolicy.contentReads. */
export type ReadAccess = boolean | 'content';

/**
 * Read rights that depend on a record's content. The relay derives `facts` from the stored record only
 * for records `applies` names (so other records are never decoded to be read), caches them per record
 * version, and decides each peer with `canRead`.
 */
export interface ContentReads<P extends Peer = Peer> {
  /** Whether the record's readers may depend on its content; by id, cheap. */
  applies(recordId: string): boolean;
  /** What `canRead` needs, from the record as stored (null: the relay does not have it). Pure. */
  facts(options: { recordId: string; update: Uint8Array | null }): unknown;
  canRead(options: { peer: P; recordId: string; facts: unknown }): boolean;
}

export type WriteDecision = { ok: true } | { ok: false; code: string; message: string };

export interface RecordPolicy<P extends Peer = Peer> {
  /** Record-id prefixes the peer may read (e.g. `order:330106:`, `enterprise:`): what catch-up lists. */
  readablePrefixes(peer: P): readonly string[];
  /**
   * Whether the peer may read this record, judged by its id: checked on every fetch, broadcast and
   * write. `'content'`: it depends on what the record holds (an inspection is read by the inspector it
   * is assigned to); the relay then asks `contentReads.canRead` with what the record as stored says.
   */
  canRead(peer: P, recordId: string): ReadAccess;
  /** Records whose readers depend on their content; needed only by a policy that answers `'content'`. */
  contentReads?: ContentReads<P>;
  /**
   * Whether the peer may apply `update` to the record as stored (`current`, null if the relay has never
   * seen it). Must not keep the bytes. Only called for updates that would change the record.
   */
  checkWrite(options: {
    peer: P;
    recordId: string;
    current: Uint8Array | null;
    update: Uint8Array;
  }): WriteDecision | Promise<WriteDecision>;
  /**
   * After a peer's write changed the record and was broadcast (the home sequencer hooks in here). Runs
   * one at a time per record, off the writer's connection; writes it makes go through SyncServer.publish.
   */
  afterWrite?(options: { recordId: string; peer: P }): Promise<void>;
}
