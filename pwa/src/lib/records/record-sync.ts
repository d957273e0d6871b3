import { createDeviceToken, type SigningDevice } from '@jiazheng/sync/records';
import {
  SyncClient,
  type RecordChangeEvent,
  type WebSocketConnector,
  type WebSocketConstructor,
} from '@jiazheng/sync/relay';
import type { RecordStore } from '@jiazheng/sync/storage';
import { writable, type Readable } from 'svelte/store';

const LAST_SYNC_META_KEY = 'pwa:lastSyncAt';

/** What the sync bar shows about the link, beside the pending and conflict counts of the order book. */
export type LinkStatus = {
  connected: boolean;
  /** When the appliance last confirmed it holds everything this browser wrote (epoch ms), or null. */
  lastSyncAt: number | null;
};

export type RecordSyncOptions = {
  store: RecordStore;
  device: SigningDevice;
  /** The sync socket's address for a fresh device token (a token is valid for minutes; each attempt gets one). */
  socketUrl: (deviceToken: string) => string;
  WebSocketImpl: WebSocketConstructor;
  onRecordChange: (event: RecordChangeEvent) => void;
  /** Longest wait between reconnection attempts. */
  maxDelayMs?: number;
  /** How often the link state is sampled for the sync bar. */
  pollMs?: number;
  now?: () => number;
};

/**
 * This browser's records kept in sync with the appliance: the stock SyncClient over one WebSocket,
 * reconnecting with backoff for as long as it runs. The outbox is the store itself: a proposal written
 * while offline stays in IndexedDB, pending, until the appliance has it; nothing expires it.
 */
export class RecordSync {
  readonly #options: RecordSyncOptions;
  readonly #client: SyncClient;
  readonly #status = writable<LinkStatus>({ connected: false, lastSyncAt: null });
  #current: LinkStatus = { connected: false, lastSyncAt: null };
  #connector: WebSocketConnector | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  #confirming = false;

  constructor(options: RecordSyncOptions) {
    this.#options = options;
    this.#client = new SyncClient({
      store: options.store,
      clientId: options.device.deviceId,
      cursorKey: 'cursor:appliance',
      onRecordChange: (event) => {
        options.onRecordChange(event);
        this.#confirm();
      },
      livePullDelayMs: 5_000,
    });
  }

  get status(): Readable<LinkStatus> {
    return { subscribe: this.#status.subscribe };
  }

  async start(): Promise<void> {
    if (this.#connector !== null) return;
    // The last confirmed sync survives a reload, so an offline restart still says how old its data is.
    const saved = Number(await this.#options.store.getMeta({ key: LAST_SYNC_META_KEY }));
    if (Number.isFinite(saved) && saved > 0 && this.#current.lastSyncAt === null)
      this.#set({ ...this.#current, lastSyncAt: saved });
    const { device } = this.#options;
    const now = this.#options.now ?? Date.now;
    this.#connector = this.#client.connectWebSocket({
      url: async () => this.#options.socketUrl(await createDeviceToken({ device, now: now() })),
      WebSocketImpl: this.#options.WebSocketImpl,
      maxDelayMs: this.#options.maxDelayMs ?? 15_000,
    });
    this.#connector.start();
    this.#timer = setInterval(() => this.#sample(), this.#options.pollMs ?? 1_000);
  }

  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    const connector = this.#connector;
    this.#connector = null;
    await connector?.stop();
    this.#set({ ...this.#current, connected: false });
  }

  /** The app wrote to `recordId`: push it now if connected, else on the next connection. */
  notifyLocalChange(options: { recordId: string }): void {
    this.#client.notifyLocalChange(options);
    this.#confirm();
  }

  /** Resolves once everything written here has been taken by the appliance (tests, the e2e suite). */
  idle(): Promise<void> {
    return this.#client.idle();
  }

  #sample(): void {
    const connected = this.#client.connected;
    if (connected !== this.#current.connected) {
      this.#set({ ...this.#current, connected });
      if (connected) this.#confirm();
    }
  }

  /** Marks the time the appliance next holds everything written here (the client goes idle). */
  #confirm(): void {
    if (this.#confirming || !this.#client.connected) return;
    this.#confirming = true;
    void this.#client.idle().then(() => {
      this.#confirming = false;
      if (!this.#client.connected) return;
      const at = (this.#options.now ?? Date.now)();
      this.#set({ connected: true, lastSyncAt: at });
      void this.#options.store.setMeta({ key: LAST_SYNC_META_KEY, value: String(at) }).catch(() => undefined);
    });
  }

  #set(next: LinkStatus): void {
    this.#current = next;
    this.#status.set(next);
  }
}
