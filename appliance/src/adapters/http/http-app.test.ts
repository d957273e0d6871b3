import type { RecordReport } from '@jiazheng/sync/replica';
import { describe, expect, test } from 'vitest';
import { parseApplianceConfig } from '../../domain/appliance-config';
import type { Logger } from '../../ports/logger';
import type { SyncAdmin } from '../../ports/sync-admin';
import { createHttpApp, ENDPOINTS, MAX_BODY_BYTES, type ErrorBody } from './http-app';

const config = parseApplianceConfig({ env: {} });

function makeApp(options: { env?: Record<string, string>; logger?: Logger } = {}) {
  return createHttpApp({
    config: options.env ? parseApplianceConfig({ env: options.env }) : config,
    version: '9.9.9-test',
    logger: options.logger,
  });
}

const app = makeApp();

async function getJson(path: string): Promise<{ status: number; body: unknown }> {
  const response = await app.request(path);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: response.status, body: await response.json() };
}

function postPhone(body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  return app.request('/api/phone/normalise', { method: 'POST', headers, body });
}

async function errorOf(response: Response): Promise<ErrorBody['error']> {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return ((await response.json()) as ErrorBody).error;
}

const q = (text: string): string => encodeURIComponent(text);

test('GET / lists the endpoints and the county', async () => {
  const { status, body } = await getJson('/');
  expect(status).toBe(200);
  expect(body).toMatchObject({
    county: { code: '330106', name: '浙江省杭州市西湖区' },
    version: '9.9.9-test',
    endpoints: ENDPOINTS,
  });
});

test('GET /health reports ok, the county and the version', async () => {
  const { status, body } = await getJson('/health');
  expect(status).toBe(200);
  expect(body).toEqual({
    ok: true,
    county: { code: '330106', name: '浙江省杭州市西湖区', areaCode: '0571' },
    version: '9.9.9-test',
  });
});

test('the version defaults to the package version', async () => {
  const response = await createHttpApp({ config }).request('/health');
  expect(((await response.json()) as { version: string }).version).toMatch(/^\d+\.\d+\.\d+/);
});

test('responses carry defensive headers', async () => {
  const response = await app.request('/health');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('strict-transport-security')).toBeNull();
});

test('GET /api/catalogue/categories lists the categories', async () => {
  const { status, body } = await getJson('/api/catalogue/categories');
  expect(status).toBe(200);
  const { categories } = body as { categories: { code: string }[] };
  expect(categories.map((c) => c.code)).toContain('FAM');
});

test('GET /api/catalogue/items lists all items, or one category', async () => {
  const all = (await getJson('/api/catalogue/items')).body as { items: { categoryCode: string }[] };
  const fam = (await getJson('/api/catalogue/items?category=FAM')).body as {
    items: { categoryCode: string }[];
  };
  expect(fam.items.length).toBeGreaterThan(0);
  expect(fam.items.every((item) => item.categoryCode === 'FAM')).toBe(true);
  expect(all.items.length).toBeGreaterThan(fam.items.length);
});

test('an unknown or repeated category is a 400 naming the parameter', async () => {
  for (const path of [
    '/api/catalogue/items?category=XYZ',
    '/api/catalogue/items?category=fam',
    '/api/catalogue/items?category=FAM&category=MNT',
    `/api/catalogue/items?category=${'A'.repeat(5000)}`,
  ]) {
    const response = await app.request(path);
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: 'invalid_input', field: 'category' });
  }
});

test('GET /api/catalogue/items/:code returns the item', async () => {
  const { status, body } = await getJson('/api/catalogue/items/FAM-NANNY');
  expect(status).toBe(200);
  expect(body).toMatchObject({ item: { code: 'FAM-NANNY', name: { zh: '家庭保姆' }, categoryCode: 'FAM' } });
});

test('an unknown item is a 404 with field code; a malformed one a 400', async () => {
  const unknown = await app.request('/api/catalogue/items/FAM-UNICORN');
  expect(unknown.status).toBe(404);
  expect(await errorOf(unknown)).toEqual({
    code: 'not_found',
    field: 'code',
    message: 'code: no service item FAM-UNICORN',
  });
  const malformed = await app.request(`/api/catalogue/items/${q('<script>')}`);
  expect(malformed.status).toBe(400);
  expect(await errorOf(malformed)).toMatchObject({ code: 'invalid_input', field: 'code' });
});

