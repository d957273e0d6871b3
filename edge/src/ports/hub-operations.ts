import type { RecordDigests, RecordReport } from '@jiazheng/sync/replica';
import type { ApplianceProvision, DeviceProvision } from '../domain/provision-requests';

export type ProvisionResult = {
  directoryId: string;
  hubDeviceId: string;
  userId: string;
  deviceId: string;
};

/** What the hub's HTTP API asks of the hub (its directory and its store); the sync adapter answers. */
export interface HubOperations {
  /** Who the hub is: shown by /health. */
  identity(): { deviceId: string; directoryId: string };
  /** Registers a county's appliance (its system user) and enrols its device. Idempotent for the same key. */
  provisionAppliance(options: ApplianceProvision): Promise<ProvisionResult>;
  /** Registers a user and enrols one device of theirs. Idempotent for the same user, device and key. */
  provisionDevice(options: DeviceProvision): Promise<ProvisionResult>;
  digest(options: { prefix: string }): Promise<RecordDigests>;
  /** Null when the hub holds no such record. */
  report(options: { recordId: string }): Promise<RecordReport | null>;
}
