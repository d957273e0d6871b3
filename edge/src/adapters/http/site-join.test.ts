import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EnterpriseState } from '@jiazheng/sync/domain';
import type { DeviceKey } from '@jiazheng/sync/node';
import {
  exportPublicKey,
  generateDeviceKeys,
  loadRecordDoc,
  readRecordSnapshot,
} from '@jiazheng/sync/records';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import type { Hono } from 'hono';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { MAX_DOCUMENT_BYTES } from '../../domain/uploaded-documents';
import { HubAccountService } from '../../services/hub-account-service';
import { FileDocumentStore } from '../files/file-document-store';
import { JsonFileAccountStore } from '../files/json-file-account-store';
import { JsonLinesSubmissionStore } from '../files/json-lines-submission-store';
import { HubPublicSite } from '../sync/hub-public-site';
import { HubSync } from '../sync/hub-sync';
import { createHubHttpApp } from './http-app';

/*
 * The recruitment form against the real hub: the application becomes an enterprise record the hub (its
 * home) accepts as `applied`, its documents kept by their SHA-256 and readable by the registry.
 */

const quiet = { info: () => {}, error: () => {} };
const adminToken = 'test-admin-token-0123456789';
const pdf = new TextEncoder().encode('%PDF-1.7\n营业执照扫描件\n%%EOF');
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const exe = new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03]); // "MZ": a Windows program, named .pdf below

let dir: string;
let store: MemoryRecordStore;
let hub: HubSync;
let app: Hono;
let address = 0;

async function makeKey(deviceId: string): Promise<DeviceKey> {
  const keys = await generateDeviceKeys({ extractable: false });
  return { deviceId, publicKey: await exportPublicKey({ key: keys.publicKey }), privateKey: keys.privateKey };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jz-join-'));
  store = await MemoryRecordStore.open();
  const hubKey = await makeKey('hub-1');
  hub = new HubSync({ store, device: hubKey, logger: quiet });
  await hub.start();
  const appliance = await makeKey('appliance-330106-a');
  await hub.provisionAppliance({
    countyCode: '330106',
    deviceId: appliance.deviceId,
    publicKey: appliance.publicKey,
  });
  const accounts = new HubAccountService({
    store: await JsonFileAccountStore.open({ path: join(dir, 'accounts.json') }),
    logger: quiet,
  });
  await accounts.start();
  const site = new HubPublicSite({
    store,
    device: hubKey,
    publish: (update) => hub.server.publish(update),
    directory: () => hub.directory(),
    propose: (o) => hub.propose(o),
    // The recruitment form never reads the recommended list.
    credit: { entries: () => Promise.resolve(new Map()) },
  });
  app = createHubHttpApp({
    hub,
    adminToken,
    logger: quiet,
    accounts,
    site: {
      source: site,
      submissions: new JsonLinesSubmissionStore({ dir, logger: quiet }),
      documents: new FileDocumentStore({ dir: join(dir, 'documents') }),
    },
  });
});

afterAll(async () => {
  await hub.stop();
  await rm(dir, { recursive: true, force: true });
});

type Part = [name: string, value: string] | [name: string, bytes: Uint8Array, filename: string];

/** Each post from its own address, so the form's rate limit does not mix the cases. */
function post(parts: readonly Part[], options: { lang?: string } = {}) {
  const form = new FormData();
  for (const part of parts) {
    if (part.length === 2) form.append(part[0], part[1]);
    else form.append(part[0], new Blob([part[1]]), part[2]);
  }
  address += 1;
  return app.request(
    `/join${options.lang === 'en' ? '?lang=en' : ''}`,
    { method: 'POST', body: form },
    { incoming: { socket: { remoteAddress: `203.0.113.${address}` } } },
  );
}

const valid: Part[] = [
  ['kind', 'enterprise'],
  ['name', '西湖好帮手家政服务有限公司 <b>'],
  ['licenceNumber', '91330106ma27xl0r2j'],
  ['contactName', '陈经理'],
  ['contactPhone', '0571-8888 6666'],
  ['items', 'FAM-CLEANING'],
  ['items', 'MNT-WATER'],
  ['counties', '330106'],
  ['documents', pdf, 'C:\\扫描\\营业执照.pdf'],
  ['documents', png, '资质证书.png'],
];

async function readEnterprise(recordId: string): Promise<EnterpriseState> {
  const record = await store.readRecord({ recordId });
  const doc = loadRecordDoc({ recordId, update: record?.update ?? null });
  try {
    return readRecordSnapshot({ doc, recordId }).state as EnterpriseState;
  } finally {
    doc.destroy();
  }
}

async function findApplication(name: string): Promise<EnterpriseState | undefined> {
  for (const { recordId } of await store.listChanges({ after: 0, limit: 1000, prefixes: ['enterprise:'] })) {
    const state = await readEnterprise(recordId);
    if (state?.name === name) return state;
  }
  return undefined;
}

test('the form lists the services and the counties the network serves, and posts multipart', async () => {
  const page = await (await app.request('/join')).text();
  expect(page).toContain('enctype="multipart/form-data"');
  expect(page).toContain('value="FAM-CLEANING"');
  expect(page).toContain('value="330106"');
  expect(page).toContain('type="file"');
});

