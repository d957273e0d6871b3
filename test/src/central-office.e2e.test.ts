/**
 * The central office's dashboard end to end. Real processes: the hub (serving the built PWA under
 * `/console/`) and the county appliance of 杭州市西湖区 enrolled at it; real Chromium. Citizens order on the
 * centre's public website (`POST /order`, web orders into the county's records), the appliance decides the
 * orders, the hub projects them into its statistics. The hub's administrator makes a central-office analyst;
 * the analyst opens the console at the hub, sees the orders in the dashboard, drills down from the country to
 * the province, the city and the county (by mouse and by keyboard), goes back up by the breadcrumb, and
 * exports the table as CSV. Screenshots: docs/screenshots/central-office-dashboard.png and test/artifacts/.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createId } from '@jiazheng/sync/domain';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, onTestFailed, test } from 'vitest';
import { ensurePwaBuilt, launchChromium, pwaDir } from './support/browser';
import { startHubAndAppliance, type HubAndAppliance } from './support/hub-and-appliance';
import { call, sessionToken } from './support/http';
import { killAll, root, sleep } from './support/processes';

const COUNTY = '330106';
const HUB_TOKEN = `e2e-hub-${createId()}`;
const APPLIANCE_TOKEN = `e2e-appliance-${createId()}`;
const HUB_ADMIN_PASSWORD = 'e2e-hub-admin-password';
const ANALYST = { username: 'analyst1', password: 'analyst-password-1', displayName: '李分析' };
const artifacts = join(root, 'test', 'artifacts');
const screenshot = join(root, 'docs', 'screenshots', 'central-office-dashboard.png');
const ORDERS = [
  { name: '周女士', phone: '13800130021', itemCode: 'FAM-HOURLY' },
  { name: '吴先生', phone: '13800130022', itemCode: 'FAM-HOURLY' },
  { name: '郑阿姨', phone: '13800130023', itemCode: 'FAM-NANNY' },
];

let workDir = '';
let centre: HubAndAppliance | undefined;
let browser: Browser | undefined;

/** A citizen's order on the public website, as the form posts it; true once the hub took it (303). */
async function orderOnline(hubUrl: string, order: (typeof ORDERS)[number]): Promise<boolean> {
  const response = await fetch(`${hubUrl}/order`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      name: order.name,
      phone: order.phone,
      countyCode: COUNTY,
      itemCode: order.itemCode,
      address: '杭州市西湖区文三路 90 号',
      wantedDate: '',
      notes: '',
    }).toString(),
    redirect: 'manual',
  });
  return response.status === 303;
}

beforeAll(async () => {
  ensurePwaBuilt();
  await mkdir(artifacts, { recursive: true });
  workDir = await mkdtemp(join(tmpdir(), 'jz-central-office-'));
  centre = await startHubAndAppliance({
    workDir,
    county: COUNTY,
    hubToken: HUB_TOKEN,
    hubEnv: { JZ_HUB_BOOTSTRAP_ADMIN_PASSWORD: HUB_ADMIN_PASSWORD, JZ_HUB_PWA_DIR: pwaDir },
    applianceEnv: { ADMIN_TOKEN: APPLIANCE_TOKEN },
  });
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await centre?.stop();
  killAll();
  if (workDir !== '') await rm(workDir, { recursive: true, force: true });
}, 60_000);

