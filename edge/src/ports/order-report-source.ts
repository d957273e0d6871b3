import type { OrderCounts, OrderGroupCounts, OrderReportQuery } from '../domain/order-report';

/** Counts of the projected orders for a report, by region and period, and over all of them. */
export type OrderReportSource = {
  countOrders(options: {
    query: OrderReportQuery;
  }): Promise<{ groups: OrderGroupCounts[]; total: OrderCounts }>;
};
