import {
  agreementSchema,
  enterpriseTransitionList,
  EnterpriseStatus,
  findItem,
  findRegion,
  Role,
  type Agreement,
  type CreditList,
} from '@jiazheng/sync/domain';
import type {
  CreditEntry,
  CreditReport,
  EnterpriseCommandRequest,
  EnterpriseListQuery,
  EnterpriseRow,
} from '../api/hub-types';
import { chinaDate } from './dashboard';

/**
 * The registry officer's screens as pure code: which enterprises the list shows, what a status lets the
 * user do (read from the domain's own transition table, so the buttons never offer what the hub refuses),
 * and the forms turned into the domain's command payloads. Errors are i18n keys; the components translate.
 */

const DAY_MS = 24 * 3600 * 1000;

/** Applications waiting for an officer: the list's default. */
export const WAITING_STATUSES: readonly EnterpriseStatus[] = [
  EnterpriseStatus.applied,
  EnterpriseStatus.underReview,
];

export const ENTERPRISE_STATUSES: readonly EnterpriseStatus[] = Object.values(EnterpriseStatus);

export type StatusFilter = 'waiting' | 'all' | EnterpriseStatus;
export const STATUS_FILTERS: readonly StatusFilter[] = ['waiting', 'all', ...ENTERPRISE_STATUSES];

export type KindFilter = 'all' | EnterpriseRow['kind'];
export const KIND_FILTERS: readonly KindFilter[] = ['all', 'enterprise', 'volunteer'];

export type RegistryFilter = { status: StatusFilter; kind: KindFilter; q: string };
export const DEFAULT_REGISTRY_FILTER: RegistryFilter = { status: 'waiting', kind: 'all', q: '' };

/**
 * What the hub is asked. Its `status` takes one status, so "waiting" (two) and "all" ask without one and
 * `filterEnterprises` narrows the answer.
 */
export function registryQuery(filter: RegistryFilter): EnterpriseListQuery {
  const query: EnterpriseListQuery = {};
  if (filter.status !== 'waiting' && filter.status !== 'all') query.status = filter.status;
  if (filter.kind !== 'all') query.kind = filter.kind;
  const q = filter.q.trim();
  if (q !== '') query.q = q;
  return query;
}

function statusMatches(filter: StatusFilter, status: EnterpriseStatus): boolean {
  if (filter === 'all') return true;
  if (filter === 'waiting') return WAITING_STATUSES.includes(status);
  return filter === status;
}

/**
 * The rows the list shows, in its order: waiting applications first come first served (oldest first),
 * anything else most recently changed first. The search itself is the hub's (`q`), so it is not repeated.
 */
export function filterEnterprises(options: {
  rows: readonly EnterpriseRow[];
  filter: RegistryFilter;
}): EnterpriseRow[] {
  const { rows, filter } = options;
  const kept = rows.filter(
    (row) => statusMatches(filter.status, row.status) && (filter.kind === 'all' || row.kind === filter.kind),
  );
  const oldestFirst = filter.status === 'waiting' || filter.status === 'applied';
  return kept.sort((a, b) => {
    const byTime = oldestFirst ? a.appliedAt - b.appliedAt : b.updatedAt - a.updatedAt;
    return byTime !== 0 ? byTime : a.name.localeCompare(b.name, 'zh-CN');
  });
}

/** An item's catalogue name in the reader's language, or its code when the catalogue does not know it. */
export function itemLabel(options: { code: string; language: string }): string {
  const item = findItem({ code: options.code });
  if (item === undefined) return options.code;
  return options.language.startsWith('zh') ? item.name.zh : item.name.en;
}

/** A county's name (region names are Chinese only), or its code when unknown or malformed. */
export function countyLabel(options: { code: string }): string {
  try {
    return findRegion({ code: options.code })?.name ?? options.code;
  } catch {
    return options.code;
  }
}

/** A list joined as the language writes lists: 保洁、保姆 / Cleaning, Nanny. */
export function joinList(options: { values: readonly string[]; language: string }): string {
  return options.values.join(options.language.startsWith('zh') ? '、' : ', ');
}

/** The credit badge a row wears: its list, or `none` while the hub has not scored it. */
export function creditBadge(credit: EnterpriseRow['credit']): CreditList | 'none' {
  return credit === null ? 'none' : credit.list;
}

