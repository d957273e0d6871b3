import type { RecordDigests, RecordReport } from '@jiazheng/sync/replica';

export type SyncStatus = {
  deviceId: string;
  /** Enrolled at a hub: PWAs of the county can connect. */
  provisioned: boolean;
  directoryId: string | null;
  /** Null when the appliance runs alone (no HUB_URL). */
  hub: { url: string; connected: boolean } | null;
};

/** What the appliance's HTTP API shows of sync: its state, and its records for operators to compare. */
export interface SyncAdmin {
  status(): SyncStatus;
  digest(options: { prefix: string }): Promise<RecordDigests>;
  /** Null when the appliance holds no such record. */
  report(options: { recordId: string }): Promise<RecordReport | null>;
}
