import type * as Y from 'yjs';
import type { LogEntry, Proposal } from './record-codec';
import { findKindHandler } from './record-kinds';
import { commandOf, readRecordSnapshot } from './record-state';

export type RecordView = {
  recordId: string;
  kind: string;
  /** reduce(log): what the home has accepted. */
  accepted: unknown;
  /** The accepted state with this device's pending proposals applied on top: what its user sees. */
  state: unknown;
  /** This device's proposals the home has not decided yet, marked pending in the UI. */
  pending: Proposal[];
  /** This device's proposals the home rejected, with the reason: shown as conflicts to redo. */
  conflicts: { proposal: Proposal; entry: Extract<LogEntry, { outcome: 'rejected' }> }[];
  /** Proposals of other devices not decided yet. */
  undecidedOthers: number;
};

export function viewRecord(options: { doc: Y.Doc; recordId: string; deviceId: string | null }): RecordView {
  const snap = readRecordSnapshot({ doc: options.doc, recordId: options.recordId });
  const handler = findKindHandler({ kind: snap.kind });
  const mine = (p: Proposal) => options.deviceId !== null && p.device === options.deviceId;
  const pending = snap.proposals.filter((p) => mine(p) && !snap.decided.has(p.id));
  const conflicts: RecordView['conflicts'] = [];
  for (const p of snap.proposals) {
    const entry = snap.decided.get(p.id);
    if (mine(p) && entry?.outcome === 'rejected') conflicts.push({ proposal: p, entry });
  }
  let state = snap.state;
  if (handler) {
    for (const p of pending) {
      const r = handler({ state, command: commandOf(p), context: { mode: 'replay' } });
      if (r.ok) state = r.value;
    }
  }
  return {
    recordId: snap.recordId,
    kind: snap.kind,
    accepted: snap.state,
    state,
    pending,
    conflicts,
    undecidedOthers: snap.proposals.filter((p) => !mine(p) && !snap.decided.has(p.id)).length,
  };
}
