import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { DeviceKey } from '@jiazheng/sync/node';
import { exportPublicKey, generateDeviceKeys } from '@jiazheng/sync/records';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { CallRecord } from '../../domain/calls/call-record';
import { RecordingIndexer } from '../../services/recording-indexer';
import { createRandom } from '../../switch-simulator/random';
import { writeWavFile } from '../../switch-simulator/wav';
import { RecordingFiles } from '../files/recording-files';
import { PgliteCallStore } from '../pglite/pglite-call-store';
import { RecordingRelayClient } from './recording-relay-client';

/*
 * End to end with the real parts: the hub as its own process (edge/src/main.ts: HTTP, accounts, the relay's
 * WebSocket service, the access log on disk), and this appliance's relay client reading a real WAV file
 * through the real call store. The hub is a process, not an import: the appliance never imports the hub.
 */

const quiet = { info: () => undefined, error: () => undefined };
const adminToken = 'relay-test-admin-token-0123456789';
const password = 'a-long-password-1';
const county = '330106';
const edgeDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../edge');

let dir: string;
let pglite: PGlite;
let store: PgliteCallStore;
let files: RecordingFiles;
let hubProcess: ChildProcess;
let hubOutput = '';
let hubUrl: string;
let inspectorToken: string;
let key: DeviceKey;
let client: RecordingRelayClient;
let wav: Buffer;
let recordingId: string;
const clients: RecordingRelayClient[] = [];

async function makeKey(deviceId: string): Promise<DeviceKey> {
  const generated = await generateDeviceKeys({ extractable: false });
  return {
    deviceId,
    publicKey: await exportPublicKey({ key: generated.publicKey }),
    privateKey: generated.privateKey,
  };
}

function callRecord(id: string): CallRecord {
  const startedAt = '2026-11-02T01:00:00.000Z';
  return {
    id,
    direction: 'inbound',
    caller: '+8657188881234',
    callerRaw: '057188881234',
    callerName: null,
    destination: '12345',
    startedAt,
    answeredAt: startedAt,
    endedAt: '2026-11-02T01:01:00.000Z',
    queue: 'hotline',
    queueJoinedAt: startedAt,
    agentAnsweredAt: '2026-11-02T01:00:05.000Z',
    agent: '1001@default',
    waitSec: 5,
    talkSec: 55,
    billsec: 60,
    durationSec: 60,
    hangupCause: 'NORMAL_CLEARING',
    outcome: 'answered',
    kind: null,
    orderId: null,
    source: 'switch',
  };
}

