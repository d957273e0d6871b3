import type { AccountScope } from '../domain/hub-accounts';

export type ApplianceView = {
  deviceId: string;
  userId: string;
  county: { code: string; name: string } | null;
  enrolledAt: string;
  revoked: { at: string; reason: string | null } | null;
  /** Null when the hub has not seen the device since it started. */
  lastContact: { at: string; connected: boolean; connectedAt: string; disconnectedAt: string | null } | null;
  /** The appliance sends no software version over sync (HELLO carries the protocol's only). */
  version: 'unknown';
  /**
   * Records of the county's orders the hub changed after its last contact with the appliance: an
   * approximation of what it has not acknowledged, since the relay keeps no per-peer cursor. Null when
   * there was no contact since the hub started (anything might be missing).
   */
  backlog: { records: number; atLeast: boolean; since: 'last_contact' } | null;
};

/** What the HTTP API asks of the hub about the counties' appliances. */
export interface ApplianceOversight {
  /** Every appliance device of the directory within the scope. */
  list(options: { scope: AccountScope }): Promise<ApplianceView[]>;
  /**
   * Revokes an appliance within the scope (`not_found` for a device that is not an appliance, or outside
   * it: the caller learns nothing of devices it may not see). Revoking twice is not an error.
   */
  revoke(options: { deviceId: string; reason: string; scope: AccountScope }): Promise<void>;
}
