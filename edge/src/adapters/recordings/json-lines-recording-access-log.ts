import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { recordingAccessEntrySchema, type RecordingAccessEntry } from '../../domain/recording-relay-access';
import type { Logger } from '../../ports/logger';
import type { RecordingAccessLog } from '../../ports/recording-access-log';

/**
 * The access log as one JSON object per line, only ever appended to (mode 0600): an operator can read it
 * with `tail`, and no API can change or delete a line. Listing reads the whole file, which is fine for
 * the listens of a centre (a few hundred bytes each); a line that does not parse is reported and skipped,
 * never guessed at.
 */
export class JsonLinesRecordingAccessLog implements RecordingAccessLog {
  readonly #path: string;
  readonly #logger: Logger;
  /** Appends one at a time, so two lines never interleave. */
  #tail: Promise<void> = Promise.resolve();

  constructor(options: { path: string; logger: Logger }) {
    this.#path = options.path;
    this.#logger = options.logger;
  }

  async append(options: { entry: RecordingAccessEntry }): Promise<void> {
    const line = `${JSON.stringify(recordingAccessEntrySchema.parse(options.entry))}\n`;
    const run = this.#tail.then(async () => {
      await mkdir(dirname(this.#path), { recursive: true, mode: 0o700 });
      await appendFile(this.#path, line, { encoding: 'utf8', mode: 0o600 });
    });
    this.#tail = run.catch(() => undefined);
    await run;
  }

  async list(options: {
    include: (countyCode: string) => boolean;
    limit: number;
  }): Promise<RecordingAccessEntry[]> {
    await this.#tail;
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return [];
      throw error;
    }
    const entries: RecordingAccessEntry[] = [];
    const lines = text.split('\n');
    for (let index = lines.length - 1; index >= 0 && entries.length < options.limit; index -= 1) {
      const line = lines[index] ?? '';
      if (line.trim() === '') continue;
      let parsed;
      try {
        parsed = recordingAccessEntrySchema.safeParse(JSON.parse(line));
      } catch {
        parsed = undefined;
      }
      if (!parsed?.success) {
        this.#logger.error(`recordings: ${this.#path} line ${index + 1} is not an access entry; skipped`);
        continue;
      }
      if (options.include(parsed.data.countyCode)) entries.push(parsed.data);
    }
    return entries;
  }
}
