import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { GatewaySmsSender } from './gateway-sms-sender';

/* A real HTTP server on loopback plays the carrier's gateway. */

const TOKEN = 'gw-token-0123456789abcdef';
type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;
let server: Server;
let url: string;
let handler: Handler;
const received: Array<{ headers: IncomingMessage['headers']; body: string; method: string | undefined }> = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body, method: request.method });
      handler(request, body, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/sms`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received.length = 0;
});

const phone = { e164: '+8613800138000', national: '13800138000' };

test('POSTs JSON with the bearer token and our id; the carrier id of a 2xx becomes the external id', async () => {
  handler = (_request, _body, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ id: 'cm-out-42', status: 'accepted' }));
  };
  const sender = new GatewaySmsSender({ url, token: TOKEN, from: '12345' });
  expect(sender.channel).toBe('gateway');
  expect(
    await sender.send({ id: '01JD0000000000000000000001', phone, text: '已派人，<b>下午</b>到' }),
  ).toEqual({
    externalId: 'gateway-out:cm-out-42',
  });
  expect(received).toHaveLength(1);
  const [request] = received;
  expect(request?.method).toBe('POST');
  expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  expect(request?.headers['content-type']).toBe('application/json');
  expect(request?.headers['idempotency-key']).toBe('01JD0000000000000000000001');
  expect(JSON.parse(request?.body ?? '')).toEqual({
    id: '01JD0000000000000000000001',
    to: '+8613800138000',
    text: '已派人，<b>下午</b>到',
    from: '12345',
  });
});

test('a 2xx without a usable id is still sent', async () => {
  const sender = new GatewaySmsSender({ url, token: TOKEN });
  for (const answer of ['', 'OK', '{"id": 7}', `{"id": "${'x'.repeat(200)}"}`]) {
    handler = (_request, _body, response) => {
      response.writeHead(202);
      response.end(answer);
    };
    expect(await sender.send({ id: 'r', phone, text: 'x' })).toEqual({ externalId: null });
  }
  expect(JSON.parse(received[0]?.body ?? '')).not.toHaveProperty('from');
});

test('a non-2xx is a failure naming the status and the start of the answer, cleaned, never the token', async () => {
  handler = (_request, _body, response) => {
    response.writeHead(503, { 'content-type': 'text/plain' });
    response.end(`quota exceeded\r\n\u0000for ${'account '.repeat(100)}`);
  };
  const sender = new GatewaySmsSender({ url, token: TOKEN });
  const error = await sender.send({ id: 'r', phone, text: 'x' }).then(
    () => undefined,
    (caught: unknown) => caught as Error,
  );
  expect(error?.message).toMatch(/^the SMS gateway answered HTTP 503: quota exceeded for account/);
  expect(error?.message.length).toBeLessThan(260);
  // eslint-disable-next-line no-control-regex -- control characters are what must not get through
  expect(error?.message).not.toMatch(/[\r\n\u0000]/);
  expect(error?.message).not.toContain(TOKEN);

  handler = (_request, _body, response) => {
    response.writeHead(401);
    response.end();
  };
  await expect(sender.send({ id: 'r', phone, text: 'x' })).rejects.toThrow(
    /^the SMS gateway answered HTTP 401$/,
  );
});

test('no answer within the timeout is a failure that says so', async () => {
  handler = (_request, _body, response) => {
    setTimeout(() => {
      response.writeHead(200);
      response.end();
    }, 2_000).unref();
  };
  const sender = new GatewaySmsSender({ url, token: TOKEN, timeoutMs: 150 });
  await expect(sender.send({ id: 'r', phone, text: 'x' })).rejects.toThrow(
    'the SMS gateway did not answer within 0.2 s',
  );
});

test('a redirect is refused (it could carry the token elsewhere), and so is a gateway that is down', async () => {
  handler = (_request, _body, response) => {
    response.writeHead(302, { location: 'http://attacker.example/steal' });
    response.end();
  };
  const sender = new GatewaySmsSender({ url, token: TOKEN });
  await expect(sender.send({ id: 'r', phone, text: 'x' })).rejects.toThrow(/could not be reached/);

  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const down = new GatewaySmsSender({ url: `http://127.0.0.1:${port}/`, token: TOKEN });
  await expect(down.send({ id: 'r', phone, text: 'x' })).rejects.toThrow(
    'the SMS gateway could not be reached: ECONNREFUSED',
  );
  expect(() => new GatewaySmsSender({ url: 'ftp://gw.example/', token: TOKEN })).toThrow(/http/);
});