async function api(options: {
  method?: string;
  path: string;
  token: string;
  body?: unknown;
  range?: string;
}): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${options.token}` };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.range !== undefined) headers.range = options.range;
  return fetch(`${hubUrl}${options.path}`, {
    method: options.method ?? 'GET',
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
}

function listen(options: { callId: string; range?: string; purpose?: string }): Promise<Response> {
  const purpose = encodeURIComponent(options.purpose ?? '投诉 complaint:330106:01JABCDEFGHJKMNPQRSTVWXYZ0');
  return api({
    path: `/api/recordings/${county}/${options.callId}?purpose=${purpose}`,
    token: inspectorToken,
    ...(options.range === undefined ? {} : { range: options.range }),
  });
}

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${hubOutput.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function startClient(options: { device: DeviceKey; countyCode: string }): RecordingRelayClient {
  const started = new RecordingRelayClient({
    hubUrl,
    device: options.device,
    countyCode: options.countyCode,
    store,
    files,
    logger: quiet,
    reconnectMinMs: 50,
    reconnectMaxMs: 500,
    // Smaller chunks than the protocol allows: a 40-second call then takes many chunks and credits.
    chunkBytes: 16 * 1024,
  });
  clients.push(started);
  void started.start();
  return started;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jz-relay-client-'));
  // The hub first: on a busy machine its first start (PGlite initdb) is the slow part.
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env))
    if (!/^(JZ_|HUB_|DATABASE_URL)/.test(name)) env[name] = value;
  hubProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: edgeDir,
    env: {
      ...env,
      JZ_HUB_HOST: '127.0.0.1',
      JZ_HUB_PORT: '0',
      JZ_HUB_DATA_DIR: join(dir, 'hub'),
      JZ_HUB_ADMIN_TOKEN: adminToken,
      JZ_HUB_BOOTSTRAP_ADMIN_PASSWORD: password,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  hubProcess.stdout?.setEncoding('utf8').on('data', (chunk: string) => (hubOutput += chunk));
  hubProcess.stderr?.setEncoding('utf8').on('data', (chunk: string) => (hubOutput += chunk));

  pglite = await PGlite.create();
  store = await PgliteCallStore.open({ pglite });
  files = new RecordingFiles({ root: join(dir, 'recordings') });
  // A 40-second call (640 KB), more than the hub's window: the stream needs credit along the way.
  const path = join(dir, 'recordings', '2026-11-02', 'call-1.wav');
  writeWavFile({ path, samples: 8000 * 40, random: createRandom({ seed: 11 }) });
  wav = await readFile(path);
  await store.saveCall({ record: callRecord('call-1') });
  await store.saveCall({ record: callRecord('call-no-recording') });
  await new RecordingIndexer({ files, store, logger: quiet }).index({
    callId: 'call-1',
    path,
    recordMs: 40_000,
    at: '2026-11-02T01:01:00.000Z',
  });
  recordingId = (await store.getCall({ id: 'call-1' }))?.recordingId ?? '';
  expect(recordingId).not.toBe('');

  await until(
    () => /URL: (http:\/\/\S+)/.test(hubOutput) || hubProcess.exitCode !== null,
    'the hub',
    170_000,
  );
  hubUrl = /URL: (http:\/\/\S+)/.exec(hubOutput)?.[1] ?? '';
  if (hubUrl === '') throw new Error(`the hub did not start:\n${hubOutput}`);

  key = await makeKey(`appliance-${county}-relay`);
  const enrolled = await api({
    method: 'POST',
    path: '/api/provision/appliance',
    token: adminToken,
    body: { countyCode: county, deviceId: key.deviceId, publicKey: key.publicKey },
  });
  expect(enrolled.status).toBe(200);
  const created = await api({
    method: 'POST',
    path: '/api/users',
    token: adminToken,
    body: {
      username: 'inspector',
      password,
      displayName: '质检员',
      role: 'quality_inspector',
      scope: { level: 'county', code: county },
    },
  });
  expect(created.status).toBe(201);
  const login = await fetch(`${hubUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'inspector', password }),
  });
  inspectorToken = ((await login.json()) as { token: string }).token;

  client = startClient({ device: key, countyCode: county });
  await until(() => client.connected, 'the relay to connect');
}, 200_000);

