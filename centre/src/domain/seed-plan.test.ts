import {
  findItem,
  listItems,
  maskedIdNumberSchema,
  orderCommandSchema,
  validateCreditCode,
} from '@jiazheng/sync/domain';
import { expect, test } from 'vitest';
import { DEMO_COUNTIES } from './demo-logins';
import { commandOf } from './order-commands';
import {
  createRandom,
  makeCreditCode,
  parseCitizens,
  planSeed,
  summarisePlan,
  type OrderStep,
} from './seed-plan';

const now = Date.UTC(2026, 10, 29, 6, 0); // 14:00 in China
const dayMs = 86_400_000;
const citizens = parseCitizens('number,name\n# test\n13800130000,张伟\n13800130001,王芳\nbad,x\n');

function plan(seed = 1) {
  return planSeed({ counties: DEMO_COUNTIES, citizens, now, days: 30, ordersPerDay: 6, takers: 2, seed });
}

test('the population file: numbers as E.164, comments and bad lines skipped', () => {
  expect(citizens).toEqual([
    { phone: '+8613800130000', name: '张伟' },
    { phone: '+8613800130001', name: '王芳' },
  ]);
});

test('the same seed gives the same centre; another seed another one', () => {
  expect(plan(7)).toEqual(plan(7));
  expect(plan(7).enterprises.map((e) => e.licenceNumber)).not.toEqual(
    plan(8).enterprises.map((e) => e.licenceNumber),
  );
});

test('credit codes pass the registry check', () => {
  const random = createRandom(3);
  for (let i = 0; i < 200; i++) {
    const code = makeCreditCode({ regionCode: '330106', random });
    expect(validateCreditCode({ code }).ok, code).toBe(true);
  }
});

test('20–40 named enterprises across both counties and the catalogue, 1–4 trained workers each', () => {
  const { enterprises } = plan();
  expect(enterprises.length).toBeGreaterThanOrEqual(20);
  expect(enterprises.length).toBeLessThanOrEqual(40);
  expect(new Set(enterprises.map((e) => e.name)).size).toBe(enterprises.length);
  expect(new Set(enterprises.map((e) => e.licenceNumber)).size).toBe(enterprises.length);
  for (const county of DEMO_COUNTIES)
    expect(enterprises.some((e) => e.counties.includes(county.code))).toBe(true);
  expect(enterprises.some((e) => e.counties.length === 2)).toBe(true);
  const categories = new Set(enterprises.flatMap((e) => e.items.map((code) => code.slice(0, 3))));
  expect(categories.size).toBeGreaterThanOrEqual(7);
  for (const e of enterprises) {
    expect(e.workers.length).toBeGreaterThanOrEqual(1);
    expect(e.workers.length).toBeLessThanOrEqual(4);
    for (const code of e.items) expect(findItem({ code })?.handling, code).toBe('dispatch');
    expect(e.agreement.validFrom).toBeLessThan(now - 31 * dayMs);
    expect(e.agreement.validTo).toBeGreaterThan(now + 300 * dayMs);
    for (const w of e.workers) {
      expect(maskedIdNumberSchema.safeParse(w.idNumberMasked).success, w.idNumberMasked).toBe(true);
      expect(w.trainedAt).toBeLessThan(now - 31 * dayMs);
      const needed = new Set(e.items.flatMap((code) => findItem({ code })?.standard.qualifications ?? []));
      for (const q of needed) expect(w.qualifications).toContain(q);
    }
  }
});

const ids = {
  enterpriseIds: Array.from(
    { length: 40 },
    (_, i) => `enterprise:hub:01JB00000000000000000000${String(i).padStart(2, '0')}`,
  ),
  workerIds: Array.from({ length: 40 }, (_, i) =>
    Array.from(
      { length: 4 },
      (_, j) => `worker:hub:01JB0000000000000000000${String(i).padStart(2, '0')}${j}`,
    ),
  ),
};

/** The order command a step becomes (the seeder's own mapping), as the domain's schema checks it. */
function asCommand(step: OrderStep): unknown {
  const { type, payload } = commandOf({ step, orderId: 'order:330106:01JB0000000000000000000000', ids });
  return {
    id: '01JB0000000000000000000000',
    at: step.at,
    actor: { userId: 'u', role: 'call_taker' },
    type,
    payload,
  };
}

test('a month of orders per county, in time order, in the past, valid commands, sensible transitions', () => {
  const { orders, enterprises } = plan();
  const information = new Set(
    listItems()
      .filter((i) => i.handling === 'information')
      .map((i) => i.code),
  );
  for (const county of DEMO_COUNTIES) {
    const list = orders[county.code] ?? [];
    expect(list.length).toBeGreaterThan(100);
    const firstDay = Math.min(...list.map((o) => o.steps[0]?.at ?? now));
    expect(now - firstDay).toBeGreaterThan(29 * dayMs);
    const types = new Map<string, number>();
    const channels = new Set<string>();
    for (const order of list) {
      const [receive, ...rest] = order.steps;
      expect(receive?.type).toBe('receive');
      if (receive?.type !== 'receive') continue;
      channels.add(receive.channel);
      let previous = receive.at;
      for (const step of order.steps) {
        expect(step.at).toBeGreaterThanOrEqual(previous);
        expect(step.at).toBeLessThanOrEqual(now - 60_000);
        previous = step.at;
        types.set(step.type, (types.get(step.type) ?? 0) + 1);
        const parsed = orderCommandSchema.safeParse(asCommand(step));
        expect(parsed.success, `${step.type}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
        if (step.type === 'dispatch' || step.type === 'accept') {
          const e = enterprises[step.enterprise];
          expect(e?.counties).toContain(county.code);
          expect(e?.items).toContain(receive.itemCode);
          if (step.type === 'accept') expect(step.worker).toBeLessThan(e?.workers.length ?? 0);
        }
      }
      if (information.has(receive.itemCode)) expect(rest.map((s) => s.type)).toEqual(['answerInformation']);
      else if (rest.length > 0) expect(rest[0]?.type).toBe('awaitDispatch');
    }
    expect(channels).toEqual(new Set(['call', 'sms', 'web']));
    // Most dispatched and served and visited back; some information; a few complaints.
    expect(types.get('answerInformation') ?? 0).toBeGreaterThan(list.length * 0.05);
    expect(types.get('markServed') ?? 0).toBeGreaterThan(list.length * 0.6);
    expect(types.get('recordReturnVisit') ?? 0).toBeGreaterThan(list.length * 0.6);
    expect(types.get('openComplaint') ?? 0).toBeGreaterThan(0);
  }
});

test('the summary counts what the plan holds', () => {
  const p = plan();
  const s = summarisePlan(p);
  expect(s.enterprises).toBe(p.enterprises.length);
  expect(s.workers).toBe(p.enterprises.reduce((n, e) => n + e.workers.length, 0));
  expect(s.orders['330106']).toBe(p.orders['330106']?.length);
  expect(s.proposals).toBeGreaterThan(1000);
});

test('no orders a day: only the registry', () => {
  const p = planSeed({ counties: DEMO_COUNTIES, citizens, now, days: 5, ordersPerDay: 0, takers: 2 });
  expect(Object.values(p.orders).flat()).toHaveLength(0);
});
