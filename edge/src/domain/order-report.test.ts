import { describe, expect, test } from 'vitest';
import {
  buildOrderReport,
  countOrderFacts,
  median,
  parseOrderReportQuery,
  periodBuckets,
  periodOf,
  regionAtLevel,
  roundTo,
  type OrderFact,
  type OrderReportQuery,
} from './order-report';
import { reportCsv, reportFileName, reportTableRows } from './report-table';

const hour = 3600 * 1000;
/** 2026-03-01 00:00 in China time. */
const march1 = Date.parse('2026-03-01T00:00:00+08:00');

function query(input: Record<string, string>): OrderReportQuery {
  const parsed = parseOrderReportQuery({
    input: { period: 'month', from: '2026-03-01', to: '2026-04-30', ...input },
  });
  if (!parsed.ok) throw new Error(`${parsed.issue.field}: ${parsed.issue.message}`);
  return parsed.query;
}

function fact(overrides: Partial<OrderFact>): OrderFact {
  return {
    countyCode: '330106',
    categoryCode: 'FAM',
    channel: 'call',
    status: 'received',
    resolution: null,
    receivedAt: march1 + hour,
    firstDispatchedAt: null,
    returnVisitCount: 0,
    lastSatisfaction: null,
    complaintCount: 0,
    ...overrides,
  };
}

describe('parseOrderReportQuery', () => {
  const base = { level: 'county', period: 'day', from: '2026-03-01', to: '2026-03-31' };
  const issue = (input: Record<string, unknown>) => {
    const parsed = parseOrderReportQuery({ input: { ...base, ...input } });
    return parsed.ok ? undefined : parsed.issue;
  };

  test('days start at midnight in China time; to is inclusive; format defaults to json', () => {
    const parsed = parseOrderReportQuery({ input: base });
    expect(parsed.ok && parsed.query).toMatchObject({
      fromMs: Date.parse('2026-02-28T16:00:00Z'),
      toMsExclusive: Date.parse('2026-03-31T16:00:00Z'),
      format: 'json',
      within: undefined,
    });
  });

  test('each bad parameter is named', () => {
    expect(issue({ level: 'village' })?.field).toBe('level');
    expect(issue({ period: 'week' })?.field).toBe('period');
    expect(issue({ from: '2026-02-30' })?.field).toBe('from');
    expect(issue({ to: '31/03/2026' })?.field).toBe('to');
    expect(issue({ to: '2026-02-01' })).toEqual({ field: 'to', message: 'must not be before from' });
    expect(issue({ to: '2027-03-03' })?.field).toBe('to');
    expect(issue({ within: '33010' })?.field).toBe('within');
    expect(issue({ within: '999999' })?.field).toBe('within');
    expect(issue({ level: 'province', within: '330100' })?.field).toBe('within');
    expect(issue({ category: 'XYZ' })?.field).toBe('category');
    expect(issue({ format: 'pdf' })?.field).toBe('format');
    expect(issue({ colour: 'red' })?.field).toBe('colour');
  });

  test('to − from is at most 366 days', () => {
    expect(issue({ from: '2027-01-01', to: '2028-01-02' })).toBeUndefined();
    expect(issue({ from: '2027-01-01', to: '2028-01-03' })).toEqual({
      field: 'to',
      message: 'must be at most 366 days after from',
    });
  });

  test('within keeps the digits that name the region', () => {
    expect(query({ level: 'county', within: '330000' }).within).toEqual({
      code: '330000',
      level: 'province',
      prefix: '33',
    });
    expect(query({ level: 'county', within: '330100' }).within?.prefix).toBe('3301');
    expect(query({ level: 'county', within: '330106' }).within?.prefix).toBe('330106');
  });
});

test('regions by code prefix and periods in China time', () => {
  expect(regionAtLevel({ countyCode: '330106', level: 'county' })).toBe('330106');
  expect(regionAtLevel({ countyCode: '330106', level: 'city' })).toBe('330100');
  expect(regionAtLevel({ countyCode: '330106', level: 'province' })).toBe('330000');
  expect(regionAtLevel({ countyCode: '330106', level: 'country' })).toBe('000000');
  // 2026-03-31 23:30 in Beijing is still March there, though April has not begun in UTC either way.
  const lateMarch = Date.parse('2026-03-31T23:30:00+08:00');
  expect(periodOf({ at: lateMarch, period: 'day' })).toBe('2026-03-31');
  expect(periodOf({ at: lateMarch + hour, period: 'month' })).toBe('2026-04');
  expect(periodOf({ at: Date.parse('2026-03-31T16:30:00Z'), period: 'day' })).toBe('2026-04-01');
});

test('period buckets: each period once, starting at from, at midnight in China time', () => {
  const months = periodBuckets({ query: query({ level: 'county', from: '2026-01-15', to: '2026-03-02' }) });
  expect(months.keys).toEqual(['2026-01', '2026-02', '2026-03']);
  expect(months.starts).toEqual([
    Date.parse('2026-01-15T00:00:00+08:00'),
    Date.parse('2026-02-01T00:00:00+08:00'),
    Date.parse('2026-03-01T00:00:00+08:00'),
  ]);
  const days = periodBuckets({
    query: query({ level: 'county', period: 'day', from: '2028-02-28', to: '2028-03-01' }),
  });
  expect(days.keys).toEqual(['2028-02-28', '2028-02-29', '2028-03-01']);
});

