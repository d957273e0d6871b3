import { expect, test } from 'vitest';
import { createId, formatRecordId, idTime, parseRecordId } from './ids';

test('ids sort by creation, even within one millisecond', () => {
  const ids = Array.from({ length: 1000 }, () => createId({ now: 1_700_000_000_000 }));
  expect([...ids].sort()).toEqual(ids);
  expect(new Set(ids).size).toBe(1000);
  expect(idTime({ id: ids[0] ?? '' })).toBe(1_700_000_000_000);
});

test('record ids carry kind and home and are validated', () => {
  const id = createId();
  const recordId = formatRecordId({ kind: 'order', scope: '330106', id });
  expect(recordId).toBe(`order:330106:${id}`);
  expect(parseRecordId({ recordId })).toEqual({ kind: 'order', scope: '330106', id });
  expect(parseRecordId({ recordId: `enterprise:hub:${id}` }).scope).toBe('hub');
  expect(() => formatRecordId({ kind: 'order', scope: '33', id })).toThrow(/recordId/);
  expect(() => parseRecordId({ recordId: `order:330106:${id}; DROP TABLE` })).toThrow(/recordId/);
  expect(() => idTime({ id: 'not-a-ulid' })).toThrow(/id: must be a ULID/);
});
