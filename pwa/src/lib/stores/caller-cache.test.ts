import { describe, expect, test } from 'vitest';
import { ApiClient } from '../api/client';
import { cachedCaller } from '../db/console-db';
import { history, jsonResponse, screenPop, storedCall, testDb } from '../test-support';
import { cacheKeysFor, lookUpCaller, rememberPop } from './caller-cache';

describe('caller cache', () => {
  test('a pop with history is cached; a later pop without history gets it back', async () => {
    const db = testDb();
    expect(await rememberPop({ db, pop: screenPop(), now: '2026-11-29T03:00:00.000Z' })).toBeUndefined();
    expect(await cachedCaller({ db, phone: '+8613712345678' })).toMatchObject({
      masked: '137****5678',
      name: '赵六',
    });
    const recovered = await rememberPop({ db, pop: screenPop({ callId: 'next', history: null }) });
    expect(recovered?.calls[0]?.id).toBe('call-1');
  });

  test('a withheld number is neither cached nor looked up', async () => {
    const db = testDb();
    const pop = screenPop({ caller: { phone: null, masked: '未显示', name: null } });
    expect(await rememberPop({ db, pop })).toBeUndefined();
    expect(await db.callers.count()).toBe(0);
  });

  test('typed numbers map to the keys the appliance caches under', () => {
    expect(cacheKeysFor({ input: '137-1234-5678' })).toEqual(['+8613712345678']);
    expect(cacheKeysFor({ input: '0571 8888 8888' })).toEqual(['+8657188888888']);
    expect(cacheKeysFor({ input: '+8613712345678' })).toEqual(['+8613712345678']);
    expect(cacheKeysFor({ input: '8613712345678' })).toEqual(['+8613712345678']);
    expect(cacheKeysFor({ input: '88888888' })).toEqual([]);
  });

  test('a lookup asks the appliance and caches what it says', async () => {
    const db = testDb();
    const api = new ApiClient({
      getToken: () => 't',
      fetch: () => Promise.resolve(jsonResponse({ phone: '+8613712345678', calls: [storedCall()] })),
    });
    const result = await lookUpCaller({ api, db, input: '13712345678' });
    expect(result).toMatchObject({ phone: '+8613712345678', masked: '137****5678', fromCache: false });
    expect((await cachedCaller({ db, phone: '+8613712345678' }))?.history.calls).toHaveLength(1);
  });

  test('an unknown number is not cached', async () => {
    const db = testDb();
    const api = new ApiClient({
      getToken: () => 't',
      fetch: () => Promise.resolve(jsonResponse({ phone: '+8613700000000', calls: [] })),
    });
    expect((await lookUpCaller({ api, db, input: '13700000000' })).calls).toEqual([]);
    expect(await db.callers.count()).toBe(0);
  });

  test('with the appliance unreachable, the cached calls answer; with none cached, the error does', async () => {
    const db = testDb();
    await rememberPop({ db, pop: screenPop({ history: history({ calls: [storedCall({ id: 'old' })] }) }) });
    const offline = new ApiClient({
      getToken: () => 't',
      fetch: () => Promise.reject(new TypeError('offline')),
    });
    const result = await lookUpCaller({ api: offline, db, input: '137 1234 5678' });
    expect(result).toMatchObject({ fromCache: true, masked: '137****5678' });
    expect(result.calls.map((c) => c.id)).toEqual(['old']);
    await expect(lookUpCaller({ api: offline, db, input: '13900000000' })).rejects.toMatchObject({
      code: 'network',
    });
  });

  test('an error from the appliance is not hidden by the cache', async () => {
    const db = testDb();
    await rememberPop({ db, pop: screenPop() });
    const api = new ApiClient({
      getToken: () => 't',
      fetch: () =>
        Promise.resolve(
          jsonResponse(
            { error: { code: 'invalid_input', field: 'phone', message: 'is not a phone number' } },
            400,
          ),
        ),
    });
    await expect(lookUpCaller({ api, db, input: '13712345678' })).rejects.toMatchObject({ field: 'phone' });
  });
});
