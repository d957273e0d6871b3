import { expect, test } from 'vitest';
import { choosePurges, type RetainedRecording } from './retention';

const policy = { retentionDays: { default: 30, complaint: 365 }, quotaBytes: 1000 };
const now = new Date('2026-11-29T00:00:00Z');
const recording = (
  id: string,
  daysOld: number,
  extra: Partial<RetainedRecording> = {},
): RetainedRecording => ({
  id,
  category: 'call',
  createdAt: new Date(now.getTime() - daysOld * 86_400_000).toISOString(),
  bytes: 100,
  disputed: false,
  ...extra,
});

test('recordings past their category’s retention are purged; complaint evidence is kept longer', () => {
  const { purge } = choosePurges({
    recordings: [
      recording('old', 31),
      recording('new', 29),
      recording('evidence', 100, { category: 'complaint' }),
    ],
    policy,
    now,
  });
  expect(purge).toEqual([{ id: 'old', reason: 'expired' }]);
});

test('over the quota, the oldest go first until it fits', () => {
  const recordings = Array.from({ length: 15 }, (_, i) => recording(`r${i}`, 15 - i));
  const { purge, keptBytes, overQuotaBytes } = choosePurges({ recordings, policy, now });
  expect(purge.map((p) => p.id)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
  expect(purge.every((p) => p.reason === 'quota')).toBe(true);
  expect(keptBytes).toBe(1000);
  expect(overQuotaBytes).toBe(0);
});

test('a recording under dispute is never purged, however old and however full the disk', () => {
  const recordings = [
    recording('disputed-old', 400, { disputed: true, bytes: 5000 }),
    recording('plain', 1, { bytes: 100 }),
  ];
  const { purge, overQuotaBytes } = choosePurges({ recordings, policy, now });
  expect(purge).toEqual([{ id: 'plain', reason: 'quota' }]);
  expect(overQuotaBytes).toBe(4000);
});
