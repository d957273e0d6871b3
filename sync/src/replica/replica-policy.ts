import { parseRecordId, recordIdSchema, Role, type ComplaintState, type InspectionState } from '../domain';
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
 * state assigns to them (no orders) and every complaint; the centre's other staff read everything.
 * Complaints are homed at the hub (`complaint:hub:…`, no county in the id), so a county reads and proposes
 * on those whose accepted state names its county: a read by content, like an inspector's.
 */
export function readablePrefixes(peer: SyncPeer): readonly string[] {
  if (isFieldInspector(peer)) return ['enterprise:', 'worker:', 'directory:', 'inspection:', 'complaint:'];
  if (peer.countyCode === null) return [''];
  const own = [`order:${peer.countyCode}:`, 'enterprise:', 'worker:', 'directory:'];
  // A county's own period closings, for its staff (an enterprise has no part in them).
  if (peer.role !== Role.enterprise) own.push(`closing:${peer.countyCode}:`);
  return readsCountyComplaints(peer) ? [...own, 'complaint:'] : own;
}

/** An enterprise's staff never read complaints: they hold citizens' phones and other enterprises' disputes. */
function readsCountyComplaints(peer: SyncPeer): boolean {
  return peer.countyCode !== null && peer.role !== Role.enterprise;
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
  if (recordId.startsWith('complaint:') && peer.countyCode !== null) return 'content';
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

/**
 * What deciding a county's read of a complaint needs: the county its accepted state names, and whether
 * the relay holds the record at all. A record not stored yet may be written (a county's desk files a
 * complaint by creating it); the home then refuses a filing for another county, which leaves no county.
 */
export type ComplaintReadFacts = { exists: boolean; countyCode: string | null };

export function complaintReadFacts(options: {
  recordId: string;
  update: Uint8Array | null;
}): ComplaintReadFacts {
  if (options.update === null) return { exists: false, countyCode: null };
  const doc = loadRecordDoc({ recordId: options.recordId, update: options.update });
  try {
    const state = readRecordSnapshot({ doc, recordId: options.recordId }).state as ComplaintState | null;
    return { exists: true, countyCode: state?.countyCode ?? null };
  } catch {
    return { exists: true, countyCode: null };
  } finally {
    doc.destroy();
  }
}

export const complaintContentReads: ContentReads<SyncPeer> = {
  applies: (recordId) => recordId.startsWith('complaint:'),
  facts: complaintReadFacts,
  canRead: ({ peer, facts }) => {
    const f = facts as ComplaintReadFacts | undefined;
    if (f === undefined || !readsCountyComplaints(peer)) return false;
    return !f.exists || f.countyCode === peer.countyCode;
  },
};

/** The relay takes one ContentReads: this one hands each record to its kind's. */
export const replicaContentReads: ContentReads<SyncPeer> = {
  applies: (recordId) => inspectionContentReads.applies(recordId) || complaintContentReads.applies(recordId),
  facts: (options) =>
    complaintContentReads.applies(options.recordId)
      ? complaintContentReads.facts(options)
      : inspectionContentReads.facts(options),
  canRead: (options) =>
    complaintContentReads.applies(options.recordId)
      ? complaintContentReads.canRead(options)
      : inspectionContentReads.canRead(options),
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
  // Only the county itself closes its periods; the centre reads them.
  else if (kind === 'closing') mayPropose = peer.countyCode === scope && peer.role !== Role.enterprise;
  else if (kind === 'directory') mayPropose = true;
  // A county's write reached here only past the complaint's content read (its own county, or a new record).
  else if (kind === 'complaint') mayPropose = central || readsCountyComplaints(peer);
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
    contentReads: replicaContentReads,
    checkWrite: ({ peer, recordId, current, update }): WriteDecision =>
      checkRecordWrite({ recordId, current, update, rights: writeRightsOf({ peer, recordId }) }),
    afterWrite: async ({ recordId }) => {
      options.forward?.({ recordId });
      if (isHomeOf({ self: options.self, recordId })) await options.sequence({ recordId });
    },
  };
}
