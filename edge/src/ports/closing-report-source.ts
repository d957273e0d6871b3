import type { ClosingFact } from '../domain/call-report';

/** The counties' period closings as projected at the hub, for the call statistics and who is late. */
export type ClosingReportSource = {
  /**
   * Closings of counties whose code starts with `prefix` ('' for all): day closings of days in
   * [fromDay, toDay] and month closings of the months those days fall in. Every closing, not only the
   * latest per period (the domain picks).
   */
  listClosings(options: { prefix: string; fromDay: string; toDay: string }): Promise<ClosingFact[]>;
  /** Counties with an appliance enrolled in the directory (its system user), under `prefix`. */
  listApplianceCounties(options: { prefix: string }): Promise<string[]>;
};
