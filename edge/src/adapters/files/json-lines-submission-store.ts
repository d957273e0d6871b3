import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type {
  PublicSubmissionStore,
  StoredAnnouncement,
  StoredComplaint,
} from '../../ports/public-submissions';

/**
 * The public website's submissions as append-only JSON-lines files in `<dir>` (`complaints.jsonl`,
 * `announcements.jsonl`), each line fsynced before the citizen is told it arrived. A stop for the day
 * until complaints become records homed at the hub (the quality issue): the files then are imported as
 * they are. Each file is read once and kept in memory; this process is its only writer.
 */
export class JsonLinesSubmissionStore implements PublicSubmissionStore {
  readonly #complaints: JsonLinesFile<StoredComplaint>;
  readonly #announcements: JsonLinesFile<StoredAnnouncement>;

  constructor(options: { dir: string; logger?: { error: (...args: unknown[]) => void } }) {
    const logger = options.logger ?? console;
    this.#complaints = new JsonLinesFile({ path: join(options.dir, 'complaints.jsonl'), logger });
    this.#announcements = new JsonLinesFile({ path: join(options.dir, 'announcements.jsonl'), logger });
  }

  appendComplaint(options: { complaint: StoredComplaint }): Promise<void> {
    return this.#complaints.append(options.complaint);
  }

  async listComplaints(options: { limit: number }): Promise<StoredComplaint[]> {
    const all = await this.#complaints.all();
    return all.slice(-options.limit).reverse();
  }

  appendAnnouncement(options: { announcement: StoredAnnouncement }): Promise<void> {
    return this.#announcements.append(options.announcement);
  }

  async listAnnouncements(options: {
    limit: number;
    now?: number | undefined;
  }): Promise<StoredAnnouncement[]> {
    const { now } = options;
    const all = await this.#announcements.all();
    return all
      .filter((a) => now === undefined || a.publishedAt <= now)
      .sort((a, b) => b.publishedAt - a.publishedAt || (a.id < b.id ? 1 : -1))
      .slice(0, options.limit);
  }
}

class JsonLinesFile<T> {
  readonly #path: string;
  readonly #logger: { error: (...args: unknown[]) => void };
  #entries: Promise<T[]> | null = null;
  /** The file ends in a torn line: the next append starts a new line, or it would be torn too. */
  #torn = false;
  /** Appends one at a time, so lines never interleave. */
  #tail: Promise<unknown> = Promise.resolve();

  constructor(options: { path: string; logger: { error: (...args: unknown[]) => void } }) {
    this.#path = options.path;
    this.#logger = options.logger;
  }

  all(): Promise<T[]> {
    this.#entries ??= this.#load().catch((error: unknown) => {
      this.#entries = null;
      throw error;
    });
    return this.#entries;
  }

  append(entry: T): Promise<void> {
    const run = this.#tail.then(async () => {
      const entries = await this.all();
      await mkdir(dirname(this.#path), { recursive: true, mode: 0o700 });
      const file = await open(this.#path, 'a', 0o600);
      try {
        await file.write(`${this.#torn ? '\n' : ''}${JSON.stringify(entry)}\n`);
        await file.sync();
        this.#torn = false;
      } finally {
        await file.close();
      }
      entries.push(entry);
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async #load(): Promise<T[]> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    this.#torn = text.length > 0 && !text.endsWith('\n');
    const entries: T[] = [];
    for (const [index, line] of text.split('\n').entries()) {
      if (line.trim() === '') continue;
      try {
        entries.push(JSON.parse(line) as T);
      } catch {
        // A crash mid-append leaves a torn last line; everything before it is intact and kept.
        this.#logger.error(`${this.#path}:${index + 1}: skipped a line that is not JSON`);
      }
    }
    return entries;
  }
}