test.each([
  ['保姆', 'name'],
  ['baomu', 'pinyin'],
  ['bm', 'initials'],
  ['nanny', 'english'],
])('GET /api/catalogue/search?q=%s finds the family nanny', async (text, _kind) => {
  const { status, body } = await getJson(`/api/catalogue/search?q=${q(text)}&limit=10`);
  expect(status).toBe(200);
  const { results } = body as { results: { item: { code: string }; matchedOn: string; score: number }[] };
  expect(results.length).toBeGreaterThan(0);
  expect(results.length).toBeLessThanOrEqual(10);
  expect(results.map((r) => r.item.code)).toContain('FAM-NANNY');
});

test('search by pinyin says it matched on pinyin', async () => {
  const { body } = await getJson('/api/catalogue/search?q=baomu');
  const { results } = body as { results: { item: { code: string }; matchedOn: string }[] };
  expect(results[0]).toMatchObject({ item: { code: 'FAM-NANNY' }, matchedOn: 'pinyin' });
});

test('search honours limit', async () => {
  const { body } = await getJson('/api/catalogue/search?q=bm&limit=1');
  expect((body as { results: unknown[] }).results).toHaveLength(1);
});

test.each([
  ['/api/catalogue/search', 'q'],
  ['/api/catalogue/search?q=', 'q'],
  ['/api/catalogue/search?q=%20%20', 'q'],
  [`/api/catalogue/search?q=${'保'.repeat(65)}`, 'q'],
  [`/api/catalogue/search?q=${'x'.repeat(201)}`, 'q'],
  ['/api/catalogue/search?q=a&q=b', 'q'],
  ['/api/catalogue/search?q=bm&limit=0', 'limit'],
  ['/api/catalogue/search?q=bm&limit=101', 'limit'],
  ['/api/catalogue/search?q=bm&limit=1e2', 'limit'],
  ['/api/catalogue/search?q=bm&limit=-1', 'limit'],
  ['/api/catalogue/search?q=bm&limit=abc', 'limit'],
])('GET %s is a 400 naming %s', async (path, field) => {
  const response = await app.request(path.replace(/保+/, (m) => q(m)));
  expect(response.status).toBe(400);
  const error = await errorOf(response);
  expect(error).toMatchObject({ code: 'invalid_input', field });
  expect(error.message.startsWith(`${field}:`)).toBe(true);
});

test('GET /api/regions/:code returns the region, its path and its children', async () => {
  const county = (await getJson('/api/regions/330106')).body as {
    region: { code: string; fullName: string };
    path: { code: string }[];
    children: unknown[];
  };
  expect(county.region).toMatchObject({ code: '330106', name: '西湖区', fullName: '浙江省杭州市西湖区' });
  expect(county.path.map((r) => r.code)).toEqual(['330000', '330100', '330106']);
  expect(county.children).toEqual([]);

  const city = (await getJson('/api/regions/330100')).body as { children: { code: string }[] };
  expect(city.children.map((r) => r.code)).toContain('330106');
});

test('an unknown region is a 404 with field code; a malformed one a 400', async () => {
  const unknown = await app.request('/api/regions/999999');
  expect(unknown.status).toBe(404);
  expect(await errorOf(unknown)).toMatchObject({ code: 'not_found', field: 'code' });
  const malformed = await app.request('/api/regions/33010x');
  expect(malformed.status).toBe(400);
  expect(await errorOf(malformed)).toMatchObject({ code: 'invalid_input', field: 'code' });
});

test('GET /api/regions?q= searches regions by name', async () => {
  const { status, body } = await getJson(`/api/regions?q=${q('西湖')}&limit=5`);
  expect(status).toBe(200);
  const { regions } = body as { regions: { code: string; fullName: string }[] };
  expect(regions.length).toBeLessThanOrEqual(5);
  expect(regions).toContainEqual(expect.objectContaining({ code: '330106', fullName: '浙江省杭州市西湖区' }));
});

test('GET /api/regions without q lists the provinces', async () => {
  const { body } = await getJson('/api/regions');
  const { regions } = body as { regions: { level: string }[] };
  expect(regions.length).toBeGreaterThanOrEqual(31);
  expect(regions.every((r) => r.level === 'province')).toBe(true);
});

