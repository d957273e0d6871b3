import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DocumentType } from '../../domain/uploaded-documents';
import type { DocumentStore } from '../../ports/document-store';

const extensions: Readonly<Record<DocumentType, string>> = {
  [DocumentType.pdf]: 'pdf',
  [DocumentType.jpeg]: 'jpg',
  [DocumentType.png]: 'png',
};
const byExtension = new Map(Object.entries(extensions).map(([type, ext]) => [ext, type as DocumentType]));

/**
 * Documents as files named by their SHA-256 under `<dir>/<first two hex digits>/`, with the type as the
 * extension. Written to a temporary name and renamed, so a crash leaves no half file under the real name;
 * the same bytes uploaded twice are one file.
 */
export class FileDocumentStore implements DocumentStore {
  readonly #dir: string;

  constructor(options: { dir: string }) {
    this.#dir = options.dir;
  }

  async put(options: { bytes: Uint8Array; type: DocumentType }): Promise<{ sha256: string }> {
    const sha256 = createHash('sha256').update(options.bytes).digest('hex');
    const dir = join(this.#dir, sha256.slice(0, 2));
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, `${sha256}.${extensions[options.type]}`);
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, options.bytes, { mode: 0o600 });
    await rename(tmp, path);
    return { sha256 };
  }

  async get(options: { sha256: string }): Promise<{ bytes: Uint8Array; type: DocumentType } | null> {
    // The id comes from a URL: only a SHA-256 in hex ever becomes part of a path.
    if (!/^[0-9a-f]{64}$/.test(options.sha256)) return null;
    for (const [ext, type] of byExtension) {
      try {
        const bytes = await readFile(join(this.#dir, options.sha256.slice(0, 2), `${options.sha256}.${ext}`));
        return { bytes: new Uint8Array(bytes), type };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return null;
  }
}
