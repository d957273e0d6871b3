import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { ComplaintState, CourseState } from '@jiazheng/sync/domain';
import { exportPublicKey, generateDeviceKeys } from '@jiazheng/sync/records';
import type { DeviceKey } from '@jiazheng/sync/node';
import { Projector } from '@jiazheng/sync/projections';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import { drizzle } from 'drizzle-orm/pglite';
import type { Hono } from 'hono';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { HubAccountService } from '../../services/hub-account-service';
import { DrizzleIdentityVault } from '../storage/drizzle-identity-vault';
import { JsonFileAccountStore } from '../files/json-file-account-store';
import { FileDocumentStore } from '../files/file-document-store';
import { JsonLinesSubmissionStore } from '../files/json-lines-submission-store';
import { SqlOrderReportSource } from '../reports/sql-order-report-source';
import { SqlClosingReportSource } from '../reports/sql-closing-report-source';
import { HubApplianceOversight } from '../sync/appliance-oversight';
import { HubPublicSite } from '../sync/hub-public-site';
import { HubRecordSet } from '../sync/hub-record-set';
import { HubRegistry } from '../sync/hub-registry';
import { CreditListService } from '../../services/credit-list-service';
import { RegistryService } from '../../services/registry-service';
import { TrainingService } from '../../services/training-service';
import { HubSync } from '../sync/hub-sync';
import { JsonLinesRecordingAccessLog } from '../recordings/json-lines-recording-access-log';
import { RecordingRelayHub } from '../recordings/recording-relay-hub';
import { createHubHttpApp, ENDPOINTS } from './http-app';

/*
 * No endpoint leaks another county's data: staff of 西湖区 (330106), in every role that reaches an
 * endpoint, try each one against 上城区 (330102), whose appliance, accounts, web order and records the
 * hub holds. Each answer is a refusal, or carries nothing of 上城区. A new endpoint in ENDPOINTS without
 * a case here fails the first test.
 */

const quiet = { info: () => {}, error: () => {} };
const adminToken = 'test-admin-token-0123456789';
const password = 'a-long-password-1';
const own = '330106';
const other = '330102';
/** What would give 上城区's data away in a response. */
const otherMarkers = [other, '上城区', 'sup-b', '上城'];

let pglite: PGlite;
let dir: string;
let hub: HubSync;
let app: Hono;
let otherOrderId: string;
let otherApplianceId: string;
let otherDocument: string;
let otherEnterpriseId: string;
let otherComplaintId: string;
const tokens = new Map<string, string>();

async function makeKey(deviceId: string): Promise<DeviceKey> {
  const keys = await generateDeviceKeys({ extractable: false });
  return { deviceId, publicKey: await exportPublicKey({ key: keys.publicKey }), privateKey: keys.privateKey };
}

type Call = { method: string; path: string; token?: string | undefined; body?: unknown };

