import {
  applyComplaintCommand,
  ApplyMode,
  ComplaintStatus,
  Role,
  type ComplaintState,
} from '@jiazheng/sync/domain';
import { describe, expect, test } from 'vitest';
import type { ComplaintRow, HubAccount } from '../api/hub-types';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';
import {
  allowedComplaintActions,
  assigneeCandidates,
  buildComplaintCommand,
  buildNewComplaint,
  chinaDateOf,
  COMPLAINT_ACTIONS,
  COMPLAINT_ERRORS,
  COMPLAINT_STATUS_FILTERS,
  complaintFieldOfRefusal,
  complaintQuery,
  complaintReference,
  countyFullName,
  countyName,
  countySuggestions,
  DECISION_KINDS,
  DEFAULT_COMPLAINT_FILTER,
  defaultTimeLimitDays,
  EMPTY_NEW_COMPLAINT,
  emptyComplaintActionForm,
  filterComplaints,
  mayFileComplaint,
  mayListAccounts,
  mayListen,
  mayViewPhoto,
  newComplaintFieldOfRefusal,
  recordingProblem,
  timeLimit,
  timeLimitLabel,
  type ComplaintActionForm,
} from './complaint-desk';

const DAY = 24 * 3_600_000;
/** 2026-11-30 10:00 China time. */
const NOW = Date.parse('2026-11-30T10:00:00+08:00');
const RECORD = 'complaint:hub:01JZ0000000000000000000ABC';
const ENTERPRISE = 'enterprise:hub:01JZ00000000000000000000EE';

function row(over: Partial<ComplaintRow> = {}): ComplaintRow {
  return {
    recordId: RECORD,
    id: RECORD,
    source: 'call',
    countyCode: '330106',
    orderId: null,
    enterpriseId: ENTERPRISE,
    enterpriseName: '西湖家政',
    kind: 'quality',
    description: '保洁不彻底',
    citizenName: '张女士',
    citizenPhone: '+8613800000000',
    evidence: [],
    dueAt: NOW + 3 * DAY,
    status: 'filed',
    assignee: null,
    assignments: [],
    outcome: null,
    reason: null,
    decidedAt: null,
    decidedBy: null,
    withdrawnAt: null,
    withdrawnBy: null,
    filedAt: NOW - DAY,
    filedBy: 'hub:inspector',
    updatedAt: NOW - DAY,
    overdue: false,
    ...over,
  };
}

describe('the list', () => {
  test('asks the hub only what it can answer; open and all are narrowed here', () => {
    expect(complaintQuery({ filter: DEFAULT_COMPLAINT_FILTER, username: 'qi' })).toEqual({});
    expect(
      complaintQuery({ filter: { status: 'all', overdueOnly: true, mine: true }, username: 'qi' }),
    ).toEqual({
      overdue: '1',
      assignedTo: 'hub:qi',
    });
    expect(
      complaintQuery({ filter: { status: 'decided', overdueOnly: false, mine: false }, username: 'qi' }),
    ).toEqual({ status: 'decided' });
  });

  test('open first by nearest time limit (overdue on top), finished ones most recently changed first', () => {
    const rows = [
      row({ recordId: 'a', status: 'decided', dueAt: NOW - 9 * DAY, updatedAt: NOW - 5 * DAY }),
      row({ recordId: 'b', dueAt: NOW + 5 * DAY }),
      row({ recordId: 'c', status: 'assigned', dueAt: NOW - DAY }),
      row({ recordId: 'd', status: 'withdrawn', updatedAt: NOW - DAY }),
      row({ recordId: 'e', dueAt: NOW + DAY }),
    ];
    const ids = (filter = DEFAULT_COMPLAINT_FILTER) =>
      filterComplaints({ rows, filter, now: NOW }).map((r) => r.recordId);
    expect(ids()).toEqual(['c', 'e', 'b']);
    expect(ids({ status: 'all', overdueOnly: false, mine: false })).toEqual(['c', 'e', 'b', 'd', 'a']);
    expect(ids({ status: 'all', overdueOnly: true, mine: false })).toEqual(['c']);
    expect(ids({ status: 'withdrawn', overdueOnly: false, mine: false })).toEqual(['d']);
    expect(COMPLAINT_STATUS_FILTERS).toEqual(['open', 'all', 'filed', 'assigned', 'decided', 'withdrawn']);
  });

  test('the reference is the last 8 characters; counties by name', () => {
    expect(complaintReference({ recordId: RECORD })).toBe('00000ABC');
    expect(countyName({ code: '330106' })).toBe('西湖区');
    expect(countyName({ code: '999999' })).toBe('999999');
    expect(countyName({ code: 'x' })).toBe('x');
  });
});

