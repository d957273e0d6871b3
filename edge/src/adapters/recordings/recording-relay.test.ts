import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpService, type DeviceKey } from '@jiazheng/sync/node';
import {
  decodeRelayFrame,
  encodeRelayFrame,
  RECORDING_RELAY_PATH,
  type RelayFrame,
  type RelayRequest,
} from '@jiazheng/sync/protocol';
import { createDeviceToken, exportPublicKey, generateDeviceKeys } from '@jiazheng/sync/records';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { HubAccountService } from '../../services/hub-account-service';
import { JsonFileAccountStore } from '../files/json-file-account-store';
import { createHubHttpApp } from '../http/http-app';
import { HubSync } from '../sync/hub-sync';
import { JsonLinesRecordingAccessLog } from './json-lines-recording-access-log';
import { RecordingRelayHub } from './recording-relay-hub';
import {
  authenticateRelayAppliance,
  RecordingRelayWebSocketService,
} from './recording-relay-web-socket-service';

/*
 * The hub's half of the recording relay with its real parts: the hub's Hono app on a real HTTP server, the
 * relay's WebSocket service authenticating device tokens against the real directory, and appliances as
 * real WebSocket clients speaking the wire format, some of them hostile. (The appliance's own client,
 * reading real WAV files from its call store, is tested against a hub process in the appliance package.)
 */

const quiet = { info: () => {}, error: () => {} };
const adminToken = 'test-admin-token-0123456789';
const password = 'a-long-password-1';
const own = '330106';
const other = '330102';

let dir: string;
let hub: HubSync;
let http: HttpService;
let sockets: RecordingRelayWebSocketService;
let relay: RecordingRelayHub;
let logPath: string;
const keys = new Map<string, DeviceKey>();
const tokens = new Map<string, string>();
/** A recording of 200,000 bytes, so it needs several chunks and credits. */
const recording = randomBytes(200_000);
const peers: WebSocket[] = [];

async function makeKey(deviceId: string): Promise<DeviceKey> {
  const generated = await generateDeviceKeys({ extractable: false });
  return {
    deviceId,
    publicKey: await exportPublicKey({ key: generated.publicKey }),
    privateKey: generated.privateKey,
  };
}

function send(ws: WebSocket, frame: RelayFrame): void {
  if (ws.readyState === ws.OPEN) ws.send(encodeRelayFrame({ frame }));
}

type Answer = 'silent' | { bytes: Uint8Array; closeBeforeEnd?: boolean } | { error: string };

/**
 * An appliance speaking the protocol: HELLO, then answers each REQUEST as `answer` says, within the credit
 * the hub grants (a plain `bytes=a-b` or `bytes=a-` range only).
 */
