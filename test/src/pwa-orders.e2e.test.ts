/**
 * A call becomes an order, end to end, and survives an outage. Real processes: the hub, a county
 * appliance (switch simulator, the built PWA) enrolled at it; real Chromium. A citizen calls; the screen
 * pop shows their history; the call-taker records the demand and dispatches it to the enterprise the
 * ranking puts first; the order reaches the hub. Then the WAN between the appliance and the hub is cut
 * (the appliance reaches the hub through a TCP proxy), the browser goes offline and the appliance stops:
 * the call-taker keeps recording and dispatching from IndexedDB, a supervisor's cancel races a dispatch;
 * the appliance and the browser come back while the WAN is still down, and the county decides everything
 * without the hub (its health report names the hub as unreachable); the refused dispatch shows in the
 * conflicts view. When the WAN is back nothing is lost: the county's orders at the hub have the same bytes
 * as at the appliance. Then the first order is served to the end from the console: the enterprise's
 * acceptance, its trained worker named, service started and done with its fee, the citizen dialled back
 * through the appliance and the visit scored 5 with the keyboard, which closes the order; the supervisor
 * looks at the wall board on a tablet; and the central office sees the county's figures on its dashboard
 * at the hub (2 dispatched, 50 % completed, every completed order visited and satisfied). Screenshots of
 * each step go to `test/artifacts/`.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createId, searchCatalogue } from '@jiazheng/sync/domain';
import {
  createDeviceToken,
  exportPublicKey,
  generateDeviceKeys,
  type SigningDevice,
} from '@jiazheng/sync/records';
import { SyncClient, type WebSocketConnector } from '@jiazheng/sync/relay';
import { proposeToStore, type RecordDigests, type RecordReport } from '@jiazheng/sync/replica';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, onTestFailed, test } from 'vitest';
import { WebSocket } from 'ws';
import { ensurePwaBuilt, launchChromium, logIn, pwaDir } from './support/browser';
import { startHubAndAppliance, type HubAndAppliance } from './support/hub-and-appliance';
import { call, sessionToken } from './support/http';
import { killAll, root } from './support/processes';
import { seedActiveEnterprise } from './support/registry-seed';

const COUNTY = '330106';
const HUB_TOKEN = `e2e-hub-${createId()}`;
const APPLIANCE_TOKEN = `e2e-appliance-${createId()}`;
const ADMIN_PASSWORD = 'e2e-admin-password';
const HUB_ADMIN_PASSWORD = 'e2e-hub-admin-password';
const ANALYST = { username: 'analyst1', password: 'analyst-password-1', displayName: '李分析' };
const SEAT = { username: 'seat1001', password: 'seat-1001-password', displayName: '王芳', seat: '1001' };
const SUPERVISOR = { username: 'lead', password: 'lead-password-1', displayName: '陈组长' };
/** What the call-taker types in the service box: toneless pinyin, as call-takers do. */
const SERVICE_QUERY = 'baojie';
const artifacts = join(root, 'test', 'artifacts');

/** One citizen who calls again and again and gives up after a few seconds: a history to pop. */
const scenario = {
  name: 'e2e: a citizen calls about a cleaner',
  seed: 11,
  arrivalsPerMinute: 10,
  maxCalls: 60,
  population: [{ number: '13800130011', name: '周女士' }],
  talkTimeSeconds: { distribution: 'fixed', value: 2 },
  patienceSeconds: { distribution: 'fixed', value: 6 },
  queues: [{ name: 'hotline' }],
  agents: [{ name: '1001@default', contact: 'user/1001', queues: ['hotline'], answer: 'manual' }],
};

let workDir = '';
let centre: HubAndAppliance | undefined;
let browser: Browser | undefined;
const connectors: WebSocketConnector[] = [];

/** A device played by the test with the sync library: a memory store kept in sync over a WebSocket. */
function syncedDevice(options: { device: SigningDevice; socketUrl: string }): {
  store: MemoryRecordStore;
  client: SyncClient;
} {
  const store = new MemoryRecordStore();
  const client = new SyncClient({ store, clientId: options.device.deviceId, cursorKey: 'cursor:e2e' });
  const connector = client.connectWebSocket({
    url: async () =>
      `${options.socketUrl}?token=${encodeURIComponent(await createDeviceToken({ device: options.device, now: Date.now() }))}`,
    WebSocketImpl: WebSocket,
    minDelayMs: 100,
    maxDelayMs: 500,
  });
  connectors.push(connector);
  connector.start();
  return { store, client };
}