describe('the time limit in China calendar days', () => {
  test('days left, due today, overdue today and by days, closed', () => {
    // Due at 23:59 China time on 3 December: three calendar days from 30 November.
    const dec3 = Date.parse('2026-12-03T23:59:00+08:00');
    expect(timeLimit({ complaint: row({ dueAt: dec3 }), now: NOW })).toEqual({ kind: 'left', days: 3 });
    // 01:00 UTC on 1 December is still 30 November in UTC-based arithmetic but 1 December in China.
    const dec1early = Date.parse('2026-12-01T00:30:00+08:00');
    expect(timeLimit({ complaint: row({ dueAt: dec1early }), now: NOW })).toEqual({ kind: 'left', days: 1 });
    const tonight = Date.parse('2026-11-30T22:00:00+08:00');
    expect(timeLimitLabel(timeLimit({ complaint: row({ dueAt: tonight }), now: NOW }))).toEqual({
      key: 'dueToday',
    });
    const thisMorning = Date.parse('2026-11-30T08:00:00+08:00');
    expect(timeLimitLabel(timeLimit({ complaint: row({ dueAt: thisMorning }), now: NOW }))).toEqual({
      key: 'overdueToday',
    });
    const weekAgo = Date.parse('2026-11-23T18:00:00+08:00');
    expect(timeLimitLabel(timeLimit({ complaint: row({ dueAt: weekAgo }), now: NOW }))).toEqual({
      key: 'overdueBy',
      days: 7,
    });
    expect(timeLimitLabel(timeLimit({ complaint: row({ dueAt: dec3 }), now: NOW }))).toEqual({
      key: 'daysLeft',
      days: 3,
    });
    const decided = row({ status: 'decided', dueAt: weekAgo });
    expect(timeLimitLabel(timeLimit({ complaint: decided, now: NOW }))).toEqual({ key: 'closed' });
    expect(chinaDateOf({ at: Date.parse('2026-11-30T17:00:00Z') })).toBe('2026-12-01');
  });

  test("the hub's overdue flag counts even if this clock disagrees", () => {
    const limit = timeLimit({ complaint: row({ dueAt: NOW + 1000, overdue: true }), now: NOW });
    expect(limit.kind).toBe('overdue');
  });
});

