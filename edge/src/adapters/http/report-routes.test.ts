import ExcelJS from 'exceljs';
import { expect, test } from 'vitest';
import { countOrderFacts, type OrderFact } from '../../domain/order-report';
import type { HubOperations } from '../../ports/hub-operations';
import type { OrderReportSource } from '../../ports/order-report-source';
import { createHubHttpApp, type ErrorBody } from './http-app';

const token = 'test-admin-token-0123456789';
const auth = { authorization: `Bearer ${token}` };
const at = (iso: string) => Date.parse(iso);

const facts: OrderFact[] = [
  {
    countyCode: '330106',
    categoryCode: 'FAM',
    channel: 'call',
    status: 'closed',
    resolution: 'served',
    receivedAt: at('2026-03-02T09:00:00+08:00'),
    firstDispatchedAt: at('2026-03-02T11:00:00+08:00'),
    returnVisitCount: 1,
    lastSatisfaction: 5,
    complaintCount: 0,
  },
  {
    countyCode: '330106',
    categoryCode: 'MED',
    channel: 'sms',
    status: 'closed',
    resolution: 'information',
    receivedAt: at('2026-03-03T09:00:00+08:00'),
    firstDispatchedAt: null,
    returnVisitCount: 0,
    lastSatisfaction: null,
    complaintCount: 0,
  },
  {
    countyCode: '110105',
    categoryCode: 'MNT',
    channel: 'web',
    status: 'dispatched',
    resolution: null,
    receivedAt: at('2026-04-01T00:30:00+08:00'),
    firstDispatchedAt: at('2026-04-01T03:30:00+08:00'),
    returnVisitCount: 0,
    lastSatisfaction: null,
    complaintCount: 1,
  },
];

function makeApp() {
  const asked: unknown[] = [];
  const reports: OrderReportSource = {
    countOrders: ({ query }) => {
      asked.push(query);
      return Promise.resolve(countOrderFacts({ facts, query }));
    },
  };
  const app = createHubHttpApp({
    hub: { identity: () => ({ deviceId: 'hub-1', directoryId: 'd' }) } as unknown as HubOperations,
    adminToken: token,
    logger: { info: () => {}, error: () => {} },
    reports,
  });
  return { app, asked };
}

const base = '/api/reports/orders?period=month&from=2026-03-01&to=2026-04-30';

test('JSON: rows by province and month with Chinese names, the total and the notes', async () => {
  const { app } = makeApp();
  const response = await app.request(`${base}&level=province`, { headers: auth });
  expect(response.status).toBe(200);
  const body = (await response.json()) as {
    rows: { regionCode: string; regionName: string; period: string; received: number }[];
    total: { received: number; complaintRate: number | null };
    notes: string[];
  };
  expect(body.rows.map((r) => [r.regionCode, r.regionName, r.period, r.received])).toEqual([
    ['110000', '北京市', '2026-04', 1],
    ['330000', '浙江省', '2026-03', 2],
  ]);
  expect(body.total).toMatchObject({ received: 3, complaintRate: 0.5 });
  expect(body.notes.join(' ')).toMatch(/not included/);
});

test('CSV: an attachment with a BOM, a Chinese header and a total row', async () => {
  const { app } = makeApp();
  const response = await app.request(`${base}&level=county&within=330000&format=csv`, { headers: auth });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(response.headers.get('content-disposition')).toBe(
    'attachment; filename="orders_county_330000_month_2026-03-01_2026-04-30_all-categories.csv"',
  );
  const bytes = new Uint8Array(await response.arrayBuffer());
  expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = new TextDecoder().decode(bytes.slice(3)).split('\r\n');
  expect(lines[0]).toMatch(/^地区代码,地区,期间,受理量,电话,短信,网站,来访,信息解答,派单量,/);
  expect(lines[1]).toBe('330106,浙江省杭州市西湖区,2026-03,2,1,1,0,0,1,1,2,2,1,1,1,1,1,0');
  expect(lines[2]).toBe(',合计(浙江省),2026-03-01至2026-04-30,2,1,1,0,0,1,1,2,2,1,1,1,1,1,0');
  expect(lines).toHaveLength(4);
});

test('XLSX: parsed back, header, widths, rates formatted as 0.0%', async () => {
  const { app } = makeApp();
  const response = await app.request(`${base}&level=country&format=xlsx`, { headers: auth });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe(
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  );
  expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename=".*\.xlsx"$/);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await response.arrayBuffer());
  const sheet = workbook.getWorksheet('订单统计');
  if (!sheet) throw new Error('no sheet');
  expect(sheet.getRow(1).getCell(1).value).toBe('地区代码');
  expect(sheet.getRow(1).getCell(14).value).toBe('完成率');
  expect(sheet.getColumn(2).width).toBe(28);
  expect(sheet.getRow(2).getCell(2).value).toBe('全国');
  expect(sheet.getRow(2).getCell(3).value).toBe('2026-03');
  expect(sheet.getRow(2).getCell(4).value).toBe(2);
  const rate = sheet.getRow(2).getCell(14);
  expect(rate.value).toBe(1);
  expect(rate.numFmt).toBe('0.0%');
  expect(sheet.getRow(4).getCell(2).value).toBe('合计(全国)');
  expect(sheet.getRow(4).getCell(18).value).toBe(0.5);
});

test('every parameter is checked and named; a parameter twice is refused; nothing is counted then', async () => {
  const { app, asked } = makeApp();
  const fieldOf = async (path: string) => {
    const response = await app.request(path, { headers: auth });
    expect(response.status).toBe(400);
    return ((await response.json()) as ErrorBody).error.field;
  };
  expect(await fieldOf(`${base}`)).toBe('level');
  expect(await fieldOf(`${base}&level=town`)).toBe('level');
  expect(await fieldOf(`${base}&level=county&within=12`)).toBe('within');
  expect(await fieldOf(`${base}&level=province&within=330106`)).toBe('within');
  expect(await fieldOf(`${base}&level=county&category=FOO`)).toBe('category');
  expect(await fieldOf(`${base}&level=county&format=pdf`)).toBe('format');
  expect(await fieldOf(`${base}&level=county&level=city`)).toBe('level');
  expect(await fieldOf(`${base}&level=county&sort=asc`)).toBe('sort');
  expect(await fieldOf('/api/reports/orders?level=county&period=year&from=2026-03-01&to=2026-04-30')).toBe(
    'period',
  );
  expect(await fieldOf('/api/reports/orders?level=county&period=day&from=2026-13-01&to=2026-04-30')).toBe(
    'from',
  );
  expect(await fieldOf('/api/reports/orders?level=county&period=day&from=2025-01-01&to=2026-04-30')).toBe(
    'to',
  );
  expect(asked).toEqual([]);
});

test('401 without the admin token', async () => {
  const { app } = makeApp();
  const response = await app.request(`${base}&level=province`);
  expect(response.status).toBe(401);
  expect(((await response.json()) as ErrorBody).error.field).toBe('authorization');
  const wrong = await app.request(`${base}&level=province`, { headers: { authorization: 'Bearer nope' } });
  expect(wrong.status).toBe(401);
});
