import { execFile } from 'node:child_process';
import { access, constants, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * TEST SUPPORT ONLY: starts a throwaway PostgreSQL 15 server for the PostgreSQL store's tests. Never
 * imported by production code.
 *
 * PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user and its
 * commands run through runuser. The server listens on a free loopback port only, with trust auth, its
 * socket and data in a fresh temporary directory that stop() removes.
 */

const run = promisify(execFile);

const installHint = 'apt-get install -y postgresql-15';
const defaultSearchDirs = ['/usr/local/bin', '/usr/lib/postgresql/15/bin'];

export type PostgresTestServer = {
  connectionString: string;
  port: number;
  stop: () => Promise<void>;
};

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function findBinDir(searchDirs: readonly string[]): Promise<string> {
  for (const dir of searchDirs) {
    if ((await isExecutable(join(dir, 'initdb'))) && (await isExecutable(join(dir, 'pg_ctl')))) return dir;
  }
  throw new Error(
    `PostgreSQL 15 is not installed (no initdb and pg_ctl in ${searchDirs.join(', ')}): ${installHint}`,
  );
}

/** A port nobody listens on right now (the OS picks it); start() retries if another process takes it first. */
async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

function describeFailure(error: unknown): string {
  if (
    error &&
    typeof error === 'object' &&
    'stderr' in error &&
    typeof error.stderr === 'string' &&
    error.stderr
  ) {
    return error.stderr.trim();
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Starts the server. `durable: false` (the default) turns fsync off: the tests kill client processes,
 * never the server, so the server's own flushes only cost time. `settings` are more server settings
 * (`name=value`, each passed as `-c`), e.g. a benchmark's shared_buffers.
 */
export async function startPostgresTestServer(
  options: { searchDirs?: readonly string[]; durable?: boolean; settings?: readonly string[] } = {},
): Promise<PostgresTestServer> {
  const binDir = await findBinDir(options.searchDirs ?? defaultSearchDirs);
  const asRoot = process.getuid?.() === 0;
  const asPostgres = async (command: string, args: readonly string[]): Promise<void> => {
    const bin = join(binDir, command);
    if (asRoot) await run('runuser', ['-u', 'postgres', '--', bin, ...args]);
    else await run(bin, [...args]);
  };

  const root = await mkdtemp(join(tmpdir(), 'postgres-test-'));
  const dataDir = join(root, 'data');
  const stopAndRemove = async (): Promise<void> => {
    try {
      await asPostgres('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  };
  try {
    if (asRoot) {
      try {
        await run('chown', ['postgres:postgres', root]);
      } catch (error) {
        throw new Error(
          `cannot hand ${root} to the postgres user (${describeFailure(error)}): ${installHint}`,
          { cause: error },
        );
      }
    }
    // --no-sync: a throwaway cluster need not survive a power cut while it is being created.
    await asPostgres('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
    const settings = [
      ...(options.durable
        ? []
        : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
      ...(options.settings ?? []).flatMap((setting) => ['-c', setting]),
    ];
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await findFreePort();
      const serverOptions = [
        '-p',
        String(port),
        '-k',
        root,
        '-c',
        'listen_addresses=127.0.0.1',
        ...settings,
      ].join(' ');
      try {
        await asPostgres('pg_ctl', [
          '-D',
          dataDir,
          '-o',
          serverOptions,
          '-l',
          join(root, 'server.log'),
          '-w',
          '-t',
          '30',
          'start',
        ]);
        return {
          connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`,
          port,
          stop: stopAndRemove,
        };
      } catch (error) {
        lastError = error;
      }
    }
    throw new Error(
      `PostgreSQL did not start: ${describeFailure(lastError)} (see ${join(root, 'server.log')})`,
    );
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}
