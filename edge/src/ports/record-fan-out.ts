/** A change one hub process stored, told to the others on the same database so their peers get it too. */
export type FannedChange = {
  recordId: string;
  update: Uint8Array;
  seq: number;
  previousSeq: number | null;
  /** The process that stored it: a process ignores its own. */
  from: string;
};

/** The channel between hub processes (Redis pub/sub); a single hub process needs none. */
export interface RecordFanOut {
  start(): Promise<void>;
  stop(): Promise<void>;
  announce(change: FannedChange): Promise<void>;
  /** One listener, set before start. */
  onChange(listener: (change: FannedChange) => void): void;
}
