import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceKey } from '@jiazheng/sync/node';
import { exportPublicKey, generateDeviceKeys } from '@jiazheng/sync/records';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import type { Hono } from 'hono';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { staffActorOf } from '../../domain/staff-actor';
import { HubAccountService } from '../../services/hub-account-service';
import { JsonFileAccountStore } from '../files/json-file-account-store';
import { HubSync } from '../sync/hub-sync';
import { createHubHttpApp } from './http-app';

/*
 * Passwords and disabling over the API, with the real hub behind it: a disabled account's directory user
 * (the one its custodial key signs as) is disabled in the directory too.
 */

const quiet = { info: () => {}, error: () => {} };
const adminToken = 'test-admin-token-0123456789';
const adminPassword = 'bootstrap-pass-123';

let dir: string;
let hub: HubSync;
let app: Hono;
let address = 0;

async function makeKey(deviceId: string): Promise<DeviceKey> {
  const keys = await generateDeviceKeys({ extractable: false });
  return { deviceId, publicKey: await exportPublicKey({ key: keys.publicKey }), privateKey: keys.privateKey };
}

async function call(options: {
  method: string;
  path: string;
  token?: string;
  body?: unknown;
  address?: string;
}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await app.request(
    options.path,
    {
      method: options.method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    },
    { incoming: { socket: { remoteAddress: options.address ?? `198.51.100.${++address % 250}` } } },
  );
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

async function login(
  username: string,
  password: string,
): Promise<{ status: number; token: string; body: Record<string, unknown> }> {
  const answer = await call({ method: 'POST', path: '/api/auth/login', body: { username, password } });
  return {
    status: answer.status,
    token: typeof answer.body.token === 'string' ? answer.body.token : '',
    body: answer.body,
  };
}

async function createUser(options: { username: string; role: string; scope: unknown; token: string }) {
  const made = await call({
    method: 'POST',
    path: '/api/users',
    token: options.token,
    body: {
      username: options.username,
      password: `${options.username}-password`,
      displayName: options.username,
      role: options.role,
      scope: options.scope,
    },
  });
  if (made.status !== 201) throw new Error(JSON.stringify(made.body));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jz-account-password-'));
  const store = await MemoryRecordStore.open();
  hub = new HubSync({ store, device: await makeKey('hub-1'), logger: quiet });
  await hub.start();
  const accounts = new HubAccountService({
    store: await JsonFileAccountStore.open({ path: join(dir, 'accounts.json') }),
    logger: quiet,
    bootstrapAdminPassword: adminPassword,
    directory: {
      disableStaffUser: (o) => hub.disableStaffUser({ ...o, by: staffActorOf({ account: o.by }) }),
      renewStaffUser: (o) => hub.renewStaffUser(o),
    },
  });
  await accounts.start();
  app = createHubHttpApp({ hub, adminToken, logger: quiet, accounts });
}, 30_000);

afterAll(async () => {
  await hub.stop();
  await rm(dir, { recursive: true, force: true });
});

test(
  'an account changes its own password: the current one is checked, its other sessions end, this one stays',
  { timeout: 60_000 },
  async () => {
    const admin = await login('admin', adminPassword);
    await createUser({
      username: 'li',
      role: 'central_office',
      scope: { level: 'country' },
      token: admin.token,
    });
    const first = await login('li', 'li-password');
    const second = await login('li', 'li-password');

    const wrong = await call({
      method: 'POST',
      path: '/api/auth/password',
      token: first.token,
      body: { currentPassword: 'not-my-password', newPassword: 'li-new-password-1' },
    });
    expect(wrong).toMatchObject({
      status: 403,
      body: { error: { code: 'forbidden', field: 'currentPassword' } },
    });
    const short = await call({
      method: 'POST',
      path: '/api/auth/password',
      token: first.token,
      body: { currentPassword: 'li-password', newPassword: 'short' },
    });
    expect(short).toMatchObject({ status: 400, body: { error: { field: 'newPassword' } } });

    const changed = await call({
      method: 'POST',
      path: '/api/auth/password',
      token: first.token,
      body: { currentPassword: 'li-password', newPassword: 'li-new-password-1' },
    });
    expect(changed).toMatchObject({ status: 200, body: { ok: true } });
    expect((await call({ method: 'GET', path: '/api/me', token: first.token })).status).toBe(200);
    expect((await call({ method: 'GET', path: '/api/me', token: second.token })).status).toBe(401);
    expect((await login('li', 'li-password')).status).toBe(401);
    expect((await login('li', 'li-new-password-1')).status).toBe(200);

    // The admin token has no password of its own.
    const token = await call({
      method: 'POST',
      path: '/api/auth/password',
      token: adminToken,
      body: { currentPassword: 'x', newPassword: 'li-new-password-2' },
    });
    expect(token).toMatchObject({ status: 403, body: { error: { field: 'authorization' } } });
  },
);

