import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import type { HubOperations } from '../../ports/hub-operations';
import type {
  PublicEnterprise,
  PublicSiteSource,
  WebComplaintRequest,
  WebOrderRequest,
} from '../../ports/public-site-source';
import { JsonLinesSubmissionStore } from '../files/json-lines-submission-store';
import { createHubHttpApp, ENDPOINTS, type ErrorBody } from './http-app';
import { forwardedClientAddress } from './site-routes';

const token = 'test-admin-token-0123456789';
const auth = { authorization: `Bearer ${token}` };
const formType = { 'content-type': 'application/x-www-form-urlencoded' };
const hostile = '<script>alert(1)</script>"\'&';
const escaped = '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;';
const now = Date.UTC(2026, 10, 29, 4, 0, 0); // 2026-11-29 12:00 in Beijing

const enterprises: PublicEnterprise[] = [
  {
    id: 'enterprise:hub:01JBQ5M8X00000000000000001',
    name: '西湖家政 <i>',
    kind: 'enterprise',
    status: 'active',
    items: ['FAM-CLEANING'],
    counties: ['330106'],
  },
  {
    id: 'enterprise:hub:01JBQ5M8X00000000000000002',
    name: '阿福家政',
    kind: 'volunteer',
    status: 'warned',
    items: ['ELD-VISIT'],
    counties: ['330108'],
  },
];

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function makeApp(options: { rateLimit?: { limit: number; windowMs: number } } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'jz-site-'));
  dirs.push(dir);
  const orders: WebOrderRequest[] = [];
  const complaints: WebComplaintRequest[] = [];
  const source: PublicSiteSource = {
    receiveWebComplaint: (complaint) => {
      complaints.push(complaint);
      return Promise.resolve({ recordId: 'complaint:hub:01JBQ5M8X00000000000ABCDEF' });
    },
    listRecommendedEnterprises: () => Promise.resolve(enterprises),
    listOrderCounties: () => Promise.resolve(['330106', '330108']),
    receiveApplication: () => Promise.reject(new Error('applications are tested in site-join.test.ts')),
    receiveWebOrder: (order) => {
      orders.push(order);
      return Promise.resolve({
        recordId: `order:${order.countyCode}:01JBQ5M8X0000000000ABCDEFG`,
        proposalId: 'p1',
      });
    },
  };
  const hub = { identity: () => ({ deviceId: 'hub-1', directoryId: 'd' }) } as unknown as HubOperations;
  const submissions = new JsonLinesSubmissionStore({ dir, logger: { error: () => {} } });
  const app = createHubHttpApp({
    hub,
    adminToken: token,
    logger: { info: () => {}, error: () => {} },
    site: { source, submissions, now: () => now, rateLimit: options.rateLimit, hotline: '96345' },
  });
  return { app, orders, complaints, submissions, dir };
}

/** Sent from a socket address, as @hono/node-server passes it in the env. */
const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });

function post(
  app: Awaited<ReturnType<typeof makeApp>>['app'],
  path: string,
  fields: Record<string, string>,
  address = '203.0.113.1',
) {
  return app.request(
    path,
    { method: 'POST', headers: formType, body: new URLSearchParams(fields).toString() },
    from(address),
  );
}

const goodOrder = {
  name: '王女士',
  phone: '138 1234 5678',
  countyCode: '330106',
  itemCode: 'FAM-CLEANING',
  address: '文三路 100 号 3 单元',
  wantedDate: '2026-12-01',
  notes: '请上午来\r\n谢谢',
};

const goodComplaint = {
  name: '李先生',
  phone: '0571-88886666',
  countyCode: '330108',
  enterpriseId: enterprises[0]?.id ?? '',
  enterpriseName: '',
  kind: 'quality',
  description: '保洁没有按约定完成厨房清洁。',
};

