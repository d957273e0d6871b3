import type { RecordingAccessEntry } from '../domain/recording-relay-access';

/** The hub's append-only record of who played which county recording, when and why. */
export interface RecordingAccessLog {
  append(options: { entry: RecordingAccessEntry }): Promise<void>;
  /** Newest first; `include` decides per county (the caller's scope). */
  list(options: { include: (countyCode: string) => boolean; limit: number }): Promise<RecordingAccessEntry[]>;
}