test('a bad region search is a 400 naming the parameter', async () => {
  const tooLong = await app.request(`/api/regions?q=${q('西'.repeat(41))}`);
  expect(await errorOf(tooLong)).toMatchObject({ code: 'invalid_input', field: 'q' });
  const badLimit = await app.request(`/api/regions?q=${q('西湖')}&limit=501`);
  expect(badLimit.status).toBe(400);
  expect(await errorOf(badLimit)).toMatchObject({ field: 'limit' });
});

test('a local 8-digit caller ID is completed with the county area code and masked', async () => {
  const response = await postPhone(JSON.stringify({ input: '88888888' }));
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({
    e164: '+8657188888888',
    national: '057188888888',
    canonical: '+8657188888888',
    kind: 'landline',
    areaCode: '0571',
    cityCode: '330100',
    masked: '0571-****8888',
  });
});

test('another county completes local numbers with its own area code', async () => {
  const beijing = makeApp({ env: { COUNTY: '110101' } });
  const response = await beijing.request('/api/phone/normalise', {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ input: '6512 3456' }),
  });
  expect(await response.json()).toMatchObject({ e164: '+861065123456', masked: '010-****3456' });
});

test('an explicit defaultAreaCode wins over the county one', async () => {
  const response = await postPhone(JSON.stringify({ input: '88888888', defaultAreaCode: '010' }));
  expect(await response.json()).toMatchObject({ e164: '+861088888888', areaCode: '010' });
});

test('a mobile caller ID is normalised and masked', async () => {
  const response = await postPhone(JSON.stringify({ input: '+86 138-1234-5678' }));
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({
    e164: '+8613812345678',
    kind: 'mobile',
    masked: '138****5678',
  });
});

test('a withheld caller ID is a 400 with field input', async () => {
  const response = await postPhone(JSON.stringify({ input: 'anonymous' }));
  expect(response.status).toBe(400);
  expect(await errorOf(response)).toMatchObject({ code: 'invalid_input', field: 'input' });
});

test('a bad defaultAreaCode is a 400 with field defaultAreaCode', async () => {
  const response = await postPhone(JSON.stringify({ input: '88888888', defaultAreaCode: 'abc' }));
  expect(response.status).toBe(400);
  expect(await errorOf(response)).toMatchObject({ field: 'defaultAreaCode' });
});

test('malformed JSON is a 400 saying so', async () => {
  const response = await postPhone('{"input": ');
  expect(response.status).toBe(400);
  const error = await errorOf(response);
  expect(error).toMatchObject({ code: 'invalid_input', field: 'body' });
  expect(error.message).toContain('not valid JSON');
});

test.each([
  ['', 'body'],
  ['[]', 'body'],
  ['"88888888"', 'body'],
  ['null', 'body'],
  ['{}', 'input'],
  ['{"input": 88888888}', 'input'],
  ['{"input": "88888888", "defaultAreaCode": null}', 'defaultAreaCode'],
  ['{"input": "88888888", "defaultAreacode": "0571"}', 'defaultAreacode'],
])('body %s is a 400 naming %s', async (body, field) => {
  const response = await postPhone(body);
  expect(response.status).toBe(400);
  expect(await errorOf(response)).toMatchObject({ code: 'invalid_input', field });
});

test('a body that is not declared as JSON is refused with 415', async () => {
  for (const headers of [
    {},
    { 'content-type': 'text/plain' },
    { 'content-type': 'application/x-www-form-urlencoded' },
  ]) {
    const response = await postPhone(JSON.stringify({ input: '88888888' }), headers);
    expect(response.status).toBe(415);
    expect(await errorOf(response)).toMatchObject({ code: 'unsupported_media_type', field: 'content-type' });
  }
});

test('a body over 16 KiB is refused with 413, declared or streamed', async () => {
  const big = JSON.stringify({ input: 'x'.repeat(MAX_BODY_BYTES) });
  const declared = await postPhone(big, {
    'content-type': 'application/json',
    'content-length': String(big.length),
  });
  expect(declared.status).toBe(413);
  expect(await errorOf(declared)).toMatchObject({ code: 'payload_too_large', field: 'body' });

  const streamed = await postPhone(big);
  expect(streamed.status).toBe(413);
  expect(await errorOf(streamed)).toMatchObject({ code: 'payload_too_large' });
});

