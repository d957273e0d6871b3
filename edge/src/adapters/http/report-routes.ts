import { Role } from '@jiazheng/sync/domain';
import { invalidInput } from '@jiazheng/sync/node';
import type { Hono } from 'hono';
import { COUNTRY_SCOPE } from '../../domain/hub-accounts';
import { buildOrderReport, parseOrderReportQuery } from '../../domain/order-report';
import { reportCsv, reportFileName } from '../../domain/report-table';
import type { OrderReportSource } from '../../ports/order-report-source';
import { requireScope } from '../../services/hub-account-service';
import { renderReportXlsx } from '../reports/xlsx-report';
import { requirePrincipal } from './account-routes';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * `GET /api/reports/orders`: the order statistics of the projected records, as JSON, CSV or XLSX. The
 * app's `/api/*` guard has authenticated the caller (admin token or staff session); here the role and,
 * for staff with a regional scope, that `within` lies in it.
 */
export function installReportRoutes(options: { app: Hono; source: OrderReportSource }): void {
  const { app, source } = options;
  app.get('/api/reports/orders', async (c) => {
    const principal = requirePrincipal({
      c,
      roles: [Role.administrator, Role.centralOffice, Role.supervisor],
    });
    const input: Record<string, string> = {};
    for (const [name, values] of Object.entries(c.req.queries())) {
      if (values.length > 1) throw invalidInput({ field: name.slice(0, 40), message: 'must be given once' });
      input[name] = values[0] ?? '';
    }
    const parsed = parseOrderReportQuery({ input });
    if (!parsed.ok) throw invalidInput(parsed.issue);
    const { query } = parsed;
    requireScope({
      principal,
      scope:
        query.within === undefined ? COUNTRY_SCOPE : { level: query.within.level, code: query.within.code },
      field: 'within',
    });
    const report = buildOrderReport({ query, ...(await source.countOrders({ query })) });
    if (query.format === 'json') return c.json(report);
    const extension = query.format;
    const attachment = `attachment; filename="${reportFileName({ report, extension })}"`;
    if (extension === 'csv') {
      return c.body(reportCsv({ report }), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': attachment,
      });
    }
    const bytes = await renderReportXlsx({ report });
    return c.body(bytes, 200, { 'content-type': XLSX_TYPE, 'content-disposition': attachment });
  });
}
