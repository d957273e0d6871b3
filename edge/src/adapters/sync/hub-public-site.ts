import {
  checkEnterpriseDispatchable,
  createId,
  formatRecordId,
  defaultComplaintDueAt,
  type DirectoryState,
  type EnterpriseState,
} from '@jiazheng/sync/domain';
import {
  loadRecordDoc,
  proposeCommand,
  readRecordSnapshot,
  type SigningDevice,
} from '@jiazheng/sync/records';
import type { RecordStore } from '@jiazheng/sync/storage';
import type {
  EnterpriseApplicationRequest,
  PublicEnterprise,
  PublicSiteSource,
  WebComplaintRequest,
  WebOrderRequest,
} from '../../ports/public-site-source';
import type { CreditEntry } from '../../domain/registry-credit';
import { HUB_USER_ID, type HubSync } from './hub-sync';

const PAGE_SIZE = 500;
/**
 * Public pages are not rate-limited, and listing reads every enterprise record: answers are reused for a
 * while, so a flood of page views costs one read per interval, not one per view.
 */
const CACHE_MS = 30_000;

/**
 * The public website's view of the hub's records: the registry's enterprises as the hub (their home)
 * accepted them, the counties an order can go to, and web orders proposed as the hub's system user.
 */
export class HubPublicSite implements PublicSiteSource {
  readonly #store: RecordStore;
  readonly #device: SigningDevice;
  readonly #publish: (options: { recordId: string; update: Uint8Array }) => Promise<unknown>;
  readonly #directory: () => Promise<DirectoryState | null>;
  readonly #propose: HubSync['propose'];
  readonly #credit: { entries(): Promise<ReadonlyMap<string, CreditEntry>> };
  readonly #now: () => number;
  #enterprises: { at: number; value: Promise<PublicEnterprise[]> } | null = null;
  #counties: { at: number; value: Promise<string[]> } | null = null;

  constructor(options: {
    store: RecordStore;
    device: SigningDevice;
    /** Stores and relays an update (the hub's SyncServer.publish), so a connected appliance gets it now. */
    publish: (options: { recordId: string; update: Uint8Array }) => Promise<unknown>;
    directory: () => Promise<DirectoryState | null>;
    /** Signs, publishes and decides on a hub-homed record (HubSync.propose): applications are decided at once. */
    propose: HubSync['propose'];
    /** The credit lists (CreditListService): only enterprises on the recommended list are shown. */
    credit: { entries(): Promise<ReadonlyMap<string, CreditEntry>> };
    now?: () => number;
  }) {
    this.#credit = options.credit;
    this.#store = options.store;
    this.#device = options.device;
    this.#publish = options.publish;
    this.#directory = options.directory;
    this.#propose = options.propose;
    this.#now = options.now ?? Date.now;
  }

