import { roleSchema, type DirectoryState } from '../domain';
import { verifyDeviceToken } from '../records/device-token';
import type { SyncPeer } from './sync-peer';

const peerKinds: ReadonlySet<string> = new Set<SyncPeer['kind']>(['hub', 'appliance', 'pwa']);

/**
 * Who is opening a sync connection, from the device token it presents: checked against the directory
 * as this replica sees it (enrolled, not revoked, user not disabled, fresh signature). The peer's kind,
 * county, role and user come from the directory, never from the client.
 */
export async function authenticateDevicePeer(options: {
  token: string;
  directory: DirectoryState | null;
  now: number;
}): Promise<{ ok: true; peer: SyncPeer } | { ok: false; reason: string }> {
  const verified = await verifyDeviceToken(options);
  if (!verified.ok) return verified;
  const { identity } = verified;
  const role = roleSchema.safeParse(identity.role);
  if (!role.success) return { ok: false, reason: `device ${identity.deviceId} has an unknown role` };
  if (!peerKinds.has(identity.kind))
    return { ok: false, reason: `device ${identity.deviceId} has an unknown kind` };
  return {
    ok: true,
    peer: {
      id: identity.deviceId,
      kind: identity.kind as SyncPeer['kind'],
      countyCode: identity.countyCode,
      role: role.data,
      userId: identity.userId,
    },
  };
}
