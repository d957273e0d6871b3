import {
  createId,
  DomainError,
  DomainErrorCode,
  findItem,
  formatRecordId,
  rankEnterprises,
  type DispatchRanking,
  type EnterpriseState,
  type OrderCommandType,
  type OrderState,
  type WorkerState,
} from '@jiazheng/sync/domain';
import type { SigningDevice } from '@jiazheng/sync/records';
import { buildDispatchCandidates, proposeToStore, viewStoredRecord } from '@jiazheng/sync/replica';
import type { RecordStore } from '@jiazheng/sync/storage';
import { writable, type Readable } from 'svelte/store';
import type { DeviceEnrolment } from '../api/types';
import type { CachedRecordView, OrderRow, RecordConflict, RecordViewCache } from '../domain/order-rows';
import type { ProposalDecision } from '../domain/period-reopen';

/** Records are listed from the store in pages of this many. */
const PAGE = 500;
/** The kinds of record the book holds; everything else in the store is ignored. */
const prefixes = ['order:', 'enterprise:', 'worker:'] as const;

export type OrderBookOptions = {
  store: RecordStore;
  device: SigningDevice;
  enrolment: DeviceEnrolment;
  /** Called after every local write, so the sync pushes it. */
  onLocalChange: (options: { recordId: string }) => void;
  /** Conflicts the user has already dealt with. */
  dismissed: () => Promise<ReadonlySet<string>>;
  /** Without one, every record is decoded at every load. */
  cache?: RecordViewCache;
  now?: () => number;
};

export type OrderBookState = {
  loaded: boolean;
  orders: OrderRow[];
  enterprises: ReadonlyMap<string, EnterpriseState>;
  /** This device's proposals not yet decided by their home: the outbox. */
  pending: number;
  conflicts: RecordConflict[];
};

/** The demand the call-taker records (what `receive` needs but the order id and channel). */
export type DemandInput = {
  channel: 'call' | 'sms' | 'web' | 'walk_in';
  citizenPhone: string | null;
  citizenName: string;
  itemCode: string;
  urgency: 'normal' | 'urgent' | 'emergency';
  address: string;
  wantedAt: number | null;
  durationMinutes: number | null;
  notes: string;
};

/**
 * The county's orders and the registry's enterprises as this browser holds them in IndexedDB, each shown
 * as its home accepted it plus this device's pending proposals; and the commands a call-taker proposes.
 * Every write is a signed proposal stored locally first, so it works offline and is never lost.
 */
