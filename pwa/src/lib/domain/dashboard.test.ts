import { listCategories } from '@jiazheng/sync/domain';
import { expect, test } from 'vitest';
import type { OrderFigures, OrderReport, OrderReportRow } from '../api/hub-types';
import {
  REPORT_CATEGORIES,
  breakdownQuery,
  categoryChartOption,
  categoryQuery,
  categoryTotals,
  chinaDate,
  clickedRegion,
  crumbLabel,
  defaultFilter,
  drillInto,
  drillUp,
  filterIssue,
  formatCount,
  formatHours,
  formatRate,
  headlineFigures,
  noteText,
  periodsBetween,
  regionChartOption,
  regionTotals,
  shortRegionName,
  startPath,
  totalQuery,
  trendChartOption,
  trendSeries,
  type DashboardFilter,
  type DrillPath,
} from './dashboard';

const figures = (over: Partial<OrderFigures> = {}): OrderFigures => ({
  received: 0,
  byChannel: { call: 0, sms: 0, web: 0, walk_in: 0 },
  information: 0,
  dispatched: 0,
  dispatchHoursMedian: null,
  dispatchHoursAverage: null,
  completed: 0,
  completionRate: null,
  returnVisited: 0,
  returnVisitRate: null,
  satisfactionRate: null,
  complaintRate: null,
  ...over,
});

const row = (over: Partial<OrderReportRow> & { regionCode: string; period: string }): OrderReportRow => ({
  regionName: over.regionCode,
  ...figures(over),
  ...over,
});

const filter: DashboardFilter = { period: 'day', from: '2026-11-01', to: '2026-11-30', category: undefined };
const country: DrillPath = startPath({});

test('the categories are the catalogue’s, in its order', () => {
  expect(REPORT_CATEGORIES).toEqual(listCategories().map((c) => ({ code: c.code, name: c.name })));
});

test('drilling goes country → province → city → county, and the breadcrumb goes back up', () => {
  expect(country).toEqual([{ code: '000000', level: 'country', name: '全国' }]);
  const province = drillInto(country, { code: '330000', name: '浙江省' });
  const city = drillInto(province, { code: '330100', name: '杭州市' });
  const county = drillInto(city, { code: '330106', name: '西湖区' });
  expect(county.map((s) => `${s.level}:${s.code}`)).toEqual([
    'country:000000',
    'province:330000',
    'city:330100',
    'county:330106',
  ]);
  // Nothing below a county; going up keeps the steps before.
  expect(drillInto(county, { code: '999999', name: 'x' })).toBe(county);
  expect(drillUp(county, 1)).toEqual(province);
  expect(drillUp(county, 0)).toEqual(country);
  expect(drillUp(county, 3)).toBe(county);
  expect(drillUp(county, -1)).toBe(county);
});

test('the breadcrumb keeps the hub’s whole names and shows each under its parent', () => {
  const path = drillInto(
    drillInto(drillInto(country, { code: '330000', name: '浙江省' }), {
      code: '330100',
      name: '浙江省杭州市',
    }),
    { code: '330106', name: '浙江省杭州市西湖区' },
  );
  expect(path.map((_, index) => crumbLabel(path, index))).toEqual(['全国', '浙江省', '杭州市', '西湖区']);
  expect(crumbLabel(path, 9)).toBe('');
});

test('a regional user starts at their region', () => {
  expect(startPath({ scope: { level: 'country' } })).toEqual(country);
  expect(startPath({ scope: { level: 'city', code: '330100' } })).toEqual([
    { code: '330100', level: 'city', name: '330100' },
  ]);
  expect(startPath({ scope: { level: 'county', code: '330106' }, scopeName: '西湖区' })[0]?.name).toBe(
    '西湖区',
  );
});

