import { exportPublicKey, generateDeviceKeys, type SigningDevice } from '@jiazheng/sync/records';
import type { DeviceEnrolment } from '../api/types';
import type { ConsoleDb, StoredDeviceKey } from '../db/console-db';

/** A user's enrolled signing device on this browser: what proposals are signed with. */
export type EnrolledDevice = { device: SigningDevice; enrolment: DeviceEnrolment };

/** `pwa-` and 32 hex digits: unique without coordination, within the appliance's `^pwa-[A-Za-z0-9_-]{8,60}$`. */
export function newDeviceId(): string {
  return `pwa-${crypto.randomUUID().replaceAll('-', '')}`;
}

/**
 * The user's key on this browser, made on first use. The private key is generated non-extractable, so
 * it can sign here and nowhere else; losing the browser's storage means enrolling a new key, never
 * copying the old one.
 */
export async function loadOrCreateDeviceKey(options: {
  db: ConsoleDb;
  username: string;
}): Promise<StoredDeviceKey> {
  const { db, username } = options;
  const existing = await db.devices.get(username);
  if (existing !== undefined) return existing;
  const keys = await generateDeviceKeys({ extractable: false });
  const created: StoredDeviceKey = {
    username,
    deviceId: newDeviceId(),
    publicKey: await exportPublicKey({ key: keys.publicKey }),
    privateKey: keys.privateKey,
    enrolment: null,
  };
  // Two tabs logging in at once: the first key written wins and both use it.
  await db.transaction('rw', db.devices, async () => {
    if ((await db.devices.get(username)) === undefined) await db.devices.add(created);
  });
  return (await db.devices.get(username)) ?? created;
}

/**
 * The user's device, enrolled at the appliance if it was not yet. `enrol` is the appliance call; when it
 * fails (the appliance unreachable, sync not set up) the error goes to the caller and the key stays
 * unenrolled, to be enrolled on the next try. An enrolled key is used as is, offline included.
 */
export async function ensureEnrolledDevice(options: {
  db: ConsoleDb;
  username: string;
  enrol: (options: { deviceId: string; publicKey: string }) => Promise<DeviceEnrolment>;
}): Promise<EnrolledDevice> {
  const stored = await loadOrCreateDeviceKey(options);
  let enrolment = stored.enrolment;
  if (enrolment === null) {
    enrolment = await options.enrol({ deviceId: stored.deviceId, publicKey: stored.publicKey });
    if (enrolment.deviceId !== stored.deviceId)
      throw new Error(`the appliance enrolled ${enrolment.deviceId}, not this device ${stored.deviceId}`);
    await options.db.devices.update(options.username, { enrolment });
  }
  return { device: { deviceId: stored.deviceId, privateKey: stored.privateKey }, enrolment };
}
