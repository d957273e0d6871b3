import type { ComplaintState } from '@jiazheng/sync/domain';
import type { HubRecords, HubStaff } from './hub-records';

/** A hub account acting on a complaint (see HubStaff). */
export type ComplaintStaff = HubStaff;

/** The complaint records the hub is home of, and staff acts on them. */
export type ComplaintRecords = HubRecords<ComplaintState>;
