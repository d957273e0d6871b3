import type { OrderFigures, OrderReport } from './order-report';

/*
 * The order report as a table for people: Chinese headers, one row per region and period, a total row.
 * CSV is rendered here (pure); XLSX by the exceljs adapter from the same columns.
 */

export type ColumnFormat = 'text' | 'integer' | 'hours' | 'rate';
export type ReportColumn = { header: string; format: ColumnFormat; width: number };
export type ReportCell = string | number | null;

export const REPORT_COLUMNS: readonly ReportColumn[] = [
  { header: '地区代码', format: 'text', width: 10 },
  { header: '地区', format: 'text', width: 28 },
  { header: '期间', format: 'text', width: 12 },
  { header: '受理量', format: 'integer', width: 9 },
  { header: '电话', format: 'integer', width: 8 },
  { header: '短信', format: 'integer', width: 8 },
  { header: '网站', format: 'integer', width: 8 },
  { header: '来访', format: 'integer', width: 8 },
  { header: '信息解答', format: 'integer', width: 10 },
  { header: '派单量', format: 'integer', width: 9 },
  { header: '派单时长中位数(小时)', format: 'hours', width: 20 },
  { header: '派单时长平均(小时)', format: 'hours', width: 18 },
  { header: '完成量', format: 'integer', width: 9 },
  { header: '完成率', format: 'rate', width: 9 },
  { header: '已回访', format: 'integer', width: 9 },
  { header: '回访率', format: 'rate', width: 9 },
  { header: '满意率', format: 'rate', width: 9 },
  { header: '投诉率', format: 'rate', width: 9 },
];

function figureCells(f: OrderFigures): ReportCell[] {
  return [
    f.received,
    f.byChannel.call,
    f.byChannel.sms,
    f.byChannel.web,
    f.byChannel.walk_in,
    f.information,
    f.dispatched,
    f.dispatchHoursMedian,
    f.dispatchHoursAverage,
    f.completed,
    f.completionRate,
    f.returnVisited,
    f.returnVisitRate,
    f.satisfactionRate,
    f.complaintRate,
  ];
}

/** The body rows, each as long as REPORT_COLUMNS; the last is the total (合计). */
export function reportTableRows(options: { report: OrderReport }): ReportCell[][] {
  const { report } = options;
  const rows = report.rows.map((r) => [r.regionCode, r.regionName, r.period, ...figureCells(r)]);
  const scope = report.query.withinName ?? '全国';
  rows.push(['', `合计(${scope})`, `${report.query.from}至${report.query.to}`, ...figureCells(report.total)]);
  return rows;
}

/** A file name without characters a header or a file system would object to. */
export function reportFileName(options: { report: OrderReport; extension: 'csv' | 'xlsx' }): string {
  const q = options.report.query;
  const parts = [
    'orders',
    q.level,
    q.within ?? 'all',
    q.period,
    q.from,
    q.to,
    q.category ?? 'all-categories',
  ];
  return `${parts.join('_')}.${options.extension}`;
}

/**
 * RFC 4180 CSV with a UTF-8 byte order mark (Excel in China otherwise reads UTF-8 as GBK) and CRLF line
 * ends. Rates are written as fractions, so a spreadsheet can compute with them. A cell that starts like
 * a formula is prefixed with a quote, so a hostile name cannot run in a spreadsheet.
 */
export function reportCsv(options: { report: OrderReport }): string {
  const lines = [REPORT_COLUMNS.map((c) => c.header), ...reportTableRows(options)].map((row) =>
    row.map(csvCell).join(','),
  );
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** Any report table (the call report's too) as the same CSV: BOM, CRLF, formula-safe cells. */
export function tableCsv(options: {
  columns: readonly ReportColumn[];
  rows: readonly ReportCell[][];
}): string {
  const lines = [options.columns.map((c) => c.header), ...options.rows].map((row) =>
    row.map(csvCell).join(','),
  );
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

function csvCell(value: ReportCell): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