async function newKeys(prefix: string): Promise<{ device: SigningDevice; publicKey: string }> {
  const keys = await generateDeviceKeys({ extractable: false });
  return {
    device: { deviceId: `${prefix}-${createId()}`, privateKey: keys.privateKey },
    publicKey: await exportPublicKey({ key: keys.publicKey }),
  };
}

async function orderIds(base: string, token: string): Promise<string[]> {
  const digests = await call<RecordDigests>({
    url: `${base}/api/sync/digest?prefix=${encodeURIComponent(`order:${COUNTY}:`)}`,
    token,
  });
  return Object.keys(digests.records).sort();
}

/** Whether the appliance holds a link to the hub, and whether its health report names that as a problem. */
async function hubLink(base: string): Promise<{ connected: boolean; problem: boolean }> {
  const health = (await (await fetch(`${base}/healthz`)).json()) as {
    hub: { connected: boolean };
    problems: string[];
  };
  return {
    connected: health.hub.connected,
    problem: health.problems.some((p) => p.includes('hub not connected')),
  };
}

/** The county's orders are the same records, with the same bytes, at the appliance and at the hub. */
async function ordersConverged(applianceUrl: string, hubUrl: string): Promise<boolean> {
  const prefix = encodeURIComponent(`order:${COUNTY}:`);
  const [atAppliance, atHub] = await Promise.all([
    call<RecordDigests>({ url: `${applianceUrl}/api/sync/digest?prefix=${prefix}`, token: APPLIANCE_TOKEN }),
    call<RecordDigests>({ url: `${hubUrl}/api/sync/digest?prefix=${prefix}`, token: HUB_TOKEN }),
  ]);
  return JSON.stringify(atAppliance.records) === JSON.stringify(atHub.records);
}

const report = (base: string, token: string, recordId: string) =>
  call<RecordReport>({ url: `${base}/api/records/${encodeURIComponent(recordId)}`, token });

async function statusAt(base: string, token: string, recordId: string): Promise<string | null> {
  try {
    const r = await report(base, token, recordId);
    return (r.accepted as { status?: string } | null)?.status ?? null;
  } catch {
    return null;
  }
}

/** A step's screenshot in test/artifacts; the ones the docs show are also written to docs/screenshots. */
async function shot(page: Page, name: string, docsName?: string): Promise<void> {
  await page.screenshot({ path: join(artifacts, `${name}.png`) });
  if (docsName !== undefined)
    await page.screenshot({ path: join(root, 'docs', 'screenshots', `${docsName}.png`) });
}

beforeAll(async () => {
  ensurePwaBuilt();
  await mkdir(artifacts, { recursive: true });
  workDir = await mkdtemp(join(tmpdir(), 'jz-pwa-orders-'));
  const scenarioPath = join(workDir, 'scenario.json');
  await writeFile(scenarioPath, JSON.stringify(scenario));
  centre = await startHubAndAppliance({
    workDir,
    county: COUNTY,
    hubToken: HUB_TOKEN,
    hubEnv: { JZ_HUB_BOOTSTRAP_ADMIN_PASSWORD: HUB_ADMIN_PASSWORD },
    applianceEnv: {
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      ADMIN_TOKEN: APPLIANCE_TOKEN,
      SIMULATOR_SCENARIO: scenarioPath,
      PWA_DIR: pwaDir,
    },
  });
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  for (const connector of connectors) await connector.stop();
  await browser?.close();
  await centre?.stop();
  killAll();
  if (workDir !== '') await rm(workDir, { recursive: true, force: true });
}, 60_000);

