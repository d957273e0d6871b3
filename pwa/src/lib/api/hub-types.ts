/**
 * The hub's HTTP shapes the central office's screens read (edge/README.md, edge/src/domain/order-report.ts,
 * edge/src/ports/appliance-oversight.ts). Copied, not imported: the PWA talks to the hub over its protocol only.
 * The registry's rows are the shared domain's states (@jiazheng/sync) with what the hub adds to them.
 */
import type {
  ComplaintEvidence,
  ComplaintEvidenceRef,
  ComplaintRecordKind,
  ComplaintSource,
  ComplaintState,
  ComplaintStatus,
  CreditComponent,
  CreditList,
  CreditRules,
  CreditScore,
  EnterpriseCommandType,
  EnterpriseState,
  EnterpriseStatus,
  WorkerState,
  Qualification,
} from '@jiazheng/sync/domain';

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
  /** When an administrator disabled the account; null while it is enabled. */
  disabledAt: string | null;
};

/** `POST /api/users`: the scope within the administrator's own. */
export type NewHubAccount = {
  username: string;
  password: string;
  displayName: string;
  role: string;
  scope: AccountScope;
};

/** A row of `GET /api/registry/enterprises`: the enterprise's accepted state, its credit and its workers' count. */
export type EnterpriseRow = EnterpriseState & {
  credit: { score: number; list: CreditList } | null;
  workerCount: number;
};

/** `GET /api/registry/enterprises?status=&kind=&q=`; each parameter only when set. */
export type EnterpriseListQuery = {
  status?: EnterpriseStatus | undefined;
  kind?: EnterpriseState['kind'] | undefined;
  q?: string | undefined;
};

/** One command in the record's log, as its home decided it. `userId` is `hub:<username>` for hub staff. */
export type EnterpriseLogEntry = {
  type: string;
  userId: string;
  role: string;
  decision: 'accepted' | 'rejected' | 'pending';
  code?: string;
  field?: string;
  message?: string;
  /** Epoch ms, as the command carries it (an ISO string is read as well). */
  at: number | string;
};

/** A worker's accepted state with what the hub derives from it today. */
export type WorkerRow = WorkerState & { dispatchable: boolean; trainingValid: boolean };

/** `POST /api/registry/workers`: the full identity number, which the hub masks and keeps sealed. */
export type RegisterWorkerRequest = {
  enterpriseId: string;
  name: string;
  idNumber: string;
  phone: string | null;
};

/** `GET /api/registry/enterprises/:recordId`. */
export type EnterpriseDetail = {
  enterprise: EnterpriseRow;
  log: EnterpriseLogEntry[];
  workers: WorkerRow[];
  credit: CreditScore | null;
  /** The checks an approval needs, each ticked (the domain's `ReviewCheck` values). */
  reviewChecks: string[];
};

/** `POST /api/registry/enterprises/:recordId/commands`: the domain's command type and its payload. */
export type EnterpriseCommandRequest = { type: EnterpriseCommandType; payload: Record<string, unknown> };

export type CreditEntry = {
  enterpriseId: string;
  name: string;
  kind: EnterpriseState['kind'];
  status: EnterpriseStatus;
  score: number;
  list: CreditList;
  components: CreditComponent[];
  figures: CreditFigures;
};

/** A credit row's order figures, the same for enterprises and volunteer groups; a rate is null with nothing to divide by. */
export type CreditFigures = {
  dispatched: number;
  completed: number;
  /** completed / dispatched, a fraction */
  completionRate: number | null;
  returnVisited: number;
  /** latest return visit rated 4–5 / rated, a fraction */
  satisfactionRate: number | null;
};

/** `GET /api/registry/credit`: the three lists, as computed at `computedAt`. */
export type CreditReport = {
  computedAt: number | string;
  rules: CreditRules;
  recommended: CreditEntry[];
  punishment: CreditEntry[];
  normal: CreditEntry[];
};

/** A piece of evidence as the hub shows it: a recording carries where the hub relays it from its county. */
export type ComplaintEvidenceItem = ComplaintEvidence & { url?: string };

/** A complaint as `GET /api/complaints` answers it: the accepted state, its record id, overdue now. */
export type ComplaintRow = Omit<ComplaintState, 'evidence'> & {
  recordId: string;
  overdue: boolean;
  evidence: ComplaintEvidenceItem[];
};

/** One proposal on the complaint, with what the hub decided. `userId` is `hub:<username>` for hub staff. */
export type ComplaintHistoryEntry = {
  proposalId: string;
  type: string;
  userId: string;
  role: string;
  at: number;
  decision: 'accepted' | 'rejected' | 'pending';
  code: string | null;
};

/** `GET /api/complaints/:recordId`. */
export type ComplaintDetail = { complaint: ComplaintRow; history: ComplaintHistoryEntry[] };

/** `GET /api/complaints?status=&overdue=&assignedTo=`; each parameter only when set. */
export type ComplaintListQuery = {
  status?: ComplaintStatus | undefined;
  overdue?: '1' | '0' | undefined;
  assignedTo?: string | undefined;
};

/** `POST /api/complaints/:recordId/commands` (`file` has its own endpoint). */
export type ComplaintCommandRequest = {
  type: 'assign' | 'attachEvidence' | 'decide' | 'withdraw';
  payload: Record<string, unknown>;
};