async function call(options: Call): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await app.request(
    options.path,
    { method: options.method, headers, ...(body === undefined ? {} : { body }) },
    { incoming: { socket: { remoteAddress: '203.0.113.9' } } },
  );
  return { status: response.status, text: await response.text() };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jz-cross-county-'));
  const store = await MemoryRecordStore.open();
  const hubKey = await makeKey('hub-1');
  hub = new HubSync({ store, device: hubKey, logger: quiet });
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
  let now = Date.now();
  const documents = new FileDocumentStore({ dir: join(dir, 'documents') });
  const registryRecords = new HubRegistry({ store, db, propose: (o) => hub.propose(o) });
  const credit = new CreditListService({ source: registryRecords, now: () => now });
  const site = new HubPublicSite({
    store,
    device: hubKey,
    publish: (update) => hub.server.publish(update),
    directory: () => hub.directory(),
    propose: (o) => hub.propose(o),
    credit,
    now: () => now,
  });
  // 上城区's recordings have been listened to: the log names the county and a user of it.
  const recordingLog = new JsonLinesRecordingAccessLog({
    path: join(dir, 'recording-access.jsonl'),
    logger: quiet,
  });
  await recordingLog.append({
    entry: {
      at: new Date(now).toISOString(),
      username: 'sup-b',
      displayName: '上城区质检',
      role: 'quality_inspector',
      countyCode: other,
      callId: 'call-330102-1',
      purpose: '上城区投诉',
      range: null,
      status: 200,
      outcome: 'served',
      bytes: 44,
      durationMs: 5,
    },
  });
  app = createHubHttpApp({
    hub,
    adminToken,
    logger: quiet,
    accounts,
    complaints: new HubRecordSet<ComplaintState>({ store, hub, prefix: 'complaint:' }),
    recordings: { relay: new RecordingRelayHub({ hubId: 'hub-1', logger: quiet }), log: recordingLog },
    appliances: new HubApplianceOversight({ hub, store }),
    reports: new SqlOrderReportSource({ db }),
    closingReports: new SqlClosingReportSource({ db }),
    registry: new RegistryService({
      records: registryRecords,
      credit,
      identities: await DrizzleIdentityVault.open({ db, key: randomBytes(32) }),
      logger: quiet,
      now: () => now,
    }),
    training: new TrainingService({
      courses: new HubRecordSet<CourseState>({ store, hub, prefix: 'course:' }),
      workers: { readWorker: (o) => registryRecords.readWorker(o), proposeAsSystem: (o) => hub.propose(o) },
      logger: quiet,
      now: () => now,
    }),
    site: {
      source: site,
      submissions: new JsonLinesSubmissionStore({ dir, logger: quiet }),
      documents,
      now: () => now,
    },
  });
  // An applicant's licence scan, naming 上城区.
  otherDocument = (
    await documents.put({
      bytes: new TextEncoder().encode(`%PDF-1.4 上城区 ${other}`),
      type: 'application/pdf',
    })
  ).sha256;

  // Both counties' appliances enrolled; a citizen's web order for 上城区; the projection caught up.
  for (const county of [own, other]) {
    const key = await makeKey(`appliance-${county}-a`);
    await hub.provisionAppliance({ countyCode: county, deviceId: key.deviceId, publicKey: key.publicKey });
  }
  otherApplianceId = `appliance-${other}-a`;
  now += 60_000;
  otherOrderId = (
    await site.receiveWebOrder({
      countyCode: other,
      citizenName: '上城的王女士',
      citizenPhone: '+8613812345678',
      itemCode: 'FAM-CLEANING',
      address: '上城区解放路 1 号',
      wantedAt: null,
      notes: '',
    })
  ).recordId;
  // A citizen's complaint about a service in 上城区, from the website.
  otherComplaintId = (
    await site.receiveWebComplaint({
      countyCode: other,
      citizenName: '上城的李先生',
      citizenPhone: '+8613812345679',
      enterpriseId: null,
      enterpriseName: '上城某家政',
      kind: 'price',
      description: '上城区的保洁多收了费用',
    })
  ).recordId;
  // An enterprise applying to serve 上城区 only.
  otherEnterpriseId = (
    await site.receiveApplication({
      kind: 'enterprise',
      name: '上城家政',
      licenceNumber: '91330106MA27XL0R2J',
      contactName: '上城王经理',
      contactPhone: '+8657188886666',
      items: ['FAM-CLEANING'],
      counties: [other],
      documents: [],
    })
  ).recordId;
  await projector.catchUp();

  const login = async (username: string) => {
    const { text } = await call({ method: 'POST', path: '/api/auth/login', body: { username, password } });
    const token = (JSON.parse(text) as { token?: string }).token;
    if (token === undefined) throw new Error(`no session for ${username}: ${text}`);
    tokens.set(username, token);
  };
  await login('admin');
  const create = async (username: string, role: string, code: string) => {
    const { status, text } = await call({
      method: 'POST',
      path: '/api/users',
      token: tokens.get('admin'),
      body: { username, password, displayName: username, role, scope: { level: 'county', code } },
    });
    if (status !== 201) throw new Error(`could not create ${username}: ${text}`);
  };
  await create('sup-b', 'supervisor', other);
  for (const role of ['administrator', 'supervisor', 'central_office', 'technician', 'registry_officer']) {
    await create(`${role.replace('_', '-')}-a`, role, own);
    await login(`${role.replace('_', '-')}-a`);
  }
}, 60_000);

