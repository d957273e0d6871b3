import { parseRecordId, recordIdSchema } from '../domain';
import { checkRecordWrite, type WriteRights } from '../records/write-rules';
import type { RecordPolicy, WriteDecision } from '../relay/record-policy';
import { homeOf, isHomeOf, type ReplicaSelf, type SyncPeer } from './sync-peer';

/**
 * Who may read and write what, for the hub's relay and for an appliance's (serving its PWAs):
 * a county sees and writes only its own orders; counties read the registry but never write it (they may
 * propose to the directory: the hub, its home, checks scope); only a record's home writes its log.
 * Inspections and complaints have no lifecycle yet, so only the centre reads them.
 */
export function readablePrefixes(peer: SyncPeer): readonly string[] {
  if (peer.countyCode === null) return [''];
  return [`order:${peer.countyCode}:`, 'enterprise:', 'worker:', 'directory:'];
}

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
    canRead: (peer, recordId) =>
      recordIdSchema.safeParse(recordId).success &&
      readablePrefixes(peer).some((p) => recordId.startsWith(p)),
    checkWrite: ({ peer, recordId, current, update }): WriteDecision =>
      checkRecordWrite({ recordId, current, update, rights: writeRightsOf({ peer, recordId }) }),
    afterWrite: async ({ recordId }) => {
      options.forward?.({ recordId });
      if (isHomeOf({ self: options.self, recordId })) await options.sequence({ recordId });
    },
  };
}
