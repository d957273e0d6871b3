import {
  recordIdSchema,
  type Channel,
  type ClosingState,
  type PeriodKind,
  type DeviceKind,
  type DirectoryState,
  type EnterpriseState,
  type EnterpriseStatus,
  type OrderState,
  type OrderStatus,
  type RecordKind,
  type Role,
  type Urgency,
  type WorkerState,
  type WorkerStatus,
} from '../domain';

/*
 * The mapping from a record's state to the rows of the query tables. Pure (no IO, no drizzle): the hub
 * and the appliance feed it to PGlite or PostgreSQL (projector.ts), and the PWA can feed the same rows to
 * Dexie. Row fields are the tables' columns in camelCase; timestamps are epoch ms, money integer fen.
 */

export type OrderRow = {
  recordId: string;
  countyCode: string;
  status: OrderStatus;
  channel: Channel;
  itemCode: string;
  /** The item code's prefix (FAM-NANNY → FAM): category statistics must not depend on today's catalogue. */
  categoryCode: string;
  urgency: Urgency;
  /** Canonical (see domain/phone), so a caller's number finds their orders; null for anonymous demands. */
  citizenPhone: string | null;
  citizenName: string;
  /** The current dispatch's enterprise (EnterpriseState.id); null before dispatch and after a decline or reopening. */
  enterpriseId: string | null;
  workerId: string | null;
  receivedAt: number;
  dispatchedAt: number | null;
  servedAt: number | null;
  closedAt: number | null;
  feeFen: number | null;
  resolution: OrderState['resolution'];
  reopenCount: number;
  openComplaints: number;
  /** The satisfaction of the latest return visit that reached the citizen. */
  lastSatisfaction: number | null;
  updatedAt: number;
  /** The first dispatch ever, declined or reopened ones included: time to dispatch runs to it. */
  firstDispatchedAt: number | null;
  /** Return visits made, reached or not. */
  returnVisitCount: number;
  /** Complaints ever made about the order, whatever became of them. */
  complaintCount: number;
};

export type EnterpriseRow = {
  recordId: string;
  /** What orders name in their dispatch (OrderRow.enterpriseId); not the record id. */
  enterpriseId: string;
  name: string;
  kind: EnterpriseState['kind'];
  status: EnterpriseStatus;
  licenceNumber: string | null;
  items: string[];
  counties: string[];
  agreementValidTo: number | null;
  /** Dispatchability depends on it: a suspension with an end date lapses by itself. */
  suspendedUntil: number | null;
  updatedAt: number;
};

export type WorkerRow = {
  recordId: string;
  /** What orders name as their worker (OrderRow.workerId): the worker's record id. */
  workerId: string;
  enterpriseId: string;
  name: string;
  /** Only ever the masked form (330106********1234): the full number never enters a record. */
  idNumberMasked: string;
  phone: string | null;
  status: WorkerStatus;
  healthCertificateValidUntil: number | null;
  backgroundCheckedAt: number | null;
  /**
   * Whether the worker has passed the centre's pre-post training, and until when the best such pass is
   * valid (null: it does not expire). Validity is left to the query (`valid_until >= now`): a projection
   * is a function of the record, never of the clock.
   */
  prePostTrainingPassed: boolean;
  prePostTrainingValidUntil: number | null;
  registeredAt: number;
  updatedAt: number;
};

export type DirectoryUserRow = {
  recordId: string;
  userId: string;
  name: string;
  role: Role;
  countyCode: string | null;
  disabledAt: number | null;
};

export type DirectoryDeviceRow = {
  recordId: string;
  deviceId: string;
  kind: DeviceKind;
  userId: string;
  publicKey: string;
  enrolledAt: number;
  enrolledBy: string;
  revokedAt: number | null;
  revokeReason: string | null;
};

/**
 * A county's closing of a day or month: the figures of its latest close (they count while it is reopened,
 * until it closes again), flattened for the hub's call statistics and its list of who has closed what.
 */
