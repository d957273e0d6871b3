import { z } from 'zod';
import { ok, type Result } from '../errors';
import {
  applyTransition,
  commandEnvelopeSchema,
  describeTransitions,
  rejectWith,
  replayLog,
  type TransitionTable,
} from '../lifecycle';
import { regionCodeSchema } from '../regions/regions';
import { Role, roleSchema } from '../roles';

/**
 * The directory of users and devices: who may sign proposals, with which role, for which county. It is a
 * hub-owned record, so a revocation decided at the hub reaches every county. A county appliance proposes
 * enrolments while the hub is unreachable and trusts its own pending ones meanwhile (the replica view);
 * the hub accepts them on the next sync.
 */
const deviceIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_:-]+$/, 'may hold only letters, digits, _, : and -');
const userIdSchema = z.string().min(1).max(64);
/** Raw uncompressed P-256 point (65 bytes) in base64url: 87 characters. */
const publicKeySchema = z.string().regex(/^[A-Za-z0-9_-]{87}$/, 'must be a base64url P-256 public key');

export const DeviceKind = { pwa: 'pwa', appliance: 'appliance', hub: 'hub' } as const;
export type DeviceKind = (typeof DeviceKind)[keyof typeof DeviceKind];

export const directoryCommandSchema = z.discriminatedUnion('type', [
  commandEnvelopeSchema.extend({
    type: z.literal('createDirectory'),
    payload: z.object({ directoryId: z.string().min(1).max(80) }),
  }),
  commandEnvelopeSchema.extend({
    type: z.literal('registerUser'),
    payload: z.object({
      userId: userIdSchema,
      name: z.string().trim().min(1).max(40),
      role: roleSchema,
      countyCode: regionCodeSchema.nullable(),
    }),
  }),
  commandEnvelopeSchema.extend({
    type: z.literal('disableUser'),
    payload: z.object({ userId: userIdSchema, reason: z.string().trim().min(1).max(500) }),
  }),
  commandEnvelopeSchema.extend({
    type: z.literal('enrolDevice'),
    payload: z.object({
      deviceId: deviceIdSchema,
      kind: z.enum(['pwa', 'appliance', 'hub']),
      publicKey: publicKeySchema,
      userId: userIdSchema,
    }),
  }),
  commandEnvelopeSchema.extend({
    type: z.literal('revokeDevice'),
    payload: z.object({ deviceId: deviceIdSchema, reason: z.string().trim().min(1).max(500) }),
  }),
]);
export type DirectoryCommand = z.infer<typeof directoryCommandSchema>;

export type DirectoryUser = {
  userId: string;
  name: string;
  role: Role;
  countyCode: string | null;
  disabledAt: number | null;
};

export type DirectoryDevice = {
  deviceId: string;
  kind: DeviceKind;
  publicKey: string;
  userId: string;
  enrolledAt: number;
  enrolledBy: string;
  revokedAt: number | null;
  revokeReason: string | null;
};

export type DirectoryState = {
  id: string;
  status: 'active';
  users: Record<string, DirectoryUser>;
  devices: Record<string, DirectoryDevice>;
  updatedAt: number;
};

/**
 * The home knows where the actor belongs: a county supervisor may manage only users and devices of
 * their own county. Replay trusts what the home decided.
 */
export type DirectoryContext = { mode: 'replay' } | { mode: 'home'; actorCountyCode: string | null };

const managers = [Role.administrator, Role.technician, Role.supervisor, Role.system] as const;

function checkScope(options: {
  context: DirectoryContext;
  countyCode: string | null;
  field: string;
}): Result<null> {
  const { context, countyCode, field } = options;
  if (context.mode === 'replay' || context.actorCountyCode === null) return ok(null);
  if (countyCode !== context.actorCountyCode) {
    return rejectWith({
      code: 'forbidden',
      field,
      message: `a county actor of ${context.actorCountyCode} may not manage users or devices of ${countyCode ?? 'the centre'}`,
    });
  }
  return ok(null);
}

function touch(state: DirectoryState, at: number, patch: Partial<DirectoryState>): Result<DirectoryState> {
  return ok({ ...state, ...patch, updatedAt: Math.max(state.updatedAt, at) });
}