test('the hub is asked for the region itself and, one level down, its regions', () => {
  expect(totalQuery({ path: country, filter })).toEqual({
    level: 'country',
    within: undefined,
    period: 'day',
    from: '2026-11-01',
    to: '2026-11-30',
    category: undefined,
  });
  expect(breakdownQuery({ path: country, filter })).toMatchObject({ level: 'province', within: undefined });
  const city = drillInto(drillInto(country, { code: '330000', name: '浙江省' }), {
    code: '330100',
    name: '杭州市',
  });
  expect(totalQuery({ path: city, filter })).toMatchObject({ level: 'city', within: '330100' });
  expect(breakdownQuery({ path: city, filter })).toMatchObject({ level: 'county', within: '330100' });
  expect(breakdownQuery({ path: drillInto(city, { code: '330106', name: '西湖区' }), filter })).toBeNull();
  expect(categoryQuery({ path: city, filter, category: 'FAM' })).toMatchObject({
    level: 'city',
    within: '330100',
    category: 'FAM',
  });
});

test('default ranges are China days: the last 30, or the last 12 months', () => {
  // 2026-11-29 20:00 UTC is already 11-30 in China.
  const now = Date.parse('2026-11-29T20:00:00Z');
  expect(chinaDate(now)).toBe('2026-11-30');
  expect(defaultFilter({ now, period: 'day' })).toEqual({
    period: 'day',
    from: '2026-11-01',
    to: '2026-11-30',
    category: undefined,
  });
  expect(defaultFilter({ now, period: 'month' })).toMatchObject({ from: '2025-12-01', to: '2026-11-30' });
  expect(filterIssue(filter)).toBeNull();
  expect(filterIssue({ ...filter, from: '2026-12-01' })).toBe('order');
  expect(filterIssue({ ...filter, from: '2025-01-01' })).toBe('length');
  expect(filterIssue({ ...filter, to: '' })).toBe('dates');
});

test('figures: counts grouped, hours to a decimal, rates as percentages, null as — (never 0)', () => {
  expect(formatCount({ value: 12345, language: 'zh-CN' })).toBe('12,345');
  expect(formatRate({ rate: 0.8234, language: 'en' })).toBe('82.3%');
  expect(formatRate({ rate: 0, language: 'en' })).toBe('0%');
  expect(formatRate({ rate: null, language: 'zh-CN' })).toBe('—');
  expect(formatHours({ hours: 2.46, language: 'en' })).toBe('2.5 hr');
  expect(formatHours({ hours: null, language: 'en' })).toBe('—');
  const headline = headlineFigures({
    total: figures({
      received: 3,
      byChannel: { call: 1, sms: 0, web: 2, walk_in: 0 },
      dispatched: 2,
      dispatchHoursMedian: 1.5,
      completed: 1,
      completionRate: 0.5,
    }),
    language: 'en',
  });
  expect(Object.fromEntries(headline.map((h) => [h.key, h.value]))).toEqual({
    received: '3',
    call: '1',
    sms: '0',
    web: '2',
    walkIn: '0',
    information: '0',
    dispatched: '2',
    dispatchHours: '1.5 hr',
    completionRate: '50%',
    returnVisitRate: '—',
    satisfactionRate: '—',
    complaintRate: '—',
  });
});

test('the hub’s known notes read in Chinese; an unknown one as the hub wrote it', () => {
  const calls =
    'Call figures (15-second answer rate, abandon rate, handle time) are not included: call records stay at the county appliances and do not reach the hub.';
  expect(noteText({ note: calls, language: 'zh-CN' })).toContain('不含话务指标');
  expect(noteText({ note: calls, language: 'en' })).toBe(calls);
  expect(noteText({ note: 'Something new.', language: 'zh-CN' })).toBe('Something new.');
});

test('periods between two days, or two months across a new year', () => {
  expect(periodsBetween({ from: '2026-02-27', to: '2026-03-02', period: 'day' })).toEqual([
    '2026-02-27',
    '2026-02-28',
    '2026-03-01',
    '2026-03-02',
  ]);
  expect(periodsBetween({ from: '2025-11-15', to: '2026-02-01', period: 'month' })).toEqual([
    '2025-11',
    '2025-12',
    '2026-01',
    '2026-02',
  ]);
});

const report = (rows: OrderReportRow[], query: Partial<OrderReport['query']> = {}): OrderReport => ({
  query: {
    level: 'province',
    within: null,
    withinName: null,
    period: 'day',
    from: '2026-11-01',
    to: '2026-11-03',
    category: null,
    categoryName: null,
    ...query,
  },
  rows,
  total: figures(),
  notes: [],
});

