import type { ClosingOrders } from '@jiazheng/sync/domain';
import { orders, type ProjectionDatabase } from '@jiazheng/sync/projections';
import { and, count, eq, gte, isNotNull, lt, or, sql } from 'drizzle-orm';

/**
 * A period's order figures as a closing records them, from the appliance's own projection of its order
 * records (the `orders` table the ProjectionService keeps): orders received in the period, and of them
 * those answered as information, dispatched (ever) and completed (served, or closed as served), as the
 * hub's order report counts them.
 */
export async function countPeriodOrders(options: {
  db: ProjectionDatabase;
  countyCode: string;
  fromMs: number;
  toMs: number;
}): Promise<ClosingOrders> {
  const { db, countyCode, fromMs, toMs } = options;
  const [row] = await db
    .select({
      received: count(),
      information: count(sql`CASE WHEN ${eq(orders.resolution, 'information')} THEN 1 END`),
      dispatched: count(sql`CASE WHEN ${isNotNull(orders.firstDispatchedAt)} THEN 1 END`),
      completed: count(
        sql`CASE WHEN ${or(eq(orders.status, 'served'), eq(orders.resolution, 'served'))} THEN 1 END`,
      ),
    })
    .from(orders)
    .where(
      and(eq(orders.countyCode, countyCode), gte(orders.receivedAt, fromMs), lt(orders.receivedAt, toMs)),
    );
  return {
    received: row?.received ?? 0,
    information: row?.information ?? 0,
    dispatched: row?.dispatched ?? 0,
    completed: row?.completed ?? 0,
  };
}
