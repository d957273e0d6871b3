import {
  complaintEvidenceSchema,
  ComplaintStatus,
  complaintTimeLimitDays,
  complaintTransitionList,
  findRegion,
  formatRegionName,
  isComplaintOverdue,
  maxComplaintTimeLimitDays,
  RegionLevel,
  Role,
  searchRegions,
  tryNormalisePhone,
  type ComplaintEvidenceRef,
  type ComplaintRecordKind,
} from '@jiazheng/sync/domain';
import type {
  ComplaintCommandRequest,
  ComplaintListQuery,
  ComplaintRow,
  HubAccount,
  NewComplaintRequest,
} from '../api/hub-types';
import { parseYuanInput } from './yuan-input';

/**
 * The arbitration desk at the hub as pure code: the list's query and order, the time limit as a person
 * reads it (China calendar days), what a status lets a role do (read from the domain's own transition
 * table, so no button offers what the hub refuses), and the forms turned into the hub's payloads.
 * Errors are i18n keys under `arbitration.errors`; the components translate.
 */

const DAY_MS = 24 * 3_600_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

export const COMPLAINT_STATUSES: readonly ComplaintStatus[] = Object.values(ComplaintStatus);
const OPEN_STATUSES: readonly ComplaintStatus[] = [ComplaintStatus.filed, ComplaintStatus.assigned];

/** `open` (filed or assigned) is the desk's default: the work still to do. */
export type ComplaintStatusFilter = 'open' | 'all' | ComplaintStatus;
export const COMPLAINT_STATUS_FILTERS: readonly ComplaintStatusFilter[] = [
  'open',
  'all',
  ...COMPLAINT_STATUSES,
];

export type ComplaintFilter = { status: ComplaintStatusFilter; overdueOnly: boolean; mine: boolean };
export const DEFAULT_COMPLAINT_FILTER: ComplaintFilter = { status: 'open', overdueOnly: false, mine: false };

/** The directory user a hub account signs as (edge: `staffDirectoryUserId`). */
export function hubUserId(options: { username: string }): string {
  return `hub:${options.username}`;
}

/**
 * What the hub is asked. Its `status` takes one status, so `open` (two) and `all` ask without one and
 * `filterComplaints` narrows the answer.
 */
export function complaintQuery(options: { filter: ComplaintFilter; username: string }): ComplaintListQuery {
  const { filter, username } = options;
  const query: ComplaintListQuery = {};
  if (filter.status !== 'open' && filter.status !== 'all') query.status = filter.status;
  if (filter.overdueOnly) query.overdue = '1';
  if (filter.mine) query.assignedTo = hubUserId({ username });
  return query;
}

/** Whether a complaint is past its time limit now (the hub's flag is from when it answered). */
export function isOverdue(options: { complaint: ComplaintRow; now: number }): boolean {
  return isComplaintOverdue({ complaint: options.complaint, now: options.now });
}

/**
 * The rows the list shows, in its order: open complaints nearest time limit first (the overdue ones, most
 * overdue, on top), then finished ones most recently changed first.
 */
export function filterComplaints(options: {
  rows: readonly ComplaintRow[];
  filter: ComplaintFilter;
  now: number;
}): ComplaintRow[] {
  const { rows, filter, now } = options;
  const kept = rows.filter(
    (row) =>
      (filter.status === 'all' ||
        (filter.status === 'open' ? OPEN_STATUSES.includes(row.status) : row.status === filter.status)) &&
      (!filter.overdueOnly || isOverdue({ complaint: row, now })),
  );
  return sortComplaints({ rows: kept });
}

export function sortComplaints(options: { rows: readonly ComplaintRow[] }): ComplaintRow[] {
  const isOpen = (row: ComplaintRow): boolean => OPEN_STATUSES.includes(row.status);
  return [...options.rows].sort((a, b) => {
    if (isOpen(a) !== isOpen(b)) return isOpen(a) ? -1 : 1;
    const byTime = isOpen(a) ? a.dueAt - b.dueAt : b.updatedAt - a.updatedAt;
    return byTime !== 0 ? byTime : a.recordId.localeCompare(b.recordId);
  });
}

/** The reference citizens are told (the website's confirmation shows the same): the id's last 8 characters. */
export function complaintReference(options: { recordId: string }): string {
  return options.recordId.slice(-8);
}

