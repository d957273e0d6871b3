import { createServer } from 'node:net';
import { expect, test } from 'vitest';
import { HttpService, type FetchApp } from './http-service';

/** The smallest app with a /health route: the service is what is under test, not the app. */
const app: FetchApp = {
  fetch: (request) =>
    new URL(request.url).pathname === '/health'
      ? Response.json({ ok: true, county: { code: '330106' } })
      : new Response('not found', { status: 404 }),
};

function newService(): HttpService {
  return new HttpService({ app, host: '127.0.0.1', port: 0 });
}

/** Whether something accepts TCP connections on the port; a closed port refuses at once. */
async function isListening(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

test('serves /health over real HTTP on a free port, then closes the port', async () => {
  const service = newService();
  await service.start();
  const url = service.url;
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(url).not.toMatch(/:0$/);

  const response = await fetch(`${url}/health`);
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ ok: true, county: { code: '330106' } });

  await service.stop();
  expect(await isListening(url)).toBe(false);
  expect(() => service.url).toThrow(/not listening/);
});

test('stop twice, or concurrently, is fine; stop before start is a no-op', async () => {
  const unused = newService();
  await unused.stop();

  const service = newService();
  await service.start();
  await Promise.all([service.stop(), service.stop()]);
  await service.stop();
});

test('start twice resolves the same listening server', async () => {
  const service = newService();
  await Promise.all([service.start(), service.start()]);
  const url = service.url;
  await service.start();
  expect(service.url).toBe(url);
  await service.stop();
});

test('can be started again after stopping', async () => {
  const service = newService();
  await service.start();
  await service.stop();
  await service.start();
  expect(await isListening(service.url)).toBe(true);
  await service.stop();
});

test('stop does not wait for idle keep-alive connections', async () => {
  const service = newService();
  await service.start();
  // fetch keeps the connection alive after the response; close must not wait for its idle timeout.
  await (await fetch(`${service.url}/health`)).text();
  const started = Date.now();
  await service.stop();
  expect(Date.now() - started).toBeLessThan(1000);
});

test('stop cuts a request still in flight after the grace period', async () => {
  let release: () => void = () => {};
  const stuck = new HttpService({
    app: { fetch: () => new Promise<Response>((resolve) => (release = () => resolve(new Response('late')))) },
    host: '127.0.0.1',
    port: 0,
    shutdownGraceMs: 100,
  });
  await stuck.start();
  const request = fetch(`${stuck.url}/`).then(
    () => 'answered',
    () => 'cut',
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  await stuck.stop();
  expect(await request).toBe('cut');
  release();
});

test('start rejects when the port is taken, and the service can be stopped anyway', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const address = blocker.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  try {
    const service = new HttpService({ app, host: '127.0.0.1', port: address.port });
    await expect(service.start()).rejects.toThrow(/EADDRINUSE/);
    await service.stop();
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
});