export type ClosingRow = {
  recordId: string;
  countyCode: string;
  periodKind: PeriodKind;
  /** `2026-11-28` or `2026-11`: text sorts as the calendar does. */
  periodStart: string;
  status: ClosingState['status'];
  callsOffered: number;
  callsAnswered: number;
  callsAnsweredWithin15s: number;
  callsAbandoned: number;
  handleSecondsTotal: number;
  callbacks: number | null;
  ordersReceived: number;
  ordersInformation: number;
  ordersDispatched: number;
  ordersCompleted: number;
  closedBy: string;
  closedAt: number;
  reopenCount: number;
  updatedAt: number;
};

export type ProjectedRows = {
  orders: OrderRow[];
  enterprises: EnterpriseRow[];
  workers: WorkerRow[];
  directoryUsers: DirectoryUserRow[];
  directoryDevices: DirectoryDeviceRow[];
  closings: ClosingRow[];
};

export type ProjectedTable = keyof ProjectedRows;

export type RecordProjection = {
  recordId: string;
  kind: RecordKind | null;
  /**
   * The tables in which this record's earlier rows are replaced by `rows`. An empty row list there is a
   * deletion (a record whose creating proposal is not accepted yet has no rows). Kinds without a
   * projection, and ids that are not record ids, replace nothing.
   */
  replaces: readonly ProjectedTable[];
  rows: ProjectedRows;
};

const tablesOfKind: Readonly<Record<RecordKind, readonly ProjectedTable[]>> = {
  order: ['orders'],
  enterprise: ['enterprises'],
  directory: ['directoryUsers', 'directoryDevices'],
  worker: ['workers'],
  // No query table yet: the hub lists complaints and courses from their records, inspections have no reports.
  complaint: [],
  inspection: [],
  course: [],
  closing: ['closings'],
};

function noRows(): ProjectedRows {
  return { orders: [], enterprises: [], workers: [], directoryUsers: [], directoryDevices: [], closings: [] };
}

/**
 * The rows that represent a record whose accepted state is `state` (readRecordSnapshot(...).state, null
 * while nothing is accepted). The same state always gives the same rows, in the same order, which is what
 * lets a rebuild be compared row for row with an incrementally maintained projection.
 */
export function projectRecord(options: { recordId: string; state: unknown }): RecordProjection {
  const { recordId, state } = options;
  const parsed = recordIdSchema.safeParse(recordId);
  // A store may hold ids that are not records (its own bookkeeping, a newer kind): they project to nothing.
  if (!parsed.success) return { recordId, kind: null, replaces: [], rows: noRows() };
  const kind = parsed.data.slice(0, parsed.data.indexOf(':')) as RecordKind;
  const rows = noRows();
  // The state is what the kind's reducer produced from the accepted log (record-kinds.ts), hence the casts.
  if (state !== null && state !== undefined) {
    if (kind === 'order') rows.orders.push(projectOrder({ recordId, state: state as OrderState }));
    if (kind === 'enterprise') {
      rows.enterprises.push(projectEnterprise({ recordId, state: state as EnterpriseState }));
    }
    if (kind === 'worker') rows.workers.push(projectWorker({ recordId, state: state as WorkerState }));
    if (kind === 'directory') {
      const directory = projectDirectory({ recordId, state: state as DirectoryState });
      rows.directoryUsers.push(...directory.users);
      rows.directoryDevices.push(...directory.devices);
    }
    if (kind === 'closing') rows.closings.push(projectClosing({ recordId, state: state as ClosingState }));
  }
  return { recordId, kind, replaces: tablesOfKind[kind], rows };
}

export function projectOrder(options: { recordId: string; state: OrderState }): OrderRow {
  const { recordId, state } = options;
  const dispatch = state.dispatch;
  const reached = state.returnVisits.filter((visit) => visit.reached);
  const dash = state.itemCode.indexOf('-');
  return {
    recordId,
    countyCode: state.countyCode,
    status: state.status,
    channel: state.channel,
    itemCode: state.itemCode,
    categoryCode: dash < 0 ? state.itemCode : state.itemCode.slice(0, dash),
    urgency: state.urgency,
    citizenPhone: state.citizenPhone,
    citizenName: state.citizenName,
    enterpriseId: dispatch?.enterpriseId ?? null,
    workerId: dispatch?.workerId ?? null,
    receivedAt: state.receivedAt,
    dispatchedAt: dispatch?.dispatchedAt ?? null,
    servedAt: dispatch?.servedAt ?? null,
    closedAt: state.closedAt,
    feeFen: dispatch?.feeFen ?? null,
    resolution: state.resolution,
    reopenCount: state.reopenCount,
    openComplaints: state.complaints.filter((complaint) => complaint.status === 'open').length,
    lastSatisfaction: reached.at(-1)?.satisfaction ?? null,
    updatedAt: state.updatedAt,
    firstDispatchedAt: state.attempts[0]?.dispatchedAt ?? dispatch?.dispatchedAt ?? null,
    returnVisitCount: state.returnVisits.length,
    complaintCount: state.complaints.length,
  };
}

