import { expect, test } from 'vitest';
import { actorLabel, sortRecordLog, type RecordLogRow } from './record-log';

const row = (key: string, at: number): RecordLogRow => ({
  key,
  at,
  action: key,
  userId: 'hub:officer',
  role: 'registry_officer',
  decision: 'accepted',
  note: null,
});

test('the log reads oldest first, equal times by key', () => {
  expect(sortRecordLog({ rows: [row('b', 2), row('c', 1), row('a', 1)] }).map((r) => r.key)).toEqual([
    'a',
    'c',
    'b',
  ]);
});

test('hub staff are named by their account; other signers as they are', () => {
  expect(actorLabel({ userId: 'hub:qi' })).toBe('qi');
  expect(actorLabel({ userId: 'appliance-330106' })).toBe('appliance-330106');
});
