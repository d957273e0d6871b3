import type { ComplaintState, Role } from '@jiazheng/sync/domain';

/** A hub account acting on a complaint: its directory user is `hub:<username>` (HubSync.propose). */
export type ComplaintStaff = { username: string; name: string; role: Role; countyCode: string | null };

/** One proposal on the record, with what the home decided. */
export type ComplaintHistoryEntry = {
  proposalId: string;
  type: string;
  userId: string;
  role: string;
  at: number;
  decision: 'accepted' | 'rejected' | 'pending';
  code: string | null;
};

/** The complaint records the hub is home of, and staff acts on them. */
export interface ComplaintRecords {
  /** Every complaint record with an accepted state (one whose filing the home refused has none). */
  list(): Promise<Array<{ recordId: string; state: ComplaintState }>>;
  /** Null when the hub holds no such record. */
  read(options: {
    recordId: string;
  }): Promise<{ recordId: string; state: ComplaintState | null; history: ComplaintHistoryEntry[] } | null>;
  /**
   * Signs the commands (as the staff account, or as the hub's system user when `staff` is null), decides
   * them, and throws the first refusal as a DomainError naming its field.
   */
  propose(options: {
    recordId: string;
    commands: ReadonlyArray<{ type: string; payload: unknown }>;
    staff: ComplaintStaff | null;
  }): Promise<{ proposalIds: string[] }>;
}
