import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, realpath, rm, stat, statfs } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { readWavHeader, type WavInfo } from '../../domain/calls/wav-header';

export type RecordingFileFacts = {
  path: string;
  bytes: number;
  sha256: string;
  wav: { ok: true; info: WavInfo } | { ok: false; reason: string };
};

/**
 * The recordings directory the switch writes into. Paths come from the switch's events, so each is checked
 * to resolve (symbolic links included) inside the directory before anything reads or deletes it.
 */
export class RecordingFiles {
  readonly #root: string;

  constructor(options: { root: string }) {
    this.#root = resolve(options.root);
  }

  get root(): string {
    return this.#root;
  }

  /** The real path inside the root, or an Error naming why not. */
  async locate(options: { path: string }): Promise<string> {
    const given = options.path;
    // eslint-disable-next-line no-control-regex -- control characters in a path are refused outright
    if (given.length === 0 || given.length > 4096 || /[\u0000-\u001f]/.test(given)) {
      throw new Error(`recording path refused: ${JSON.stringify(given.slice(0, 80))}`);
    }
    const absolute = isAbsolute(given) ? given : resolve(this.#root, given);
    const [real, root] = await Promise.all([realpath(absolute), realpath(this.#root)]);
    const inside = relative(root, real);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside) || inside.split(sep).includes('..')) {
      throw new Error(`recording path is outside ${root}: ${given}`);
    }
    return real;
  }

  /** Size, SHA-256 (streamed: an hour is 57.6 MB) and the WAV header's facts. */
  async inspect(options: { path: string }): Promise<RecordingFileFacts> {
    const path = await this.locate({ path: options.path });
    const { size } = await stat(path);
    const handle = await open(path, 'r');
    let header: Uint8Array;
    try {
      const buffer = Buffer.alloc(Math.min(size, 4096));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      header = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    return {
      path,
      bytes: size,
      sha256: hash.digest('hex'),
      wav: readWavHeader({ bytes: header, fileBytes: size }),
    };
  }

  async exists(options: { path: string }): Promise<boolean> {
    try {
      await this.locate(options);
      return true;
    } catch {
      return false;
    }
  }

  async remove(options: { path: string }): Promise<void> {
    const path = await this.locate(options);
    await rm(path, { force: true });
  }

  /** Free and total bytes of the file system holding the recordings. */
  async disk(): Promise<{ freeBytes: number; totalBytes: number }> {
    const facts = await statfs(this.#root);
    return { freeBytes: facts.bavail * facts.bsize, totalBytes: facts.blocks * facts.bsize };
  }
}
