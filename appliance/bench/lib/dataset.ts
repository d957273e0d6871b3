// The seeded database, cached between runs: a data directory under the system's temporary directory with
// a fixed name (it holds ~1.5 GB, so it is not kept in the repository), reused when its description
// matches the generator's and its row counts are right. Every run works on a fresh copy, so the calls a
// run adds never change the next run's starting point.
import { fork } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATASET, type SeedReport } from './seed';

export type Dataset = {
  dir: string;
  dataDir: string;
  report: SeedReport & { seedPeakRss: number };
  seededNow: boolean;
};

export const cacheDir = join(tmpdir(), `jz-appliance-bench-screen-pop-v${DATASET.version}`);

function readReport(): (SeedReport & { seedPeakRss: number }) | undefined {
  const file = join(cacheDir, 'dataset.json');
  if (!existsSync(file)) return undefined;
  try {
    const report = JSON.parse(readFileSync(file, 'utf8')) as SeedReport & { seedPeakRss: number };
    return JSON.stringify(report.spec) === JSON.stringify(DATASET) ? report : undefined;
  } catch {
    return undefined;
  }
}

export function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += directoryBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/** Seeds the cache when it is missing, of another shape, or `force`d (its counts were wrong). */
export async function ensureDataset(options: {
  force?: boolean;
  log: (message: string) => void;
}): Promise<Dataset> {
  const cached = options.force ? undefined : readReport();
  if (cached !== undefined) {
    options.log(`dataset: reusing ${cacheDir} (seeded ${cached.seededAt} in ${cached.seconds.toFixed(0)} s)`);
    return { dir: cacheDir, dataDir: join(cacheDir, 'pgdata'), report: cached, seededNow: false };
  }
  rmSync(cacheDir, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  options.log(`dataset: seeding ${cacheDir} (a few minutes, once)`);
  const reportFile = join(cacheDir, 'dataset.json.partial');
  const child = fork(fileURLToPath(new URL('./seed-process.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, SEED_CONFIG: JSON.stringify({ dataDir: join(cacheDir, 'pgdata'), reportFile }) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`seeding failed (exit ${code})`);
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as SeedReport & { seedPeakRss: number };
  report.diskBytes = directoryBytes(join(cacheDir, 'pgdata'));
  writeFileSync(join(cacheDir, 'dataset.json'), `${JSON.stringify(report, null, 2)}\n`);
  rmSync(reportFile, { force: true });
  return { dir: cacheDir, dataDir: join(cacheDir, 'pgdata'), report, seededNow: true };
}

/** A throwaway copy of the seeded data directory for one run. */
export function copyDataset(options: { dataset: Dataset; to: string }): number {
  const started = performance.now();
  cpSync(options.dataset.dataDir, options.to, { recursive: true });
  return (performance.now() - started) / 1000;
}