test('a call becomes a dispatched order that reaches the hub, and an outage loses nothing', async () => {
  const { hubUrl, applianceUrl: url, wan } = centre!;
  const browserErrors: string[] = [];
  onTestFailed(() => {
    for (const proc of [centre!.hub, centre!.appliance()])
      console.error(`---- ${proc?.name} ----\n${proc?.output().slice(-8000) ?? ''}`);
    console.error(`---- browser ----\n${browserErrors.join('\n')}`);
  });

  // The registry, as the centre's registry officer brings it in at the hub.
  const [service] = searchCatalogue({ query: SERVICE_QUERY, limit: 1 });
  expect(service?.item.handling).toBe('dispatch');
  const officerKeys = await newKeys('pwa-registry');
  await call({
    url: `${hubUrl}/api/provision/device`,
    token: HUB_TOKEN,
    body: {
      userId: 'registry-officer-1',
      name: '登记员',
      role: 'registry_officer',
      countyCode: null,
      deviceId: officerKeys.device.deviceId,
      publicKey: officerKeys.publicKey,
      kind: 'pwa',
    },
  });
  const officer = syncedDevice({
    device: officerKeys.device,
    socketUrl: `${hubUrl.replace(/^http/, 'ws')}/sync`,
  });
  const desk = {
    store: officer.store,
    device: officerKeys.device,
    actor: { userId: 'registry-officer-1', role: 'registry_officer' },
    notify: (change: { recordId: string }) => officer.client.notifyLocalChange(change),
  };
  const first = await seedActiveEnterprise({
    desk,
    name: '西湖家政服务有限公司',
    licenceNumber: '91330106MA27XL0R2J',
    contactPhone: '13900001111',
    countyCodes: [COUNTY],
    itemCodes: [service!.item.code],
  });
  await expect
    .poll(() => statusAt(url, APPLIANCE_TOKEN, first.enterpriseId), { timeout: 60_000, interval: 250 })
    .toBe('active');

  // The county's staff, made by its administrator.
  const adminToken = await sessionToken(url, { username: 'admin', password: ADMIN_PASSWORD });
  await call({ url: `${url}/api/users`, token: adminToken, body: { ...SEAT, role: 'call_taker' } });
  await call({
    url: `${url}/api/users`,
    token: adminToken,
    body: { ...SUPERVISOR, role: 'supervisor' },
  });

  // ── Online: the call, the pop with the caller's history, the order, the dispatch. ─────────────────
  const context: BrowserContext = await browser!.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') browserErrors.push(message.text());
  });
  await logIn({ page, url, ...SEAT });
  await expect
    .poll(() => page.getByTestId('sync-link').textContent(), { timeout: 30_000 })
    .toContain('已与区县设备同步');
  const pop = page.getByTestId('screen-pop');
  await expect
    .poll(() => pop.getByTestId('pop-number').textContent(), { timeout: 30_000 })
    .toBe('138****0011');
  await expect
    .poll(() => pop.getByTestId('timeline-call').count(), { timeout: 40_000, interval: 250 })
    .toBeGreaterThan(0);
  await shot(page, '1-screen-pop');

  await page.keyboard.press('F6');
  await page.getByTestId('demand-service').fill(SERVICE_QUERY);
  await page.getByTestId('demand-service').press('Enter');
  await expect.poll(() => page.getByTestId('demand-standard').count()).toBe(1);
  await page.getByLabel('服务地址').fill('西湖区文三路 100 号 3 单元 502');
  await page.getByLabel('备注').fill('<b>家里有老人</b>');
  await shot(page, '2-demand');
  await page.getByTestId('demand-save-dispatch').click();
  const panel = page.getByTestId('dispatch-panel');
  await expect.poll(() => panel.getByTestId('dispatch-candidate').count(), { timeout: 20_000 }).toBe(1);
  expect(await panel.getByTestId('dispatch-candidate').first().textContent()).toContain(
    '西湖家政服务有限公司',
  );
  await shot(page, '3-dispatch-ranking', 'console-dispatch');
  await page.keyboard.press('1');
  await panel.getByTestId('dispatch-done').waitFor();
  await expect
    .poll(() => page.getByTestId('sync-pending').textContent(), { timeout: 20_000 })
    .toBe('待同步 0 项');
  await shot(page, '4-dispatched');

  // The order reached the hub, dispatched to that enterprise, with the citizen's own number.
  const [orderA] = await orderIds(url, APPLIANCE_TOKEN);
  expect(orderA).toBeDefined();
  await expect
    .poll(() => statusAt(hubUrl, HUB_TOKEN, orderA!), { timeout: 30_000, interval: 250 })
    .toBe('dispatched');
  const atHub = (await report(hubUrl, HUB_TOKEN, orderA!)).accepted as {
    citizenPhone: string;
    notes: string;
    dispatch: { enterpriseId: string };
  };
  expect(atHub).toMatchObject({
    citizenPhone: '+8613800130011',
    notes: '<b>家里有老人</b>',
    dispatch: { enterpriseId: first.enterpriseId },
  });

  // A second demand, saved for dispatch but not dispatched yet: the order the outage races over.
  await page.getByTestId('tab-call').click();
  await page.getByTestId('demand-service').fill(SERVICE_QUERY);
  await page.getByTestId('demand-service').press('Enter');
  await page.getByLabel('服务地址').fill('西湖区天目山路 8 号');
  await page.getByTestId('demand-save-dispatch').click();
  await panel.waitFor();
  await panel.getByRole('button', { name: '关闭' }).click();
  await expect
    .poll(() => page.getByTestId('sync-pending').textContent(), { timeout: 20_000 })
    .toBe('待同步 0 项');
  const orderB = (await orderIds(url, APPLIANCE_TOKEN)).find((id) => id !== orderA);
  expect(orderB).toBeDefined();
  await expect
    .poll(() => statusAt(url, APPLIANCE_TOKEN, orderB!), { timeout: 20_000 })
    .toBe('awaiting_dispatch');

  // ── The outage. First the WAN between the county and the hub goes down: the appliance says so.
  wan.cut();
  await expect
    .poll(() => hubLink(url), { timeout: 20_000, interval: 250 })
    .toEqual({
      connected: false,
      problem: true,
    });
  // Then the browser loses the network; meanwhile a supervisor cancels order B at the appliance.
  await context.setOffline(true);
  const supervisorToken = await sessionToken(url, SUPERVISOR);
  const supervisorKeys = await newKeys('pwa-lead');
  const enrolled = await call<{ userId: string; role: string }>({
    url: `${url}/api/devices`,
    token: supervisorToken,
    body: { deviceId: supervisorKeys.device.deviceId, publicKey: supervisorKeys.publicKey },
  });
  const lead = syncedDevice({
    device: supervisorKeys.device,
    socketUrl: `${url.replace(/^http/, 'ws')}/sync`,
  });
  await expect
    .poll(async () => (await lead.store.readRecord({ recordId: orderB! })) !== null, { timeout: 20_000 })
    .toBe(true);
  await proposeToStore({
    store: lead.store,
    recordId: orderB!,
    device: supervisorKeys.device,
    actor: { userId: enrolled.userId, role: enrolled.role },
    type: 'cancel',
    payload: { reason: '市民来电取消' },
    at: Date.now(),
  });
  lead.client.notifyLocalChange({ recordId: orderB! });
  await expect.poll(() => statusAt(url, APPLIANCE_TOKEN, orderB!), { timeout: 20_000 }).toBe('cancelled');
  // The county decided it alone: the hub, cut off, still has order B waiting.
  expect(await statusAt(hubUrl, HUB_TOKEN, orderB!)).toBe('awaiting_dispatch');
  // And the appliance goes down too.
  await centre!.stopAppliance();

  // Offline, even after a reload (the shell comes from the service worker, the data from IndexedDB), the
  // call-taker records a new demand and dispatches it, and dispatches order B, which this browser still
  // sees waiting.
  await page.reload();
  await page.getByTestId('screen-pop').waitFor();
  await expect.poll(() => page.getByTestId('sync-link').textContent(), { timeout: 20_000 }).toContain('离线');
  await page.keyboard.press('F6');
  await page.getByTestId('demand-service').fill(SERVICE_QUERY);
  await page.getByTestId('demand-service').press('Enter');
  await page.getByLabel('来电号码').fill('0571-8888 6666');
  await page.getByLabel('服务地址').fill('西湖区古墩路 1 号');
  await page.getByTestId('demand-save-dispatch').click();
  await expect.poll(() => panel.getByTestId('dispatch-candidate').count(), { timeout: 20_000 }).toBe(1);
  await page.keyboard.press('1');
  await panel.getByTestId('dispatch-done').waitFor();
  await page.getByRole('button', { name: '完成' }).click();
  const queued = page.getByTestId('dispatch-queue-item');
  await expect.poll(() => queued.count(), { timeout: 10_000 }).toBe(1);
  await queued.first().getByRole('button').click();
  await expect.poll(() => panel.getByTestId('dispatch-candidate').count(), { timeout: 20_000 }).toBe(1);
  await page.keyboard.press('1');
  await panel.getByTestId('dispatch-done').waitFor();
  // receive + awaitDispatch + dispatch for the new order, dispatch for order B.
  await expect.poll(() => page.getByTestId('sync-pending').textContent()).toBe('待同步 4 项');
  await shot(page, '5-offline-pending');

  // ── The appliance (same data, same port) and the browser's network come back; the WAN is still down.
  await centre!.restartAppliance();
  await context.setOffline(false);
  await expect
    .poll(() => page.getByTestId('sync-pending').textContent(), { timeout: 60_000, interval: 250 })
    .toBe('待同步 0 项');
  // The cancel came first at order B's home, so the offline dispatch is refused: a conflict to see.
  await expect
    .poll(() => page.getByTestId('sync-conflicts').textContent(), { timeout: 20_000 })
    .toBe('冲突 1 项');
  await page.getByTestId('sync-conflicts').click();
  const conflicts = page.getByTestId('conflict');
  await expect.poll(() => conflicts.count()).toBe(1);
  expect(await conflicts.first().textContent()).toContain('cancelled');
  await shot(page, '6-conflict', 'console-conflict');

  // The county kept working without the hub: the offline order is decided and dispatched at the
  // appliance, while the hub has never seen it and the appliance still reports the hub unreachable.
  const ids = await orderIds(url, APPLIANCE_TOKEN);
  expect(ids).toHaveLength(3);
  const orderC = ids.find((id) => id !== orderA && id !== orderB)!;
  expect(await statusAt(url, APPLIANCE_TOKEN, orderC)).toBe('dispatched');
  expect(await orderIds(hubUrl, HUB_TOKEN)).toEqual([orderA!, orderB!].sort());
  expect(await hubLink(url)).toEqual({ connected: false, problem: true });

  // ── The WAN comes back. Nothing lost: the county's orders at the hub are byte for byte the appliance's,
  // the offline order dispatched there, order B cancelled everywhere.
  wan.restore();
  await expect
    .poll(() => hubLink(url), { timeout: 30_000, interval: 250 })
    .toEqual({
      connected: true,
      problem: false,
    });
  await expect.poll(async () => ordersConverged(url, hubUrl), { timeout: 60_000, interval: 500 }).toBe(true);
  await expect
    .poll(() => statusAt(hubUrl, HUB_TOKEN, orderC), { timeout: 60_000, interval: 250 })
    .toBe('dispatched');
  expect((await report(hubUrl, HUB_TOKEN, orderC)).accepted).toMatchObject({
    citizenPhone: '+8657188886666',
  });
  await expect.poll(() => statusAt(hubUrl, HUB_TOKEN, orderB!), { timeout: 30_000 }).toBe('cancelled');
  const decisions = (await report(url, APPLIANCE_TOKEN, orderB!)).proposals.map((p) => [p.type, p.decision]);
  expect(decisions).toContainEqual(['dispatch', 'rejected']);

  // Caller-supplied markup stays text: found by its note in the order list, shown literally in the detail.
  await page.keyboard.press('F7');
  await page.getByRole('searchbox').fill('家里有老人');
  const rows = page.getByRole('listbox').getByRole('option');
  await expect.poll(() => rows.count()).toBe(1);
  await rows.first().click();
  const detail = page.locator('section.detail');
  await expect.poll(() => detail.textContent(), { timeout: 10_000 }).toContain('<b>家里有老人</b>');
  expect(await detail.locator('b', { hasText: '家里有老人' }).count()).toBe(0);
  await shot(page, '7-order-detail');

  // ── The service: the enterprise accepts, its trained worker goes, the work is done and paid, and the
  // citizen is called back and scores it. Each step is proposed from the detail and decided at the county.
  const statusOfA = () => statusAt(url, APPLIANCE_TOKEN, orderA!);
  await detail.getByRole('button', { name: '企业已接单' }).click();
  await expect.poll(statusOfA, { timeout: 20_000, interval: 250 }).toBe('accepted');
  await detail.getByRole('button', { name: '指派服务人员' }).click();
  // The enterprise's one worker, trained and certified for the service: the first choice after the prompt.
  const worker = detail.getByLabel('服务人员');
  await expect.poll(() => worker.locator('option:not([disabled])').count()).toBe(2);
  await worker.selectOption({ index: 1 });
  await detail.getByRole('button', { name: '确认' }).click();
  // The county decides the assignment before service starts. In one CI run (2 cores, under load) the order
  // stayed accepted when the start was proposed right after the assignment; the cause is not yet known.
  const workerAtCounty = async () =>
    ((await report(url, APPLIANCE_TOKEN, orderA!)).accepted as { dispatch: { workerId: string | null } })
      .dispatch.workerId;
  await expect.poll(workerAtCounty, { timeout: 20_000, interval: 250 }).toBe(first.workerId);
  await detail.getByRole('button', { name: '开始服务' }).click();
  await expect.poll(statusOfA, { timeout: 20_000, interval: 250 }).toBe('in_service');
  expect(
    ((await report(url, APPLIANCE_TOKEN, orderA!)).accepted as { dispatch: { workerId: string } }).dispatch
      .workerId,
  ).toBe(first.workerId);
  await detail.getByRole('button', { name: '登记服务完成' }).click();
  await detail.getByLabel('服务费（元）').fill('180.50');
  await detail.getByRole('button', { name: '确认' }).click();
  await expect.poll(statusOfA, { timeout: 20_000, interval: 250 }).toBe('served');
  expect((await report(url, APPLIANCE_TOKEN, orderA!)).accepted).toMatchObject({
    dispatch: { feeFen: 18050 },
  });
  await shot(page, '8-served');

  await page.keyboard.press('F9');
  const visit = page.getByRole('listitem').filter({ hasText: '138****0011' });
  await visit.getByRole('button', { name: '拨打' }).click();
  // The appliance asked the switch to ring the seat, then the citizen.
  await expect.poll(() => visit.getByRole('status').textContent(), { timeout: 15_000 }).toContain('正在接通');
  // Dialling opens the visit's form, ready for the answer.
  await visit.getByRole('form').waitFor();
  // Clicked, not just checked: the form's keys (1–5) work where the focus is.
  await visit.getByLabel('已联系上').click();
  await page.keyboard.press('5');
  // Key 5 chose "5 非常满意".
  await expect.poll(() => visit.locator('label.score.chosen').textContent()).toMatch(/5\s*非常满意/);
  await shot(page, '9-return-visit');
  await visit.getByRole('button', { name: '提交回访' }).click();
  await expect.poll(statusOfA, { timeout: 20_000, interval: 250 }).toBe('closed');
  await expect
    .poll(() => statusAt(hubUrl, HUB_TOKEN, orderA!), { timeout: 30_000, interval: 250 })
    .toBe('closed');
  expect(browserErrors.filter((text) => !/favicon|ERR_|WebSocket|Failed to fetch|net::/.test(text))).toEqual(
    [],
  );
  await context.close();

  // The supervisor on a tablet: the wall board with the seats and the overdue list.
  const tablet = await browser!.newContext({ viewport: { width: 820, height: 1180 }, hasTouch: true });
  const board = await tablet.newPage();
  await logIn({ page: board, url, username: SUPERVISOR.username, password: SUPERVISOR.password });
  await expect
    .poll(() => board.getByTestId('sync-link').textContent(), { timeout: 30_000 })
    .toContain('已与区县设备同步');
  await board.getByTestId('tab-wallboard').click();
  await board.getByTestId('overdue-list').waitFor();
  await expect
    .poll(() => board.getByTestId('wallboard').textContent(), { timeout: 15_000 })
    .toContain('1001');
  await shot(board, '10-tablet-wall-board', 'tablet-wall-board');
  await tablet.close();

  // ── The central office: the county's figures at the hub, on the dashboard. ─────────────────────────
  const hubAdmin = await sessionToken(hubUrl, { username: 'admin', password: HUB_ADMIN_PASSWORD });
  await call({
    url: `${hubUrl}/api/users`,
    token: hubAdmin,
    body: { ...ANALYST, role: 'central_office', scope: { level: 'country' } },
  });
  // Orders A (served, visited, scored 5) and C (dispatched offline) were dispatched; B was cancelled first.
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const totals = async () =>
    (
      await call<{ total: { completed: number; dispatched: number } }>({
        url: `${hubUrl}/api/reports/orders?level=country&period=month&from=${today.slice(0, 8)}01&to=${today}`,
        token: hubAdmin,
      })
    ).total;
  await expect
    .poll(totals, { timeout: 30_000, interval: 500 })
    .toMatchObject({ completed: 1, dispatched: 2 });
  const office = await browser!.newContext({ viewport: { width: 1366, height: 900 } });
  const analyst = await office.newPage();
  await analyst.goto(`${hubUrl}/console/`);
  await analyst.getByLabel('用户名').fill(ANALYST.username);
  await analyst.getByLabel('密码').fill(ANALYST.password);
  await analyst.getByRole('button', { name: '登录' }).click();
  await analyst.getByTestId('dashboard').waitFor({ timeout: 30_000 });
  const figure = (key: string) => analyst.getByTestId(`figure-${key}`).locator('dd');
  await expect.poll(() => figure('dispatched').textContent(), { timeout: 20_000 }).toBe('2');
  expect(await figure('completionRate').textContent()).toBe('50%');
  expect(await figure('returnVisitRate').textContent()).toBe('100%');
  expect(await figure('satisfactionRate').textContent()).toBe('100%');
  await shot(analyst, '11-central-office');
  await office.close();
}, 420_000);