export const directoryTransitions: TransitionTable<DirectoryState, DirectoryCommand, DirectoryContext> = {
  createDirectory: {
    from: 'create',
    roles: [Role.administrator, Role.system],
    apply: ({ command }) =>
      ok({
        id: command.payload.directoryId,
        status: 'active',
        users: {},
        devices: {},
        updatedAt: command.at,
      }),
  },
  registerUser: {
    from: ['active'],
    roles: managers,
    apply: ({ state, command, context }) => {
      const p = command.payload;
      const scope = checkScope({ context, countyCode: p.countyCode, field: 'payload.countyCode' });
      if (!scope.ok) return scope;
      const existing = state.users[p.userId];
      if (existing && (existing.role !== p.role || existing.countyCode !== p.countyCode)) {
        return rejectWith({
          code: 'conflict',
          field: 'payload.userId',
          message: `user ${p.userId} already exists with another role or county`,
        });
      }
      // A central administrator's role cannot be handed out from a county.
      if (context.mode === 'home' && context.actorCountyCode !== null && p.countyCode === null) {
        return rejectWith({
          code: 'forbidden',
          field: 'payload.countyCode',
          message: 'a county may not create central users',
        });
      }
      const user: DirectoryUser = {
        userId: p.userId,
        name: p.name,
        role: p.role,
        countyCode: p.countyCode,
        disabledAt: existing?.disabledAt ?? null,
      };
      return touch(state, command.at, { users: { ...state.users, [p.userId]: user } });
    },
  },
  disableUser: {
    from: ['active'],
    roles: [Role.administrator, Role.supervisor],
    apply: ({ state, command, context }) => {
      const user = state.users[command.payload.userId];
      if (!user)
        return rejectWith({
          code: 'not_found',
          field: 'payload.userId',
          message: `no user ${command.payload.userId}`,
        });
      const scope = checkScope({ context, countyCode: user.countyCode, field: 'payload.userId' });
      if (!scope.ok) return scope;
      return touch(state, command.at, {
        users: { ...state.users, [user.userId]: { ...user, disabledAt: user.disabledAt ?? command.at } },
      });
    },
  },
  enrolDevice: {
    from: ['active'],
    roles: managers,
    apply: ({ state, command, context }) => {
      const p = command.payload;
      const user = state.users[p.userId];
      if (!user)
        return rejectWith({ code: 'not_found', field: 'payload.userId', message: `no user ${p.userId}` });
      if (user.disabledAt !== null)
        return rejectWith({ field: 'payload.userId', message: `user ${p.userId} is disabled` });
      const scope = checkScope({ context, countyCode: user.countyCode, field: 'payload.userId' });
      if (!scope.ok) return scope;
      const existing = state.devices[p.deviceId];
      if (existing) {
        return existing.publicKey === p.publicKey &&
          existing.userId === p.userId &&
          existing.revokedAt === null
          ? ok(state)
          : rejectWith({
              code: 'conflict',
              field: 'payload.deviceId',
              message: `device ${p.deviceId} is already enrolled`,
            });
      }
      const device: DirectoryDevice = {
        deviceId: p.deviceId,
        kind: p.kind,
        publicKey: p.publicKey,
        userId: p.userId,
        enrolledAt: command.at,
        enrolledBy: command.actor.userId,
        revokedAt: null,
        revokeReason: null,
      };
      return touch(state, command.at, { devices: { ...state.devices, [p.deviceId]: device } });
    },
  },
  revokeDevice: {
    from: ['active'],
    // system: the hub revokes on behalf of its signed-in staff (it signs as itself; the reason names them).
    roles: [Role.administrator, Role.technician, Role.supervisor, Role.system],
    apply: ({ state, command, context }) => {
      const device = state.devices[command.payload.deviceId];
      if (!device)
        return rejectWith({
          code: 'not_found',
          field: 'payload.deviceId',
          message: `no device ${command.payload.deviceId}`,
        });
      const scope = checkScope({
        context,
        countyCode: state.users[device.userId]?.countyCode ?? null,
        field: 'payload.deviceId',
      });
      if (!scope.ok) return scope;
      if (device.revokedAt !== null) return ok(state);
      const revoked = { ...device, revokedAt: command.at, revokeReason: command.payload.reason };
      return touch(state, command.at, { devices: { ...state.devices, [device.deviceId]: revoked } });
    },
  },
};

export function applyDirectoryCommand(options: {
  state: DirectoryState | null;
  command: unknown;
  context: DirectoryContext;
}): Result<DirectoryState> {
  return applyTransition({
    record: 'directory',
    schema: directoryCommandSchema,
    table: directoryTransitions,
    state: options.state,
    command: options.command,
    context: options.context,
  });
}

export function replayDirectoryLog(options: { log: readonly unknown[] }): DirectoryState | null {
  return replayLog({
    log: options.log,
    apply: ({ state, command }) => applyDirectoryCommand({ state, command, context: { mode: 'replay' } }),
  });
}

export const directoryTransitionList = describeTransitions({ table: directoryTransitions });

/** Who may sign as this device right now: its user, their role and county, unless revoked or disabled. */
export function findActiveSigner(options: {
  directory: DirectoryState | null;
  deviceId: string;
}): { device: DirectoryDevice; user: DirectoryUser } | { refused: string } {
  const device = options.directory?.devices[options.deviceId];
  if (!device) return { refused: `unknown device ${options.deviceId}` };
  if (device.revokedAt !== null)
    return { refused: `device ${options.deviceId} was revoked: ${device.revokeReason ?? ''}` };
  const user = options.directory?.users[device.userId];
  if (!user) return { refused: `device ${options.deviceId} has no user` };
  if (user.disabledAt !== null) return { refused: `user ${user.userId} is disabled` };
  return { device, user };
}

/** The system user a county appliance signs as: one per county, whatever box it runs on. */
export function applianceUserId(options: { countyCode: string }): string {
  return `appliance-${options.countyCode}`;
}
