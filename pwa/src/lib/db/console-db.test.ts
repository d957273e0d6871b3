import { describe, expect, test } from 'vitest';
import { history, storedCall, testDb } from '../test-support';
import {
  cacheCaller,
  cachedCaller,
  clearSession,
  loadSession,
  mergeLookedUpCalls,
  saveSession,
} from './console-db';

const user = { username: 'li', role: 'call_taker', displayName: '李', seat: '1001' };

describe('console db (Dexie on fake-indexeddb)', () => {
  test('keeps the session across a reopen, and drops it once expired', async () => {
    const db = testDb();
    await saveSession({ db, token: 't1', expiresAt: '2026-11-29T12:00:00.000Z', user });
    expect(await loadSession({ db, now: new Date('2026-11-29T11:59:59.000Z') })).toMatchObject({
      token: 't1',
      user: { seat: '1001' },
    });
    expect(await loadSession({ db, now: new Date('2026-11-29T12:00:00.000Z') })).toBeUndefined();
    expect(await db.session.count()).toBe(0);
  });

  test('clearSession logs out', async () => {
    const db = testDb();
    await saveSession({ db, token: 't1', expiresAt: '2999-01-01T00:00:00.000Z', user });
    await clearSession({ db });
    expect(await loadSession({ db })).toBeUndefined();
  });

  test('caches callers by number and keeps only the newest', async () => {
    const db = testDb();
    for (let i = 0; i < 5; i++) {
      await cacheCaller({
        db,
        max: 3,
        caller: {
          phone: `+861370000000${i}`,
          masked: `137****000${i}`,
          name: null,
          history: history(),
          updatedAt: `2026-11-29T0${i}:00:00.000Z`,
        },
      });
    }
    expect((await db.callers.toArray()).map((c) => c.phone)).toEqual([
      '+8613700000002',
      '+8613700000003',
      '+8613700000004',
    ]);
    expect(await cachedCaller({ db, phone: '+8613700000004' })).toMatchObject({ masked: '137****0004' });
    expect(await cachedCaller({ db, phone: '+8613700000000' })).toBeUndefined();
  });

  test('the same caller again replaces their entry', async () => {
    const db = testDb();
    const caller = { phone: '+8613712345678', masked: '137****5678', name: '赵六', history: history() };
    await cacheCaller({ db, caller: { ...caller, updatedAt: '2026-11-29T01:00:00.000Z' } });
    await cacheCaller({
      db,
      caller: { ...caller, history: history({ callsTotal: 2 }), updatedAt: '2026-11-29T02:00:00.000Z' },
    });
    expect(await db.callers.count()).toBe(1);
    expect((await cachedCaller({ db, phone: caller.phone }))?.history.callsTotal).toBe(2);
  });

  test('looked-up calls replace the cached calls and keep what only a pop knows', () => {
    const cached = {
      phone: '+8613712345678',
      masked: '137****5678',
      name: '赵六',
      history: history({
        callsTotal: 9,
        knownName: '赵六',
        openCallbacks: 1,
        orders: [
          {
            recordId: 'order:330106:1',
            countyCode: '330106',
            status: 'completed',
            itemCode: 'FAM-NANNY',
            categoryCode: 'FAM',
            citizenName: '赵六',
            receivedAt: '2026-11-01T00:00:00.000Z',
            lastSatisfaction: 5,
            openComplaints: 0,
          },
        ],
      }),
      updatedAt: '2026-11-29T01:00:00.000Z',
    };
    const calls = [storedCall({ id: 'new' })];
    const merged = mergeLookedUpCalls({
      cached,
      phone: cached.phone,
      masked: cached.masked,
      calls,
      now: 'now',
    });
    expect(merged.history.calls).toBe(calls);
    expect(merged.history.orders).toHaveLength(1);
    expect(merged.history).toMatchObject({ callsTotal: 9, openCallbacks: 1, knownName: '赵六' });
    expect(merged.updatedAt).toBe('now');

    const fresh = mergeLookedUpCalls({
      cached: undefined,
      phone: cached.phone,
      masked: cached.masked,
      calls: [storedCall({ callerName: '钱七' })],
      now: 'now',
    });
    expect(fresh).toMatchObject({ name: '钱七', history: { callsTotal: 1, orders: [], openCallbacks: 0 } });
  });
});
