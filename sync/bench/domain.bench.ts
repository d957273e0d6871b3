// Measures the domain's hot paths on this machine: `npm run bench -w @jiazheng/sync` (with `--write`, or
// `npm run bench:write`, the table replaces the generated domain block of sync/BENCH.md). The figures
// are for reading, not asserted.
import { performance } from 'node:perf_hooks';
import {
  applyOrderCommand,
  createId,
  findCatalogueItemFacts,
  normalisePhone,
  rankEnterprises,
  replayOrderLog,
  searchCatalogue,
  type DispatchCandidate,
  type OrderContext,
  type OrderState,
} from '../src/domain';
import { makeEnterprise, makeWorker, t0 } from '../src/domain/test-support';
import { describeMachine, machine, markdownTable, num, writeGeneratedBlock } from './lib/report';

const rows: string[][] = [];

function measure(name: string, iterations: number, fn: (i: number) => void): void {
  for (let i = 0; i < Math.min(200, iterations); i++) fn(i); // warm-up
  const samples: number[] = [];
  const start = performance.now();
  for (let i = 0; i < iterations; i++) {
    const s = performance.now();
    fn(i);
    samples.push(performance.now() - s);
  }
  const total = performance.now() - start;
  samples.sort((a, b) => a - b);
  const pct = (p: number) => samples[Math.floor((samples.length - 1) * p)] ?? 0;
  const ms = (value: number) => `${value < 0.1 ? value.toFixed(3) : value.toFixed(2)} ms`;
  rows.push([name, num(iterations), `${num(iterations / (total / 1000))} /s`, ms(pct(0.5)), ms(pct(0.99))]);
  process.stderr.write(`domain: ${name}\n`);
}

const queries = ['保姆', 'baomu', 'bm', 'bao jie', 'nanny', '空调', 'kongtiao', '律师', 'lvshi', '天气'];
measure('catalogue search (characters, pinyin, initials, English; 92 items)', 20_000, (i) =>
  searchCatalogue({ query: queries[i % queries.length] ?? '' }),
);

const callerIds = [
  '13812345678',
  '+86 138 1234 5678',
  '0086-571-8888-8888',
  '(0571) 8888-8888 转 123',
  '88886666',
  '95588',
];
measure('phone normalisation (six caller-ID forms, `libphonenumber-js/max`)', 20_000, (i) =>
  normalisePhone({ input: callerIds[i % callerIds.length] ?? '', defaultAreaCode: '0571' }),
);

const enterprise = makeEnterprise({ id: 'e1', items: ['FAM-NANNY'] });
const worker = makeWorker({ id: 'w1', enterpriseId: 'e1', qualifications: ['domestic_service_cert'] });
const home: OrderContext = {
  mode: 'home',
  findItem: findCatalogueItemFacts,
  findEnterprise: (id) => (id === 'e1' ? enterprise : undefined),
  findWorker: (id) => (id === 'w1' ? worker : undefined),
};
function journey(): unknown[] {
  const actor = { userId: 'u1', role: 'call_taker' as const };
  const steps: [string, unknown][] = [
    [
      'receive',
      {
        orderId: `order:330106:${createId()}`,
        channel: 'call',
        citizenPhone: '+8613812345678',
        citizenName: '张女士',
        itemCode: 'FAM-NANNY',
        urgency: 'normal',
        address: '文三路 100 号',
        wantedAt: null,
        durationMinutes: null,
        notes: '',
      },
    ],
    ['awaitDispatch', {}],
    ['dispatch', { enterpriseId: 'e1' }],
    ['accept', { enterpriseId: 'e1', workerId: 'w1' }],
    ['startService', {}],
    ['markServed', { feeFen: 30000 }],
    ['recordReturnVisit', { reached: true, satisfaction: 5, comment: '' }],
  ];
  return steps.map(([type, payload]) => ({ id: createId(), type, payload, actor, at: t0 }));
}
const log = journey();
const statesBefore: (OrderState | null)[] = log.map((_, k) => replayOrderLog({ log: log.slice(0, k) }));
measure('one order command validated at the home (schema, role, transition, registry)', 20_000, (i) => {
  const k = i % log.length;
  const r = applyOrderCommand({ state: statesBefore[k] ?? null, command: log[k], context: home });
  if (!r.ok) throw r.error;
});
measure('replay of a 7-command order log (receive → closed)', 20_000, () => replayOrderLog({ log }));

const candidates: DispatchCandidate[] = Array.from({ length: 200 }, (_, i) => ({
  enterprise: makeEnterprise({ id: `e${i}`, items: ['FAM-NANNY'] }),
  workers: Array.from({ length: 20 }, (_, j) =>
    makeWorker({ id: `e${i}-w${j}`, enterpriseId: `e${i}`, trained: j % 3 !== 0 }),
  ),
  creditScore: (i * 37) % 100,
  openOrders: i % 7,
  lastDispatchedAt: t0 - (i % 50) * 3_600_000,
}));
measure('dispatch ranking of 200 enterprises with 20 workers each', 200, () =>
  rankEnterprises({
    request: {
      orderId: 'o1',
      itemCode: 'FAM-NANNY',
      countyCode: '330106',
      wantedAt: t0,
      durationMinutes: 120,
      requiredQualifications: ['pre_post_training', 'health_certificate'],
      excludeEnterpriseIds: [],
    },
    candidates,
    now: t0,
  }),
);

const table = markdownTable(['operation', 'runs', 'throughput', 'p50', 'p99'], rows);
const here = describeMachine(machine());
console.log(`\nDomain benchmarks (${here})\n\n${table}\n`);
if (process.argv.includes('--write')) {
  await writeGeneratedBlock({
    name: 'domain',
    content: `Measured ${here}, \`sync/bench/domain.bench.ts\`, one thread:\n\n${table}`,
  });
  console.log('BENCH.md: domain block rewritten');
}
