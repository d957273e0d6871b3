import { expect, test } from 'vitest';
import { createDeviceToken, verifyDeviceToken } from './device-token';
import { buildDirectory, createTestDevice, t0 } from './test-support';

test('a device token proves the device against the directory, fresh and unforged', async () => {
  const hub = await createTestDevice({ deviceId: 'hub-1', userId: 'hub', role: 'system', countyCode: null });
  const seat = await createTestDevice({
    deviceId: 'pwa-1',
    userId: 'ct-1',
    role: 'call_taker',
    countyCode: '330106',
  });
  const stranger = await createTestDevice({
    deviceId: 'pwa-x',
    userId: 'ct-x',
    role: 'call_taker',
    countyCode: '330106',
  });
  const { state: directory } = await buildDirectory({ hub, devices: [seat] });
  const token = await createDeviceToken({ device: seat, now: t0 });
  expect(await verifyDeviceToken({ token, directory, now: t0 + 1000 })).toEqual({
    ok: true,
    identity: { deviceId: 'pwa-1', userId: 'ct-1', role: 'call_taker', countyCode: '330106', kind: 'pwa' },
  });
  expect(await verifyDeviceToken({ token, directory, now: t0 + 3_600_000 })).toEqual({
    ok: false,
    reason: 'token expired',
  });
  const forged = await createDeviceToken({
    device: { deviceId: 'pwa-1', privateKey: stranger.privateKey },
    now: t0,
  });
  expect(await verifyDeviceToken({ token: forged, directory, now: t0 })).toEqual({
    ok: false,
    reason: 'bad token signature',
  });
  const unknown = await createDeviceToken({ device: stranger, now: t0 });
  expect(await verifyDeviceToken({ token: unknown, directory, now: t0 })).toMatchObject({
    ok: false,
    reason: 'unknown device pwa-x',
  });
  expect(await verifyDeviceToken({ token: 'a.b', directory, now: t0 })).toMatchObject({
    ok: false,
    reason: 'malformed token',
  });
  expect(await verifyDeviceToken({ token: 'pwa-1.x.y', directory, now: t0 })).toMatchObject({
    ok: false,
    reason: 'malformed token',
  });
  expect(await verifyDeviceToken({ token: `pwa-1.${t0}.%%%`, directory, now: t0 })).toMatchObject({
    ok: false,
    reason: 'malformed token',
  });
});
