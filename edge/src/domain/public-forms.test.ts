import { expect, test } from 'vitest';
import { announcementRequestSchema, firstIssue, webOrderSchema, wantedDateSchema } from './public-forms';

const now = Date.UTC(2026, 10, 29, 17, 0, 0); // 2026-11-30 01:00 in Beijing

test('a wanted date is a real day, in Beijing time, from today to 90 days ahead', () => {
  const schema = wantedDateSchema({ now });
  expect(schema.parse('')).toBeNull();
  // "Today" is Beijing's: already 30 November there, though still the 29th in UTC.
  expect(schema.parse('2026-11-30')).toBe(Date.UTC(2026, 10, 29, 16, 0, 0));
  expect(schema.safeParse('2026-11-29').success).toBe(false);
  expect(schema.safeParse('2027-02-28').success).toBe(true);
  expect(schema.safeParse('2027-03-01').success).toBe(false);
  for (const bad of ['2026-02-30', '30/11/2026', '2026-1-5', '２０２６-１２-０１'])
    expect(schema.safeParse(bad).success, bad).toBe(false);
});

test('the order form normalises what it keeps and names every field at fault', () => {
  const schema = webOrderSchema({ now, counties: new Set(['330106']) });
  const parsed = schema.parse({
    name: '  王女士 ',
    phone: '+86 138-1234-5678',
    countyCode: '330106',
    itemCode: 'FAM-CLEANING',
    address: '文三路 100 号',
    wantedDate: '',
    notes: 'a\r\nb',
  });
  expect(parsed).toMatchObject({ name: '王女士', phone: '+8613812345678', wantedDate: null, notes: 'a\nb' });
  const failed = schema.safeParse({
    name: '',
    phone: '1',
    countyCode: '330108',
    itemCode: 'INF-POLICY',
    address: 'x',
    wantedDate: 'soon',
    notes: '\u0000',
  });
  expect(failed.success).toBe(false);
  const fields = failed.error?.issues.map((i) => i.path.join('.'));
  expect(fields).toEqual(['name', 'phone', 'countyCode', 'itemCode', 'address', 'wantedDate', 'notes']);
});

test('announcements: strict fields, ISO times with an offset', () => {
  expect(
    announcementRequestSchema.parse({ title: 't', body: 'b', publishedAt: '2026-12-01T09:00:00+08:00' }),
  ).toEqual({
    title: 't',
    body: 'b',
    publishedAt: Date.UTC(2026, 11, 1, 1, 0, 0),
  });
  const extra = announcementRequestSchema.safeParse({ title: 't', body: 'b', at: 1 });
  expect(extra.error && firstIssue(extra.error)).toEqual({ field: 'at', message: 'is not a known field' });
});
