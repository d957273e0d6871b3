import { expect, test } from 'vitest';
import { createDeviceToken } from '../records/device-token';
import { buildDirectory, createTestDevice, t0 } from '../records/test-support';
import { authenticateDevicePeer } from './device-peer';

test('a fresh token of an enrolled device gives the peer the directory describes', async () => {
  const hub = await createTestDevice({ deviceId: 'hub-1', userId: 'hub', role: 'system', countyCode: null });
  const pwa = await createTestDevice({
    deviceId: 'pwa-1',
    userId: 'ct-1',
    role: 'call_taker',
    countyCode: '330106',
  });
  const stranger = await createTestDevice({
    deviceId: 'pwa-9',
    userId: 'x',
    role: 'call_taker',
    countyCode: '330106',
  });
  const { state: directory } = await buildDirectory({ hub, devices: [pwa] });

  const token = await createDeviceToken({ device: pwa, now: t0 });
  expect(await authenticateDevicePeer({ token, directory, now: t0 + 1000 })).toEqual({
    ok: true,
    peer: { id: 'pwa-1', kind: 'pwa', countyCode: '330106', role: 'call_taker', userId: 'ct-1' },
  });
  expect(await authenticateDevicePeer({ token, directory, now: t0 + 3_600_000 })).toMatchObject({
    ok: false,
  });
  const unknown = await createDeviceToken({ device: stranger, now: t0 });
  expect(await authenticateDevicePeer({ token: unknown, directory, now: t0 })).toMatchObject({
    ok: false,
    reason: 'unknown device pwa-9',
  });
  expect(await authenticateDevicePeer({ token: 'nonsense', directory: null, now: t0 })).toMatchObject({
    ok: false,
  });
});