export class OrderBook {
  readonly #options: OrderBookOptions;
  readonly #orders = new Map<string, OrderRow>();
  readonly #enterprises = new Map<string, EnterpriseState>();
  readonly #workers = new Map<string, WorkerState>();
  /** Orders as their home accepted them, without this device's pending proposals: what dispatch ranks on. */
  readonly #acceptedOrders = new Map<string, OrderState>();
  readonly #state = writable<OrderBookState>({
    loaded: false,
    orders: [],
    enterprises: new Map(),
    pending: 0,
    conflicts: [],
  });
  #dismissed: ReadonlySet<string> = new Set();
  #loaded = false;

  constructor(options: OrderBookOptions) {
    this.#options = options;
  }

  get state(): Readable<OrderBookState> {
    return { subscribe: this.#state.subscribe };
  }

  /** The directory role this device signs as (`administrator`, not the appliance's `admin`). */
  get role(): string {
    return this.#options.enrolment.role;
  }

  get countyCode(): string {
    return this.#options.enrolment.countyCode;
  }

  /**
   * Reads every order, enterprise and worker record in the store: from the cache where the record has not
   * changed since it was cached, decoded otherwise (and cached).
   */
  async load(): Promise<void> {
    const { cache } = this.#options;
    this.#dismissed = await this.#options.dismissed();
    const cached = (await cache?.load()) ?? new Map<string, CachedRecordView>();
    let after = 0;
    for (;;) {
      const changes = await this.#options.store.listChanges({
        after,
        limit: PAGE,
        prefixes: [...prefixes],
      });
      if (changes.length === 0) break;
      const decoded: CachedRecordView[] = [];
      for (const change of changes) {
        const known = cached.get(change.recordId);
        if (known !== undefined && known.seq === change.seq) {
          this.#apply(known);
          continue;
        }
        const view = await this.#decode(change.recordId);
        if (view === null) continue;
        this.#apply(view);
        decoded.push(view);
      }
      if (decoded.length > 0) await cache?.save({ views: decoded });
      after = changes[changes.length - 1]?.seq ?? after;
    }
    this.#loaded = true;
    this.#publish();
  }

  /** A record changed in the store (the sync brought something, or a RESET replaced it). */
  async refresh(options: { recordId: string }): Promise<void> {
    if (!prefixes.some((prefix) => options.recordId.startsWith(prefix))) return;
    const view = await this.#decode(options.recordId);
    if (view === null) return;
    this.#apply(view);
    await this.#options.cache?.save({ views: [view] });
    if (this.#loaded) this.#publish();
  }

  async forgetConflicts(): Promise<void> {
    this.#dismissed = await this.#options.dismissed();
    this.#publish();
  }

  order(options: { recordId: string }): OrderRow | undefined {
    return this.#orders.get(options.recordId);
  }

  /** The workers of an enterprise as the registry this browser holds accepted them. */
  workersOf(options: { enterpriseId: string }): WorkerState[] {
    return [...this.#workers.values()].filter((w) => w.enterpriseId === options.enterpriseId);
  }

  /** Records a citizen's demand as a new order of this county; returns its record id. */
  async receive(options: { demand: DemandInput }): Promise<string> {
    const now = (this.#options.now ?? Date.now)();
    const orderId = formatRecordId({ kind: 'order', scope: this.countyCode, id: createId({ now }) });
    await this.propose({
      recordId: orderId,
      type: 'receive',
      payload: { orderId, ...options.demand },
    });
    return orderId;
  }

  /** Proposes a command on an order: stored (signed) at once, decided by the appliance when it has it. */
  async propose(options: { recordId: string; type: OrderCommandType; payload: unknown }): Promise<string> {
    const { store, device, enrolment } = this.#options;
    const { proposalId } = await proposeToStore({
      store,
      recordId: options.recordId,
      device,
      actor: { userId: enrolment.userId, role: enrolment.role },
      type: options.type,
      payload: options.payload,
      at: (this.#options.now ?? Date.now)(),
    });
    await this.refresh({ recordId: options.recordId });
    this.#options.onLocalChange({ recordId: options.recordId });
    return proposalId;
  }

  /**
   * Proposes reopening a closed period: signed by this device as the logged-in user, stored at once and
   * pushed by the sync; the appliance, the closing's home, decides it (a supervisor's only). A closing is
   * not an order: the book's views do not change, so there is nothing to refresh.
   */
  async reopenPeriod(options: { closingId: string; reason: string }): Promise<string> {
    const { store, device, enrolment } = this.#options;
    const held = await viewStoredRecord({ store, recordId: options.closingId, deviceId: device.deviceId });
    // Proposing on a record this browser does not hold would reopen nothing it could show, and a
    // proposal on a state the home never had is refused: wait for the sync to bring the closing.
    if (held === null || held.accepted === null) {
      throw new DomainError({
        code: DomainErrorCode.notFound,
        field: 'closingId',
        message: `closingId: ${options.closingId} has not reached this browser yet`,
      });
    }
    const { proposalId } = await proposeToStore({
      store,
      recordId: options.closingId,
      device,
      actor: { userId: enrolment.userId, role: enrolment.role },
      type: 'reopenPeriod',
      payload: { reason: options.reason },
      at: (this.#options.now ?? Date.now)(),
    });
    this.#options.onLocalChange({ recordId: options.closingId });
    return proposalId;
  }

  /** Where this device's proposal on a record stands, as far as the home's decisions have synced here. */
  async decisionOf(options: { recordId: string; proposalId: string }): Promise<ProposalDecision> {
    const view = await viewStoredRecord({
      store: this.#options.store,
      recordId: options.recordId,
      deviceId: this.#options.device.deviceId,
    });
    if (view === null) return { outcome: 'pending' };
    const refused = view.conflicts.find((c) => c.proposal.id === options.proposalId);
    if (refused !== undefined) {
      const { code, field, message } = refused.entry;
      return { outcome: 'rejected', code, field, message };
    }
    if (view.pending.some((p) => p.id === options.proposalId)) return { outcome: 'pending' };
    return { outcome: 'accepted' };
  }

  /**
   * The enterprises ranked for an order waiting for dispatch, from the registry as this browser holds
   * it (the same rules the appliance applies when it decides the dispatch).
   */
  rank(options: { recordId: string }): DispatchRanking {
    const order = this.#orders.get(options.recordId)?.state;
    if (!order) throw new Error(`unknown order ${options.recordId}`);
    const item = findItem({ code: order.itemCode });
    if (!item) throw new Error(`unknown service item ${order.itemCode}`);
    const now = (this.#options.now ?? Date.now)();
    // Held in memory and kept current by refresh(): the panel re-ranks on every change it sees, and
    // decoding the whole registry from IndexedDB each time made dispatch lag on a big county.
    const candidates = buildDispatchCandidates({
      enterprises: [...this.#enterprises.values()],
      workers: [...this.#workers.values()],
      orders: [...this.#acceptedOrders.values()],
      countyCode: order.countyCode,
      now,
    });
    return rankEnterprises({
      request: {
        orderId: order.id,
        itemCode: order.itemCode,
        countyCode: order.countyCode,
        wantedAt: order.wantedAt,
        durationMinutes: order.durationMinutes,
        requiredQualifications: [...item.standard.qualifications],
        excludeEnterpriseIds: order.attempts.map((a) => a.enterpriseId),
      },
      candidates,
      now,
    });
  }

  async #decode(recordId: string): Promise<CachedRecordView | null> {
    const view = await viewStoredRecord({
      store: this.#options.store,
      recordId,
      deviceId: this.#options.device.deviceId,
    });
    if (view === null) return null;
    const row: OrderRow | null = recordId.startsWith('order:')
      ? {
          recordId,
          state: view.state as OrderState | null,
          accepted: view.accepted !== null,
          pending: view.pending.map((p) => ({ id: p.id, type: p.type, at: p.at })),
          conflicts: view.conflicts.map(({ proposal, entry }) => ({
            recordId,
            proposalId: proposal.id,
            type: proposal.type,
            payload: proposal.payload,
            at: proposal.at,
            code: entry.code,
            field: entry.field,
            message: entry.message,
          })),
        }
      : null;
    return { recordId, seq: view.seq, accepted: view.accepted, row };
  }

  #apply(view: CachedRecordView): void {
    const { recordId, accepted } = view;
    if (recordId.startsWith('enterprise:')) {
      if (accepted !== null) this.#enterprises.set(recordId, accepted as EnterpriseState);
    } else if (recordId.startsWith('worker:')) {
      if (accepted !== null) this.#workers.set(recordId, accepted as WorkerState);
    } else if (view.row !== null) {
      if (accepted !== null) this.#acceptedOrders.set(recordId, accepted as OrderState);
      this.#orders.set(recordId, view.row);
    }
  }

  #publish(): void {
    const orders = [...this.#orders.values()];
    orders.sort((a, b) => (b.state?.receivedAt ?? 0) - (a.state?.receivedAt ?? 0));
    let pending = 0;
    const conflicts: RecordConflict[] = [];
    for (const row of orders) {
      pending += row.pending.length;
      for (const c of row.conflicts) if (!this.#dismissed.has(c.proposalId)) conflicts.push(c);
    }
    conflicts.sort((a, b) => b.at - a.at);
    this.#state.set({
      loaded: true,
      orders,
      enterprises: new Map(this.#enterprises),
      pending,
      conflicts,
    });
  }
}
