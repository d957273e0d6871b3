import { expect, test } from 'vitest';
import { ApiClient, reportSearch } from './client';
import { detectServer, SERVER_STORAGE_KEY, serverKindOf } from './server-kind';

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (key) => map.get(key) ?? null, setItem: (key, value) => void map.set(key, value) };
}

const answer =
  (body: unknown): typeof fetch =>
  () =>
    Promise.resolve(Response.json(body));

test('the hub says so in /health; an appliance names its county', () => {
  expect(serverKindOf({ ok: true, server: 'hub', version: '1', deviceId: 'hub-1' })).toBe('hub');
  expect(serverKindOf({ ok: true, county: '330106', version: '1' })).toBe('appliance');
  expect(serverKindOf('<!doctype html>')).toBeUndefined();
  expect(serverKindOf(null)).toBeUndefined();
});

test('the answer is remembered, and decides when the server cannot be reached', async () => {
  const storage = memoryStorage();
  expect(await detectServer({ base: '/console', fetch: answer({ ok: true, server: 'hub' }), storage })).toBe(
    'hub',
  );
  expect(storage.map.get(SERVER_STORAGE_KEY)).toBe('hub');
  const offline: typeof fetch = () => Promise.reject(new TypeError('Failed to fetch'));
  expect(await detectServer({ base: '', fetch: offline, storage })).toBe('hub');
  expect(await detectServer({ base: '', fetch: answer({ ok: true, county: '330106' }), storage })).toBe(
    'appliance',
  );
  expect(await detectServer({ base: '/console', fetch: offline, storage })).toBe('appliance');
});

test('with nothing remembered, the base path decides: the appliance serves at /, the hub at /console/', async () => {
  const offline: typeof fetch = () => Promise.reject(new TypeError('Failed to fetch'));
  expect(await detectServer({ base: '', fetch: offline })).toBe('appliance');
  expect(await detectServer({ base: '/console', fetch: offline })).toBe('hub');
  // An appliance too old to answer /health as JSON (its SPA fallback answers HTML).
  const html: typeof fetch = () => Promise.resolve(new Response('<!doctype html>', { status: 200 }));
  expect(await detectServer({ base: '', fetch: html })).toBe('appliance');
});

test('the report is asked with its parameters, and its files come with the hub’s name', async () => {
  expect(
    reportSearch({ level: 'city', within: '330100', period: 'month', from: '2026-01-01', to: '2026-11-30' }),
  ).toBe('level=city&within=330100&period=month&from=2026-01-01&to=2026-11-30');
  const asked: string[] = [];
  const api = new ApiClient({
    baseUrl: 'http://hub',
    getToken: () => 'tok',
    fetch: (input, init) => {
      const url = input instanceof Request ? input.url : input.toString();
      asked.push(`${url} ${new Headers(init?.headers).get('authorization') ?? ''}`);
      return Promise.resolve(
        new Response('\uFEFF地区,受理\r\n', {
          headers: { 'content-disposition': 'attachment; filename="orders-country-2026.csv"' },
        }),
      );
    },
  });
  const file = await api.orderReportFile({
    query: { level: 'country', period: 'day', from: '2026-11-01', to: '2026-11-30', category: 'FAM' },
    format: 'csv',
  });
  expect(file.fileName).toBe('orders-country-2026.csv');
  expect(await file.blob.text()).toContain('地区,受理');
  expect(asked).toEqual([
    'http://hub/api/reports/orders?level=country&period=day&from=2026-11-01&to=2026-11-30&category=FAM&format=csv Bearer tok',
  ]);
});
