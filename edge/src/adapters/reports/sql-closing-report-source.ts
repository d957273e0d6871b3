import { closings, directoryUsers, type ProjectionDatabase } from '@jiazheng/sync/projections';
import { and, asc, between, eq, isNotNull, isNull, like, or } from 'drizzle-orm';
import type { ClosingFact } from '../../domain/call-report';
import type { ClosingReportSource } from '../../ports/closing-report-source';

/**
 * Reads the projected `closings` (a few rows per county and month: a national year is some tens of
 * thousands) and the directory's appliance users, in PGlite or PostgreSQL alike; the summing is the
 * pure `countClosingFacts`.
 */
export class SqlClosingReportSource implements ClosingReportSource {
  readonly #db: ProjectionDatabase;

  constructor(options: { db: ProjectionDatabase }) {
    this.#db = options.db;
  }

  async listClosings(options: { prefix: string; fromDay: string; toDay: string }): Promise<ClosingFact[]> {
    const { prefix, fromDay, toDay } = options;
    return this.#db
      .select({
        recordId: closings.recordId,
        countyCode: closings.countyCode,
        periodKind: closings.periodKind,
        periodStart: closings.periodStart,
        status: closings.status,
        callsOffered: closings.callsOffered,
        callsAnswered: closings.callsAnswered,
        callsAnsweredWithin15s: closings.callsAnsweredWithin15s,
        callsAbandoned: closings.callsAbandoned,
        handleSecondsTotal: closings.handleSecondsTotal,
        closedBy: closings.closedBy,
        closedAt: closings.closedAt,
        reopenCount: closings.reopenCount,
      })
      .from(closings)
      .where(
        and(
          // Region codes are digits only, so the prefix carries no LIKE wildcard.
          like(closings.countyCode, `${prefix}%`),
          or(
            and(eq(closings.periodKind, 'day'), between(closings.periodStart, fromDay, toDay)),
            and(
              eq(closings.periodKind, 'month'),
              between(closings.periodStart, fromDay.slice(0, 7), toDay.slice(0, 7)),
            ),
          ),
        ),
      )
      .orderBy(asc(closings.recordId));
  }

  async listApplianceCounties(options: { prefix: string }): Promise<string[]> {
    const rows = await this.#db
      .selectDistinct({ countyCode: directoryUsers.countyCode })
      .from(directoryUsers)
      .where(
        and(
          eq(directoryUsers.role, 'system'),
          isNotNull(directoryUsers.countyCode),
          isNull(directoryUsers.disabledAt),
          like(directoryUsers.countyCode, `${options.prefix}%`),
        ),
      )
      .orderBy(asc(directoryUsers.countyCode));
    return rows.flatMap((r) => (r.countyCode === null ? [] : [r.countyCode]));
  }
}
