import type { ComplaintState, OrderState } from '@jiazheng/sync/domain';
import { loadRecordDoc, readRecordSnapshot, type RecordSnapshot } from '@jiazheng/sync/records';
import type { RecordStore } from '@jiazheng/sync/storage';
import {
  planComplaintOrderLink,
  type ComplaintOrderLinkPlan,
  type OrderComplaintProposal,
  type OrderLinkCommand,
} from '../domain/complaint-order-link';
import type { Logger } from '../ports/logger';
import type { Service } from '../ports/service';

const PAGE_SIZE = 500;

/** How the service proposes on a county's order: HubSync.proposeRemote (signed as the hub, not decided). */
export type RemoteProposer = {
  proposeRemote: (options: {
    recordId: string;
    commands: readonly OrderLinkCommand[];
  }) => Promise<{ proposalIds: string[] }>;
};

/**
 * Carries complaint records that name an order onto the order: `openComplaint` once the filing is accepted,
 * `resolveComplaint` once decided or withdrawn (domain/complaint-order-link.ts plans what is missing). The
 * hub is not the order's home, so it proposes and the county's appliance decides, now if connected, else
 * after it reconnects.
 *
 * It follows the store's change feed: a changed complaint is planned again, and so is a complaint whose
 * plan waits on its order (not at the hub yet, not dispatched yet, a proposal not decided yet) when that
 * order changes. Idempotent: every plan is made from the records, which keep every proposal, so a restart,
 * a second run or an order change caused by its own proposal proposes nothing twice. Nothing is kept
 * between runs: a start plans every complaint once (thousands a year) and then follows changes from the
 * seq the store had before that pass. Runs in one hub process only (LeaderServices): two would race to
 * propose the same command.
 *
 * A complaint naming an order the hub does not hold waits rather than proposing blind: the proposal would
 * create the order record at the hub with no accepted state, and the hub could not tell whether the order
 * takes complaints yet. Such an order is at a county not synced since; when it syncs, the order arrives,
 * this plans again and the county's connected appliance gets the proposal at once.
 */
export class ComplaintOrderLinkService implements Service {
  readonly #store: RecordStore;
  readonly #hub: RemoteProposer;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  /** The store seq consumed so far; null until the first pass over every complaint. */
  #cursor: number | null = null;
  /** Complaints whose plan waits on their order: order record id → complaint record ids. */
  readonly #waiting = new Map<string, Set<string>>();
  /** Complaints whose planning or proposal failed, planned again at the next catch-up. */
  readonly #retry = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();

  constructor(options: { store: RecordStore; hub: RemoteProposer; logger: Logger; intervalMs?: number }) {
    this.#store = options.store;
    this.#hub = options.hub;
    this.#logger = options.logger;
    this.#intervalMs = options.intervalMs ?? 1000;
  }

  /** Returns at once: the first pass runs in the background, so a leader's start is not held up by it. */
  start(): Promise<void> {
    if (this.#timer) return Promise.resolve();
    this.#cursor = null;
    this.#waiting.clear();
    this.#retry.clear();
    void this.catchUp();
    this.#timer = setInterval(() => void this.catchUp(), this.#intervalMs);
    this.#timer.unref();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** One catch-up, serialised behind any running one; a failure is logged and retried next interval. */
  catchUp(): Promise<unknown> {
    this.#running = this.#running.then(() =>
      this.#catchUpOnce().catch((error: unknown) =>
        this.#logger.error('complaint-order link: catch-up failed', error),
      ),
    );
    return this.#running;
  }

