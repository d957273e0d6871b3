import { periodBounds, type Period } from '@jiazheng/sync/domain';
import {
  parseOrderReportQuery,
  periodBuckets,
  regionAtLevel,
  regionName,
  roundTo,
  type FieldIssue,
  type OrderReportQuery,
  type ReportLevel,
  type ReportPeriod,
} from './order-report';
import type { ReportCell, ReportColumn } from './report-table';

/*
 * The hub's call statistics: the figures counties closed (`closing` records, projected into `closings`),
 * summed by region and period. Call records never leave the county; what reaches the hub is what each
 * county signed off when it closed a day or a month. A period a county has not closed has no call
 * figures here: `GET /api/reports/closings` shows who is late.
 */

/** The columns of the projected `closings` table the reports read. */
export type ClosingFact = {
  recordId: string;
  countyCode: string;
  periodKind: Period['kind'];
  periodStart: string;
  status: 'closed' | 'reopened';
  callsOffered: number;
  callsAnswered: number;
  callsAnsweredWithin15s: number;
  callsAbandoned: number;
  handleSecondsTotal: number;
  closedBy: string;
  closedAt: number;
  reopenCount: number;
};

export type CallReportQuery = Omit<OrderReportQuery, 'category'>;

/** The order report's parameters and rules (scope, range, levels) without `category`: calls have none. */
export function parseCallReportQuery(options: {
  input: Record<string, string>;
}): { ok: true; query: CallReportQuery } | { ok: false; issue: FieldIssue } {
  if ('category' in options.input)
    return { ok: false, issue: { field: 'category', message: 'is not a known parameter' } };
  const parsed = parseOrderReportQuery({ input: options.input });
  if (!parsed.ok) return parsed;
  const { category: _category, ...query } = parsed.query;
  return { ok: true, query };
}

type CallCounts = {
  /** Counties whose closings make up the row. */
  counties: number;
  offered: number;
  answered: number;
  answeredWithin15s: number;
  abandoned: number;
  handleSecondsTotal: number;
};

export type CallFigures = CallCounts & {
  /** answeredWithin15s / offered, as the county's wall board and GB/T 33358's service level. */
  answeredWithin15sRate: number | null;
  /** abandoned (given up or timed out in the queue) / offered */
  abandonRate: number | null;
  /** handleSecondsTotal / answered, seconds */
  averageHandleSeconds: number | null;
};

export type CallReportRow = { regionCode: string; regionName: string; period: string } & CallFigures;

export type CallReport = {
  query: {
    level: ReportLevel;
    within: string | null;
    withinName: string | null;
    period: ReportPeriod;
    from: string;
    to: string;
  };
  rows: CallReportRow[];
  total: CallFigures;
  notes: string[];
};

export const CALL_REPORT_NOTES: readonly string[] = [
  'Call figures are those the counties closed (a day or a month, China time); a period a county has not closed is not counted: see /api/reports/closings.',
  'Of several closings of one county and period the latest close counts; a reopened period keeps its latest close until it is closed again.',
  'A monthly row takes a county’s month closing whole; a county that closed days but not the month counts the days it closed in the report’s range.',
];

/** One closing per county and period: the latest close. */
export function latestClosings(options: { facts: Iterable<ClosingFact> }): ClosingFact[] {
  const latest = new Map<string, ClosingFact>();
  for (const fact of options.facts) {
    const key = `${fact.countyCode} ${fact.periodKind} ${fact.periodStart}`;
    const seen = latest.get(key);
    if (
      !seen ||
      fact.closedAt > seen.closedAt ||
      (fact.closedAt === seen.closedAt && fact.recordId > seen.recordId)
    )
      latest.set(key, fact);
  }
  return [...latest.values()];
}

function inScope(options: { countyCode: string; query: CallReportQuery }): boolean {
  const { within } = options.query;
  return within === undefined || options.countyCode.startsWith(within.prefix);
}

/**
 * Sums closings by region and period. Daily: the day closings of days in [from, to]. Monthly: per county
 * and month of the range, its month closing if it has one, else its day closings in the range.
 */