test('median and rounding', () => {
  expect(median([])).toBeNull();
  expect(median([5])).toBe(5);
  expect(median([4, 1, 3])).toBe(3);
  expect(median([4, 1, 3, 10])).toBe(3.5);
  expect(roundTo({ value: 0.12345, places: 4 })).toBe(0.1235);
  expect(roundTo({ value: 2 / 3, places: 4 })).toBe(0.6667);
  expect(roundTo({ value: 1.005, places: 2 })).toBe(1.01);
});

test('figures per region and month: channels, information, dispatch times, completion, visits, complaints', () => {
  const facts: OrderFact[] = [
    // 西湖区, March: four orders.
    fact({ channel: 'call', resolution: 'information', status: 'closed' }),
    fact({
      channel: 'sms',
      status: 'closed',
      resolution: 'served',
      firstDispatchedAt: march1 + 2 * hour,
      returnVisitCount: 2,
      lastSatisfaction: 5,
    }),
    fact({
      channel: 'web',
      status: 'served',
      firstDispatchedAt: march1 + 4 * hour,
      complaintCount: 1,
    }),
    fact({
      channel: 'walk_in',
      status: 'awaiting_dispatch',
      firstDispatchedAt: march1 + 8 * hour,
      lastSatisfaction: 2,
      complaintCount: 2,
    }),
    // 西湖区, April: received but never dispatched.
    fact({ receivedAt: Date.parse('2026-04-02T09:00:00+08:00') }),
    // 北京市朝阳区, March.
    fact({
      countyCode: '110105',
      categoryCode: 'MNT',
      status: 'closed',
      resolution: 'served',
      firstDispatchedAt: march1 + 3 * hour,
      returnVisitCount: 1,
      lastSatisfaction: 4,
    }),
    // Outside the range and outside the category filter below.
    fact({ receivedAt: march1 - 1 }),
  ];
  const q = query({ level: 'county' });
  const report = buildOrderReport({ query: q, ...countOrderFacts({ facts, query: q }) });
  expect(report.rows.map((r) => [r.regionCode, r.regionName, r.period, r.received])).toEqual([
    ['110105', '北京市朝阳区', '2026-03', 1],
    ['330106', '浙江省杭州市西湖区', '2026-03', 4],
    ['330106', '浙江省杭州市西湖区', '2026-04', 1],
  ]);
  expect(report.rows[1]).toMatchObject({
    byChannel: { call: 1, sms: 1, web: 1, walk_in: 1 },
    information: 1,
    dispatched: 3,
    dispatchHoursMedian: 3,
    dispatchHoursAverage: 3.67,
    completed: 2,
    completionRate: 0.6667,
    returnVisited: 1,
    returnVisitRate: 0.5,
    satisfactionRate: 0.5,
    complaintRate: 0.6667,
  });
  // An empty group of a kind: nothing dispatched, so no rates at all rather than 0 % or NaN.
  expect(report.rows[2]).toMatchObject({
    received: 1,
    dispatched: 0,
    dispatchHoursMedian: null,
    dispatchHoursAverage: null,
    completionRate: null,
    returnVisitRate: null,
    satisfactionRate: null,
    complaintRate: null,
  });
  expect(report.total).toMatchObject({ received: 6, dispatched: 4, dispatchHoursMedian: 2.5, completed: 3 });
  expect(report.notes.join(' ')).toMatch(/15-second answer rate/);

  const national = buildOrderReport({
    query: query({ level: 'province' }),
    ...countOrderFacts({ facts, query: query({ level: 'province' }) }),
  });
  expect(national.rows.map((r) => [r.regionName, r.period, r.received])).toEqual([
    ['北京市', '2026-03', 1],
    ['浙江省', '2026-03', 4],
    ['浙江省', '2026-04', 1],
  ]);
  const zhejiangMnt = query({ level: 'city', within: '330000', category: 'MNT' });
  const none = buildOrderReport({ query: zhejiangMnt, ...countOrderFacts({ facts, query: zhejiangMnt }) });
  expect(none.rows).toEqual([]);
  expect(none.total.received).toBe(0);
  expect(none.query).toMatchObject({ withinName: '浙江省', categoryName: expect.any(String) as unknown });
});

test('CSV: BOM, Chinese header, CRLF, quotes around commas and quotes, formulas defused, a total row', () => {
  const q = query({ level: 'country' });
  const report = buildOrderReport({ query: q, ...countOrderFacts({ facts: [fact({})], query: q }) });
  const [row] = report.rows;
  if (!row) throw new Error('no row');
  report.rows.push(
    { ...row, regionCode: '999999', regionName: '某"区",测试' },
    { ...row, regionName: '=1+1' },
  );
  const csv = reportCsv({ report });
  expect(csv.startsWith('\uFEFF地区代码,地区,期间,受理量,电话,短信,网站,来访,')).toBe(true);
  const lines = csv.slice(1).split('\r\n');
  expect(lines[1]).toBe('000000,全国,2026-03,1,1,0,0,0,0,0,,,0,,0,,,');
  expect(lines[2]).toContain(',"某""区"",测试",');
  expect(lines[3]).toContain(",'=1+1,");
  expect(lines[4]).toBe('"",合计(全国),2026-03-01至2026-04-30,1,1,0,0,0,0,0,,,0,,0,,,'.replace('""', ''));
  expect(lines[5]).toBe('');
  expect(reportTableRows({ report })).toHaveLength(4);
  expect(reportFileName({ report, extension: 'csv' })).toBe(
    'orders_country_all_month_2026-03-01_2026-04-30_all-categories.csv',
  );
});