// ---------------------------------------------------------------------------------------------- actions

/** What the review view offers; `apply`, `resubmit` and `updateServices` belong to other screens. */
export const REGISTRY_ACTIONS = [
  'startReview',
  'approve',
  'reject',
  'activate',
  'renewAgreement',
  'warn',
  'suspend',
  'blacklist',
  'reinstate',
] as const;
export type RegistryAction = (typeof REGISTRY_ACTIONS)[number];

/** The domain's table: from which statuses, by which roles. */
const rules = new Map(enterpriseTransitionList.map((rule) => [rule.type, rule]));

/** The actions the user's role may take on an enterprise in this status, in the order the view lists them. */
export function allowedActions(options: { status: EnterpriseStatus; role: string }): RegistryAction[] {
  const { status, role } = options;
  return REGISTRY_ACTIONS.filter((action) => {
    const rule = rules.get(action);
    if (rule === undefined || rule.from === 'create' || !rule.from.includes(status)) return false;
    if (!(rule.roles as readonly string[]).includes(role)) return false;
    // The domain refuses anyone but an administrator lifting a blacklisting: do not offer it.
    return !(
      action === 'reinstate' &&
      status === EnterpriseStatus.blacklisted &&
      role !== Role.administrator
    );
  });
}

/** Whether the role may change the enterprise's services in this status (its own editor, ServicesEditor). */
export function mayUpdateServices(options: { status: EnterpriseStatus; role: string }): boolean {
  const rule = rules.get('updateServices');
  return (
    rule !== undefined &&
    rule.from !== 'create' &&
    rule.from.includes(options.status) &&
    (rule.roles as readonly string[]).includes(options.role)
  );
}

/** Whether every check the hub asks for is ticked (an approval needs them all). */
export function checklistComplete(options: {
  checks: readonly string[];
  ticked: Readonly<Record<string, boolean>>;
}): boolean {
  return options.checks.every((check) => options.ticked[check] === true);
}

// ------------------------------------------------------------------------------------------------ dates

/** 00:00 China time of a `YYYY-MM-DD` date, or null for anything that is not a real date. */
export function chinaDayStart(date: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const ms = Date.parse(`${date}T00:00:00+08:00`);
  // Date.parse rolls 2026-02-30 over to March: a real date reads back as itself.
  return Number.isNaN(ms) || chinaDate(ms) !== date ? null : ms;
}

/** The last millisecond of a China date: "valid to 31 December" includes the 31st. */
export function chinaDayEnd(date: string): number | null {
  const start = chinaDayStart(date);
  return start === null ? null : start + DAY_MS - 1;
}

/** An instant the hub sent as epoch ms or as an ISO string, as epoch ms (NaN if neither). */
export function epochOf(value: number | string): number {
  return typeof value === 'number' ? value : Date.parse(value);
}

/** Epoch ms as ISO, for the i18n date formatting. */
export function isoAt(value: number | string): string {
  const ms = epochOf(value);
  return Number.isNaN(ms) ? String(value) : new Date(ms).toISOString();
}

// ------------------------------------------------------------------------------------------------ forms

export type AgreementForm = { number: string; signedOn: string; validFrom: string; validTo: string };

/** Everything the action forms hold: kept while the hub refuses, so nothing typed is lost. */
export type ActionForm = {
  checklist: Record<string, boolean>;
  agreement: AgreementForm;
  /** Rejection reasons, one per line. */
  reasons: string;
  reason: string;
  /** Suspension end, `YYYY-MM-DD`; empty for open-ended. */
  until: string;
};

export type FormField =
  'checklist' | 'number' | 'signedOn' | 'validFrom' | 'validTo' | 'reasons' | 'reason' | 'until' | 'action';

/** The problems the forms find, each an i18n key under `registry.errors`. */
export const REGISTRY_ERRORS = [
  'checklist',
  'numberRequired',
  'numberTooLong',
  'date',
  'validToOrder',
  'expired',
  'mustExtend',
  'invalid',
  'reasonsRequired',
  'tooManyReasons',
  'reasonTooLong',
  'reasonRequired',
  'untilPast',
] as const;
export type RegistryError = (typeof REGISTRY_ERRORS)[number];

export type FieldErrors = Partial<Record<FormField, RegistryError>>;

export type FormResult<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

