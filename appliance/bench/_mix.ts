import { PgliteRecordStore } from '@jiazheng/sync/storage/pglite';
import { PgliteCallStore } from '../src/adapters/pglite/pglite-call-store';
import { PgliteCallerLookup } from '../src/adapters/pglite/pglite-caller-lookup';
import { buildPopulation, unknownNumbers } from './lib/population';
import { createRandom, WeightedPicker, randomInt } from './lib/random';
import { DATASET } from './lib/seed';
import { summarise } from './lib/stats';
const pg = await PgliteRecordStore.openDatabase({ dataDir: '/tmp/jz-scratch' });
const store = await PgliteCallStore.open({ pglite: pg });
const lookup = new PgliteCallerLookup({ db: store.db, calls: store });
const pop = buildPopulation({ citizens: DATASET.citizens, seed: DATASET.seed });
const strangers = unknownNumbers({ population: pop, count: 1000, seed: 5 });
const picker = new WeightedPicker(pop.weights);
const rnd = createRandom(99);
const callers = Array.from({ length: 200 }, () => rnd() < 0.8 ? pop.citizens[picker.draw(rnd)]!.phone : strangers[randomInt(rnd, 1000)]!);
async function run(label: string) {
  const t: number[] = [];
  for (const c of callers) { const a = performance.now(); await lookup.lookup({ caller: c }); t.push(performance.now() - a); }
  const s = summarise(t); console.log(label, JSON.stringify(s, (k, v) => typeof v === 'number' ? Math.round(v * 10) / 10 : v));
}
await run('product');
await run('product again');
if (process.argv[2] === 'analyze') { await pg.exec('ANALYZE'); await run('analyzed'); }
if (process.argv[2] === 'index') { const a = performance.now(); await pg.exec('CREATE INDEX recordings_call_created_idx ON recordings (call_id, created_at)'); console.log('index', performance.now() - a); await run('with (call_id, created_at)'); }
await pg.close();
