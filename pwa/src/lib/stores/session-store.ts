import { writable, type Readable } from 'svelte/store';
import { ApiError, type ApiClient } from '../api/client';
import type { User } from '../api/types';
import { clearSession, loadSession, saveSession, type ConsoleDb } from '../db/console-db';

export type Session = { token: string; expiresAt: string; user: User };

export type SessionStore = {
  session: Readable<Session | null>;
  token(): string | null;
  /** Restores a stored session; checks it with the appliance when reachable (an outage keeps it). */
  restore(): Promise<Session | null>;
  login(options: { username: string; password: string }): Promise<Session>;
  logout(): Promise<void>;
  /** The appliance refused the token (401): forget it without asking the appliance again. */
  expire(): Promise<void>;
};

/** The seat's login, kept in Dexie so a reload or an outage of the appliance does not log the seat out. */
export function createSessionStore(options: { db: ConsoleDb; api: () => ApiClient }): SessionStore {
  const { db } = options;
  const session = writable<Session | null>(null);
  let current: Session | null = null;
  const set = (next: Session | null): void => {
    current = next;
    session.set(next);
  };

  return {
    session: { subscribe: session.subscribe },
    token: () => current?.token ?? null,
    async restore() {
      const stored = await loadSession({ db });
      if (stored === undefined) {
        set(null);
        return null;
      }
      set({ token: stored.token, expiresAt: stored.expiresAt, user: stored.user });
      try {
        const user = await options.api().me();
        set({ token: stored.token, expiresAt: stored.expiresAt, user });
        await saveSession({ db, token: stored.token, expiresAt: stored.expiresAt, user });
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          await clearSession({ db });
          set(null);
        }
        // Any other failure (the appliance unreachable): keep working with the stored session.
      }
      return current;
    },
    async login(credentials) {
      const answer = await options.api().login(credentials);
      const next: Session = { token: answer.token, expiresAt: answer.expiresAt, user: answer.user };
      await saveSession({ db, ...next });
      set(next);
      return next;
    },
    async logout() {
      try {
        if (current !== null) await options.api().logout();
      } catch {
        // Logged out locally whatever the appliance says; its session expires by itself.
      }
      await clearSession({ db });
      set(null);
    },
    async expire() {
      await clearSession({ db });
      set(null);
    },
  };
}