export function projectClosing(options: { recordId: string; state: ClosingState }): ClosingRow {
  const { recordId, state } = options;
  return {
    recordId,
    countyCode: state.countyCode,
    periodKind: state.period.kind,
    periodStart: state.period.start,
    status: state.status,
    callsOffered: state.calls.offered,
    callsAnswered: state.calls.answered,
    callsAnsweredWithin15s: state.calls.answeredWithin15s,
    callsAbandoned: state.calls.abandoned,
    handleSecondsTotal: state.calls.handleSecondsTotal,
    callbacks: state.calls.callbacks ?? null,
    ordersReceived: state.orders.received,
    ordersInformation: state.orders.information,
    ordersDispatched: state.orders.dispatched,
    ordersCompleted: state.orders.completed,
    closedBy: state.closedBy,
    closedAt: state.closedAt,
    reopenCount: state.reopenCount,
    updatedAt: state.updatedAt,
  };
}

export function projectEnterprise(options: { recordId: string; state: EnterpriseState }): EnterpriseRow {
  const { recordId, state } = options;
  return {
    recordId,
    enterpriseId: state.id,
    name: state.name,
    kind: state.kind,
    status: state.status,
    licenceNumber: state.licenceNumber,
    items: [...state.items],
    counties: [...state.counties],
    agreementValidTo: state.agreement?.validTo ?? null,
    suspendedUntil: state.suspendedUntil,
    updatedAt: state.updatedAt,
  };
}

export function projectWorker(options: { recordId: string; state: WorkerState }): WorkerRow {
  const { recordId, state } = options;
  const passed = state.trainings.filter(
    (t) => t.grants === 'pre_post_training' && t.examScore !== null && t.examScore >= t.passMark,
  );
  return {
    recordId,
    workerId: state.id,
    enterpriseId: state.enterpriseId,
    name: state.name,
    idNumberMasked: state.idNumberMasked,
    phone: state.phone,
    status: state.status,
    healthCertificateValidUntil: state.healthCertificateValidUntil,
    backgroundCheckedAt: state.backgroundCheckedAt,
    prePostTrainingPassed: passed.length > 0,
    prePostTrainingValidUntil: passed.some((t) => t.validUntil === null)
      ? null
      : passed.reduce<number | null>((latest, t) => Math.max(latest ?? 0, t.validUntil ?? 0), null),
    registeredAt: state.registeredAt,
    updatedAt: state.updatedAt,
  };
}

export function projectDirectory(options: { recordId: string; state: DirectoryState }): {
  users: DirectoryUserRow[];
  devices: DirectoryDeviceRow[];
} {
  const { recordId, state } = options;
  const users = Object.values(state.users)
    .map((user): DirectoryUserRow => ({
      recordId,
      userId: user.userId,
      name: user.name,
      role: user.role,
      countyCode: user.countyCode,
      disabledAt: user.disabledAt,
    }))
    .sort((a, b) => compareText(a.userId, b.userId));
  const devices = Object.values(state.devices)
    .map((device): DirectoryDeviceRow => ({
      recordId,
      deviceId: device.deviceId,
      kind: device.kind,
      userId: device.userId,
      publicKey: device.publicKey,
      enrolledAt: device.enrolledAt,
      enrolledBy: device.enrolledBy,
      revokedAt: device.revokedAt,
      revokeReason: device.revokeReason,
    }))
    .sort((a, b) => compareText(a.deviceId, b.deviceId));
  return { users, devices };
}

// Code-unit order, not localeCompare: the order must not depend on the runtime's locale data.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