test('an analyst at the hub sees the web orders, drills down to the county and exports the table', async () => {
  const { hubUrl } = centre!;
  const browserErrors: string[] = [];
  onTestFailed(() => {
    for (const proc of [centre!.hub, centre!.appliance()])
      console.error(`---- ${proc?.name} ----\n${proc?.output().slice(-8000) ?? ''}`);
    console.error(`---- browser ----\n${browserErrors.join('\n')}`);
  });

  // The hub's banner names its console; the shell there is the PWA's, rewritten for /console/.
  expect(centre!.hub.output()).toContain(`${hubUrl}/console/`);
  const shell = await (await fetch(`${hubUrl}/console/`)).text();
  expect(shell).toContain('base: "/console"');

  // Citizens order on the website once the county's appliance is enrolled (the form offers only such
  // counties); the appliance decides the orders and the hub projects them.
  await expect
    .poll(
      async () =>
        (await call<{ appliances: unknown[] }>({ url: `${hubUrl}/api/appliances`, token: HUB_TOKEN }))
          .appliances.length,
      {
        timeout: 60_000,
        interval: 250,
      },
    )
    .toBe(1);
  for (const order of ORDERS) {
    const deadline = Date.now() + 60_000;
    while (!(await orderOnline(hubUrl, order))) {
      if (Date.now() > deadline) throw new Error('the website refused the order');
      await sleep(1000);
    }
  }
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  await expect
    .poll(
      async () =>
        (
          await call<{ total: { received: number; byChannel: { web: number } } }>({
            url: `${hubUrl}/api/reports/orders?level=country&period=day&from=${today}&to=${today}`,
            token: HUB_TOKEN,
          })
        ).total.byChannel.web,
      { timeout: 90_000, interval: 500 },
    )
    .toBe(ORDERS.length);

  // The hub's administrator makes the analyst.
  const admin = await call<{ token: string }>({
    url: `${hubUrl}/api/auth/login`,
    token: '',
    body: { username: 'admin', password: HUB_ADMIN_PASSWORD },
  });
  await call({
    url: `${hubUrl}/api/users`,
    token: admin.token,
    body: { ...ANALYST, role: 'central_office', scope: { level: 'country' } },
  });

  // ── The analyst at the hub's console. ──────────────────────────────────────────────────────────────
  const context = await browser!.newContext({
    viewport: { width: 1366, height: 900 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') browserErrors.push(message.text());
  });
  page.on('pageerror', (error) => browserErrors.push(error.message));
  await page.goto(`${hubUrl}/console/`);
  await expect
    .poll(() => page.locator('h2').first().textContent(), { timeout: 20_000 })
    .toBe('中心工作人员登录');
  await page.getByLabel('用户名').fill(ANALYST.username);
  await page.getByLabel('密码').fill(ANALYST.password);
  await page.getByRole('button', { name: '登录' }).click();

  const dashboard = page.getByTestId('dashboard');
  await dashboard.waitFor({ timeout: 20_000 });
  expect(await page.getByTestId('hub-user').textContent()).toContain('中心分析员');
  const figure = (key: string) => page.getByTestId(`figure-${key}`).locator('dd');
  await expect.poll(() => figure('received').textContent(), { timeout: 20_000 }).toBe(String(ORDERS.length));
  expect(await figure('web').textContent()).toBe(String(ORDERS.length));
  expect(await figure('call').textContent()).toBe('0');
  // Nothing dispatched yet: the rates have nothing to divide by, shown as —, not 0.
  expect(await figure('completionRate').textContent()).toBe('—');
  expect(await figure('satisfactionRate').textContent()).toBe('—');
  expect(await page.getByTestId('report-notes').textContent()).toContain('不含话务指标');
  await page.getByTestId('trend-chart').locator('canvas').first().waitFor();

  const rows = page.getByTestId('region-row');
  const crumbs = page.getByTestId('breadcrumb').locator('li');
  // Country → province, by mouse on the row.
  await expect.poll(() => rows.first().getAttribute('data-code'), { timeout: 20_000 }).toBe('330000');
  expect(await rows.first().locator('th').textContent()).toContain('浙江省');
  await rows.first().click();
  await expect.poll(() => crumbs.allTextContents(), { timeout: 20_000 }).toEqual(['全国', '浙江省']);
  // Province → city, by keyboard: the region's button takes the focus and Enter.
  await expect.poll(() => rows.first().getAttribute('data-code'), { timeout: 20_000 }).toBe('330100');
  await rows.first().getByRole('button').focus();
  await page.keyboard.press('Enter');
  await expect
    .poll(() => crumbs.allTextContents(), { timeout: 20_000 })
    .toEqual(['全国', '浙江省', '杭州市']);
  await expect.poll(() => rows.first().getAttribute('data-code'), { timeout: 20_000 }).toBe(COUNTY);
  expect((await rows.first().locator('th').textContent())?.trim()).toBe('西湖区');
  expect(await figure('received').textContent()).toBe(String(ORDERS.length));
  await page.getByTestId('region-chart').locator('canvas').first().waitFor();
  await page.getByTestId('category-chart').locator('canvas').first().waitFor();
  await page.waitForTimeout(300);
  await page.screenshot({ path: screenshot, fullPage: true });
  await page.screenshot({ path: join(artifacts, 'central-office-1-city.png'), fullPage: true });
  // City → county: the lowest level, no regions below.
  await rows.first().click();
  await expect
    .poll(() => crumbs.allTextContents(), { timeout: 20_000 })
    .toEqual(['全国', '浙江省', '杭州市', '西湖区']);
  await expect.poll(() => dashboard.textContent(), { timeout: 20_000 }).toContain('已是区县一级');
  expect(await figure('received').textContent()).toBe(String(ORDERS.length));
  await page.screenshot({ path: join(artifacts, 'central-office-2-county.png'), fullPage: true });

  // Back up by the breadcrumb, then Esc one level up from the province.
  await crumbs.nth(1).getByRole('button').click();
  await expect.poll(() => crumbs.allTextContents(), { timeout: 20_000 }).toEqual(['全国', '浙江省']);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Escape');
  await expect.poll(() => crumbs.allTextContents(), { timeout: 20_000 }).toEqual(['全国']);

  // The table as CSV: the hub's file, with its Chinese header.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-csv').click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^orders_province_all_day_.*\.csv$/);
  const csv = await readFile(await download.path(), 'utf8');
  expect(csv.replace(/^\uFEFF/, '').split('\r\n')[0]).toMatch(
    /^地区代码,地区,期间,受理量,电话,短信,网站,来访/,
  );
  expect(csv).toContain('浙江省');

  // English is one choice away.
  await page.getByLabel('语言').selectOption('en');
  await expect
    .poll(() => page.getByTestId('figure-received').locator('dt').textContent(), { timeout: 10_000 })
    .toBe('Orders received');

  expect(browserErrors.filter((text) => !/favicon/.test(text))).toEqual([]);
  await context.close();
}, 300_000);

test('the administrator at the hub sees the appliances and the accounts, and makes an account', async () => {
  const { hubUrl } = centre!;
  const browserErrors: string[] = [];
  onTestFailed(() => console.error(`---- browser ----\n${browserErrors.join('\n')}`));
  const context = await browser!.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => browserErrors.push(error.message));
  await page.goto(`${hubUrl}/console/`);
  await page.getByLabel('用户名').fill('admin');
  await page.getByLabel('密码').fill(HUB_ADMIN_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByTestId('dashboard').waitFor({ timeout: 20_000 });

  // The appliances: the county's, enrolled and in contact.
  await page.getByRole('button', { name: '区县设备' }).click();
  const appliances = page.getByTestId('appliances');
  await expect.poll(() => appliances.locator('tbody tr').count(), { timeout: 20_000 }).toBe(1);
  expect(await appliances.locator('tbody tr').first().textContent()).toContain('西湖区');
  await page.screenshot({ path: join(artifacts, 'central-office-3-appliances.png'), fullPage: true });

  // The accounts: the analyst made over the API, and one made here with the form.
  await page.getByRole('button', { name: '账号' }).click();
  const users = page.getByTestId('users');
  await expect
    .poll(() => users.locator('tbody').textContent(), { timeout: 20_000 })
    .toContain(ANALYST.username);
  await users.getByLabel('用户名').fill('tech1');
  await users.getByLabel('姓名').fill('赵技术');
  await users.getByLabel('初始密码（至少 10 位）').fill('tech-password-1');
  await users.getByLabel('角色').selectOption('technician');
  await users.getByLabel('范围级别').selectOption('province');
  await users.getByLabel('地区代码').fill('330000');
  await users.getByRole('button', { name: '创建' }).click();
  await expect.poll(() => users.getByRole('status').textContent(), { timeout: 10_000 }).toContain('tech1');
  // The list is read again after the creation: the new row comes a moment after the notice.
  await expect.poll(() => users.locator('tbody').textContent(), { timeout: 10_000 }).toContain('省 330000');
  await page.screenshot({ path: join(artifacts, 'central-office-4-accounts.png'), fullPage: true });
  expect(browserErrors).toEqual([]);
  await context.close();
}, 120_000);

/** A real 1×1 PNG: the photo of the applicant's premises. */
const PREMISES_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const APPLICANT = '西湖安心家政服务有限公司';
const OFFICER = { username: 'registry1', password: 'registry-password-1', displayName: '钱审核' };

test('a registry officer reviews an application with its documents, approves and activates it; a disabled officer cannot sign in', async () => {
  const { hubUrl } = centre!;
  const browserErrors: string[] = [];
  onTestFailed(() => {
    console.error(`---- hub ----\n${centre!.hub.output().slice(-8000)}`);
    console.error(`---- browser ----\n${browserErrors.join('\n')}`);
  });

  // The company applies on the centre's website with its licence (PDF) and a photo of its premises (PNG).
  const form = new FormData();
  for (const [name, value] of [
    ['kind', 'enterprise'],
    ['name', APPLICANT],
    ['licenceNumber', '91330106MA27XL0R2J'],
    ['contactName', '陈经理'],
    ['contactPhone', '0571-8888 6666'],
    ['items', 'FAM-CLEANING'],
    ['counties', COUNTY],
  ])
    form.append(name as string, value);
  form.append('documents', new Blob([new TextEncoder().encode('%PDF-1.7\n营业执照\n%%EOF')]), '营业执照.pdf');
  form.append('documents', new Blob([PREMISES_PNG]), '门店照片.png');
  const applied = await fetch(`${hubUrl}/join`, { method: 'POST', body: form, redirect: 'manual' });
  expect(applied.status).toBe(303);

  const admin = await sessionToken(hubUrl, { username: 'admin', password: HUB_ADMIN_PASSWORD });
  await call({
    url: `${hubUrl}/api/users`,
    token: admin,
    body: { ...OFFICER, role: 'registry_officer', scope: { level: 'country' } },
  });

  const context = await browser!.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => browserErrors.push(error.message));
  await page.goto(`${hubUrl}/console/`);
  await page.getByLabel('用户名').fill(OFFICER.username);
  await page.getByLabel('密码').fill(OFFICER.password);
  await page.getByRole('button', { name: '登录' }).click();

  // The applications waiting for review; the officer opens this one.
  const registry = page.getByTestId('registry');
  await registry.waitFor({ timeout: 20_000 });
  await expect
    .poll(() => registry.getByTestId('registry-row').filter({ hasText: APPLICANT }).count(), {
      timeout: 20_000,
    })
    .toBe(1);
  await page.getByRole('button', { name: `打开 ${APPLICANT} 的审核页` }).click();
  const review = page.getByTestId('registry-review');
  await review.waitFor({ timeout: 20_000 });
  const status = review.getByTestId('review-status');
  expect(await status.textContent()).toContain('已申请');

  // The uploaded photo, read from the hub with the officer's session.
  await review.getByRole('button', { name: '查看 门店照片.png' }).click();
  await review.getByTestId('registry-document').locator('img').waitFor({ timeout: 10_000 });

  await review.getByRole('button', { name: '开始审核' }).click();
  await expect.poll(() => status.textContent(), { timeout: 20_000 }).toContain('审核中');
  // Approval needs every check and an agreement: refused in the form first, nothing sent.
  await review.getByRole('button', { name: '批准', exact: true }).click();
  await review.getByTestId('registry-submit').click();
  await expect
    .poll(() => review.getByRole('alert').allTextContents(), { timeout: 10_000 })
    .toContain('请先逐项核对并勾选全部审核项。');
  for (const box of await review.locator('input[data-check]').all()) await box.check();
  await review.locator('[data-field=number]').fill('QA-2026-0001');
  await review.getByTestId('registry-submit').click();
  await expect.poll(() => status.textContent(), { timeout: 20_000 }).toContain('已批准');
  await review.getByRole('button', { name: '启用', exact: true }).click();
  await expect.poll(() => status.textContent(), { timeout: 20_000 }).toContain('已启用');
  // The log names the officer, who signed each step through the hub.
  await expect
    .poll(() => review.getByTestId('registry-log').textContent(), { timeout: 10_000 })
    .toContain(OFFICER.username);
  await page.screenshot({ path: join(root, 'docs', 'screenshots', 'registry-review.png'), fullPage: true });

  // The enterprise is in the registry the counties dispatch from: active at the hub.
  const list = await call<{ enterprises: { name: string; status: string }[] }>({
    url: `${hubUrl}/api/registry/enterprises?q=${encodeURIComponent(APPLICANT)}`,
    token: admin,
  });
  expect(list.enterprises.map((e) => [e.name, e.status])).toEqual([[APPLICANT, 'active']]);

  // The officer changes their own password in the console.
  await page.getByTestId('change-password-open').click();
  const dialog = page.getByTestId('change-password');
  await dialog.getByLabel('当前密码').fill(OFFICER.password);
  await dialog.getByLabel('新密码（至少 10 位）').fill('registry-password-2');
  await dialog.getByLabel('再次输入新密码').fill('registry-password-2');
  await dialog.getByRole('button', { name: '修改密码' }).click();
  await expect.poll(() => dialog.getByRole('status').textContent(), { timeout: 10_000 }).toBe('密码已修改。');
  await context.close();

  // The administrator disables the officer: the new password no longer signs in.
  await call({
    url: `${hubUrl}/api/users/${OFFICER.username}/disable`,
    token: admin,
    body: { reason: '调岗' },
  });
  const refused = await fetch(`${hubUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: OFFICER.username, password: 'registry-password-2' }),
  });
  expect(refused.status).toBe(403);
  expect(browserErrors).toEqual([]);
}, 180_000);

const INSPECTOR = { username: 'inspector1', password: 'inspector-password-1', displayName: '孙督查' };

test('a complaint is assigned, its recording asked of the county (the listen logged), and decided with a refund that costs the enterprise credit', async () => {
  const { hubUrl } = centre!;
  const browserErrors: string[] = [];
  onTestFailed(() => {
    console.error(`---- hub ----\n${centre!.hub.output().slice(-8000)}`);
    console.error(`---- browser ----\n${browserErrors.join('\n')}`);
  });
  const admin = await sessionToken(hubUrl, { username: 'admin', password: HUB_ADMIN_PASSWORD });
  await call({
    url: `${hubUrl}/api/users`,
    token: admin,
    body: { ...INSPECTOR, role: 'quality_inspector', scope: { level: 'country' } },
  });
  // A price complaint phoned in to the centre about the enterprise the registry officer activated, citing a
  // call the county's appliance never recorded.
  const [enterprise] = (
    await call<{ enterprises: { id: string; name: string }[] }>({
      url: `${hubUrl}/api/registry/enterprises?q=${encodeURIComponent(APPLICANT)}`,
      token: admin,
    })
  ).enterprises;
  if (!enterprise) throw new Error(`the registry has no ${APPLICANT}`);
  const filed = await call<{ complaint: { recordId: string } }>({
    url: `${hubUrl}/api/complaints`,
    token: admin,
    body: {
      countyCode: COUNTY,
      kind: 'price',
      source: 'call',
      description: '保洁结束后加收 50 元“耗材费”，事先未告知',
      enterpriseId: enterprise.id,
      enterpriseName: enterprise.name,
      citizenName: '冯女士',
      citizenPhone: '13800130031',
      evidence: [{ kind: 'recording', countyCode: COUNTY, callId: 'call-never-recorded' }],
    },
  });
  const { recordId } = filed.complaint;

  const context = await browser!.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => browserErrors.push(error.message));
  const logIn = async (user: { username: string; password: string }) => {
    await page.goto(`${hubUrl}/console/`);
    await page.getByLabel('用户名').fill(user.username);
    await page.getByLabel('密码').fill(user.password);
    await page.getByRole('button', { name: '登录' }).click();
  };

  // The administrator assigns it to the inspector from the hub's arbitrators.
  await logIn({ username: 'admin', password: HUB_ADMIN_PASSWORD });
  await page.getByRole('button', { name: '投诉仲裁' }).click();
  const complaints = page.getByTestId('complaints');
  await complaints.waitFor({ timeout: 20_000 });
  const row = complaints.getByTestId('complaint-row').filter({ hasText: recordId.slice(-8) });
  await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(1);
  expect(await row.getByTestId('complaint-limit').textContent()).toContain('7');
  await page.locator(`[data-record="${recordId}"]`).click();
  const review = page.getByTestId('complaint-review');
  await review.waitFor({ timeout: 20_000 });
  await review.locator('[data-action=assign]').click();
  await review.locator('select[data-field=assignee]').selectOption(`hub:${INSPECTOR.username}`);
  await review.getByTestId('complaint-submit').click();
  await expect
    .poll(() => review.getByTestId('complaint-status').textContent(), { timeout: 20_000 })
    .toContain('已分派');
  await page.getByRole('button', { name: '退出登录' }).click();

  // The inspector finds it among theirs, asks the county for the recording (none there), and decides.
  await logIn(INSPECTOR);
  await complaints.waitFor({ timeout: 20_000 });
  await complaints.getByTestId('complaint-mine-filter').check();
  await expect.poll(() => complaints.getByTestId('complaint-row').count(), { timeout: 20_000 }).toBe(1);
  await page.locator(`[data-record="${recordId}"]`).click();
  await review.waitFor({ timeout: 20_000 });
  // The screen says, before any listen, that each one is logged.
  await review.getByTestId('complaint-listen-logged').waitFor({ timeout: 20_000 });
  await review.getByTestId('complaint-listen').click();
  await expect
    .poll(() => review.getByTestId('complaint-recording-problem').textContent(), { timeout: 30_000 })
    .toContain('找不到这通电话的录音');
  // The ask went through the county's appliance and was logged at the hub with the complaint as purpose.
  const log = await call<{
    entries: { purpose: string; callId: string; username: string; status: number }[];
  }>({
    url: `${hubUrl}/api/recordings/access-log?countyCode=${COUNTY}`,
    token: admin,
  });
  expect(
    log.entries.filter((e) => e.purpose === recordId).map((e) => [e.callId, e.username, e.status]),
  ).toEqual([['call-never-recorded', INSPECTOR.username, 404]]);

  await review.locator('[data-action=decide]').click();
  await review.locator('select[data-field=outcome]').selectOption('refund');
  await review.locator('[data-field=refundYuan]').fill('50');
  await review.locator('[data-field=reason]').fill('耗材费未事先告知，退还');
  await review.getByTestId('complaint-submit').click();
  await expect
    .poll(() => review.getByTestId('complaint-status').textContent(), { timeout: 20_000 })
    .toContain('已裁决');
  expect(await review.getByTestId('complaint-outcome').textContent()).toContain('50.00');
  await page.screenshot({
    path: join(root, 'docs', 'screenshots', 'complaint-arbitration.png'),
    fullPage: true,
  });
  expect(browserErrors).toEqual([]);
  await context.close();

  // The upheld complaint (a refund costs 5 of the 25 complaint points) is in the enterprise's credit.
  await expect
    .poll(
      async () => {
        const detail = await call<{ credit: { components: { key: string; points: number }[] } | null }>({
          url: `${hubUrl}/api/registry/enterprises/${encodeURIComponent(enterprise.id)}`,
          token: admin,
        });
        return detail.credit?.components.find((c) => c.key === 'complaints')?.points;
      },
      { timeout: 40_000, interval: 2_000 },
    )
    .toBe(20);
}, 180_000);

const TRAINER = { username: 'trainer1', password: 'trainer-password-1', displayName: '周培训' };
const WORKER_ID_NUMBER = '11010519491231002X';

/** YYYY-MM-DD of the day before today, in China time (the console's date inputs are China dates). */
function yesterdayInChina(): string {
  return new Date(Date.now() + 8 * 3_600_000 - 86_400_000).toISOString().slice(0, 10);
}

test('a new worker is registered, trained on a pre-post course and passes the training gate, which reaches the county', async () => {
  const { hubUrl, applianceUrl } = centre!;
  const browserErrors: string[] = [];
  onTestFailed(() => {
    console.error(`---- hub ----\n${centre!.hub.output().slice(-8000)}`);
    console.error(`---- browser ----\n${browserErrors.join('\n')}`);
  });
  const admin = await sessionToken(hubUrl, { username: 'admin', password: HUB_ADMIN_PASSWORD });
  await call({
    url: `${hubUrl}/api/users`,
    token: admin,
    body: { ...TRAINER, role: 'registry_officer', scope: { level: 'country' } },
  });
  const [enterprise] = (
    await call<{ enterprises: { id: string; name: string }[] }>({
      url: `${hubUrl}/api/registry/enterprises?q=${encodeURIComponent(APPLICANT)}`,
      token: admin,
    })
  ).enterprises;
  if (!enterprise) throw new Error(`the registry has no ${APPLICANT}`);

  const context = await browser!.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => browserErrors.push(error.message));
  await page.goto(`${hubUrl}/console/`);
  await page.getByLabel('用户名').fill(TRAINER.username);
  await page.getByLabel('密码').fill(TRAINER.password);
  await page.getByRole('button', { name: '登录' }).click();

  // The enterprise brings in a new worker: registered with her identity number, shown masked, not dispatchable.
  await page.getByTestId('registry').waitFor({ timeout: 20_000 });
  // The list opens on the applications waiting for review; this enterprise is active.
  await page.getByTestId('registry-status').selectOption('active');
  await page.getByRole('button', { name: `打开 ${APPLICANT} 的审核页` }).click();
  const review = page.getByTestId('registry-review');
  await review.waitFor({ timeout: 20_000 });
  await review.getByTestId('worker-name').fill('钱阿姨');
  await review.getByTestId('worker-id-number').fill('110105194912310021');
  await review.getByTestId('worker-register').click();
  await expect
    .poll(() => review.getByTestId('worker-form').getByRole('alert').allTextContents(), { timeout: 10_000 })
    .toContain('身份证号无效：请核对 18 位号码（校验位或出生日期不对）。');
  await review.getByTestId('worker-id-number').fill(WORKER_ID_NUMBER);
  await review.getByTestId('worker-register').click();
  const workerRow = review.getByTestId('registry-workers').locator('tr').filter({ hasText: '钱阿姨' });
  await expect.poll(() => workerRow.count(), { timeout: 20_000 }).toBe(1);
  expect(await workerRow.textContent()).toContain('110105********002X');
  // The roster is the hub's projection of the worker records: it has her within a catch-up.
  const fromRoster = async () =>
    (
      await call<{ workers: { id: string; name: string; dispatchable: boolean }[] }>({
        url: `${hubUrl}/api/registry/workers?enterpriseId=${encodeURIComponent(enterprise.id)}`,
        token: admin,
      })
    ).workers.find((w) => w.name === '钱阿姨');
  await expect
    .poll(async () => (await fromRoster()) !== undefined, { timeout: 30_000, interval: 1_000 })
    .toBe(true);
  const worker = await fromRoster();
  if (!worker) throw new Error('the registered worker is not in the roster');
  expect(worker.dispatchable).toBe(false);
  // The full number is the registry's to read, and each reading is logged at the hub.
  await review.getByTestId(`worker-reveal-${worker.id}`).click();
  await expect
    .poll(() => review.getByTestId(`worker-id-${worker.id}`).textContent(), { timeout: 10_000 })
    .toBe(WORKER_ID_NUMBER);

  // The enterprise now also serves 上城区 and hourly cleaning: the officer changes its services.
  await review.getByTestId('services-open').click();
  await review.getByTestId('services-county-search').fill('上城');
  await review.getByTestId('services-county-add-330102').click();
  await review.getByTestId('services-item-FAM-HOURLY').check();
  await review.getByTestId('services-submit').click();
  await expect
    .poll(() => review.getByRole('status').allTextContents(), { timeout: 20_000 })
    .toContain('服务范围已更新：2 项服务，2 个区县。');
  const changed = await call<{ enterprise: { items: string[]; counties: string[] } }>({
    url: `${hubUrl}/api/registry/enterprises/${encodeURIComponent(enterprise.id)}`,
    token: admin,
  });
  expect([changed.enterprise.items.sort(), changed.enterprise.counties.sort()]).toEqual([
    ['FAM-CLEANING', 'FAM-HOURLY'],
    ['330102', '330106'],
  ]);

  // The centre's pre-post course, held yesterday (recorded after the fact): scheduled, she is enrolled.
  await page.getByRole('button', { name: '培训与讲座' }).click();
  await page.getByTestId('training-schedule-open').click();
  await page.getByTestId('course-kind').selectOption('pre_post');
  await page.getByTestId('course-code').fill('GQPX-E2E-01');
  await page.getByTestId('course-name').fill('家政服务员岗前培训');
  await page.getByTestId('course-hours').fill('7');
  await page.getByTestId('course-pass-mark').fill('60');
  await page.getByTestId('course-capacity').fill('30');
  await page.getByTestId('course-venue').fill('西湖区家政服务中心培训室');
  await page.getByTestId('course-trainer').fill('王老师');
  await page.getByTestId('course-session-date-0').fill(yesterdayInChina());
  await page.getByTestId('course-session-start-0').fill('09:00');
  await page.getByTestId('course-session-end-0').fill('16:00');
  await page.getByTestId('course-schedule-submit').click();
  const course = page.getByTestId('course-review');
  await course.waitFor({ timeout: 20_000 });
  await course.getByTestId('course-enrol-enterprise').selectOption(enterprise.id);
  await course.getByTestId('course-enrol-worker').selectOption(worker.id);
  await course.getByTestId('course-enrol-submit').click();
  const participant = course.locator(`[data-testid=participant-row][data-participant-id="${worker.id}"]`);
  await participant.waitFor({ timeout: 20_000 });

  // Present at the session, 88 in the exam, the course completed: the training is on her record.
  // 全部出勤: the session's register in one act.
  await course.getByTestId('attendance-all-0').click();
  await expect
    .poll(() => course.getByTestId(`attendance-${worker.id}-0`).getAttribute('data-state'), {
      timeout: 20_000,
    })
    .toBe('present');
  await course.getByTestId(`score-${worker.id}`).fill('88');
  await course.getByTestId(`score-${worker.id}`).press('Enter');
  // Recorded: the row marks the score against the pass mark (an input's value is not its text).
  await expect.poll(() => participant.textContent(), { timeout: 20_000 }).toMatch(/≥\s*60/);
  await course.getByTestId('course-complete').click();
  await course.getByTestId('course-complete-confirm').click();
  await expect
    .poll(() => course.getByTestId(`issuance-${worker.id}`).textContent(), { timeout: 30_000 })
    .toContain('合格');
  await expect
    .poll(() => course.getByTestId('course-history').textContent(), { timeout: 10_000 })
    .toContain(TRAINER.username);
  await page.screenshot({ path: join(root, 'docs', 'screenshots', 'training-course.png'), fullPage: true });
  expect(browserErrors).toEqual([]);
  await context.close();

  // The training gate at the hub: dispatchable now.
  await expect
    .poll(
      async () =>
        (
          await call<{ workers: { id: string; dispatchable: boolean }[] }>({
            url: `${hubUrl}/api/registry/workers?enterpriseId=${encodeURIComponent(enterprise.id)}`,
            token: admin,
          })
        ).workers.find((w) => w.id === worker.id)?.dispatchable,
      { timeout: 20_000 },
    )
    .toBe(true);
  // And in the county: the worker record at its appliance is the hub's, training included, byte for byte.
  const prefix = encodeURIComponent(worker.id);
  await expect
    .poll(
      async () => {
        const [atAppliance, atHub] = await Promise.all([
          call<{ records: Record<string, string> }>({
            url: `${applianceUrl}/api/sync/digest?prefix=${prefix}`,
            token: APPLIANCE_TOKEN,
          }),
          call<{ records: Record<string, string> }>({
            url: `${hubUrl}/api/sync/digest?prefix=${prefix}`,
            token: HUB_TOKEN,
          }),
        ]);
        return (
          Object.keys(atHub.records).length === 1 &&
          JSON.stringify(atAppliance.records) === JSON.stringify(atHub.records)
        );
      },
      { timeout: 30_000, interval: 1_000 },
    )
    .toBe(true);
}, 180_000);
