import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createId, findCatalogueItemFacts } from '@jiazheng/sync/domain';
import type { DeviceKey } from '@jiazheng/sync/node';
import { Projector } from '@jiazheng/sync/projections';
import {
  exportPublicKey,
  generateDeviceKeys,
  loadRecordDoc,
  proposeCommand,
  sequenceRecord,
} from '@jiazheng/sync/records';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import { drizzle } from 'drizzle-orm/pglite';
import ExcelJS from 'exceljs';
import type { Hono } from 'hono';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HubAccountService } from '../../services/hub-account-service';
import { JsonFileAccountStore } from '../files/json-file-account-store';
import { SqlClosingReportSource } from '../reports/sql-closing-report-source';
import { HubSync } from '../sync/hub-sync';
import { createHubHttpApp } from './http-app';

// Closings as they reach the hub: signed by each county's appliance key, decided by that appliance as
// their home, written to the hub's relay as the appliance (the replica policy checks it), projected into
// a real PGlite, and reported through the HTTP app with real staff accounts and their scopes.
const quiet = { info: () => {}, error: () => {} };
const adminToken = 'test-admin-token-0123456789';
const password = 'a-long-password-1';
/** 2026-12-03 12:00 China time: November and 1–2 December are over. */
const now = Date.parse('2026-12-03T12:00:00+08:00');
let dir: string;
let hub: HubSync;
let store: MemoryRecordStore;
let pglite: PGlite;
let app: Hono;
const tokens = new Map<string, string>();
const keys = new Map<string, DeviceKey>();

async function makeKey(deviceId: string): Promise<DeviceKey> {
  const k = await generateDeviceKeys({ extractable: false });
  return { deviceId, publicKey: await exportPublicKey({ key: k.publicKey }), privateKey: k.privateKey };
}

const figures = (offered: number, answered: number, within: number, abandoned: number, handle: number) => ({
  calls: { offered, answered, answeredWithin15s: within, abandoned, handleSecondsTotal: handle },
  orders: { received: 10, information: 3, dispatched: 6, completed: 5 },
});

/** A closing made and decided at the county's appliance, then written to the hub as that appliance. */
async function closeAtCounty(options: {
  county: string;
  period: { kind: 'day' | 'month'; start: string };
  figures: ReturnType<typeof figures>;
  at: number;
  recordId?: string;
  reopenWith?: DeviceKey;
}): Promise<string> {
  const { county } = options;
  const key = keys.get(county);
  if (!key) throw new Error(`no key for ${county}`);
  const recordId = options.recordId ?? `closing:${county}:${createId()}`;
  const stored = await store.readRecord({ recordId });
  const doc = loadRecordDoc({ recordId, update: stored?.update ?? null });
  const before = Y.encodeStateVector(doc);
  const actor = { userId: `appliance-${county}`, role: 'system' };
  await proposeCommand({
    doc,
    recordId,
    device: key,
    actor,
    type: 'closePeriod',
    payload: {
      closingId: recordId,
      countyCode: county,
      period: options.period,
      ...options.figures,
      closedBy: 'lead',
    },
    at: options.at,
  });
  const { decisions } = await sequenceRecord({
    doc,
    recordId,
    directory: await hub.directory(),
    registry: {
      findItem: findCatalogueItemFacts,
      findEnterprise: () => undefined,
      findWorker: () => undefined,
    },
  });
  expect(decisions.map((d) => d.outcome)).toEqual(['accepted']);
  const written = await hub.server.write({
    peer: { id: key.deviceId, kind: 'appliance', countyCode: county, role: 'system', userId: actor.userId },
    recordId,
    update: Y.encodeStateAsUpdate(doc, before),
    origin: null,
  });
  doc.destroy();
  expect(written.ok).toBe(true);
  return recordId;
}

