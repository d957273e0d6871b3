import { get } from 'svelte/store';
import { describe, expect, test } from 'vitest';
import { screenPop } from '../test-support';
import { ConsoleSocket, type SocketLike } from './console-socket';
import type { ConsoleMessage } from './types';

class FakeSocket implements SocketLike {
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {}
  close(): void {
    this.closed = true;
  }
  open(): void {
    this.onopen?.({});
  }
  send(message: ConsoleMessage | string): void {
    this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
  }
  drop(code = 1006): void {
    this.onclose?.({ code });
  }
}

function harness() {
  const sockets: FakeSocket[] = [];
  const timers: Array<{ run: () => void; ms: number }> = [];
  const seen: ConsoleMessage[] = [];
  const disconnects: number[] = [];
  let token = 'first';
  let rejected = 0;
  const network = new EventTarget();
  const socket = new ConsoleSocket({
    url: () => `ws://appliance.test/ws/console?token=${token}`,
    createSocket: (url) => {
      const fake = new FakeSocket(url);
      sockets.push(fake);
      return fake;
    },
    onMessage: (message) => seen.push(message),
    onRejected: () => rejected++,
    onDisconnected: ({ attempt }) => disconnects.push(attempt),
    setTimer: (run, ms) => timers.push({ run, ms }),
    clearTimer: () => (timers.length = 0),
    random: () => 1,
    network,
  });
  return {
    socket,
    sockets,
    timers,
    seen,
    disconnects,
    online: () => network.dispatchEvent(new Event('online')),
    setToken: (next: string) => (token = next),
    rejected: () => rejected,
  };
}

describe('ConsoleSocket', () => {
  test('folds the snapshot and the pushes into its store', () => {
    const h = harness();
    h.socket.start();
    const ws = h.sockets[0]!;
    expect(get(h.socket.state).connection).toBe('connecting');
    ws.open();
    ws.send({ type: 'switch', state: 'connected', kind: 'simulator', restarted: false });
    ws.send({
      type: 'call',
      call: {
        id: 'c1',
        direction: 'inbound',
        caller: '+8613712345678',
        callerRaw: '13712345678',
        callerName: '赵六',
        startedAt: '2026-11-29T03:00:00.000Z',
        state: 'ivr',
        queue: null,
        queuedAt: null,
        agent: null,
        legId: null,
      },
    });
    ws.send(screenPop({ callId: 'c1' }));
    ws.send('not json');
    ws.send(JSON.stringify({ no: 'type' }));
    const state = get(h.socket.state);
    expect(state.connection).toBe('open');
    expect(state.switchState).toEqual({ state: 'connected', kind: 'simulator' });
    expect(state.calls.map((c) => c.id)).toEqual(['c1']);
    expect(state.pop?.caller.masked).toBe('137****5678');
    expect(h.seen.map((m) => m.type)).toEqual(['switch', 'call', 'screen-pop']);
  });

  test('reconnects with growing delays, asking the URL again (the token may be new)', () => {
    const h = harness();
    h.socket.start();
    h.sockets[0]!.drop();
    expect(get(h.socket.state).connection).toBe('reconnecting');
    expect(h.timers.map((t) => t.ms)).toEqual([500]);
    h.setToken('second');
    h.timers.shift()!.run();
    expect(h.sockets[1]?.url).toContain('token=second');
    h.sockets[1]!.drop();
    h.timers.shift()!.run();
    h.sockets[2]!.drop();
    expect(h.timers.map((t) => t.ms)).toEqual([2000]);
    expect(h.disconnects).toEqual([0, 1, 2]);

    // Once connected again the delays start over, and the stale calls are dropped for the new snapshot.
    h.timers.shift()!.run();
    h.sockets[3]!.open();
    h.sockets[3]!.drop();
    expect(h.timers.map((t) => t.ms)).toEqual([500]);
  });

  test('back online, a feed waiting to retry connects at once; a live one is left alone', () => {
    const h = harness();
    h.socket.start();
    h.sockets[0]!.open();
    // Connected: nothing to do.
    h.online();
    expect(h.sockets).toHaveLength(1);
    for (let i = 0; i < 6; i++) {
      h.sockets.at(-1)!.drop();
      h.timers.shift()!.run();
    }
    h.sockets.at(-1)!.drop();
    expect(h.timers.map((t) => t.ms)).toEqual([15_000]);
    const before = h.sockets.length;
    h.online();
    expect(h.sockets).toHaveLength(before + 1);
    expect(h.timers).toEqual([]);
    // Once stopped, the browser's events no longer reach it.
    h.socket.stop();
    h.online();
    expect(h.sockets).toHaveLength(before + 1);
  });

  test('a pop survives a reconnect; calls and seats come again with the snapshot', () => {
    const h = harness();
    h.socket.start();
    h.sockets[0]!.open();
    h.sockets[0]!.send(screenPop({ callId: 'c9' }));
    h.sockets[0]!.send({
      type: 'agent',
      agent: { name: '1001@default', status: 'Available', state: 'Waiting', since: 'x' },
    });
    h.sockets[0]!.drop();
    h.timers.shift()!.run();
    h.sockets[1]!.open();
    const state = get(h.socket.state);
    expect(state.pop?.callId).toBe('c9');
    expect(state.agents).toEqual([]);
  });

  test('a refused session stops reconnecting and says so', () => {
    const h = harness();
    h.socket.start();
    h.sockets[0]!.drop(1008);
    expect(h.rejected()).toBe(1);
    expect(h.timers).toEqual([]);
    expect(get(h.socket.state).connection).toBe('closed');
  });

  test('stop closes the socket and cancels a pending reconnect', () => {
    const h = harness();
    h.socket.start();
    h.sockets[0]!.drop();
    h.timers[0]!.run();
    h.socket.stop();
    expect(h.sockets[1]!.closed).toBe(true);
    h.sockets[1]!.drop();
    expect(h.timers).toEqual([]);
    expect(get(h.socket.state).connection).toBe('closed');
  });
});
