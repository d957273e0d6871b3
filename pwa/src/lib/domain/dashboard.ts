import type {
  OrderFigures,
  OrderReport,
  OrderReportQuery,
  OrderReportRow,
  ReportLevel,
  ReportPeriod,
} from '../api/hub-types';

/**
 * The central office's dashboard, as pure code: where the user has drilled to, what the hub is asked, and
 * what the figures and charts show. The Svelte components only wire these to the hub and to ECharts.
 */

export const COUNTRY_CODE = '000000';
const DAY_MS = 24 * 3600 * 1000;
const CHINA_OFFSET_MS = 8 * 3600 * 1000;
const NONE = '—';

/** The service categories (the catalogue's, `listCategories()` in @jiazheng/sync; a test keeps them equal). */
export const REPORT_CATEGORIES: readonly { code: string; name: { zh: string; en: string } }[] = [
  { code: 'FAM', name: { zh: '家庭服务', en: 'Family services' } },
  { code: 'MNT', name: { zh: '维修服务', en: 'Maintenance services' } },
  { code: 'ELD', name: { zh: '养老服务', en: 'Old-age care services' } },
  { code: 'MED', name: { zh: '医疗服务', en: 'Medical services' } },
  { code: 'PRP', name: { zh: '物业管理', en: 'Property management' } },
  { code: 'SHP', name: { zh: '社区导购', en: 'Community shopping guide' } },
  { code: 'HSE', name: { zh: '房屋租售', en: 'Housing rental and sale' } },
  { code: 'JOB', name: { zh: '人才招聘', en: 'Talent recruitment' } },
  { code: 'LAW', name: { zh: '法律服务', en: 'Legal services' } },
  { code: 'INF', name: { zh: '生活资讯', en: 'Life information' } },
];

// ---------------------------------------------------------------------------------------------------------
// Drill-down

export type RegionStep = { code: string; level: ReportLevel; name: string };
/** The breadcrumb: the country first, then each region clicked into. Never empty. */
export type DrillPath = readonly RegionStep[];

const CHILD_LEVEL: Readonly<Record<ReportLevel, ReportLevel | null>> = {
  country: 'province',
  province: 'city',
  city: 'county',
  county: null,
};

export function childLevel(level: ReportLevel): ReportLevel | null {
  return CHILD_LEVEL[level];
}

/** Where a user starts: the country, or their own region for a regional scope (a county supervisor). */
export function startPath(options: {
  scope?: { level: string; code?: string } | undefined;
  scopeName?: string | undefined;
}): DrillPath {
  const root: RegionStep = { code: COUNTRY_CODE, level: 'country', name: '全国' };
  const scope = options.scope;
  if (scope === undefined || scope.level === 'country' || scope.code === undefined) return [root];
  if (scope.level !== 'province' && scope.level !== 'city' && scope.level !== 'county') return [root];
  return [{ code: scope.code, level: scope.level, name: options.scopeName ?? scope.code }];
}

export function currentStep(path: DrillPath): RegionStep {
  const last = path[path.length - 1];
  if (last === undefined) throw new Error('a drill path is never empty');
  return last;
}

/**
 * One level down into a row of the breakdown; unchanged at the county (nothing below it). `name` is the
 * hub's whole name of the region (浙江省杭州市), so the rows below it can be named under it.
 */
export function drillInto(path: DrillPath, region: { code: string; name: string }): DrillPath {
  const below = childLevel(currentStep(path).level);
  if (below === null) return path;
  return [...path, { code: region.code, level: below, name: region.name }];
}

/** A step of the breadcrumb as shown: 杭州市 after 浙江省, not 浙江省杭州市 again. */
export function crumbLabel(path: DrillPath, index: number): string {
  const step = path[index];
  if (step === undefined) return '';
  const parent = path[index - 1];
  return parent === undefined ? step.name : shortRegionName({ name: step.name, parentName: parent.name });
}

/** Back up to the breadcrumb's `index`th step (0: where the path starts). */
export function drillUp(path: DrillPath, index: number): DrillPath {
  if (index < 0 || index >= path.length - 1) return path;
  return path.slice(0, index + 1);
}

/** A row's region as shown under its parent: `杭州市西湖区` under 浙江省 reads `杭州市西湖区`, not the whole address. */
export function shortRegionName(options: { name: string; parentName: string }): string {
  const { name, parentName } = options;
  return name.startsWith(parentName) && name.length > parentName.length
    ? name.slice(parentName.length)
    : name;
}

// ---------------------------------------------------------------------------------------------------------
// What the hub is asked