async function get(path: string, token: string | undefined) {
  const response = await app.request(path, { headers: { authorization: `Bearer ${token ?? ''}` } });
  return response;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jz-call-report-'));
  store = await MemoryRecordStore.open();
  hub = new HubSync({ store, device: await makeKey('hub-1'), logger: quiet });
  await hub.start();
  pglite = new PGlite();
  const db = drizzle({ client: pglite });
  const projector = new Projector({ db, store });
  await projector.migrate();
  const accounts = new HubAccountService({
    store: await JsonFileAccountStore.open({ path: join(dir, 'accounts.json') }),
    logger: quiet,
    bootstrapAdminPassword: password,
  });
  await accounts.start();
  app = createHubHttpApp({
    hub,
    adminToken,
    logger: quiet,
    accounts,
    closingReports: new SqlClosingReportSource({ db }),
    reportsNow: () => now,
  });
  // Appliances of 西湖区 and 上城区 (杭州) and 朝阳区 (北京); 滨江区 enrolled too but never closes anything.
  for (const county of ['330106', '330102', '110105', '330108']) {
    const key = await makeKey(`appliance-${county}-a`);
    keys.set(county, key);
    await hub.provisionAppliance({ countyCode: county, deviceId: key.deviceId, publicKey: key.publicKey });
  }
  const after = (iso: string) => Date.parse(iso);
  await closeAtCounty({
    county: '330106',
    period: { kind: 'day', start: '2026-11-01' },
    figures: figures(100, 90, 80, 8, 9_000),
    at: after('2026-11-02T08:00:00+08:00'),
  });
  await closeAtCounty({
    county: '330106',
    period: { kind: 'day', start: '2026-11-02' },
    figures: figures(50, 45, 30, 5, 4_500),
    at: after('2026-11-03T08:00:00+08:00'),
  });
  // 西湖区 closed November as a month too: the monthly report takes the month, not the two days.
  await closeAtCounty({
    county: '330106',
    period: { kind: 'month', start: '2026-11' },
    figures: figures(3_000, 2_800, 2_500, 150, 280_000),
    at: after('2026-12-01T09:00:00+08:00'),
  });
  // 上城区 closed only days; one of them twice (a second record after a reopening): the latest counts.
  await closeAtCounty({
    county: '330102',
    period: { kind: 'day', start: '2026-11-01' },
    figures: figures(40, 40, 40, 0, 4_000),
    at: after('2026-11-02T08:00:00+08:00'),
  });
  await closeAtCounty({
    county: '330102',
    period: { kind: 'day', start: '2026-11-01' },
    figures: figures(60, 50, 40, 10, 6_000),
    at: after('2026-11-02T09:00:00+08:00'),
  });
  await closeAtCounty({
    county: '110105',
    period: { kind: 'month', start: '2026-11' },
    figures: figures(1_000, 900, 850, 80, 90_000),
    at: after('2026-12-01T09:00:00+08:00'),
  });
  await projector.catchUp();

  const login = async (username: string) => {
    const response = await app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    tokens.set(username, ((await response.json()) as { token: string }).token);
  };
  await login('admin');
  for (const [username, role, code] of [
    ['sup-xihu', 'supervisor', '330106'],
    ['tech-xihu', 'technician', '330106'],
  ] as const) {
    const response = await app.request('/api/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get('admin') ?? ''}` },
      body: JSON.stringify({
        username,
        password,
        displayName: username,
        role,
        scope: { level: 'county', code },
      }),
    });
    expect(response.status).toBe(201);
    await login(username);
  }
}, 120_000);

afterAll(async () => {
  await hub.stop();
  await pglite.close();
  await rm(dir, { recursive: true, force: true });
}, 30_000);

type CallRow = {
  regionCode: string;
  period: string;
  counties: number;
  offered: number;
  answered: number;
  answeredWithin15sRate: number | null;
  abandonRate: number | null;
  averageHandleSeconds: number | null;
};