async function connectAppliance(options: {
  key: DeviceKey;
  countyCode?: string;
  answer?: (request: RelayRequest) => Answer;
  requests?: RelayRequest[];
}): Promise<{ ws: WebSocket; welcomed: Promise<boolean>; closed: Promise<number> }> {
  const token = await createDeviceToken({ device: options.key, now: Date.now() });
  const ws = new WebSocket(
    `${http.url.replace(/^http/, 'ws')}${RECORDING_RELAY_PATH}?token=${encodeURIComponent(token)}`,
  );
  peers.push(ws);
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  const streams = new Map<
    number,
    { bytes: Uint8Array; sent: number; credit: number; closeBeforeEnd: boolean }
  >();
  const pump = (id: number): void => {
    const stream = streams.get(id);
    if (!stream) return;
    while (stream.sent < stream.bytes.length && stream.credit > 0) {
      const n = Math.min(65_536, stream.credit, stream.bytes.length - stream.sent);
      send(ws, { type: 'chunk', requestId: id, bytes: stream.bytes.subarray(stream.sent, stream.sent + n) });
      stream.sent += n;
      stream.credit -= n;
    }
    if (stream.sent === stream.bytes.length) {
      if (stream.closeBeforeEnd) ws.close();
      else send(ws, { type: 'end', requestId: id, body: { bytes: stream.sent } });
      streams.delete(id);
    }
  };
  const welcomed = new Promise<boolean>((resolve) => {
    ws.once('close', () => resolve(false));
    ws.on('message', (data: Buffer) => {
      const frame = decodeRelayFrame({ bytes: new Uint8Array(data) });
      if (frame.type === 'welcome') resolve(true);
      if (frame.type === 'credit') {
        const stream = streams.get(frame.requestId);
        if (stream) stream.credit += frame.credit;
        pump(frame.requestId);
      }
      if (frame.type === 'cancel') streams.delete(frame.requestId);
      if (frame.type !== 'request') return;
      options.requests?.push(frame.body);
      const answer = options.answer?.(frame.body) ?? 'silent';
      if (answer === 'silent') return;
      if ('error' in answer) {
        send(ws, {
          type: 'error',
          requestId: frame.requestId,
          body: { code: answer.error, message: `${answer.error} here` },
        });
        return;
      }
      const size = answer.bytes.length;
      const match = /^bytes=(\d+)-(\d*)$/.exec(frame.body.range ?? '');
      const start = match ? Number(match[1]) : 0;
      const end = match && match[2] !== '' ? Math.min(Number(match[2]), size - 1) : size - 1;
      send(ws, {
        type: 'head',
        requestId: frame.requestId,
        body: { totalBytes: size, start, end, partial: match !== null },
      });
      streams.set(frame.requestId, {
        bytes: answer.bytes.subarray(start, end + 1),
        sent: 0,
        credit: frame.body.window,
        closeBeforeEnd: answer.closeBeforeEnd === true,
      });
      pump(frame.requestId);
    });
  });
  ws.on('error', () => undefined);
  ws.once('open', () =>
    send(ws, {
      type: 'hello',
      requestId: 0,
      body: { countyCode: options.countyCode ?? countyOf(options.key), deviceId: options.key.deviceId },
    }),
  );
  return { ws, welcomed, closed };
}

function countyOf(key: DeviceKey): string {
  return /appliance-(\d{6})/.exec(key.deviceId)?.[1] ?? '000000';
}

async function listen(options: {
  county?: string;
  callId?: string;
  purpose?: string | null;
  user?: string;
  range?: string;
}): Promise<Response> {
  const purpose =
    options.purpose === undefined ? '投诉 complaint:330106:01JABCDEFGHJKMNPQRSTVWXYZ0' : options.purpose;
  const query = purpose === null ? '' : `?purpose=${encodeURIComponent(purpose)}`;
  const headers: Record<string, string> = {
    authorization: `Bearer ${tokens.get(options.user ?? 'inspector') ?? ''}`,
  };
  if (options.range !== undefined) headers.range = options.range;
  return fetch(`${http.url}/api/recordings/${options.county ?? own}/${options.callId ?? 'call-1'}${query}`, {
    headers,
  });
}

async function accessLog(query = ''): Promise<Array<Record<string, unknown>>> {
  const response = await fetch(`${http.url}/api/recordings/access-log${query}`, {
    headers: { authorization: `Bearer ${tokens.get('admin') ?? ''}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { entries: Array<Record<string, unknown>> }).entries;
}

/** The log is appended once the stream's outcome is known, a moment after the body ended. */
async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jz-relay-'));
  hub = new HubSync({ store: await MemoryRecordStore.open(), device: await makeKey('hub-1'), logger: quiet });
  await hub.start();
  for (const county of [own, other]) {
    const key = await makeKey(`appliance-${county}-a`);
    keys.set(county, key);
    await hub.provisionAppliance({ countyCode: county, deviceId: key.deviceId, publicKey: key.publicKey });
  }
  // A county user's browser: enrolled, of the right county, but not an appliance.
  const pwa = await makeKey('pwa-330106-1');
  keys.set('pwa', pwa);
  await hub.provisionDevice({
    userId: 'ct-1',
    name: '坐席',
    role: 'call_taker',
    countyCode: own,
    deviceId: pwa.deviceId,
    publicKey: pwa.publicKey,
    kind: 'pwa',
  });

  const accounts = new HubAccountService({
    store: await JsonFileAccountStore.open({ path: join(dir, 'accounts.json') }),
    logger: quiet,
    bootstrapAdminPassword: password,
  });
  await accounts.start();
  relay = new RecordingRelayHub({ hubId: 'hub-1', logger: quiet, headTimeoutMs: 1500, windowBytes: 65_536 });
  logPath = join(dir, 'recording-access.jsonl');
  const app = createHubHttpApp({
    hub,
    adminToken,
    logger: quiet,
    accounts,
    recordings: { relay, log: new JsonLinesRecordingAccessLog({ path: logPath, logger: quiet }) },
  });
  http = new HttpService({ app, host: '127.0.0.1', port: 0 });
  await http.start();
  sockets = new RecordingRelayWebSocketService({
    http,
    relay,
    authenticate: async (token) =>
      authenticateRelayAppliance({ token, directory: await hub.directory(), now: Date.now() }),
    logger: quiet,
    pingIntervalMs: 0,
  });
  await sockets.start();

  const login = async (username: string): Promise<void> => {
    const response = await fetch(`${http.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const token = ((await response.json()) as { token?: string }).token;
    if (token === undefined) throw new Error(`no session for ${username}`);
    tokens.set(username, token);
  };
  await login('admin');
  const create = async (username: string, role: string, scope: Record<string, string>): Promise<void> => {
    const response = await fetch(`${http.url}/api/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get('admin') ?? ''}` },
      body: JSON.stringify({ username, password, displayName: username, role, scope }),
    });
    if (response.status !== 201) throw new Error(`could not create ${username}: ${await response.text()}`);
    await login(username);
  };
  await create('inspector', 'quality_inspector', { level: 'county', code: own });
  await create('lawyer', 'legal_consultant', { level: 'city', code: '330100' });
  await create('inspector-b', 'quality_inspector', { level: 'county', code: other });
  await create('supervisor', 'supervisor', { level: 'county', code: own });
}, 60_000);

