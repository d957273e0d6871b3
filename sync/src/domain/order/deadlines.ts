import { z } from 'zod';
import { parseInput } from '../errors';
import { OrderStatus, type OrderState } from './order';

const hours = z
  .number()
  .positive()
  .max(24 * 365);

/**
 * The centre's service-level rules. They are configuration (each centre sets its own), and they never
 * change an order's state: they only say what is overdue, so changing them cannot rewrite history.
 */
export const orderDeadlineRulesSchema = z.object({
  dispatchWithinHours: z.object({ normal: hours, urgent: hours, emergency: hours }),
  acceptWithinHours: hours,
  returnVisitWithinDays: z.number().positive().max(365),
  complaintWithinDays: z.number().positive().max(365),
});
export type OrderDeadlineRules = z.infer<typeof orderDeadlineRulesSchema>;

export const defaultOrderDeadlineRules: OrderDeadlineRules = {
  dispatchWithinHours: { normal: 24, urgent: 4, emergency: 1 },
  acceptWithinHours: 2,
  returnVisitWithinDays: 3,
  complaintWithinDays: 15,
};

export const DeadlineKind = {
  dispatch: 'dispatch',
  acceptance: 'acceptance',
  returnVisit: 'return_visit',
  complaint: 'complaint',
} as const;
export type DeadlineKind = (typeof DeadlineKind)[keyof typeof DeadlineKind];

export type OrderDeadline = { orderId: string; kind: DeadlineKind; dueAt: number; complaintId?: string };

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

/** The deadlines an order is running against right now. */
export function listOrderDeadlines(options: {
  order: OrderState;
  rules: OrderDeadlineRules;
}): OrderDeadline[] {
  const rules = parseInput({ schema: orderDeadlineRulesSchema, input: options.rules, what: 'rules' });
  return deadlinesOf(options.order, rules);
}

function deadlinesOf(order: OrderState, rules: OrderDeadlineRules): OrderDeadline[] {
  const deadlines: OrderDeadline[] = [];
  const dispatchHours = rules.dispatchWithinHours[order.urgency];
  if (order.status === OrderStatus.received) {
    deadlines.push({
      orderId: order.id,
      kind: DeadlineKind.dispatch,
      dueAt: order.receivedAt + dispatchHours * hourMs,
    });
  }
  if (order.status === OrderStatus.awaitingDispatch) {
    // A declined or reopened order gets a fresh window from when it started waiting again.
    const since = order.awaitingDispatchSince ?? order.receivedAt;
    deadlines.push({ orderId: order.id, kind: DeadlineKind.dispatch, dueAt: since + dispatchHours * hourMs });
  }
  if (order.status === OrderStatus.dispatched && order.dispatch) {
    deadlines.push({
      orderId: order.id,
      kind: DeadlineKind.acceptance,
      dueAt: order.dispatch.dispatchedAt + rules.acceptWithinHours * hourMs,
    });
  }
  if (order.status === OrderStatus.served && order.dispatch?.servedAt != null) {
    deadlines.push({
      orderId: order.id,
      kind: DeadlineKind.returnVisit,
      dueAt: order.dispatch.servedAt + rules.returnVisitWithinDays * dayMs,
    });
  }
  for (const c of order.complaints) {
    if (c.status === 'open') {
      deadlines.push({
        orderId: order.id,
        kind: DeadlineKind.complaint,
        dueAt: c.openedAt + rules.complaintWithinDays * dayMs,
        complaintId: c.id,
      });
    }
  }
  return deadlines;
}

/** Every deadline already past at `now`, most overdue first: the supervisor's overdue list. */
export function listOverdue(options: {
  orders: Iterable<OrderState>;
  now: number;
  rules: OrderDeadlineRules;
}): (OrderDeadline & { overdueMs: number })[] {
  const rules = parseInput({ schema: orderDeadlineRulesSchema, input: options.rules, what: 'rules' });
  const overdue: (OrderDeadline & { overdueMs: number })[] = [];
  for (const order of options.orders) {
    for (const d of deadlinesOf(order, rules)) {
      if (d.dueAt < options.now) overdue.push({ ...d, overdueMs: options.now - d.dueAt });
    }
  }
  return overdue.sort((a, b) => b.overdueMs - a.overdueMs);
}
