import { z } from 'zod';
import {
  CHINA_OFFSET_MS,
  parseOrderReportQuery,
  type OrderFigures,
  type OrderReport,
  type OrderReportQuery,
  type ReportLevel,
} from './order-report';

/*
 * The scheduled report the centre mails to its departments: which period is due, when the next one is,
 * and the message. Periods end at midnight China time; the mail goes out the next morning, once the
 * counties' night-time syncs have come in.
 */

export const ReportSchedule = { daily: 'daily', weekly: 'weekly', monthly: 'monthly' } as const;
export type ReportSchedule = (typeof ReportSchedule)[keyof typeof ReportSchedule];
export const reportScheduleSchema = z.enum(ReportSchedule);

/** 08:00 China time: the offices are open, and late syncs from the night have arrived. */
export const REPORT_SEND_HOUR = 8;
const DAY_MS = 86_400_000;

/** One completed period: its first and last day (YYYY-MM-DD, inclusive) and a key naming it once. */
export type ReportPeriodDue = { key: string; from: string; to: string; label: string };

const isoDay = (chinaMidnightUtc: number) => new Date(chinaMidnightUtc).toISOString().slice(0, 10);

/**
 * The last period of `schedule` that has ended and whose send time (08:00 China time on the day after it)
 * has passed at `now`. Weeks run Monday to Sunday.
 */
export function latestDuePeriod(options: { schedule: ReportSchedule; now: number }): ReportPeriodDue {
  // Shifted so that UTC fields read China's calendar; the send hour moves the day boundary to 08:00.
  const shifted = new Date(options.now + CHINA_OFFSET_MS - REPORT_SEND_HOUR * 3_600_000);
  const today = Date.UTC(shifted.getUTCFullYear(), shifted.getUTCMonth(), shifted.getUTCDate());
  if (options.schedule === 'daily') {
    const day = isoDay(today - DAY_MS);
    return { key: day, from: day, to: day, label: day };
  }
  if (options.schedule === 'weekly') {
    const weekday = (shifted.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
    const monday = today - (weekday + 7) * DAY_MS;
    const from = isoDay(monday);
    const to = isoDay(monday + 6 * DAY_MS);
    return { key: `week-${from}`, from, to, label: `${from}至${to}` };
  }
  const first = Date.UTC(shifted.getUTCFullYear(), shifted.getUTCMonth() - 1, 1);
  const last = Date.UTC(shifted.getUTCFullYear(), shifted.getUTCMonth(), 1) - DAY_MS;
  const month = isoDay(first).slice(0, 7);
  return { key: month, from: isoDay(first), to: isoDay(last), label: month };
}

/** When the period after `latestDuePeriod(now)` becomes due: the next send time strictly after `now`. */
export function nextReportRunAt(options: { schedule: ReportSchedule; now: number }): number {
  const current = latestDuePeriod(options).key;
  // Send times fall on a China-time hour; stepping hour by hour finds the next change of period exactly.
  let at = Math.floor((options.now + CHINA_OFFSET_MS) / 3_600_000 + 1) * 3_600_000 - CHINA_OFFSET_MS;
  while (latestDuePeriod({ schedule: options.schedule, now: at }).key === current) at += 3_600_000;
  return at;
}

/** The report query a period is mailed as: every region of `level`, by day for a week or less, else by month. */
export function reportMailQuery(options: {
  period: ReportPeriodDue;
  level: ReportLevel;
  schedule: ReportSchedule;
}): OrderReportQuery {
  const parsed = parseOrderReportQuery({
    input: {
      level: options.level,
      period: options.schedule === 'monthly' ? 'month' : 'day',
      from: options.period.from,
      to: options.period.to,
    },
  });
  // The period comes from latestDuePeriod, so it always parses; a failure is a bug, not bad input.
  if (!parsed.ok) throw new Error(`report query for ${options.period.key}: ${parsed.issue.message}`);
  return parsed.query;
}

const scheduleName: Readonly<Record<ReportSchedule, string>> = {
  daily: '日报',
  weekly: '周报',
  monthly: '月报',
};

const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);
const hours = (value: number | null) => (value === null ? '—' : `${value.toFixed(1)} 小时`);

function figureLines(f: OrderFigures): string[] {
  return [
    `受理量 ${f.received}（电话 ${f.byChannel.call}，短信 ${f.byChannel.sms}，网站 ${f.byChannel.web}，来访 ${f.byChannel.walk_in}）`,
    `信息解答 ${f.information}，派单 ${f.dispatched}，派单时长中位数 ${hours(f.dispatchHoursMedian)}`,
    `完成 ${f.completed}，完成率 ${percent(f.completionRate)}；回访率 ${percent(f.returnVisitRate)}；满意率 ${percent(f.satisfactionRate)}；投诉率 ${percent(f.complaintRate)}`,
  ];
}

/** A county-level weekly report has thousands of rows: the body stays readable, the attachments have all. */
export const MAX_BODY_ROWS = 60;

export type ReportMailContent = { subject: string; text: string };

/**
 * The message: the national total and each region's headline, in plain text (the figures are in the
 * attached CSV and XLSX). Region names come from the region table, never from input.
 */
export function buildReportMail(options: {
  report: OrderReport;
  period: ReportPeriodDue;
  schedule: ReportSchedule;
  centreName: string;
}): ReportMailContent {
  const { report, period } = options;
  const title = `${options.centreName} 家政服务统计${scheduleName[options.schedule]} ${period.label}`;
  const lines = [title, '', `全国合计（${period.from}至${period.to}）`, ...figureLines(report.total)];
  if (report.rows.length > 0) {
    lines.push('', '各地区（全部数字见附件）');
    for (const row of report.rows.slice(0, MAX_BODY_ROWS)) {
      lines.push(
        `${row.regionName} ${row.period}：受理 ${row.received}，派单 ${row.dispatched}，满意率 ${percent(row.satisfactionRate)}`,
      );
    }
    if (report.rows.length > MAX_BODY_ROWS)
      lines.push(`……另有 ${report.rows.length - MAX_BODY_ROWS} 行，见附件`);
  } else {
    lines.push('', '本期没有受理记录。');
  }
  lines.push(
    '',
    ...report.notes.map((note) => `注：${note}`),
    '',
    '此邮件由中心枢纽按计划自动发送，请勿回复。',
  );
  return { subject: title, text: lines.join('\n') };
}
