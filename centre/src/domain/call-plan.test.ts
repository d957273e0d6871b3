import { normalisePhone } from '@jiazheng/sync/domain';
import { expect, test } from 'vitest';
import { planCalls } from './call-plan';
import { DEMO_COUNTIES } from './demo-logins';
import { parseCitizens, planSeed } from './seed-plan';

const now = Date.UTC(2026, 10, 29, 6, 0); // 14:00 in China
const citizens = parseCitizens('13800130000,张伟\n13800130001,王芳\n');
const county = DEMO_COUNTIES[0];
const orders = planSeed({ counties: DEMO_COUNTIES, citizens, now, days: 30, ordersPerDay: 6, takers: 2 })
  .orders[county.code]!;
const calls = planCalls({ county, orders, citizens, seats: ['1001', '1002'], now, days: 30, idKey: 'test' });

test('every order received by call has its call: the citizen’s number, the seat that took it, around the order’s time', () => {
  const byOrder = new Map(calls.filter((c) => c.orderId !== null).map((c) => [c.orderId, c]));
  const byCall = orders.filter((o) => o.steps[0]?.type === 'receive' && o.steps[0].channel === 'call');
  expect(byCall.length).toBeGreaterThan(50);
  expect(byOrder.size).toBe(byCall.length);
  for (const order of byCall) {
    const receive = order.steps[0]!;
    if (receive.type !== 'receive') throw new Error('not a receipt');
    const call = byOrder.get(order.id)!;
    expect(call.outcome).toBe('answered');
    expect(normalisePhone({ input: call.caller }).canonical).toBe(receive.citizen.phone);
    expect(call.seat).toBe(['1001', '1002'][order.taker]);
    // Saved while the citizen was on the line.
    expect(Date.parse(call.agentAnsweredAt!)).toBeLessThan(receive.at);
    expect(Date.parse(call.endedAt)).toBeGreaterThan(receive.at);
  }
  // Orders by SMS or the web came without a call.
  expect(orders.length).toBeGreaterThan(byCall.length);
});

test('some calls came to nothing: given up in the queue, or timed out; their callers are citizens too', () => {
  const lost = calls.filter((c) => c.orderId === null);
  expect(lost.length).toBeGreaterThan(10);
  expect(new Set(lost.map((c) => c.outcome))).toEqual(new Set(['abandoned', 'timed_out']));
  for (const call of lost) {
    expect(call.seat).toBeNull();
    expect(call.agentAnsweredAt).toBeNull();
  }
  expect(
    lost.some((c) => citizens.some((z) => normalisePhone({ input: c.caller }).canonical === z.phone)),
  ).toBe(true);
});

test('times hold together, every call is over, ids are unique and the same when planned again', () => {
  for (const call of calls) {
    const t = (iso: string | null) => (iso === null ? null : Date.parse(iso));
    expect(t(call.startedAt)!).toBeLessThan(t(call.queueJoinedAt)!);
    expect(t(call.queueJoinedAt)!).toBeLessThanOrEqual(t(call.agentAnsweredAt) ?? t(call.endedAt)!);
    expect(t(call.agentAnsweredAt) ?? t(call.endedAt)!).toBeLessThanOrEqual(t(call.endedAt)!);
    expect(t(call.endedAt)!).toBeLessThan(now);
    expect(call.id).toMatch(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/);
  }
  expect(new Set(calls.map((c) => c.id)).size).toBe(calls.length);
  expect([...calls].sort((a, b) => a.startedAt.localeCompare(b.startedAt))).toEqual(calls);
  const again = planCalls({
    county,
    orders,
    citizens,
    seats: ['1001', '1002'],
    now,
    days: 30,
    idKey: 'test',
  });
  expect(again).toEqual(calls);
});
