import { parseRecordId, type Role } from '../domain';
import type { Peer } from '../relay/record-policy';

/** An authenticated device on the other end of a sync connection. */
export type SyncPeer = Peer & {
  kind: 'hub' | 'appliance' | 'pwa';
  /** Null for the centre (the hub, central roles); a county code otherwise. */
  countyCode: string | null;
  role: Role;
  userId: string;
};

/** Which replica a relay or sequencer is. */
export type ReplicaSelf = { kind: 'hub' } | { kind: 'appliance'; countyCode: string };

/**
 * A county's orders and period closings live at its appliance; everything else (the registry, the
 * directory) at the hub.
 */
export function homeOf(options: { recordId: string }): ReplicaSelf {
  const { kind, scope } = parseRecordId({ recordId: options.recordId });
  return kind === 'order' || kind === 'closing' ? { kind: 'appliance', countyCode: scope } : { kind: 'hub' };
}

export function isHomeOf(options: { self: ReplicaSelf; recordId: string }): boolean {
  const home = homeOf({ recordId: options.recordId });
  return home.kind === 'hub'
    ? options.self.kind === 'hub'
    : options.self.kind === 'appliance' && options.self.countyCode === home.countyCode;
}
