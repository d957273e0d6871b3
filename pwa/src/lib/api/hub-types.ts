/**
 * The hub's HTTP shapes the central office's screens read (edge/README.md, edge/src/domain/order-report.ts,
 * edge/src/ports/appliance-oversight.ts). Copied, not imported: the PWA talks to the hub over its protocol only.
 */

export type ReportLevel = 'country' | 'province' | 'city' | 'county';
export type ReportPeriod = 'day' | 'month';

/** Rates are fractions (0.1234); null when there is nothing to divide by (shown as —, never 0). */
export type OrderFigures = {
  received: number;
  byChannel: { call: number; sms: number; web: number; walk_in: number };
  information: number;
  dispatched: number;
  dispatchHoursMedian: number | null;
  dispatchHoursAverage: number | null;
  completed: number;
  completionRate: number | null;
  returnVisited: number;
  returnVisitRate: number | null;
  satisfactionRate: number | null;
  complaintRate: number | null;
};

export type OrderReportRow = { regionCode: string; regionName: string; period: string } & OrderFigures;

export type OrderReport = {
  query: {
    level: ReportLevel;
    within: string | null;
    withinName: string | null;
    period: ReportPeriod;
    from: string;
    to: string;
    category: string | null;
    categoryName: string | null;
  };
  rows: OrderReportRow[];
  total: OrderFigures;
  notes: string[];
};

/** What `GET /api/reports/orders` is asked (as its query string). */
export type OrderReportQuery = {
  level: ReportLevel;
  within?: string | undefined;
  period: ReportPeriod;
  from: string;
  to: string;
  category?: string | undefined;
};

export type ApplianceEntry = {
  deviceId: string;
  userId: string;
  county: { code: string; name: string } | null;
  enrolledAt: string;
  revoked: { at: string; reason: string | null } | null;
  /** Null when the hub has not seen the device since it started. */
  lastContact: { at: string; connected: boolean; connectedAt: string; disconnectedAt: string | null } | null;
  version: string;
  /** Records changed at the hub since the last contact; null when there was none since the hub started. */
  backlog: { records: number; atLeast: boolean; since: string } | null;
};

export type AccountScope = { level: 'country' } | { level: 'province' | 'city' | 'county'; code: string };

/** A staff account at the hub (`GET /api/users`). */
export type HubAccount = {
  username: string;
  displayName: string;
  role: string;
  scope: AccountScope;
  createdAt: string;
  createdBy: string;
  disabled: boolean;
};

/** `POST /api/users`: the scope within the administrator's own. */
export type NewHubAccount = {
  username: string;
  password: string;
  displayName: string;
  role: string;
  scope: AccountScope;
};
