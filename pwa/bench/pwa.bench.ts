// Measures the console's targets on this machine: `npm run bench -w @jiazheng/pwa` (with `--write`, or
// `npm run bench:write -w @jiazheng/pwa`, the tables replace the generated blocks of pwa/BENCH.md).
//   1. the JavaScript of the first load, gzip -9 (and what loads after login, and what is precached);
//   2. offline cold start to an interactive console in headless Chromium, against a real appliance;
//   3. filtering 50,000 orders, in Node and in Chromium.
// Options: `--no-build` measures pwa/build as it is; `--runs=N` cold starts per variant (default 10).
// The figures are for reading, not asserted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAll } from './lib/appliance';
import { ensureFreshBuild, pwaDir } from './lib/build';
import { launchChromium } from './lib/chromium';
import {
  describeHost,
  host,
  kB,
  loadText,
  log,
  markdownTable,
  ms,
  num,
  writeGeneratedBlock,
  verdict,
  type Stats,
} from './lib/report';
import { measureBundle } from './sections/bundle';
import { measureColdStart } from './sections/cold-start';
import { measureFilterInChromium, measureFilterInNode, ORDER_COUNT } from './sections/filter';

const FIRST_LOAD_TARGET_BYTES = 200_000;
const COLD_START_TARGET_MS = 1_500;
const FILTER_TARGET_MS = 100;

const write = process.argv.includes('--write');
const runs = Number(
  /^--runs=(\d+)$/.exec(process.argv.find((a) => a.startsWith('--runs=')) ?? '')?.[1] ?? 10,
);

const workDir = mkdtempSync(join(tmpdir(), 'jz-pwa-bench-'));
const cleanUp = () => {
  killAll();
  rmSync(workDir, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    cleanUp();
    process.exit(130);
  });
}

try {
  const machine = host();
  const loadBefore = loadText();
  const started = Date.now();

  ensureFreshBuild({ skip: process.argv.includes('--no-build') });

  log('bundle: sizing pwa/build');
  const bundle = measureBundle(pwaDir);

  const filterNode = measureFilterInNode();
  const browser = await launchChromium({ exposeGc: true });
  let filterChromium;
  try {
    filterChromium = await measureFilterInChromium(browser);
  } finally {
    await browser.close();
  }
  for (const [i, r] of filterNode.entries())
    if (filterChromium[i]?.matches !== r.matches)
      throw new Error(`${r.name}: Node found ${r.matches}, Chromium ${filterChromium[i]?.matches}`);

  const coldStart = await measureColdStart({ pwaDir, workDir, runs });
  const loadAfter = loadText();
  const minutes = (Date.now() - started) / 60_000;

  // ── Tables ───────────────────────────────────────────────────────────────────────────────────────
  const worst = (results: { stats: Stats }[]) => Math.max(...results.map((r) => r.stats.max));
  const summary = markdownTable(
    ['target', 'measured', 'goal', 'result'],
    [
      [
        '1. JavaScript for the first load (gzip -9)',
        kB(bundle.firstLoad.gzip),
        `≤ ${num(FIRST_LOAD_TARGET_BYTES / 1000)} kB`,
        verdict(bundle.firstLoad.gzip <= FIRST_LOAD_TARGET_BYTES),
      ],
      ...(
        [
          ['new tab', coldStart.newTab.ready],
          ['browser restarted', coldStart.restarted.ready],
        ] as const
      ).map(([variant, s]) => [
        `2. offline cold start to an interactive console, ${variant} (p95 of ${s.runs})`,
        `${ms(s.p95)} (median ${ms(s.median)})`,
        `≤ ${num(COLD_START_TARGET_MS)} ms`,
        verdict(s.p95 <= COLD_START_TARGET_MS),
      ]),
      ...(
        [
          ['Node', filterNode],
          ['Chromium', filterChromium],
        ] as const
      ).map(([where, results]) => [
        `3. filtering ${num(ORDER_COUNT)} orders, ${where} (slowest run of any query)`,
        ms(worst(results)),
        `≤ ${FILTER_TARGET_MS} ms`,
        verdict(worst(results) <= FILTER_TARGET_MS),
      ]),
    ],
  );

  const sizeRow = (what: string, set: { files: string[]; raw: number; gzip: number }) => [
    what,
    num(set.files.length),
    kB(set.raw),
    kB(set.gzip),
  ];
  const bundleTable = markdownTable(
    ['what', 'files', 'raw', 'gzip -9'],
    [
      sizeRow(
        `**first load**: JavaScript (entries, \`nodes/0\`, \`${bundle.rootNode}\`, their imports)`,
        bundle.firstLoad,
      ),
      sizeRow('first load: stylesheets (not counted above)', bundle.firstLoadCss),
      ...bundle.lazy.map((l) =>
        sizeRow(
          `lazy, ${l.when === 'login' ? 'after login' : l.when === 'start' ? 'at start' : 'other'}: ${l.label}`,
          l,
        ),
      ),
      sizeRow('**after login**: what the lazy imports above add, each file once', bundle.afterLogin),
      sizeRow(`precached by the service worker (${bundle.precache.entries} entries)`, bundle.precache),
      sizeRow('the service worker itself (`sw.js`, `workbox-*.js`)', bundle.serviceWorker),
    ],
  );

  const med = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? NaN;
  const coldTable = markdownTable(
    [
      'variant',
      'runs',
      'index.html (median)',
      'screen pop (median)',
      'tab bar (median)',
      'interactive: median',
      'p95',
      'max',
      'wall clock (median)',
      'each run, interactive (ms)',
    ],
    (
      [
        ['new tab in the running browser', coldStart.newTab],
        ['browser restarted on the same profile', coldStart.restarted],
      ] as const
    ).map(([variant, r]) => [
      variant,
      num(r.ready.runs),
      ms(med(r.samples.map((s) => s.document))),
      ms(med(r.samples.map((s) => s.pop))),
      ms(med(r.samples.map((s) => s.tabs))),
      ms(r.ready.median),
      ms(r.ready.p95),
      ms(r.ready.max),
      ms(med(r.samples.map((s) => s.wall))),
      r.samples.map((s) => s.ready.toFixed(0)).join(', '),
    ]),
  );
  const filterTable = markdownTable(
    ['query', 'matches', 'Node median', 'Node max', 'Chromium median', 'Chromium max'],
    filterNode.map((r, i) => [
      r.name,
      num(r.matches),
      ms(r.stats.median),
      ms(r.stats.max),
      ms(filterChromium[i]?.stats.median ?? NaN),
      ms(filterChromium[i]?.stats.max ?? NaN),
    ]),
  );

  const here = describeHost(machine);
  const load = `load average (1/5/15 min) ${loadBefore} before, ${loadAfter} after; the run took ${minutes.toFixed(1)} min`;
  console.log(
    `\nPWA benchmarks (${here}; ${load})\n\n${summary}\n\n${bundleTable}\n\n${coldTable}\n\n${filterTable}\n`,
  );
  if (write) {
    await writeGeneratedBlock({
      name: 'summary',
      content: `Measured ${here}, \`pwa/bench/pwa.bench.ts\`; ${load}.\n\n${summary}`,
    });
    await writeGeneratedBlock({ name: 'bundle', content: bundleTable });
    await writeGeneratedBlock({ name: 'cold-start', content: coldTable });
    await writeGeneratedBlock({ name: 'filter', content: filterTable });
    console.log('BENCH.md: generated blocks rewritten');
  }
} finally {
  cleanUp();
}
