import { afterEach, expect, test } from 'vitest';
import { WebSocketConnector, type WebSocketLike } from './websocket-connector';

/** A socket that opens or fails when the test says so, recording the URL it was made for. */
class FakeSocket implements WebSocketLike {
  static made: FakeSocket[] = [];
  binaryType = 'blob';
  readyState = 0;
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;

  constructor(readonly url: string) {
    FakeSocket.made.push(this);
  }

  send(): void {}

  close(code = 1000, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
}

const connectors: WebSocketConnector[] = [];
afterEach(async () => {
  for (const c of connectors.splice(0)) await c.stop();
  FakeSocket.made = [];
});

function makeConnector(url: ConstructorParameters<typeof WebSocketConnector>[0]['url']): WebSocketConnector {
  const connector = new WebSocketConnector({
    url,
    WebSocketImpl: FakeSocket,
    minDelayMs: 1,
    maxDelayMs: 1,
    random: () => 0,
    attach: () => ({ receive: () => Promise.resolve(), disconnected: () => {} }),
  });
  connectors.push(connector);
  return connector;
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
  expect(check()).toBe(true);
}

test('a URL function is asked again before every attempt, so each connection gets a fresh token', async () => {
  let n = 0;
  const connector = makeConnector(() => Promise.resolve(`ws://hub/sync?token=t${++n}`));
  connector.start();
  await until(() => FakeSocket.made.length === 1);
  FakeSocket.made[0]?.close(1006, 'refused');
  await until(() => FakeSocket.made.length === 2);
  FakeSocket.made[1]?.open();
  expect(FakeSocket.made.map((s) => s.url)).toEqual(['ws://hub/sync?token=t1', 'ws://hub/sync?token=t2']);
  expect(connector.connected).toBe(true);
});

test('a URL function that fails counts as a failed attempt and is retried', async () => {
  let calls = 0;
  const connector = makeConnector(() => {
    calls += 1;
    if (calls === 1) throw new Error('no key yet');
    return 'ws://hub/sync?token=ok';
  });
  connector.start();
  await until(() => FakeSocket.made.length === 1);
  expect(calls).toBe(2);
});

test('stop() while the URL is being made opens nothing', async () => {
  let release: (url: string) => void = () => {};
  const connector = makeConnector(() => new Promise<string>((resolve) => (release = resolve)));
  connector.start();
  await new Promise((resolve) => setTimeout(resolve, 5));
  await connector.stop();
  release('ws://hub/sync?token=late');
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(FakeSocket.made).toEqual([]);
});

test('a plain string URL is used as is', async () => {
  const connector = makeConnector('ws://hub/sync?token=fixed');
  connector.start();
  expect(FakeSocket.made.map((s) => s.url)).toEqual(['ws://hub/sync?token=fixed']);
  FakeSocket.made[0]?.close(1006, 'gone');
  await until(() => FakeSocket.made.length === 2);
  expect(FakeSocket.made[1]?.url).toBe('ws://hub/sync?token=fixed');
});
