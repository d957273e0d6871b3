import { ApiClient } from './api/client';
import { ConsoleSocket } from './api/console-socket';
import { openConsoleDb, type ConsoleDb } from './db/console-db';
import { appI18n, type I18n } from './i18n/i18n';
import { rememberPop } from './stores/caller-cache';
import { createSessionStore, type SessionStore } from './stores/session-store';
import { withCachedHistory } from './domain/console-state';

export type AppContext = {
  api: ApiClient;
  db: ConsoleDb;
  session: SessionStore;
  socket: ConsoleSocket;
  i18n: I18n;
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
  context = { api, db, session, socket, i18n: appI18n() };
  return context;
}