export function countClosingFacts(options: { facts: Iterable<ClosingFact>; query: CallReportQuery }): {
  groups: Array<CallCounts & { regionCode: string; period: string }>;
  total: CallCounts;
} {
  const { query } = options;
  const closings = latestClosings({ facts: options.facts }).filter((f) =>
    inScope({ countyCode: f.countyCode, query }),
  );
  const days = closings.filter(
    (f) => f.periodKind === 'day' && f.periodStart >= query.from && f.periodStart <= query.to,
  );
  let counted: Array<{ fact: ClosingFact; period: string }>;
  if (query.period === 'day') {
    counted = days.map((fact) => ({ fact, period: fact.periodStart }));
  } else {
    const months = new Set(periodBuckets({ query: { ...query, category: undefined } }).keys);
    const monthly = closings.filter((f) => f.periodKind === 'month' && months.has(f.periodStart));
    const closedMonths = new Set(monthly.map((f) => `${f.countyCode} ${f.periodStart}`));
    counted = [
      ...monthly.map((fact) => ({ fact, period: fact.periodStart })),
      ...days
        .filter((f) => !closedMonths.has(`${f.countyCode} ${f.periodStart.slice(0, 7)}`))
        .map((fact) => ({ fact, period: fact.periodStart.slice(0, 7) })),
    ];
  }
  const groups = new Map<
    string,
    { counts: CallCounts; counties: Set<string>; regionCode: string; period: string }
  >();
  const total = { counts: emptyCounts(), counties: new Set<string>() };
  for (const { fact, period } of counted) {
    const regionCode = regionAtLevel({ countyCode: fact.countyCode, level: query.level });
    const key = `${regionCode} ${period}`;
    let group = groups.get(key);
    if (!group) {
      group = { counts: emptyCounts(), counties: new Set(), regionCode, period };
      groups.set(key, group);
    }
    add(group.counts, fact);
    group.counties.add(fact.countyCode);
    add(total.counts, fact);
    total.counties.add(fact.countyCode);
  }
  return {
    groups: [...groups.values()].map((g) => ({
      regionCode: g.regionCode,
      period: g.period,
      ...g.counts,
      counties: g.counties.size,
    })),
    total: { ...total.counts, counties: total.counties.size },
  };
}

function emptyCounts(): CallCounts {
  return { counties: 0, offered: 0, answered: 0, answeredWithin15s: 0, abandoned: 0, handleSecondsTotal: 0 };
}

function add(counts: CallCounts, fact: ClosingFact): void {
  counts.offered += fact.callsOffered;
  counts.answered += fact.callsAnswered;
  counts.answeredWithin15s += fact.callsAnsweredWithin15s;
  counts.abandoned += fact.callsAbandoned;
  counts.handleSecondsTotal += fact.handleSecondsTotal;
}

function rate(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : roundTo({ value: numerator / denominator, places: 4 });
}

export function callFiguresOf(counts: CallCounts): CallFigures {
  return {
    ...counts,
    answeredWithin15sRate: rate(counts.answeredWithin15s, counts.offered),
    abandonRate: rate(counts.abandoned, counts.offered),
    averageHandleSeconds:
      counts.answered === 0
        ? null
        : roundTo({ value: counts.handleSecondsTotal / counts.answered, places: 1 }),
  };
}

export function buildCallReport(options: {
  query: CallReportQuery;
  facts: Iterable<ClosingFact>;
}): CallReport {
  const { query } = options;
  const { groups, total } = countClosingFacts(options);
  return {
    query: {
      level: query.level,
      within: query.within?.code ?? null,
      withinName: query.within ? regionName({ code: query.within.code }) : null,
      period: query.period,
      from: query.from,
      to: query.to,
    },
    rows: groups
      .map((g) => ({
        regionCode: g.regionCode,
        regionName: regionName({ code: g.regionCode }),
        period: g.period,
        ...callFiguresOf(g),
      }))
      .sort((a, b) => compareText(a.regionCode, b.regionCode) || compareText(a.period, b.period)),
    total: callFiguresOf(total),
    notes: [...CALL_REPORT_NOTES],
  };
}

