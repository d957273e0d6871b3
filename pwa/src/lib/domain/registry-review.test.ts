import {
  applyEnterpriseCommand,
  EnterpriseStatus,
  ReviewCheck,
  type EnterpriseState,
} from '@jiazheng/sync/domain';
import { describe, expect, test } from 'vitest';
import type { CreditEntry, CreditReport, EnterpriseRow } from '../api/hub-types';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';
import { ACCOUNT_ERRORS } from './account-forms';
import {
  epochOf,
  allowedActions,
  buildCommand,
  checklistComplete,
  chinaDayEnd,
  chinaDayStart,
  countyLabel,
  CREDIT_TABS,
  creditBadge,
  creditKindQuery,
  creditTabRows,
  DEFAULT_REGISTRY_FILTER,
  defaultAgreementForm,
  documentPresentation,
  emptyActionForm,
  fieldOfRefusal,
  filterEnterprises,
  formatPoints,
  formatRate,
  isoAt,
  itemLabel,
  joinList,
  KIND_FILTERS,
  reasonLines,
  REGISTRY_ACTIONS,
  REGISTRY_ERRORS,
  registryQuery,
  type ActionForm,
  type RegistryAction,
} from './registry-review';

const DAY = 24 * 3600 * 1000;
/** 2026-11-30 10:00 China time. */
const NOW = Date.parse('2026-11-30T10:00:00+08:00');
const CHECKS = Object.values(ReviewCheck);

function row(overrides: Partial<EnterpriseRow> = {}): EnterpriseRow {
  return {
    id: 'enterprise:hub:01JBQ5M8X0000000000000000A',
    kind: 'enterprise',
    status: 'applied',
    name: '西湖家政服务有限公司',
    licenceNumber: '91330106MA27XL0R2J',
    contactName: '王经理',
    contactPhone: '0571-88886666',
    items: ['FAM-NANNY'],
    counties: ['330106'],
    documents: [],
    appliedAt: NOW - 5 * DAY,
    review: null,
    agreement: null,
    sanctions: [],
    suspendedUntil: null,
    updatedAt: NOW - 5 * DAY,
    credit: null,
    workerCount: 0,
    ...overrides,
  };
}

describe('the list', () => {
  test('waiting (the default) asks the hub without a status and keeps applied and under review, oldest first', () => {
    expect(registryQuery(DEFAULT_REGISTRY_FILTER)).toEqual({});
    const rows = [
      row({ id: 'a', name: '甲', status: 'under_review', appliedAt: NOW - DAY }),
      row({ id: 'b', name: '乙', status: 'active', appliedAt: NOW - 9 * DAY }),
      row({ id: 'c', name: '丙', status: 'applied', appliedAt: NOW - 3 * DAY }),
    ];
    expect(filterEnterprises({ rows, filter: DEFAULT_REGISTRY_FILTER }).map((r) => r.id)).toEqual(['c', 'a']);
  });

  test('one status, a kind and the search go to the hub; the answer is narrowed the same way', () => {
    const filter = { status: 'suspended', kind: 'volunteer', q: '  西湖 ' } as const;
    expect(registryQuery(filter)).toEqual({ status: 'suspended', kind: 'volunteer', q: '西湖' });
    const rows = [
      row({ id: 'v-old', kind: 'volunteer', status: 'suspended', updatedAt: NOW - 2 * DAY }),
      row({ id: 'e', kind: 'enterprise', status: 'suspended' }),
      row({ id: 'v-new', kind: 'volunteer', status: 'suspended', updatedAt: NOW - DAY }),
      row({ id: 'v-active', kind: 'volunteer', status: 'active' }),
    ];
    // Not waiting: the most recently changed first.
    expect(filterEnterprises({ rows, filter }).map((r) => r.id)).toEqual(['v-new', 'v-old']);
    expect(filterEnterprises({ rows, filter: { status: 'all', kind: 'all', q: '' } })).toHaveLength(4);
  });

  test('items by their catalogue names, counties by name, unknown codes as they are', () => {
    expect(itemLabel({ code: 'FAM-NANNY', language: 'zh-CN' })).not.toBe('FAM-NANNY');
    expect(itemLabel({ code: 'FAM-NANNY', language: 'en' })).toMatch(/[A-Za-z]/);
    expect(itemLabel({ code: 'NO-SUCH', language: 'zh-CN' })).toBe('NO-SUCH');
    expect(countyLabel({ code: '330106' })).toBe('西湖区');
    expect(countyLabel({ code: '999999' })).toBe('999999');
    expect(countyLabel({ code: 'junk' })).toBe('junk');
    expect(joinList({ values: ['甲', '乙'], language: 'zh-CN' })).toBe('甲、乙');
    expect(joinList({ values: ['a', 'b'], language: 'en' })).toBe('a, b');
  });

  test('the credit badge is the list, or none while unscored', () => {
    expect(creditBadge(null)).toBe('none');
    expect(creditBadge({ score: 91, list: 'recommended' })).toBe('recommended');
    expect(creditBadge({ score: 40, list: 'punishment' })).toBe('punishment');
  });
});

