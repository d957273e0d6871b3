import type { Role } from '@jiazheng/sync/domain';

/** A hub account acting on a record the hub is home of: its directory user is `hub:<username>` (HubSync.propose). */
export type HubStaff = { username: string; name: string; role: Role; countyCode: string | null };

/** One proposal on the record, with what the home decided. */
export type HubRecordHistoryEntry = {
  proposalId: string;
  type: string;
  userId: string;
  role: string;
  at: number;
  decision: 'accepted' | 'rejected' | 'pending';
  code: string | null;
};

/** The records of one kind the hub is home of (complaints, courses), and staff acts on them. */
export interface HubRecords<S> {
  /** Every record of the kind with an accepted state (one whose creation the home refused has none). */
  list(): Promise<Array<{ recordId: string; state: S }>>;
  /** Null when the hub holds no such record. */
  read(options: {
    recordId: string;
  }): Promise<{ recordId: string; state: S | null; history: HubRecordHistoryEntry[] } | null>;
  /**
   * Signs the commands (as the staff account, or as the hub's system user when `staff` is null), decides
   * them, and throws the first refusal as a DomainError naming its field.
   */
  propose(options: {
    recordId: string;
    commands: ReadonlyArray<{ type: string; payload: unknown }>;
    staff: HubStaff | null;
  }): Promise<{ proposalIds: string[] }>;
}
