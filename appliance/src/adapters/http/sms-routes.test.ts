import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { installJsonErrors } from '@jiazheng/sync/node';
import { Hono } from 'hono';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import type { SmsMessage } from '../../domain/sms/sms-message';
import type { SmsConsoleMessage } from '../../ports/sms-store';
import { AuthService } from '../../services/auth-service';
import { SmsService } from '../../services/sms-service';
import { PgliteAuthStore } from '../pglite/pglite-auth-store';
import { PgliteCallStore } from '../pglite/pglite-call-store';
import { PgliteSmsStore } from '../pglite/pglite-sms-store';
import { GatewaySmsSender } from '../sms/gateway-sms-sender';
import { mountSmsRoutes } from './sms-routes';

const quiet = { info: () => undefined, error: () => undefined };
const WEBHOOK_TOKEN = 'webhook-token-0123456789';
let pglite: PGlite;
let auth: AuthService;
let smsStore: PgliteSmsStore;
let app: Hono;
let token: string;
let published: SmsConsoleMessage[];
/** The carrier's gateway: a real HTTP server on loopback whose answer each test chooses. */
let gateway: Server;
let gatewayStatus = 200;
const gatewayBodies: unknown[] = [];

beforeAll(async () => {
  pglite = await PGlite.create();
  const calls = await PgliteCallStore.open({ pglite });
  smsStore = new PgliteSmsStore({ db: calls.db });
  auth = new AuthService({ store: new PgliteAuthStore({ db: calls.db }), logger: quiet });
  await auth.createUser({
    username: 'seat1',
    password: 'seat-password-1',
    role: 'call_taker',
    displayName: '坐席一',
    seat: '1001',
  });
  token = (await auth.login({ username: 'seat1', password: 'seat-password-1', address: '127.0.0.1' })).token;

  gateway = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      gatewayBodies.push(JSON.parse(body));
      response.writeHead(gatewayStatus, { 'content-type': 'application/json' });
      response.end(
        gatewayStatus === 200 ? JSON.stringify({ id: `cm-${gatewayBodies.length}` }) : '{"error":"busy"}',
      );
    });
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));

  published = [];
  app = appWith({
    sms: new SmsService({
      store: smsStore,
      publisher: { publish: ({ message }) => published.push(message) },
      logger: quiet,
      gatewaySender: new GatewaySmsSender({
        url: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/send`,
        token: 'gateway-token-xyz',
      }),
      webhookToken: WEBHOOK_TOKEN,
      defaultAreaCode: '0571',
    }),
  });
}, 60_000);

afterAll(async () => {
  gateway.closeAllConnections();
  await new Promise((resolve) => gateway.close(resolve));
  await pglite.close();
});

beforeEach(async () => {
  await pglite.exec('TRUNCATE sms_messages');
  published.length = 0;
  gatewayBodies.length = 0;
  gatewayStatus = 200;
});

function appWith(options: { sms: SmsService }): Hono {
  const hono = new Hono();
  mountSmsRoutes({ app: hono, sms: options.sms, authenticate: (t) => auth.authenticate({ token: t }) });
  installJsonErrors({ app: hono, logger: quiet, processName: 'appliance' });
  return hono;
}

function request(options: {
  method?: 'GET' | 'POST';
  path: string;
  token?: string | undefined;
  body?: unknown;
  raw?: string;
  contentType?: string;
  on?: Hono;
}): Promise<Response> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const hasBody = options.body !== undefined || options.raw !== undefined;
  if (hasBody) headers['content-type'] = options.contentType ?? 'application/json';
  return Promise.resolve(
    (options.on ?? app).request(options.path, {
      method: options.method ?? (hasBody ? 'POST' : 'GET'),
      headers,
      ...(hasBody ? { body: options.raw ?? JSON.stringify(options.body) } : {}),
    }),
  );
}

async function errorOf(
  response: Response,
): Promise<{ status: number; code: string; field: string | null; message: string }> {
  const { error } = (await response.json()) as {
    error: { code: string; field: string | null; message: string };
  };
  return { status: response.status, ...error };
}

const webhookBody = {
  id: 'cm-20261120-0001',
  from: '13800138000',
  to: '12345',
  text: '小区路灯坏了三天',
  receivedAt: '2026-11-20T09:59:00+08:00',
};

function webhook(body: unknown, options: { token?: string; raw?: string; contentType?: string } = {}) {
  return request({
    path: '/api/sms/inbound',
    token: options.token ?? WEBHOOK_TOKEN,
    body,
    ...(options.raw === undefined ? {} : { raw: options.raw }),
    ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
  });
}

async function inbox(status = 'new'): Promise<SmsMessage[]> {
  const response = await request({ path: `/api/sms?status=${status}`, token });
  expect(response.status).toBe(200);
  return ((await response.json()) as { messages: SmsMessage[] }).messages;
}

test('the webhook stores an SMS once: a redelivery is acknowledged with the same id and not stored again', async () => {
  const first = await webhook(webhookBody);
  expect(first.status).toBe(200);
  const { id, duplicate } = (await first.json()) as { id: string; duplicate: boolean };
  expect(duplicate).toBe(false);
  const again = await webhook({ ...webhookBody, text: 'a different text, same carrier id' });
  expect(await again.json()).toEqual({ ok: true, id, duplicate: true });

  const messages = await inbox();
  expect(messages).toHaveLength(1);
  expect(messages[0]).toMatchObject({
    id,
    direction: 'inbound',
    channel: 'gateway',
    phone: '+8613800138000',
    body: '小区路灯坏了三天',
    at: '2026-11-20T01:59:00.000Z',
    status: 'new',
    externalId: 'gateway:cm-20261120-0001',
  });
  expect(published).toEqual([{ type: 'sms', message: messages[0] }]);
});

test('the webhook refuses a missing or wrong token before reading the body', async () => {
  const none = await request({ path: '/api/sms/inbound', body: webhookBody });
  expect(await errorOf(none)).toMatchObject({ status: 401, field: 'authorization' });
  const wrong = await webhook(webhookBody, { token: `${WEBHOOK_TOKEN}x` });
  expect(await errorOf(wrong)).toMatchObject({ status: 401, code: 'unauthorized' });
  // A session token of a call-taker is not the gateway's token.
  expect((await webhook(webhookBody, { token })).status).toBe(401);
  // Not even malformed JSON gets past the token check.
  expect((await webhook(undefined, { token: 'nope', raw: '{not json' })).status).toBe(401);
  expect(await inbox()).toEqual([]);
});

test('hostile webhook bodies: oversized text and sender are refused naming the field; markup stays text', async () => {
  const long = await webhook({ ...webhookBody, text: '长'.repeat(1001) });
  expect(await errorOf(long)).toEqual({
    status: 400,
    code: 'invalid_input',
    field: 'text',
    message: 'text: must be at most 1000 characters',
  });
  const sender = await webhook({ ...webhookBody, from: '1'.repeat(41) });
  expect(await errorOf(sender)).toMatchObject({ status: 400, field: 'from' });
  const missing = await webhook({ from: '13800138000', text: 'x' });
  expect(await errorOf(missing)).toMatchObject({ status: 400, field: 'id' });
  expect((await errorOf(await webhook(undefined, { raw: '{"id": ' }))).field).toBe('body');
  expect(
    (await webhook(undefined, { raw: 'id=1', contentType: 'application/x-www-form-urlencoded' })).status,
  ).toBe(415);

  const hostile = await webhook({
    ...webhookBody,
    id: 'cm-hostile',
    from: '138\u00000013\u202e8000',
    text: '<img src=x onerror=alert(1)>\u0007\r\n第二行\u202e\u0000',
  });
  expect(hostile.status).toBe(200);
  const [stored] = await inbox();
  expect(stored?.body).toBe('<img src=x onerror=alert(1)>\n第二行');
  // The NUL becomes a space (a separator), the bidi override goes.
  expect(stored?.phoneRaw).toBe('138 00138000');
  expect(stored?.phone).toBe('+8613800138000');
});

test('the inbox, the handled list and marking handled need a login; the first call-taker wins', async () => {
  expect((await request({ path: '/api/sms' })).status).toBe(401);
  expect((await request({ path: '/api/sms', token: 'x'.repeat(43) })).status).toBe(401);
  await webhook(webhookBody);
  await webhook({ ...webhookBody, id: 'cm-2', receivedAt: '2026-11-20T10:30:00+08:00', text: '第二条' });
  const messages = await inbox();
  expect(messages.map((m) => m.body)).toEqual(['第二条', '小区路灯坏了三天']);
  const target = messages[1]?.id ?? '';

  expect(
    (
      await request({
        path: `/api/sms/${target}/handled`,
        body: { orderId: 'order:330106:01JD0000000000000000000000' },
      })
    ).status,
  ).toBe(401);
  const badOrder = await request({
    path: `/api/sms/${target}/handled`,
    token,
    body: { orderId: 'worker:hub:x' },
  });
  expect(await errorOf(badOrder)).toMatchObject({ status: 400, field: 'orderId' });
  const extra = await request({ path: `/api/sms/${target}/handled`, token, body: { status: 'handled' } });
  expect(await errorOf(extra)).toMatchObject({ status: 400, field: 'status' });

  const handled = await request({
    path: `/api/sms/${target}/handled`,
    token,
    body: { orderId: 'order:330106:01JD0000000000000000000000' },
  });
  expect(handled.status).toBe(200);
  expect(((await handled.json()) as { message: SmsMessage }).message).toMatchObject({
    id: target,
    status: 'handled',
    handledBy: 'seat1',
    orderId: 'order:330106:01JD0000000000000000000000',
  });
  expect(published.at(-1)).toMatchObject({ type: 'sms', message: { id: target, status: 'handled' } });
  const twice = await errorOf(await request({ path: `/api/sms/${target}/handled`, token, body: {} }));
  expect(twice).toMatchObject({ status: 409, field: 'id' });
  expect(twice.message).toMatch(/already handled by seat1/);
  for (const id of ['01JD0000000000000000000000', 'not-an-id', '%3Cscript%3E']) {
    expect((await request({ path: `/api/sms/${id}/handled`, token, body: {} })).status).toBe(404);
  }

  expect((await inbox()).map((m) => m.body)).toEqual(['第二条']);
  expect((await inbox('handled')).map((m) => m.id)).toEqual([target]);
  expect(await errorOf(await request({ path: '/api/sms?status=deleted', token }))).toMatchObject({
    status: 400,
    field: 'status',
  });
  expect((await request({ path: '/api/sms?limit=1e2', token })).status).toBe(400);
  expect((await request({ path: '/api/sms?limit=1', token }).then((r) => r.json())) as object).toMatchObject({
    messages: [{ body: '第二条' }],
  });
});

test('a reply goes out through the gateway and is kept; the conversation shows both directions in order', async () => {
  await webhook(webhookBody);
  const reply = await request({
    path: '/api/sms/reply',
    token,
    body: { to: '138-0013-8000', text: '您好，维修人员<下午三点>到|谢谢' },
  });
  expect(reply.status).toBe(200);
  const { message } = (await reply.json()) as { message: SmsMessage };
  expect(message).toMatchObject({
    direction: 'outbound',
    channel: 'gateway',
    phone: '+8613800138000',
    body: '您好，维修人员<下午三点>到|谢谢',
    status: 'sent',
    externalId: 'gateway-out:cm-1',
    handledBy: 'seat1',
    error: null,
  });
  expect(gatewayBodies).toEqual([
    { id: message.id, to: '+8613800138000', text: '您好，维修人员<下午三点>到|谢谢' },
  ]);
  expect(published.at(-1)).toEqual({ type: 'sms', message });

  const conversation = await request({
    path: '/api/sms/conversation?phone=%2B86%20138%200013%208000',
    token,
  });
  const body = (await conversation.json()) as { phone: string; messages: SmsMessage[] };
  expect(body.phone).toBe('+8613800138000');
  expect(body.messages.map((m) => m.direction)).toEqual(['inbound', 'outbound']);
  expect((await request({ path: '/api/sms/conversation?phone=13800138000' })).status).toBe(401);
  expect(await errorOf(await request({ path: '/api/sms/conversation', token }))).toMatchObject({
    field: 'phone',
  });
  expect(await errorOf(await request({ path: '/api/sms/conversation?phone=abc', token }))).toMatchObject({
    status: 400,
    field: 'phone',
  });
});

test('hostile replies are refused naming the field; a gateway failure is a 502 and the reply is kept as failed', async () => {
  const cases: Array<[unknown, string, RegExp]> = [
    [{ to: '13800138000', text: '好'.repeat(1001) }, 'text', /at most 1000 characters/],
    [{ to: '13800138000', text: 'x'.repeat(9000) }, 'text', /at most 1000 characters/],
    [{ to: '13800138000', text: '\u0000\u202e \r\n' }, 'text', /is empty/],
    [{ to: '13800138000' }, 'text', /is required/],
    [{ to: 'sip:evil@host', text: 'x' }, 'to', /letters/],
    [{ to: '0571-88888888', text: 'x' }, 'to', /not a mobile/],
    [{ to: '1'.repeat(41), text: 'x' }, 'to', /at most 40/],
    [{ to: '13800138000', text: 'x', from: '10086' }, 'from', /not a known field/],
  ];
  for (const [body, field, message] of cases) {
    const error = await errorOf(await request({ path: '/api/sms/reply', token, body }));
    expect(error, JSON.stringify(body).slice(0, 60)).toMatchObject({ status: 400, field });
    expect(error.message).toMatch(message);
  }
  expect(gatewayBodies).toEqual([]);

  gatewayStatus = 503;
  const failed = await request({
    path: '/api/sms/reply',
    token,
    body: { to: '13800138000', text: '稍后联系您' },
  });
  const error = await errorOf(failed);
  expect(error).toMatchObject({ status: 502, code: 'bad_gateway' });
  expect(error.message).toMatch(/the SMS gateway answered HTTP 503: \{"error":"busy"\}/);
  expect(error.message).not.toContain('gateway-token-xyz');
  const kept = await smsStore.listConversation({ phone: '+8613800138000', limit: 10 });
  expect(kept).toMatchObject([
    { status: 'failed', body: '稍后联系您', error: expect.stringMatching(/HTTP 503/) as unknown },
  ]);
});

test('without a webhook token the webhook is off; without a sender replies are refused', async () => {
  const bare = appWith({
    sms: new SmsService({ store: smsStore, publisher: { publish: () => undefined }, logger: quiet }),
  });
  const off = await request({ on: bare, path: '/api/sms/inbound', token: WEBHOOK_TOKEN, body: webhookBody });
  expect(await errorOf(off)).toMatchObject({
    status: 404,
    message: expect.stringMatching(/SMS_WEBHOOK_TOKEN/) as unknown,
  });
  const noSender = await request({
    on: bare,
    path: '/api/sms/reply',
    token,
    body: { to: '13800138000', text: 'x' },
  });
  expect(await errorOf(noSender)).toMatchObject({
    status: 503,
    message: expect.stringMatching(/SMS_GATEWAY_URL/) as unknown,
  });
});
