import { findActiveSigner, type DirectoryState } from '../domain';
import { fromBase64Url, importPublicKey, signBytes, toBase64Url, verifyBytes } from './device-keys';
import type { SigningDevice } from './propose';

/**
 * How a device proves who it is when it opens a sync connection: `deviceId.issuedAtMs.signature`, the
 * signature over `jz-sync:deviceId:issuedAtMs` by the device's own key. The relay checks it against the
 * directory (enrolled, not revoked, user not disabled) and a freshness window, so no password or shared
 * secret travels and a revocation at the hub shuts the device out everywhere the directory reaches.
 */
const maxAgeMs = 5 * 60_000;

function message(deviceId: string, issuedAt: number): Uint8Array {
  return new TextEncoder().encode(`jz-sync:${deviceId}:${issuedAt}`);
}

export async function createDeviceToken(options: { device: SigningDevice; now: number }): Promise<string> {
  const signature = await signBytes({
    privateKey: options.device.privateKey,
    bytes: message(options.device.deviceId, options.now),
  });
  return `${options.device.deviceId}.${options.now}.${toBase64Url(signature)}`;
}

export type TokenIdentity = {
  deviceId: string;
  userId: string;
  role: string;
  countyCode: string | null;
  kind: string;
};

export async function verifyDeviceToken(options: {
  token: string;
  directory: DirectoryState | null;
  now: number;
}): Promise<{ ok: true; identity: TokenIdentity } | { ok: false; reason: string }> {
  const parts = options.token.split('.');
  if (parts.length !== 3 || options.token.length > 300) return { ok: false, reason: 'malformed token' };
  const [deviceId = '', issued = '', sig = ''] = parts;
  const issuedAt = Number(issued);
  if (!Number.isSafeInteger(issuedAt)) return { ok: false, reason: 'malformed token' };
  if (Math.abs(options.now - issuedAt) > maxAgeMs) return { ok: false, reason: 'token expired' };
  const signer = findActiveSigner({ directory: options.directory, deviceId });
  if ('refused' in signer) return { ok: false, reason: signer.refused };
  let signature: Uint8Array;
  try {
    signature = fromBase64Url(sig);
  } catch {
    return { ok: false, reason: 'malformed token' };
  }
  const key = await importPublicKey({ publicKey: signer.device.publicKey });
  const good = await verifyBytes({ publicKey: key, bytes: message(deviceId, issuedAt), signature });
  if (!good) return { ok: false, reason: 'bad token signature' };
  return {
    ok: true,
    identity: {
      deviceId,
      userId: signer.user.userId,
      role: signer.user.role,
      countyCode: signer.user.countyCode,
      kind: signer.device.kind,
    },
  };
}