afterAll(async () => {
  await hub.stop();
  await pglite.close();
  await rm(dir, { recursive: true, force: true });
});

/** Every role of 西湖区 tries every case; ok: refused (4xx), or answered with nothing of 上城区. */
const everyone = [
  'administrator-a',
  'supervisor-a',
  'central-office-a',
  'technician-a',
  'registry-officer-a',
];

type Case = { endpoint: string; calls: () => Call[] };
const cases: Case[] = [
  { endpoint: 'GET /api', calls: () => [{ method: 'GET', path: '/api' }] },
  {
    endpoint: 'POST /api/announcements',
    calls: () => [{ method: 'POST', path: '/api/announcements', body: { title: '上城区通知', body: 'x' } }],
  },
  {
    endpoint: 'GET /api/public/complaints?limit=100',
    calls: () => [{ method: 'GET', path: '/api/public/complaints?limit=100' }],
  },
  {
    endpoint: 'POST /api/provision/appliance',
    calls: () => [
      {
        method: 'POST',
        path: '/api/provision/appliance',
        body: { countyCode: other, deviceId: 'appliance-330102-b', publicKey: `B${'A'.repeat(86)}` },
      },
    ],
  },
  {
    endpoint: 'POST /api/provision/device',
    calls: () =>
      [other, null].map((countyCode) => ({
        method: 'POST',
        path: '/api/provision/device',
        body: {
          userId: 'ct-b',
          name: '上城坐席',
          role: 'call_taker',
          countyCode,
          deviceId: 'pwa-b-1',
          publicKey: `B${'A'.repeat(86)}`,
          kind: 'pwa',
        },
      })),
  },
  {
    endpoint: 'GET /api/sync/digest?prefix=order:330106:',
    calls: () =>
      [`order:${other}:`, 'order:', '', 'directory:'].map((prefix) => ({
        method: 'GET',
        path: `/api/sync/digest?prefix=${encodeURIComponent(prefix)}`,
      })),
  },
  {
    endpoint: 'GET /api/records/:recordId',
    calls: () =>
      [otherOrderId, hub.identity().directoryId].map((id) => ({
        method: 'GET',
        path: `/api/records/${encodeURIComponent(id)}`,
      })),
  },
  {
    endpoint: 'GET /api/reports/orders?level=province&period=month&from=2026-01-01&to=2026-12-31',
    calls: () =>
      [`&within=${other}`, '&within=330100', '&within=330000', '', `&within=${other}&format=csv`].map(
        (q) => ({
          method: 'GET',
          path: `/api/reports/orders?level=county&period=month&from=2026-01-01&to=2026-12-31${q}`,
        }),
      ),
  },
  {
    endpoint: 'GET /api/reports/calls?level=province&period=month&from=2026-01-01&to=2026-12-31',
    calls: () =>
      [`&within=${other}`, '&within=330100', '&within=330000', '', `&within=${other}&format=csv`].map(
        (q) => ({
          method: 'GET',
          path: `/api/reports/calls?level=county&period=month&from=2026-01-01&to=2026-12-31${q}`,
        }),
      ),
  },
  {
    endpoint: 'GET /api/reports/closings?from=2026-01-01&to=2026-12-31',
    calls: () =>
      [`&within=${other}`, '&within=330100', '', '&period=day&within=330000'].map((q) => ({
        method: 'GET',
        path: `/api/reports/closings?from=2026-01-01&to=2026-12-31${q}`,
      })),
  },
  {
    endpoint: 'POST /api/auth/login',
    calls: () => [
      { method: 'POST', path: '/api/auth/login', body: { username: 'sup-b', password: 'guess-it-1234' } },
    ],
  },
  { endpoint: 'POST /api/auth/logout', calls: () => [] },
  { endpoint: 'GET /api/me', calls: () => [{ method: 'GET', path: '/api/me' }] },
  { endpoint: 'GET /api/users', calls: () => [{ method: 'GET', path: '/api/users' }] },
  {
    endpoint: 'POST /api/users',
    calls: () => [
      {
        method: 'POST',
        path: '/api/users',
        body: {
          username: 'new-b',
          password,
          displayName: '上城新人',
          role: 'call_taker',
          scope: { level: 'county', code: other },
        },
      },
    ],
  },
  {
    endpoint: 'GET /api/documents/:sha256',
    calls: () => [{ method: 'GET', path: `/api/documents/${otherDocument}` }],
  },
  { endpoint: 'GET /api/appliances', calls: () => [{ method: 'GET', path: '/api/appliances' }] },
  {
    endpoint: 'GET /api/recordings/:countyCode/:callId?purpose=…',
    calls: () => [{ method: 'GET', path: `/api/recordings/${other}/call-330102-1?purpose=test` }],
  },
  {
    endpoint: 'GET /api/recordings/access-log?countyCode=330106',
    calls: () =>
      [`?countyCode=${other}`, '', '?countyCode=330100'].map((q) => ({
        method: 'GET',
        path: `/api/recordings/access-log${q}`,
      })),
  },
  {
    endpoint: 'POST /api/auth/password',
    calls: () => [
      {
        method: 'POST',
        path: '/api/auth/password',
        body: { currentPassword: password, newPassword: 'another-long-password-2' },
      },
    ],
  },
  ...(['password', 'disable', 'enable'] as const).map((action): Case => ({
    endpoint: `POST /api/users/:username/${action}`,
    calls: () => [
      {
        method: 'POST',
        path: `/api/users/sup-b/${action}`,
        body:
          action === 'password'
            ? { newPassword: 'taken-over-password-1' }
            : action === 'disable'
              ? { reason: '试试' }
              : undefined,
      },
    ],
  })),
  {
    endpoint: 'GET /api/registry/enterprises?status=&kind=&q=',
    calls: () =>
      ['', '?q=%E4%B8%8A%E5%9F%8E', '?status=applied'].map((q) => ({
        method: 'GET',
        path: `/api/registry/enterprises${q}`,
      })),
  },
  {
    endpoint: 'GET /api/registry/enterprises/:recordId',
    calls: () => [
      { method: 'GET', path: `/api/registry/enterprises/${encodeURIComponent(otherEnterpriseId)}` },
    ],
  },
  {
    endpoint: 'POST /api/registry/enterprises/:recordId/commands',
    calls: () => [
      {
        method: 'POST',
        path: `/api/registry/enterprises/${encodeURIComponent(otherEnterpriseId)}/commands`,
        body: { type: 'startReview', payload: {} },
      },
    ],
  },
  {
    endpoint: 'GET /api/registry/workers?enterpriseId=',
    calls: () => [
      { method: 'GET', path: `/api/registry/workers?enterpriseId=${encodeURIComponent(otherEnterpriseId)}` },
    ],
  },
  {
    endpoint: 'POST /api/registry/workers/:recordId/commands',
    calls: () => [
      {
        method: 'POST',
        path: `/api/registry/workers/${encodeURIComponent('worker:hub:01JBQ5M8X00000000000000009')}/commands`,
        body: { type: 'suspendWorker', payload: { reason: '上城区投诉' } },
      },
    ],
  },
  {
    endpoint: 'GET /api/complaints?status=filed&overdue=1&assignedTo=hub:inspector',
    calls: () =>
      ['', '?status=filed', '?overdue=0', '?assignedTo=hub%3Asup-b'].map((q) => ({
        method: 'GET',
        path: `/api/complaints${q}`,
      })),
  },
  {
    endpoint: 'GET /api/complaints/:recordId',
    calls: () => [{ method: 'GET', path: `/api/complaints/${encodeURIComponent(otherComplaintId)}` }],
  },
  {
    endpoint: 'POST /api/complaints',
    calls: () => [
      {
        method: 'POST',
        path: '/api/complaints',
        body: { countyCode: other, kind: 'price', description: '上城区投诉', enterpriseName: '上城家政' },
      },
    ],
  },
  {
    endpoint: 'POST /api/complaints/:recordId/commands',
    calls: () =>
      [
        { type: 'withdraw', payload: { reason: '上城区撤回' } },
        { type: 'assign', payload: { userId: 'hub:sup-b', role: 'quality_inspector' } },
      ].map((body) => ({
        method: 'POST',
        path: `/api/complaints/${encodeURIComponent(otherComplaintId)}/commands`,
        body,
      })),
  },
  { endpoint: 'GET /api/registry/credit', calls: () => [{ method: 'GET', path: '/api/registry/credit' }] },
  {
    endpoint: 'POST /api/registry/workers',
    calls: () => [
      {
        method: 'POST',
        path: '/api/registry/workers',
        body: { enterpriseId: otherEnterpriseId, name: '上城阿姨', idNumber: '11010519491231002X' },
      },
    ],
  },
  {
    endpoint: 'GET /api/registry/workers/:recordId/identity',
    calls: () => [
      {
        method: 'GET',
        path: `/api/registry/workers/${encodeURIComponent('worker:hub:01JBQ5M8X00000000000000009')}/identity`,
      },
    ],
  },
  // Training is national: county staff are refused whatever the course.
  {
    endpoint: 'GET /api/training/courses?status=&kind=',
    calls: () => [{ method: 'GET', path: '/api/training/courses' }],
  },
  {
    endpoint: 'GET /api/training/courses/:recordId',
    calls: () => [
      {
        method: 'GET',
        path: `/api/training/courses/${encodeURIComponent('course:hub:01JBQ5M8X00000000000000009')}`,
      },
    ],
  },
  {
    endpoint: 'POST /api/training/courses',
    calls: () => [
      {
        method: 'POST',
        path: '/api/training/courses',
        body: {
          kind: 'lecture',
          code: 'SC-330102',
          name: '上城区讲座',
          hours: 2,
          venue: '上城区',
          capacity: 10,
          sessions: [{ startsAt: Date.now() + 86_400_000, endsAt: Date.now() + 90_000_000 }],
        },
      },
    ],
  },
  {
    endpoint: 'POST /api/training/courses/:recordId/commands',
    calls: () => [
      {
        method: 'POST',
        path: `/api/training/courses/${encodeURIComponent('course:hub:01JBQ5M8X00000000000000009')}/commands`,
        body: { type: 'cancel', payload: { reason: '上城区' } },
      },
    ],
  },
  {
    endpoint: 'POST /api/appliances/:deviceId/revoke',
    calls: () => [
      {
        method: 'POST',
        path: `/api/appliances/${encodeURIComponent(otherApplianceId)}/revoke`,
        body: { reason: '试试' },
      },
    ],
  },
];

