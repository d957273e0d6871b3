import { buildOrderReport, type OrderReport, type ReportLevel } from '../domain/order-report';
import {
  buildReportMail,
  latestDuePeriod,
  nextReportRunAt,
  reportMailQuery,
  type ReportSchedule,
} from '../domain/report-mail';
import { reportCsv, reportFileName } from '../domain/report-table';
import type { Logger } from '../ports/logger';
import type { MailSender, ReportMailLog } from '../ports/mail-sender';
import type { OrderReportSource } from '../ports/order-report-source';
import type { Service } from '../ports/service';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Timers are re-armed at least this often: setTimeout cannot wait a month, and clocks get corrected. */
const MAX_WAIT_MS = 3_600_000;
/** After a failed send (mail server down), try again this much later rather than at the next period. */
export const RETRY_MS = 10 * 60_000;

export type ReportMailServiceOptions = {
  source: OrderReportSource;
  sender: MailSender;
  log: ReportMailLog;
  renderXlsx: (options: { report: OrderReport }) => Promise<Uint8Array>;
  schedule: ReportSchedule;
  level: ReportLevel;
  from: string;
  to: readonly string[];
  centreName: string;
  logger: Logger;
  now?: () => number;
};

/**
 * Mails the statistics of each completed period to the configured departments, once: at start it sends the
 * latest due period if it has not gone yet (the hub was down at 08:00), then waits for the next one. What
 * was sent is logged, so a restart never repeats a mail; a failure is retried until it goes.
 */
export class ReportMailService implements Service {
  readonly #options: ReportMailServiceOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();
  #stopped = true;
  #retryAt = 0;

  constructor(options: ReportMailServiceOptions) {
    this.#options = options;
  }

  start(): Promise<void> {
    this.#stopped = false;
    this.#arm(0);
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    this.#options.sender.close();
  }

  /** Sends the latest due period unless it has been sent; says which period and whether it went now. */
  async sendDue(): Promise<{ key: string; sent: boolean }> {
    const options = this.#options;
    const now = (options.now ?? Date.now)();
    const period = latestDuePeriod({ schedule: options.schedule, now });
    if ((await options.log.lastSentKey()) === period.key) return { key: period.key, sent: false };
    const query = reportMailQuery({ period, level: options.level, schedule: options.schedule });
    const report = buildOrderReport({ query, ...(await options.source.countOrders({ query })) });
    const { subject, text } = buildReportMail({
      report,
      period,
      schedule: options.schedule,
      centreName: options.centreName,
    });
    const { messageId } = await options.sender.send({
      mail: {
        from: options.from,
        to: options.to,
        subject,
        text,
        attachments: [
          {
            filename: reportFileName({ report, extension: 'csv' }),
            content: reportCsv({ report }),
            contentType: 'text/csv; charset=utf-8',
          },
          {
            filename: reportFileName({ report, extension: 'xlsx' }),
            content: await options.renderXlsx({ report }),
            contentType: XLSX_TYPE,
          },
        ],
      },
    });
    await options.log.markSent({ key: period.key, at: (options.now ?? Date.now)(), messageId });
    options.logger.info(`统计报表已发送 / report ${period.key} mailed to ${options.to.length} recipient(s)`);
    return { key: period.key, sent: true };
  }

  #arm(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.#tick();
    }, delayMs);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    const now = (this.#options.now ?? Date.now)();
    if (now >= this.#retryAt) {
      try {
        await this.sendDue();
        this.#retryAt = 0;
      } catch (error) {
        this.#retryAt = now + RETRY_MS;
        this.#options.logger.error(
          `统计报表发送失败 / could not mail the report, retrying in ${RETRY_MS / 60_000} min:`,
          error instanceof Error ? error.message : error,
        );
      }
    }
    const next = nextReportRunAt({ schedule: this.#options.schedule, now });
    const wake = this.#retryAt > 0 ? Math.min(next, this.#retryAt) : next;
    this.#arm(Math.min(Math.max(wake - now, 0), MAX_WAIT_MS));
  }
}
