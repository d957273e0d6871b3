// The seeding run in a process of its own (started by dataset.ts with `--import tsx`), so the bench's
// process never holds the memory a bulk load grows PGlite's WASM heap to: its RSS stays the appliance's.
import { writeFileSync } from 'node:fs';
import { DATASET, seedDatabase } from './seed';

const config = JSON.parse(process.env.SEED_CONFIG ?? '{}') as { dataDir?: string; reportFile?: string };
if (config.dataDir === undefined || config.reportFile === undefined)
  throw new Error('SEED_CONFIG: dataDir, reportFile');

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 1000);
const report = await seedDatabase({
  dataDir: config.dataDir,
  spec: DATASET,
  log: (message) => process.stderr.write(`${message}\n`),
});
clearInterval(sampler);
writeFileSync(config.reportFile, `${JSON.stringify({ ...report, seedPeakRss: peakRss }, null, 2)}\n`);
