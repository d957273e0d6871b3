/**
 * Which recordings to purge: those older than their category's retention, then (oldest first) as many as
 * it takes to bring the recordings under the disk quota. A recording under dispute is never chosen, however
 * old and however full the disk: it is evidence.
 */
export type RetentionPolicy = {
  /** Days to keep, per category; `default` for categories not listed. */
  retentionDays: Readonly<Record<string, number>> & { default: number };
  /** The most the recordings may occupy, in bytes. */
  quotaBytes: number;
};

export type RetainedRecording = {
  id: string;
  category: string;
  createdAt: string;
  bytes: number;
  disputed: boolean;
};

export type PurgeChoice = { id: string; reason: 'expired' | 'quota' };

export function choosePurges(options: {
  recordings: readonly RetainedRecording[];
  policy: RetentionPolicy;
  now: Date;
}): { purge: PurgeChoice[]; keptBytes: number; overQuotaBytes: number } {
  const { policy } = options;
  const dayMs = 24 * 3600 * 1000;
  const purge: PurgeChoice[] = [];
  const kept: RetainedRecording[] = [];
  for (const recording of options.recordings) {
    const days = policy.retentionDays[recording.category] ?? policy.retentionDays.default;
    const expired = Date.parse(recording.createdAt) + days * dayMs <= options.now.getTime();
    if (expired && !recording.disputed) purge.push({ id: recording.id, reason: 'expired' });
    else kept.push(recording);
  }
  let keptBytes = kept.reduce((sum, recording) => sum + recording.bytes, 0);
  const oldestFirst = kept
    .filter((recording) => !recording.disputed)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  for (const recording of oldestFirst) {
    if (keptBytes <= policy.quotaBytes) break;
    purge.push({ id: recording.id, reason: 'quota' });
    keptBytes -= recording.bytes;
  }
  return { purge, keptBytes, overQuotaBytes: Math.max(0, keptBytes - policy.quotaBytes) };
}