function addYear(date: string): string {
  const [year, rest] = [Number(date.slice(0, 4)), date.slice(4)];
  // 29 February has no twin next year: the 28th keeps the term within a year.
  const next = `${String(year + 1)}${rest === '-02-29' ? '-02-28' : rest}`;
  const ms = chinaDayStart(next);
  return ms === null ? next : chinaDate(ms - DAY_MS);
}

/**
 * The agreement form as it opens: signed and valid from today for a year. A renewal replaces the agreement
 * in force, so it also starts today (a later start would leave the enterprise without one until then)
 * and runs a year past the current end.
 */
export function defaultAgreementForm(options: { now: number; current: Agreement | null }): AgreementForm {
  const today = chinaDate(options.now);
  const end = options.current === null ? today : chinaDate(Math.max(options.now, options.current.validTo));
  return { number: options.current?.number ?? '', signedOn: today, validFrom: today, validTo: addYear(end) };
}

export function emptyActionForm(options: {
  now: number;
  checks: readonly string[];
  agreement: Agreement | null;
}): ActionForm {
  return {
    checklist: Object.fromEntries(options.checks.map((check) => [check, false])),
    agreement: defaultAgreementForm({ now: options.now, current: options.agreement }),
    reasons: '',
    reason: '',
    until: '',
  };
}

const REASON_MAX = 500;
const REASONS_MAX = 20;

function agreementFromForm(options: {
  form: AgreementForm;
  now: number;
  current: Agreement | null;
}): FormResult<Agreement> {
  const { form, now, current } = options;
  const errors: FieldErrors = {};
  const number = form.number.trim();
  if (number === '') errors.number = 'numberRequired';
  else if (number.length > 40) errors.number = 'numberTooLong';
  const signedAt = chinaDayStart(form.signedOn);
  const validFrom = chinaDayStart(form.validFrom);
  const validTo = chinaDayEnd(form.validTo);
  if (signedAt === null) errors.signedOn = 'date';
  if (validFrom === null) errors.validFrom = 'date';
  if (validTo === null) errors.validTo = 'date';
  else if (validFrom !== null && validTo <= validFrom) errors.validTo = 'validToOrder';
  else if (validTo <= now) errors.validTo = 'expired';
  else if (current !== null && validTo <= current.validTo) errors.validTo = 'mustExtend';
  if (Object.keys(errors).length > 0 || signedAt === null || validFrom === null || validTo === null) {
    return { ok: false, errors };
  }
  // The domain's own schema has the last word on the shape, as the hub will check it.
  const parsed = agreementSchema.safeParse({ number, signedAt, validFrom, validTo });
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path[0] ?? 'number');
    const key: FormField = field === 'signedAt' ? 'signedOn' : isAgreementField(field) ? field : 'number';
    return { ok: false, errors: { [key]: 'invalid' } };
  }
  return { ok: true, value: parsed.data };
}

function isAgreementField(field: string): field is 'number' | 'validFrom' | 'validTo' {
  return field === 'number' || field === 'validFrom' || field === 'validTo';
}

function reasonOf(text: string, field: 'reason'): FormResult<string> {
  const reason = text.trim();
  if (reason === '') return { ok: false, errors: { [field]: 'reasonRequired' } };
  if (reason.length > REASON_MAX) return { ok: false, errors: { [field]: 'reasonTooLong' } };
  return { ok: true, value: reason };
}

/** Rejection reasons: one per non-empty line, at least one. */
export function reasonLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/**
 * The command an action's form makes, checked as the domain will check it, so the common mistakes are
 * caught before a round trip; the hub still decides, and its refusal is shown by `fieldOfRefusal`.
 */
