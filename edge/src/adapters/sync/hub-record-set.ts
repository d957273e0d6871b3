import type { ComplaintState } from '@jiazheng/sync/domain';
import { loadRecordDoc, readRecordSnapshot } from '@jiazheng/sync/records';
import type { RecordStore } from '@jiazheng/sync/storage';
import type { ComplaintRecords, ComplaintStaff } from '../../ports/complaint-records';
import type { HubSync } from './hub-sync';

const PAGE_SIZE = 500;

/**
 * The complaint records as the hub (their home) holds them. Listing reads every complaint record: there
 * is no projection table for them yet, which is fine for the thousands a year a province sees; a table in
 * `sync/src/projections` is the next step when that grows.
 */
export class HubComplaints implements ComplaintRecords {
  readonly #store: RecordStore;
  readonly #hub: Pick<HubSync, 'propose' | 'report'>;

  constructor(options: { store: RecordStore; hub: Pick<HubSync, 'propose' | 'report'> }) {
    this.#store = options.store;
    this.#hub = options.hub;
  }

  async list(): Promise<Array<{ recordId: string; state: ComplaintState }>> {
    const found: Array<{ recordId: string; state: ComplaintState }> = [];
    let after = 0;
    for (;;) {
      const changes = await this.#store.listChanges({ after, limit: PAGE_SIZE, prefixes: ['complaint:'] });
      for (const change of changes) {
        const state = await this.#readAccepted({ recordId: change.recordId });
        if (state !== null) found.push({ recordId: change.recordId, state });
      }
      const last = changes.at(-1);
      if (!last || changes.length < PAGE_SIZE) break;
      after = last.seq;
    }
    return found;
  }

  async read(options: { recordId: string }) {
    const report = await this.#hub.report({ recordId: options.recordId });
    if (report === null) return null;
    return {
      recordId: report.recordId,
      state: report.accepted as ComplaintState | null,
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
    staff: ComplaintStaff | null;
  }): Promise<{ proposalIds: string[] }> {
    const { recordId, commands, staff } = options;
    return this.#hub.propose(staff === null ? { recordId, commands } : { recordId, commands, staff });
  }

  async #readAccepted(options: { recordId: string }): Promise<ComplaintState | null> {
    const record = await this.#store.readRecord({ recordId: options.recordId });
    if (!record) return null;
    const doc = loadRecordDoc({ recordId: options.recordId, update: record.update });
    try {
      return readRecordSnapshot({ doc, recordId: options.recordId }).state as ComplaintState | null;
    } finally {
      doc.destroy();
    }
  }
}