describe('what a status allows', () => {
  test('the registry officer, status by status, as the domain table says', () => {
    const officer = (status: EnterpriseStatus) => allowedActions({ status, role: 'registry_officer' });
    expect(officer('applied')).toEqual(['startReview']);
    expect(officer('under_review')).toEqual(['approve', 'reject']);
    expect(officer('approved')).toEqual(['activate', 'renewAgreement']);
    expect(officer('active')).toEqual(['renewAgreement', 'warn', 'suspend', 'blacklist']);
    // A warned enterprise cannot be warned again; it can be reinstated.
    expect(officer('warned')).toEqual(['renewAgreement', 'suspend', 'blacklist', 'reinstate']);
    expect(officer('suspended')).toEqual(['renewAgreement', 'blacklist', 'reinstate']);
    expect(officer('rejected')).toEqual([]);
    // Only an administrator lifts a blacklisting.
    expect(officer('blacklisted')).toEqual([]);
    expect(allowedActions({ status: 'blacklisted', role: 'administrator' })).toEqual(['reinstate']);
  });

  test('other roles get what the table gives them, which may be nothing', () => {
    expect(allowedActions({ status: 'active', role: 'quality_inspector' })).toEqual(['warn']);
    expect(allowedActions({ status: 'applied', role: 'central_office' })).toEqual([]);
  });

  test('the checklist is complete only with every check ticked', () => {
    const ticked = Object.fromEntries(CHECKS.map((c) => [c, true]));
    expect(checklistComplete({ checks: CHECKS, ticked })).toBe(true);
    expect(checklistComplete({ checks: CHECKS, ticked: { ...ticked, staff_roster: false } })).toBe(false);
    const { premises_verified: _left, ...missing } = ticked;
    expect(checklistComplete({ checks: CHECKS, ticked: missing })).toBe(false);
  });
});

