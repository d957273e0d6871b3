import type { DirectoryState } from '@jiazheng/sync/domain';
import { describe, expect, test } from 'vitest';
import { deviceEnrolmentRequestSchema, directoryUserOf, planPwaEnrolment } from './device-enrolment';

const key = 'B'.repeat(87);
const otherKey = 'C'.repeat(87);
const user = directoryUserOf({
  countyCode: '330106',
  username: 'seat1',
  role: 'call_taker',
  displayName: '坐席一',
});

function directory(patch: Partial<DirectoryState> = {}): DirectoryState {
  return { id: 'directory:hub:1', status: 'active', users: {}, devices: {}, updatedAt: 0, ...patch };
}

const registered = {
  [user.userId]: { ...user, disabledAt: null },
};
const enrolled = {
  'pwa-abcdefgh': {
    deviceId: 'pwa-abcdefgh',
    kind: 'pwa' as const,
    publicKey: key,
    userId: user.userId,
    enrolledAt: 1,
    enrolledBy: 'appliance-330106',
    revokedAt: null,
    revokeReason: null,
  },
};

describe('directoryUserOf', () => {
  test('the county makes the username unique across the network; roles take the directory’s names', () => {
    expect(user).toEqual({
      userId: '330106-seat1',
      name: '坐席一',
      role: 'call_taker',
      countyCode: '330106',
    });
    const roles = (['admin', 'supervisor', 'call_taker', 'technician'] as const).map(
      (role) => directoryUserOf({ countyCode: '330106', username: 'u1', role, displayName: 'x' }).role,
    );
    expect(roles).toEqual(['administrator', 'supervisor', 'call_taker', 'technician']);
  });

  test('the longest username fits the directory’s 64 characters; a blank name falls back to it', () => {
    const long = directoryUserOf({
      countyCode: '330106',
      username: 'a'.repeat(32),
      role: 'supervisor',
      displayName: '  ',
    });
    expect(long.userId).toHaveLength(39);
    expect(long.name).toBe('a'.repeat(32));
    expect(
      directoryUserOf({ countyCode: '330106', username: 'u1', role: 'admin', displayName: '名'.repeat(50) })
        .name,
    ).toHaveLength(40);
    expect(() =>
      directoryUserOf({ countyCode: '330106', username: 'a'.repeat(60), role: 'admin', displayName: 'x' }),
    ).toThrow(/64/);
  });
});

describe('deviceEnrolmentRequestSchema', () => {
  test('a pwa- device id of 8–60 characters and an 87-character base64url key', () => {
    expect(deviceEnrolmentRequestSchema.safeParse({ deviceId: 'pwa-abcdefgh', publicKey: key }).success).toBe(
      true,
    );
    expect(
      deviceEnrolmentRequestSchema.safeParse({ deviceId: `pwa-${'x'.repeat(60)}`, publicKey: key }).success,
    ).toBe(true);
    for (const bad of [
      { deviceId: 'pwa-abc', publicKey: key },
      { deviceId: `pwa-${'x'.repeat(61)}`, publicKey: key },
      { deviceId: 'appliance-330106-abcdefgh', publicKey: key },
      { deviceId: 'pwa-abcd:efgh', publicKey: key },
      { deviceId: 'pwa-abcdefgh', publicKey: key.slice(1) },
      { deviceId: 'pwa-abcdefgh', publicKey: `${key.slice(1)}=` },
      { deviceId: 'pwa-abcdefgh', publicKey: key, userId: 'someone-else' },
    ])
      expect(deviceEnrolmentRequestSchema.safeParse(bad).success).toBe(false);
  });
});

describe('planPwaEnrolment', () => {
  test('a new user: registerUser, then enrolDevice', () => {
    expect(
      planPwaEnrolment({ directory: directory(), user, deviceId: 'pwa-abcdefgh', publicKey: key }),
    ).toEqual({
      ok: true,
      commands: [
        { type: 'registerUser', payload: user },
        {
          type: 'enrolDevice',
          payload: { deviceId: 'pwa-abcdefgh', kind: 'pwa', publicKey: key, userId: '330106-seat1' },
        },
      ],
    });
  });

  test('a known user’s second browser: enrolDevice only; the same device again: nothing', () => {
    const plan = planPwaEnrolment({
      directory: directory({ users: registered, devices: enrolled }),
      user,
      deviceId: 'pwa-second-browser',
      publicKey: otherKey,
    });
    expect(plan.ok && plan.commands.map((c) => c.type)).toEqual(['enrolDevice']);
    expect(
      planPwaEnrolment({
        directory: directory({ users: registered, devices: enrolled }),
        user,
        deviceId: 'pwa-abcdefgh',
        publicKey: key,
      }),
    ).toEqual({ ok: true, commands: [] });
  });

  test('a device id taken by another key, another user, or revoked is a conflict', () => {
    const other = directoryUserOf({
      countyCode: '330106',
      username: 'seat2',
      role: 'call_taker',
      displayName: 'x',
    });
    const revoked = {
      'pwa-abcdefgh': { ...enrolled['pwa-abcdefgh'], revokedAt: 5, revokeReason: 'lost' },
    };
    for (const [devices, who, publicKey] of [
      [enrolled, user, otherKey],
      [enrolled, other, key],
      [revoked, user, key],
    ] as const) {
      expect(
        planPwaEnrolment({
          directory: directory({ users: registered, devices }),
          user: who,
          deviceId: 'pwa-abcdefgh',
          publicKey,
        }),
      ).toMatchObject({ ok: false, code: 'conflict', field: 'deviceId' });
    }
  });

  test('a user in the directory with another role is a conflict; a disabled user is refused', () => {
    const promoted = directoryUserOf({
      countyCode: '330106',
      username: 'seat1',
      role: 'supervisor',
      displayName: '坐席一',
    });
    expect(
      planPwaEnrolment({
        directory: directory({ users: registered }),
        user: promoted,
        deviceId: 'pwa-abcdefgh',
        publicKey: key,
      }),
    ).toMatchObject({ ok: false, code: 'conflict', field: 'userId' });
    expect(
      planPwaEnrolment({
        directory: directory({ users: { [user.userId]: { ...user, disabledAt: 9 } } }),
        user,
        deviceId: 'pwa-abcdefgh',
        publicKey: key,
      }),
    ).toMatchObject({ ok: false, code: 'forbidden', field: 'userId' });
  });
});
