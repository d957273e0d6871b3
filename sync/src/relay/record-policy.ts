/**
 * Who may read and write which record: the relay asks, the records layer answers (it knows homes,
 * counties, roles and the rules of `log` and `proposals`). The relay itself knows nothing of that.
 */

/** An authenticated identity. The relay only reads `id` (for logs); the rest is for the policy. */
export type Peer = { readonly id: string };

export type WriteDecision = { ok: true } | { ok: false; code: string; message: string };

export interface RecordPolicy<P extends Peer = Peer> {
  /** Record-id prefixes the peer may read (e.g. `order:330106:`, `enterprise:`): what catch-up lists. */
  readablePrefixes(peer: P): readonly string[];
  /** Whether the peer may read this record: checked on every fetch, broadcast and write. */
  canRead(peer: P, recordId: string): boolean;
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