describe('what a role may do', () => {
  const me = 'qi';
  const mine = { userId: 'hub:qi', role: Role.qualityInspector };
  const theirs = { userId: 'hub:lawyer', role: Role.legalConsultant };

  test('by status and role, as the domain table says', () => {
    const filed = { status: ComplaintStatus.filed, assignee: null };
    expect(allowedComplaintActions({ complaint: filed, role: Role.qualityInspector, username: me })).toEqual([
      'assign',
      'attachEvidence',
    ]);
    expect(allowedComplaintActions({ complaint: filed, role: Role.legalConsultant, username: me })).toEqual([
      'attachEvidence',
    ]);
    expect(allowedComplaintActions({ complaint: filed, role: Role.centralOffice, username: me })).toEqual([]);
    for (const status of [ComplaintStatus.decided, ComplaintStatus.withdrawn]) {
      expect(
        allowedComplaintActions({
          complaint: { status, assignee: mine },
          role: Role.administrator,
          username: me,
        }),
      ).toEqual([]);
    }
  });

  test('deciding is for the assigned arbitrator, or an administrator standing in', () => {
    const assigned = (assignee: ComplaintRow['assignee']) => ({ status: ComplaintStatus.assigned, assignee });
    expect(
      allowedComplaintActions({ complaint: assigned(mine), role: Role.qualityInspector, username: me }),
    ).toEqual(['assign', 'attachEvidence', 'decide']);
    expect(
      allowedComplaintActions({ complaint: assigned(theirs), role: Role.qualityInspector, username: me }),
    ).toEqual(['assign', 'attachEvidence']);
    expect(
      allowedComplaintActions({
        complaint: assigned(theirs),
        role: Role.legalConsultant,
        username: 'lawyer',
      }),
    ).toEqual(['attachEvidence', 'decide']);
    expect(
      allowedComplaintActions({ complaint: assigned(theirs), role: Role.administrator, username: 'admin' }),
    ).toEqual(['assign', 'attachEvidence', 'decide']);
  });

  test('withdrawing is the county desk’s (a supervisor), never arbitration’s', () => {
    const filed = { status: ComplaintStatus.filed, assignee: null };
    expect(allowedComplaintActions({ complaint: filed, role: Role.supervisor, username: 's' })).toContain(
      'withdraw',
    );
  });

  test('filing, listening, photos, the account list', () => {
    expect(mayFileComplaint({ role: Role.qualityInspector })).toBe(true);
    expect(mayFileComplaint({ role: Role.administrator })).toBe(true);
    expect(mayFileComplaint({ role: Role.centralOffice })).toBe(false);
    expect(mayFileComplaint({ role: Role.system })).toBe(false);
    expect(mayListen({ role: Role.legalConsultant })).toBe(true);
    expect(mayListen({ role: Role.centralOffice })).toBe(false);
    expect(mayViewPhoto({ role: Role.administrator })).toBe(true);
    expect(mayViewPhoto({ role: Role.qualityInspector })).toBe(false);
    expect(mayListAccounts({ role: Role.administrator })).toBe(true);
    expect(mayListAccounts({ role: Role.qualityInspector })).toBe(false);
  });

  test('the assign form offers enabled inspectors and legal consultants', () => {
    const account = (over: Partial<HubAccount>): HubAccount => ({
      username: 'x',
      displayName: '',
      role: Role.qualityInspector,
      scope: { level: 'country' },
      createdAt: '',
      createdBy: 'admin',
      disabled: false,
      disabledAt: null,
      ...over,
    });
    expect(
      assigneeCandidates({
        accounts: [
          account({ username: 'lawyer', displayName: '李律师', role: Role.legalConsultant }),
          account({ username: 'qi', displayName: '王督查' }),
          account({ username: 'gone', disabled: true }),
          account({ username: 'analyst', role: Role.centralOffice }),
          account({ username: 'qi2' }),
        ],
      }),
    ).toEqual([
      { userId: 'hub:lawyer', role: Role.legalConsultant, label: '李律师 (lawyer)' },
      { userId: 'hub:qi', role: Role.qualityInspector, label: '王督查 (qi)' },
      { userId: 'hub:qi2', role: Role.qualityInspector, label: 'qi2' },
    ]);
  });
});

/** Runs the built payload through the domain's own reducer, as the hub will. */
function accepted(options: {
  state: ComplaintState;
  type: string;
  payload: unknown;
  actor?: { userId: string; role: Role };
}) {
  return applyComplaintCommand({
    state: options.state,
    command: {
      id: '01JZ0000000000000000000CMD',
      type: options.type,
      actor: options.actor ?? { userId: 'hub:admin', role: Role.administrator },
      at: NOW,
      payload: options.payload,
    },
    context: { mode: ApplyMode.replay },
  });
}

function stateOf(r: ComplaintRow): ComplaintState {
  const { recordId: _recordId, overdue: _overdue, ...state } = r;
  return { ...state, evidence: state.evidence.map(({ url: _url, ...e }) => e) };
}

