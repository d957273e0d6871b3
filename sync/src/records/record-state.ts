import type * as Y from 'yjs';
import { parseRecordId } from '../domain';
import { decodeLogEntry, decodeProposal, type LogEntry, type Proposal } from './record-codec';
import { logOf, proposalsOf } from './record-doc';
import { findKindHandler } from './record-kinds';

export type RecordSnapshot = {
  recordId: string;
  kind: string;
  scope: string;
  /** reduce(accepted log). */
  state: unknown;
  log: LogEntry[];
  /** Every decodable proposal, first occurrence of each id, in array order. */
  proposals: Proposal[];
  decided: Map<string, LogEntry>;
};

export function commandOf(p: Proposal): {
  id: string;
  type: string;
  payload: unknown;
  actor: Proposal['actor'];
  at: number;
} {
  return { id: p.id, type: p.type, payload: p.payload, actor: p.actor, at: p.at };
}

/**
 * State = reduce(log). The log only names proposals, so both arrays are read; a log entry whose
 * proposal has not arrived yet cannot happen (the home writes the entry after reading the proposal,
 * in the same document), but is tolerated as "not yet reducible" rather than crashing a replica.
 */
export function readRecordSnapshot(options: { doc: Y.Doc; recordId: string }): RecordSnapshot {
  const { kind, scope } = parseRecordId({ recordId: options.recordId });
  const proposals: Proposal[] = [];
  const byId = new Map<string, Proposal>();
  for (const bytes of proposalsOf(options.doc).toArray()) {
    const p = bytes instanceof Uint8Array ? decodeProposal(bytes) : null;
    if (p && !byId.has(p.id)) {
      byId.set(p.id, p);
      proposals.push(p);
    }
  }
  const log: LogEntry[] = [];
  const decided = new Map<string, LogEntry>();
  for (const bytes of logOf(options.doc).toArray()) {
    const entry = bytes instanceof Uint8Array ? decodeLogEntry(bytes) : null;
    if (entry && !decided.has(entry.proposalId)) {
      decided.set(entry.proposalId, entry);
      log.push(entry);
    }
  }
  const handler = findKindHandler({ kind });
  let state: unknown = null;
  if (handler) {
    for (const entry of log) {
      const p = entry.outcome === 'accepted' ? byId.get(entry.proposalId) : undefined;
      if (!p) continue;
      const r = handler({ state, command: commandOf(p), context: { mode: 'replay' } });
      // The home accepted it with the same reducer; failing now means a corrupt or forged log entry.
      if (r.ok) state = r.value;
    }
  }
  return { recordId: options.recordId, kind, scope, state, log, proposals, decided };
}
