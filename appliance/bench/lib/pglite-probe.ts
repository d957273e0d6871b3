// PGlite alone in a fresh process: opens a data directory, runs the screen pop's lookup for the callers it
// is sent, and reports its RSS and latencies. `product` opens the database exactly as the appliance does;
// a size (`32MB`) opens it the same way but with that `shared_buffers` instead of Postgres's 128 MB, to
// show what the setting costs in memory and in lookup time. Started by probePglite() below.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** `sharedBuffers`: `product`, or a size such as `32MB`. */
export type ProbeConfig = { dataDir: string; sharedBuffers: string; callers: string[] };
export type ProbeResult = {
  sharedBuffers: string;
  rssStart: number;
  rssOpen: number;
  rssPeak: number;
  rssEnd: number;
  lookupsMs: number[];
};

async function main(): Promise<void> {
  const config = JSON.parse(process.env.PROBE_CONFIG ?? '{}') as ProbeConfig;
  const rssStart = process.memoryUsage().rss;
  const { PGlite } = await import('@electric-sql/pglite');
  const { PgliteRecordStore } = await import('@jiazheng/sync/storage/pglite');
  const { PgliteCallStore } = await import('../../src/adapters/pglite/pglite-call-store');
  const { PgliteCallerLookup } = await import('../../src/adapters/pglite/pglite-caller-lookup');
  const pglite =
    config.sharedBuffers === 'product'
      ? await PgliteRecordStore.openDatabase({ dataDir: config.dataDir })
      : await PGlite.create({
          dataDir: config.dataDir,
          relaxedDurability: false,
          startParams: [
            ...PGlite.defaultStartParams.filter((param) => param !== '-F'),
            ...['-c', 'fsync=on', '-c', 'synchronous_commit=on', '-c', 'wal_sync_method=fsync'],
            ...['-c', `shared_buffers=${config.sharedBuffers}`],
          ],
        });
  const rssOpen = process.memoryUsage().rss;
  const shown = await pglite.query<{ shared_buffers: string }>('SHOW shared_buffers');
  const store = await PgliteCallStore.open({ pglite });
  const lookup = new PgliteCallerLookup({ db: store.db, calls: store });
  let rssPeak = rssOpen;
  const lookupsMs: number[] = [];
  for (const caller of config.callers) {
    const started = performance.now();
    await lookup.lookup({ caller });
    lookupsMs.push(performance.now() - started);
    if (lookupsMs.length % 100 === 0) rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }
  const rssEnd = process.memoryUsage().rss;
  await pglite.close();
  const result: ProbeResult = {
    sharedBuffers: shown.rows[0]?.shared_buffers ?? '?',
    rssStart,
    rssOpen,
    rssPeak: Math.max(rssPeak, rssEnd),
    rssEnd,
    lookupsMs,
  };
  process.send?.(result);
  process.disconnect();
}

/** Runs the probe in a child process; the data directory must not be open anywhere else. */
export function probePglite(options: ProbeConfig): Promise<ProbeResult> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, PROBE_CONFIG: JSON.stringify(options), PGLITE_PROBE: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (result: ProbeResult) => resolve(result));
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`probe exited (${code})`))));
  });
}

if (process.env.PGLITE_PROBE === '1' && process.send !== undefined) await main();