test('a body just under the limit is read (and then refused for its content)', async () => {
  const body = JSON.stringify({ input: 'x'.repeat(MAX_BODY_BYTES - 20) });
  const response = await postPhone(body);
  expect(response.status).toBe(400);
  expect(await errorOf(response)).toMatchObject({ field: 'input' });
});

test('unknown routes and wrong methods are a JSON 404', async () => {
  for (const [method, path] of [
    ['GET', '/nope'],
    ['GET', '/api/phone/normalise'],
    ['DELETE', '/health'],
  ] as const) {
    const response = await app.request(path, { method });
    expect(response.status).toBe(404);
    expect(await errorOf(response)).toMatchObject({ code: 'not_found', field: null });
  }
});

test('an unexpected exception is a generic 500; the detail goes to the log only', async () => {
  const logged: unknown[][] = [];
  const logger: Logger = { info: () => {}, error: (...args) => logged.push(args) };
  const failing = makeApp({ logger });
  failing.get('/boom', () => {
    throw new Error('secret database password in /etc/shadow');
  });
  const response = await failing.request('/boom');
  expect(response.status).toBe(500);
  const text = await response.clone().text();
  expect(text).not.toContain('secret');
  expect(await errorOf(response)).toEqual({
    code: 'internal',
    field: null,
    message: 'internal error; the appliance log has the details',
  });
  expect(logged).toHaveLength(1);
  expect(String(logged[0]?.[0])).toContain('GET /boom');
  expect(logged[0]?.[1]).toBeInstanceOf(Error);
});

describe('sync endpoints', () => {
  const recordId = 'order:330106:01JBQ5M8X00000000000000001';
  const adminToken = 'appliance-admin-token-0123';
  const auth = { authorization: `Bearer ${adminToken}` };
  const prefixes: string[] = [];
  const sync: SyncAdmin = {
    status: () => ({
      deviceId: 'appliance-330106-x',
      provisioned: true,
      directoryId: 'directory:hub:01JBQ5M8X00000000000000000',
      hub: { url: 'http://hub.example:8090', connected: false },
    }),
    digest: ({ prefix }) => {
      prefixes.push(prefix);
      return Promise.resolve({ seq: 3, records: {} });
    },
    report: (o) =>
      Promise.resolve(o.recordId === recordId ? ({ recordId, pending: 0 } as unknown as RecordReport) : null),
  };
  const withSync = createHttpApp({ config, sync, adminToken });

  test('without sync wired in, the endpoints do not exist', async () => {
    expect((await app.request('/api/sync/status')).status).toBe(404);
  });

  test('GET /api/sync/status is public: enrolment and the hub link, no secrets', async () => {
    const response = await withSync.request('/api/sync/status');
    expect(await response.json()).toMatchObject({ provisioned: true, hub: { connected: false } });
  });

  test('the digest and record reports need the admin token', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-the-admin-token' }]) {
      const response = await withSync.request('/api/sync/digest', { headers });
      expect(response.status).toBe(401);
      expect(await errorOf(response)).toMatchObject({ code: 'unauthorized', field: 'authorization' });
    }
    const none = createHttpApp({ config, sync });
    const refused = await none.request('/api/sync/digest', { headers: auth });
    expect(refused.status).toBe(403);
    expect(prefixes).toEqual([]);
  });

  test('GET /api/sync/digest validates the prefix', async () => {
    const response = await withSync.request('/api/sync/digest?prefix=order:330106:', { headers: auth });
    expect(await response.json()).toEqual({ seq: 3, records: {} });
    expect(prefixes).toEqual(['order:330106:']);
    const bad = await withSync.request('/api/sync/digest?prefix=a%20b', { headers: auth });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).field).toBe('prefix');
  });

  test('GET /api/records/:recordId: the report, 404 when absent, 400 for a malformed id', async () => {
    expect(
      await (await withSync.request(`/api/records/${recordId}`, { headers: auth })).json(),
    ).toMatchObject({
      recordId,
    });
    const missing = await withSync.request('/api/records/order:330106:01JBQ5M8X00000000000000009', {
      headers: auth,
    });
    expect(missing.status).toBe(404);
    const malformed = await withSync.request('/api/records/nonsense', { headers: auth });
    expect((await errorOf(malformed)).field).toBe('recordId');
  });
});