describe('the action forms', () => {
  const form = (over: Partial<ComplaintActionForm> = {}): ComplaintActionForm => ({
    ...emptyComplaintActionForm({ countyCode: '330106' }),
    ...over,
  });
  const complaint = row();

  test('assign: a username or hub user id, not the one already assigned; accepted by the reducer', () => {
    expect(buildComplaintCommand({ action: 'assign', form: form(), complaint })).toEqual({
      ok: false,
      errors: { assignee: 'assigneeRequired' },
    });
    expect(
      buildComplaintCommand({ action: 'assign', form: form({ assignee: 'Bad Name' }), complaint }),
    ).toEqual({ ok: false, errors: { assignee: 'assigneeInvalid' } });
    const built = buildComplaintCommand({
      action: 'assign',
      form: form({ assignee: ' lawyer ', assigneeRole: Role.legalConsultant }),
      complaint,
    });
    expect(built).toEqual({
      ok: true,
      value: { type: 'assign', payload: { userId: 'hub:lawyer', role: Role.legalConsultant } },
    });
    if (!built.ok) return;
    const next = accepted({ state: stateOf(complaint), ...built.value });
    expect(next.ok && next.value.status).toBe('assigned');
    const again = buildComplaintCommand({
      action: 'assign',
      form: form({ assignee: 'hub:lawyer' }),
      complaint: row({ assignee: { userId: 'hub:lawyer', role: Role.legalConsultant } }),
    });
    expect(again).toEqual({ ok: false, errors: { assignee: 'alreadyAssigned' } });
  });

  test('evidence: a recording by county and call id, a photo by SHA-256 and name; no duplicates', () => {
    expect(
      buildComplaintCommand({
        action: 'attachEvidence',
        form: form({ countyCode: '330100', callId: 'bad id' }),
        complaint,
      }),
    ).toEqual({ ok: false, errors: { countyCode: 'countyInvalid', callId: 'callIdInvalid' } });
    const recording = buildComplaintCommand({
      action: 'attachEvidence',
      form: form({ callId: ' call-42 ' }),
      complaint,
    });
    expect(recording).toEqual({
      ok: true,
      value: {
        type: 'attachEvidence',
        payload: { kind: 'recording', countyCode: '330106', callId: 'call-42' },
      },
    });
    if (recording.ok) {
      expect(accepted({ state: stateOf(complaint), ...recording.value }).ok).toBe(true);
    }
    const withIt = row({
      evidence: [{ kind: 'recording', countyCode: '330106', callId: 'call-42', at: NOW, by: 'x', url: '/u' }],
    });
    expect(
      buildComplaintCommand({
        action: 'attachEvidence',
        form: form({ callId: 'call-42' }),
        complaint: withIt,
      }),
    ).toEqual({ ok: false, errors: { callId: 'duplicateEvidence' } });
    const sha = 'AB'.repeat(32);
    expect(
      buildComplaintCommand({
        action: 'attachEvidence',
        form: form({ evidenceKind: 'photo', sha256: 'abc', photoName: ' ' }),
        complaint,
      }),
    ).toEqual({ ok: false, errors: { sha256: 'sha256Invalid', photoName: 'photoNameRequired' } });
    expect(
      buildComplaintCommand({
        action: 'attachEvidence',
        form: form({ evidenceKind: 'photo', sha256: sha, photoName: ' 现场.jpg ' }),
        complaint,
      }),
    ).toEqual({
      ok: true,
      value: {
        type: 'attachEvidence',
        payload: { kind: 'photo', sha256: sha.toLowerCase(), name: '现场.jpg' },
      },
    });
  });

  test('decide: each outcome into its payload, checked as the domain checks it', () => {
    const assigned = row({ status: 'assigned', assignee: { userId: 'hub:qi', role: Role.qualityInspector } });
    const decide = (over: Partial<ComplaintActionForm>, on = assigned) =>
      buildComplaintCommand({ action: 'decide', form: form(over), complaint: on });
    expect(decide({ outcome: 'refund', refundYuan: '' })).toEqual({
      ok: false,
      errors: { refundYuan: 'refundInvalid', reason: 'reasonRequired' },
    });
    expect(decide({ outcome: 'refund', refundYuan: '0', reason: '属实' })).toEqual({
      ok: false,
      errors: { refundYuan: 'refundPositive' },
    });
    const refund = decide({ outcome: 'refund', refundYuan: '¥１２８．５', reason: ' 多收费属实 ' });
    expect(refund).toEqual({
      ok: true,
      value: {
        type: 'decide',
        payload: { outcome: { kind: 'refund', amountFen: 12850 }, reason: '多收费属实' },
      },
    });
    if (refund.ok) {
      const decided = accepted({
        state: stateOf(assigned),
        ...refund.value,
        actor: { userId: 'hub:qi', role: Role.qualityInspector },
      });
      expect(decided.ok && decided.value.outcome).toEqual({ kind: 'refund', amountFen: 12850 });
    }
    expect(decide({ outcome: 'penalty', points: '101', reason: 'r' })).toEqual({
      ok: false,
      errors: { points: 'pointsRange' },
    });
    expect(decide({ outcome: 'penalty', points: '１０', reason: 'r' })).toMatchObject({
      ok: true,
      value: { payload: { outcome: { kind: 'penalty', points: 10 } } },
    });
    expect(decide({ outcome: 'suspension', days: '0', reason: 'r' })).toEqual({
      ok: false,
      errors: { days: 'daysRange' },
    });
    expect(decide({ outcome: 'suspension', days: '365', reason: 'r' })).toMatchObject({
      ok: true,
      value: { payload: { outcome: { kind: 'suspension', days: 365 } } },
    });
    expect(decide({ outcome: 'dismissed', reason: 'x'.repeat(501) })).toEqual({
      ok: false,
      errors: { reason: 'reasonTooLong' },
    });
    // Nobody to sanction: only a dismissal, as the domain rules.
    const unnamed = row({ ...assigned, enterpriseId: null });
    expect(decide({ outcome: 'penalty', points: '5', reason: 'r' }, unnamed)).toEqual({
      ok: false,
      errors: { outcome: 'onlyDismiss' },
    });
    expect(decide({ outcome: 'dismissed', reason: '不属实' }, unnamed).ok).toBe(true);
  });

  test('withdraw needs a reason', () => {
    expect(buildComplaintCommand({ action: 'withdraw', form: form(), complaint })).toEqual({
      ok: false,
      errors: { reason: 'reasonRequired' },
    });
    expect(
      buildComplaintCommand({ action: 'withdraw', form: form({ reason: '已协商' }), complaint }),
    ).toEqual({
      ok: true,
      value: { type: 'withdraw', payload: { reason: '已协商' } },
    });
  });

  test("the hub's refusal is placed by the field it names", () => {
    const place = (field: string | null, action: (typeof COMPLAINT_ACTIONS)[number] = 'decide') =>
      complaintFieldOfRefusal({ field, action });
    expect(place('payload.outcome.amountFen')).toBe('refundYuan');
    expect(place('payload.outcome.points')).toBe('points');
    expect(place('payload.outcome.days')).toBe('days');
    expect(place('payload.outcome')).toBe('outcome');
    expect(place('payload.reason')).toBe('reason');
    expect(place('payload.userId', 'assign')).toBe('assignee');
    expect(place('payload.role', 'assign')).toBe('assigneeRole');
    expect(place('payload.countyCode', 'attachEvidence')).toBe('countyCode');
    expect(place('payload', 'attachEvidence')).toBe('callId');
    expect(place('command.actor.userId')).toBe('action');
    expect(place(null)).toBe('action');
  });
});

