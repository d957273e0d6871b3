import { DomainError } from '@jiazheng/sync/domain';
import type { RecordReport } from '@jiazheng/sync/replica';
import { expect, test } from 'vitest';
import type { HubOperations } from '../../ports/hub-operations';
import { createHubHttpApp, ENDPOINTS, type ErrorBody } from './http-app';

const token = 'test-admin-token-0123456789';
const publicKey = `B${'A'.repeat(86)}`;
const recordId = 'order:330106:01JBQ5M8X00000000000000001';

function makeApp(overrides: Partial<HubOperations> = {}, logged: unknown[] = []) {
  const calls: Array<[string, unknown]> = [];
  const hub: HubOperations = {
    identity: () => ({ deviceId: 'hub-1', directoryId: 'directory:hub:01JBQ5M8X00000000000000000' }),
    provisionAppliance: (o) => {
      calls.push(['appliance', o]);
      return Promise.resolve({
        directoryId: 'directory:hub:01JBQ5M8X00000000000000000',
        hubDeviceId: 'hub-1',
        userId: `appliance-${o.countyCode}`,
        deviceId: o.deviceId,
      });
    },
    provisionDevice: (o) => {
      calls.push(['device', o]);
      return Promise.resolve({
        directoryId: 'd',
        hubDeviceId: 'hub-1',
        userId: o.userId,
        deviceId: o.deviceId,
      });
    },
    digest: (o) => {
      calls.push(['digest', o]);
      return Promise.resolve({ seq: 7, records: { [recordId]: 'ab'.repeat(32) } });
    },
    report: (o) =>
      Promise.resolve(o.recordId === recordId ? ({ recordId, pending: 0 } as unknown as RecordReport) : null),
    ...overrides,
  };
  const app = createHubHttpApp({
    hub,
    adminToken: token,
    version: '9.9.9-test',
    logger: { info: () => {}, error: (...args: unknown[]) => logged.push(args) },
  });
  return { app, calls };
}

const auth = { authorization: `Bearer ${token}` };
const json = { ...auth, 'content-type': 'application/json' };

async function errorOf(response: Response): Promise<ErrorBody['error']> {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return ((await response.json()) as ErrorBody).error;
}

test('GET / and /health need no token and tell who the hub is', async () => {
  const { app } = makeApp();
  expect(await (await app.request('/')).json()).toMatchObject({
    version: '9.9.9-test',
    endpoints: ENDPOINTS,
  });
  expect(await (await app.request('/health')).json()).toEqual({
    ok: true,
    server: 'hub',
    version: '9.9.9-test',
    deviceId: 'hub-1',
    directoryId: 'directory:hub:01JBQ5M8X00000000000000000',
  });
});

test('every /api endpoint needs the admin token', async () => {
  const { app, calls } = makeApp();
  for (const headers of [{}, { authorization: 'Bearer wrong-token-xxxxxxxx' }, { authorization: token }]) {
    const response = await app.request('/api/sync/digest?prefix=order:', { headers });
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toMatchObject({ code: 'unauthorized', field: 'authorization' });
  }
  const post = await app.request('/api/provision/appliance', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  expect(post.status).toBe(401);
  expect(calls).toEqual([]);
});

test('POST /api/provision/appliance validates and enrols', async () => {
  const { app, calls } = makeApp();
  const ok = await app.request('/api/provision/appliance', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ countyCode: '330106', deviceId: 'appliance-330106-x', publicKey }),
  });
  expect(ok.status).toBe(200);
  expect(await ok.json()).toMatchObject({ userId: 'appliance-330106', hubDeviceId: 'hub-1' });
  expect(calls).toHaveLength(1);

  for (const [body, field] of [
    [{ countyCode: '330100', deviceId: 'a', publicKey }, 'countyCode'],
    [{ countyCode: '330106', deviceId: 'a b', publicKey }, 'deviceId'],
    [{ countyCode: '330106', deviceId: 'a', publicKey: 'short' }, 'publicKey'],
    [{ countyCode: '330106', deviceId: 'a', publicKey, extra: 1 }, 'extra'],
    [[], 'body'],
  ] as const) {
    const response = await app.request('/api/provision/appliance', {
      method: 'POST',
      headers: json,
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).field).toBe(field);
  }
  const form = await app.request('/api/provision/appliance', { method: 'POST', headers: auth, body: 'a=1' });
  expect(form.status).toBe(415);
  const broken = await app.request('/api/provision/appliance', { method: 'POST', headers: json, body: '{' });
  expect((await errorOf(broken)).field).toBe('body');
});

test('POST /api/provision/device takes a central user (countyCode null) and maps domain refusals to 409', async () => {
  const { app, calls } = makeApp();
  const body = {
    userId: 'sv-central',
    name: '中心督导',
    role: 'supervisor',
    countyCode: null,
    deviceId: 'pwa-central-1',
    publicKey,
    kind: 'pwa',
  };
  const ok = await app.request('/api/provision/device', {
    method: 'POST',
    headers: json,
    body: JSON.stringify(body),
  });
  expect(ok.status).toBe(200);
  expect(calls[0]).toEqual(['device', body]);
  const bad = await app.request('/api/provision/device', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ ...body, role: 'king', kind: 'hub' }),
  });
  expect((await errorOf(bad)).field).toBe('role');

  const conflicting = makeApp({
    provisionDevice: () =>
      Promise.reject(new DomainError({ code: 'conflict', field: 'deviceId', message: 'deviceId: taken' })),
  });
  const refused = await conflicting.app.request('/api/provision/device', {
    method: 'POST',
    headers: json,
    body: JSON.stringify(body),
  });
  expect(refused.status).toBe(409);
  expect(await errorOf(refused)).toEqual({ code: 'conflict', field: 'deviceId', message: 'deviceId: taken' });
});

test('GET /api/sync/digest takes one well-formed prefix', async () => {
  const { app, calls } = makeApp();
  const response = await app.request('/api/sync/digest?prefix=order:330106:', { headers: auth });
  expect(await response.json()).toEqual({ seq: 7, records: { [recordId]: 'ab'.repeat(32) } });
  expect(calls).toEqual([['digest', { prefix: 'order:330106:' }]]);
  expect((await app.request('/api/sync/digest', { headers: auth })).status).toBe(200);
  for (const query of ['prefix=a%20b', 'prefix=a&prefix=b', `prefix=${'a'.repeat(121)}`]) {
    const bad = await app.request(`/api/sync/digest?${query}`, { headers: auth });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).field).toBe('prefix');
  }
});

test('GET /api/records/:recordId: the report, 404 when absent, 400 for a malformed id', async () => {
  const { app } = makeApp();
  expect(await (await app.request(`/api/records/${recordId}`, { headers: auth })).json()).toMatchObject({
    recordId,
  });
  const missing = await app.request('/api/records/order:330106:01JBQ5M8X00000000000000009', {
    headers: auth,
  });
  expect(missing.status).toBe(404);
  const malformed = await app.request('/api/records/nonsense', { headers: auth });
  expect(malformed.status).toBe(400);
  expect((await errorOf(malformed)).field).toBe('recordId');
});

test('unexpected failures are logged and answered without details', async () => {
  const logged: unknown[] = [];
  const { app } = makeApp({ digest: () => Promise.reject(new Error('disk on fire at /var/secret')) }, logged);
  const response = await app.request('/api/sync/digest', { headers: auth });
  expect(response.status).toBe(500);
  expect(JSON.stringify(await errorOf(response))).not.toContain('secret');
  expect(logged).toHaveLength(1);
  expect((await app.request('/nope')).status).toBe(404);
});
