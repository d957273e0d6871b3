import type { ComplaintKind } from '../domain/public-forms';

/** A complaint sent through the public website, as kept until complaints become records of their own. */
export type StoredComplaint = {
  id: string;
  receivedAt: number;
  name: string;
  /** Canonical (E.164). */
  phone: string;
  enterpriseId: string | null;
  enterpriseName: string;
  kind: ComplaintKind;
  description: string;
};

export type StoredAnnouncement = {
  id: string;
  title: string;
  /** Plain text; shown escaped, its line breaks kept. */
  body: string;
  publishedAt: number;
  createdAt: number;
};

/**
 * Where the public website keeps what it receives and what staff publish. Append-only: nothing submitted
 * is ever edited or lost, so a complaint can be moved to a complaint record later exactly as it came.
 */
export interface PublicSubmissionStore {
  appendComplaint(options: { complaint: StoredComplaint }): Promise<void>;
  /** Newest first. */
  listComplaints(options: { limit: number }): Promise<StoredComplaint[]>;
  appendAnnouncement(options: { announcement: StoredAnnouncement }): Promise<void>;
  /** Newest publication first; those published after `now` are left out unless `now` is omitted. */
  listAnnouncements(options: { limit: number; now?: number | undefined }): Promise<StoredAnnouncement[]>;
}
