import { DomainError } from '@jiazheng/sync/domain';
import { createDeviceToken, exportPublicKey, generateDeviceKeys } from '@jiazheng/sync/records';
import type { RecordStore } from '@jiazheng/sync/storage';
import { describe, expect, test } from 'vitest';
import type { DeviceKey } from '@jiazheng/sync/node';
import { HubSync } from './hub-sync';

/**
 * The hub's sync core over a record store: run on memory (hub-sync.test.ts), PGlite and PostgreSQL 15
 * (hub-sync.pg.test.ts). Test support: it imports vitest.
 */

const quiet = { info: () => {}, error: () => {} };

async function makeKey(deviceId: string): Promise<DeviceKey> {
  const keys = await generateDeviceKeys({ extractable: false });
  return { deviceId, publicKey: await exportPublicKey({ key: keys.publicKey }), privateKey: keys.privateKey };
}

async function startHub(store: RecordStore, device: DeviceKey): Promise<HubSync> {
  const hub = new HubSync({ store, device, logger: quiet });
  await hub.start();
  return hub;
}

export function describeHubSync(options: {
  name: string;
  /** A new, empty store (closed by the caller's afterAll if it needs closing). */
  openStore: () => Promise<RecordStore>;
}): void {
  describe(`the hub's sync core on ${options.name}`, () => {
    test('bootstraps the directory with its own device once; a restart adds nothing', async () => {
      const store = await options.openStore();
      const device = await makeKey('hub-1');
      const hub = await startHub(store, device);
      const { directoryId, deviceId } = hub.identity();
      expect(deviceId).toBe('hub-1');
      expect(directoryId).toMatch(/^directory:hub:[0-9A-Z]{26}$/);
      const first = await hub.report({ recordId: directoryId });
      expect(first).toMatchObject({ pending: 0, logLength: 3 });
      expect(first?.proposals.map((p) => [p.type, p.decision])).toEqual([
        ['createDirectory', 'accepted'],
        ['registerUser', 'accepted'],
        ['enrolDevice', 'accepted'],
      ]);
      await hub.stop();

      const again = await startHub(store, device);
      expect(again.identity().directoryId).toBe(directoryId);
      expect((await again.report({ recordId: directoryId }))?.logLength).toBe(3);
      await again.stop();
    });

    test('enrols an appliance and a PWA idempotently, refuses a second key for a device, and authenticates tokens', async () => {
      const store = await options.openStore();
      const hub = await startHub(store, await makeKey('hub-1'));
      const { directoryId } = hub.identity();
      const appliance = await makeKey('appliance-330106-a');
      const request = { countyCode: '330106', deviceId: appliance.deviceId, publicKey: appliance.publicKey };

      expect(await hub.provisionAppliance(request)).toEqual({
        directoryId,
        hubDeviceId: 'hub-1',
        userId: 'appliance-330106',
        deviceId: 'appliance-330106-a',
      });
      await hub.provisionAppliance(request);
      expect((await hub.report({ recordId: directoryId }))?.logLength).toBe(5);

      const impostor = await makeKey('other');
      await expect(
        hub.provisionAppliance({ ...request, publicKey: impostor.publicKey }),
      ).rejects.toMatchObject({
        code: 'conflict',
        field: 'deviceId',
      });
      const seat = await makeKey('pwa-seat-1');
      await hub.provisionDevice({
        userId: 'ct-1',
        name: '坐席一',
        role: 'call_taker',
        countyCode: '330106',
        deviceId: seat.deviceId,
        publicKey: seat.publicKey,
        kind: 'pwa',
      });
      const error = await hub
        .provisionDevice({
          userId: 'ct-1',
          name: '坐席一',
          role: 'supervisor',
          countyCode: '330106',
          deviceId: 'pwa-seat-2',
          publicKey: seat.publicKey,
          kind: 'pwa',
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect((await hub.report({ recordId: directoryId }))?.pending).toBe(0);

      const now = Date.now();
      expect(await hub.authenticate(await createDeviceToken({ device: seat, now }))).toEqual({
        id: 'pwa-seat-1',
        kind: 'pwa',
        countyCode: '330106',
        role: 'call_taker',
        userId: 'ct-1',
      });
      expect(await hub.authenticate(await createDeviceToken({ device: appliance, now }))).toMatchObject({
        kind: 'appliance',
        role: 'system',
        countyCode: '330106',
      });
      expect(await hub.authenticate(await createDeviceToken({ device: impostor, now }))).toBeNull();
      expect(Object.keys((await hub.digest({ prefix: 'directory:' })).records)).toEqual([directoryId]);
      await hub.stop();
    });

    test('a staff account acts through the hub under its own name and key; its role is checked and its key kept', async () => {
      const store = await options.openStore();
      const hub = await startHub(store, await makeKey('hub-1'));
      const recordId = 'enterprise:hub:01JZSTAFFACT0000000000000A';
      await hub.propose({
        recordId,
        commands: [
          {
            type: 'apply',
            payload: {
              enterpriseId: recordId,
              kind: 'volunteer',
              name: '西湖志愿服务队',
              licenceNumber: null,
              contactName: '王芳',
              contactPhone: '13800000000',
              items: ['ELD-VISIT'],
              counties: ['330106'],
              documents: [],
            },
          },
        ],
      });
      const officer = {
        username: 'li.na',
        name: '李娜',
        role: 'registry_officer',
        countyCode: null,
      } as const;
      await hub.propose({ recordId, staff: officer, commands: [{ type: 'startReview', payload: {} }] });
      const taker = { username: 'ct9', name: '坐席', role: 'call_taker', countyCode: '330106' } as const;
      await expect(
        hub.propose({ recordId, staff: taker, commands: [{ type: 'reject', payload: { reasons: ['x'] } }] }),
      ).rejects.toMatchObject({ code: 'forbidden' });
      const report = await hub.report({ recordId });
      expect(report?.proposals.map((p) => [p.type, p.userId, p.decision])).toEqual([
        ['apply', 'hub', 'accepted'],
        ['startReview', 'hub:li.na', 'accepted'],
        ['reject', 'hub:ct9', 'rejected'],
      ]);
      const directory = await hub.directory();
      const devices = Object.values(directory?.devices ?? {}).filter((d) => d.userId === 'hub:li.na');
      expect(devices).toHaveLength(1);
      await hub.stop();

      // Another hub process on the same store signs with the same kept key: no second device.
      const again = await startHub(store, await makeKey('hub-1'));
      await again.propose({
        recordId,
        staff: officer,
        commands: [{ type: 'reject', payload: { reasons: ['营业执照照片不清晰'] } }],
      });
      const after = await again.directory();
      expect(Object.values(after?.devices ?? {}).filter((d) => d.userId === 'hub:li.na')).toEqual(devices);
      await expect(again.propose({ recordId: 'order:330106:01JZ', commands: [] })).rejects.toThrow(
        /not the home/,
      );
      await again.stop();
    });
  });
}
