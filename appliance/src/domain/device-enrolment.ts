import { Role, type DirectoryState } from '@jiazheng/sync/domain';
import { z } from 'zod';

/**
 * Enrolling a logged-in user's browser key in the directory, decided without IO: who the appliance user
 * is in the directory, and which commands the appliance must propose (only what the directory as it sees
 * it lacks, so a repeated enrolment adds nothing to the log). Refusals the hub would make are found here
 * first: a rejected proposal would stay in the directory's log forever, and meanwhile the appliance's own
 * pending view would silently skip it while the PWA believed it was enrolled.
 */

/** `pwa-` and a random id the PWA makes once per browser; the directory allows up to 64 characters. */
export const pwaDeviceIdSchema = z
  .string()
  .regex(/^pwa-[A-Za-z0-9_-]{8,60}$/, 'must be pwa- followed by 8–60 letters, digits, _ or -');
/** The raw uncompressed P-256 point (65 bytes) in base64url, as `exportPublicKey` gives it. */
export const publicKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{87}$/, 'must be a base64url P-256 public key (87 characters)');

export const deviceEnrolmentRequestSchema = z.strictObject({
  deviceId: pwaDeviceIdSchema,
  publicKey: publicKeySchema,
});
export type DeviceEnrolmentRequest = z.infer<typeof deviceEnrolmentRequestSchema>;

/** The appliance's local roles as the directory names them. */
const directoryRoleOf = {
  admin: Role.administrator,
  supervisor: Role.supervisor,
  call_taker: Role.callTaker,
  technician: Role.technician,
} as const satisfies Record<string, Role>;
export type ApplianceRoleName = keyof typeof directoryRoleOf;

export type DirectoryUserSpec = {
  userId: string;
  name: string;
  role: Role;
  countyCode: string;
};

/** The directory's userIdSchema allows 64 characters; a county code and a 32-character username fit. */
const MAX_USER_ID_LENGTH = 64;
/** The directory's registerUser takes a name of 1–40 characters. */
const MAX_NAME_LENGTH = 40;

/**
 * Who an appliance account is in the directory: `<countyCode>-<username>` (usernames are unique only
 * within one appliance, so the county makes them unique across the network).
 */
export function directoryUserOf(options: {
  countyCode: string;
  username: string;
  role: ApplianceRoleName;
  displayName: string;
}): DirectoryUserSpec {
  const userId = `${options.countyCode}-${options.username}`;
  if (userId.length > MAX_USER_ID_LENGTH) {
    throw new Error(`directory user id ${userId} is longer than ${MAX_USER_ID_LENGTH} characters`);
  }
  const name = options.displayName.trim().slice(0, MAX_NAME_LENGTH) || options.username;
  return { userId, name, role: directoryRoleOf[options.role], countyCode: options.countyCode };
}

export type DirectoryCommandSpec =
  | {
      type: 'registerUser';
      payload: { userId: string; name: string; role: Role; countyCode: string };
    }
  | {
      type: 'enrolDevice';
      payload: { deviceId: string; kind: 'pwa'; publicKey: string; userId: string };
    };

export type EnrolmentPlan =
  | { ok: true; commands: DirectoryCommandSpec[] }
  | { ok: false; code: 'conflict' | 'forbidden'; field: 'deviceId' | 'userId'; message: string };

/**
 * What to propose so that `deviceId` with `publicKey` is an enrolled PWA of `user`, given the directory
 * as the appliance sees it (its own pending proposals included). Nothing when it already is.
 */
export function planPwaEnrolment(options: {
  directory: DirectoryState | null;
  user: DirectoryUserSpec;
  deviceId: string;
  publicKey: string;
}): EnrolmentPlan {
  const { directory, user, deviceId, publicKey } = options;
  const device = directory?.devices[deviceId];
  if (device !== undefined) {
    if (device.userId !== user.userId || device.publicKey !== publicKey) {
      return {
        ok: false,
        code: 'conflict',
        field: 'deviceId',
        message: `deviceId: ${deviceId} is already enrolled for another user or key; make a new device id`,
      };
    }
    if (device.revokedAt !== null) {
      return {
        ok: false,
        code: 'conflict',
        field: 'deviceId',
        message: `deviceId: ${deviceId} was revoked; make a new device id`,
      };
    }
  }
  const existing = directory?.users[user.userId];
  if (existing !== undefined) {
    if (existing.role !== user.role || existing.countyCode !== user.countyCode) {
      // The directory never changes a user's role or county by registerUser; the hub must sort it out.
      return {
        ok: false,
        code: 'conflict',
        field: 'userId',
        message: `userId: ${user.userId} is in the directory as ${existing.role} of ${existing.countyCode ?? 'the centre'}, not ${user.role} of ${user.countyCode}; ask the hub's administrator`,
      };
    }
    if (existing.disabledAt !== null) {
      return {
        ok: false,
        code: 'forbidden',
        field: 'userId',
        message: `userId: ${user.userId} is disabled in the directory`,
      };
    }
  }
  const commands: DirectoryCommandSpec[] = [];
  if (existing === undefined) commands.push({ type: 'registerUser', payload: { ...user } });
  if (device === undefined) {
    commands.push({
      type: 'enrolDevice',
      payload: { deviceId, kind: 'pwa', publicKey, userId: user.userId },
    });
  }
  return { ok: true, commands };
}
