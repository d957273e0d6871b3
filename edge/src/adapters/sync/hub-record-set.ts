import { loadRecordDoc, readRecordSnapshot } from '@jiazheng/sync/records';
import type { RecordStore } from '@jiazheng/sync/storage';
import type { HubRecords, HubStaff } from '../../ports/hub-records';
import type { HubSync } from './hub-sync';

const PAGE_SIZE = 500;

/**
 * The records of one kind the hub is home of (`complaint:`, `course:`), as the hub holds them. Listing
 * walks every record of the kind: there is no projection table for them, which is fine for the thousands a
 * year a province sees. A record whose store seq has not moved since it was last decoded is the same bytes,
 * so its decoded state is reused (decoding is the cost: about a millisecond or two a record).
 */
export class HubRecordSet<S> implements HubRecords<S> {
  readonly #store: RecordStore;
  readonly #hub: Pick<HubSync, 'propose' | 'report'>;
  readonly #prefix: string;
  readonly #states = new Map<string, { seq: number; state: S | null }>();

  constructor(options: { store: RecordStore; hub: Pick<HubSync, 'propose' | 'report'>; prefix: string }) {
    this.#store = options.store;
    this.#hub = options.hub;
    this.#prefix = options.prefix;
  }

  async list(): Promise<Array<{ recordId: string; state: S }>> {
    const found: Array<{ recordId: string; state: S }> = [];
    let after = 0;
    for (;;) {
      const changes = await this.#store.listChanges({ after, limit: PAGE_SIZE, prefixes: [this.#prefix] });
      for (const change of changes) {
        const state = await this.#readAccepted({ recordId: change.recordId, seq: change.seq });
        if (state !== null) found.push({ recordId: change.recordId, state });
      }
      const last = changes.at(-1);
      if (!last || changes.length < PAGE_SIZE) break;
      after = last.seq;
    }
    return found;
  }

  async read(options: { recordId: string }) {
    if (!options.recordId.startsWith(this.#prefix)) return null;
    const report = await this.#hub.report({ recordId: options.recordId });
    if (report === null) return null;
    return {
      recordId: report.recordId,
      state: report.accepted as S | null,
      history: report.proposals.map((p) => ({
        proposalId: p.id,
        type: p.type,
        userId: p.userId,
        role: p.role,
        at: p.at,
        decision: p.decision,
        code: p.code,
      })),
    };
  }

  propose(options: {
    recordId: string;
    commands: ReadonlyArray<{ type: string; payload: unknown }>;
    staff: HubStaff | null;
  }): Promise<{ proposalIds: string[] }> {
    const { recordId, commands, staff } = options;
    if (!recordId.startsWith(this.#prefix)) {
      throw new Error(`HubRecordSet(${this.#prefix}): ${recordId} is not one of its records`);
    }
    return this.#hub.propose(staff === null ? { recordId, commands } : { recordId, commands, staff });
  }

  async #readAccepted(options: { recordId: string; seq: number }): Promise<S | null> {
    const known = this.#states.get(options.recordId);
    if (known?.seq === options.seq) return known.state;
    const record = await this.#store.readRecord({ recordId: options.recordId });
    if (!record) return null;
    const doc = loadRecordDoc({ recordId: options.recordId, update: record.update });
    try {
      const state = readRecordSnapshot({ doc, recordId: options.recordId }).state as S | null;
      this.#states.set(options.recordId, { seq: record.seq, state });
      return state;
    } finally {
      doc.destroy();
    }
  }
}