test('every /api endpoint the hub lists has a cross-county case here', () => {
  const listed = ENDPOINTS.filter((e) => e.path.startsWith('/api')).map((e) => `${e.method} ${e.path}`);
  expect(cases.map((c) => c.endpoint).sort()).toEqual([...listed].sort());
});

test.each(cases.filter((c) => c.endpoint !== 'POST /api/auth/logout'))(
  '$endpoint: refused to 西湖区 staff, or nothing of 上城区 in the answer',
  async ({ calls }) => {
    for (const username of everyone) {
      for (const request of calls()) {
        const { status, text } = await call({ ...request, token: tokens.get(username) });
        expect(status, `${username} ${request.method} ${request.path}: ${text}`).toBeLessThan(500);
        if (status >= 400) continue;
        for (const marker of otherMarkers)
          expect(text, `${username} ${request.method} ${request.path}`).not.toContain(marker);
      }
    }
    // Something must have been tried.
    expect(calls().length).toBeGreaterThan(0);
  },
);

test('the refused writes changed nothing: 上城区 keeps its appliance, and no account or device was added', async () => {
  const { text } = await call({ method: 'GET', path: '/api/appliances', token: tokens.get('admin') });
  const appliances = (JSON.parse(text) as { appliances: { deviceId: string; revoked: unknown }[] })
    .appliances;
  expect(appliances.find((a) => a.deviceId === otherApplianceId)?.revoked).toBeNull();
  expect(appliances.map((a) => a.deviceId)).not.toContain('appliance-330102-b');
  const users = await call({ method: 'GET', path: '/api/users', token: tokens.get('admin') });
  expect(users.text).not.toContain('new-b');
  const directory = await hub.directory();
  expect(directory?.devices['pwa-b-1']).toBeUndefined();
  expect(users.text).toContain('"username":"sup-b"');
  const supB = (JSON.parse(users.text) as { users: { username: string; disabledAt: unknown }[] }).users.find(
    (u) => u.username === 'sup-b',
  );
  expect(supB?.disabledAt).toBeNull();
  const enterprise = await call({
    method: 'GET',
    path: `/api/registry/enterprises/${encodeURIComponent(otherEnterpriseId)}`,
    token: tokens.get('admin'),
  });
  expect(JSON.parse(enterprise.text)).toMatchObject({
    enterprise: { status: 'applied' },
    log: [{ type: 'apply' }],
  });
  const complaint = await call({
    method: 'GET',
    path: `/api/complaints/${encodeURIComponent(otherComplaintId)}`,
    token: tokens.get('admin'),
  });
  expect(JSON.parse(complaint.text)).toMatchObject({
    complaint: { status: 'filed', countyCode: other },
    history: [{ type: 'file', decision: 'accepted' }],
  });
});