  async #catchUpOnce(): Promise<void> {
    const due = new Set(this.#retry);
    this.#retry.clear();
    let after = this.#cursor;
    let until: number | null = null;
    if (after === null) {
      // Changes from here on are followed; everything before is seen by planning every complaint.
      until = await this.#store.currentSeq();
      for await (const recordId of this.#changedSince({ after: 0, prefixes: ['complaint:'] }))
        due.add(recordId.id);
      after = until;
    } else {
      for await (const change of this.#changedSince({ after, prefixes: ['complaint:', 'order:'] })) {
        if (change.id.startsWith('complaint:')) due.add(change.id);
        else for (const complaintId of this.#waiting.get(change.id) ?? []) due.add(complaintId);
        until = change.seq;
      }
    }
    for (const complaintId of due) {
      try {
        await this.#link({ complaintId });
      } catch (error) {
        // One complaint's trouble (a store error, a failed publish) holds up no other.
        this.#retry.add(complaintId);
        this.#logger.error(`complaint-order link: ${complaintId} failed; trying again`, error);
      }
    }
    this.#cursor = until ?? after;
  }

  async *#changedSince(options: {
    after: number;
    prefixes: readonly string[];
  }): AsyncGenerator<{ id: string; seq: number }> {
    let after = options.after;
    for (;;) {
      const changes = await this.#store.listChanges({ after, limit: PAGE_SIZE, prefixes: options.prefixes });
      for (const change of changes) yield { id: change.recordId, seq: change.seq };
      const last = changes.at(-1);
      if (!last || changes.length < PAGE_SIZE) return;
      after = last.seq;
    }
  }

  /** Plans one complaint against its order and proposes what is missing. */
  async #link(options: { complaintId: string }): Promise<void> {
    const { complaintId } = options;
    const complaint = (await this.#snapshot({ recordId: complaintId }))?.state as ComplaintState | null;
    // Not filed yet (or its filing refused): nothing to carry.
    if (!complaint?.orderId) return;
    const orderId = complaint.orderId;
    const order = await this.#snapshot({ recordId: orderId });
    const plan = planComplaintOrderLink({
      complaint,
      order: {
        state: (order?.state ?? null) as OrderState | null,
        proposals: order ? complaintProposalsOf({ snapshot: order }) : [],
      },
    });
    if (plan.kind === 'propose') {
      await this.#hub.proposeRemote({ recordId: orderId, commands: plan.commands });
      this.#logger.info(
        `complaint-order link: proposed ${plan.commands.map((c) => c.type).join(', ')} on ${orderId} for ${complaintId}`,
      );
    }
    this.#track({ complaintId, orderId, plan });
  }

  /** A proposal made or awaited is decided at the county: its log entry coming back is an order change. */
  #track(options: { complaintId: string; orderId: string; plan: ComplaintOrderLinkPlan }): void {
    const { complaintId, orderId, plan } = options;
    const waiting = this.#waiting.get(orderId) ?? new Set<string>();
    if (plan.kind === 'none' || plan.kind === 'refused') {
      // Logged once, when the refusal comes back, not at every later look at the complaint.
      if (plan.kind === 'refused' && waiting.has(complaintId))
        this.#logger.error(`complaint-order link: ${complaintId} on ${orderId}: ${plan.why}`);
      waiting.delete(complaintId);
    } else {
      waiting.add(complaintId);
    }
    if (waiting.size === 0) this.#waiting.delete(orderId);
    else this.#waiting.set(orderId, waiting);
  }

  async #snapshot(options: { recordId: string }): Promise<RecordSnapshot | null> {
    const record = await this.#store.readRecord({ recordId: options.recordId });
    if (!record) return null;
    const doc = loadRecordDoc({ recordId: options.recordId, update: record.update });
    try {
      return readRecordSnapshot({ doc, recordId: options.recordId });
    } finally {
      doc.destroy();
    }
  }
}

/** Every proposal in the order naming a complaint, whoever signed it, with its decision so far. */
function complaintProposalsOf(options: { snapshot: RecordSnapshot }): OrderComplaintProposal[] {
  const { snapshot } = options;
  return snapshot.proposals.flatMap((p) => {
    const complaintId = (p.payload as { complaintId?: unknown } | null)?.complaintId;
    if (typeof complaintId !== 'string') return [];
    const entry = snapshot.decided.get(p.id);
    return [
      {
        type: p.type,
        complaintId,
        decision: entry?.outcome ?? 'pending',
        message: entry?.outcome === 'rejected' ? entry.message : null,
      },
    ];
  });
}
