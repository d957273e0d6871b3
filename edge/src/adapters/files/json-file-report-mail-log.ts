import { readFile, rename, writeFile } from 'node:fs/promises';
import type { ReportMailLog } from '../../ports/mail-sender';

type Entry = { key: string; at: number; messageId: string };

/** The mailed periods in a small JSON file, replaced whole by rename so a crash leaves the old or the new. */
export class JsonFileReportMailLog implements ReportMailLog {
  readonly #path: string;

  constructor(options: { path: string }) {
    this.#path = options.path;
  }

  async lastSentKey(): Promise<string | null> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const parsed = JSON.parse(text) as { sent?: Entry[] };
    return parsed.sent?.at(-1)?.key ?? null;
  }

  async markSent(options: Entry): Promise<void> {
    let sent: Entry[] = [];
    try {
      sent = (JSON.parse(await readFile(this.#path, 'utf8')) as { sent?: Entry[] }).sent ?? [];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    // The last hundred are enough to answer "was it sent, and when" for an operator.
    sent = [...sent, { key: options.key, at: options.at, messageId: options.messageId }].slice(-100);
    const tmp = `${this.#path}.tmp`;
    await writeFile(tmp, `${JSON.stringify({ sent }, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, this.#path);
  }
}