/** `POST /api/complaints`: a complaint staff file, e.g. from a call to the centre. */
export type NewComplaintRequest = {
  countyCode: string;
  kind: ComplaintRecordKind;
  description: string;
  source?: ComplaintSource;
  orderId?: string | null;
  enterpriseId?: string | null;
  enterpriseName?: string;
  citizenName?: string;
  citizenPhone?: string | null;
  evidence?: ComplaintEvidenceRef[];
  timeLimitDays?: number;
};

/** One step of a closing: `by` is who signed it off (a close) or reopened it (a console's user id). */
export type PeriodClosingEvent =
  | { action: 'closed'; at: number; by: string }
  | { action: 'reopened'; at: number; by: string; reason: string };

/** A county's closing of a day or a month, as the appliance lists it (`GET /api/periods`). */
export type PeriodClosing = {
  id: string;
  countyCode: string;
  period: { kind: 'day' | 'month'; start: string };
  status: 'closed' | 'reopened';
  calls: {
    offered: number;
    answered: number;
    answeredWithin15s: number;
    abandoned: number;
    handleSecondsTotal: number;
  };
  orders: { received: number; information: number; dispatched: number; completed: number };
  closedBy: string;
  closedAt: number;
  reopenCount: number;
  /** Every close and reopening, oldest first (the closing record's own history). */
  history: PeriodClosingEvent[];
  rates: {
    answeredWithin15sRate: number | null;
    abandonRate: number | null;
    averageHandleSeconds: number | null;
  };
};

export type CallFigures = {
  counties: number;
  offered: number;
  answered: number;
  answeredWithin15s: number;
  abandoned: number;
  handleSecondsTotal: number;
  answeredWithin15sRate: number | null;
  abandonRate: number | null;
  averageHandleSeconds: number | null;
};

/** The hub's call statistics from the periods counties closed (`GET /api/reports/calls`). */
export type CallReport = {
  rows: Array<CallFigures & { regionCode: string; regionName: string; period: string }>;
  total: CallFigures;
  notes: string[];
};

// ------------------------------------------------------------------------ training and lectures (培训与讲座)
// The contract is /work/notes/training-api.md (edge's training routes answer exactly these shapes).

export type CourseKind = 'pre_post' | 'skill' | 'lecture';
export type CourseStatus = 'scheduled' | 'completed' | 'cancelled';

/** One sitting of a course, epoch ms. */
export type CourseSession = { startsAt: number; endsAt: number };

export type CourseParticipant = {
  /** A worker: its record id `worker:hub:<ULID>`; enterprise or centre staff: `staff:<n>`. */
  participantId: string;
  kind: 'worker' | 'staff';
  workerId: string | null;
  enterpriseId: string | null;
  name: string;
  /** Staff: their employer as written; '' for a worker. */
  organisation: string;
  enrolledAt: number;
  enrolledBy: string;
  withdrawnAt: number | null;
  withdrawReason: string | null;
  /** One per session; null while not recorded. */
  attendance: Array<boolean | null>;
  examScore: number | null;
};

export type Course = {
  recordId: string;
  id: string;
  kind: CourseKind;
  code: string;
  name: string;
  grants: Qualification | null;
  hours: number;
  /** Null: no exam (a lecture). */
  passMark: number | null;
  /** Null: the certificate does not expire. */
  certificateValidMonths: number | null;
  venue: string;
  trainer: string;
  capacity: number;
  sessions: CourseSession[];
  status: CourseStatus;
  participants: CourseParticipant[];
  scheduledAt: number;
  scheduledBy: string;
  completedAt: number | null;
  completedBy: string | null;
  cancelledAt: number | null;
  cancelReason: string | null;
  updatedAt: number;
  /** Participants not withdrawn. */
  enrolled: number;
};

export type IssuanceResult = 'passed' | 'failed' | 'attended' | 'absent' | 'withdrawn';

/** What completing the course gave a participant; `trainingRecorded`: on the worker record the gate reads. */
export type CourseIssuance = { participantId: string; result: IssuanceResult; trainingRecorded: boolean };

/** The same shape as a complaint's history. */
export type CourseHistoryEntry = ComplaintHistoryEntry;

/** `GET /api/training/courses/:recordId`; `issuance` is [] until the course is completed. */
export type CourseDetail = { course: Course; issuance: CourseIssuance[]; history: CourseHistoryEntry[] };

/** `GET /api/training/courses?status=&kind=`; each parameter only when set. */
export type CourseListQuery = { status?: CourseStatus | undefined; kind?: CourseKind | undefined };

/** `POST /api/training/courses`. */
export type NewCourseRequest = {
  kind: CourseKind;
  code: string;
  name: string;
  grants?: Qualification | null;
  hours: number;
  passMark?: number | null;
  certificateValidMonths?: number | null;
  venue: string;
  trainer: string;
  capacity: number;
  sessions: CourseSession[];
};

export type CourseEnrolment =
  | { kind: 'worker'; workerId: string }
  | { kind: 'staff'; name: string; organisation: string; enterpriseId?: string | null };

/** `POST /api/training/courses/:recordId/commands`. */
export type CourseCommandRequest =
  | { type: 'enrol'; payload: { participant: CourseEnrolment } }
  | { type: 'withdraw'; payload: { participantId: string; reason: string } }
  | {
      type: 'recordAttendance';
      /** One session's register: every participant marked in one act (or just one, to correct it). */
      payload: { session: number; marks: Array<{ participantId: string; present: boolean }> };
    }
  | { type: 'recordScore'; payload: { participantId: string; examScore: number } }
  | { type: 'complete'; payload: Record<string, never> }
  | { type: 'cancel'; payload: { reason: string } };
