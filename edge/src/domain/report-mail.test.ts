import { expect, test } from 'vitest';
import { buildOrderReport, type OrderCounts } from './order-report';
import {
  buildReportMail,
  latestDuePeriod,
  MAX_BODY_ROWS,
  nextReportRunAt,
  reportMailQuery,
  type ReportSchedule,
} from './report-mail';

const at = (iso: string) => Date.parse(iso);

test.each<[ReportSchedule, string, string, string, string]>([
  // 08:30 China time on 1 December: November is due.
  ['monthly', '2026-12-01T00:30:00Z', '2026-11', '2026-11-01', '2026-11-30'],
  // 07:59 China time: not yet, October still the latest.
  ['monthly', '2026-11-30T23:59:00Z', '2026-10', '2026-10-01', '2026-10-31'],
  ['monthly', '2027-01-01T00:00:00Z', '2026-12', '2026-12-01', '2026-12-31'],
  ['monthly', '2028-03-01T00:00:00Z', '2028-02', '2028-02-01', '2028-02-29'],
  // Sunday 20:00 China time: the week before this one (Monday to Sunday).
  ['weekly', '2026-11-29T12:00:00Z', 'week-2026-11-16', '2026-11-16', '2026-11-22'],
  // Monday 08:00 China time: the week that just ended.
  ['weekly', '2026-11-30T00:00:00Z', 'week-2026-11-23', '2026-11-23', '2026-11-29'],
  ['daily', '2026-11-29T01:00:00Z', '2026-11-28', '2026-11-28', '2026-11-28'],
  ['daily', '2026-11-28T23:00:00Z', '2026-11-27', '2026-11-27', '2026-11-27'],
])('%s at %s: %s is due', (schedule, now, key, from, to) => {
  expect(latestDuePeriod({ schedule, now: at(now) })).toMatchObject({ key, from, to });
});

test.each<[ReportSchedule, string, string]>([
  ['monthly', '2026-11-15T10:00:00Z', '2026-12-01T00:00:00Z'],
  ['monthly', '2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z'],
  ['weekly', '2026-11-29T12:00:00Z', '2026-11-30T00:00:00Z'],
  ['daily', '2026-11-29T00:00:00Z', '2026-11-30T00:00:00Z'],
  ['daily', '2026-11-28T23:59:59Z', '2026-11-29T00:00:00Z'],
])('%s after %s: next run at %s (08:00 China time)', (schedule, now, next) => {
  const run = nextReportRunAt({ schedule, now: at(now) });
  expect(new Date(run).toISOString()).toBe(new Date(at(next)).toISOString());
  // At that moment a new period is due, and not a moment earlier.
  expect(latestDuePeriod({ schedule, now: run }).key).not.toBe(
    latestDuePeriod({ schedule, now: run - 1 }).key,
  );
});

const counts = (received: number): OrderCounts => ({
  received,
  call: received,
  sms: 0,
  web: 0,
  walkIn: 0,
  information: 0,
  dispatched: received,
  dispatchMsSum: received * 3_600_000,
  dispatchMsMedian: 3_600_000,
  completed: 0,
  returnVisited: 0,
  rated: 0,
  satisfied: 0,
  complained: 0,
});

test('the mail names the period, shows the total and each region, and writes a rate with nothing to divide by as —', () => {
  const period = latestDuePeriod({ schedule: 'monthly', now: at('2026-12-01T01:00:00Z') });
  const query = reportMailQuery({ period, level: 'province', schedule: 'monthly' });
  expect(query).toMatchObject({ level: 'province', period: 'month', from: '2026-11-01', to: '2026-11-30' });
  const report = buildOrderReport({
    query,
    groups: [
      { regionCode: '330000', period: '2026-11', ...counts(12) },
      { regionCode: '110000', period: '2026-11', ...counts(3) },
    ],
    total: counts(15),
  });
  const mail = buildReportMail({ report, period, schedule: 'monthly', centreName: '杭州市家政服务网络中心' });
  expect(mail.subject).toBe('杭州市家政服务网络中心 家政服务统计月报 2026-11');
  expect(mail.text).toContain('受理量 15（电话 15');
  expect(mail.text).toContain('浙江省 2026-11：受理 12，派单 12，满意率 —');
  expect(mail.text).toContain('北京市 2026-11：受理 3');
  expect(mail.text).toContain('完成率 0.0%');
  for (const note of report.notes) expect(mail.text).toContain(note);
});

test('a long report keeps the body short and points to the attachments', () => {
  const period = latestDuePeriod({ schedule: 'weekly', now: at('2026-11-30T01:00:00Z') });
  const query = reportMailQuery({ period, level: 'county', schedule: 'weekly' });
  expect(query.period).toBe('day');
  const groups = Array.from({ length: MAX_BODY_ROWS + 5 }, (_, i) => ({
    regionCode: '330106',
    period: `2026-11-${String(1 + (i % 28)).padStart(2, '0')}-${i}`,
    ...counts(1),
  }));
  const mail = buildReportMail({
    report: buildOrderReport({ query, groups, total: counts(groups.length) }),
    period,
    schedule: 'weekly',
    centreName: '中心',
  });
  expect(mail.subject).toContain('周报 2026-11-23至2026-11-29');
  expect(mail.text).toContain('……另有 5 行，见附件');
});

test('an empty period says so', () => {
  const period = latestDuePeriod({ schedule: 'daily', now: at('2026-11-29T01:00:00Z') });
  const query = reportMailQuery({ period, level: 'province', schedule: 'daily' });
  const mail = buildReportMail({
    report: buildOrderReport({ query, groups: [], total: counts(0) }),
    period,
    schedule: 'daily',
    centreName: '中心',
  });
  expect(mail.text).toContain('本期没有受理记录。');
});