export const CALL_REPORT_COLUMNS: readonly ReportColumn[] = [
  { header: '地区代码', format: 'text', width: 10 },
  { header: '地区', format: 'text', width: 28 },
  { header: '期间', format: 'text', width: 12 },
  { header: '已结账区县', format: 'integer', width: 11 },
  { header: '呼入量', format: 'integer', width: 9 },
  { header: '接通量', format: 'integer', width: 9 },
  { header: '15秒内接通', format: 'integer', width: 11 },
  { header: '15秒接通率', format: 'rate', width: 11 },
  { header: '放弃量', format: 'integer', width: 9 },
  { header: '放弃率', format: 'rate', width: 9 },
  { header: '平均处理时长(秒)', format: 'hours', width: 16 },
];

function callCells(f: CallFigures): ReportCell[] {
  return [
    f.counties,
    f.offered,
    f.answered,
    f.answeredWithin15s,
    f.answeredWithin15sRate,
    f.abandoned,
    f.abandonRate,
    f.averageHandleSeconds,
  ];
}

/** The body rows, each as long as CALL_REPORT_COLUMNS; the last is the total (合计). */
export function callReportTableRows(options: { report: CallReport }): ReportCell[][] {
  const { report } = options;
  const rows = report.rows.map((r) => [r.regionCode, r.regionName, r.period, ...callCells(r)]);
  const scope = report.query.withinName ?? '全国';
  rows.push(['', `合计(${scope})`, `${report.query.from}至${report.query.to}`, ...callCells(report.total)]);
  return rows;
}

export function callReportFileName(options: { report: CallReport; extension: 'csv' | 'xlsx' }): string {
  const q = options.report.query;
  return `${['calls', q.level, q.within ?? 'all', q.period, q.from, q.to].join('_')}.${options.extension}`;
}

export type ClosingStatusEntry = {
  period: string;
  status: 'closed' | 'reopened' | 'missing';
  closedAt: number | null;
  closedBy: string | null;
  recordId: string | null;
};

export type ClosingsOverview = {
  query: { period: ReportPeriod; within: string | null; from: string; to: string };
  /** The periods of the range that are over (China time): the ones a county can be late with. */
  periods: string[];
  counties: Array<{
    countyCode: string;
    regionName: string;
    closed: number;
    /** Periods over and not closed, or reopened and not closed again. */
    late: string[];
    periods: ClosingStatusEntry[];
  }>;
};

/**
 * Which county closed which period of the range: every county with an appliance (from the directory)
 * and every county that closed something, late ones first. Only periods already over count as late.
 */
export function buildClosingsOverview(options: {
  query: CallReportQuery;
  facts: Iterable<ClosingFact>;
  counties: Iterable<string>;
  now: number;
}): ClosingsOverview {
  const { query, now } = options;
  const periods = periodBuckets({ query: { ...query, category: undefined } }).keys.filter((key) => {
    const period: Period =
      query.period === 'day' ? { kind: 'day', start: key } : { kind: 'month', start: key };
    return periodBounds({ period }).endMs <= now;
  });
  const wanted = new Set(periods);
  const byCounty = new Map<string, Map<string, ClosingFact>>();
  for (const code of options.counties)
    if (inScope({ countyCode: code, query })) byCounty.set(code, new Map<string, ClosingFact>());
  for (const fact of latestClosings({ facts: options.facts })) {
    if (fact.periodKind !== query.period || !wanted.has(fact.periodStart)) continue;
    if (!inScope({ countyCode: fact.countyCode, query })) continue;
    let closings = byCounty.get(fact.countyCode);
    if (!closings) byCounty.set(fact.countyCode, (closings = new Map<string, ClosingFact>()));
    closings.set(fact.periodStart, fact);
  }
  const counties = [...byCounty].map(([countyCode, closings]) => {
    const entries = periods.map((period): ClosingStatusEntry => {
      const fact = closings.get(period);
      return fact
        ? {
            period,
            status: fact.status,
            closedAt: fact.closedAt,
            closedBy: fact.closedBy,
            recordId: fact.recordId,
          }
        : { period, status: 'missing', closedAt: null, closedBy: null, recordId: null };
    });
    return {
      countyCode,
      regionName: regionName({ code: countyCode }),
      closed: entries.filter((e) => e.status === 'closed').length,
      late: entries.filter((e) => e.status !== 'closed').map((e) => e.period),
      periods: entries,
    };
  });
  counties.sort((a, b) => b.late.length - a.late.length || compareText(a.countyCode, b.countyCode));
  return {
    query: { period: query.period, within: query.within?.code ?? null, from: query.from, to: query.to },
    periods,
    counties,
  };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
