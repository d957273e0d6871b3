/*
 * A record's log as the console shows it (an enterprise's registry acts, a complaint's arbitration, a
 * course's record): who did what when, and what the record's home decided. Each screen maps its own
 * entries to rows and names the action in its own words; RecordLog.svelte renders them.
 */

export type RecordLogDecision = 'accepted' | 'rejected' | 'pending';

export type RecordLogRow = {
  /** Unique within the log (a proposal id, or an index when the log has none). */
  key: string;
  /** Epoch ms. */
  at: number;
  /** The act in the reader's language. */
  action: string;
  userId: string;
  role: string;
  decision: RecordLogDecision;
  /** Why the home refused it (a code or a message), if it did. */
  note: string | null;
};

/** Who did it, as a person reads it: hub staff sign as `hub:<username>`. */
export function actorLabel(options: { userId: string }): string {
  const { userId } = options;
  return userId.startsWith('hub:') ? userId.slice('hub:'.length) : userId;
}

/** Oldest first, as a history reads; equal times keep a stable order by key. */
export function sortRecordLog(options: { rows: readonly RecordLogRow[] }): RecordLogRow[] {
  return [...options.rows].sort((a, b) => a.at - b.at || a.key.localeCompare(b.key));
}
