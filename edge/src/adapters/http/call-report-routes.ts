import { Role } from '@jiazheng/sync/domain';
import { invalidInput } from '@jiazheng/sync/node';
import type { Context, Hono } from 'hono';
import {
  buildCallReport,
  buildClosingsOverview,
  CALL_REPORT_COLUMNS,
  callReportFileName,
  callReportTableRows,
  parseCallReportQuery,
  type CallReportQuery,
} from '../../domain/call-report';
import { COUNTRY_SCOPE } from '../../domain/hub-accounts';
import { tableCsv } from '../../domain/report-table';
import type { ClosingReportSource } from '../../ports/closing-report-source';
import { requireScope } from '../../services/hub-account-service';
import { renderTableXlsx } from '../reports/xlsx-report';
import { requirePrincipal } from './account-routes';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const readers = [Role.administrator, Role.centralOffice, Role.supervisor];

function readOnce(c: Context): Record<string, string> {
  const input: Record<string, string> = {};
  for (const [name, values] of Object.entries(c.req.queries())) {
    if (values.length > 1) throw invalidInput({ field: name.slice(0, 40), message: 'must be given once' });
    input[name] = values[0] ?? '';
  }
  return input;
}

/** The same scope rule as the order report: staff with a regional scope ask `within` it. */
function checkScope(options: { c: Context; query: CallReportQuery }): void {
  const { c, query } = options;
  const principal = requirePrincipal({ c, roles: readers });
  requireScope({
    principal,
    scope:
      query.within === undefined ? COUNTRY_SCOPE : { level: query.within.level, code: query.within.code },
    field: 'within',
  });
}

/**
 * `GET /api/reports/calls`: the call figures the counties closed, by region and period (the order
 * report's parameters but `category`), as JSON, CSV or XLSX. `GET /api/reports/closings`: which county
 * closed which day or month of a range, late ones first, so the central office sees who is behind.
 */
export function installCallReportRoutes(options: {
  app: Hono;
  source: ClosingReportSource;
  now?: (() => number) | undefined;
}): void {
  const { app, source } = options;
  const now = options.now ?? Date.now;

  app.get('/api/reports/calls', async (c) => {
    requirePrincipal({ c, roles: readers });
    const parsed = parseCallReportQuery({ input: readOnce(c) });
    if (!parsed.ok) throw invalidInput(parsed.issue);
    const { query } = parsed;
    checkScope({ c, query });
    const facts = await source.listClosings({
      prefix: query.within?.prefix ?? '',
      fromDay: query.from,
      toDay: query.to,
    });
    const report = buildCallReport({ query, facts });
    if (query.format === 'json') return c.json(report);
    const extension = query.format;
    const attachment = `attachment; filename="${callReportFileName({ report, extension })}"`;
    const rows = callReportTableRows({ report });
    if (extension === 'csv') {
      return c.body(tableCsv({ columns: CALL_REPORT_COLUMNS, rows }), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': attachment,
      });
    }
    const bytes = await renderTableXlsx({ sheetName: '话务统计', columns: CALL_REPORT_COLUMNS, rows });
    return c.body(bytes, 200, { 'content-type': XLSX_TYPE, 'content-disposition': attachment });
  });

  app.get('/api/reports/closings', async (c) => {
    requirePrincipal({ c, roles: readers });
    const input = readOnce(c);
    for (const name of ['level', 'format', 'category'])
      if (name in input) throw invalidInput({ field: name, message: 'is not a known parameter' });
    // Per county always; months unless asked for days.
    const parsed = parseCallReportQuery({ input: { period: 'month', ...input, level: 'county' } });
    if (!parsed.ok) throw invalidInput(parsed.issue);
    const { query } = parsed;
    checkScope({ c, query });
    const prefix = query.within?.prefix ?? '';
    const [facts, counties] = await Promise.all([
      source.listClosings({ prefix, fromDay: query.from, toDay: query.to }),
      source.listApplianceCounties({ prefix }),
    ]);
    return c.json(buildClosingsOverview({ query, facts, counties, now: now() }));
  });
}