test('every page renders in Chinese by default and in English with ?lang=en, with a strict CSP', async () => {
  const { app } = await makeApp();
  for (const path of ['/', '/services', '/enterprises', '/order', '/complaint', '/announcements']) {
    const zh = await app.request(path, { headers: { accept: 'text/html' } });
    expect(zh.status, path).toBe(200);
    expect(zh.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = zh.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const zhBody = await zh.text();
    expect(zhBody).toContain('<html lang="zh-CN">');
    expect(zhBody).toContain('家政服务网络中心');
    expect(zhBody).not.toContain('<script');
    const en = await (await app.request(`${path}?lang=en`)).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('Domestic Service Network Centre');
    expect(en).toContain('href="/services?lang=en"');
  }
  expect((await app.request('/site.css')).headers.get('content-type')).toMatch(/^text\/css/);
  const home = await (await app.request('/')).text();
  expect(home).toContain('96345');
  const services = await (await app.request('/services')).text();
  expect(services).toContain('家庭保洁');
  expect(services).toMatch(/¥\d+\.\d{2}/);
  expect(services).toContain('岗前培训合格');
  const enterprisesPage = await (await app.request('/enterprises')).text();
  expect(enterprisesPage).toContain('西湖家政 &lt;i&gt;');
  expect(enterprisesPage).toContain('浙江省杭州市西湖区');
  expect(enterprisesPage).toContain('警告中');
  const order = await (await app.request('/order')).text();
  expect(order).toMatch(/<option value="330106"\s*>\s*浙江省杭州市西湖区\s*<\/option>/);
  // Information items are answered on the phone: only dispatched ones can be ordered.
  expect(order).toContain('value="FAM-CLEANING"');
  expect(order).not.toContain('value="INF-');
});

test('GET / still answers the JSON index to a client asking for JSON; GET /api needs the token', async () => {
  const { app } = await makeApp();
  const index = await app.request('/', { headers: { accept: 'application/json' } });
  expect(await index.json()).toMatchObject({ endpoints: ENDPOINTS });
  expect((await app.request('/api')).status).toBe(401);
  expect(await (await app.request('/api', { headers: auth })).json()).toMatchObject({ endpoints: ENDPOINTS });
});

test('a valid order is proposed for its county and answered by a redirect to its reference', async () => {
  const { app, orders } = await makeApp();
  const response = await post(app, '/order?lang=en', goodOrder);
  expect(response.status).toBe(303);
  expect(response.headers.get('location')).toBe('/order/done?ref=0ABCDEFG&county=330106&lang=en');
  expect(orders).toEqual([
    {
      countyCode: '330106',
      citizenName: '王女士',
      citizenPhone: '+8613812345678',
      itemCode: 'FAM-CLEANING',
      address: '文三路 100 号 3 单元',
      // 2026-12-01 00:00 in Beijing.
      wantedAt: Date.UTC(2026, 10, 30, 16, 0, 0),
      notes: '请上午来\n谢谢',
    },
  ]);
  const done = await (await app.request('/order/done?ref=0ABCDEFG&county=330106')).text();
  expect(done).toContain('0ABCDEFG');
  expect(done).toContain('浙江省杭州市西湖区');
  expect(done).toContain('所在区县的服务中心将确认');
  const forged = await (await app.request(`/order/done?ref=${encodeURIComponent(hostile)}&county=x`)).text();
  expect(forged).not.toContain('alert');
});

test('validation names each field, keeps what was typed (escaped) and proposes nothing', async () => {
  const { app, orders } = await makeApp();
  const response = await post(app, '/order', {
    ...goodOrder,
    name: hostile,
    phone: '12',
    countyCode: '110101',
    itemCode: 'INF-POLICY',
    address: hostile,
    wantedDate: '2026-02-31',
  });
  expect(response.status).toBe(400);
  const body = await response.text();
  expect(body).not.toContain('<script>');
  expect(body).toContain(`value="${escaped}"`);
  for (const field of ['phone', 'countyCode', 'itemCode', 'wantedDate']) {
    expect(body, field).toContain(`data-field="${field}"`);
  }
  // Markup in a name or an address is only text: allowed, and shown escaped.
  expect(body).not.toContain('data-field="name"');
  expect(body).not.toContain('data-field="address"');
  expect(body).toContain('不是有效的电话号码');
  const english = await (await post(app, '/order?lang=en', { ...goodOrder, phone: 'abc' })).text();
  expect(english).toContain('not a valid phone number');
  expect(english).not.toContain('不是有效的电话号码');
  for (const wantedDate of ['2026-11-28', '2027-06-01', '1.12.2026']) {
    const late = await (await post(app, '/order', { ...goodOrder, wantedDate }, '203.0.113.2')).text();
    expect(late, wantedDate).toContain('data-field="wantedDate"');
  }
  expect(orders).toEqual([]);
});

test('hostile bodies get a 4xx, never a crash', async () => {
  const { app, orders } = await makeApp({ rateLimit: { limit: 100, windowMs: 60_000 } });
  const huge = await app.request('/order', {
    method: 'POST',
    headers: formType,
    body: `name=${'a'.repeat(40_000)}`,
  });
  expect(huge.status).toBe(413);
  // 10,000 Chinese characters are 90 KB percent-encoded: over the body limit before any parsing.
  expect((await post(app, '/order', { ...goodOrder, name: '名'.repeat(10_000) })).status).toBe(413);
  const json = await app.request('/order', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(goodOrder),
  });
  expect(json.status).toBe(415);
  expect(((await json.json()) as ErrorBody).error.field).toBe('content-type');
  const multipart = await app.request('/complaint', { method: 'POST', body: new FormData() });
  expect(multipart.status).toBe(415);

  const cases: Array<[Record<string, string>, string]> = [
    [{ ...goodOrder, name: '王\u0000女士' }, 'name'],
    [{ ...goodOrder, address: '文三路\u202e001' }, 'address'],
    [{ ...goodOrder, name: 'a'.repeat(10_000) }, 'name'],
    [{ ...goodOrder, notes: 'x'.repeat(501) }, 'notes'],
    [{ ...goodOrder, address: 'a\nb' + 'c'.repeat(10) }, 'address'],
  ];
  for (const [fields, field] of cases) {
    const response = await post(app, '/order', fields);
    expect(response.status, field).toBe(400);
    const body = await response.text();
    expect(body, field).toContain(`data-field="${field}"`);
    expect(body.length).toBeLessThan(200_000);
  }
  // A field given twice is refused, not silently chosen.
  const twice = await app.request(
    '/order',
    {
      method: 'POST',
      headers: formType,
      body: `${new URLSearchParams(goodOrder).toString()}&countyCode=330108`,
    },
    from('203.0.113.1'),
  );
  expect(twice.status).toBe(400);
  expect(await twice.text()).toContain('data-field="countyCode"');
  const garbage = await app.request(
    '/order',
    { method: 'POST', headers: formType, body: '%%%&&==&name=%E0%A4%A' },
    from('203.0.113.1'),
  );
  expect(garbage.status).toBe(400);
  expect(orders).toEqual([]);
});

