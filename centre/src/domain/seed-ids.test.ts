import { idTime, parseRecordId } from '@jiazheng/sync/domain';
import { expect, test } from 'vitest';
import { DEMO_COUNTIES } from './demo-logins';
import { remainingToSeed, seedRecordId, seedUlid } from './seed-ids';
import { parseCitizens, planSeed } from './seed-plan';

const now = Date.UTC(2026, 10, 29, 6, 0);
const citizens = parseCitizens('13800130000,张伟\n13800130001,王芳\n');
const plan = (options: { now: number; seed?: number }) =>
  planSeed({ counties: DEMO_COUNTIES, citizens, days: 30, ordersPerDay: 6, takers: 2, ...options });

test('a seeded id is a ULID carrying the item’s time, the same for the same key, another for another key', () => {
  const at = Date.UTC(2026, 10, 3, 1, 2, 3, 4);
  const id = seedUlid({ at, key: 'k:1' });
  expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  expect(idTime({ id })).toBe(at);
  expect(seedUlid({ at, key: 'k:1' })).toBe(id);
  expect(seedUlid({ at, key: 'k:2' })).not.toBe(id);
  expect(seedUlid({ at, key: 'k:2' }).slice(0, 10)).toBe(id.slice(0, 10));
  const recordId = seedRecordId({ kind: 'order', scope: '330106', at, key: 'k:1' });
  expect(parseRecordId({ recordId })).toEqual({ kind: 'order', scope: '330106', id });
});

test('a plan made again with the same seed and clock has the same ids; every id is unique', () => {
  const first = plan({ now });
  const again = plan({ now });
  const ids = (p: typeof first) => [
    ...p.enterprises.flatMap((e) => [e.id, ...e.workers.map((w) => w.id)]),
    ...Object.values(p.orders).flatMap((orders) => orders.map((o) => o.id)),
  ];
  expect(ids(again)).toEqual(ids(first));
  expect(new Set(ids(first)).size).toBe(ids(first).length);
  expect(ids(first).length).toBeGreaterThan(300);
  // Another first start (another clock) makes other records, not the same ones again.
  const other = new Set(ids(plan({ now: now + 1 })));
  expect(ids(first).filter((id) => other.has(id))).toEqual([]);
  // An order's id carries its receipt's time, so the hub and the lists sort them as they happened.
  for (const order of first.orders['330106'] ?? [])
    expect(idTime({ id: parseRecordId({ recordId: order.id }).id })).toBe(order.steps[0]?.at);
});

test('a resumed seeding proposes only what the home does not hold yet', () => {
  const orders = plan({ now }).orders['330102'] ?? [];
  const idOf = (o: { id: string }) => o.id;
  // Nothing there yet: everything to make.
  expect(remainingToSeed({ planned: orders, idOf, present: new Set() })).toEqual({ todo: orders, done: 0 });
  // Interrupted after some orders reached the appliance (in any order, with other records around).
  const there = new Set([
    ...orders.filter((_, i) => i % 3 === 0).map(idOf),
    'order:330102:01KB00000000000000000000ZZ',
  ]);
  const resumed = remainingToSeed({ planned: orders, idOf, present: there });
  expect(resumed.done).toBe(Math.ceil(orders.length / 3));
  expect(resumed.todo).toHaveLength(orders.length - resumed.done);
  expect(resumed.todo.some((o) => there.has(o.id))).toBe(false);
  // Together, what was there and what is made are the plan, each order once.
  expect([...resumed.todo.map(idOf), ...orders.filter((o) => there.has(o.id)).map(idOf)].sort()).toEqual(
    orders.map(idOf).sort(),
  );
  // All there (interrupted after the county's last order, before its progress was written): nothing again.
  expect(remainingToSeed({ planned: orders, idOf, present: new Set(orders.map(idOf)) })).toEqual({
    todo: [],
    done: orders.length,
  });
});
