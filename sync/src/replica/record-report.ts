import type { RecordStore } from '../ports/record-store';
import { decodeLogEntry } from '../records/record-codec';
import { loadRecordDoc, logOf } from '../records/record-doc';
import { readRecordSnapshot } from '../records/record-state';

export type RecordReport = {
  recordId: string;
  kind: string;
  /** reduce(log): the state the home has accepted. */
  accepted: unknown;
  /** Proposals no log entry names yet. */
  pending: number;
  /** Entries in the log as stored, duplicates included (a proposal decided twice would show here). */
  logLength: number;
  proposals: Array<{
    id: string;
    type: string;
    device: string;
    userId: string;
    role: string;
    at: number;
    decision: 'accepted' | 'rejected' | 'pending';
    code: string | null;
  }>;
  /** The log in stored order, undeduplicated; undecodable entries are left out (logLength counts them). */
  log: Array<{ proposalId: string; outcome: 'accepted' | 'rejected'; code: string | null }>;
};

/**
 * What an operator (or a test) needs to see of one record at one replica: its accepted state, every
 * proposal with its decision, and the raw log, so "decided exactly once, nothing pending" can be checked
 * from outside the process.
 */
export async function reportStoredRecord(options: {
  store: RecordStore;
  recordId: string;
}): Promise<RecordReport | null> {
  const { store, recordId } = options;
  const record = await store.readRecord({ recordId });
  if (!record) return null;
  const doc = loadRecordDoc({ recordId, update: record.update });
  try {
    const snap = readRecordSnapshot({ doc, recordId });
    const rawLog = logOf(doc).toArray();
    const log: RecordReport['log'] = [];
    for (const bytes of rawLog) {
      const entry = bytes instanceof Uint8Array ? decodeLogEntry(bytes) : null;
      if (!entry) continue;
      log.push({
        proposalId: entry.proposalId,
        outcome: entry.outcome,
        code: entry.outcome === 'rejected' ? entry.code : null,
      });
    }
    const proposals: RecordReport['proposals'] = snap.proposals.map((p) => {
      const entry = snap.decided.get(p.id);
      return {
        id: p.id,
        type: p.type,
        device: p.device,
        userId: p.actor.userId,
        role: p.actor.role,
        at: p.at,
        decision: entry?.outcome ?? 'pending',
        code: entry?.outcome === 'rejected' ? entry.code : null,
      };
    });
    return {
      recordId,
      kind: snap.kind,
      accepted: snap.state,
      pending: proposals.filter((p) => p.decision === 'pending').length,
      logLength: rawLog.length,
      proposals,
      log,
    };
  } finally {
    doc.destroy();
  }
}
