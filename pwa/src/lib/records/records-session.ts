import { DexieRecordStore } from '@jiazheng/sync/storage/dexie';
import type { WebSocketConstructor } from '@jiazheng/sync/relay';
import { writable, type Readable } from 'svelte/store';
import { ApiError, type ApiClient } from '../api/client';
import { recordViewCache, type ConsoleDb } from '../db/console-db';
import { ensureEnrolledDevice } from './device-identity';
import { OrderBook } from './order-book';
import { RecordSync } from './record-sync';

export type RecordsState =
  | { status: 'starting' }
  /** This browser's key is not enrolled yet and the appliance could not enrol it now (offline, or sync off). */
  | { status: 'unenrolled'; problem: string }
  | { status: 'ready'; book: OrderBook; sync: RecordSync };

/** How long to wait before asking the appliance again to enrol this browser's key. */
const ENROL_RETRY_MS = 15_000;

/**
 * The records side of a logged-in session: the IndexedDB record store, the user's enrolled signing key,
 * the order book over the store and the sync with the appliance. Started after login, stopped at logout.
 */
export class RecordsSession {
  readonly #options: {
    db: ConsoleDb;
    api: ApiClient;
    username: string;
    storeName: string;
    WebSocketImpl: WebSocketConstructor;
  };
  readonly #state = writable<RecordsState>({ status: 'starting' });
  #current: RecordsState = { status: 'starting' };
  #store: DexieRecordStore | null = null;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;

  constructor(options: {
    db: ConsoleDb;
    api: ApiClient;
    username: string;
    storeName?: string;
    WebSocketImpl?: WebSocketConstructor;
  }) {
    this.#options = {
      ...options,
      storeName: options.storeName ?? 'jz-records',
      WebSocketImpl: options.WebSocketImpl ?? (globalThis.WebSocket as unknown as WebSocketConstructor),
    };
  }

  get state(): Readable<RecordsState> {
    return { subscribe: this.#state.subscribe };
  }

  async start(): Promise<void> {
    this.#store = await DexieRecordStore.open({ name: this.#options.storeName });
    await this.#begin();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#retry !== null) clearTimeout(this.#retry);
    this.#retry = null;
    if (this.#current.status === 'ready') await this.#current.sync.stop();
    await this.#store?.close();
  }

  async #begin(): Promise<void> {
    const store = this.#store;
    if (store === null || this.#stopped) return;
    const { db, api, username } = this.#options;
    let enrolled;
    try {
      enrolled = await ensureEnrolledDevice({ db, username, enrol: (key) => api.enrolDevice(key) });
    } catch (error) {
      const problem = error instanceof ApiError || error instanceof Error ? error.message : String(error);
      this.#set({ status: 'unenrolled', problem });
      // A 4xx other than 503 will not heal by itself, but a later login or an admin fix might: keep asking.
      if (!(error instanceof ApiError && error.status === 401))
        this.#retry = setTimeout(() => void this.#begin(), ENROL_RETRY_MS);
      return;
    }
    let book: OrderBook | null = null;
    const sync = new RecordSync({
      store,
      device: enrolled.device,
      socketUrl: (deviceToken) => api.syncSocketUrl({ deviceToken }),
      WebSocketImpl: this.#options.WebSocketImpl,
      onRecordChange: ({ recordId }) => void book?.refresh({ recordId }),
    });
    book = new OrderBook({
      store,
      device: enrolled.device,
      enrolment: enrolled.enrolment,
      onLocalChange: (change) => sync.notifyLocalChange(change),
      dismissed: async () => new Set((await db.dismissedConflicts.toArray()).map((row) => row.proposalId)),
      cache: recordViewCache({ db, deviceId: enrolled.device.deviceId }),
    });
    await book.load();
    if (this.#stopped) return;
    await sync.start();
    this.#set({ status: 'ready', book, sync });
  }

  #set(next: RecordsState): void {
    this.#current = next;
    this.#state.set(next);
  }
}