test('the honeypot field makes a post look accepted while nothing is kept', async () => {
  const { app, orders, complaints } = await makeApp();
  const order = await post(app, '/order', { ...goodOrder, website: 'http://spam.example' });
  expect(order.status).toBe(303);
  expect(order.headers.get('location')).toBe('/order/done');
  const complaint = await post(app, '/complaint', { ...goodComplaint, website: 'x' });
  expect(complaint.status).toBe(303);
  expect(orders).toEqual([]);
  expect(complaints).toEqual([]);
});

test('posts are limited per client address and form: 429 with Retry-After past the limit', async () => {
  const { app, orders } = await makeApp({ rateLimit: { limit: 5, windowMs: 600_000 } });
  for (let i = 0; i < 5; i++) expect((await post(app, '/order', goodOrder, '198.51.100.7')).status).toBe(303);
  const limited = await post(app, '/order', goodOrder, '198.51.100.7');
  expect(limited.status).toBe(429);
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(await limited.text()).toContain('提交过于频繁');
  // Invalid posts count too: validating is what a flood costs.
  expect((await post(app, '/order', { ...goodOrder, phone: 'x' }, '198.51.100.7')).status).toBe(429);
  // Another address, and another form from the same address, are counted apart.
  expect((await post(app, '/order', goodOrder, '198.51.100.8')).status).toBe(303);
  expect((await post(app, '/complaint', goodComplaint, '198.51.100.7')).status).toBe(303);
  // X-Forwarded-For is not trusted: it cannot buy a fresh allowance.
  const spoofed = await app.request(
    '/order',
    {
      method: 'POST',
      headers: { ...formType, 'x-forwarded-for': '192.0.2.99' },
      body: new URLSearchParams(goodOrder).toString(),
    },
    from('198.51.100.7'),
  );
  expect(spoofed.status).toBe(429);
  expect(orders).toHaveLength(6);
});

