import type { CallLeg, CallRecord } from '../domain/calls/call-record';

export type StoredCall = CallRecord & {
  /** The agent's leg, merged into the citizen's call. */
  agentLegId: string | null;
  recordingId: string | null;
};

export type RecordingEntry = {
  id: string;
  callId: string;
  path: string;
  /** Retention category, e.g. `call` (default) or `complaint`. */
  category: string;
  durationMs: number;
  bytes: number;
  sha256: string;
  createdAt: string;
  /** Evidence in an open dispute: never purged. */
  disputed: boolean;
  purgedAt: string | null;
  /** The index says it exists but the file is not on disk. */
  missing: boolean;
};

export type CallbackEntry = {
  callId: string;
  caller: string | null;
  callerRaw: string;
  reason: 'abandoned' | 'timed_out' | 'unanswered';
  createdAt: string;
  doneAt: string | null;
  doneBy: string | null;
};

/** The appliance's telephony memory: call records, recordings, their access log and the callback list. */
export interface CallStore {
  /** Idempotent: a record for an id already stored replaces it (a replayed hang-up changes nothing). */
  saveCall(options: { record: CallRecord }): Promise<void>;
  /**
   * Stores imported call history (`source: 'imported'`). Idempotent by id; a call this switch recorded (or a
   * leg of one) is never overwritten: its id comes back in `kept`.
   */
  importCalls(options: { records: readonly CallRecord[] }): Promise<{ imported: number; kept: string[] }>;
  /** Attaches a leg to its call, whichever arrives first. */
  saveLeg(options: { leg: CallLeg }): Promise<void>;
  findCallsByCaller(options: { caller: string; limit: number }): Promise<StoredCall[]>;
  countCallsByCaller(options: { caller: string }): Promise<number>;
  getCall(options: { id: string }): Promise<StoredCall | undefined>;
  listCalls(options: { from: string; to: string }): Promise<StoredCall[]>;

  saveRecording(options: { recording: RecordingEntry }): Promise<void>;
  getRecording(options: { id: string }): Promise<RecordingEntry | undefined>;
  listRecordingsForRetention(): Promise<RecordingEntry[]>;
  markRecording(options: {
    id: string;
    purgedAt?: string;
    missing?: boolean;
    disputed?: boolean;
  }): Promise<void>;
  logRecordingAccess(options: {
    recordingId: string;
    username: string;
    at: string;
    range: string | null;
    address: string | null;
  }): Promise<void>;
  listRecordingAccess(options: {
    recordingId: string;
  }): Promise<Array<{ username: string; at: string; range: string | null; address: string | null }>>;

  addCallback(options: { callback: CallbackEntry }): Promise<void>;
  listCallbacks(options: { open: boolean; limit: number }): Promise<CallbackEntry[]>;
  completeCallback(options: { callId: string; doneBy: string; doneAt: string }): Promise<boolean>;
}
