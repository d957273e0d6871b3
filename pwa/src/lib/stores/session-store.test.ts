import { get } from 'svelte/store';
import { describe, expect, test } from 'vitest';
import { ApiClient } from '../api/client';
import { loadSession, saveSession } from '../db/console-db';
import { jsonResponse, testDb, urlOf } from '../test-support';
import { createSessionStore } from './session-store';

const user = { username: 'li', role: 'call_taker', displayName: '李', seat: '1001' };

function setup(respond: (url: string) => Response | Promise<Response>) {
  const db = testDb();
  const urls: string[] = [];
  const store = createSessionStore({ db, api: () => api });
  const api = new ApiClient({
    getToken: () => store.token(),
    fetch: (input) => {
      urls.push(urlOf(input));
      return Promise.resolve(respond(urlOf(input)));
    },
  });
  return { db, store, urls };
}

describe('session store', () => {
  test('login stores the session in Dexie and the store; logout forgets it', async () => {
    const { db, store } = setup(() =>
      jsonResponse({ token: 'tok', expiresAt: '2999-01-01T00:00:00.000Z', user }),
    );
    await store.login({ username: 'li', password: 'pw' });
    expect(get(store.session)?.user.seat).toBe('1001');
    expect(store.token()).toBe('tok');
    expect(await loadSession({ db })).toMatchObject({ token: 'tok' });
    await store.logout();
    expect(get(store.session)).toBeNull();
    expect(await loadSession({ db })).toBeUndefined();
  });

  test('restore checks the stored session with /api/me and refreshes the user', async () => {
    const { db, store, urls } = setup(() => jsonResponse({ user: { ...user, displayName: '李四' } }));
    await saveSession({ db, token: 'tok', expiresAt: '2999-01-01T00:00:00.000Z', user });
    expect((await store.restore())?.user.displayName).toBe('李四');
    expect(urls).toEqual(['/api/me']);
  });

  test('restore drops a session the appliance refuses', async () => {
    const { db, store } = setup(() =>
      jsonResponse({ error: { code: 'unauthorized', field: 'authorization', message: 'log in' } }, 401),
    );
    await saveSession({ db, token: 'old', expiresAt: '2999-01-01T00:00:00.000Z', user });
    expect(await store.restore()).toBeNull();
    expect(await loadSession({ db })).toBeUndefined();
  });

  test('restore keeps the session through an outage: the seat keeps working', async () => {
    const { db, store } = setup(() => Promise.reject(new TypeError('Failed to fetch')));
    await saveSession({ db, token: 'tok', expiresAt: '2999-01-01T00:00:00.000Z', user });
    expect((await store.restore())?.token).toBe('tok');
    expect(get(store.session)?.user.username).toBe('li');
  });

  test('a failed login leaves no session', async () => {
    const { store } = setup(() =>
      jsonResponse({ error: { code: 'unauthorized', field: 'password', message: 'wrong' } }, 401),
    );
    await expect(store.login({ username: 'li', password: 'x' })).rejects.toMatchObject({ field: 'password' });
    expect(get(store.session)).toBeNull();
  });
});
