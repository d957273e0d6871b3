import { createId } from '@jiazheng/sync/domain';
import { encodeFrame, PROTOCOL_VERSION } from '@jiazheng/sync/protocol';
import { createDeviceToken, exportPublicKey, generateDeviceKeys } from '@jiazheng/sync/records';
import { proposeToStore } from '@jiazheng/sync/replica';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import type { DeviceKey } from '@jiazheng/sync/node';
import { expect, test } from 'vitest';
import { HubApplianceOversight } from './appliance-oversight';
import { HubSync } from './hub-sync';

const quiet = { info: () => {}, error: () => {} };

async function makeKey(deviceId: string): Promise<DeviceKey> {
  const keys = await generateDeviceKeys({ extractable: false });
  return { deviceId, publicKey: await exportPublicKey({ key: keys.publicKey }), privateKey: keys.privateKey };
}

test('lists appliances with last contact and backlog, by scope; a revoked appliance is refused at its next sync', async () => {
  let now = Date.parse('2026-11-29T08:00:00Z');
  const clock = () => now;
  const store = await MemoryRecordStore.open();
  const hubKey = await makeKey('hub-1');
  const hub = new HubSync({ store, device: hubKey, logger: quiet, now: clock });
  await hub.start();
  const oversight = new HubApplianceOversight({ hub, store, now: clock });
  const xihu = await makeKey('appliance-330106-a');
  const binjiang = await makeKey('appliance-330108-a');
  await hub.provisionAppliance({ countyCode: '330106', deviceId: xihu.deviceId, publicKey: xihu.publicKey });
  await hub.provisionAppliance({
    countyCode: '330108',
    deviceId: binjiang.deviceId,
    publicKey: binjiang.publicKey,
  });
  const country = { level: 'country' } as const;

  const before = await oversight.list({ scope: country });
  expect(before.map((a) => [a.deviceId, a.county?.name, a.lastContact, a.backlog, a.version])).toEqual([
    ['appliance-330106-a', '浙江省杭州市西湖区', null, null, 'unknown'],
    ['appliance-330108-a', '浙江省杭州市滨江区', null, null, 'unknown'],
  ]);
  expect(before[0]?.enrolledAt).toMatch(/^2026-11-29T08:00:00\.\d{3}Z$/);

  // The appliance connects and says HELLO, as over the WebSocket.
  const peer = await hub.authenticate(await createDeviceToken({ device: xihu, now }));
  expect(peer).not.toBeNull();
  if (peer === null) return;
  const connection = hub.server.connect({ peer, send: () => {}, close: () => {} });
  now += 60_000;
  await connection.receive(
    encodeFrame({ type: 'hello', version: PROTOCOL_VERSION, peerId: xihu.deviceId, cursor: 0 }),
  );
  await hub.contacts.idle();
  const live = (await oversight.list({ scope: country }))[0];
  expect(live?.lastContact).toMatchObject({ connected: true, at: '2026-11-29T08:01:00.000Z' });
  expect(live?.backlog).toEqual({ records: 0, atLeast: false, since: 'last_contact' });

  now += 60_000;
  connection.disconnected();
  await hub.contacts.idle();
  // A web order for 西湖区 arrives while the appliance is away.
  now += 60_000;
  await proposeToStore({
    store,
    recordId: `order:330106:${createId()}`,
    device: hubKey,
    actor: { userId: 'hub', role: 'system' },
    type: 'receive',
    payload: {},
    at: now,
  });
  const away = (await oversight.list({ scope: country }))[0];
  expect(away?.lastContact).toMatchObject({
    connected: false,
    at: '2026-11-29T08:02:00.000Z',
    disconnectedAt: '2026-11-29T08:02:00.000Z',
  });
  expect(away?.backlog).toEqual({ records: 1, atLeast: false, since: 'last_contact' });

  // Scopes: 杭州市 sees both, 滨江区 only its own, 广东省 none.
  expect((await oversight.list({ scope: { level: 'city', code: '330100' } })).length).toBe(2);
  expect(
    (await oversight.list({ scope: { level: 'county', code: '330108' } })).map((a) => a.deviceId),
  ).toEqual(['appliance-330108-a']);
  expect(await oversight.list({ scope: { level: 'province', code: '440000' } })).toEqual([]);
  await expect(
    oversight.revoke({ deviceId: xihu.deviceId, reason: '丢失', scope: { level: 'county', code: '330108' } }),
  ).rejects.toMatchObject({ code: 'not_found' });
  await expect(
    oversight.revoke({ deviceId: hubKey.deviceId, reason: 'x', scope: country }),
  ).rejects.toMatchObject({ code: 'not_found' });

  await oversight.revoke({ deviceId: xihu.deviceId, reason: '设备丢失 (tech-li)', scope: country });
  await oversight.revoke({ deviceId: xihu.deviceId, reason: 'again', scope: country });
  const revoked = (await oversight.list({ scope: country }))[0];
  expect(revoked?.revoked).toEqual({ at: '2026-11-29T08:03:00.000Z', reason: '设备丢失 (tech-li)' });
  expect(await hub.authenticate(await createDeviceToken({ device: xihu, now }))).toBeNull();
  expect(await hub.authenticate(await createDeviceToken({ device: binjiang, now }))).not.toBeNull();
  await hub.stop();
});