export function buildCommand(options: {
  action: RegistryAction;
  form: ActionForm;
  checks: readonly string[];
  current: Agreement | null;
  now: number;
}): FormResult<EnterpriseCommandRequest> {
  const { action, form, checks, current, now } = options;
  const command = (payload: Record<string, unknown>): FormResult<EnterpriseCommandRequest> => ({
    ok: true,
    value: { type: action, payload },
  });
  switch (action) {
    case 'startReview':
    case 'activate':
      return command({});
    case 'approve': {
      const agreement = agreementFromForm({ form: form.agreement, now, current: null });
      const complete = checklistComplete({ checks, ticked: form.checklist });
      if (!complete || !agreement.ok) {
        return {
          ok: false,
          errors: {
            ...(complete ? {} : { checklist: 'checklist' }),
            ...(agreement.ok ? {} : agreement.errors),
          },
        };
      }
      const checklist = Object.fromEntries(checks.map((check) => [check, form.checklist[check] === true]));
      return command({ checklist, agreement: agreement.value });
    }
    case 'renewAgreement': {
      const agreement = agreementFromForm({ form: form.agreement, now, current });
      return agreement.ok ? command({ agreement: agreement.value }) : agreement;
    }
    case 'reject': {
      const reasons = reasonLines(form.reasons);
      if (reasons.length === 0) return { ok: false, errors: { reasons: 'reasonsRequired' } };
      if (reasons.length > REASONS_MAX) return { ok: false, errors: { reasons: 'tooManyReasons' } };
      if (reasons.some((reason) => reason.length > REASON_MAX)) {
        return { ok: false, errors: { reasons: 'reasonTooLong' } };
      }
      return command({ reasons });
    }
    case 'suspend': {
      const reason = reasonOf(form.reason, 'reason');
      let until: number | null = null;
      const errors: FieldErrors = reason.ok ? {} : reason.errors;
      if (form.until.trim() !== '') {
        until = chinaDayEnd(form.until.trim());
        if (until === null) errors.until = 'date';
        else if (until <= now) errors.until = 'untilPast';
      }
      if (!reason.ok || errors.until !== undefined) return { ok: false, errors };
      return command({ reason: reason.value, until });
    }
    case 'warn':
    case 'blacklist':
    case 'reinstate': {
      const reason = reasonOf(form.reason, 'reason');
      return reason.ok ? command({ reason: reason.value }) : reason;
    }
  }
}

/**
 * Where the hub's refusal belongs in the form, from the field it names (`payload.agreement.validTo`,
 * `payload.reasons.0`, …); anything else is shown by the action's button.
 */
export function fieldOfRefusal(field: string | null): FormField {
  if (field === null) return 'action';
  const parts = field.split('.');
  if (parts[0] !== 'payload') return 'action';
  const [, first, second] = parts;
  if (first === 'checklist') return 'checklist';
  if (first === 'reasons') return 'reasons';
  if (first === 'reason') return 'reason';
  if (first === 'until') return 'until';
  if (first === 'agreement') {
    if (second === 'signedAt') return 'signedOn';
    if (second === 'number' || second === 'validFrom' || second === 'validTo') return second;
  }
  return 'action';
}

// -------------------------------------------------------------------------------------------------- log

// ----------------------------------------------------------------------------------------------- credit

export const CREDIT_TABS: readonly CreditList[] = ['recommended', 'punishment', 'normal'];

/**
 * One list's entries: the recommended and normal ones best first, the punished worst first (those are the
 * ones an officer acts on); equal scores by name.
 */
export function creditTabRows(options: { report: CreditReport; tab: CreditList }): CreditEntry[] {
  const { report, tab } = options;
  const sign = tab === 'punishment' ? 1 : -1;
  return [...report[tab]].sort((a, b) => {
    const byScore = sign * (a.score - b.score);
    return byScore !== 0 ? byScore : a.name.localeCompare(b.name, 'zh-CN');
  });
}

/**
 * 比率显示为百分数（一位小数）；无可计算（null）时为“—”，不是 0%。
 * A rate (a fraction) as a percentage with at most one decimal; null, nothing to divide by, is a dash, not 0%.
 */
export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 1000) / 10}%`;
}

/** What the hub is asked for one kind's lists: nothing for all. */
export function creditKindQuery(kind: KindFilter): { kind?: EnterpriseRow['kind'] } {
  return kind === 'all' ? {} : { kind };
}

/** Points as the credit rules write them: at most one decimal. */
export function formatPoints(points: number): string {
  return String(Math.round(points * 10) / 10);
}

// -------------------------------------------------------------------------------------------- documents

/**
 * How an uploaded document is shown, by the type the hub stored: images inline, a PDF in a new tab from a
 * blob URL; anything else is only offered as a download (never opened as the console's own page).
 */
export function documentPresentation(type: string): 'image' | 'pdf' | 'download' {
  const base = type.split(';')[0]?.trim().toLowerCase() ?? '';
  if (base === 'image/png' || base === 'image/jpeg') return 'image';
  if (base === 'application/pdf') return 'pdf';
  return 'download';
}
