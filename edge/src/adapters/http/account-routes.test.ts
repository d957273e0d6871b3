import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import type { ApplianceOversight, ApplianceView } from '../../ports/appliance-oversight';
import type { HubOperations } from '../../ports/hub-operations';
import { HUB_SESSION_TTL_MS, HubAccountService } from '../../services/hub-account-service';
import { JsonFileAccountStore } from '../files/json-file-account-store';
import { createHubHttpApp, type ErrorBody } from './http-app';

const adminToken = 'test-admin-token-0123456789';
const publicKey = `B${'A'.repeat(86)}`;
const quiet = { info: () => {}, error: () => {} };
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const hub: HubOperations = {
  identity: () => ({ deviceId: 'hub-1', directoryId: 'directory:hub:01JBQ5M8X00000000000000000' }),
  provisionAppliance: (o) =>
    Promise.resolve({
      directoryId: 'd',
      hubDeviceId: 'hub-1',
      userId: `appliance-${o.countyCode}`,
      deviceId: o.deviceId,
    }),
  provisionDevice: (o) =>
    Promise.resolve({ directoryId: 'd', hubDeviceId: 'hub-1', userId: o.userId, deviceId: o.deviceId }),
  digest: () => Promise.resolve({ seq: 1, records: {} }),
  report: () => Promise.resolve(null),
};

async function makeApp() {
  const dir = await mkdtemp(join(tmpdir(), 'jz-hub-auth-'));
  dirs.push(dir);
  const clock = { now: Date.parse('2026-11-29T08:00:00Z') };
  const accounts = new HubAccountService({
    store: await JsonFileAccountStore.open({ path: join(dir, 'accounts.json') }),
    logger: quiet,
    bootstrapAdminPassword: 'bootstrap-pass-123',
    now: () => clock.now,
  });
  await accounts.start();
  const revoked: unknown[] = [];
  const view: ApplianceView = {
    deviceId: 'appliance-330106-a',
    userId: 'appliance-330106',
    county: { code: '330106', name: '浙江省杭州市西湖区' },
    enrolledAt: '2026-11-29T08:00:00.000Z',
    revoked: null,
    lastContact: null,
    version: 'unknown',
    backlog: null,
  };
  const appliances: ApplianceOversight = {
    list: ({ scope }) => Promise.resolve(scope.level === 'province' && scope.code === '440000' ? [] : [view]),
    revoke: (o) => {
      revoked.push(o);
      return Promise.resolve();
    },
  };
  const app = createHubHttpApp({ hub, adminToken, logger: quiet, accounts, appliances });
  const call = (
    method: string,
    path: string,
    options: { token?: string; body?: unknown; address?: string } = {},
  ) =>
    app.request(
      path,
      {
        method,
        headers: {
          ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      },
      { incoming: { socket: { remoteAddress: options.address ?? '203.0.113.5' } } },
    );
  const login = async (username: string, password: string, address?: string) => {
    const response = await call('POST', '/api/auth/login', {
      body: { username, password },
      ...(address === undefined ? {} : { address }),
    });
    return {
      response,
      body: (await response.json()) as { token: string; expiresAt: string; error?: ErrorBody['error'] },
    };
  };
  const createUser = (token: string, username: string, role: string, scope: unknown) =>
    call('POST', '/api/users', {
      token,
      body: { username, password: `${username}-password`, displayName: username, role, scope },
    });
  stop.push(() => accounts.stop());
  return { call, login, createUser, clock, revoked };
}
const stop: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stop.splice(0)) await s();
});

test(
  'the bootstrap administrator logs in, sees who they are, and logs out',
  { timeout: 30_000 },
  async () => {
    const { call, login } = await makeApp();
    const { response, body } = await login('admin', 'bootstrap-pass-123');
    expect(response.status).toBe(200);
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.expiresAt).toBe('2026-11-29T20:00:00.000Z');
    expect(body).toMatchObject({
      user: { username: 'admin', role: 'administrator', scope: { level: 'country' } },
    });
    const me = await call('GET', '/api/me', { token: body.token });
    expect(await me.json()).toMatchObject({ user: { username: 'admin', via: 'session' } });
    expect((await call('POST', '/api/auth/logout', { token: body.token })).status).toBe(200);
    expect((await call('GET', '/api/me', { token: body.token })).status).toBe(401);
  },
);