function chinaDay(ms: number): number {
  return Math.floor((ms + CHINA_OFFSET_MS) / DAY_MS);
}

/** `YYYY-MM-DD` in China time. */
export function chinaDateOf(options: { at: number }): string {
  return new Date(options.at + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * The time limit as the desk reads it, in China calendar days: how many days are left (0: due today), or
 * by how many days it is overdue (0: overdue since earlier today). Finished complaints have no limit left.
 */
export type TimeLimit =
  { kind: 'closed' } | { kind: 'left'; days: number } | { kind: 'overdue'; days: number };

export function timeLimit(options: { complaint: ComplaintRow; now: number }): TimeLimit {
  const { complaint, now } = options;
  if (!OPEN_STATUSES.includes(complaint.status)) return { kind: 'closed' };
  const days = chinaDay(complaint.dueAt) - chinaDay(now);
  if (isOverdue({ complaint, now }) || complaint.overdue)
    return { kind: 'overdue', days: Math.max(0, -days) };
  return { kind: 'left', days: Math.max(0, days) };
}

/** The i18n key and values of a time limit (under `arbitration.limit`). */
export function timeLimitLabel(limit: TimeLimit): { key: string; days?: number } {
  switch (limit.kind) {
    case 'closed':
      return { key: 'closed' };
    case 'left':
      return limit.days === 0 ? { key: 'dueToday' } : { key: 'daysLeft', days: limit.days };
    case 'overdue':
      return limit.days === 0 ? { key: 'overdueToday' } : { key: 'overdueBy', days: limit.days };
  }
}

/** A county's name as in an address (regions are Chinese only), or its code when unknown or malformed. */
export function countyName(options: { code: string }): string {
  try {
    return findRegion({ code: options.code })?.name ?? options.code;
  } catch {
    return options.code;
  }
}

function isCounty(code: string): boolean {
  try {
    return findRegion({ code })?.level === RegionLevel.county;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------- actions

export const COMPLAINT_ACTIONS = ['assign', 'attachEvidence', 'decide', 'withdraw'] as const;
export type ComplaintAction = (typeof COMPLAINT_ACTIONS)[number];

const rules = new Map(complaintTransitionList.map((rule) => [rule.type, rule]));

function roleMay(options: { type: string; role: string; status?: ComplaintStatus }): boolean {
  const rule = rules.get(options.type);
  if (rule === undefined) return false;
  if (!(rule.roles as readonly string[]).includes(options.role)) return false;
  if (options.status === undefined) return true;
  return rule.from !== 'create' && rule.from.includes(options.status);
}

/**
 * The actions the user may take on a complaint in its status, in the order the view lists them. Deciding
 * is for the arbitrator it is assigned to (an administrator may stand in), as the domain rules; whether a
 * county-scoped account may arbitrate at all is left to the hub, which the browser cannot see.
 */
export function allowedComplaintActions(options: {
  complaint: Pick<ComplaintRow, 'status' | 'assignee'>;
  role: string;
  username: string;
}): ComplaintAction[] {
  const { complaint, role, username } = options;
  return COMPLAINT_ACTIONS.filter((action) => {
    if (!roleMay({ type: action, role, status: complaint.status })) return false;
    if (action === 'decide' && role !== Role.administrator) {
      return complaint.assignee?.userId === hubUserId({ username });
    }
    return true;
  });
}

/** Who may file a complaint from the centre's own phone line (the domain's filers the hub lets through). */
export function mayFileComplaint(options: { role: string }): boolean {
  return options.role !== Role.system && roleMay({ type: 'file', role: options.role });
}

/** GET /api/recordings/…: quality inspectors, legal consultants and administrators only. */
const LISTENERS: ReadonlySet<string> = new Set([
  Role.qualityInspector,
  Role.legalConsultant,
  Role.administrator,
]);
export function mayListen(options: { role: string }): boolean {
  return LISTENERS.has(options.role);
}

/** GET /api/documents/…: the hub keeps its files for registry officers and administrators. */
const DOCUMENT_READERS: ReadonlySet<string> = new Set([Role.administrator, Role.registryOfficer]);
export function mayViewPhoto(options: { role: string }): boolean {
  return DOCUMENT_READERS.has(options.role);
}

/** GET /api/users: administrators; others type the arbitrator's username. */
export function mayListAccounts(options: { role: string }): boolean {
  return options.role === Role.administrator;
}

export type ArbitratorRole = typeof Role.qualityInspector | typeof Role.legalConsultant;
export const ARBITRATOR_ROLES: readonly ArbitratorRole[] = [Role.qualityInspector, Role.legalConsultant];

export type AssigneeCandidate = { userId: string; role: ArbitratorRole; label: string };

/** The hub's enabled inspectors and legal consultants, as the assign form offers them, by name. */
export function assigneeCandidates(options: { accounts: readonly HubAccount[] }): AssigneeCandidate[] {
  return options.accounts
    .filter(
      (account): account is HubAccount & { role: ArbitratorRole } =>
        !account.disabled && (ARBITRATOR_ROLES as readonly string[]).includes(account.role),
    )
    .map((account) => ({
      userId: hubUserId({ username: account.username }),
      role: account.role,
      label: account.displayName === '' ? account.username : `${account.displayName} (${account.username})`,
    }))
    .sort((a, b) => a.role.localeCompare(b.role) || a.label.localeCompare(b.label, 'zh-CN'));
}

// ------------------------------------------------------------------------------------------------ forms

export const DECISION_KINDS = ['dismissed', 'refund', 'penalty', 'suspension'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

/** Everything the action forms hold: kept while the hub refuses, so nothing typed is lost. */
export type ComplaintActionForm = {
  /** `hub:<username>` or just the username. */
  assignee: string;
  assigneeRole: ArbitratorRole;
  evidenceKind: ComplaintEvidenceRef['kind'];
  countyCode: string;
  callId: string;
  sha256: string;
  photoName: string;
  outcome: DecisionKind;
  refundYuan: string;
  points: string;
  days: string;
  reason: string;
};

export function emptyComplaintActionForm(options: { countyCode: string }): ComplaintActionForm {
  return {
    assignee: '',
    assigneeRole: Role.qualityInspector,
    evidenceKind: 'recording',
    countyCode: options.countyCode,
    callId: '',
    sha256: '',
    photoName: '',
    outcome: 'dismissed',
    refundYuan: '',
    points: '',
    days: '',
    reason: '',
  };
}

export type ComplaintFormField =
  | 'assignee'
  | 'assigneeRole'
  | 'countyCode'
  | 'callId'
  | 'sha256'
  | 'photoName'
  | 'outcome'
  | 'refundYuan'
  | 'points'
  | 'days'
  | 'reason'
  | 'action';

/** The problems the forms find, each an i18n key under `arbitration.errors`. */
export const COMPLAINT_ERRORS = [
  'assigneeRequired',
  'assigneeInvalid',
  'alreadyAssigned',
  'countyInvalid',
  'callIdInvalid',
  'sha256Invalid',
  'photoNameRequired',
  'photoNameTooLong',
  'duplicateEvidence',
  'refundInvalid',
  'refundPositive',
  'pointsRange',
  'daysRange',
  'onlyDismiss',
  'reasonRequired',
  'reasonTooLong',
  'kindRequired',
  'descriptionRequired',
  'descriptionTooLong',
  'enterpriseRequired',
  'enterpriseTooLong',
  'orderIdInvalid',
  'phoneInvalid',
  'nameTooLong',
  'timeLimitRange',
] as const;
export type ComplaintError = (typeof COMPLAINT_ERRORS)[number];

export type ComplaintFieldErrors = Partial<Record<ComplaintFormField, ComplaintError>>;
export type FormResult<T, F extends string> =
  { ok: true; value: T } | { ok: false; errors: Partial<Record<F, ComplaintError>> };

const REASON_MAX = 500;
const USERNAME = /^[a-z0-9_.-]{2,32}$/;

/** A whole number typed in a field (half-width or an IME's full-width digits), or null. */
function wholeNumber(text: string): number | null {
  const half = text.trim().replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  return /^\d{1,6}$/.test(half) ? Number(half) : null;
}

function reasonOf(text: string): { ok: true; value: string } | { ok: false; error: ComplaintError } {
  const reason = text.trim();
  if (reason === '') return { ok: false, error: 'reasonRequired' };
  if (reason.length > REASON_MAX) return { ok: false, error: 'reasonTooLong' };
  return { ok: true, value: reason };
}

function evidenceKey(e: ComplaintEvidenceRef): string {
  return e.kind === 'recording' ? `recording:${e.countyCode}:${e.callId}` : `photo:${e.sha256}`;
}

function evidenceFromForm(options: {
  form: ComplaintActionForm;
  existing: readonly ComplaintEvidenceRef[];
}): FormResult<ComplaintEvidenceRef, ComplaintFormField> {
  const { form, existing } = options;
  let candidate: ComplaintEvidenceRef;
  if (form.evidenceKind === 'recording') {
    const countyCode = form.countyCode.trim();
    const callId = form.callId.trim();
    const errors: ComplaintFieldErrors = {};
    if (!isCounty(countyCode)) errors.countyCode = 'countyInvalid';
    if (!/^[A-Za-z0-9_.:-]{1,80}$/.test(callId)) errors.callId = 'callIdInvalid';
    if (Object.keys(errors).length > 0) return { ok: false, errors };
    candidate = { kind: 'recording', countyCode, callId };
  } else {
    const sha256 = form.sha256.trim().toLowerCase();
    const name = form.photoName.trim();
    const errors: ComplaintFieldErrors = {};
    if (!/^[0-9a-f]{64}$/.test(sha256)) errors.sha256 = 'sha256Invalid';
    if (name === '') errors.photoName = 'photoNameRequired';
    else if (name.length > 120) errors.photoName = 'photoNameTooLong';
    if (Object.keys(errors).length > 0) return { ok: false, errors };
    candidate = { kind: 'photo', sha256, name };
  }
  // The domain's own schema has the last word on the shape, as the hub will check it.
  const parsed = complaintEvidenceSchema.safeParse(candidate);
  const field = form.evidenceKind === 'recording' ? 'callId' : 'sha256';
  if (!parsed.success) {
    return { ok: false, errors: { [field]: field === 'callId' ? 'callIdInvalid' : 'sha256Invalid' } };
  }
  if (existing.some((e) => evidenceKey(e) === evidenceKey(parsed.data))) {
    return { ok: false, errors: { [field]: 'duplicateEvidence' } };
  }
  return { ok: true, value: parsed.data };
}

function outcomeFromForm(options: {
  form: ComplaintActionForm;
  enterpriseNamed: boolean;
}): FormResult<Record<string, unknown>, ComplaintFormField> {
  const { form } = options;
  // Nobody to sanction when no registered enterprise is named: the domain only lets it be dismissed.
  if (form.outcome !== 'dismissed' && !options.enterpriseNamed) {
    return { ok: false, errors: { outcome: 'onlyDismiss' } };
  }
  switch (form.outcome) {
    case 'dismissed':
      return { ok: true, value: { kind: 'dismissed' } };
    case 'refund': {
      const amount = parseYuanInput({ text: form.refundYuan });
      if (!amount.ok) return { ok: false, errors: { refundYuan: 'refundInvalid' } };
      if (amount.fen <= 0) return { ok: false, errors: { refundYuan: 'refundPositive' } };
      return { ok: true, value: { kind: 'refund', amountFen: amount.fen } };
    }
    case 'penalty': {
      const points = wholeNumber(form.points);
      if (points === null || points < 1 || points > 100)
        return { ok: false, errors: { points: 'pointsRange' } };
      return { ok: true, value: { kind: 'penalty', points } };
    }
    case 'suspension': {
      const days = wholeNumber(form.days);
      if (days === null || days < 1 || days > 365) return { ok: false, errors: { days: 'daysRange' } };
      return { ok: true, value: { kind: 'suspension', days } };
    }
  }
}

/**
 * The command an action's form makes, checked as the domain will check it, so the common mistakes are
 * caught before a round trip; the hub still decides, and its refusal is placed by `complaintFieldOfRefusal`.
 */
export function buildComplaintCommand(options: {
  action: ComplaintAction;
  form: ComplaintActionForm;
  complaint: Pick<ComplaintRow, 'assignee' | 'evidence' | 'enterpriseId'>;
}): FormResult<ComplaintCommandRequest, ComplaintFormField> {
  const { action, form, complaint } = options;
  switch (action) {
    case 'assign': {
      const typed = form.assignee.trim();
      if (typed === '') return { ok: false, errors: { assignee: 'assigneeRequired' } };
      const username = typed.startsWith('hub:') ? typed.slice('hub:'.length) : typed;
      if (!USERNAME.test(username)) return { ok: false, errors: { assignee: 'assigneeInvalid' } };
      const userId = hubUserId({ username });
      if (complaint.assignee?.userId === userId)
        return { ok: false, errors: { assignee: 'alreadyAssigned' } };
      return { ok: true, value: { type: 'assign', payload: { userId, role: form.assigneeRole } } };
    }
    case 'attachEvidence': {
      const evidence = evidenceFromForm({ form, existing: complaint.evidence });
      return evidence.ok
        ? { ok: true, value: { type: 'attachEvidence', payload: evidence.value } }
        : evidence;
    }
    case 'decide': {
      const outcome = outcomeFromForm({ form, enterpriseNamed: complaint.enterpriseId !== null });
      const reason = reasonOf(form.reason);
      if (!outcome.ok || !reason.ok) {
        return {
          ok: false,
          errors: { ...(outcome.ok ? {} : outcome.errors), ...(reason.ok ? {} : { reason: reason.error }) },
        };
      }
      return {
        ok: true,
        value: { type: 'decide', payload: { outcome: outcome.value, reason: reason.value } },
      };
    }
    case 'withdraw': {
      const reason = reasonOf(form.reason);
      return reason.ok
        ? { ok: true, value: { type: 'withdraw', payload: { reason: reason.value } } }
        : { ok: false, errors: { reason: reason.error } };
    }
  }
}

/**
 * Where the hub's refusal of a command belongs in the form, from the field it names
 * (`payload.outcome.amountFen`, `payload.userId`, …); anything else is shown by the action's buttons.
 */
export function complaintFieldOfRefusal(options: {
  field: string | null;
  action: ComplaintAction;
}): ComplaintFormField {
  const { field, action } = options;
  if (field === null) return 'action';
  const [head, first, second] = field.split('.');
  if (head !== 'payload') return 'action';
  if (first === 'userId') return 'assignee';
  if (first === 'role') return 'assigneeRole';
  if (first === 'reason') return 'reason';
  if (first === 'countyCode') return 'countyCode';
  if (first === 'callId') return 'callId';
  if (first === 'sha256') return 'sha256';
  if (first === 'name') return 'photoName';
  if (first === 'outcome') {
    if (second === 'amountFen') return 'refundYuan';
    if (second === 'points') return 'points';
    if (second === 'days') return 'days';
    return 'outcome';
  }
  // `payload` alone: a duplicate or one too many pieces of evidence.
  if (first === undefined && action === 'attachEvidence') return 'callId';
  return 'action';
}

// ------------------------------------------------------------------------------------- a new complaint

/** The centre's own phone line: what the call-taker or inspector types while the citizen is on the line. */
export type NewComplaintForm = {
  countyCode: string;
  kind: ComplaintRecordKind | '';
  description: string;
  enterpriseName: string;
  enterpriseId: string;
  orderId: string;
  citizenName: string;
  citizenPhone: string;
  /** Empty: the domain's default for the kind. */
  timeLimitDays: string;
};

export const EMPTY_NEW_COMPLAINT: NewComplaintForm = {
  countyCode: '',
  kind: '',
  description: '',
  enterpriseName: '',
  enterpriseId: '',
  orderId: '',
  citizenName: '',
  citizenPhone: '',
  timeLimitDays: '',
};

export type NewComplaintField = keyof NewComplaintForm | 'action';

/** The default time limit of a kind, in days (15 for quality, 7 for price), or null before a kind is chosen. */
export function defaultTimeLimitDays(options: { kind: NewComplaintForm['kind'] }): number | null {
  return options.kind === '' ? null : complaintTimeLimitDays[options.kind];
}

export type CountySuggestion = { code: string; label: string };

/**
 * Counties for the form's suggestions, from a name (西湖, 杭州 finds its districts) or a code's first
 * digits; each with its full name as an address writes it, so two 西湖区 are told apart.
 */
export function countySuggestions(options: { query: string; limit?: number }): CountySuggestion[] {
  const query = options.query.trim();
  const limit = options.limit ?? 8;
  if (query === '' || query.length > 40) return [];
  if (/^\d+$/.test(query)) {
    return isCounty(query) ? [{ code: query, label: formatRegionName({ code: query }) }] : [];
  }
  try {
    return searchRegions({ query, limit: 50 })
      .filter((r) => r.level === RegionLevel.county)
      .slice(0, limit)
      .map((r) => ({ code: r.code, label: formatRegionName({ code: r.code }) }));
  } catch {
    return [];
  }
}

/** The full name of a county code as typed so far, or null while it names none. */
export function countyFullName(options: { code: string }): string | null {
  const code = options.code.trim();
  return isCounty(code) ? formatRegionName({ code }) : null;
}

export function buildNewComplaint(options: {
  form: NewComplaintForm;
}): FormResult<NewComplaintRequest, NewComplaintField> {
  const { form } = options;
  const errors: Partial<Record<NewComplaintField, ComplaintError>> = {};
  const countyCode = form.countyCode.trim();
  if (!isCounty(countyCode)) errors.countyCode = 'countyInvalid';
  if (form.kind === '') errors.kind = 'kindRequired';
  const description = form.description.trim();
  if (description === '') errors.description = 'descriptionRequired';
  else if (description.length > 2000) errors.description = 'descriptionTooLong';
  const enterpriseName = form.enterpriseName.trim();
  const enterpriseId = form.enterpriseId.trim();
  if (enterpriseName === '' && enterpriseId === '') errors.enterpriseName = 'enterpriseRequired';
  else if (enterpriseName.length > 100) errors.enterpriseName = 'enterpriseTooLong';
  if (enterpriseId.length > 80) errors.enterpriseId = 'enterpriseTooLong';
  const orderId = form.orderId.trim();
  if (orderId !== '' && !new RegExp(`^order:${countyCode}:[0-9A-HJKMNP-TV-Z]{26}$`).test(orderId)) {
    errors.orderId = 'orderIdInvalid';
  }
  const citizenName = form.citizenName.trim();
  if (citizenName.length > 40) errors.citizenName = 'nameTooLong';
  let citizenPhone: string | null = null;
  if (form.citizenPhone.trim() !== '') {
    const phone = tryNormalisePhone({ input: form.citizenPhone.trim() });
    if (phone.ok) citizenPhone = phone.value.canonical;
    else errors.citizenPhone = 'phoneInvalid';
  }
  let timeLimitDays: number | undefined;
  if (form.timeLimitDays.trim() !== '') {
    const days = wholeNumber(form.timeLimitDays);
    if (days === null || days < 1 || days > maxComplaintTimeLimitDays)
      errors.timeLimitDays = 'timeLimitRange';
    else timeLimitDays = days;
  }
  if (Object.keys(errors).length > 0 || form.kind === '') return { ok: false, errors };
  return {
    ok: true,
    value: {
      source: 'call',
      countyCode,
      kind: form.kind,
      description,
      enterpriseName,
      enterpriseId: enterpriseId === '' ? null : enterpriseId,
      orderId: orderId === '' ? null : orderId,
      citizenName,
      citizenPhone,
      ...(timeLimitDays === undefined ? {} : { timeLimitDays }),
    },
  };
}

/** Where the hub's refusal of a filing belongs (`countyCode`, `payload.orderId`, `payload.dueAt`, …). */
export function newComplaintFieldOfRefusal(options: { field: string | null }): NewComplaintField {
  const parts = (options.field ?? '').split('.');
  const name = parts[0] === 'payload' ? parts[1] : parts[0];
  if (name === 'dueAt') return 'timeLimitDays';
  const known: readonly string[] = Object.keys(EMPTY_NEW_COMPLAINT);
  return name !== undefined && known.includes(name) ? (name as keyof NewComplaintForm) : 'action';
}

// --------------------------------------------------------------------------------- evidence and history

/** Why a recording did not play, as an i18n key under `arbitration.recording`, from the hub's status. */
export function recordingProblem(options: { status: number }): string {
  switch (options.status) {
    case 503:
      return 'notConnected';
    case 404:
      return 'notFound';
    case 403:
      return 'forbidden';
    case 504:
      return 'timeout';
    case 0:
      return 'network';
    default:
      return 'failed';
  }
}
