// Target 3: filtering 50,000 orders. `filterOrders` (pwa/src/lib/domain/order-rows.ts) with the console's
// own `itemSearchNames`, over a generated order book; in Node, and in headless Chromium running the same
// function from its source text.
import { performance } from 'node:perf_hooks';
import { listItems } from '@jiazheng/sync/domain';
import type { Browser } from 'playwright-core';
import { itemSearchNames } from '../../src/lib/domain/order-desk';
import { filterOrders, type OrderFilter } from '../../src/lib/domain/order-rows';
import { makeOrderRows } from '../lib/order-fixture';
import { log, stats, type Stats } from '../lib/report';

export const ORDER_COUNT = 50_000;
const WARM_UP = 5;
const RUNS = 20;

export const queries: { name: string; filter: OrderFilter }[] = [
  { name: 'phone digits `1381234`', filter: { text: '1381234', status: '' } },
  { name: 'a surname `王`', filter: { text: '王', status: '' } },
  { name: 'an address word `文三路`', filter: { text: '文三路', status: '' } },
  { name: 'a service in Chinese `保洁`', filter: { text: '保洁', status: '' } },
  { name: 'a service in English `cleaning`', filter: { text: 'cleaning', status: '' } },
  { name: 'a status only (awaiting dispatch)', filter: { text: '', status: 'awaiting_dispatch' } },
  { name: 'status dispatched + `王`', filter: { text: '王', status: 'dispatched' } },
];

export type QueryResult = { name: string; matches: number; stats: Stats };

function fixtureOptions() {
  const items = listItems();
  return {
    count: ORDER_COUNT,
    dispatchItems: items.filter((i) => i.handling === 'dispatch').map((i) => i.code),
    informationItems: items.filter((i) => i.handling === 'information').map((i) => i.code),
    seed: 20_260_101,
  };
}

export function measureFilterInNode(): QueryResult[] {
  const built = performance.now();
  const rows = makeOrderRows(fixtureOptions());
  log(`filter: ${rows.length} rows built in ${(performance.now() - built).toFixed(0)} ms`);
  return queries.map(({ name, filter }) => {
    const run = () => filterOrders({ rows, filter, itemNames: itemSearchNames }).length;
    for (let i = 0; i < WARM_UP; i++) run();
    const samples: number[] = [];
    let matches = 0;
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      matches = run();
      samples.push(performance.now() - t);
    }
    log(`filter (node): ${name}`);
    return { name, matches, stats: stats(samples) };
  });
}

/**
 * The same rows and queries in a Chromium page. The functions go in as source text (as tsx compiled
 * them: the same code the bundle minifies); `__name` is the helper esbuild's keepNames calls. The
 * garbage of building the fixture is collected before timing (`--expose-gc`): in the console the rows
 * are built as records arrive, long before someone types a query.
 */
export async function measureFilterInChromium(browser: Browser): Promise<QueryResult[]> {
  const names = Object.fromEntries(listItems().map((i) => [i.code, itemSearchNames(i.code)]));
  const page = await browser.newPage();
  try {
    const count = await page.evaluate(`(() => {
      globalThis.__name ??= (f) => f;
      const makeOrderRows = (${makeOrderRows.toString()});
      const filterOrders = (${filterOrders.toString()});
      const names = ${JSON.stringify(names)};
      const rows = makeOrderRows(${JSON.stringify(fixtureOptions())});
      globalThis.__filterBench = { rows, filterOrders, itemNames: (code) => names[code] ?? code };
      globalThis.gc?.();
      return rows.length;
    })()`);
    if (count !== ORDER_COUNT) throw new Error(`the page built ${String(count)} rows`);
    const results: QueryResult[] = [];
    for (const { name, filter } of queries) {
      const out = await page.evaluate<{ samples: number[]; matches: number }>(`(() => {
        const b = globalThis.__filterBench;
        const filter = ${JSON.stringify(filter)};
        const run = () => b.filterOrders({ rows: b.rows, filter, itemNames: b.itemNames }).length;
        for (let i = 0; i < ${WARM_UP}; i++) run();
        const samples = [];
        let matches = 0;
        for (let i = 0; i < ${RUNS}; i++) {
          const t = performance.now();
          matches = run();
          samples.push(performance.now() - t);
        }
        return { samples, matches };
      })()`);
      log(`filter (chromium): ${name}`);
      results.push({ name, matches: out.matches, stats: stats(out.samples) });
    }
    return results;
  } finally {
    await page.close();
  }
}