describe('a new complaint from the centre’s phone line', () => {
  const form = (over: Partial<typeof EMPTY_NEW_COMPLAINT> = {}) => ({ ...EMPTY_NEW_COMPLAINT, ...over });

  test('the required fields and their checks', () => {
    expect(buildNewComplaint({ form: form() })).toEqual({
      ok: false,
      errors: {
        countyCode: 'countyInvalid',
        kind: 'kindRequired',
        description: 'descriptionRequired',
        enterpriseName: 'enterpriseRequired',
      },
    });
    expect(
      buildNewComplaint({
        form: form({
          countyCode: '330106',
          kind: 'price',
          description: 'd',
          enterpriseName: 'e',
          orderId: 'order:330102:01JZ0000000000000000000000',
          citizenPhone: '12',
          timeLimitDays: '61',
        }),
      }),
    ).toEqual({
      ok: false,
      errors: { orderId: 'orderIdInvalid', citizenPhone: 'phoneInvalid', timeLimitDays: 'timeLimitRange' },
    });
  });

  test('a filled form into the request, the phone canonical, the default limit left to the hub', () => {
    const built = buildNewComplaint({
      form: form({
        countyCode: ' 330106 ',
        kind: 'quality',
        description: ' 保姆迟到 ',
        enterpriseName: '西湖家政',
        orderId: 'order:330106:01JZ0000000000000000000000',
        citizenName: '张女士',
        citizenPhone: '138 0000 0000',
      }),
    });
    expect(built).toEqual({
      ok: true,
      value: {
        source: 'call',
        countyCode: '330106',
        kind: 'quality',
        description: '保姆迟到',
        enterpriseName: '西湖家政',
        enterpriseId: null,
        orderId: 'order:330106:01JZ0000000000000000000000',
        citizenName: '张女士',
        citizenPhone: '+8613800000000',
      },
    });
    const limited = buildNewComplaint({
      form: form({
        countyCode: '330106',
        kind: 'price',
        description: 'd',
        enterpriseName: 'e',
        timeLimitDays: '3',
      }),
    });
    expect(limited.ok && limited.value.timeLimitDays).toBe(3);
    expect(defaultTimeLimitDays({ kind: 'quality' })).toBe(15);
    expect(defaultTimeLimitDays({ kind: 'price' })).toBe(7);
    expect(defaultTimeLimitDays({ kind: '' })).toBeNull();
  });

  test('counties suggested by name, a whole code by itself', () => {
    const suggested = countySuggestions({ query: '西湖' });
    expect(suggested).toContainEqual({ code: '330106', label: '浙江省杭州市西湖区' });
    expect(suggested.every((s) => /^\d{6}$/.test(s.code))).toBe(true);
    expect(countySuggestions({ query: '330106' })).toEqual([{ code: '330106', label: '浙江省杭州市西湖区' }]);
    expect(countySuggestions({ query: '3301' })).toEqual([]);
    expect(countySuggestions({ query: ' ' })).toEqual([]);
    expect(countyFullName({ code: '330106' })).toBe('浙江省杭州市西湖区');
    expect(countyFullName({ code: '330100' })).toBeNull();
  });

  test("the hub's refusal of a filing by its field", () => {
    expect(newComplaintFieldOfRefusal({ field: 'countyCode' })).toBe('countyCode');
    expect(newComplaintFieldOfRefusal({ field: 'citizenPhone' })).toBe('citizenPhone');
    expect(newComplaintFieldOfRefusal({ field: 'payload.enterpriseId' })).toBe('enterpriseId');
    expect(newComplaintFieldOfRefusal({ field: 'payload.dueAt' })).toBe('timeLimitDays');
    expect(newComplaintFieldOfRefusal({ field: 'scope' })).toBe('action');
    expect(newComplaintFieldOfRefusal({ field: null })).toBe('action');
  });
});