test('the trend has every period, those without orders at 0', () => {
  const series = trendSeries(
    report([
      row({ regionCode: '330000', period: '2026-11-01', received: 2, dispatched: 1 }),
      row({ regionCode: '110000', period: '2026-11-03', received: 1, completed: 1 }),
      row({ regionCode: '330000', period: '2026-11-03', received: 4 }),
    ]),
  );
  expect(series).toEqual({
    periods: ['2026-11-01', '2026-11-02', '2026-11-03'],
    received: [2, 0, 5],
    dispatched: [1, 0, 0],
    completed: [0, 0, 1],
  });
  const option = trendChartOption({ series, labels: { received: 'R', dispatched: 'D', completed: 'C' } });
  expect(option.xAxis.data).toEqual(series.periods);
  expect(option.series.map((s) => [s.name, s.type, s.data])).toEqual([
    ['R', 'line', [2, 0, 5]],
    ['D', 'line', [1, 0, 0]],
    ['C', 'line', [0, 0, 1]],
  ]);
});

test('regions add up over the periods, rates from the sums, named under their parent, most orders first', () => {
  const rows = [
    row({
      regionCode: '330106',
      regionName: '浙江省杭州市西湖区',
      period: '2026-11-01',
      received: 1,
      dispatched: 1,
      completed: 1,
      returnVisited: 1,
    }),
    row({
      regionCode: '330106',
      regionName: '浙江省杭州市西湖区',
      period: '2026-11-02',
      received: 2,
      dispatched: 1,
    }),
    row({ regionCode: '330108', regionName: '浙江省杭州市滨江区', period: '2026-11-02', received: 1 }),
  ];
  const regions = regionTotals({ rows, parentName: '浙江省杭州市' });
  expect(regions).toEqual([
    {
      code: '330106',
      name: '西湖区',
      fullName: '浙江省杭州市西湖区',
      received: 3,
      dispatched: 2,
      completed: 1,
      returnVisited: 1,
      completionRate: 0.5,
      returnVisitRate: 1,
    },
    {
      code: '330108',
      name: '滨江区',
      fullName: '浙江省杭州市滨江区',
      received: 1,
      dispatched: 0,
      completed: 0,
      returnVisited: 0,
      completionRate: null,
      returnVisitRate: null,
    },
  ]);
  expect(shortRegionName({ name: '浙江省', parentName: '全国' })).toBe('浙江省');
  expect(shortRegionName({ name: '浙江省', parentName: '浙江省' })).toBe('浙江省');
  // The biggest bar on top: ECharts draws a category axis bottom-up. Each bar carries its code for the click.
  const option = regionChartOption({ regions, labels: { received: 'R', dispatched: 'D', completed: 'C' } });
  expect(option.yAxis.data).toEqual(['滨江区', '西湖区']);
  expect(option.series[0]?.data).toEqual([
    { value: 1, code: '330108' },
    { value: 3, code: '330106' },
  ]);
  expect(clickedRegion({ componentType: 'series', data: { value: 3, code: '330106' } })).toBe('330106');
  expect(clickedRegion({ data: 3 })).toBeUndefined();
  expect(clickedRegion(null)).toBeUndefined();
});

test('categories with orders, most first, in the language', () => {
  const categories = categoryTotals({
    totals: [
      { code: 'FAM', total: figures({ received: 1, dispatched: 1 }) },
      { code: 'MNT', total: figures({ received: 0 }) },
      { code: 'ELD', total: figures({ received: 4, dispatched: 2 }) },
    ],
    language: 'en',
  });
  expect(categories).toEqual([
    { code: 'ELD', name: 'Old-age care services', received: 4, dispatched: 2 },
    { code: 'FAM', name: 'Family services', received: 1, dispatched: 1 },
  ]);
  const option = categoryChartOption({
    categories,
    labels: { received: 'R', dispatched: 'D', completed: 'C' },
  });
  expect(option.xAxis.data).toEqual(['Old-age care services', 'Family services']);
  expect(option.series.map((s) => s.data)).toEqual([
    [4, 1],
    [2, 1],
  ]);
  expect(
    categoryTotals({ totals: [{ code: 'FAM', total: figures({ received: 1 }) }], language: 'zh-CN' })[0]
      ?.name,
  ).toBe('家庭服务');
});