test('the country administrator does reach 上城区 through the same endpoints (the cases can see a leak)', async () => {
  const token = tokens.get('admin');
  const record = await call({
    method: 'GET',
    path: `/api/records/${encodeURIComponent(otherOrderId)}`,
    token,
  });
  expect(record.status).toBe(200);
  expect(record.text).toContain(other);
  const appliances = await call({ method: 'GET', path: '/api/appliances', token });
  expect(appliances.text).toContain(other);
  const users = await call({ method: 'GET', path: '/api/users', token });
  expect(users.text).toContain('sup-b');
  const document = await call({ method: 'GET', path: `/api/documents/${otherDocument}`, token });
  expect(document.status).toBe(200);
  expect(document.text).toContain(other);
  const registry = await call({ method: 'GET', path: '/api/registry/enterprises', token });
  expect(registry.status).toBe(200);
  expect(registry.text).toContain('上城家政');
  const complaints = await call({ method: 'GET', path: '/api/complaints', token });
  expect(complaints.status).toBe(200);
  expect(complaints.text).toContain(otherComplaintId);
});

test('logging out ends only the caller’s own session', async () => {
  const before = await call({ method: 'GET', path: '/api/me', token: tokens.get('supervisor-a') });
  expect(before.status).toBe(200);
  const out = await call({ method: 'POST', path: '/api/auth/logout', token: tokens.get('supervisor-a') });
  expect(out.status).toBe(200);
  expect((await call({ method: 'GET', path: '/api/me', token: tokens.get('supervisor-a') })).status).toBe(
    401,
  );
  expect((await call({ method: 'GET', path: '/api/me', token: tokens.get('admin') })).status).toBe(200);
});