afterAll(async () => {
  for (const ws of peers) ws.terminate();
  await sockets.stop();
  await http.stop();
  await hub.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('recordings through the relay', () => {
  test("503 while the county's appliance is not connected, and the attempt is logged", async () => {
    const response = await listen({});
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: { field: string; message: string } };
    expect(body.error.field).toBe('countyCode');
    expect(body.error.message).toMatch(/330106 is not connected/);
    const [entry] = await until(
      () => accessLog(`?countyCode=${own}`),
      (e) => e.length > 0,
    );
    expect(entry).toMatchObject({
      username: 'inspector',
      role: 'quality_inspector',
      outcome: 'not_connected',
      status: 503,
    });
  });

  test('plays the whole recording and a Range of it, and logs who, why, the bytes and the outcome', async () => {
    const requests: RelayRequest[] = [];
    const appliance = await connectAppliance({
      key: keys.get(own) as DeviceKey,
      answer: (request) => (request.callId === 'call-1' ? { bytes: recording } : { error: 'not_found' }),
      requests,
    });
    expect(await appliance.welcomed).toBe(true);

    const whole = await listen({});
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/wav');
    expect(whole.headers.get('content-length')).toBe(String(recording.length));
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(recording)).toBe(true);

    const slice = await listen({
      user: 'lawyer',
      range: 'bytes=1000-70999',
      purpose: '仲裁 arbitration 2026-17',
    });
    expect(slice.status).toBe(206);
    expect(slice.headers.get('content-range')).toBe(`bytes 1000-70999/${recording.length}`);
    expect(Buffer.from(await slice.arrayBuffer()).equals(recording.subarray(1000, 71_000))).toBe(true);

    expect(requests.map((r) => [r.requestedBy, r.purpose, r.range])).toEqual([
      [
        { username: 'inspector', role: 'quality_inspector' },
        '投诉 complaint:330106:01JABCDEFGHJKMNPQRSTVWXYZ0',
        null,
      ],
      [{ username: 'lawyer', role: 'legal_consultant' }, '仲裁 arbitration 2026-17', 'bytes=1000-70999'],
    ]);
    const entries = await until(
      () => accessLog(`?countyCode=${own}`),
      (e) => e.some((x) => x.username === 'lawyer'),
    );
    expect(entries.slice(0, 2)).toMatchObject([
      {
        username: 'lawyer',
        role: 'legal_consultant',
        callId: 'call-1',
        purpose: '仲裁 arbitration 2026-17',
        range: 'bytes=1000-70999',
        status: 206,
        outcome: 'served',
        bytes: 70_000,
      },
      { username: 'inspector', countyCode: own, status: 200, outcome: 'served', bytes: recording.length },
    ]);
    // Append-only JSON lines on disk.
    const lines = (await readFile(logPath, 'utf8')).trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(JSON.parse(lines.at(-1) ?? '{}')).toMatchObject({ username: 'lawyer' });

    const unknown = await listen({ callId: 'no-such-call' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { field: string } }).error.field).toBe('callId');
  });

  test('refuses other roles and other scopes (403), and names the bad field (400)', async () => {
    expect((await listen({ user: 'supervisor' })).status).toBe(403);
    const outside = await listen({ user: 'inspector-b' });
    expect(outside.status).toBe(403);
    expect(((await outside.json()) as { error: { field: string } }).error.field).toBe('countyCode');
    const cases: Array<[Parameters<typeof listen>[0], string]> = [
      [{ county: '33010x' }, 'countyCode'],
      [{ county: '330100' }, 'countyCode'],
      [{ callId: '..%2Fetc' }, 'callId'],
      [{ callId: 'x'.repeat(129) }, 'callId'],
      [{ purpose: null }, 'purpose'],
      [{ purpose: '   ' }, 'purpose'],
      [{ purpose: 'x'.repeat(201) }, 'purpose'],
      [{ purpose: 'line\nbreak' }, 'purpose'],
    ];
    for (const [options, field] of cases) {
      const response = await listen(options);
      expect(response.status, JSON.stringify(options)).toBe(400);
      expect(((await response.json()) as { error: { field: string } }).error.field).toBe(field);
    }
    // The inspector of 上城区 sees only 上城区's log; 西湖区's listens are not theirs to read.
    const theirs = await fetch(`${http.url}/api/recordings/access-log?countyCode=${own}`, {
      headers: { authorization: `Bearer ${tokens.get('inspector-b') ?? ''}` },
    });
    expect(theirs.status).toBe(403);
    const mine = await fetch(`${http.url}/api/recordings/access-log`, {
      headers: { authorization: `Bearer ${tokens.get('inspector-b') ?? ''}` },
    });
    const { entries } = (await mine.json()) as { entries: Array<{ countyCode: string; outcome: string }> };
    expect(entries.every((e) => e.countyCode === other)).toBe(true);
    expect(entries.length).toBe(0);
    const forbidden = await until(
      () => accessLog(),
      (e) => e.some((x) => x.outcome === 'forbidden'),
    );
    expect(forbidden.find((x) => x.outcome === 'forbidden')).toMatchObject({
      username: 'inspector-b',
      countyCode: own,
    });
  });

  test("another county's appliance cannot answer for this county", async () => {
    // 上城区's appliance claims 西湖区 in its HELLO: refused and closed.
    const impostor = await connectAppliance({
      key: keys.get(other) as DeviceKey,
      countyCode: own,
      answer: () => ({ bytes: Buffer.from('forged') }),
    });
    expect(await impostor.welcomed).toBe(false);
    expect(await impostor.closed).toBe(4003);
    // Connected honestly, it spams answers to request ids it guesses; 西湖区's listen is not disturbed.
    const neighbour = await connectAppliance({
      key: keys.get(other) as DeviceKey,
      answer: () => ({ bytes: Buffer.from('forged') }),
    });
    expect(await neighbour.welcomed).toBe(true);
    for (let id = 1; id < 20; id += 1) {
      send(neighbour.ws, {
        type: 'head',
        requestId: id,
        body: { totalBytes: 6, start: 0, end: 5, partial: false },
      });
      send(neighbour.ws, { type: 'chunk', requestId: id, bytes: Buffer.from('forged') });
    }
    const response = await listen({});
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(recording)).toBe(true);
    expect(relay.counties()).toEqual([other, own]);
  });

  test('refuses tokens that are not a county appliance, and closes on malformed frames', async () => {
    const pwaToken = await createDeviceToken({ device: keys.get('pwa') as DeviceKey, now: Date.now() });
    for (const token of [pwaToken, 'garbage', '']) {
      const status = await new Promise<number>((resolve) => {
        const ws = new WebSocket(
          `${http.url.replace(/^http/, 'ws')}${RECORDING_RELAY_PATH}?token=${encodeURIComponent(token)}`,
        );
        ws.on('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.on('error', () => undefined);
        ws.on('open', () => resolve(101));
      });
      expect(status).toBe(401);
    }
    const appliance = await connectAppliance({ key: keys.get(other) as DeviceKey });
    expect(await appliance.welcomed).toBe(true);
    const errors: string[] = [];
    appliance.ws.on('message', (data: Buffer) => {
      const frame = decodeRelayFrame({ bytes: new Uint8Array(data) });
      if (frame.type === 'error') errors.push(frame.body.code);
    });
    const version2 = encodeRelayFrame({ frame: { type: 'end', requestId: 1, body: { bytes: 1 } } });
    version2[2] = 2;
    appliance.ws.send(version2);
    expect(await appliance.closed).toBe(1002);
    expect(errors).toEqual(['unsupported_version']);
    const fuzzed = await connectAppliance({ key: keys.get(other) as DeviceKey });
    expect(await fuzzed.welcomed).toBe(true);
    fuzzed.ws.send(randomBytes(50));
    expect(await fuzzed.closed).toBe(1002);
  });

  test('504 when the appliance does not answer in time; 503 again once it is gone', async () => {
    const silent = await connectAppliance({ key: keys.get(own) as DeviceKey, answer: () => 'silent' });
    expect(await silent.welcomed).toBe(true);
    const late = await listen({});
    expect(late.status).toBe(504);
    silent.ws.close();
    await silent.closed;
    // The newest connection of the county was the silent one: closing it leaves none.
    await until(
      () => Promise.resolve(relay.counties()),
      (c) => !c.includes(own),
    );
    expect((await listen({})).status).toBe(503);
    const entries = await until(
      () => accessLog(`?countyCode=${own}`),
      (e) => e[0]?.outcome === 'not_connected' && e[1]?.outcome === 'timeout',
    );
    expect(entries.slice(0, 2).map((e) => e.outcome)).toEqual(['not_connected', 'timeout']);
  });
});