describe('dates in China time', () => {
  test('a date is its day in UTC+8, the end inclusive; non-dates are null', () => {
    expect(new Date(chinaDayStart('2026-12-01') ?? 0).toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(new Date(chinaDayEnd('2026-12-01') ?? 0).toISOString()).toBe('2026-12-01T15:59:59.999Z');
    expect(chinaDayStart('2026-02-30')).toBeNull();
    expect(chinaDayStart('')).toBeNull();
    expect(chinaDayEnd('1/12/2026')).toBeNull();
  });

  test('the hub’s instants as ms or ISO; anything else is shown as it came', () => {
    expect(isoAt(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(isoAt('2026-11-30T02:00:00Z')).toBe('2026-11-30T02:00:00.000Z');
    expect(isoAt('soon')).toBe('soon');
  });

  test('an agreement form opens at today for a year; a renewal starts today and runs a year past the end', () => {
    expect(defaultAgreementForm({ now: NOW, current: null })).toEqual({
      number: '',
      signedOn: '2026-11-30',
      validFrom: '2026-11-30',
      validTo: '2027-11-29',
    });
    const current = {
      number: 'QA-7',
      signedAt: NOW - 300 * DAY,
      validFrom: NOW - 300 * DAY,
      validTo: chinaDayEnd('2027-03-31') ?? 0,
    };
    expect(defaultAgreementForm({ now: NOW, current })).toMatchObject({
      number: 'QA-7',
      validFrom: '2026-11-30',
      validTo: '2028-03-30',
    });
    const leap = Date.parse('2028-02-29T10:00:00+08:00');
    expect(defaultAgreementForm({ now: leap, current: null }).validTo).toBe('2029-02-27');
  });
});

/** The hub's side of it: the domain's reducer, so a payload the form makes is one the hub accepts. */
function decide(state: EnterpriseState | null, type: string, payload: unknown, at = NOW) {
  return applyEnterpriseCommand({
    state,
    command: {
      id: '01JBQ5M8X00000000000000001',
      type,
      payload,
      actor: { userId: 'hub:registry', role: 'registry_officer' },
      at,
    },
  });
}

function reviewing(): EnterpriseState {
  const applied = decide(null, 'apply', {
    enterpriseId: 'enterprise:hub:01JBQ5M8X0000000000000000A',
    kind: 'enterprise',
    name: '西湖家政服务有限公司',
    licenceNumber: '91330106MA27XL0R2J',
    contactName: '王经理',
    contactPhone: '0571-88886666',
    documents: [],
    items: ['FAM-NANNY'],
    counties: ['330106'],
  });
  if (!applied.ok) throw applied.error;
  const started = decide(applied.value, 'startReview', {});
  if (!started.ok) throw started.error;
  return started.value;
}

function form(overrides: Partial<ActionForm> = {}): ActionForm {
  return { ...emptyActionForm({ now: NOW, checks: CHECKS, agreement: null }), ...overrides };
}

const build = (action: RegistryAction, f: ActionForm, current: EnterpriseState['agreement'] = null) =>
  buildCommand({ action, form: f, checks: CHECKS, current, now: NOW });

describe('forms into commands', () => {
  test('an approval needs every check and an agreement number; then the domain accepts it', () => {
    const empty = build('approve', form());
    expect(empty).toEqual({ ok: false, errors: { checklist: 'checklist', number: 'numberRequired' } });
    const ticked = Object.fromEntries(CHECKS.map((c) => [c, true]));
    const filled = form({ checklist: ticked });
    filled.agreement.number = ' QA-2026-001 ';
    const built = build('approve', filled);
    if (!built.ok) throw new Error(JSON.stringify(built.errors));
    expect(built.value.type).toBe('approve');
    expect(built.value.payload).toMatchObject({
      checklist: ticked,
      agreement: {
        number: 'QA-2026-001',
        validFrom: chinaDayStart('2026-11-30'),
        validTo: chinaDayEnd('2027-11-29'),
      },
    });
    const approved = decide(reviewing(), built.value.type, built.value.payload);
    expect(approved.ok && approved.value.status).toBe('approved');
  });

  test('agreement dates: real dates, the end after the start and not past', () => {
    const agreement = { number: 'QA', signedOn: 'x', validFrom: '2026-12-10', validTo: '2026-12-01' };
    expect(build('renewAgreement', form({ agreement }))).toEqual({
      ok: false,
      errors: { signedOn: 'date', validTo: 'validToOrder' },
    });
    const expired = { number: 'QA', signedOn: '2025-01-01', validFrom: '2025-01-01', validTo: '2025-12-31' };
    expect(build('renewAgreement', form({ agreement: expired }))).toEqual({
      ok: false,
      errors: { validTo: 'expired' },
    });
    expect(build('approve', form({ agreement: { ...expired, number: 'x'.repeat(41) } }))).toMatchObject({
      errors: { number: 'numberTooLong' },
    });
  });

  test('a renewal must extend the agreement in force', () => {
    const current = {
      number: 'QA-1',
      signedAt: NOW,
      validFrom: NOW,
      validTo: chinaDayEnd('2027-06-30') ?? 0,
    };
    const shorter = {
      number: 'QA-2',
      signedOn: '2026-11-30',
      validFrom: '2026-11-30',
      validTo: '2027-06-30',
    };
    expect(build('renewAgreement', form({ agreement: shorter }), current)).toEqual({
      ok: false,
      errors: { validTo: 'mustExtend' },
    });
    const longer = { ...shorter, validTo: '2028-06-30' };
    expect(build('renewAgreement', form({ agreement: longer }), current)).toMatchObject({
      ok: true,
      value: { type: 'renewAgreement', payload: { agreement: { number: 'QA-2' } } },
    });
  });

  test('a rejection takes one reason per non-empty line, at least one, and the domain accepts it', () => {
    expect(build('reject', form({ reasons: ' \n  \n' }))).toEqual({
      ok: false,
      errors: { reasons: 'reasonsRequired' },
    });
    expect(reasonLines('营业执照已过期\r\n\n  经营范围不含家政 ')).toEqual([
      '营业执照已过期',
      '经营范围不含家政',
    ]);
    const built = build('reject', form({ reasons: '营业执照已过期\n经营范围不含家政' }));
    if (!built.ok) throw new Error('refused');
    expect(built.value.payload).toEqual({ reasons: ['营业执照已过期', '经营范围不含家政'] });
    const rejected = decide(reviewing(), 'reject', built.value.payload);
    expect(rejected.ok && rejected.value.review?.reasons).toEqual(['营业执照已过期', '经营范围不含家政']);
    expect(
      build('reject', form({ reasons: Array.from({ length: 21 }, () => 'x').join('\n') })),
    ).toMatchObject({
      errors: { reasons: 'tooManyReasons' },
    });
    expect(build('reject', form({ reasons: 'x'.repeat(501) }))).toMatchObject({
      errors: { reasons: 'reasonTooLong' },
    });
  });

  test('sanctions need a reason; a suspension may end on a future date (inclusive) or be open-ended', () => {
    expect(build('warn', form({ reason: '  ' }))).toEqual({
      ok: false,
      errors: { reason: 'reasonRequired' },
    });
    expect(build('blacklist', form({ reason: 'x'.repeat(501) }))).toEqual({
      ok: false,
      errors: { reason: 'reasonTooLong' },
    });
    expect(build('reinstate', form({ reason: ' 整改完成 ' }))).toEqual({
      ok: true,
      value: { type: 'reinstate', payload: { reason: '整改完成' } },
    });
    expect(build('suspend', form({ reason: '投诉属实' }))).toEqual({
      ok: true,
      value: { type: 'suspend', payload: { reason: '投诉属实', until: null } },
    });
    expect(build('suspend', form({ reason: '投诉属实', until: '2026-12-31' }))).toMatchObject({
      value: { payload: { until: chinaDayEnd('2026-12-31') } },
    });
    expect(build('suspend', form({ reason: '', until: '2026-11-29' }))).toEqual({
      ok: false,
      errors: { reason: 'reasonRequired', until: 'untilPast' },
    });
    expect(build('suspend', form({ reason: 'r', until: '2026-13-01' }))).toMatchObject({
      errors: { until: 'date' },
    });
  });

  test('starting a review and activating carry nothing', () => {
    expect(build('startReview', form())).toEqual({ ok: true, value: { type: 'startReview', payload: {} } });
    expect(build('activate', form())).toEqual({ ok: true, value: { type: 'activate', payload: {} } });
  });

  test('the hub’s refusal lands next to the field it names, else by the action', () => {
    expect(fieldOfRefusal('payload.agreement.validTo')).toBe('validTo');
    expect(fieldOfRefusal('payload.agreement.signedAt')).toBe('signedOn');
    expect(fieldOfRefusal('payload.agreement.number')).toBe('number');
    expect(fieldOfRefusal('payload.agreement')).toBe('action');
    expect(fieldOfRefusal('payload.checklist')).toBe('checklist');
    expect(fieldOfRefusal('payload.reasons.0')).toBe('reasons');
    expect(fieldOfRefusal('payload.reason')).toBe('reason');
    expect(fieldOfRefusal('payload.until')).toBe('until');
    expect(fieldOfRefusal('agreement')).toBe('action');
    expect(fieldOfRefusal('command.actor.role')).toBe('action');
    expect(fieldOfRefusal(null)).toBe('action');
  });
});

describe('log, credit and documents', () => {
  test("the log's times: epoch ms as the command carries them, or an ISO string", () => {
    expect(epochOf(NOW)).toBe(NOW);
    expect(epochOf('2026-11-01T00:00:00Z')).toBe(Date.UTC(2026, 10, 1));
  });

  test('the recommended and normal lists best first, punishment worst first, ties by name', () => {
    const entry = (name: string, score: number): CreditEntry => ({
      enterpriseId: name,
      name,
      kind: 'enterprise',
      status: 'active',
      score,
      list: 'normal',
      components: [],
      figures: {
        dispatched: 0,
        completed: 0,
        completionRate: null,
        returnVisited: 0,
        satisfactionRate: null,
      },
    });
    const report: CreditReport = {
      computedAt: NOW,
      rules: {
        priorVisits: 5,
        priorSatisfaction: 4,
        inspectionPoints: { minor: 2, major: 6, critical: 20 },
        recommendedAtLeast: 85,
        punishmentBelow: 60,
      },
      recommended: [entry('b', 90), entry('a', 95), entry('c', 90)],
      punishment: [entry('x', 50), entry('y', 20)],
      normal: [],
    };
    expect(creditTabRows({ report, tab: 'recommended' }).map((e) => e.name)).toEqual(['a', 'b', 'c']);
    expect(creditTabRows({ report, tab: 'punishment' }).map((e) => e.name)).toEqual(['y', 'x']);
    expect(creditTabRows({ report, tab: 'normal' })).toEqual([]);
    expect(formatPoints(33.333)).toBe('33.3');
    expect(formatPoints(25)).toBe('25');
  });

  test('rates as percentages, a dash with nothing to divide by; the kind filter asks the hub for one kind', () => {
    expect(formatRate(0.75)).toBe('75%');
    expect(formatRate(0.6667)).toBe('66.7%');
    expect(formatRate(1)).toBe('100%');
    expect(formatRate(0)).toBe('0%');
    expect(formatRate(null)).toBe('—');
    expect(creditKindQuery('all')).toEqual({});
    expect(creditKindQuery('volunteer')).toEqual({ kind: 'volunteer' });
  });

  test('images inline, PDFs in a tab, anything else only as a download', () => {
    expect(documentPresentation('image/png')).toBe('image');
    expect(documentPresentation('image/jpeg')).toBe('image');
    expect(documentPresentation('application/pdf; charset=binary')).toBe('pdf');
    expect(documentPresentation('image/svg+xml')).toBe('download');
    expect(documentPresentation('text/html')).toBe('download');
    expect(documentPresentation('')).toBe('download');
  });
});

describe('every label the screens look up exists in both languages', () => {
  test('statuses, kinds, checks, actions, errors, lists, credit parts', () => {
    for (const dictionary of [zhCN, en]) {
      const { registry, credit, account } = dictionary;
      for (const status of Object.values(EnterpriseStatus)) expect(registry.statuses[status]).toBeTruthy();
      for (const kind of KIND_FILTERS) expect(registry.kinds[kind]).toBeTruthy();
      for (const check of CHECKS) expect(registry.checks[check]).toBeTruthy();
      for (const action of REGISTRY_ACTIONS) expect(registry.actions[action]).toBeTruthy();
      for (const error of REGISTRY_ERRORS) expect(registry.errors[error]).toBeTruthy();
      for (const error of ACCOUNT_ERRORS) expect(account.errors[error]).toBeTruthy();
      for (const list of [...CREDIT_TABS, 'none'] as const) expect(credit.lists[list]).toBeTruthy();
      for (const key of ['satisfaction', 'complaints', 'inspections', 'training'] as const) {
        expect(credit.components[key]).toBeTruthy();
      }
    }
  });
});