describe('evidence and history', () => {
  test('why a recording did not play', () => {
    expect(recordingProblem({ status: 503 })).toBe('notConnected');
    expect(recordingProblem({ status: 404 })).toBe('notFound');
    expect(recordingProblem({ status: 403 })).toBe('forbidden');
    expect(recordingProblem({ status: 504 })).toBe('timeout');
    expect(recordingProblem({ status: 0 })).toBe('network');
    expect(recordingProblem({ status: 502 })).toBe('failed');
  });
});

describe('every label the screens look up exists in both languages', () => {
  test('statuses, filters, sources, kinds, actions, outcomes, errors, limits, commands, recordings', () => {
    for (const dictionary of [zhCN, en]) {
      const { arbitration, hub } = dictionary;
      expect(hub.complaints).toBeTruthy();
      for (const status of COMPLAINT_STATUS_FILTERS) expect(arbitration.statusFilters[status]).toBeTruthy();
      for (const source of ['call', 'sms', 'web', 'county'] as const)
        expect(arbitration.sources[source]).toBeTruthy();
      for (const kind of ['quality', 'price'] as const) expect(arbitration.kinds[kind]).toBeTruthy();
      for (const action of COMPLAINT_ACTIONS) expect(arbitration.actions[action]).toBeTruthy();
      for (const kind of DECISION_KINDS) {
        expect(arbitration.decisionKinds[kind]).toBeTruthy();
        expect(arbitration.outcomes[kind]).toBeTruthy();
      }
      for (const error of COMPLAINT_ERRORS) expect(arbitration.errors[error]).toBeTruthy();
      for (const key of ['closed', 'dueToday', 'daysLeft', 'overdueToday', 'overdueBy'] as const) {
        expect(arbitration.limit[key]).toBeTruthy();
      }
      for (const type of ['file', ...COMPLAINT_ACTIONS] as const)
        expect(arbitration.commands[type]).toBeTruthy();
      for (const problem of [
        'notConnected',
        'notFound',
        'forbidden',
        'timeout',
        'network',
        'failed',
      ] as const) {
        expect(arbitration.recording[problem]).toBeTruthy();
      }
    }
    expect(zhCN.arbitration.recording.notConnected).toBe('该区县设备当前未连接，无法调听录音');
  });
});
