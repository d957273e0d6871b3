import { findItem } from '@jiazheng/sync/domain';
import { orders } from '@jiazheng/sync/projections';
import { and, count, desc, eq, isNull } from 'drizzle-orm';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { CallStore } from '../../ports/call-store';
import type { CallerHistory, CallerLookup } from '../../ports/caller-lookup';
import { callbacks } from './call-schema';

/** How much history the screen pop carries: the latest first, the rest one click away. */
const RECENT_CALLS = 10;
const RECENT_ORDERS = 10;

/** The screen pop's lookup: the caller's calls (call store) and orders (the projections) in one PGlite. */
export class PgliteCallerLookup implements CallerLookup {
  readonly #db: PgliteDatabase;
  readonly #calls: CallStore;

  constructor(options: { db: PgliteDatabase; calls: CallStore }) {
    this.#db = options.db;
    this.#calls = options.calls;
  }

  async lookup(options: { caller: string }): Promise<CallerHistory> {
    const { caller } = options;
    const [recentCalls, callsTotal, orderRows, [openCallbacks]] = await Promise.all([
      this.#calls.findCallsByCaller({ caller, limit: RECENT_CALLS }),
      this.#calls.countCallsByCaller({ caller }),
      this.#db
        .select({
          recordId: orders.recordId,
          countyCode: orders.countyCode,
          status: orders.status,
          itemCode: orders.itemCode,
          categoryCode: orders.categoryCode,
          citizenName: orders.citizenName,
          receivedAt: orders.receivedAt,
          lastSatisfaction: orders.lastSatisfaction,
          openComplaints: orders.openComplaints,
        })
        .from(orders)
        .where(eq(orders.citizenPhone, caller))
        .orderBy(desc(orders.receivedAt))
        .limit(RECENT_ORDERS),
      this.#db
        .select({ n: count() })
        .from(callbacks)
        .where(and(eq(callbacks.caller, caller), isNull(callbacks.doneAt))),
    ]);
    return {
      callsTotal,
      calls: recentCalls,
      orders: orderRows.map((row) => ({
        ...row,
        itemName: findItem({ code: row.itemCode })?.name ?? { zh: row.itemCode, en: row.itemCode },
        receivedAt: new Date(row.receivedAt).toISOString(),
      })),
      knownName: orderRows.find((row) => row.citizenName.trim() !== '')?.citizenName ?? null,
      openCallbacks: openCallbacks?.n ?? 0,
    };
  }
}
