import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createId, formatRecordId, type ComplaintState } from '@jiazheng/sync/domain';
import type { DeviceKey } from '@jiazheng/sync/node';
import { exportPublicKey, generateDeviceKeys } from '@jiazheng/sync/records';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CreateAccountRequest } from '../../domain/hub-accounts';
import { ADMIN_TOKEN_PRINCIPAL, HubAccountService } from '../../services/hub-account-service';
import { JsonFileAccountStore } from '../files/json-file-account-store';
import { JsonLinesSubmissionStore } from '../files/json-lines-submission-store';
import { HubPublicSite } from '../sync/hub-public-site';
import { HubRecordSet } from '../sync/hub-record-set';
import { HubSync } from '../sync/hub-sync';
import { installComplaintRoutes } from './complaint-routes';
import { createHubHttpApp, type ErrorBody } from './http-app';

/*
 * The complaint endpoints against the real hub: every act a signed proposal of the staff account's own
 * directory user, decided by the hub (the complaints' home) with the domain's reducer.
 */

const quiet = { info: () => {}, error: () => {} };
const adminToken = 'test-admin-token-0123456789';
const password = 'complaint-pass-123';
const DAY = 24 * 3_600_000;
/** The hub's and the routes' clock: real time, moved ahead to make complaints overdue. */
const clock = { offset: 0 };
const now = () => Date.now() + clock.offset;

let dir: string;
let hub: HubSync;
let app: Hono;
let enterpriseId: string;
const tokens: Record<string, string> = {};

async function makeKey(deviceId: string): Promise<DeviceKey> {
  const keys = await generateDeviceKeys({ extractable: false });
  return { deviceId, publicKey: await exportPublicKey({ key: keys.publicKey }), privateKey: keys.privateKey };
}

const staff: Array<Omit<CreateAccountRequest, 'password'>> = [
  { username: 'inspector', displayName: '钱检查员', role: 'quality_inspector', scope: { level: 'country' } },
  { username: 'lawyer', displayName: '孙律师', role: 'legal_consultant', scope: { level: 'country' } },
  { username: 'chief', displayName: '周主任', role: 'administrator', scope: { level: 'country' } },
  { username: 'analyst', displayName: '吴分析', role: 'central_office', scope: { level: 'country' } },
  {
    username: 'jiangsu',
    displayName: '江苏分析',
    role: 'central_office',
    scope: { level: 'province', code: '320000' },
  },
  {
    username: 'zj-inspector',
    displayName: '浙江检查',
    role: 'quality_inspector',
    scope: { level: 'province', code: '330000' },
  },
  {
    username: 'xihu',
    displayName: '西湖班长',
    role: 'supervisor',
    scope: { level: 'county', code: '330106' },
  },
  {
    username: 'shangcheng',
    displayName: '上城班长',
    role: 'supervisor',
    scope: { level: 'county', code: '330102' },
  },
];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jz-complaints-'));
  const store = await MemoryRecordStore.open();
  const hubKey = await makeKey('hub-1');
  hub = new HubSync({ store, device: hubKey, logger: quiet, now });
  await hub.start();
  // The website offers the counties with an appliance.
  const appliance = await makeKey('appliance-330106-a');
  await hub.provisionAppliance({
    countyCode: '330106',
    deviceId: appliance.deviceId,
    publicKey: appliance.publicKey,
  });
  enterpriseId = formatRecordId({ kind: 'enterprise', scope: 'hub', id: createId() });
  await hub.propose({
    recordId: enterpriseId,
    commands: [
      {
        type: 'apply',
        payload: {
          enterpriseId,
          kind: 'enterprise',
          name: '西湖家政',
          licenceNumber: '91330106MA27XL0R2J',
          contactName: '王经理',
          contactPhone: '+8657188886666',
          documents: [],
          items: ['FAM-CLEANING'],
          counties: ['330106'],
        },
      },
    ],
  });
  const accounts = new HubAccountService({
    store: await JsonFileAccountStore.open({ path: join(dir, 'accounts.json') }),
    logger: quiet,
  });
  await accounts.start();
  for (const account of staff) {
    await accounts.createAccount({ by: ADMIN_TOKEN_PRINCIPAL, request: { ...account, password } });
    const session = await accounts.login({ username: account.username, password, address: '127.0.0.1' });
    tokens[account.username] = session.token;
  }
  const source = new HubPublicSite({
    store,
    device: hubKey,
    publish: (update) => hub.server.publish(update),
    directory: () => hub.directory(),
    propose: (o) => hub.propose(o),
    credit: { entries: () => Promise.resolve(new Map()) },
    now,
  });
  const submissions = new JsonLinesSubmissionStore({ dir, logger: quiet });
  app = createHubHttpApp({ hub, adminToken, logger: quiet, accounts, site: { source, submissions, now } });
  // Installed here rather than through createHubHttpApp's option, to give the routes the test's clock.
  installComplaintRoutes({
    app,
    complaints: new HubRecordSet<ComplaintState>({ store, hub, prefix: 'complaint:' }),
    now,
  });
  // Sixteen scrypt hashes (eight accounts, each created and logged in) on a shared two-core machine.
}, 120_000);