test('a listener who goes away mid-stream cancels it at the appliance, and the log says aborted', async () => {
  const big = randomBytes(2_000_000);
  const cancels: number[] = [];
  const appliance = await connectAppliance({
    key: keys.get(own) as DeviceKey,
    answer: () => ({ bytes: big }),
  });
  expect(await appliance.welcomed).toBe(true);
  appliance.ws.on('message', (data: Buffer) => {
    const frame = decodeRelayFrame({ bytes: new Uint8Array(data) });
    if (frame.type === 'cancel') cancels.push(frame.requestId);
  });
  const abort = new AbortController();
  const response = await fetch(
    `${http.url}/api/recordings/${own}/call-big?purpose=${encodeURIComponent('抽查 spot check')}`,
    {
      headers: { authorization: `Bearer ${tokens.get('inspector') ?? ''}` },
      signal: abort.signal,
    },
  );
  expect(response.status).toBe(200);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const first = await reader.read();
  expect(first.value?.byteLength).toBeGreaterThan(0);
  abort.abort();
  await until(
    () => Promise.resolve(cancels.length),
    (n) => n > 0,
  );
  expect(cancels).toHaveLength(1);
  const entries = await until(
    () => accessLog(`?countyCode=${own}`),
    (e) => e[0]?.callId === 'call-big',
  );
  expect(entries[0]).toMatchObject({ callId: 'call-big', outcome: 'aborted', status: 200 });
  // Flow control held: far less than the recording crossed before the listener left.
  expect(entries[0]?.bytes as number).toBeLessThan(big.length / 2);
});

test('an appliance that goes away after the last byte but before END still served the listener', async () => {
  const small = randomBytes(10_000);
  const appliance = await connectAppliance({
    key: keys.get(own) as DeviceKey,
    answer: () => ({ bytes: small, closeBeforeEnd: true }),
  });
  expect(await appliance.welcomed).toBe(true);
  const response = await listen({ callId: 'call-last' });
  expect(response.status).toBe(200);
  expect(Buffer.from(await response.arrayBuffer()).equals(small)).toBe(true);
  await appliance.closed;
  // The same keep-alive connection of the listener is still good.
  const entries = await until(
    () => accessLog(`?countyCode=${own}`),
    (e) => e[0]?.callId === 'call-last',
  );
  expect(entries[0]).toMatchObject({ outcome: 'served', bytes: small.length });
});
