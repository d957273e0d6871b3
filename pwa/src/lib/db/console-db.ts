import Dexie, { type EntityTable } from 'dexie';
import type { CallerHistory, DeviceEnrolment, StoredCall, User } from '../api/types';
import type { CachedRecordView, RecordViewCache } from '../domain/order-rows';

/** A caller's history as last seen, by their E.164 number: shown at once while a fresh lookup runs. */
export type CachedCaller = {
  phone: string;
  masked: string;
  name: string | null;
  history: CallerHistory;
  updatedAt: string;
};

/** The logged-in session, so a reload (or an outage) does not log the seat out. One row, key `current`. */
export type StoredSession = {
  key: 'current';
  token: string;
  expiresAt: string;
  user: User;
};

/**
 * A signing key of this browser for one user: the private half is a non-extractable CryptoKey (IndexedDB
 * stores it as is; no script can read its bytes). One per user, since the directory binds a device to a user.
 */
export type StoredDeviceKey = {
  username: string;
  deviceId: string;
  publicKey: string;
  privateKey: CryptoKey;
  /** Set once the appliance has enrolled the key; until then nothing is signed with it. */
  enrolment: DeviceEnrolment | null;
};

/** A conflict the user has dealt with (redone or set aside): no longer shown. */
export type DismissedConflict = { proposalId: string; at: string };

/** A record as this device's order book last decoded it (records/order-book.ts), by device and record. */
export type StoredRecordView = CachedRecordView & { deviceId: string };

export type ConsoleDb = Dexie & {
  callers: EntityTable<CachedCaller, 'phone'>;
  session: EntityTable<StoredSession, 'key'>;
  devices: EntityTable<StoredDeviceKey, 'username'>;
  dismissedConflicts: EntityTable<DismissedConflict, 'proposalId'>;
  recordViews: Dexie.Table<StoredRecordView, [string, string]>;
};

/** How many callers to keep: a county's busy week of distinct callers, small enough for any tablet. */
export const MAX_CACHED_CALLERS = 2000;

export function openConsoleDb(
  options: { name?: string; indexedDB?: IDBFactory; IDBKeyRange?: typeof IDBKeyRange } = {},
): ConsoleDb {
  const db = new Dexie(options.name ?? 'jz-console', {
    ...(options.indexedDB === undefined ? {} : { indexedDB: options.indexedDB }),
    ...(options.IDBKeyRange === undefined ? {} : { IDBKeyRange: options.IDBKeyRange }),
  }) as ConsoleDb;
  db.version(1).stores({ callers: 'phone, updatedAt', session: 'key' });
  db.version(2).stores({
    callers: 'phone, updatedAt',
    session: 'key',
    devices: 'username',
    dismissedConflicts: 'proposalId',
  });
  db.version(3).stores({
    callers: 'phone, updatedAt',
    session: 'key',
    devices: 'username',
    dismissedConflicts: 'proposalId',
    recordViews: '[deviceId+recordId], deviceId',
  });
  return db;
}

export async function saveSession(options: {
  db: ConsoleDb;
  token: string;
  expiresAt: string;
  user: User;
}): Promise<void> {
  const { db, ...session } = options;
  await db.session.put({ key: 'current', ...session });
}

/** The stored session unless it has expired (then it is removed). */
export async function loadSession(options: {
  db: ConsoleDb;
  now?: Date;
}): Promise<StoredSession | undefined> {
  const session = await options.db.session.get('current');
  if (session === undefined) return undefined;
  if (Date.parse(session.expiresAt) <= (options.now ?? new Date()).getTime()) {
    await options.db.session.delete('current');
    return undefined;
  }
  return session;
}

export async function clearSession(options: { db: ConsoleDb }): Promise<void> {
  await options.db.session.delete('current');
}

/** Keeps the newest `MAX_CACHED_CALLERS` (or `max`) callers. */
export async function cacheCaller(options: {
  db: ConsoleDb;
  caller: CachedCaller;
  max?: number;
}): Promise<void> {
  const { db, caller } = options;
  const max = options.max ?? MAX_CACHED_CALLERS;
  await db.transaction('rw', db.callers, async () => {
    await db.callers.put(caller);
    const count = await db.callers.count();
    if (count > max) {
      const oldest = await db.callers
        .orderBy('updatedAt')
        .limit(count - max)
        .primaryKeys();
      await db.callers.bulkDelete(oldest);
    }
  });
}

export function cachedCaller(options: { db: ConsoleDb; phone: string }): Promise<CachedCaller | undefined> {
  return options.db.callers.get(options.phone);
}

/**
 * Folds freshly looked-up calls (GET /api/calls) into a cached history: the calls are replaced, what only a
 * screen pop knows (orders, name, callbacks) is kept.
 */
export function mergeLookedUpCalls(options: {
  cached: CachedCaller | undefined;
  phone: string;
  masked: string;
  calls: StoredCall[];
  now: string;
}): CachedCaller {
  const { cached } = options;
  const history: CallerHistory = {
    callsTotal: Math.max(options.calls.length, cached?.history.callsTotal ?? 0),
    calls: options.calls,
    orders: cached?.history.orders ?? [],
    knownName: cached?.history.knownName ?? null,
    openCallbacks: cached?.history.openCallbacks ?? 0,
  };
  return {
    phone: options.phone,
    masked: options.masked,
    name: cached?.name ?? options.calls.find((call) => call.callerName !== null)?.callerName ?? null,
    history,
    updatedAt: options.now,
  };
}

/** The order book's cache of decoded records for one device (each user's device sees its own pending). */
export function recordViewCache(options: { db: ConsoleDb; deviceId: string }): RecordViewCache {
  const { db, deviceId } = options;
  return {
    async load() {
      const rows = await db.recordViews.where('deviceId').equals(deviceId).toArray();
      return new Map(rows.map(({ deviceId: _device, ...view }) => [view.recordId, view]));
    },
    async save({ views }) {
      await db.recordViews.bulkPut(views.map((view) => ({ ...view, deviceId })));
    },
  };
}
