import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import {
  buildRegisterWorkerPayload,
  createId,
  formatRecordId,
  ReviewCheck,
  type EnterpriseState,
} from '@jiazheng/sync/domain';
import type { DeviceKey } from '@jiazheng/sync/node';
import { orders, Projector, type ProjectionDatabase } from '@jiazheng/sync/projections';
import { exportPublicKey, generateDeviceKeys } from '@jiazheng/sync/records';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import { drizzle } from 'drizzle-orm/pglite';
import type { Hono } from 'hono';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { EnterpriseApplicationRequest } from '../../ports/public-site-source';
import { CreditListService } from '../../services/credit-list-service';
import { HubAccountService } from '../../services/hub-account-service';
import { RegistryService } from '../../services/registry-service';
import { DrizzleIdentityVault } from '../storage/drizzle-identity-vault';
import { JsonFileAccountStore } from '../files/json-file-account-store';
import { FileDocumentStore } from '../files/file-document-store';
import { JsonLinesSubmissionStore } from '../files/json-lines-submission-store';
import { HubPublicSite } from '../sync/hub-public-site';
import { HubRegistry } from '../sync/hub-registry';
import { HubSync, type StaffActor } from '../sync/hub-sync';
import { createHubHttpApp } from './http-app';

/*
 * The registry officer's API against the real hub: applications from the website reviewed, approved,
 * activated and sanctioned through signed proposals the hub decides, workers trained and suspended, and
 * the credit lists computed from the records and the projections (PGlite).
 */

const quiet = { info: () => {}, error: () => {} };
/** What the registry service logs: each reading of a full identity number. */
const registryLog: string[] = [];
const adminToken = 'test-admin-token-0123456789';
const password = 'a-long-password-1';
const day = 24 * 3600 * 1000;
const allChecks = Object.fromEntries(Object.values(ReviewCheck).map((c) => [c, true]));

let dir: string;
let pglite: PGlite;
let hub: HubSync;
let app: Hono;
let site: HubPublicSite;
let projector: Projector;
let db: ProjectionDatabase;
let now = Date.now();
const tokens = new Map<string, string>();

async function makeKey(deviceId: string): Promise<DeviceKey> {
  const keys = await generateDeviceKeys({ extractable: false });
  return { deviceId, publicKey: await exportPublicKey({ key: keys.publicKey }), privateKey: keys.privateKey };
}

