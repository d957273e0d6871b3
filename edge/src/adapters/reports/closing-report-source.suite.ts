import {
  closings,
  directoryUsers,
  Projector,
  type ClosingRow,
  type ProjectionDatabase,
} from '@jiazheng/sync/projections';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SqlClosingReportSource } from './sql-closing-report-source';

/*
 * The closings source's SQL on a given database (PGlite in sql-closing-report-source.test.ts, PostgreSQL 15
 * in the .pg test): the projection's real tables, rows as the projection writes them. The whole path from
 * signed records to the report is call-report-routes.test.ts.
 */
function row(options: { county: string; kind: 'day' | 'month'; start: string; n: number }): ClosingRow {
  return {
    recordId: `closing:${options.county}:01JBQ5M8X000000000000000${String(options.n).padStart(2, '0')}`,
    countyCode: options.county,
    periodKind: options.kind,
    periodStart: options.start,
    status: 'closed',
    callsOffered: 10 * options.n,
    callsAnswered: 9 * options.n,
    callsAnsweredWithin15s: 8 * options.n,
    callsAbandoned: options.n,
    handleSecondsTotal: 900 * options.n,
    callbacks: null,
    ordersReceived: 5,
    ordersInformation: 1,
    ordersDispatched: 3,
    ordersCompleted: 2,
    closedBy: 'lead',
    closedAt: 1_780_000_000_000 + options.n,
    reopenCount: 0,
    updatedAt: 1_780_000_000_000 + options.n,
  };
}

export function describeClosingReportSources(options: {
  name: string;
  open: () => Promise<{ db: ProjectionDatabase; close: () => Promise<void> }>;
}): void {
  describe(`closing report source on ${options.name}`, () => {
    let db: ProjectionDatabase;
    let close: () => Promise<void> = () => Promise.resolve();

    beforeAll(async () => {
      ({ db, close } = await options.open());
      await new Projector({ db, store: new MemoryRecordStore() }).migrate();
      await db
        .insert(closings)
        .values([
          row({ county: '330106', kind: 'day', start: '2026-10-31', n: 1 }),
          row({ county: '330106', kind: 'day', start: '2026-11-01', n: 2 }),
          row({ county: '330106', kind: 'day', start: '2026-11-30', n: 3 }),
          row({ county: '330106', kind: 'day', start: '2026-12-01', n: 4 }),
          row({ county: '330106', kind: 'month', start: '2026-11', n: 5 }),
          row({ county: '330106', kind: 'month', start: '2026-10', n: 6 }),
          row({ county: '330102', kind: 'day', start: '2026-11-15', n: 7 }),
          row({ county: '110105', kind: 'month', start: '2026-11', n: 8 }),
        ]);
      const user = (userId: string, role: string, countyCode: string | null, disabledAt: number | null) => ({
        recordId: 'directory:hub:01JBQ5M8X00000000000000000',
        userId,
        name: userId,
        role: role as 'system',
        countyCode,
        disabledAt,
      });
      await db
        .insert(directoryUsers)
        .values([
          user('hub', 'system', null, null),
          user('appliance-330106', 'system', '330106', null),
          user('appliance-330102', 'system', '330102', null),
          user('appliance-110105', 'system', '110105', null),
          user('appliance-330108', 'system', '330108', 1),
          user('lead', 'supervisor', '330109', null),
        ]);
    }, 120_000);

    afterAll(async () => {
      await close();
    });

    test('day closings of the range and month closings of its months, under the prefix', async () => {
      const source = new SqlClosingReportSource({ db });
      const ids = async (prefix: string) =>
        (await source.listClosings({ prefix, fromDay: '2026-11-01', toDay: '2026-11-30' })).map(
          (c) => `${c.countyCode} ${c.periodKind} ${c.periodStart}`,
        );
      expect((await ids('')).sort()).toEqual([
        '110105 month 2026-11',
        '330102 day 2026-11-15',
        '330106 day 2026-11-01',
        '330106 day 2026-11-30',
        '330106 month 2026-11',
      ]);
      expect((await ids('3301')).length).toBe(4);
      expect(await ids('330102')).toEqual(['330102 day 2026-11-15']);
      const [one] = await source.listClosings({
        prefix: '110105',
        fromDay: '2026-11-01',
        toDay: '2026-11-30',
      });
      expect(one).toMatchObject({ callsOffered: 80, handleSecondsTotal: 7_200, closedAt: 1_780_000_000_008 });
    });

    test('counties with an enabled appliance user in the directory', async () => {
      const source = new SqlClosingReportSource({ db });
      expect(await source.listApplianceCounties({ prefix: '' })).toEqual(['110105', '330102', '330106']);
      expect(await source.listApplianceCounties({ prefix: '33' })).toEqual(['330102', '330106']);
    });
  });
}