test('a complaint becomes a complaint record (its reference shown); refusals name each field', async () => {
  const { app, complaints } = await makeApp();
  const response = await post(app, '/complaint', {
    ...goodComplaint,
    enterpriseId: '',
    enterpriseName: hostile,
  });
  expect(response.status).toBe(303);
  // The reference is the record id's last eight characters.
  expect(response.headers.get('location')).toBe('/complaint/done?ref=00ABCDEF');
  expect(complaints).toEqual([
    {
      countyCode: '330108',
      citizenName: '李先生',
      citizenPhone: '+8657188886666',
      enterpriseId: null,
      enterpriseName: hostile,
      kind: 'quality',
      description: goodComplaint.description,
    },
  ]);
  const done = await (await app.request('/complaint/done?ref=00ABCDEF')).text();
  expect(done).toContain('00ABCDEF');
  const errors = await post(app, '/complaint', {
    ...goodComplaint,
    countyCode: '110101',
    enterpriseId: 'enterprise:hub:01JBQ5M8X00000000000000009',
    kind: 'other',
    description: 'short',
  });
  expect(errors.status).toBe(400);
  const body = await errors.text();
  for (const field of ['countyCode', 'enterpriseId', 'kind', 'description'])
    expect(body, field).toContain(`data-field="${field}"`);
  const neither = await (await post(app, '/complaint', { ...goodComplaint, enterpriseId: '' })).text();
  expect(neither).toContain('data-field="enterpriseName"');
  expect(complaints).toHaveLength(1);
});

test('the complaints the website kept in its file before complaint records are still listed, for admins only', async () => {
  const { app, submissions } = await makeApp();
  const kept = {
    id: '01JBQ5M8X0000000000000000K',
    receivedAt: now,
    name: '李先生',
    phone: '+8657188886666',
    enterpriseId: null,
    enterpriseName: hostile,
    kind: 'quality' as const,
    description: '保洁没有按约定完成厨房清洁。',
  };
  await submissions.appendComplaint({ complaint: kept });
  expect((await app.request('/api/public/complaints')).status).toBe(401);
  const listed = await app.request('/api/public/complaints?limit=5', { headers: auth });
  expect(await listed.json()).toEqual({ complaints: [kept] });
  const bad = await app.request('/api/public/complaints?limit=0', { headers: auth });
  expect(((await bad.json()) as ErrorBody).error.field).toBe('limit');
});

test('announcements: staff publish over the admin API; the pages show them escaped, with line breaks', async () => {
  const { app, dir } = await makeApp();
  const publish = (
    body: unknown,
    headers: Record<string, string> = { ...auth, 'content-type': 'application/json' },
  ) => app.request('/api/announcements', { method: 'POST', headers, body: JSON.stringify(body) });
  expect((await publish({ title: 't', body: 'b' }, { 'content-type': 'application/json' })).status).toBe(401);
  const created = await publish({ title: `春节安排 ${hostile}`, body: `第一行\n第二行 ${hostile}` });
  expect(created.status).toBe(201);
  const future = await publish({ title: '将来', body: '还没发布', publishedAt: '2027-01-01T09:00:00+08:00' });
  expect(future.status).toBe(201);
  for (const [body, field] of [
    [{ title: '', body: 'b' }, 'title'],
    [{ title: 't', body: 'b', publishedAt: 'tomorrow' }, 'publishedAt'],
    [{ title: 't', body: 'b', extra: 1 }, 'extra'],
    [{ title: 't\u0007', body: 'b' }, 'title'],
    [[], 'body'],
  ] as const) {
    const response = await publish(body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.field).toBe(field);
  }
  const form = await app.request('/api/announcements', {
    method: 'POST',
    headers: { ...auth, ...formType },
    body: 'title=x',
  });
  expect(form.status).toBe(415);

  for (const path of ['/', '/announcements']) {
    const page = await (await app.request(path)).text();
    expect(page).toContain(`春节安排 ${escaped}`);
    expect(page).toContain(`第一行<br />第二行 ${escaped}`);
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('将来');
  }
  // Kept on disk: a new store over the same directory reads them back.
  const again = new JsonLinesSubmissionStore({ dir });
  expect(await again.listAnnouncements({ limit: 10 })).toHaveLength(2);
});

test('behind trusted proxies the client is the rightmost forwarded address they did not add', async () => {
  const address = forwardedClientAddress({ trustedProxies: ['10.0.0.2', '::1'] });
  const { Hono } = await import('hono');
  const app = new Hono();
  app.get('/', (c) => c.text(address(c)));
  const ask = async (peer: string, forwarded?: string) =>
    (
      await app.request(
        '/',
        forwarded === undefined ? {} : { headers: { 'x-forwarded-for': forwarded } },
        from(peer),
      )
    ).text();
  expect(await ask('198.51.100.7', '192.0.2.1')).toBe('198.51.100.7');
  expect(await ask('::ffff:10.0.0.2', 'forged, 192.0.2.1')).toBe('192.0.2.1');
  expect(await ask('::1', '192.0.2.9, 10.0.0.2')).toBe('192.0.2.9');
  expect(await ask('10.0.0.2')).toBe('10.0.0.2');
});
