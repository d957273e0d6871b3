import { ApiClient } from './api/client';
import { ConsoleSocket } from './api/console-socket';
import { openConsoleDb, type ConsoleDb } from './db/console-db';
import { appI18n, type I18n } from './i18n/i18n';
import { rememberPop } from './stores/caller-cache';
import { createSessionStore, type SessionStore } from './stores/session-store';
import { withCachedHistory } from './domain/console-state';
import { writable, type Readable } from 'svelte/store';
import type { RecordsState } from './records/records-session';

export type AppContext = {
  api: ApiClient;
  db: ConsoleDb;
  session: SessionStore;
  socket: ConsoleSocket;
  i18n: I18n;
  /** The signed records (orders, enterprises) of the logged-in user; `starting` until login. */
  records: Readable<RecordsState>;
  /** After login (or a restored session): open the record store, enrol the key, start syncing. */
  startRecords(options: { username: string }): Promise<void>;
  stopRecords(): Promise<void>;
};

/** The composition root of the browser app: one of each, wired together. */
let context: AppContext | undefined;

export function appContext(): AppContext {
  if (context !== undefined) return context;
  const db = openConsoleDb();
  // The session and the client need each other: the client reads the token, a 401 ends the session.
  const session: SessionStore = createSessionStore({ db, api: () => api });
  const api = new ApiClient({
    getToken: () => session.token(),
    onUnauthorized: () => void session.expire(),
  });
  const socket: ConsoleSocket = new ConsoleSocket({
    url: () => api.consoleSocketUrl({ token: session.token() ?? '' }),
    onDisconnected: () => {
      // A 401 here ends the session (onUnauthorized above); an outage just fails and the socket retries.
      if (session.token() !== null) api.me().catch(() => undefined);
    },
    onMessage: (message) => {
      if (message.type !== 'screen-pop') return;
      void rememberPop({ db, pop: message }).then((history) => {
        if (history !== undefined)
          socket.update((state) => withCachedHistory(state, { callId: message.callId, history }));
      });
    },
  });
  const records = writable<RecordsState>({ status: 'starting' });
  let running: { username: string; session: { stop(): Promise<void> }; unsubscribe: () => void } | null =
    null;
  const stopRecords = async (): Promise<void> => {
    const stopping = running;
    running = null;
    if (stopping === null) return;
    stopping.unsubscribe();
    records.set({ status: 'starting' });
    await stopping.session.stop();
  };
  const startRecords = async (options: { username: string }): Promise<void> => {
    if (running?.username === options.username) return;
    await stopRecords();
    // Loaded on demand: the records code (Yjs, the domain, the catalogue) stays out of the first load.
    const { RecordsSession } = await import('./records/records-session');
    const recordsSession = new RecordsSession({ db, api, username: options.username });
    running = {
      username: options.username,
      session: recordsSession,
      unsubscribe: recordsSession.state.subscribe((state) => records.set(state)),
    };
    await recordsSession.start();
  };
  context = {
    api,
    db,
    session,
    socket,
    i18n: appI18n(),
    records: { subscribe: records.subscribe },
    startRecords,
    stopRecords,
  };
  return context;
}