test(
  'guessing the current password is limited like a login: the sixth try in five minutes is 429',
  { timeout: 60_000 },
  async () => {
    const admin = await login('admin', adminPassword);
    await createUser({
      username: 'guess',
      role: 'technician',
      scope: { level: 'county', code: '330106' },
      token: admin.token,
    });
    const session = await login('guess', 'guess-password');
    for (let i = 0; i < 5; i++) {
      const answer = await call({
        method: 'POST',
        path: '/api/auth/password',
        token: session.token,
        body: { currentPassword: `guess-${i}-attempt`, newPassword: 'guess-new-password' },
      });
      expect(answer.status).toBe(403);
    }
    const limited = await call({
      method: 'POST',
      path: '/api/auth/password',
      token: session.token,
      body: { currentPassword: 'guess-password', newPassword: 'guess-new-password' },
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    // The login of that account is limited as well: the same counters.
    expect((await login('guess', 'guess-password')).status).toBe(429);
  },
);

test(
  'an administrator resets a password within their scope; the account’s sessions end',
  { timeout: 60_000 },
  async () => {
    const admin = await login('admin', adminPassword);
    await createUser({
      username: 'xh-admin',
      role: 'administrator',
      scope: { level: 'county', code: '330106' },
      token: admin.token,
    });
    await createUser({
      username: 'xh-ct',
      role: 'call_taker',
      scope: { level: 'county', code: '330106' },
      token: admin.token,
    });
    await createUser({
      username: 'sc-ct',
      role: 'call_taker',
      scope: { level: 'county', code: '330102' },
      token: admin.token,
    });
    const countyAdmin = await login('xh-admin', 'xh-admin-password');
    const taker = await login('xh-ct', 'xh-ct-password');

    const reset = await call({
      method: 'POST',
      path: '/api/users/xh-ct/password',
      token: countyAdmin.token,
      body: { newPassword: 'reset-by-admin-1' },
    });
    expect(reset).toMatchObject({ status: 200, body: { user: { username: 'xh-ct', disabledAt: null } } });
    expect(JSON.stringify(reset.body)).not.toContain('scrypt');
    expect((await call({ method: 'GET', path: '/api/me', token: taker.token })).status).toBe(401);
    expect((await login('xh-ct', 'reset-by-admin-1')).status).toBe(200);

    // Another county's account is not there for this administrator; a call-taker resets nothing.
    const outside = await call({
      method: 'POST',
      path: '/api/users/sc-ct/password',
      token: countyAdmin.token,
      body: { newPassword: 'taken-over-1234' },
    });
    expect(outside).toMatchObject({ status: 404, body: { error: { field: 'username' } } });
    expect((await login('sc-ct', 'sc-ct-password')).status).toBe(200);
    const byTaker = await call({
      method: 'POST',
      path: '/api/users/sc-ct/password',
      token: (await login('xh-ct', 'reset-by-admin-1')).token,
      body: { newPassword: 'taken-over-1234' },
    });
    expect(byTaker.status).toBe(403);
    const badName = await call({
      method: 'POST',
      path: '/api/users/NOT%20A%20NAME/password',
      token: admin.token,
      body: { newPassword: 'whatever-long-1' },
    });
    expect(badName).toMatchObject({ status: 400, body: { error: { field: 'username' } } });
  },
);

test(
  'disabling: no login (a clear 403), sessions end at once, the directory user is disabled; enabling lets it log in again',
  { timeout: 60_000 },
  async () => {
    const admin = await login('admin', adminPassword);
    await createUser({
      username: 'officer',
      role: 'registry_officer',
      scope: { level: 'country' },
      token: admin.token,
    });
    const session = await login('officer', 'officer-password');
    // The officer has acted through the hub once, so it has a directory user and a custodial key.
    const directoryId = hub.identity().directoryId;
    await hub.propose({
      recordId: `enterprise:hub:01JBQ5M8X0000000000000000A`,
      staff: { username: 'officer', name: 'officer', role: 'registry_officer', countyCode: null },
      commands: [
        {
          type: 'apply',
          payload: {
            enterpriseId: 'enterprise:hub:01JBQ5M8X0000000000000000A',
            kind: 'volunteer',
            name: '社区志愿队',
            licenceNumber: null,
            contactName: '周',
            contactPhone: '+8613812345678',
            documents: [],
            items: ['ELD-VISIT'],
            counties: ['330106'],
          },
        },
      ],
    });
    expect((await hub.directory())?.users['hub:officer']?.disabledAt).toBeNull();

    const self = await call({
      method: 'POST',
      path: '/api/users/admin/disable',
      token: admin.token,
      body: { reason: '测试' },
    });
    expect(self).toMatchObject({ status: 403, body: { error: { field: 'username' } } });
    const noReason = await call({
      method: 'POST',
      path: '/api/users/officer/disable',
      token: admin.token,
      body: {},
    });
    expect(noReason).toMatchObject({ status: 400, body: { error: { field: 'reason' } } });

    const disabled = await call({
      method: 'POST',
      path: '/api/users/officer/disable',
      token: admin.token,
      body: { reason: '调离岗位' },
    });
    expect(disabled).toMatchObject({
      status: 200,
      body: { user: { username: 'officer', disabled: true, disabledReason: '调离岗位' } },
    });
    const disabledAt = (disabled.body.user as { disabledAt: string }).disabledAt;
    expect(Date.parse(disabledAt)).toBeGreaterThan(0);
    expect((await call({ method: 'GET', path: '/api/me', token: session.token })).status).toBe(401);
    const refused = await login('officer', 'officer-password');
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('disabled') as unknown,
    });
    // A wrong password still says only that: the account's state is told to whoever knows the password.
    expect((await login('officer', 'wrong-password-1')).status).toBe(401);

    // The directory user is disabled, signed by the administrator who asked; its key can sign nothing more.
    const directory = await hub.directory();
    expect(directory?.users['hub:officer']?.disabledAt).not.toBeNull();
    const report = await hub.report({ recordId: directoryId });
    expect(report?.proposals.at(-1)).toMatchObject({
      type: 'disableUser',
      userId: 'hub:admin',
      decision: 'accepted',
    });
    await expect(
      hub.propose({
        recordId: 'enterprise:hub:01JBQ5M8X0000000000000000A',
        staff: { username: 'officer', name: 'officer', role: 'registry_officer', countyCode: null },
        commands: [{ type: 'startReview', payload: {} }],
      }),
    ).rejects.toThrow(/disabled/);

    const users = await call({ method: 'GET', path: '/api/users', token: admin.token });
    const rows = users.body.users as { username: string; disabledAt: string | null }[];
    expect(rows.find((u) => u.username === 'officer')?.disabledAt).toBe(disabledAt);
    expect(rows.find((u) => u.username === 'admin')?.disabledAt).toBeNull();

    // An account that never acted has no directory user: disabling it proposes nothing there.
    await createUser({
      username: 'quiet',
      role: 'technician',
      scope: { level: 'country' },
      token: admin.token,
    });
    const proposalsBefore = (await hub.report({ recordId: directoryId }))?.proposals.length;
    expect(
      (
        await call({
          method: 'POST',
          path: '/api/users/quiet/disable',
          token: admin.token,
          body: { reason: '休假' },
        })
      ).status,
    ).toBe(200);
    expect((await hub.report({ recordId: directoryId }))?.proposals.length).toBe(proposalsBefore);

    const enabled = await call({ method: 'POST', path: '/api/users/officer/enable', token: admin.token });
    expect(enabled).toMatchObject({
      status: 200,
      body: { user: { username: 'officer', disabled: false, disabledAt: null } },
    });
    expect((await login('officer', 'officer-password')).status).toBe(200);
    expect(
      (await call({ method: 'POST', path: '/api/users/nobody/enable', token: admin.token })).status,
    ).toBe(404);
    // Its acts are signed by a new directory user now; the old one stays disabled, its log entries kept.
    await hub.propose({
      recordId: 'enterprise:hub:01JBQ5M8X0000000000000000A',
      staff: { username: 'officer', name: 'officer', role: 'registry_officer', countyCode: null },
      commands: [{ type: 'startReview', payload: {} }],
    });
    const enterprise = await hub.report({ recordId: 'enterprise:hub:01JBQ5M8X0000000000000000A' });
    expect(enterprise?.proposals.map((p) => [p.type, p.userId, p.decision])).toEqual([
      ['apply', 'hub:officer', 'accepted'],
      ['startReview', 'hub:officer:2', 'accepted'],
    ]);
    expect((await hub.directory())?.users['hub:officer']?.disabledAt).not.toBeNull();
  },
);