async function call(options: {
  method: string;
  path: string;
  as: string;
  body?: unknown;
}): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${options.as === 'admin-token' ? adminToken : (tokens.get(options.as) ?? '')}`,
  };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await app.request(
    options.path,
    {
      method: options.method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    },
    { incoming: { socket: { remoteAddress: '203.0.113.7' } } },
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const command = (recordId: string, as: string, type: string, payload: unknown) =>
  call({
    method: 'POST',
    path: `/api/registry/enterprises/${encodeURIComponent(recordId)}/commands`,
    as,
    body: { type, payload },
  });

const agreement = () => ({
  number: 'QA-2026-001',
  signedAt: now - day,
  validFrom: now - day,
  validTo: now + 365 * day,
});

function application(name: string, overrides: Partial<EnterpriseApplicationRequest> = {}) {
  return site.receiveApplication({
    kind: 'enterprise',
    name,
    licenceNumber: '91330106MA27XL0R2J',
    contactName: '王经理',
    contactPhone: '+8657188886666',
    items: ['FAM-CLEANING'],
    counties: ['330106'],
    documents: [],
    ...overrides,
  });
}

/** Applied, reviewed, approved and activated by the officer over the API. */
async function activeEnterprise(
  name: string,
  overrides: Partial<EnterpriseApplicationRequest> = {},
): Promise<string> {
  const { recordId } = await application(name, overrides);
  for (const [type, payload] of [
    ['startReview', {}],
    ['approve', { checklist: allChecks, agreement: agreement() }],
    ['activate', {}],
  ] as const) {
    const answer = await command(recordId, 'officer', type, payload);
    if (answer.status !== 200) throw new Error(`${type}: ${JSON.stringify(answer.body)}`);
  }
  return recordId;
}

/** Workers registered and trained by the hub's system user (as the training centre's import does). */
async function trainedWorkers(enterpriseId: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const workerId = formatRecordId({ kind: 'worker', scope: 'hub', id: createId() });
    const payload = buildRegisterWorkerPayload({
      workerId,
      enterpriseId,
      name: `阿姨${i + 1}`,
      idNumber: '11010519491231002X',
      phone: null,
    });
    if (!payload.ok) throw payload.error;
    await hub.propose({
      recordId: workerId,
      commands: [
        { type: 'registerWorker', payload: payload.value },
        {
          type: 'recordTraining',
          payload: {
            training: {
              courseCode: 'PRE-001',
              courseName: '岗前培训',
              grants: 'pre_post_training',
              hours: 40,
              examScore: 88,
              passMark: 60,
              completedAt: now - 10 * day,
              validUntil: now + 355 * day,
            },
          },
        },
      ],
    });
    ids.push(workerId);
  }
  return ids;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jz-registry-'));
  const store = await MemoryRecordStore.open();
  const hubKey = await makeKey('hub-1');
  hub = new HubSync({ store, device: hubKey, logger: quiet });
  await hub.start();
  pglite = new PGlite();
  db = drizzle({ client: pglite });
  projector = new Projector({ db, store });
  await projector.migrate();
  const accounts = new HubAccountService({
    store: await JsonFileAccountStore.open({ path: join(dir, 'accounts.json') }),
    logger: quiet,
    bootstrapAdminPassword: password,
  });
  await accounts.start();
  const records = new HubRegistry({ store, db, propose: (o) => hub.propose(o) });
  const credit = new CreditListService({ source: records, now: () => now });
  site = new HubPublicSite({
    store,
    device: hubKey,
    publish: (update) => hub.server.publish(update),
    directory: () => hub.directory(),
    propose: (o) => hub.propose(o),
    credit,
    now: () => now,
  });
  app = createHubHttpApp({
    hub,
    adminToken,
    logger: quiet,
    accounts,
    registry: new RegistryService({
      records,
      credit,
      identities: await DrizzleIdentityVault.open({ db, key: randomBytes(32) }),
      logger: { info: (line: string) => registryLog.push(line), error: () => {} },
      now: () => now,
    }),
    site: {
      source: site,
      submissions: new JsonLinesSubmissionStore({ dir, logger: quiet }),
      documents: new FileDocumentStore({ dir: join(dir, 'documents') }),
      now: () => now,
    },
  });
  const login = async (username: string) => {
    const response = await app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const token = ((await response.json()) as { token?: string }).token;
    if (token === undefined) throw new Error(`no session for ${username}`);
    tokens.set(username, token);
  };
  await login('admin');
  const accountsToMake = [
    ['officer', '赵科长', 'registry_officer', { level: 'country' }],
    ['inspector', '钱督查', 'quality_inspector', { level: 'country' }],
    ['analyst', '孙分析', 'central_office', { level: 'country' }],
    ['taker', '李坐席', 'call_taker', { level: 'county', code: '330106' }],
    ['zj-officer', '浙江登记员', 'registry_officer', { level: 'province', code: '330000' }],
  ] as const;
  for (const [username, displayName, role, scope] of accountsToMake) {
    const made = await call({
      method: 'POST',
      path: '/api/users',
      as: 'admin',
      body: { username, password, displayName, role, scope },
    });
    if (made.status !== 201) throw new Error(JSON.stringify(made.body));
    await login(username);
  }
}, 60_000);

afterAll(async () => {
  await hub.stop();
  await pglite.close();
  await rm(dir, { recursive: true, force: true });
});

test('an officer reviews an application: applied → under_review → approved → active, each act signed as hub:officer', async () => {
  const { recordId } = await application('西湖好帮手家政');
  now += 1000;
  const listed = await call({
    method: 'GET',
    path: '/api/registry/enterprises?status=applied',
    as: 'officer',
  });
  expect(listed.status).toBe(200);
  expect(listed.body.enterprises).toContainEqual(
    expect.objectContaining({ id: recordId, status: 'applied', credit: null, workerCount: 0 }),
  );

  const started = await command(recordId, 'officer', 'startReview', {});
  expect(started).toMatchObject({
    status: 200,
    body: { enterprise: { id: recordId, status: 'under_review' } },
  });

  // A check not passed: refused with the domain's reason, and nothing is added to the record's log.
  const { premises_verified: _skipped, ...partial } = allChecks;
  const refused = await command(recordId, 'officer', 'approve', {
    checklist: partial,
    agreement: agreement(),
  });
  expect(refused.status).toBe(409);
  expect(refused.body.error).toMatchObject({ code: 'invalid_transition', field: 'payload.checklist' });
  expect(String((refused.body.error as { message: string }).message)).toContain('premises_verified');

  const approved = await command(recordId, 'officer', 'approve', {
    checklist: allChecks,
    agreement: agreement(),
  });
  expect(approved).toMatchObject({
    status: 200,
    body: { enterprise: { status: 'approved', review: { decidedBy: 'hub:officer', checklist: allChecks } } },
  });
  // Activating twice: the second is refused as the domain refuses it.
  expect((await command(recordId, 'officer', 'activate', {})).body).toMatchObject({
    enterprise: { status: 'active' },
  });
  expect((await command(recordId, 'officer', 'activate', {})).status).toBe(409);

  const detail = await call({
    method: 'GET',
    path: `/api/registry/enterprises/${encodeURIComponent(recordId)}`,
    as: 'admin',
  });
  expect(detail.status).toBe(200);
  expect(detail.body.log).toEqual([
    expect.objectContaining({ type: 'apply', userId: 'hub', role: 'system', decision: 'accepted' }),
    expect.objectContaining({
      type: 'startReview',
      userId: 'hub:officer',
      role: 'registry_officer',
      decision: 'accepted',
    }),
    expect.objectContaining({ type: 'approve', userId: 'hub:officer', decision: 'accepted' }),
    expect.objectContaining({ type: 'activate', userId: 'hub:officer', decision: 'accepted' }),
  ]);
  expect(detail.body.reviewChecks).toEqual(Object.values(ReviewCheck));
  expect(detail.body.workers).toEqual([]);
  // Approved enterprises are scored: no visits, no workers yet (75: normal).
  expect(detail.body.credit).toMatchObject({ enterpriseId: recordId, score: 75, list: 'normal' });
  expect((detail.body.credit as { components: unknown[] }).components).toHaveLength(4);
  expect(detail.body.enterprise).toMatchObject({ status: 'active', credit: { score: 75, list: 'normal' } });
  // The officer's custodial key is in the directory as the officer's own user and device.
  expect((await hub.directory())?.users['hub:officer']).toMatchObject({
    role: 'registry_officer',
    countyCode: null,
  });
});

test('a rejection keeps its reasons; a resubmission is not the officer’s to make over this API', async () => {
  const { recordId } = await application('无证家政');
  await command(recordId, 'officer', 'startReview', {});
  const rejected = await command(recordId, 'officer', 'reject', {
    reasons: ['营业执照已过期', '无责任保险'],
  });
  expect(rejected).toMatchObject({
    status: 200,
    body: {
      enterprise: {
        status: 'rejected',
        review: { decidedBy: 'hub:officer', reasons: ['营业执照已过期', '无责任保险'] },
      },
    },
  });
  const resubmit = await command(recordId, 'officer', 'resubmit', {
    items: ['FAM-CLEANING'],
    counties: ['330106'],
  });
  expect(resubmit.status).toBe(400);
  expect(resubmit.body.error).toMatchObject({ code: 'invalid_input', field: 'type' });
});

test('who may: a call-taker and a province officer are refused; an inspector and an analyst read only the credit lists', async () => {
  const { recordId } = await application('权限家政');
  for (const as of ['taker', 'zj-officer', 'inspector', 'analyst']) {
    const list = await call({ method: 'GET', path: '/api/registry/enterprises', as });
    expect(list.status, as).toBe(403);
    const act = await command(recordId, as, 'startReview', {});
    expect(act.status, as).toBe(403);
  }
  expect(
    (await call({ method: 'GET', path: '/api/registry/enterprises', as: 'zj-officer' })).body.error,
  ).toMatchObject({
    code: 'forbidden',
    field: 'scope',
  });
  expect((await call({ method: 'GET', path: '/api/registry/credit', as: 'taker' })).status).toBe(403);
  for (const as of ['inspector', 'analyst', 'officer', 'admin-token']) {
    expect((await call({ method: 'GET', path: '/api/registry/credit', as })).status, as).toBe(200);
  }
  // Nothing of the refused acts reached the record.
  const detail = await call({
    method: 'GET',
    path: `/api/registry/enterprises/${encodeURIComponent(recordId)}`,
    as: 'officer',
  });
  expect(detail.body.log).toHaveLength(1);
});

test('bad requests: 400 naming the field, 404 for a record the hub does not hold', async () => {
  const { recordId } = await application('格式家政');
  const path = `/api/registry/enterprises/${encodeURIComponent(recordId)}/commands`;
  const cases: [unknown, string][] = [
    [{ type: 'startReview' }, 'payload'],
    [{ type: 'startReview', payload: {}, extra: 1 }, 'extra'],
    [{ type: 'apply', payload: {} }, 'type'],
    [[], 'body'],
  ];
  for (const [body, field] of cases) {
    const answer = await call({ method: 'POST', path, as: 'officer', body });
    expect(answer.status, JSON.stringify(body)).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'invalid_input', field });
  }
  await command(recordId, 'officer', 'startReview', {});
  const badPayload = await command(recordId, 'officer', 'approve', {
    checklist: 'all',
    agreement: agreement(),
  });
  expect(badPayload.status).toBe(400);
  expect(badPayload.body.error).toMatchObject({ code: 'invalid_input', field: 'payload.checklist' });
  const badAgreement = await command(recordId, 'officer', 'approve', {
    checklist: allChecks,
    agreement: { ...agreement(), validTo: now - 2 * day },
  });
  expect(badAgreement.body.error).toMatchObject({ field: 'payload.agreement.validTo' });
  const reject = await command(recordId, 'officer', 'reject', { reasons: [] });
  expect(reject.body.error).toMatchObject({ code: 'invalid_input', field: 'payload.reasons' });

  const unknown = formatRecordId({ kind: 'enterprise', scope: 'hub', id: createId() });
  expect((await command(unknown, 'officer', 'startReview', {})).status).toBe(404);
  expect(
    (
      await call({
        method: 'GET',
        path: `/api/registry/enterprises/${encodeURIComponent(unknown)}`,
        as: 'officer',
      })
    ).status,
  ).toBe(404);
  const malformed = await call({
    method: 'GET',
    path: '/api/registry/enterprises/order%3A330106%3Ax',
    as: 'officer',
  });
  expect(malformed).toMatchObject({ status: 400, body: { error: { field: 'recordId' } } });
  const badQuery = await call({
    method: 'GET',
    path: '/api/registry/enterprises?status=open',
    as: 'officer',
  });
  expect(badQuery).toMatchObject({ status: 400, body: { error: { field: 'status' } } });
  const noEnterprise = await call({ method: 'GET', path: '/api/registry/workers', as: 'officer' });
  expect(noEnterprise).toMatchObject({ status: 400, body: { error: { field: 'enterpriseId' } } });
  // Only the first, valid startReview is in the log.
  const detail = await call({
    method: 'GET',
    path: `/api/registry/enterprises/${encodeURIComponent(recordId)}`,
    as: 'officer',
  });
  expect((detail.body.log as { type: string }[]).map((e) => e.type)).toEqual(['apply', 'startReview']);
});

test('credit lists: a well-run enterprise recommended, a suspended one and a failed inspection punished; workers trained and suspended', async () => {
  const good = await activeEnterprise('钱塘优选家政');
  const suspended = await activeEnterprise('拱墅速达家政');
  const inspected = await activeEnterprise('余杭惠民家政');
  const goodWorkers = await trainedWorkers(good, 4);
  await trainedWorkers(suspended, 4);
  await trainedWorkers(inspected, 4);
  await projector.catchUp();

  const workers = await call({
    method: 'GET',
    path: `/api/registry/workers?enterpriseId=${encodeURIComponent(good)}`,
    as: 'officer',
  });
  expect(workers.status).toBe(200);
  const rows = workers.body.workers as {
    id: string;
    idNumberMasked: string;
    dispatchable: boolean;
    trainingValid: boolean;
  }[];
  expect(rows.map((w) => w.id).sort()).toEqual([...goodWorkers].sort());
  for (const row of rows) {
    expect(row).toMatchObject({ status: 'active', dispatchable: true, trainingValid: true });
    expect(row.idNumberMasked).not.toContain('19491231');
  }

  // The officer suspends one worker: no longer dispatchable, still trained.
  const workerId = goodWorkers[0] ?? '';
  const suspendedWorker = await call({
    method: 'POST',
    path: `/api/registry/workers/${encodeURIComponent(workerId)}/commands`,
    as: 'officer',
    body: { type: 'suspendWorker', payload: { reason: '客户投诉待查' } },
  });
  expect(suspendedWorker).toMatchObject({
    status: 200,
    body: { worker: { id: workerId, status: 'suspended', dispatchable: false, trainingValid: true } },
  });
  const twice = await call({
    method: 'POST',
    path: `/api/registry/workers/${encodeURIComponent(workerId)}/commands`,
    as: 'officer',
    body: { type: 'suspendWorker', payload: { reason: '再来一次' } },
  });
  expect(twice.status).toBe(409);
  const badWorkerCommand = await call({
    method: 'POST',
    path: `/api/registry/workers/${encodeURIComponent(workerId)}/commands`,
    as: 'officer',
    body: { type: 'leaveEnterprise', payload: { reason: 'x' } },
  });
  expect(badWorkerCommand).toMatchObject({ status: 400, body: { error: { field: 'type' } } });

  // A failed inspection of 余杭惠民家政: scheduled by the officer, worked by the inspector, both through the hub.
  const officer: StaffActor = {
    username: 'officer',
    name: '赵科长',
    role: 'registry_officer',
    countyCode: null,
  };
  const inspector: StaffActor = {
    username: 'inspector',
    name: '钱督查',
    role: 'quality_inspector',
    countyCode: null,
  };
  const inspectionId = formatRecordId({ kind: 'inspection', scope: 'hub', id: createId() });
  await hub.propose({
    recordId: inspectionId,
    staff: officer,
    commands: [
      {
        type: 'scheduleInspection',
        payload: {
          inspectionId,
          enterpriseId: inspected,
          countyCode: '330106',
          dueAt: now + day,
          checklist: ['contracts.signed', 'staff.trained'],
          inspectorUserId: 'hub:inspector',
        },
      },
    ],
  });
  await hub.propose({
    recordId: inspectionId,
    staff: inspector,
    commands: [
      { type: 'startInspection', payload: {} },
      { type: 'recordFinding', payload: { key: 'contracts.signed', passed: false, note: '无书面合同' } },
      { type: 'recordFinding', payload: { key: 'staff.trained', passed: true, note: '' } },
      { type: 'completeInspection', payload: { summary: '合同缺失', outcome: 'fail' } },
    ],
  });

  // An upheld complaint against 拱墅速达家政 costs its 10 penalty points; a dismissed one costs nothing.
  for (const outcome of [{ kind: 'penalty', points: 10 }, { kind: 'dismissed' }]) {
    const complaintId = formatRecordId({ kind: 'complaint', scope: 'hub', id: createId() });
    await hub.propose({
      recordId: complaintId,
      commands: [
        {
          type: 'file',
          payload: {
            complaintId,
            source: 'web',
            countyCode: '330106',
            orderId: null,
            enterpriseId: suspended,
            enterpriseName: '拱墅速达家政',
            kind: 'quality',
            description: '保洁未完成即离开',
            citizenName: '周女士',
            citizenPhone: null,
            evidence: [],
            dueAt: now + 15 * day,
          },
        },
      ],
    });
    await hub.propose({
      recordId: complaintId,
      staff: inspector,
      commands: [
        { type: 'assign', payload: { userId: 'hub:inspector', role: 'quality_inspector' } },
        { type: 'decide', payload: { outcome, reason: '经核实' } },
      ],
    });
  }

  // The officer's act also makes the lists be computed again (they are kept for 30 s otherwise).
  expect((await command(suspended, 'officer', 'suspend', { reason: '多次爽约', until: null })).status).toBe(
    200,
  );

  const credit = await call({ method: 'GET', path: '/api/registry/credit', as: 'inspector' });
  expect(credit.status).toBe(200);
  type Entry = {
    enterpriseId: string;
    score: number;
    list: string;
    status: string;
    components: { key: string; points: number }[];
  };
  const lists = credit.body as {
    computedAt: number;
    recommended: Entry[];
    normal: Entry[];
    punishment: Entry[];
    rules: unknown;
  };
  expect(lists.computedAt).toBe(now);
  expect(lists.rules).toMatchObject({ recommendedAtLeast: 85, punishmentBelow: 60 });
  // 4 trained workers (one suspended, still trained): 30 + 25 + 20 + 15.
  expect(lists.recommended.map((e) => [e.enterpriseId, e.score])).toEqual([[good, 90]]);
  expect(lists.recommended[0]?.components.find((c) => c.key === 'training')?.points).toBe(15);
  // Suspended: punished whatever its 80 (90 less the upheld complaint); the failed inspection: one major finding (6) and one critical (20).
  const punished = new Map(lists.punishment.map((e) => [e.enterpriseId, e]));
  expect(punished.get(suspended)).toMatchObject({ score: 80, status: 'suspended', list: 'punishment' });
  expect(punished.get(suspended)?.components.find((c) => c.key === 'complaints')?.points).toBe(15);
  expect(punished.get(inspected)).toMatchObject({ score: 70, status: 'active', list: 'punishment' });
  expect(lists.punishment.map((e) => e.enterpriseId)).toEqual([inspected, suspended]);
  expect(lists.normal.map((e) => e.enterpriseId)).not.toContain(good);

  // The registry's rows carry the same credit and the roster's size; the public site shows only the recommended one.
  const list = await call({
    method: 'GET',
    path: '/api/registry/enterprises?q=%E5%AE%B6%E6%94%BF',
    as: 'officer',
  });
  const byId = new Map(
    (list.body.enterprises as (EnterpriseState & { credit: unknown; workerCount: number })[]).map((e) => [
      e.id,
      e,
    ]),
  );
  expect(byId.get(good)).toMatchObject({ credit: { score: 90, list: 'recommended' }, workerCount: 4 });
  expect(byId.get(suspended)).toMatchObject({
    status: 'suspended',
    credit: { score: 80, list: 'punishment' },
  });
  // Waiting applications first, oldest first; then by name.
  const statuses = (list.body.enterprises as EnterpriseState[]).map((e) => e.status);
  const firstDone = statuses.findIndex((s) => s !== 'applied' && s !== 'under_review');
  expect(statuses.slice(firstDone).every((s) => s !== 'applied' && s !== 'under_review')).toBe(true);
  expect((await site.listRecommendedEnterprises()).map((e) => e.id)).toEqual([good]);
}, 30_000);

/**
 * 订单投影中的一行（县里的工单同步到中心后由 Projector 写入）；这里直接写入，只为检验名单的数量指标。
 * A row of the `orders` projection as the Projector writes it for a county's order; written directly here,
 * since only the credit lists' quantity figures are under test.
 */
function orderRow(options: {
  enterpriseId: string;
  itemCode: string;
  status: 'dispatched' | 'served' | 'closed';
  resolution?: 'served' | 'cancelled' | null;
  returnVisits?: number;
  satisfaction?: number | null;
}): typeof orders.$inferInsert {
  const dash = options.itemCode.indexOf('-');
  return {
    recordId: formatRecordId({ kind: 'order', scope: '330106', id: createId() }),
    countyCode: '330106',
    status: options.status,
    channel: 'call',
    itemCode: options.itemCode,
    categoryCode: options.itemCode.slice(0, dash),
    urgency: 'normal',
    citizenPhone: null,
    citizenName: '张大爷',
    enterpriseId: options.enterpriseId,
    workerId: null,
    receivedAt: now - 5 * day,
    dispatchedAt: now - 5 * day,
    servedAt: options.status === 'dispatched' ? null : now - 4 * day,
    closedAt: options.status === 'closed' ? now - 3 * day : null,
    feeFen: 0,
    resolution: options.resolution ?? null,
    reopenCount: 0,
    openComplaints: 0,
    lastSatisfaction: options.satisfaction ?? null,
    updatedAt: now - 3 * day,
    firstDispatchedAt: now - 5 * day,
    returnVisitCount: options.returnVisits ?? 0,
    complaintCount: 0,
  };
}

test('credit lists: a volunteer group is scored like an enterprise, both with their order figures, filtered by kind', async () => {
  const firm = await activeEnterprise('滨江助老家政', { items: ['ELD-VISIT', 'FAM-CLEANING'] });
  const group = await activeEnterprise('西溪社区助老志愿队', {
    kind: 'volunteer',
    licenceNumber: null,
    items: ['ELD-VISIT', 'ELD-ESCORT'],
  });
  // 志愿者组织申请收费服务：被拒绝，并指明哪一项。A volunteer group asking for a paid service is refused, naming it.
  expect(
    await command(group, 'officer', 'updateServices', {
      items: ['ELD-VISIT', 'FAM-CLEANING'],
      counties: ['330106'],
    }),
  ).toMatchObject({ status: 400, body: { error: { field: 'payload.items.1' } } });
  for (const id of [firm, group]) await trainedWorkers(id, 2);
  // 同样的工单：派单 4，完成 3（1 单已派未完成；1 单结案为已服务），2 单回访，评分 5、3。
  // The same orders for both: 4 dispatched, 3 completed (one closed as served), 2 visited back, rated 5 and 3.
  for (const [enterpriseId, itemCode] of [
    [firm, 'FAM-CLEANING'],
    [group, 'ELD-ESCORT'],
  ] as const) {
    await db
      .insert(orders)
      .values([
        orderRow({ enterpriseId, itemCode, status: 'dispatched' }),
        orderRow({ enterpriseId, itemCode, status: 'served', returnVisits: 1, satisfaction: 5 }),
        orderRow({ enterpriseId, itemCode, status: 'served', returnVisits: 1, satisfaction: 3 }),
        orderRow({ enterpriseId, itemCode, status: 'closed', resolution: 'served' }),
      ]);
  }
  await projector.catchUp();
  now += 31_000; // past the lists' 30 s reuse

  type Entry = {
    enterpriseId: string;
    kind: string;
    score: number;
    list: string;
    listReason: string;
    components: unknown[];
    figures: Record<string, number | null>;
  };
  type Lists = { recommended: Entry[]; normal: Entry[]; punishment: Entry[] };
  const all = async (query = '') => {
    const answer = await call({ method: 'GET', path: `/api/registry/credit${query}`, as: 'analyst' });
    expect(answer.status).toBe(200);
    const lists = answer.body as Lists;
    return [...lists.recommended, ...lists.normal, ...lists.punishment];
  };
  const entries = new Map((await all()).map((e) => [e.enterpriseId, e]));
  const firmEntry = entries.get(firm);
  const groupEntry = entries.get(group);
  expect(firmEntry?.kind).toBe('enterprise');
  expect(groupEntry?.kind).toBe('volunteer');
  const figures = {
    dispatched: 4,
    completed: 3,
    completionRate: 0.75,
    returnVisited: 2,
    satisfactionRate: 0.5,
  };
  expect(firmEntry?.figures).toEqual(figures);
  expect(groupEntry?.figures).toEqual(figures);
  const { enterpriseId: _f, kind: _fk, ...firmScored } = firmEntry ?? ({} as Entry);
  const { enterpriseId: _g, kind: _gk, ...groupScored } = groupEntry ?? ({} as Entry);
  expect(groupScored).toMatchObject({ ...firmScored, name: '西溪社区助老志愿队' });

  const volunteers = await all('?kind=volunteer');
  expect(volunteers.length).toBeGreaterThan(0);
  expect(volunteers.every((e) => e.kind === 'volunteer')).toBe(true);
  expect(volunteers.map((e) => e.enterpriseId)).toContain(group);
  const firms = await all('?kind=enterprise');
  expect(firms.map((e) => e.enterpriseId)).toContain(firm);
  expect(firms.map((e) => e.enterpriseId)).not.toContain(group);

  for (const query of ['?kind=company', '?kind=', '?kind=volunteer&kind=enterprise']) {
    const bad = await call({ method: 'GET', path: `/api/registry/credit${query}`, as: 'analyst' });
    expect(bad, query).toMatchObject({ status: 400, body: { error: { field: 'kind' } } });
  }
  const unknown = await call({ method: 'GET', path: '/api/registry/credit?sort=score', as: 'analyst' });
  expect(unknown).toMatchObject({ status: 400, body: { error: { field: 'sort' } } });
}, 30_000);

test('an officer registers a worker: the record carries only the masked number, the full one is sealed and read back by the registry only', async () => {
  const enterpriseId = await activeEnterprise('登记家政');
  const idNumber = '11010519491231002X';
  const bad = await call({
    method: 'POST',
    path: '/api/registry/workers',
    as: 'officer',
    body: { enterpriseId, name: '孙阿姨', idNumber: '110105194912310021' },
  });
  expect(bad.status).toBe(400);
  expect((bad.body.error as { field: string }).field).toBe('idNumber');
  const nowhere = await call({
    method: 'POST',
    path: '/api/registry/workers',
    as: 'officer',
    body: {
      enterpriseId: formatRecordId({ kind: 'enterprise', scope: 'hub', id: createId() }),
      name: '孙阿姨',
      idNumber,
    },
  });
  expect(nowhere.status).toBe(404);
  expect((nowhere.body.error as { field: string }).field).toBe('enterpriseId');
  const badPhone = await call({
    method: 'POST',
    path: '/api/registry/workers',
    as: 'officer',
    body: { enterpriseId, name: '孙阿姨', idNumber, phone: '12' },
  });
  expect(badPhone.status).toBe(400);
  expect((badPhone.body.error as { field: string }).field).toBe('phone');
  const refused = await call({
    method: 'POST',
    path: '/api/registry/workers',
    as: 'analyst',
    body: { enterpriseId, name: '孙阿姨', idNumber },
  });
  expect(refused.status).toBe(403);

  const made = await call({
    method: 'POST',
    path: '/api/registry/workers',
    as: 'officer',
    body: { enterpriseId, name: '孙阿姨', idNumber: idNumber.toLowerCase(), phone: '138 0013 8000' },
  });
  expect(made.status).toBe(201);
  const worker = made.body.worker as {
    id: string;
    idNumberMasked: string;
    phone: string;
    dispatchable: boolean;
  };
  expect(worker).toMatchObject({
    idNumberMasked: '110105********002X',
    phone: '+8613800138000',
    dispatchable: false,
  });
  // Nothing of the full number in the replicated record: proposals, log and state.
  const report = await hub.report({ recordId: worker.id });
  expect(JSON.stringify(report)).not.toContain('19491231');
  expect(report?.proposals.at(-1)).toMatchObject({ type: 'registerWorker', userId: 'hub:officer' });

  const path = `/api/registry/workers/${encodeURIComponent(worker.id)}/identity`;
  expect((await call({ method: 'GET', path, as: 'analyst' })).status).toBe(403);
  expect((await call({ method: 'GET', path, as: 'zj-officer' })).status).toBe(403);
  const revealed = await call({ method: 'GET', path, as: 'officer' });
  expect(revealed).toEqual({ status: 200, body: { idNumber } });
  expect(registryLog.at(-1)).toBe(
    `registry: the identity number of ${worker.id} was read by officer (registry_officer)`,
  );
  // The enterprise's roster reads the projection, which the hub keeps current from the records.
  await projector.catchUp();
  const listed = await call({
    method: 'GET',
    path: `/api/registry/workers?enterpriseId=${encodeURIComponent(enterpriseId)}`,
    as: 'officer',
  });
  expect((listed.body.workers as { id: string }[]).map((w) => w.id)).toEqual([worker.id]);
});
