import { SyncServer, type SyncConnection } from '@jiazheng/sync/relay';
import type { SyncPeer } from '@jiazheng/sync/replica';
import type { RecordStore } from '@jiazheng/sync/storage';

/** What the hub last saw of one device's sync connections (in memory: a restart forgets it). */
export type DeviceContact = {
  connectedAt: number;
  disconnectedAt: number | null;
  lastFrameAt: number | null;
  /** The store's seq at the last contact: what changed after it is what the device may not hold yet. */
  seqAtContact: number;
  open: number;
};

/** A seq read per frame would cost a query per frame; once a second is precise enough for a backlog. */
const SEQ_REFRESH_MS = 1000;

/**
 * Per device id: when its sync connection opened, closed and last sent a frame. Kept in the hub's
 * memory: it is an operator's view, and the first connection after a restart fills it again.
 */
export class SyncContacts {
  readonly #store: RecordStore;
  readonly #now: () => number;
  readonly #contacts = new Map<string, DeviceContact>();
  readonly #seqReadAt = new Map<string, number>();

  constructor(options: { store: RecordStore; now?: () => number }) {
    this.#store = options.store;
    this.#now = options.now ?? Date.now;
  }

  get(options: { deviceId: string }): DeviceContact | undefined {
    const contact = this.#contacts.get(options.deviceId);
    return contact === undefined ? undefined : { ...contact };
  }

  connected(options: { deviceId: string }): void {
    const previous = this.#contacts.get(options.deviceId);
    this.#contacts.set(options.deviceId, {
      connectedAt: this.#now(),
      disconnectedAt: null,
      lastFrameAt: previous?.lastFrameAt ?? null,
      seqAtContact: previous?.seqAtContact ?? 0,
      open: (previous?.open ?? 0) + 1,
    });
    this.#refreshSeq(options.deviceId, true);
  }

  frame(options: { deviceId: string }): void {
    const contact = this.#contacts.get(options.deviceId);
    if (!contact) return;
    contact.lastFrameAt = this.#now();
    this.#refreshSeq(options.deviceId, false);
  }

  disconnected(options: { deviceId: string }): void {
    const contact = this.#contacts.get(options.deviceId);
    if (!contact) return;
    contact.open = Math.max(0, contact.open - 1);
    if (contact.open === 0) contact.disconnectedAt = this.#now();
    this.#refreshSeq(options.deviceId, true);
  }

  /** Resolves when every seq read started so far is done (tests). */
  async idle(): Promise<void> {
    await this.#pending;
  }

  #pending: Promise<void> = Promise.resolve();

  #refreshSeq(deviceId: string, force: boolean): void {
    const now = this.#now();
    if (!force && now - (this.#seqReadAt.get(deviceId) ?? -Infinity) < SEQ_REFRESH_MS) return;
    this.#seqReadAt.set(deviceId, now);
    const read = this.#store.currentSeq().then(
      (seq) => {
        const contact = this.#contacts.get(deviceId);
        if (contact && seq > contact.seqAtContact) contact.seqAtContact = seq;
      },
      // A failed read leaves the older seq: the backlog then counts a little more, never less.
      () => {},
    );
    this.#pending = Promise.all([this.#pending, read]).then(() => {});
  }
}

/**
 * The relay, telling `contacts` about every bulk sync connection (`/sync`) of an authenticated device.
 * A subclass rather than a wrapper: the WebSocket host takes the relay's class, whose state is private.
 */
export class ContactTrackingSyncServer extends SyncServer<SyncPeer> {
  readonly contacts: SyncContacts;

  constructor(options: ConstructorParameters<typeof SyncServer<SyncPeer>>[0] & { contacts: SyncContacts }) {
    super(options);
    this.contacts = options.contacts;
  }

  override connect(options: Parameters<SyncServer<SyncPeer>['connect']>[0]): SyncConnection {
    const deviceId = options.peer.id;
    const connection = super.connect(options);
    this.contacts.connected({ deviceId });
    return {
      receive: (bytes) => {
        this.contacts.frame({ deviceId });
        return connection.receive(bytes);
      },
      disconnected: () => {
        this.contacts.disconnected({ deviceId });
        connection.disconnected();
      },
    };
  }
}