test('an application becomes an enterprise record the hub accepts as applied, with its documents kept', async () => {
  const response = await post(valid);
  expect(response.status).toBe(303);
  const location = response.headers.get('location') ?? '';
  expect(location).toMatch(/^\/join\/done\?ref=[0-9A-Z]{8}$/);

  const enterprise = await findApplication('西湖好帮手家政服务有限公司 <b>');
  if (!enterprise) throw new Error('no enterprise record');
  expect(enterprise).toMatchObject({
    status: 'applied',
    kind: 'enterprise',
    licenceNumber: '91330106MA27XL0R2J',
    contactPhone: '+8657188886666',
    items: ['FAM-CLEANING', 'MNT-WATER'],
    counties: ['330106'],
  });
  expect(enterprise.id.endsWith(location.slice(-8))).toBe(true);
  expect(enterprise.documents.map((d) => d.name)).toEqual(['营业执照.pdf', '资质证书.png']);

  // The registry reads the documents back; anyone else is refused.
  const [licence] = enterprise.documents;
  const read = await app.request(`/api/documents/${licence?.sha256}`, {
    headers: { authorization: `Bearer ${adminToken}` },
  });
  expect(read.status).toBe(200);
  expect(read.headers.get('content-type')).toBe('application/pdf');
  expect(read.headers.get('content-disposition')).toMatch(/^attachment;/);
  expect(new Uint8Array(await read.arrayBuffer())).toEqual(pdf);
  expect((await app.request(`/api/documents/${licence?.sha256}`)).status).toBe(401);
  expect(
    (
      await app.request('/api/documents/../../accounts.json', {
        headers: { authorization: `Bearer ${adminToken}` },
      })
    ).status,
  ).toBeGreaterThanOrEqual(400);

  // The same licence scan sent again is the same stored file.
  await post([...valid.filter(([name]) => name !== 'name'), ['name', '另一家公司']]);
  const dirs = await readdir(join(dir, 'documents'));
  expect(dirs).toHaveLength(2);
});

test('a volunteer group applies without a licence or documents', async () => {
  const response = await post([
    ['kind', 'volunteer'],
    ['name', '西溪社区助老志愿队'],
    ['licenceNumber', ''],
    ['contactName', '王阿姨'],
    ['contactPhone', '13812345678'],
    ['items', 'ELD-VISIT'],
    ['items', 'ELD-ESCORT'],
    ['counties', '330106'],
  ]);
  expect(response.status).toBe(303);
  expect(await findApplication('西溪社区助老志愿队')).toMatchObject({
    kind: 'volunteer',
    licenceNumber: null,
    items: ['ELD-VISIT', 'ELD-ESCORT'],
  });
});

test.each<[string, Part[], string, string]>([
  ['a bad check digit', [['licenceNumber', '91330106MA27XL0R2K']], 'licenceNumber', '统一社会信用代码'],
  ['an enterprise without a licence number', [['licenceNumber', '']], 'licenceNumber', '企业必须填写'],
  ['a program named .pdf', [['documents', exe, '执照.pdf']], 'documents', '只接受 PDF、JPEG、PNG'],
  ['a county the network does not serve', [['counties', '110105']], 'counties', '请从列表中选择区县'],
  ['an information item', [['items', 'MED-KNOWLEDGE']], 'items', '请选择服务项目'],
  [
    'a volunteer group offering a paid service',
    [
      ['kind', 'volunteer'],
      ['items', 'ELD-VISIT'],
      ['items', 'FAM-CLEANING'],
    ],
    'items',
    '志愿者组织只能选择免费社区服务',
  ],
  ['no services', [['items', '']], 'items', ''],
  ['a name given twice', [['name', '第二个名字']], 'name', '只能填写一次'],
])('%s is refused beside its field, nothing is kept', async (_, extra, field, message) => {
  const before = (await store.listChanges({ after: 0, limit: 1000, prefixes: ['enterprise:'] })).length;
  const replaced = new Set(extra.map(([name]) => name).filter((name) => name !== 'name'));
  const parts = [...valid.filter(([name]) => !replaced.has(name)), ...extra];
  const response = await post(parts.filter((p) => !(p[0] === 'items' && p[1] === '')));
  expect(response.status).toBe(400);
  const page = await response.text();
  expect(page).toContain(`data-field="${field}"`);
  expect(page).toContain(message);
  // Typed text comes back escaped.
  expect(page).not.toContain('<b>');
  expect((await store.listChanges({ after: 0, limit: 1000, prefixes: ['enterprise:'] })).length).toBe(before);
});

test('too many files, a file over 5 MB, a body over the limit and a urlencoded post are refused', async () => {
  const six: Part[] = Array.from({ length: 6 }, (_, i) => ['documents', pdf, `${i}.pdf`] as Part);
  const many = await post([...valid.filter(([name]) => name !== 'documents'), ...six]);
  expect(many.status).toBe(400);
  expect(await many.text()).toContain('最多 5 个文件');

  const big = new Uint8Array(MAX_DOCUMENT_BYTES + 1);
  big.set(pdf);
  const large = await post([...valid.filter(([name]) => name !== 'documents'), ['documents', big, '大.pdf']]);
  expect(large.status).toBe(400);
  expect(await large.text()).toContain('每个文件不超过 5 MB');

  const huge = new Uint8Array(27 * 1024 * 1024);
  const tooLarge = await post([...valid, ['documents', huge, 'huge.pdf']]);
  expect(tooLarge.status).toBe(413);

  const urlencoded = await app.request('/join', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'kind=enterprise',
  });
  expect(urlencoded.status).toBe(415);
}, 30_000);
