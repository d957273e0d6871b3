import { createDeviceToken, importPublicKey, verifyDeviceToken } from '@jiazheng/sync/records';
import { describe, expect, test } from 'vitest';
import type { DeviceEnrolment } from '../api/types';
import { testDb } from '../test-support';
import { ensureEnrolledDevice, loadOrCreateDeviceKey, newDeviceId } from './device-identity';

const enrolment = (deviceId: string): DeviceEnrolment => ({
  deviceId,
  userId: '330106-li',
  role: 'call_taker',
  countyCode: '330106',
  directoryId: 'directory:hub:01JDIRECTORY0000000000000000',
});

describe('device identity', () => {
  test('a device id fits what the appliance accepts', () => {
    expect(newDeviceId()).toMatch(/^pwa-[A-Za-z0-9_-]{8,60}$/);
    expect(newDeviceId()).not.toBe(newDeviceId());
  });

  test('one key per user, made once, the private half not extractable', async () => {
    const db = testDb();
    const first = await loadOrCreateDeviceKey({ db, username: 'li' });
    const again = await loadOrCreateDeviceKey({ db, username: 'li' });
    const other = await loadOrCreateDeviceKey({ db, username: 'wang' });
    expect(again.deviceId).toBe(first.deviceId);
    expect(other.deviceId).not.toBe(first.deviceId);
    expect(first.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('jwk', first.privateKey)).rejects.toThrow();
    // The published half is a real P-256 point.
    await expect(importPublicKey({ publicKey: first.publicKey })).resolves.toBeDefined();
  });

  test('enrols once; later sessions (offline included) use the stored enrolment', async () => {
    const db = testDb();
    const calls: string[] = [];
    const enrol = (key: { deviceId: string; publicKey: string }) => {
      calls.push(key.deviceId);
      return Promise.resolve(enrolment(key.deviceId));
    };
    const first = await ensureEnrolledDevice({ db, username: 'li', enrol });
    const offline = await ensureEnrolledDevice({
      db,
      username: 'li',
      enrol: () => Promise.reject(new Error('offline')),
    });
    expect(calls).toEqual([first.device.deviceId]);
    expect(offline.enrolment).toEqual(first.enrolment);
    // The stored key signs tokens the directory can check.
    const stored = await loadOrCreateDeviceKey({ db, username: 'li' });
    const token = await createDeviceToken({ device: offline.device, now: 1_800_000_000_000 });
    const verified = await verifyDeviceToken({
      token,
      now: 1_800_000_000_000,
      directory: {
        id: 'directory:hub:01JDIRECTORY0000000000000000',
        status: 'active',
        updatedAt: 0,
        users: {
          '330106-li': {
            userId: '330106-li',
            name: '李',
            role: 'call_taker',
            countyCode: '330106',
            disabledAt: null,
          },
        },
        devices: {
          [stored.deviceId]: {
            deviceId: stored.deviceId,
            kind: 'pwa',
            publicKey: stored.publicKey,
            userId: '330106-li',
            enrolledAt: 0,
            enrolledBy: 'appliance-330106',
            revokedAt: null,
            revokeReason: null,
          },
        },
      },
    });
    expect(verified.ok).toBe(true);
  });

  test('a failed enrolment leaves the key unenrolled, to be enrolled on the next try', async () => {
    const db = testDb();
    await expect(
      ensureEnrolledDevice({ db, username: 'li', enrol: () => Promise.reject(new Error('503 sync off')) }),
    ).rejects.toThrow('503 sync off');
    expect((await db.devices.get('li'))?.enrolment).toBeNull();
    const later = await ensureEnrolledDevice({
      db,
      username: 'li',
      enrol: (key) => Promise.resolve(enrolment(key.deviceId)),
    });
    expect(later.enrolment.userId).toBe('330106-li');
    expect((await db.devices.get('li'))?.enrolment?.deviceId).toBe(later.device.deviceId);
  });

  test('refuses an enrolment made for another device', async () => {
    const db = testDb();
    await expect(
      ensureEnrolledDevice({
        db,
        username: 'li',
        enrol: () => Promise.resolve(enrolment('pwa-someoneelse0')),
      }),
    ).rejects.toThrow(/not this device/);
  });
});
