import { parseRecordId, recordIdSchema, Role, type InspectionState } from '../domain';
import { loadRecordDoc } from '../records/record-doc';
import { readRecordSnapshot } from '../records/record-state';
import { checkRecordWrite, type WriteRights } from '../records/write-rules';
import type { ContentReads, ReadAccess, RecordPolicy, WriteDecision } from '../relay/record-policy';
import { homeOf, isHomeOf, type ReplicaSelf, type SyncPeer } from './sync-peer';

/**
 * Who may read and write what, for the hub's relay and for an appliance's (serving its PWAs):
 * a county sees and writes only its own orders; counties read the registry but never write it (they may
 * propose to the directory: the hub, its home, checks scope); only a record's home writes its log.
 * A central quality inspector reads the registry, the directory and only the inspections the accepted
 * state assigns to them (no orders); the centre's other staff read everything. Complaints have no
 * lifecycle yet, so only the centre reads them.
 */
export function readablePrefixes(peer: SyncPeer): readonly string[] {
  if (isFieldInspector(peer)) return ['enterprise:', 'worker:', 'directory:', 'inspection:'];
  if (peer.countyCode === null) return [''];
  return [`order:${peer.countyCode}:`, 'enterprise:', 'worker:', 'directory:'];
}

/**
 * Inspectors work in the field on tablets that may be lost, so theirs see only their own assignments.
 * Legal consultants, who also handle complaints, keep the centre's full view: they work in the office.
 * A county's inspector (countyCode set) reads what any county user reads, which holds no inspections.
 */
function isFieldInspector(peer: SyncPeer): boolean {
  return peer.countyCode === null && peer.role === Role.qualityInspector;
}

export function readAccessOf(options: { peer: SyncPeer; recordId: string }): ReadAccess {
  const { peer, recordId } = options;
  if (!recordIdSchema.safeParse(recordId).success) return false;
  if (!readablePrefixes(peer).some((p) => recordId.startsWith(p))) return false;
  return isFieldInspector(peer) && recordId.startsWith('inspection:') ? 'content' : true;
}

/** What deciding an inspector's read needs from an inspection: who the accepted state assigns it to. */
export type InspectionReadFacts = { inspectorUserId: string | null };

export function inspectionReadFacts(options: {
  recordId: string;
  update: Uint8Array | null;
}): InspectionReadFacts {
  if (options.update === null) return { inspectorUserId: null };
  const doc = loadRecordDoc({ recordId: options.recordId, update: options.update });
  try {
    const state = readRecordSnapshot({ doc, recordId: options.recordId }).state as InspectionState | null;
    return { inspectorUserId: state?.inspectorUserId ?? null };
  } catch {
    // A log that does not replay assigns nobody: the centre's staff can still read and repair it.
    return { inspectorUserId: null };
  } finally {
    doc.destroy();
  }
}

export const inspectionContentReads: ContentReads<SyncPeer> = {
  applies: (recordId) => recordId.startsWith('inspection:'),
  facts: inspectionReadFacts,
  canRead: ({ peer, facts }) => {
    const assigned = (facts as InspectionReadFacts | undefined)?.inspectorUserId;
    return assigned !== undefined && assigned !== null && assigned === peer.userId;
  },
};

export function writeRightsOf(options: { peer: SyncPeer; recordId: string }): WriteRights {
  const { peer, recordId } = options;
  const { kind, scope } = parseRecordId({ recordId });
  const home = homeOf({ recordId });
  const isHome =
    home.kind === 'hub'
      ? peer.kind === 'hub'
      : peer.kind === 'appliance' && peer.countyCode === home.countyCode;
  const central = peer.countyCode === null;
  let mayPropose: boolean;
  if (kind === 'order') mayPropose = central || peer.countyCode === scope;
  else if (kind === 'directory') mayPropose = true;
  else mayPropose = central;
  return { isHome, mayPropose, mayEditFields: mayPropose };
}

export function createReplicaPolicy(options: {
  self: ReplicaSelf;
  /** Runs the home's sequencer for a record this replica is home of, after a peer wrote to it. */
  sequence: (options: { recordId: string }) => Promise<void>;
  /** Every stored write, e.g. so an appliance pushes its PWAs' changes on to the hub. */
  forward?: (options: { recordId: string }) => void;
}): RecordPolicy<SyncPeer> {
  return {
    readablePrefixes,
    canRead: (peer, recordId) => readAccessOf({ peer, recordId }),
    contentReads: inspectionContentReads,
    checkWrite: ({ peer, recordId, current, update }): WriteDecision =>
      checkRecordWrite({ recordId, current, update, rights: writeRightsOf({ peer, recordId }) }),
    afterWrite: async ({ recordId }) => {
      options.forward?.({ recordId });
      if (isHomeOf({ self: options.self, recordId })) await options.sequence({ recordId });
    },
  };
}
