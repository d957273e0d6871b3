// Builders for the records layer's tests and the simulation. Not part of the public API.
import * as Y from 'yjs';
import { findCatalogueItemFacts, type DirectoryState, type EnterpriseState, type Worker } from '../domain';
import { exportPublicKey, generateDeviceKeys } from './device-keys';
import { sequenceRecord, type TrustedSigner } from './home-sequencer';
import { proposeCommand, type SigningDevice } from './propose';
import type { HomeRegistry } from './record-kinds';
import { readRecordSnapshot } from './record-state';

export type TestDevice = SigningDevice & {
  publicKey: string;
  actor: { userId: string; role: string };
  countyCode: string | null;
};

export async function createTestDevice(options: {
  deviceId: string;
  userId: string;
  role: string;
  countyCode: string | null;
}): Promise<TestDevice> {
  const keys = await generateDeviceKeys({ extractable: false });
  return {
    deviceId: options.deviceId,
    privateKey: keys.privateKey,
    publicKey: await exportPublicKey({ key: keys.publicKey }),
    actor: { userId: options.userId, role: options.role },
    countyCode: options.countyCode,
  };
}

export function trustedSignerOf(device: TestDevice): TrustedSigner {
  return {
    deviceId: device.deviceId,
    publicKey: device.publicKey,
    userId: device.actor.userId,
    role: device.actor.role,
    countyCode: device.countyCode,
  };
}

export const directoryId = 'directory:hub:01JBQ5M8X00000000000000000';
export const t0 = Date.UTC(2026, 10, 1, 1, 0, 0);

/** A directory record, made at the hub by its own (trusted) device, listing the given devices. */
export async function buildDirectory(options: {
  hub: TestDevice;
  devices: readonly TestDevice[];
}): Promise<{ doc: Y.Doc; state: DirectoryState }> {
  const doc = new Y.Doc({ guid: directoryId });
  const { hub } = options;
  let at = t0;
  const propose = (type: string, payload: unknown) =>
    proposeCommand({ doc, recordId: directoryId, device: hub, actor: hub.actor, type, payload, at: at++ });
  await propose('createDirectory', { directoryId });
  for (const d of [hub, ...options.devices]) {
    await propose('registerUser', {
      userId: d.actor.userId,
      name: d.actor.userId,
      role: d.actor.role,
      countyCode: d.countyCode,
    });
    await propose('enrolDevice', {
      deviceId: d.deviceId,
      kind: d.actor.role === 'system' ? 'appliance' : 'pwa',
      publicKey: d.publicKey,
      userId: d.actor.userId,
    });
  }
  const result = await sequenceRecord({
    doc,
    recordId: directoryId,
    directory: null,
    registry: emptyRegistry,
    trusted: [trustedSignerOf(hub)],
  });
  const rejected = result.decisions.filter((d) => d.outcome === 'rejected');
  if (rejected.length > 0) throw new Error(`directory bootstrap failed: ${JSON.stringify(rejected)}`);
  return { doc, state: readRecordSnapshot({ doc, recordId: directoryId }).state as DirectoryState };
}

export const emptyRegistry: HomeRegistry = {
  findItem: findCatalogueItemFacts,
  findEnterprise: () => undefined,
  findWorker: () => undefined,
};

export function registryOf(options: {
  enterprises: readonly EnterpriseState[];
  workers: readonly Worker[];
}): HomeRegistry {
  return {
    findItem: findCatalogueItemFacts,
    findEnterprise: (id) => options.enterprises.find((e) => e.id === id),
    findWorker: (id) => options.workers.find((w) => w.id === id),
  };
}