test(
  'wrong passwords answer 401; the sixth try in five minutes 429 with Retry-After, per username and per address',
  { timeout: 30_000 },
  async () => {
    const { login, clock } = await makeApp();
    for (let i = 0; i < 5; i++) {
      const { response, body } = await login('admin', 'wrong-password', `198.51.100.${i}`);
      expect(response.status).toBe(401);
      expect(body.error?.code).toBe('unauthorized');
    }
    const limited = await login('admin', 'bootstrap-pass-123', '198.51.100.99');
    expect(limited.response.status).toBe(429);
    expect(limited.response.headers.get('retry-after')).toBe('300');
    expect(limited.body.error?.code).toBe('rate_limited');
    // Per address too: five unknown names from one address block a real one from it.
    for (let i = 0; i < 5; i++) await login(`nobody${i}`, 'wrong-password', '192.0.2.7');
    expect((await login('someone', 'whatever-password', '192.0.2.7')).response.status).toBe(429);
    clock.now += 5 * 60 * 1000 + 1;
    expect((await login('admin', 'bootstrap-pass-123', '198.51.100.99')).response.status).toBe(200);
    expect((await login('admin', 'wrong-password', '192.0.2.7')).response.status).toBe(401);
    expect((await login('nobody', 'x', '192.0.2.8')).response.status).toBe(401);
  },
);

test('a session expires after 12 hours', { timeout: 30_000 }, async () => {
  const { call, login, clock } = await makeApp();
  const { body } = await login('admin', 'bootstrap-pass-123');
  clock.now += HUB_SESSION_TTL_MS - 1;
  expect((await call('GET', '/api/me', { token: body.token })).status).toBe(200);
  clock.now += 1;
  expect((await call('GET', '/api/me', { token: body.token })).status).toBe(401);
});

test(
  'administrators create and list accounts within their scope; others may not',
  { timeout: 30_000 },
  async () => {
    const { call, login, createUser } = await makeApp();
    const admin = (await login('admin', 'bootstrap-pass-123')).body.token;
    expect(
      (await createUser(admin, 'zj-admin', 'administrator', { level: 'province', code: '330000' })).status,
    ).toBe(201);
    expect(
      (await createUser(admin, 'gd-admin', 'administrator', { level: 'province', code: '440000' })).status,
    ).toBe(201);
    const created = await createUser(admin, 'xh-ct', 'call_taker', { level: 'county', code: '330106' });
    expect(created.status).toBe(201);
    const createdBody = (await created.json()) as { user: Record<string, unknown> };
    expect(createdBody.user).toMatchObject({ username: 'xh-ct', createdBy: 'admin', role: 'call_taker' });
    expect(createdBody.user).not.toHaveProperty('passwordHash');
    expect((await createUser(admin, 'xh-ct', 'call_taker', { level: 'county', code: '330106' })).status).toBe(
      409,
    );
    const bad = await createUser(admin, 'bad', 'technician', { level: 'city', code: '330106' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).error.field).toBe('scope.code');

    const zj = (await login('zj-admin', 'zj-admin-password')).body.token;
    expect((await createUser(zj, 'hz-tech', 'technician', { level: 'city', code: '330100' })).status).toBe(
      201,
    );
    const outside = await createUser(zj, 'gz-tech', 'technician', { level: 'city', code: '440100' });
    expect(outside.status).toBe(403);
    expect((await createUser(zj, 'cn-tech', 'technician', { level: 'country' })).status).toBe(403);
    const listed = (await (await call('GET', '/api/users', { token: zj })).json()) as {
      users: { username: string }[];
    };
    expect(listed.users.map((u) => u.username)).toEqual(['hz-tech', 'xh-ct', 'zj-admin']);
    const all = (await (await call('GET', '/api/users', { token: adminToken })).json()) as {
      users: unknown[];
    };
    expect(all.users).toHaveLength(5);

    const ct = (await login('xh-ct', 'xh-ct-password')).body.token;
    expect((await call('GET', '/api/users', { token: ct })).status).toBe(403);
    expect((await createUser(ct, 'other', 'call_taker', { level: 'county', code: '330106' })).status).toBe(
      403,
    );
  },
);