afterAll(async () => {
  for (const started of clients) await started.stop();
  if (hubProcess !== undefined && hubProcess.exitCode === null) {
    const exited = new Promise((r) => hubProcess.once('exit', r));
    hubProcess.kill('SIGTERM');
    const timer = setTimeout(() => hubProcess.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  await pglite?.close();
  await rm(dir, { recursive: true, force: true });
}, 30_000);

test('the hub plays the county recording byte for byte, and a Range of it as 206', async () => {
  const whole = await listen({ callId: 'call-1' });
  expect(whole.status).toBe(200);
  expect(whole.headers.get('content-type')).toBe('audio/wav');
  expect(Buffer.from(await whole.arrayBuffer()).equals(wav)).toBe(true);

  // Where an <audio> element seeks to: past the 44-byte header, into the samples.
  const slice = await listen({ callId: 'call-1', range: 'bytes=44-100043' });
  expect(slice.status).toBe(206);
  expect(slice.headers.get('content-range')).toBe(`bytes 44-100043/${wav.length}`);
  expect(Buffer.from(await slice.arrayBuffer()).equals(wav.subarray(44, 100_044))).toBe(true);

  const past = await listen({ callId: 'call-1', range: `bytes=${wav.length}-` });
  expect(past.status).toBe(416);
  expect(past.headers.get('content-range')).toBe(`bytes */${wav.length}`);
}, 60_000);

test('every listen is in the county’s access log and in the hub’s: who, role, why, bytes, outcome', async () => {
  const county_ = await store.listRecordingAccess({ recordingId });
  expect(county_.length).toBeGreaterThanOrEqual(2);
  expect(county_[0]).toMatchObject({ username: 'hub:inspector', range: null });
  expect(county_[0]?.address).toBe(
    'hub quality_inspector; purpose: 投诉 complaint:330106:01JABCDEFGHJKMNPQRSTVWXYZ0',
  );
  expect(county_[1]).toMatchObject({ username: 'hub:inspector', range: 'bytes=44-100043' });

  let entries: Array<Record<string, unknown>> = [];
  await until(async () => {
    const response = await api({
      path: `/api/recordings/access-log?countyCode=${county}`,
      token: adminToken,
    });
    entries = ((await response.json()) as { entries: Array<Record<string, unknown>> }).entries;
    return entries.length >= 3;
  }, 'the hub log');
  expect(entries.slice(0, 3)).toMatchObject([
    {
      username: 'inspector',
      role: 'quality_inspector',
      callId: 'call-1',
      status: 416,
      outcome: 'unsatisfiable',
    },
    { range: 'bytes=44-100043', status: 206, outcome: 'served', bytes: 100_000 },
    {
      purpose: '投诉 complaint:330106:01JABCDEFGHJKMNPQRSTVWXYZ0',
      status: 200,
      outcome: 'served',
      bytes: wav.length,
    },
  ]);
  // At the hub: one log line per listen, and no file holding the recording anywhere in its data directory.
  const hubLog = await readFile(join(dir, 'hub', 'recording-access.jsonl'), 'utf8');
  expect(hubLog.trim().split('\n')).toHaveLength(3);
  const hubFiles = await readdir(join(dir, 'hub'), { recursive: true, withFileTypes: true });
  for (const file of hubFiles.filter((f) => f.isFile())) {
    const bytes = await readFile(join(file.parentPath, file.name));
    expect(bytes.includes(wav.subarray(44, 4140)), file.name).toBe(false);
  }
}, 30_000);

test('an unknown call and a call without a recording are 404', async () => {
  for (const callId of ['no-such-call', 'call-no-recording']) {
    const response = await listen({ callId });
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { field: string; message: string } };
    expect(body.error.field).toBe('callId');
    expect(body.error.message).toMatch(callId === 'no-such-call' ? /no call/ : /no recording/);
  }
}, 30_000);

test('listeners who leave mid-stream cancel it at the appliance: its four slots are free again', async () => {
  for (let i = 0; i < 6; i += 1) {
    const abort = new AbortController();
    const response = await fetch(
      `${hubUrl}/api/recordings/${county}/call-1?purpose=${encodeURIComponent('抽查')}`,
      { headers: { authorization: `Bearer ${inspectorToken}` }, signal: abort.signal },
    );
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect((await reader.read()).done).toBe(false);
    abort.abort();
  }
  // The hub logs each as aborted once its stream is cancelled.
  await until(async () => {
    const response = await api({
      path: `/api/recordings/access-log?countyCode=${county}`,
      token: adminToken,
    });
    const { entries } = (await response.json()) as { entries: Array<{ outcome: string }> };
    return entries.filter((e) => e.outcome === 'aborted').length === 6;
  }, 'six aborted listens in the hub log');
  // Had the cancels not reached the client, its four slots would be taken and this would be 503 (busy).
  await until(
    async () => {
      const response = await listen({ callId: 'call-1' });
      const ok = response.status === 200 && Buffer.from(await response.arrayBuffer()).equals(wav);
      return ok;
    },
    'a full listen after the aborted ones',
    10_000,
  );
}, 60_000);

test("another county's appliance cannot answer for this county; with this one gone the hub says 503", async () => {
  // 上城区's appliance, enrolled as 上城区, configured (by mistake or malice) to answer for 西湖区.
  const neighbourKey = await makeKey('appliance-330102-relay');
  const enrolled = await api({
    method: 'POST',
    path: '/api/provision/appliance',
    token: adminToken,
    body: { countyCode: '330102', deviceId: neighbourKey.deviceId, publicKey: neighbourKey.publicKey },
  });
  expect(enrolled.status).toBe(200);
  const neighbour = startClient({ device: neighbourKey, countyCode: county });
  await until(
    () => /refused a relay HELLO for 330106 from appliance-330102-relay/.test(hubOutput),
    'the refusal',
  );
  expect(neighbour.connected).toBe(false);
  // The real appliance still answers.
  const served = await listen({ callId: 'call-1', range: 'bytes=0-43' });
  expect(served.status).toBe(206);
  expect(Buffer.from(await served.arrayBuffer()).equals(wav.subarray(0, 44))).toBe(true);

  await client.stop();
  const gone = await listen({ callId: 'call-1' });
  expect(gone.status).toBe(503);
  expect(((await gone.json()) as { error: { message: string } }).error.message).toMatch(
    /330106 (is not connected|disconnected)/,
  );
  expect(neighbour.connected).toBe(false);
}, 60_000);