afterAll(async () => {
  await hub.stop();
  await rm(dir, { recursive: true, force: true });
});

function call(as: string, method: string, path: string, body?: unknown) {
  const authorization = `Bearer ${tokens[as] ?? adminToken}`;
  if (body === undefined) return app.request(path, { method, headers: { authorization } });
  return app.request(path, {
    method,
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

type Complaint = Record<string, unknown> & { recordId: string; status: string; dueAt: number };

async function file(as: string, body: Record<string, unknown> = {}): Promise<Complaint> {
  const response = await call(as, 'POST', '/api/complaints', {
    countyCode: '330106',
    kind: 'quality',
    description: '保洁没有按约定打扫厨房',
    enterpriseId,
    citizenName: '张女士',
    citizenPhone: '0571-8888 6666',
    ...body,
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { complaint: Complaint }).complaint;
}

async function command(as: string, recordId: string, type: string, payload: unknown) {
  return call(as, 'POST', `/api/complaints/${recordId}/commands`, { type, payload });
}

async function errorOf(response: Response) {
  return { status: response.status, ...((await response.json()) as ErrorBody).error };
}

describe('filing', () => {
  test('staff file a complaint: the default time limit, the phone canonical, signed as their own user', async () => {
    const before = now();
    const complaint = await file('inspector');
    expect(complaint.recordId).toMatch(/^complaint:hub:[0-9A-Z]{26}$/);
    expect(complaint).toMatchObject({
      source: 'call',
      status: 'filed',
      countyCode: '330106',
      enterpriseId,
      citizenPhone: '+8657188886666',
      filedBy: 'hub:inspector',
      overdue: false,
    });
    expect(complaint.dueAt - before).toBeGreaterThanOrEqual(15 * DAY);
    expect(complaint.dueAt - before).toBeLessThan(15 * DAY + 60_000);
    const price = await file('xihu', { kind: 'price', timeLimitDays: 3 });
    expect(price.dueAt - now()).toBeLessThanOrEqual(3 * DAY);
    expect(price.filedBy).toBe('hub:xihu');
  });

  test('bad input names the field', async () => {
    const post = (body: unknown, as = 'inspector') => call(as, 'POST', '/api/complaints', body);
    const good = { countyCode: '330106', kind: 'price', description: '多收费', enterpriseName: '某家政' };
    expect(await errorOf(await post({ ...good, kind: 'service' }))).toMatchObject({
      status: 400,
      field: 'kind',
    });
    expect(await errorOf(await post({ ...good, countyCode: '330100' }))).toMatchObject({
      status: 400,
      field: 'countyCode',
    });
    expect(await errorOf(await post({ ...good, citizenPhone: '12' }))).toMatchObject({
      status: 400,
      field: 'citizenPhone',
    });
    expect(await errorOf(await post({ ...good, timeLimitDays: 90 }))).toMatchObject({
      status: 400,
      field: 'timeLimitDays',
    });
    expect(await errorOf(await post({ ...good, secret: 1 }))).toMatchObject({ status: 400, field: 'secret' });
    expect(await errorOf(await post([good]))).toMatchObject({ status: 400, field: 'body' });
    // The reducer's refusals come back with its field.
    expect(await errorOf(await post({ ...good, enterpriseName: '' }))).toMatchObject({
      status: 400,
      field: 'payload.enterpriseName',
    });
    expect(
      await errorOf(
        await post({
          ...good,
          enterpriseId: formatRecordId({ kind: 'enterprise', scope: 'hub', id: createId() }),
        }),
      ),
    ).toMatchObject({ status: 404, field: 'payload.enterpriseId' });
    expect(
      await errorOf(await post({ ...good, orderId: 'order:330102:01JBQ5M8X0000000000000000R' })),
    ).toMatchObject({
      status: 400,
      field: 'payload.orderId',
    });
  });

  test("who may file: not the analyst, not a county outside the caller's scope", async () => {
    const good = { countyCode: '330106', kind: 'price', description: '多收费', enterpriseName: '某家政' };
    expect(await errorOf(await call('analyst', 'POST', '/api/complaints', good))).toMatchObject({
      status: 403,
      field: 'authorization',
    });
    expect(await errorOf(await call('shangcheng', 'POST', '/api/complaints', good))).toMatchObject({
      status: 403,
      field: 'countyCode',
    });
    // A province's inspector acts as a central user, held to the province here.
    expect(
      await errorOf(await call('zj-inspector', 'POST', '/api/complaints', { ...good, countyCode: '320102' })),
    ).toMatchObject({ status: 403, field: 'countyCode' });
    expect((await app.request('/api/complaints', { method: 'POST' })).status).toBe(401);
  });
});

describe('arbitration', () => {
  test('assign, evidence with its recording URL, a refused decision, the decision; the history shows each', async () => {
    const { recordId } = await file('xihu');
    const assign = await command('chief', recordId, 'assign', {
      userId: 'hub:inspector',
      role: 'quality_inspector',
    });
    expect(assign.status).toBe(200);
    expect(((await assign.json()) as { complaint: Complaint }).complaint).toMatchObject({
      status: 'assigned',
      assignee: { userId: 'hub:inspector', role: 'quality_inspector' },
    });
    const evidence = await command('xihu', recordId, 'attachEvidence', {
      kind: 'recording',
      countyCode: '330106',
      callId: 'call-01J9',
    });
    expect(evidence.status).toBe(200);
    expect(
      await errorOf(
        await command('shangcheng', recordId, 'attachEvidence', {
          kind: 'photo',
          sha256: 'a'.repeat(64),
          name: 'x.jpg',
        }),
      ),
    ).toMatchObject({
      status: 403,
      field: 'recordId',
    });
    expect(
      await errorOf(
        await command('lawyer', recordId, 'decide', { outcome: { kind: 'dismissed' }, reason: '不属实' }),
      ),
    ).toMatchObject({ status: 403, field: 'command.actor.userId' });
    expect(
      await errorOf(
        await command('inspector', recordId, 'decide', {
          outcome: { kind: 'penalty', points: 0 },
          reason: '属实',
        }),
      ),
    ).toMatchObject({ status: 400, field: 'payload.outcome.points' });
    const decided = await command('inspector', recordId, 'decide', {
      outcome: { kind: 'penalty', points: 6 },
      reason: '经核实服务未达标准',
    });
    expect(decided.status).toBe(200);

    const detail = await call('analyst', 'GET', `/api/complaints/${recordId}`);
    expect(detail.status).toBe(200);
    const body = (await detail.json()) as {
      complaint: Complaint & { evidence: unknown[] };
      history: Array<{ type: string; userId: string; decision: string }>;
    };
    expect(body.complaint).toMatchObject({
      status: 'decided',
      outcome: { kind: 'penalty', points: 6 },
      decidedBy: 'hub:inspector',
      overdue: false,
    });
    expect(body.complaint.evidence).toMatchObject([
      {
        kind: 'recording',
        countyCode: '330106',
        callId: 'call-01J9',
        by: 'hub:xihu',
        url: `/api/recordings/330106/call-01J9?purpose=${encodeURIComponent(recordId)}`,
      },
    ]);
    expect(body.history.map((h) => [h.type, h.userId, h.decision])).toEqual([
      ['file', 'hub:xihu', 'accepted'],
      ['assign', 'hub:chief', 'accepted'],
      ['attachEvidence', 'hub:xihu', 'accepted'],
      ['decide', 'hub:lawyer', 'rejected'],
      ['decide', 'hub:inspector', 'accepted'],
    ]);
  });

  test("withdrawn by the county's desk; commands outside the list or on unknown records are refused", async () => {
    const { recordId } = await file('xihu');
    const withdrawn = await command('xihu', recordId, 'withdraw', { reason: '已协商解决' });
    expect(((await withdrawn.json()) as { complaint: Complaint }).complaint.status).toBe('withdrawn');
    expect(await errorOf(await command('xihu', recordId, 'file', {}))).toMatchObject({
      status: 400,
      field: 'type',
    });
    expect(
      await errorOf(await command('chief', recordId, 'assign', { userId: 'x', role: 'legal_consultant' })),
    ).toMatchObject({
      status: 409,
      field: 'command.type',
    });
    const unknown = formatRecordId({ kind: 'complaint', scope: 'hub', id: createId() });
    expect(await errorOf(await command('chief', unknown, 'withdraw', { reason: 'x' }))).toMatchObject({
      status: 404,
      field: 'recordId',
    });
    expect(
      await errorOf(await call('chief', 'GET', '/api/complaints/order:330106:01JBQ5M8X0000000000000000R')),
    ).toMatchObject({
      status: 400,
      field: 'recordId',
    });
  });
});

describe('the list', () => {
  test('filters by status, assignee and overdue; scope limits it; desk roles do not read it', async () => {
    const other = await file('chief', {
      countyCode: '330102',
      enterpriseId: null,
      enterpriseName: '上城某家政',
      kind: 'price',
    });
    const mine = await file('chief');
    await command('chief', mine.recordId, 'assign', { userId: 'hub:lawyer', role: 'legal_consultant' });
    const list = async (as: string, query = '') => {
      const response = await call(as, 'GET', `/api/complaints${query}`);
      expect(response.status, await response.clone().text()).toBe(200);
      return ((await response.json()) as { complaints: Complaint[] }).complaints;
    };
    const all = await list('analyst');
    expect(all.map((c) => c.recordId)).toEqual(expect.arrayContaining([other.recordId, mine.recordId]));
    expect(all.map((c) => c.dueAt)).toEqual([...all.map((c) => c.dueAt)].sort((a, b) => a - b));
    expect((await list('lawyer', '?assignedTo=hub:lawyer')).map((c) => c.recordId)).toEqual([mine.recordId]);
    expect((await list('inspector', '?status=withdrawn')).every((c) => c.status === 'withdrawn')).toBe(true);
    expect(await list('jiangsu')).toEqual([]);
    const zhejiang = await list('zj-inspector');
    expect(zhejiang.every((c) => ['330106', '330102'].includes(c.countyCode as string))).toBe(true);
    expect(zhejiang.length).toBe(all.length);
    expect(await list('inspector', '?overdue=1')).toEqual([]);

    // Eight days on, the price complaint (7 days) is overdue, the quality one (15) not yet.
    clock.offset += 8 * DAY;
    const overdue = await list('inspector', '?overdue=1');
    expect(overdue.map((c) => c.recordId)).toContain(other.recordId);
    expect(overdue.map((c) => c.recordId)).not.toContain(mine.recordId);
    expect(
      overdue.every((c) => c.overdue === true && (c.status === 'filed' || c.status === 'assigned')),
    ).toBe(true);
    clock.offset -= 8 * DAY;

    expect(await errorOf(await call('xihu', 'GET', '/api/complaints'))).toMatchObject({ status: 403 });
    expect(await errorOf(await call('inspector', 'GET', '/api/complaints?status=open'))).toMatchObject({
      status: 400,
      field: 'status',
    });
    expect(
      await errorOf(await call('inspector', 'GET', '/api/complaints?overdue=1&overdue=0')),
    ).toMatchObject({
      status: 400,
      field: 'overdue',
    });
    expect(await errorOf(await call('jiangsu', 'GET', `/api/complaints/${mine.recordId}`))).toMatchObject({
      status: 403,
      field: 'recordId',
    });
  });
});

test("the website's complaint form files a complaint record as the hub's system user", async () => {
  const form = {
    name: '赵女士',
    phone: '138 0013 8000',
    countyCode: '330106',
    enterpriseId: '',
    enterpriseName: '<b>路边家政</b>',
    kind: 'price',
    description: '上门后临时加价两百元，与电话报价不符。',
  };
  const response = await app.request(
    '/complaint',
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    },
    { incoming: { socket: { remoteAddress: '203.0.113.9' } } },
  );
  expect(response.status).toBe(303);
  const ref = /ref=([0-9A-Z]{8})$/.exec(response.headers.get('location') ?? '')?.[1];
  expect(ref).toBeDefined();
  const listed = await call('inspector', 'GET', '/api/complaints?status=filed');
  const { complaints } = (await listed.json()) as { complaints: Complaint[] };
  const web = complaints.find((c) => c.recordId.endsWith(ref ?? '-'));
  expect(web).toMatchObject({
    source: 'web',
    countyCode: '330106',
    enterpriseId: null,
    enterpriseName: '<b>路边家政</b>',
    kind: 'price',
    citizenName: '赵女士',
    citizenPhone: '+8613800138000',
    filedBy: 'hub',
    evidence: [],
  });
  // Seven days from when the site took it (the hub signs a moment later).
  const limit = (web?.dueAt ?? 0) - (web?.filedAt as number);
  expect(limit).toBeGreaterThan(7 * DAY - 1_000);
  expect(limit).toBeLessThanOrEqual(7 * DAY);
  // A county outside the network's list is refused with the field, and nothing is filed.
  const refused = await app.request(
    '/complaint',
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form, countyCode: '330102' }).toString(),
    },
    { incoming: { socket: { remoteAddress: '203.0.113.9' } } },
  );
  expect(refused.status).toBe(400);
  expect(await refused.text()).toContain('data-field="countyCode"');
});