describe('GET /api/reports/calls', () => {
  test('monthly by province: a month closing counts whole, a county with day closings only counts its days, the latest close of a day counts', async () => {
    const response = await get(
      '/api/reports/calls?level=province&period=month&from=2026-11-01&to=2026-11-30',
      adminToken,
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { rows: CallRow[]; total: CallRow; notes: string[] };
    expect(body.rows.map((r) => [r.regionCode, r.period, r.counties, r.offered, r.answered])).toEqual([
      ['110000', '2026-11', 1, 1_000, 900],
      ['330000', '2026-11', 2, 3_060, 2_850],
    ]);
    expect(body.rows[1]).toMatchObject({
      answeredWithin15sRate: Math.round((2_540 / 3_060) * 10_000) / 10_000,
      abandonRate: Math.round((160 / 3_060) * 10_000) / 10_000,
      averageHandleSeconds: Math.round((286_000 / 2_850) * 10) / 10,
    });
    expect(body.total).toMatchObject({ counties: 3, offered: 4_060 });
    expect(body.notes.join(' ')).toMatch(/closed/);
  });

  test('daily by county within 杭州: the day closings', async () => {
    const response = await get(
      '/api/reports/calls?level=county&within=330100&period=day&from=2026-11-01&to=2026-11-30',
      adminToken,
    );
    const body = (await response.json()) as { rows: CallRow[] };
    expect(body.rows.map((r) => [r.regionCode, r.period, r.offered, r.averageHandleSeconds])).toEqual([
      ['330102', '2026-11-01', 60, 120],
      ['330106', '2026-11-01', 100, 100],
      ['330106', '2026-11-02', 50, 100],
    ]);
  });

  test('CSV and XLSX: the same table with Chinese headers and a total row', async () => {
    const csv = await get(
      '/api/reports/calls?level=city&period=month&from=2026-11-01&to=2026-11-30&format=csv',
      adminToken,
    );
    expect(csv.headers.get('content-disposition')).toBe(
      'attachment; filename="calls_city_all_month_2026-11-01_2026-11-30.csv"',
    );
    const lines = (await csv.text()).replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe(
      '地区代码,地区,期间,已结账区县,呼入量,接通量,15秒内接通,15秒接通率,放弃量,放弃率,平均处理时长(秒)',
    );
    expect(lines[1]).toBe('110100,北京市,2026-11,1,1000,900,850,0.85,80,0.08,100');
    expect(lines.at(-2)).toMatch(/^,合计\(全国\),2026-11-01至2026-11-30,3,4060,/);
    const xlsx = await get(
      '/api/reports/calls?level=country&period=month&from=2026-11-01&to=2026-11-30&format=xlsx',
      adminToken,
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    const sheet = workbook.getWorksheet('话务统计');
    expect(sheet?.getRow(2).getCell(5).value).toBe(4_060);
    expect(sheet?.getRow(1).getCell(8).numFmt).toBe('0.0%');
  });

  test('the order report’s scope rules: a county supervisor sees their county only; bad parameters name the field', async () => {
    const sup = tokens.get('sup-xihu');
    const own = await get(
      '/api/reports/calls?level=county&within=330106&period=month&from=2026-11-01&to=2026-11-30',
      sup,
    );
    expect(own.status).toBe(200);
    expect(JSON.stringify(await own.json())).not.toContain('330102');
    for (const within of ['330102', '330100', '']) {
      const path = `/api/reports/calls?level=county&period=month&from=2026-11-01&to=2026-11-30${within ? `&within=${within}` : ''}`;
      expect((await get(path, sup)).status, within).toBe(403);
    }
    expect(
      (
        await get(
          '/api/reports/calls?level=county&within=330106&period=month&from=2026-11-01&to=2026-11-30',
          tokens.get('tech-xihu'),
        )
      ).status,
    ).toBe(403);
    for (const [query, field] of [
      ['level=county&period=week&from=2026-11-01&to=2026-11-30', 'period'],
      ['level=county&period=day&from=2026-11-31&to=2026-11-30', 'from'],
      ['level=county&period=day&from=2026-11-01&to=2026-11-30&category=FAM', 'category'],
      ['level=province&within=330106&period=day&from=2026-11-01&to=2026-11-30', 'within'],
    ] as const) {
      const response = await get(`/api/reports/calls?${query}`, adminToken);
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as { error: { field: string } }).error.field).toBe(field);
    }
  });
});

describe('GET /api/reports/closings', () => {
  test('who closed which month: every county with an appliance, late ones first; periods not over are not late', async () => {
    const response = await get('/api/reports/closings?from=2026-10-01&to=2026-12-31', adminToken);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      periods: string[];
      counties: Array<{
        countyCode: string;
        late: string[];
        closed: number;
        periods: Array<{ period: string; status: string; closedBy: string | null }>;
      }>;
    };
    expect(body.periods).toEqual(['2026-10', '2026-11']);
    expect(body.counties.map((c) => [c.countyCode, c.closed, c.late])).toEqual([
      ['330102', 0, ['2026-10', '2026-11']],
      ['330108', 0, ['2026-10', '2026-11']],
      ['110105', 1, ['2026-10']],
      ['330106', 1, ['2026-10']],
    ]);
    expect(body.counties.find((c) => c.countyCode === '330106')?.periods[1]).toMatchObject({
      period: '2026-11',
      status: 'closed',
      closedBy: 'lead',
    });
  });

  test('by day within a county, for its supervisor; another county is refused', async () => {
    const sup = tokens.get('sup-xihu');
    const response = await get(
      '/api/reports/closings?period=day&within=330106&from=2026-11-01&to=2026-11-03',
      sup,
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      periods: string[];
      counties: Array<{ countyCode: string; late: string[] }>;
    };
    expect(body.periods).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
    expect(body.counties).toEqual([expect.objectContaining({ countyCode: '330106', late: ['2026-11-03'] })]);
    expect((await get('/api/reports/closings?within=330102&from=2026-11-01&to=2026-11-30', sup)).status).toBe(
      403,
    );
    const bad = await get('/api/reports/closings?from=2026-11-01&to=2026-11-30&level=county', adminToken);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('level');
  });
});
