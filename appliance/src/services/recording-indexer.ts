import { createId } from '@jiazheng/sync/domain';
import type { RecordingFiles } from '../adapters/files/recording-files';
import type { CallStore } from '../ports/call-store';
import type { Logger } from '../ports/logger';

export type RecordingIndexerStats = { indexed: number; missing: number; refused: number; truncated: number };

/**
 * Indexes a recording when the switch reports it finished (`RECORD_STOP`): size, SHA-256 and the length
 * read from the WAV itself. A file that is missing or cut short (full disk) is still indexed, marked, and
 * logged, so the call's record says what happened to its recording.
 */
export class RecordingIndexer {
  readonly #files: RecordingFiles;
  readonly #store: CallStore;
  readonly #logger: Logger;
  readonly #stats: RecordingIndexerStats = { indexed: 0, missing: 0, refused: 0, truncated: 0 };

  constructor(options: { files: RecordingFiles; store: CallStore; logger: Logger }) {
    this.#files = options.files;
    this.#store = options.store;
    this.#logger = options.logger;
  }

  stats(): RecordingIndexerStats {
    return { ...this.#stats };
  }

  async index(options: {
    callId: string;
    path: string;
    recordMs: number | undefined;
    at: string;
  }): Promise<void> {
    const { callId, path, at } = options;
    let facts;
    try {
      facts = await this.#files.inspect({ path });
    } catch (error) {
      const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
      // ENOTDIR: the day's folder could not be made (a file in its place, a full disk): no recording.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        this.#stats.refused += 1;
        this.#logger.error(
          `recordings: not indexing ${JSON.stringify(path.slice(0, 200))} for ${callId}`,
          error,
        );
        return;
      }
      this.#stats.missing += 1;
      this.#logger.error(`recordings: ${path} for call ${callId} is missing (full disk or a failed write?)`);
      await this.#store.saveRecording({
        recording: {
          id: createId(),
          callId,
          path,
          category: 'call',
          durationMs: options.recordMs ?? 0,
          bytes: 0,
          sha256: '',
          createdAt: at,
          disputed: false,
          purgedAt: null,
          missing: true,
        },
      });
      return;
    }
    if (!facts.wav.ok) {
      this.#stats.truncated += 1;
      this.#logger.error(
        `recordings: ${facts.path} for call ${callId} is not a readable WAV: ${facts.wav.reason}`,
      );
    }
    await this.#store.saveRecording({
      recording: {
        id: createId(),
        callId,
        path: facts.path,
        category: 'call',
        durationMs: facts.wav.ok ? facts.wav.info.durationMs : (options.recordMs ?? 0),
        bytes: facts.bytes,
        sha256: facts.sha256,
        createdAt: at,
        disputed: false,
        purgedAt: null,
        missing: false,
      },
    });
    this.#stats.indexed += 1;
  }
}