test(
  'the admin token still opens every route; a call-taker session is refused provisioning, digests and records',
  { timeout: 30_000 },
  async () => {
    const { call, login, createUser } = await makeApp();
    const provision = { countyCode: '330106', deviceId: 'appliance-330106-a', publicKey };
    expect(
      (await call('POST', '/api/provision/appliance', { token: adminToken, body: provision })).status,
    ).toBe(200);
    expect((await call('GET', '/api/sync/digest', { token: adminToken })).status).toBe(200);
    expect(await (await call('GET', '/api/me', { token: adminToken })).json()).toMatchObject({
      user: { role: 'administrator', via: 'admin-token', scope: { level: 'country' } },
    });
    expect((await call('GET', '/api/me')).status).toBe(401);
    expect((await call('GET', '/api/me', { token: 'not-a-session-token-at-all' })).status).toBe(401);

    await createUser(adminToken, 'xh-ct', 'call_taker', { level: 'county', code: '330106' });
    await createUser(adminToken, 'xh-tech', 'technician', { level: 'county', code: '330106' });
    const ct = (await login('xh-ct', 'xh-ct-password')).body.token;
    const refused = await call('POST', '/api/provision/appliance', { token: ct, body: provision });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as ErrorBody).error.code).toBe('forbidden');
    expect((await call('GET', '/api/sync/digest', { token: ct })).status).toBe(403);
    expect((await call('GET', '/api/public/complaints', { token: ct })).status).toBe(403);
    expect((await call('GET', '/api', { token: ct })).status).toBe(200);

    const tech = (await login('xh-tech', 'xh-tech-password')).body.token;
    expect((await call('POST', '/api/provision/appliance', { token: tech, body: provision })).status).toBe(
      200,
    );
    const elsewhere = { ...provision, countyCode: '330108', deviceId: 'appliance-330108-a' };
    expect((await call('POST', '/api/provision/appliance', { token: tech, body: elsewhere })).status).toBe(
      403,
    );
    expect((await call('GET', '/api/sync/digest', { token: tech })).status).toBe(403);
  },
);

test(
  'technicians list and revoke appliances within their scope; the reason keeps who asked',
  { timeout: 30_000 },
  async () => {
    const { call, login, createUser, revoked } = await makeApp();
    await createUser(adminToken, 'xh-tech', 'technician', { level: 'county', code: '330106' });
    await createUser(adminToken, 'xh-ct', 'call_taker', { level: 'county', code: '330106' });
    const tech = (await login('xh-tech', 'xh-tech-password')).body.token;
    const ct = (await login('xh-ct', 'xh-ct-password')).body.token;
    const listed = (await (await call('GET', '/api/appliances', { token: tech })).json()) as {
      appliances: unknown[];
    };
    expect(listed.appliances).toMatchObject([{ deviceId: 'appliance-330106-a', version: 'unknown' }]);
    expect((await call('GET', '/api/appliances', { token: ct })).status).toBe(403);

    const path = '/api/appliances/appliance-330106-a/revoke';
    expect((await call('POST', path, { token: tech, body: { reason: '设备丢失' } })).status).toBe(200);
    expect(revoked).toEqual([
      {
        deviceId: 'appliance-330106-a',
        reason: '设备丢失 (xh-tech)',
        scope: { level: 'county', code: '330106' },
      },
    ]);
    expect((await call('POST', path, { token: ct, body: { reason: 'x' } })).status).toBe(403);
    expect((await call('POST', path, { token: tech, body: {} })).status).toBe(400);
    expect(
      (await call('POST', '/api/appliances/bad%20id/revoke', { token: tech, body: { reason: 'x' } })).status,
    ).toBe(400);
  },
);
