import { chmod, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';

/**
 * Writing what the CLI produces. Everything written here holds a password or a private key, so files are
 * 0600 and new folders 0700: only the technician (and later the `freeswitch` user, after chown) reads them.
 */

export class OutputRefusedError extends Error {
  override readonly name = 'OutputRefusedError';
}

export type OutputFile = { path: string; content: string; mode?: number };

const SECRET_FILE_MODE = 0o600;
const FOLDER_MODE = 0o700;

async function entriesOf(dir: string): Promise<string[] | undefined> {
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) throw new OutputRefusedError(`${dir} exists and is not a folder`);
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** A relative path inside the output folder; the renderer never produces anything else, this makes sure. */
function safeRelative(path: string): string {
  const normalised = normalize(path);
  if (isAbsolute(normalised) || normalised === '..' || normalised.startsWith(`..${sep}`)) {
    throw new Error(`refusing to write outside the output folder: ${path}`);
  }
  return normalised;
}

/** Refuses a folder that already holds files, unless `force`: a render must not mix with an older one. */
export async function assertEmptyOrForced(options: { dir: string; force: boolean }): Promise<void> {
  const entries = await entriesOf(options.dir);
  if (entries !== undefined && entries.length > 0 && !options.force) {
    throw new OutputRefusedError(`${options.dir} is not empty; use --force to write into it anyway`);
  }
}

/** Refuses to replace any of `paths` inside `dir` unless `force`. */
export async function assertNoneExistOrForced(options: {
  dir: string;
  paths: readonly string[];
  force: boolean;
}): Promise<void> {
  if (options.force) return;
  const entries = new Set((await entriesOf(options.dir)) ?? []);
  const existing = options.paths.filter((path) => entries.has(path));
  if (existing.length > 0) {
    throw new OutputRefusedError(
      `${options.dir} already has ${existing.join(', ')}; use --force to replace ${existing.length === 1 ? 'it' : 'them'}`,
    );
  }
}

/** Writes every file (creating folders), then sets each file's mode, which writeFile does not do for an existing file. */
export async function writeOutputFiles(options: {
  dir: string;
  files: readonly OutputFile[];
}): Promise<string[]> {
  await mkdir(options.dir, { recursive: true, mode: FOLDER_MODE });
  const written: string[] = [];
  for (const file of options.files) {
    const target = join(options.dir, safeRelative(file.path));
    const mode = file.mode ?? SECRET_FILE_MODE;
    await mkdir(dirname(target), { recursive: true, mode: FOLDER_MODE });
    await writeFile(target, file.content, { mode });
    await chmod(target, mode);
    written.push(target);
  }
  return written;
}
