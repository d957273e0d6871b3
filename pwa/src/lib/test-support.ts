import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { CallerHistory, ScreenPopMessage, StoredCall } from './api/types';
import { openConsoleDb, type ConsoleDb } from './db/console-db';

/** A fresh in-memory IndexedDB per test: nothing leaks between them. */
export function testDb(): ConsoleDb {
  return openConsoleDb({ name: 'test', indexedDB: new IDBFactory(), IDBKeyRange });
}

export function storedCall(overrides: Partial<StoredCall> = {}): StoredCall {
  return {
    id: 'call-1',
    direction: 'inbound',
    caller: '+8613712345678',
    callerRaw: '13712345678',
    callerName: '赵六',
    destination: '12345',
    startedAt: '2026-11-29T02:00:00.000Z',
    answeredAt: '2026-11-29T02:00:05.000Z',
    endedAt: '2026-11-29T02:03:00.000Z',
    queue: 'hotline',
    queueJoinedAt: '2026-11-29T02:00:03.000Z',
    agentAnsweredAt: '2026-11-29T02:00:08.000Z',
    agent: '1001@default',
    waitSec: 5,
    talkSec: 172,
    billsec: 175,
    durationSec: 180,
    hangupCause: 'NORMAL_CLEARING',
    outcome: 'answered',
    kind: null,
    orderId: null,
    source: 'switch',
    agentLegId: 'leg-1',
    recordingId: 'rec-1',
    ...overrides,
  };
}

export function history(overrides: Partial<CallerHistory> = {}): CallerHistory {
  return {
    callsTotal: 1,
    calls: [storedCall()],
    orders: [],
    knownName: '赵六',
    openCallbacks: 0,
    ...overrides,
  };
}

export function screenPop(overrides: Partial<ScreenPopMessage> = {}): ScreenPopMessage {
  return {
    type: 'screen-pop',
    callId: 'call-2',
    arrivedAt: '2026-11-29T03:00:00.000Z',
    caller: { phone: '+8613712345678', masked: '137****5678', name: '赵六' },
    flags: [],
    history: history(),
    ...overrides,
  };
}

/** The URL a fetch was called with, whatever form it took. */
export function urlOf(input: RequestInfo | URL): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}
