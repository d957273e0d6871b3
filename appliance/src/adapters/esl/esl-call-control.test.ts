import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import type { SwitchEvent } from '../../ports/call-control';
import { EslCallControl } from './esl-call-control';

/*
 * The adapter against a hostile or broken "switch": a raw TCP server that speaks just enough of the Event
 * Socket (auth, command replies, a background job) and then sends what a real switch never should.
 * The faithful switch is tested in call-service.test.ts; this is about surviving the unfaithful one.
 */

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type FakeSwitch = { port: number; sockets: Socket[]; connections: () => number };

/** Authenticates `password`, acknowledges commands, answers `bgapi` with a job carrying `coreUuid`. */
async function startFakeSwitch(options: { password: string; coreUuid: string }): Promise<FakeSwitch> {
  const sockets: Socket[] = [];
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections += 1;
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.write('Content-Type: auth/request\n\n');
    let buffer = '';
    socket.on('data', (data: Buffer) => {
      buffer += data.toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const command = buffer.slice(0, end).split('\n')[0] ?? '';
        buffer = buffer.slice(end + 2);
        if (command.startsWith('auth ')) {
          const ok = command === `auth ${options.password}`;
          socket.write(
            `Content-Type: command/reply\nReply-Text: ${ok ? '+OK accepted' : '-ERR invalid'}\n\n`,
          );
          if (!ok) socket.end();
        } else if (command.startsWith('bgapi ')) {
          const job = 'job-1';
          socket.write(`Content-Type: command/reply\nReply-Text: +OK Job-UUID: ${job}\nJob-UUID: ${job}\n\n`);
          sendEvent(socket, {
            'Event-Name': 'BACKGROUND_JOB',
            'Core-UUID': options.coreUuid,
            'Job-UUID': job,
            _body: '+OK\n',
          });
        } else {
          socket.write('Content-Type: command/reply\nReply-Text: +OK\n\n');
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  const port = (server.address() as { port: number }).port;
  return { port, sockets, connections: () => connections };
}

function sendEvent(socket: Socket, event: Record<string, string>): void {
  const json = JSON.stringify(event);
  socket.write(`Content-Length: ${Buffer.byteLength(json)}\nContent-Type: text/event-json\n\n${json}`);
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function startControl(options: { port: number; password: string; maxBytesWithoutEvent?: number }): {
  control: EslCallControl;
  events: SwitchEvent[];
  errors: string[];
} {
  const events: SwitchEvent[] = [];
  const errors: string[] = [];
  const control = new EslCallControl({
    host: '127.0.0.1',
    port: options.port,
    password: options.password,
    kind: 'freeswitch',
    logger: { info: () => undefined, error: (message) => errors.push(message) },
    ...(options.maxBytesWithoutEvent === undefined
      ? {}
      : { maxBytesWithoutEvent: options.maxBytesWithoutEvent }),
  });
  control.listen({ onEvent: (event) => events.push(event), onConnected: () => undefined });
  cleanups.push(() => control.stop());
  void control.start();
  return { control, events, errors };
}

test('garbage, bad JSON and nameless events are counted and skipped; the link and the good events survive', async () => {
  const fake = await startFakeSwitch({ password: 'secret-pw', coreUuid: 'core-1' });
  const { control, events } = startControl({ port: fake.port, password: 'secret-pw' });
  await until(() => control.status().state === 'connected', 'the connection');
  const socket = fake.sockets[0];
  if (socket === undefined) throw new Error('no socket');
  socket.write('Content-Length: 9\nContent-Type: text/event-json\n\n{not json');
  sendEvent(socket, { 'Core-UUID': 'core-1', Foo: 'bar' });
  socket.write('Content-Type: text/something-else\n\n');
  sendEvent(socket, {
    'Event-Name': 'CHANNEL_CREATE',
    'Unique-ID': 'u-1',
    'Caller-Caller-ID-Name': "<script>alert(1)</script>'; DROP TABLE calls;--",
    'Caller-Caller-ID-Number': '13800138000',
  });
  const created = (): SwitchEvent[] => events.filter((event) => event.name === 'CHANNEL_CREATE');
  await until(() => created().length === 1, 'the good event');
  expect(created()[0]?.headers['Caller-Caller-ID-Name']).toBe(
    "<script>alert(1)</script>'; DROP TABLE calls;--",
  );
  // The background job that told the Core-UUID, and the call.
  expect(control.status()).toMatchObject({ state: 'connected', eventsReceived: 2 });
  expect(control.status().eventsRejected).toBeGreaterThanOrEqual(2);
});

test('a hostile Content-Length cannot make it buffer without end: the link is dropped and made again', async () => {
  const fake = await startFakeSwitch({ password: 'secret-pw', coreUuid: 'core-1' });
  const { control, errors } = startControl({
    port: fake.port,
    password: 'secret-pw',
    maxBytesWithoutEvent: 64 * 1024,
  });
  await until(() => control.status().state === 'connected', 'the connection');
  const socket = fake.sockets[0];
  if (socket === undefined) throw new Error('no socket');
  socket.write('Content-Length: 99999999999\nContent-Type: text/event-json\n\n');
  socket.write(Buffer.alloc(128 * 1024, 0x41));
  await until(() => fake.connections() === 2, 'a new connection');
  await until(() => control.status().state === 'connected', 'the reconnection');
  expect(errors.join('\n')).toMatch(/without one complete event/);
  expect(control.status().reconnects).toBe(1);
});

test('a wrong password is reported, not retried in a tight loop; a switch that is not there is retried with backoff', async () => {
  const fake = await startFakeSwitch({ password: 'secret-pw', coreUuid: 'core-1' });
  const { control } = startControl({ port: fake.port, password: 'wrong-pw' });
  await until(() => control.status().lastError !== undefined, 'the refusal');
  expect(control.status().lastError).toMatch(/refused the Event Socket password/);
  expect(control.status().state).not.toBe('connected');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  // 200 ms, 400 ms, 800 ms (±20 %): at most four attempts in the first second.
  expect(fake.connections()).toBeLessThanOrEqual(4);

  const nowhere = startControl({ port: 1, password: 'x' });
  await until(() => nowhere.control.status().lastError !== undefined, 'a connection error');
  expect(nowhere.control.status().state).toBe('disconnected');
  expect(() => nowhere.control.status()).not.toThrow();
  await expect(nowhere.control.api({ command: 'status' })).rejects.toThrow(/not connected/);
});