export type DashboardFilter = {
  period: ReportPeriod;
  from: string;
  to: string;
  /** A category code, or undefined for all. */
  category: string | undefined;
};

/** China's calendar date (UTC+8) of an instant, `YYYY-MM-DD`. */
export function chinaDate(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** The default range: the last 30 days by day, or this month and the 11 before it by month. */
export function defaultFilter(options: { now: number; period: ReportPeriod }): DashboardFilter {
  const to = chinaDate(options.now);
  if (options.period === 'day') {
    return { period: 'day', from: chinaDate(options.now - 29 * DAY_MS), to, category: undefined };
  }
  const [year, month] = to.split('-').map(Number) as [number, number];
  const start = new Date(Date.UTC(year, month - 1 - 11, 1)).toISOString().slice(0, 10);
  return { period: 'month', from: start, to, category: undefined };
}

/** The figures of the region itself, a row per period: the headline and the trend. */
export function totalQuery(options: { path: DrillPath; filter: DashboardFilter }): OrderReportQuery {
  const step = currentStep(options.path);
  return {
    level: step.level,
    within: step.level === 'country' ? undefined : step.code,
    period: options.filter.period,
    from: options.filter.from,
    to: options.filter.to,
    category: options.filter.category,
  };
}

/** The regions one level down (a row per region and period), or null at a county. */
export function breakdownQuery(options: {
  path: DrillPath;
  filter: DashboardFilter;
}): OrderReportQuery | null {
  const below = childLevel(currentStep(options.path).level);
  if (below === null) return null;
  return { ...totalQuery(options), level: below };
}

/** The region's total for one category (the report filters by category; it does not group by it). */
export function categoryQuery(options: {
  path: DrillPath;
  filter: DashboardFilter;
  category: string;
}): OrderReportQuery {
  return { ...totalQuery(options), category: options.category };
}

/** The range is what the hub accepts: real dates, from ≤ to, at most 366 days apart. */
export function filterIssue(filter: DashboardFilter): 'dates' | 'order' | 'length' | null {
  const from = Date.parse(`${filter.from}T00:00:00Z`);
  const to = Date.parse(`${filter.to}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(filter.from) || !/^\d{4}-\d{2}-\d{2}$/.test(filter.to)) return 'dates';
  if (Number.isNaN(from) || Number.isNaN(to)) return 'dates';
  if (to < from) return 'order';
  if ((to - from) / DAY_MS > 366) return 'length';
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// Figures

export function formatCount(options: { value: number | null; language: string }): string {
  if (options.value === null || !Number.isFinite(options.value)) return NONE;
  return new Intl.NumberFormat(options.language).format(options.value);
}

/** Hours to one decimal (`2.5 小时` / `2.5 h`); `—` when there was nothing to measure. */
export function formatHours(options: { hours: number | null; language: string }): string {
  if (options.hours === null || !Number.isFinite(options.hours)) return NONE;
  return new Intl.NumberFormat(options.language, {
    style: 'unit',
    unit: 'hour',
    unitDisplay: 'short',
    maximumFractionDigits: 1,
  }).format(options.hours);
}

/** A fraction as a percentage to one decimal (`82.3%`); `—` for null: nothing to divide by is not 0 %. */
export function formatRate(options: { rate: number | null; language: string }): string {
  if (options.rate === null || !Number.isFinite(options.rate)) return NONE;
  return new Intl.NumberFormat(options.language, { style: 'percent', maximumFractionDigits: 1 }).format(
    options.rate,
  );
}

export type Headline = {
  key: string;
  value: string;
  /** For the rates: the count it is a share of, to read `—` rightly. */
  detail?: string;
};

/** The headline figures, in the order shown, with the i18n key of each label. */
export function headlineFigures(options: { total: OrderFigures; language: string }): Headline[] {
  const { total, language } = options;
  const count = (value: number): string => formatCount({ value, language });
  const rate = (value: number | null): string => formatRate({ rate: value, language });
  return [
    { key: 'received', value: count(total.received) },
    { key: 'call', value: count(total.byChannel.call) },
    { key: 'sms', value: count(total.byChannel.sms) },
    { key: 'web', value: count(total.byChannel.web) },
    { key: 'walkIn', value: count(total.byChannel.walk_in) },
    { key: 'information', value: count(total.information) },
    { key: 'dispatched', value: count(total.dispatched) },
    { key: 'dispatchHours', value: formatHours({ hours: total.dispatchHoursMedian, language }) },
    { key: 'completionRate', value: rate(total.completionRate) },
    { key: 'returnVisitRate', value: rate(total.returnVisitRate) },
    { key: 'satisfactionRate', value: rate(total.satisfactionRate) },
    { key: 'complaintRate', value: rate(total.complaintRate) },
  ];
}

/**
 * The hub's report notes (edge/src/domain/order-report.ts `REPORT_NOTES`) come in English; those known here
 * are shown in Chinese too. A note the app does not know yet is shown as the hub wrote it.
 */
const NOTES_ZH: ReadonlyMap<string, string> = new Map([
  [
    'Orders count in the period (China time, UTC+8) in which they were received, wherever they are now.',
    '订单按受理时间（北京时间）计入所在周期，不论其现在处于何种状态。',
  ],
  [
    'Time to dispatch runs from receipt to the first dispatch, declined or reopened ones included.',
    '派单用时从受理算到首次派单，被拒单或重新打开的订单也计在内。',
  ],
  [
    'Completed: served, or closed as served. Satisfaction is the latest reached return visit of each order.',
    '完成：已服务，或按已服务结案。满意率取每张订单最近一次接通的回访。',
  ],
  [
    'Call figures (15-second answer rate, abandon rate, handle time) are not included: call records stay at the county appliances and do not reach the hub.',
    '不含话务指标（15 秒接通率、放弃率、处理时长）：通话记录保存在区县设备，不上传中心。',
  ],
  [
    'Call figures (15-second answer rate, abandon rate, handle time) are not included here: they are in /api/reports/calls, from the periods the counties closed.',
    '此处不含话务指标（15 秒接通率、放弃率、处理时长）：见话务统计，数据来自区县已结账的周期。',
  ],
  [
    'Figures follow the projected records: orders a county has not synced yet are missing.',
    '数据来自已同步的记录：区县尚未同步的订单不在其中。',
  ],
]);

export function noteText(options: { note: string; language: string }): string {
  if (options.language.startsWith('en')) return options.note;
  return NOTES_ZH.get(options.note) ?? options.note;
}

// ---------------------------------------------------------------------------------------------------------
// Trend and breakdowns

/** Every period from `from` to `to`: days `YYYY-MM-DD` or months `YYYY-MM`, as the hub names them. */
export function periodsBetween(options: { from: string; to: string; period: ReportPeriod }): string[] {
  const periods: string[] = [];
  if (options.period === 'day') {
    const end = Date.parse(`${options.to}T00:00:00Z`);
    for (let ms = Date.parse(`${options.from}T00:00:00Z`); ms <= end && periods.length <= 400; ms += DAY_MS) {
      periods.push(new Date(ms).toISOString().slice(0, 10));
    }
    return periods;
  }
  let [year, month] = options.from.slice(0, 7).split('-').map(Number) as [number, number];
  const last = options.to.slice(0, 7);
  for (;;) {
    const name = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
    if (name > last || periods.length > 24) break;
    periods.push(name);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return periods;
}

export type TrendSeries = {
  periods: string[];
  received: number[];
  dispatched: number[];
  completed: number[];
};

/** Orders received, dispatched and completed per period; periods without orders count 0 (the hub omits them). */
export function trendSeries(report: OrderReport): TrendSeries {
  const periods = periodsBetween(report.query);
  const index = new Map(periods.map((period, i) => [period, i]));
  const series: TrendSeries = {
    periods,
    received: periods.map(() => 0),
    dispatched: periods.map(() => 0),
    completed: periods.map(() => 0),
  };
  for (const row of report.rows) {
    const i = index.get(row.period);
    if (i === undefined) continue;
    series.received[i] = (series.received[i] ?? 0) + row.received;
    series.dispatched[i] = (series.dispatched[i] ?? 0) + row.dispatched;
    series.completed[i] = (series.completed[i] ?? 0) + row.completed;
  }
  return series;
}

export type RegionTotal = {
  code: string;
  /** As shown under its parent (西湖区 under 浙江省杭州市). */
  name: string;
  /** As the hub names it, a whole address (浙江省杭州市西湖区): what the breadcrumb keeps. */
  fullName: string;
  received: number;
  dispatched: number;
  completed: number;
  returnVisited: number;
  /** completed / dispatched over the whole range (counts add up across periods; rates do not). */
  completionRate: number | null;
  /** returnVisited / completed */
  returnVisitRate: number | null;
};

function share(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : Math.round((numerator / denominator) * 10_000) / 10_000;
}

/** One entry per region over the whole range, most orders first (ties by code). */
export function regionTotals(options: {
  rows: readonly OrderReportRow[];
  parentName: string;
}): RegionTotal[] {
  const byCode = new Map<string, RegionTotal>();
  for (const row of options.rows) {
    const entry = byCode.get(row.regionCode) ?? {
      code: row.regionCode,
      name: shortRegionName({ name: row.regionName, parentName: options.parentName }),
      fullName: row.regionName,
      received: 0,
      dispatched: 0,
      completed: 0,
      returnVisited: 0,
      completionRate: null,
      returnVisitRate: null,
    };
    entry.received += row.received;
    entry.dispatched += row.dispatched;
    entry.completed += row.completed;
    entry.returnVisited += row.returnVisited;
    byCode.set(row.regionCode, entry);
  }
  return [...byCode.values()]
    .map((entry) => ({
      ...entry,
      completionRate: share(entry.completed, entry.dispatched),
      returnVisitRate: share(entry.returnVisited, entry.completed),
    }))
    .sort((a, b) => b.received - a.received || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

export type CategoryTotal = { code: string; name: string; received: number; dispatched: number };

/** The categories with orders, most first, named in the language. */
export function categoryTotals(options: {
  totals: readonly { code: string; total: OrderFigures }[];
  language: string;
}): CategoryTotal[] {
  const english = options.language.startsWith('en');
  return options.totals
    .filter((entry) => entry.total.received > 0)
    .map((entry) => {
      const category = REPORT_CATEGORIES.find((c) => c.code === entry.code);
      const name = category === undefined ? entry.code : english ? category.name.en : category.name.zh;
      return { code: entry.code, name, received: entry.total.received, dispatched: entry.total.dispatched };
    })
    .sort((a, b) => b.received - a.received);
}

// ---------------------------------------------------------------------------------------------------------
// Chart options (ECharts `setOption` input, plain data: tested without a canvas)

export type ChartLabels = { received: string; dispatched: string; completed: string };

const PALETTE = ['#0f5c8c', '#2e8b57', '#c07a12'];

export function trendChartOption(options: { series: TrendSeries; labels: ChartLabels }) {
  const { series, labels } = options;
  return {
    color: PALETTE,
    animation: false,
    tooltip: { trigger: 'axis' as const },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: 32 },
    xAxis: { type: 'category' as const, data: series.periods },
    yAxis: { type: 'value' as const, minInterval: 1 },
    series: [
      { name: labels.received, type: 'line' as const, data: series.received, showSymbol: false },
      { name: labels.dispatched, type: 'line' as const, data: series.dispatched, showSymbol: false },
      { name: labels.completed, type: 'line' as const, data: series.completed, showSymbol: false },
    ],
  };
}

/** Horizontal bars, the biggest region on top; each bar's data item carries its region code for the click. */
export function regionChartOption(options: { regions: readonly RegionTotal[]; labels: ChartLabels }) {
  const regions = [...options.regions].reverse();
  return {
    color: PALETTE,
    animation: false,
    tooltip: { trigger: 'axis' as const, axisPointer: { type: 'shadow' as const } },
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'value' as const, minInterval: 1 },
    yAxis: { type: 'category' as const, data: regions.map((r) => r.name) },
    series: [
      {
        name: options.labels.received,
        type: 'bar' as const,
        barMaxWidth: 28,
        data: regions.map((r) => ({ value: r.received, code: r.code })),
      },
      {
        name: options.labels.dispatched,
        type: 'bar' as const,
        barMaxWidth: 28,
        data: regions.map((r) => ({ value: r.dispatched, code: r.code })),
      },
    ],
  };
}

export function categoryChartOption(options: { categories: readonly CategoryTotal[]; labels: ChartLabels }) {
  return {
    color: PALETTE,
    animation: false,
    tooltip: { trigger: 'axis' as const, axisPointer: { type: 'shadow' as const } },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category' as const, data: options.categories.map((c) => c.name) },
    yAxis: { type: 'value' as const, minInterval: 1 },
    series: [
      {
        name: options.labels.received,
        type: 'bar' as const,
        barMaxWidth: 28,
        data: options.categories.map((c) => c.received),
      },
      {
        name: options.labels.dispatched,
        type: 'bar' as const,
        barMaxWidth: 28,
        data: options.categories.map((c) => c.dispatched),
      },
    ],
  };
}

/** The region code of a clicked bar (its data item's `code`), or undefined for anything else. */
export function clickedRegion(params: unknown): string | undefined {
  if (typeof params !== 'object' || params === null || !('data' in params)) return undefined;
  const data = params.data;
  if (typeof data !== 'object' || data === null || !('code' in data)) return undefined;
  const code = data.code;
  return typeof code === 'string' ? code : undefined;
}