  listRecommendedEnterprises(): Promise<PublicEnterprise[]> {
    const now = this.#now();
    if (!this.#enterprises || now - this.#enterprises.at > CACHE_MS) {
      const value = this.#readEnterprises({ now });
      this.#enterprises = { at: now, value };
      value.catch(() => (this.#enterprises = null));
    }
    return this.#enterprises.value;
  }

  listOrderCounties(): Promise<string[]> {
    const now = this.#now();
    if (!this.#counties || now - this.#counties.at > CACHE_MS) {
      const value = this.#readCounties();
      this.#counties = { at: now, value };
      value.catch(() => (this.#counties = null));
    }
    return this.#counties.value;
  }

  /**
   * A new order record `order:<county>:<ULID>` holding one signed `receive` proposal (channel `web`) by the
   * hub's system user. The hub is not the home of county orders, so it does not decide it: published, it is
   * stored and sent to the county's appliance if connected (else when it next syncs), which decides it.
   * Built on a fresh document and published rather than written with proposeToStore: publish stores and
   * broadcasts, while an update already in the store would be no change to broadcast.
   */
  async receiveWebOrder(options: WebOrderRequest): Promise<{ recordId: string; proposalId: string }> {
    const counties = await this.listOrderCounties();
    if (!counties.includes(options.countyCode)) throw new Error(`no appliance serves ${options.countyCode}`);
    const at = this.#now();
    const recordId = formatRecordId({ kind: 'order', scope: options.countyCode, id: createId({ now: at }) });
    const doc = loadRecordDoc({ recordId, update: null });
    try {
      const { proposalId, update } = await proposeCommand({
        doc,
        recordId,
        device: this.#device,
        actor: { userId: HUB_USER_ID, role: 'system' },
        type: 'receive',
        payload: {
          orderId: recordId,
          channel: 'web',
          citizenPhone: options.citizenPhone,
          citizenName: options.citizenName,
          itemCode: options.itemCode,
          urgency: 'normal',
          address: options.address,
          wantedAt: options.wantedAt,
          durationMinutes: null,
          notes: options.notes,
        },
        at,
      });
      await this.#publish({ recordId, update });
      return { recordId, proposalId };
    } finally {
      doc.destroy();
    }
  }

  async receiveWebComplaint(options: WebComplaintRequest): Promise<{ recordId: string }> {
    const filedAt = this.#now();
    const recordId = formatRecordId({ kind: 'complaint', scope: 'hub', id: createId({ now: filedAt }) });
    await this.#propose({
      recordId,
      commands: [
        {
          type: 'file',
          payload: {
            complaintId: recordId,
            source: 'web',
            countyCode: options.countyCode,
            orderId: null,
            enterpriseId: options.enterpriseId,
            enterpriseName: options.enterpriseName,
            kind: options.kind,
            description: options.description,
            citizenName: options.citizenName,
            citizenPhone: options.citizenPhone,
            evidence: [],
            dueAt: defaultComplaintDueAt({ kind: options.kind, filedAt }),
          },
        },
      ],
    });
    return { recordId };
  }

  async receiveApplication(options: EnterpriseApplicationRequest): Promise<{ recordId: string }> {
    const recordId = formatRecordId({ kind: 'enterprise', scope: 'hub', id: createId({ now: this.#now() }) });
    await this.#propose({
      recordId,
      commands: [
        {
          type: 'apply',
          payload: {
            enterpriseId: recordId,
            kind: options.kind,
            name: options.name,
            licenceNumber: options.licenceNumber,
            contactName: options.contactName,
            contactPhone: options.contactPhone,
            items: [...options.items],
            counties: [...options.counties],
            documents: options.documents.map((d) => ({ name: d.name, sha256: d.sha256 })),
          },
        },
      ],
    });
    return { recordId };
  }

  /**
   * The registry's recommended list as citizens see it: enterprises on it that may take orders now and
   * carry no warning (a warned enterprise may still be dispatched to, but the centre does not recommend
   * it), best score first, then by name as a Chinese reader sorts.
   */
  async #readEnterprises(options: { now: number }): Promise<PublicEnterprise[]> {
    const credit = await this.#credit.entries();
    const found: { enterprise: PublicEnterprise; score: number }[] = [];
    for await (const recordId of this.#listRecordIds({ prefix: 'enterprise:' })) {
      const state = await this.#readAccepted({ recordId });
      if (state === null) continue;
      const enterprise = state as EnterpriseState;
      const entry = credit.get(enterprise.id);
      if (entry?.list !== 'recommended' || enterprise.status === 'warned') continue;
      if (!checkEnterpriseDispatchable({ enterprise, at: options.now }).dispatchable) continue;
      found.push({
        score: entry.score,
        enterprise: {
          id: enterprise.id,
          name: enterprise.name,
          kind: enterprise.kind,
          status: 'active',
          items: enterprise.items,
          counties: enterprise.counties,
        },
      });
    }
    const collator = new Intl.Collator('zh-CN');
    return found
      .sort((a, b) => b.score - a.score || collator.compare(a.enterprise.name, b.enterprise.name))
      .map((f) => f.enterprise);
  }

  async #readCounties(): Promise<string[]> {
    const directory = await this.#directory();
    if (!directory) return [];
    const counties = new Set<string>();
    for (const device of Object.values(directory.devices)) {
      if (device.kind !== 'appliance' || device.revokedAt !== null) continue;
      const user = directory.users[device.userId];
      if (user?.countyCode && user.disabledAt === null) counties.add(user.countyCode);
    }
    return [...counties].sort();
  }

  async *#listRecordIds(options: { prefix: string }): AsyncGenerator<string> {
    let after = 0;
    for (;;) {
      const changes = await this.#store.listChanges({ after, limit: PAGE_SIZE, prefixes: [options.prefix] });
      for (const change of changes) yield change.recordId;
      const last = changes.at(-1);
      if (!last || changes.length < PAGE_SIZE) return;
      after = last.seq;
    }
  }

  async #readAccepted(options: { recordId: string }): Promise<unknown> {
    const record = await this.#store.readRecord({ recordId: options.recordId });
    if (!record) return null;
    const doc = loadRecordDoc({ recordId: options.recordId, update: record.update });
    try {
      return readRecordSnapshot({ doc, recordId: options.recordId }).state;
    } finally {
      doc.destroy();
    }
  }
}
